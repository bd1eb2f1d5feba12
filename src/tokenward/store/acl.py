"""Windows access control for the store's files, as text: SDDL written, SDDL read, judged.

Pure Python and importable everywhere, so the strings tokenward hands to Windows and the
judgement of what Windows hands back are tested on every platform; ``winsec`` only moves
these strings through advapi32.

The store's policy: every file and folder is owned by the account that created it, and its
DACL is *protected* (nothing inherited from above) and names the owner and ``SYSTEM`` with
full control. The vault and the machine-scope entropy file also name the *readers* set up
with ``tokenward store init --machine --reader ...``, with read access only. Folders pass
their owner and SYSTEM entries down to new files (``OICI``), so a file SQLite creates there
(its ``-wal`` and ``-shm``) starts private too; readers are never inherited.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

SYSTEM = "S-1-5-18"
OWNER_RIGHTS = "S-1-3-4"
CREATOR_OWNER = "S-1-3-0"
EVERYONE = "S-1-1-0"

# SDDL's two-letter aliases for well-known accounts (those Windows writes back for files).
SID_ALIASES = {
    "AN": "S-1-5-7", "AU": "S-1-5-11", "BA": "S-1-5-32-544", "BG": "S-1-5-32-546",
    "BO": "S-1-5-32-551", "BU": "S-1-5-32-545", "CG": "S-1-3-1", "CO": CREATOR_OWNER,
    "IS": "S-1-5-32-568", "IU": "S-1-5-4", "LS": "S-1-5-19", "NS": "S-1-5-20",
    "NU": "S-1-5-2", "OW": OWNER_RIGHTS, "PU": "S-1-5-32-547", "RD": "S-1-5-32-555",
    "RU": "S-1-5-32-554", "SU": "S-1-5-6", "SY": SYSTEM, "WD": EVERYONE, "AC": "S-1-15-2-1",
}
WELL_KNOWN_NAMES = {
    EVERYONE: "Everyone", "S-1-5-11": "NT AUTHORITY\\Authenticated Users",
    "S-1-5-32-545": "BUILTIN\\Users", "S-1-5-32-544": "BUILTIN\\Administrators",
    "S-1-5-32-546": "BUILTIN\\Guests", "S-1-5-7": "NT AUTHORITY\\ANONYMOUS LOGON",
    "S-1-5-4": "NT AUTHORITY\\INTERACTIVE", "S-1-5-2": "NT AUTHORITY\\NETWORK",
    "S-1-5-6": "NT AUTHORITY\\SERVICE", SYSTEM: "NT AUTHORITY\\SYSTEM",
    "S-1-5-19": "NT AUTHORITY\\LOCAL SERVICE", "S-1-5-20": "NT AUTHORITY\\NETWORK SERVICE",
    "S-1-15-2-1": "ALL APPLICATION PACKAGES", "S-1-5-32-568": "BUILTIN\\IIS_IUSRS",
    CREATOR_OWNER: "CREATOR OWNER", OWNER_RIGHTS: "OWNER RIGHTS",
}
# Groups that stand for "every account" (or every logged-on one): never a reader.
BROAD = frozenset({EVERYONE, "S-1-5-11", "S-1-5-32-545", "S-1-5-32-546", "S-1-5-7",
                   "S-1-5-4", "S-1-5-2", "S-1-15-2-1"})

GENERIC_ALL = 0x10000000
GENERIC_READ = 0x80000000
GENERIC_WRITE = 0x40000000
GENERIC_EXECUTE = 0x20000000
FILE_ALL_ACCESS = 0x1F01FF
FILE_GENERIC_READ = 0x120089
FILE_GENERIC_EXECUTE = 0x1200A0
RIGHTS = {
    "GA": GENERIC_ALL, "GR": GENERIC_READ, "GW": GENERIC_WRITE, "GX": GENERIC_EXECUTE,
    "RC": 0x20000, "SD": 0x10000, "WD": 0x40000, "WO": 0x80000, "RP": 0x10, "WP": 0x20,
    "CC": 0x1, "DC": 0x2, "LC": 0x4, "SW": 0x8, "LO": 0x80, "DT": 0x40, "CR": 0x100,
    "FA": FILE_ALL_ACCESS, "FR": FILE_GENERIC_READ, "FW": 0x120116, "FX": FILE_GENERIC_EXECUTE,
    "KA": 0xF003F, "KR": 0x20019, "KW": 0x20006, "KX": 0x20019,
}
_READ_DATA = 0x1 | GENERIC_READ | GENERIC_ALL
_WRITE_DATA = 0x2 | 0x4 | GENERIC_WRITE | GENERIC_ALL
_DELETE = 0x10000 | 0x40
_CHANGE_PERMISSIONS = 0x40000
_TAKE_OWNERSHIP = 0x80000
_CHANGE = _WRITE_DATA | _DELETE | _CHANGE_PERMISSIONS | _TAKE_OWNERSHIP | 0x10 | 0x100
# What a reader may hold: reading and, on a folder, listing and traversing.
_READER_MAY = FILE_GENERIC_READ | FILE_GENERIC_EXECUTE | GENERIC_READ | GENERIC_EXECUTE
_INHERIT_ONLY = "IO"
_SDDL = re.compile(r"(?:O:(?P<owner>S(?:-\d+)+|[A-Z]{2}))?(?:G:(?:S(?:-\d+)+|[A-Z]{2}))?"
                   r"D:(?P<flags>(?:P|AI|AR|NO_ACCESS_CONTROL)*)(?P<aces>(?:\([^()]*\))*)"
                   r"(?:S:.*)?\Z")


@dataclass(frozen=True)
class Principal:
    """An account: the name it was given by and the SID it resolved to."""

    name: str
    sid: str

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "sid": self.sid}


@dataclass(frozen=True)
class Ace:
    """One entry of a DACL: allow (``A``) or deny (``D``) ``mask`` to ``sid``."""

    kind: str
    flags: frozenset[str]
    mask: int
    sid: str

    @property
    def allows(self) -> bool:
        # Object and callback allow entries ("OA", "XA", "ZA") allow too; only denials don't.
        return "A" in self.kind and not self.kind.endswith("U")


@dataclass(frozen=True)
class SecurityDescriptor:
    """The owner and DACL of a file. ``aces is None``: no DACL, everyone has full control."""

    owner: str | None
    protected: bool
    aces: tuple[Ace, ...] | None


class SddlError(ValueError):
    """An SDDL string tokenward cannot read (never treated as safe)."""


# ---- writing ------------------------------------------------------------------------------

def file_sddl(owner_sid: str, readers: Sequence[Principal] = ()) -> str:
    """A store file's security descriptor: owner and SYSTEM full control, readers read."""
    entries = [f"(A;;FA;;;{owner_sid})", "(A;;FA;;;SY)"]
    entries += [f"(A;;FR;;;{reader.sid})" for reader in readers]
    return f"O:{owner_sid}D:P{''.join(entries)}"


