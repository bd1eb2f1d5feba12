"""Who may use each file and folder of the store: set when it is created, judged when it is
opened, explained by ``tokenward store doctor``. One place for every platform.

- POSIX: folders 0700 and files 0600, owned by the user (the modes are given at creation,
  see ``fileio``). A folder another user owns or can use is refused, and so is a key or
  entropy file that group or others can read.
- Windows: an explicit, protected DACL (``acl``): the owner and SYSTEM, plus the readers set
  up for the vault and its entropy file. A vault or entropy file whose DACL lets anyone else
  in, has no DACL, or cannot be read, is refused.

The judgement is the same for refusing and for ``doctor``: :func:`inspect` describes a
path, :func:`require` raises its first problem.
"""

from __future__ import annotations

import enum
import os
import stat
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tokenward.store import acl
from tokenward.store.acl import Principal
from tokenward.store.errors import InsecureFolder, ProtectorError, StoreAccessError, StoreError

OWNER_ONLY = 0o600
OWNER_ONLY_DIR = 0o700


class Kind(enum.Enum):
    """What a path is to the store (its name in messages)."""

    FOLDER = "folder"
    VAULT = "vault"
    ENTROPY = "entropy file"
    KEY = "key file"
    TOKEN_DB = "token database"
    AUDIT_LOG = "audit log"
    LOCK = "lock file"

    @property
    def takes_readers(self) -> bool:
        """Only the secrets a service reads are shared with readers; nothing is inherited."""
        return self in (Kind.VAULT, Kind.ENTROPY)


@dataclass(frozen=True)
class FileAccess:
    """Who may use one path, what is wrong with that, and what to change."""

    path: Path
    kind: Kind
    exists: bool
    owner: str = ""
    grants: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    fix: str = ""

    def error(self) -> StoreError:
        """The problems as the error the store raises when it refuses the path."""
        text = f"{self.kind.value} {self.path} {'; '.join(self.problems)}; {self.fix}"
        if self.kind is Kind.FOLDER:
            return InsecureFolder(text)
        if self.kind in (Kind.KEY, Kind.ENTROPY) and not uses_dacls():
            return ProtectorError(text)
        return StoreAccessError(text)


def uses_dacls() -> bool:
    """Whether access is Windows DACLs (else POSIX modes). One predicate, so the tests can
    run the Windows judgement on any platform with a stand-in for ``winsec``."""
    return sys.platform == "win32"


# ---- setting ------------------------------------------------------------------------------

def secure_new(path: Path, kind: Kind, readers: Sequence[Principal] = ()) -> None:
    """Give a path the store just created its access: a DACL on Windows, 0700 on a POSIX
    folder (a POSIX file gets 0600 from the call that creates it, whatever the umask)."""
    if uses_dacls():
        from tokenward.store import winsec

        owner = winsec.current_user_sid()
        shared = readers if kind.takes_readers else ()
        sddl = acl.folder_sddl(owner) if kind is Kind.FOLDER else acl.file_sddl(owner, shared)
        winsec.set_security(path, sddl)
    elif kind is Kind.FOLDER:
        os.chmod(path, OWNER_ONLY_DIR)  # the umask may have removed the owner's bits


def resolve_readers(names: Sequence[str]) -> tuple[Principal, ...]:
    """The accounts named as readers, resolved with ``LookupAccountNameW`` (Windows only).

    Every unknown name is reported at once; a group that stands for every account
    (Everyone, Users, Authenticated Users, ...) is refused: it would share the vault with
    the whole machine.
    """
    if not names:
        return ()
    if not uses_dacls():
        raise StoreError("readers name Windows accounts for a machine-scope vault; on this "
                         "platform the vault and its key file are for their owner only: run "
                         "the service as that user, or provision TOKENWARD_KEY_FILE for it")
    from tokenward.store import winsec
    from tokenward.store.errors import UnknownAccount

    found, unknown = [], []
    code: int | None = None
    for name in dict.fromkeys(names):
        try:
            found.append(winsec.lookup_account(name))
        except UnknownAccount as error:
            unknown.append(name)
            code = error.windows_error
    if unknown:
        raise UnknownAccount(tuple(unknown), code)
    broad = [f"{reader.name!r} ({acl.default_name(reader.sid)})" for reader in found
             if reader.sid in acl.BROAD]
    if broad:
        raise StoreError(f"reader {', '.join(broad)} stands for every account on the machine; "
                         "name the service account (NT SERVICE\\..., IIS AppPool\\...) or a "
                         "group of your own")
    return tuple(found)


# ---- judging ------------------------------------------------------------------------------