def folder_sddl(owner_sid: str) -> str:
    """A store folder's: owner and SYSTEM full control, handed down to what is created in it."""
    return f"O:{owner_sid}D:P(A;OICI;FA;;;{owner_sid})(A;OICI;FA;;;SY)"


# ---- reading ------------------------------------------------------------------------------

def _sid(text: str) -> str:
    return SID_ALIASES.get(text, text)


def _mask(text: str) -> int:
    if text.lower().startswith("0x"):
        return int(text, 16)
    if text.isdigit():
        return int(text)
    if len(text) % 2 or any(text[i:i + 2] not in RIGHTS for i in range(0, len(text), 2)):
        raise SddlError(f"unknown access rights {text!r}")
    mask = 0
    for i in range(0, len(text), 2):
        mask |= RIGHTS[text[i:i + 2]]
    return mask


def _ace(text: str) -> Ace:
    fields = text.split(";")
    if len(fields) < 6:
        raise SddlError(f"malformed access control entry ({text})")
    kind, flags, rights, account = fields[0], fields[1], fields[2], fields[5]
    if len(flags) % 2:
        raise SddlError(f"malformed entry flags {flags!r}")
    return Ace(kind, frozenset(flags[i:i + 2] for i in range(0, len(flags), 2)), _mask(rights),
               _sid(account))


def parse_sddl(text: str) -> SecurityDescriptor:
    """The owner and DACL of an SDDL string as Windows writes it (owner and DACL parts)."""
    match = _SDDL.match(text.strip())
    if match is None:
        raise SddlError(f"cannot read the security descriptor {text!r}")
    owner = match.group("owner")
    flags = match.group("flags")
    aces = match.group("aces")
    if "NO_ACCESS_CONTROL" in flags:
        return SecurityDescriptor(_sid(owner) if owner else None, "P" in flags, None)
    entries = tuple(_ace(body) for body in re.findall(r"\(([^()]*)\)", aces))
    return SecurityDescriptor(_sid(owner) if owner else None, flags.startswith("P"), entries)


# ---- judging ------------------------------------------------------------------------------

def describe(mask: int) -> str:
    """Rights in words, as ``store doctor`` shows them."""
    if mask & GENERIC_ALL or mask & FILE_ALL_ACCESS == FILE_ALL_ACCESS:
        return "full control"
    parts = [word for word, bits in (("read", _READ_DATA), ("write", _WRITE_DATA),
                                     ("delete", _DELETE), ("change permissions",
                                                           _CHANGE_PERMISSIONS),
                                     ("take ownership", _TAKE_OWNERSHIP)) if mask & bits]
    return ", ".join(parts) if parts else f"attributes only (0x{mask:x})"


def default_name(sid: str) -> str:
    return WELL_KNOWN_NAMES.get(sid, sid)


@dataclass(frozen=True)
class Grant:
    """What one account may do with a file, and whether the store allows it."""

    sid: str
    name: str
    rights: str
    problem: str | None


def grants(descriptor: SecurityDescriptor, *, folder: bool, readers: Sequence[Principal] = (),
           name_of: Callable[[str], str] = default_name) -> tuple[Grant, ...]:
    """Each account the DACL lets in, merged over its entries, with what is wrong about it.

    Allowed: the owner (and OWNER RIGHTS / CREATOR OWNER, which stand for it), SYSTEM, and
    the ``readers`` with read access only. Deny entries only take rights away and are not
    counted. On a file, inherit-only entries do not apply; on a folder they reach every new
    file, so they count.
    """
    if descriptor.aces is None:
        return ()
    masks: dict[str, int] = {}
    for ace in descriptor.aces:
        if not ace.allows or (not folder and _INHERIT_ONLY in ace.flags):
            continue
        masks[ace.sid] = masks.get(ace.sid, 0) | ace.mask
    owners = {descriptor.owner, OWNER_RIGHTS, CREATOR_OWNER, SYSTEM}
    reader_names = {reader.sid: reader.name for reader in readers}
    result = []
    for sid, mask in masks.items():
        name = reader_names.get(sid) or name_of(sid)
        problem = None
        if sid in owners or not mask:
            pass
        elif sid in reader_names:
            if mask & ~_READER_MAY:
                problem = f"{name} may only read it, but has {describe(mask)}"
        else:
            problem = f"{name} ({sid}) has {describe(mask)}"
        result.append(Grant(sid, name, describe(mask), problem))
    return tuple(result)


def problems(descriptor: SecurityDescriptor, *, folder: bool,
             readers: Sequence[Principal] = (),
             name_of: Callable[[str], str] = default_name) -> tuple[str, ...]:
    """What makes this DACL more open than the store allows (empty: nothing)."""
    if descriptor.aces is None:
        return ("it has no DACL, so everyone has full control",)
    return tuple(grant.problem for grant in grants(descriptor, folder=folder, readers=readers,
                                                   name_of=name_of) if grant.problem)