def inspect(path: Path, kind: Kind, readers: Sequence[Principal] = ()) -> FileAccess:
    """Who may use ``path`` and what is wrong with it. A missing path has no problem."""
    if not os.path.lexists(path):
        return FileAccess(path, kind, exists=False)
    if uses_dacls():
        return _inspect_windows(path, kind, readers if kind.takes_readers else ())
    return _inspect_posix(path, kind)


def require(path: Path, kind: Kind, readers: Sequence[Principal] = ()) -> None:
    """Refuse ``path`` (raise) when :func:`inspect` finds it open to others."""
    found = inspect(path, kind, readers)
    if found.problems:
        raise found.error()


def _inspect_posix(path: Path, kind: Kind) -> FileAccess:
    status = path.stat()
    mode = stat.S_IMODE(status.st_mode)
    owner = _user_name(status.st_uid)
    shown = (f"mode {mode:04o}",)
    if kind is not Kind.FOLDER:
        # A file is judged by its mode only: a key provisioned by a secret manager may
        # belong to another account, and its folder (judged itself) guards the rest.
        if not mode & (stat.S_IRWXG | stat.S_IRWXO):
            return FileAccess(path, kind, True, owner, shown)
        return FileAccess(path, kind, True, owner, shown, (
            f"is accessible by other users (mode {mode:04o})",),
            fix=f"restrict it with `chmod 600 {path}`")
    if status.st_uid != os.geteuid():
        return FileAccess(path, kind, True, owner, shown, (
            f"belongs to another user (uid {status.st_uid}), who can read or replace what "
            "tokenward keeps there",), fix="use a folder of your own")
    access = [word for word, bits in (("read", 0o044), ("written", 0o022)) if mode & bits]
    if not access:
        return FileAccess(path, kind, True, owner, shown)
    return FileAccess(path, kind, True, owner, shown, (
        f"can be {' and '.join(access)} by other users (mode {mode:04o})",),
        fix="the store keeps its files only in a folder of your own: check what is in it, "
            f"then restrict it with `chmod 700 {path}`")


def _user_name(uid: int) -> str:
    try:
        import pwd

        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except (ImportError, KeyError):
        return f"uid {uid}"


def _inspect_windows(path: Path, kind: Kind, readers: Sequence[Principal]) -> FileAccess:
    from tokenward.store import winsec

    try:
        descriptor = acl.parse_sddl(winsec.get_security(path))
    except PermissionError:
        return FileAccess(path, kind, True, problems=(
            "cannot have its permissions read (access denied), so who can read it is unknown",),
            fix="run `tokenward store doctor` as its owner or an administrator")
    except (OSError, acl.SddlError) as error:
        return FileAccess(path, kind, True, problems=(
            f"cannot have its permissions read ({error}), so who can read it is unknown",),
            fix="run `tokenward store doctor` as its owner or an administrator")
    folder = kind is Kind.FOLDER
    found = acl.grants(descriptor, folder=folder, readers=readers, name_of=winsec.account_name)
    problems = tuple(g.problem for g in found if g.problem)
    if descriptor.aces is None:
        problems = acl.problems(descriptor, folder=folder)
    granted = {g.sid for g in found}
    notes = tuple(f"reader {r.name} cannot read it" for r in readers if r.sid not in granted)
    if not descriptor.protected:
        notes += ("it inherits permissions from its folder",)
    owner = winsec.account_name(descriptor.owner) if descriptor.owner else "unknown"
    return FileAccess(path, kind, True, owner, tuple(f"{g.name}: {g.rights}" for g in found),
                      tuple(f"is open to others: {p}" for p in problems), notes,
                      _windows_fix(path, found, descriptor))


def _windows_fix(path: Path, found: Sequence[acl.Grant],
                 descriptor: acl.SecurityDescriptor) -> str:
    if descriptor.aces is None:
        return "check what it holds, then run `tokenward store init` as its owner to reset it"
    extra = [g.name for g in found if g.problem and "may only read" not in g.problem]
    wider = [g.name for g in found if g.problem and "may only read" in g.problem]
    commands = []
    if extra and not descriptor.protected:  # inherited entries are removed once copied
        commands.append(f'icacls "{path}" /inheritance:d')
    if extra:
        commands.append(f'icacls "{path}" /remove:g ' + " ".join(f'"{name}"' for name in extra))
    commands += [f'icacls "{path}" /grant:r "{name}:R"' for name in wider]
    if not commands:
        return ""
    return ("only its owner, SYSTEM and the readers set up with `tokenward store init` may use "
            "it: check who may have read it, then run " + " and ".join(f"`{c}`" for c in commands))
