"""The vault: secrets the application consumes, encrypted at rest, in one JSON file.

Why a JSON document and not SQLite: the vault is small (tens of entries) and is rewritten
whole on every change, which makes "temporary file, fsync, rename" the natural atomic
write; readers then always see a complete old or new file. It stays a single file (SQLite
in WAL mode adds ``-wal`` and ``-shm`` files whose permissions must also be managed) and it is
inspectable (names and dates are visible, values are not). Concurrent writers serialise on
an exclusive lock around read-modify-write, so no update is lost.

Each value is encrypted separately with its name and the vault's random id as associated
data, so a ciphertext cannot be moved to another name or into another vault unnoticed.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tokenward.store import access, paths
from tokenward.store.access import FileAccess, Kind
from tokenward.store.acl import Principal
from tokenward.store.errors import (
    InvalidName,
    ProtectorError,
    SecretExists,
    SecretNotFound,
    StoreAccessError,
    StoreWarning,
    VaultError,
)
from tokenward.store.fileio import (
    atomic_write,
    check_private_dir,
    exclusive_lock,
    private_dir,
    remove_stale_temporaries,
)
from tokenward.store.protectors import AesGcmProtector, Protector

FORMAT = "tokenward-vault"
SCHEMA_VERSION = 1
DEFAULT_GRACE = timedelta(hours=24)
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}\Z")
_CHECK_PLAINTEXT = b"tokenward vault check v1"

Clock = Callable[[], datetime]
Document = dict[str, Any]


def utc_now() -> datetime:
    return datetime.now(UTC)


def check_name(name: str) -> None:
    """Secret names are environment variable names, so ``get`` can resolve either."""
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise InvalidName(name)


def _encode_value(value: str) -> bytes:
    if not isinstance(value, str) or value == "":
        raise ValueError("a secret value must be a non-empty string")
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("a secret value must be valid Unicode text") from None


@dataclass(frozen=True)
class EntryInfo:
    """What may be shown about an entry: never its value."""

    name: str
    created_at: datetime
    rotated_at: datetime
    previous_until: datetime | None

    def age(self, now: datetime) -> timedelta:
        return now - self.rotated_at


class Vault:
    """One vault file. Every call re-reads the file, so several processes can share it."""

    def __init__(self, path: Path, *, key_file: Path | None = None,
                 protector: Protector | None = None, clock: Clock = utc_now,
                 lock_timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.key_file = Path(key_file) if key_file is not None else paths.key_file_path()
        self._protector = protector
        self._clock = clock
        self._lock_timeout = lock_timeout

    @classmethod
    def default(cls, *, clock: Clock = utc_now) -> Vault:
        """The vault at ``TOKENWARD_VAULT`` (or the default path) with its default key file."""
        return cls(paths.vault_path(), key_file=paths.key_file_path(), clock=clock)

    # ---- reading -------------------------------------------------------------------------

    def names(self) -> list[str]:
        return sorted(self._read()["entries"])

    def entries(self) -> list[EntryInfo]:
        document = self._read()
        entries = document["entries"]
        return [_entry_info(name, entries[name]) for name in sorted(entries)]

    def info(self, name: str) -> EntryInfo:
        check_name(name)
        document = self._read()
        if name not in document["entries"]:
            raise SecretNotFound(name, str(self.path))
        return _entry_info(name, document["entries"][name])

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._read()["entries"]

    def get(self, name: str) -> str:
        """The current value of ``name``."""
        check_name(name)
        document = self._read()
        entry = document["entries"].get(name)
        if entry is None:
            raise SecretNotFound(name, str(self.path))
        protector = self._protector_for(document)
        return self._decrypt(protector, document, name, entry["value"])

    def values(self, name: str) -> tuple[str, ...]:
        """The current value, then the previous one while its grace period lasts.

        A service verifying credentials that are being rotated accepts all of these.
        """
        check_name(name)
        document = self._read()
        entry = document["entries"].get(name)
        if entry is None:
            raise SecretNotFound(name, str(self.path))
        protector = self._protector_for(document)
        result = [self._decrypt(protector, document, name, entry["value"])]
        if entry.get("previous") and self._clock() < _parse_time(entry["previous_until"]):
            result.append(self._decrypt(protector, document, name, entry["previous"]))
        return tuple(result)

    def due(self, max_age: timedelta) -> list[EntryInfo]:
        """Entries whose value is at least ``max_age`` old: due for rotation."""
        now = self._clock()
        return [info for info in self.entries() if info.age(now) >= max_age]

    # ---- writing -------------------------------------------------------------------------

    def set(self, name: str, value: str, *, overwrite: bool = True) -> bool:
        """Store ``value``; returns False if the same value was stored already (no change).

        With ``overwrite=False`` a different existing value raises :class:`SecretExists`.
        """
        check_name(name)
        plaintext = _encode_value(value)
        changed = True

        def change(document: Document, protector: Protector) -> bool:
            nonlocal changed
            now = _format_time(self._clock())
            existing = document["entries"].get(name)
            if existing is not None:
                current = self._decrypt(protector, document, name, existing["value"])
                if secrets.compare_digest(current.encode("utf-8"), plaintext):
                    changed = False
                    return False
                if not overwrite:
                    raise SecretExists(
                        f"secret {name!r} already holds a different value; use "
                        f"`tokenward store rotate {name}` to replace it"
                    )
            document["entries"][name] = {
                "value": self._encrypt(protector, document, name, plaintext),
                "created_at": existing["created_at"] if existing else now,
                "rotated_at": now,
                "previous": None,
                "previous_until": None,
            }
            return True

        self._mutate(change)
        return changed

    def setdefault(self, name: str, value: str) -> str:
        """The stored value of ``name``, storing ``value`` first if there is none (atomically).

        A stored value is read without the lock, so a service that may only read the vault
        (a reader set up with ``tokenward store init``) gets it too.
        """
        check_name(name)
        plaintext = _encode_value(value)
        document = self._read()
        stored = document["entries"].get(name)
        if stored is not None:
            return self._decrypt(self._protector_for(document), document, name, stored["value"])
        result = value

        def change(document: Document, protector: Protector) -> bool:
            nonlocal result
            existing = document["entries"].get(name)
            if existing is not None:
                result = self._decrypt(protector, document, name, existing["value"])
                return False
            now = _format_time(self._clock())
            document["entries"][name] = {
                "value": self._encrypt(protector, document, name, plaintext),
                "created_at": now, "rotated_at": now, "previous": None, "previous_until": None,
            }
            return True

        self._mutate(change)
        return result

    def rotate(self, name: str, new_value: str, *, grace: timedelta = DEFAULT_GRACE) -> None:
        """Replace the value, keeping the previous one readable through ``values`` for ``grace``."""
        check_name(name)
        plaintext = _encode_value(new_value)
        if grace < timedelta(0):
            raise ValueError("the grace period cannot be negative")

        def change(document: Document, protector: Protector) -> bool:
            existing = document["entries"].get(name)
            if existing is None:
                raise SecretNotFound(name, str(self.path))
            current = self._decrypt(protector, document, name, existing["value"])
            if secrets.compare_digest(current.encode("utf-8"), plaintext):
                raise ValueError(f"the new value of {name!r} is the same as the current one")
            now = self._clock()
            keep_previous = grace > timedelta(0)
            document["entries"][name] = {
                "value": self._encrypt(protector, document, name, plaintext),
                "created_at": existing["created_at"],
                "rotated_at": _format_time(now),
                "previous": existing["value"] if keep_previous else None,
                "previous_until": _format_time(now + grace) if keep_previous else None,
            }
            return True

        self._mutate(change)

    def delete(self, name: str) -> bool:
        """Remove ``name``; returns whether it existed. Needs no key (nothing is decrypted)."""
        check_name(name)
        existed = False

        def change(document: Document, _protector: Protector | None) -> bool:
            nonlocal existed
            existed = document["entries"].pop(name, None) is not None
            return existed

        self._mutate(change, needs_protector=False)
        return existed

    # ---- file handling -------------------------------------------------------------------

    def readers(self) -> tuple[Principal, ...]:
        """The accounts set up to read the vault besides its owner and SYSTEM (Windows).
        Read without judging the files (``store doctor`` reports on them)."""
        return recorded_readers(self._read(check=False)) or ()

    def store_files(self, document: Document | None = None) -> list[tuple[Path, Kind]]:
        """The vault and, for machine-scope DPAPI, its entropy file: what readers may read."""
        document = self._read(check=False) if document is None else document
        files = [(self.path, Kind.VAULT)]
        recorded = document["protector"]
        if recorded.get("kind") == "dpapi" and recorded.get("scope") == "machine":
            files.append((self._entropy_file(), Kind.ENTROPY))
        return files

    def _entropy_file(self) -> Path:
        return getattr(self._protector, "entropy_file", None) or paths.dpapi_entropy_path()

    def _read(self, *, check: bool = True) -> Document:
        check_private_dir(self.path.parent)
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return _empty_document()
        except OSError as error:
            raise VaultError(f"cannot read vault {self.path}: {error.strerror}") from None
        document = _parse_document(raw, self.path)
        if check:
            self._check_access(document)
        return document

    def _check_access(self, document: Document) -> None:
        """Windows: refuse a vault or entropy file that others can use; tighten an older one.

        A vault records the readers it was set up for; one without that record was created
        before tokenward set DACLs, and its files inherited whatever their folder grants.
        """
        if not access.uses_dacls():
            return  # POSIX: the folder is judged (check_private_dir), the files are 0600
        readers = recorded_readers(document)
        found = [access.inspect(path, kind, readers or ())
                 for path, kind in self.store_files(document)]
        too_open = [item for item in found if item.problems]
        if too_open and readers is not None:
            raise too_open[0].error()
        for item in too_open:
            _tighten(item)

    def _mutate(self, change: Callable[[Document, Any], bool], *,
                needs_protector: bool = True) -> None:
        private_dir(self.path.parent)  # before the lock file is created in it
        try:
            lock = exclusive_lock(self.path, self._lock_timeout)
            with lock:
                remove_stale_temporaries(self.path)
                creating = not self.path.exists()
                document = self._read()
                if creating:
                    protector = self._protector_for_new_vault()
                    _initialise(document, protector)
                elif needs_protector:
                    protector = self._protector_for(document)
                else:
                    protector = None
                _prune_expired_previous(document, self._clock())
                if change(document, protector) or creating:
                    document.setdefault("access", {"readers": []})
                    atomic_write(self.path, _serialise(document),
                                 readers=recorded_readers(document) or ())
        except TimeoutError as error:
            raise VaultError(str(error)) from None

    def set_up(self, *, scope: str = "user", readers: Sequence[Principal] = (),
               entropy_file: Path | None = None) -> bool:
        """Create the vault with this DPAPI ``scope`` and ``readers``, or give an existing one
        these readers and reset the access of its files (``tokenward store init``).

        Returns whether the vault was created. Readers need machine scope (a user-scope
        value only its user can decrypt); machine scope is Windows DPAPI.
        """
        if scope not in ("user", "machine"):
            raise ValueError(f"unknown scope {scope!r}")
        if scope == "machine" and sys.platform != "win32":
            raise VaultError("machine scope is Windows DPAPI; on this platform the vault is "
                             "encrypted with the key file, which only its owner may read")
        if readers and scope != "machine":
            raise VaultError("readers need a machine-scope vault (--machine): a user-scope "
                             "DPAPI value can be decrypted only by the user who stored it")
        private_dir(self.path.parent)
        try:
            with exclusive_lock(self.path, self._lock_timeout):
                remove_stale_temporaries(self.path)
                creating = not self.path.exists()
                document = self._read(check=False)  # its access is reset below
                if not creating:
                    self._check_scope(document, scope)  # before an entropy file is made
                if scope == "machine":
                    self._protector = _machine_protector(
                        entropy_file or paths.dpapi_entropy_path(), readers)
                if creating:
                    _initialise(document, self._protector_for_new_vault())
                else:
                    self._protector_for(document)
                document["access"] = {"readers": [reader.to_json() for reader in readers]}
                atomic_write(self.path, _serialise(document), readers=readers)
        except TimeoutError as error:
            raise VaultError(str(error)) from None
        return creating

    def _check_scope(self, document: Document, scope: str) -> None:
        recorded = document["protector"]
        if recorded.get("kind") == "dpapi" and recorded.get("scope") != scope:
            raise VaultError(
                f"vault {self.path} is protected with {recorded.get('scope')}-scope DPAPI, not "
                f"{scope} scope: a vault keeps its scope; create the new one at another path "
                "(--vault) and store its secrets again")

    # ---- protectors ----------------------------------------------------------------------

    def _protector_for_new_vault(self) -> Protector:
        if self._protector is not None:
            return self._protector
        if sys.platform == "win32":
            from tokenward.store.dpapi import DpapiProtector

            self._protector = DpapiProtector()
        else:
            self._protector = AesGcmProtector.from_key_file(self.key_file, create=True)
        return self._protector

    def _protector_for(self, document: Document) -> Protector:
        """The protector the file was written with, checked against the file's check value."""
        recorded: dict[str, str] = document["protector"]
        protector = self._protector or self._load_protector(document)
        if protector.descriptor.get("kind") != recorded.get("kind"):
            raise VaultError(f"vault {self.path} is protected by {recorded.get('kind')}, "
                             f"not {protector.descriptor.get('kind')}")
        if recorded.get("kind") == "aes-256-gcm" and \
                protector.descriptor.get("key_id") != recorded.get("key_id"):
            raise VaultError(
                f"vault {self.path} was encrypted with key {recorded.get('key_id')}, but key file "
                f"{self.key_file} holds key {protector.descriptor.get('key_id')}: a vault from "
                "another machine or user needs its own key file (TOKENWARD_KEY_FILE)"
            )
        try:
            check = protector.unprotect(_b64(document["check"], self.path),
                                        _context(document, "\x00check"))
        except ProtectorError as error:
            raise VaultError(f"cannot open vault {self.path}: {error}") from None
        if check != _CHECK_PLAINTEXT:
            raise VaultError(f"cannot open vault {self.path}: its check value is wrong")
        self._protector = protector
        return protector

    def _load_protector(self, document: Document) -> Protector:
        recorded: dict[str, str] = document["protector"]
        kind = recorded.get("kind")
        if kind == "aes-256-gcm":
            return AesGcmProtector.from_key_file(self.key_file)
        if kind == "dpapi":
            if sys.platform != "win32":
                raise VaultError(f"vault {self.path} is protected by Windows DPAPI; only the "
                                 "Windows user (or machine) that wrote it can open it")
            from tokenward.store.dpapi import DpapiProtector

            if recorded.get("scope") == "machine":
                return DpapiProtector.machine_scope(paths.dpapi_entropy_path(),
                                                    readers=recorded_readers(document) or ())
            return DpapiProtector()
        raise VaultError(f"vault {self.path} uses an unknown protector {kind!r}")

    def _encrypt(self, protector: Protector, document: Document, name: str,
                 plaintext: bytes) -> str:
        blob = protector.protect(plaintext, _context(document, name))
        return base64.b64encode(blob).decode("ascii")

    def _decrypt(self, protector: Protector, document: Document, name: str, encoded: str) -> str:
        try:
            plaintext = protector.unprotect(_b64(encoded, self.path), _context(document, name))
        except ProtectorError as error:
            raise VaultError(f"cannot decrypt {name!r} in {self.path}: {error}") from None
        return plaintext.decode("utf-8")


def _machine_protector(entropy_file: Path, readers: Sequence[Principal]) -> Protector:
    """Machine-scope DPAPI with its entropy file, whose access is reset to ``readers`` first."""
    from tokenward.store.dpapi import DpapiProtector

    if entropy_file.exists():
        access.secure_new(entropy_file, Kind.ENTROPY, readers)
    return DpapiProtector.machine_scope(entropy_file, create=True, readers=readers)


def _tighten(found: FileAccess) -> None:
    """Upgrade in place a file an older tokenward left with its folder's permissions."""
    what = f"{found.kind.value} {found.path}"
    try:
        access.secure_new(found.path, found.kind)
    except OSError as error:
        raise StoreAccessError(
            f"{what} was created by an older tokenward and {'; '.join(found.problems)}; it "
            f"could not be tightened ({error.strerror or error}): open the store once as its "
            "owner (for example `tokenward store list`), which restricts it") from None
    after = access.inspect(found.path, found.kind)
    if after.problems:
        raise after.error()
    warnings.warn(StoreWarning(
        f"{what} was created by an older tokenward and {'; '.join(found.problems)}: its "
        "permissions are now its owner's and SYSTEM's only (tightened in place); if others "
        "could read it, rotate the secrets it holds"), stacklevel=4)


# ---- the document ------------------------------------------------------------------------


def recorded_readers(document: Document) -> tuple[Principal, ...] | None:
    """The readers a vault was set up for; None for a vault from before they were recorded."""
    recorded = document.get("access")
    if recorded is None:
        return None
    return tuple(Principal(item["name"], item["sid"]) for item in recorded["readers"])


def _empty_document() -> Document:
    return {"format": FORMAT, "schema": SCHEMA_VERSION, "vault_id": "", "protector": {},
            "check": "", "entries": {}}


def _initialise(document: Document, protector: Protector) -> None:
    document["access"] = {"readers": []}
    document["vault_id"] = secrets.token_hex(16)
    document["protector"] = dict(protector.descriptor)
    blob = protector.protect(_CHECK_PLAINTEXT, _context(document, "\x00check"))
    document["check"] = base64.b64encode(blob).decode("ascii")


def _context(document: Document, name: str) -> bytes:
    return f"{FORMAT}/{SCHEMA_VERSION}\x00{document['vault_id']}\x00{name}".encode()


def _serialise(document: Document) -> bytes:
    return (json.dumps(document, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _corrupt(path: Path, why: str) -> VaultError:
    return VaultError(f"vault {path} is unreadable ({why}); it was left untouched: restore "
                      "it from a backup or move it aside to start a new vault")


def _parse_document(raw: bytes, path: Path) -> Document:
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise _corrupt(path, "not UTF-8 text") from None
    except json.JSONDecodeError as error:
        why = f"truncated or corrupt JSON at byte {error.pos}" if raw.strip() else "empty file"
        raise _corrupt(path, why) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _corrupt(path, "not a tokenward vault")
    schema = document.get("schema")
    if schema != SCHEMA_VERSION:
        raise VaultError(f"vault {path} has schema version {schema!r}; this tokenward reads "
                         f"version {SCHEMA_VERSION} (upgrade tokenward)")
    entries = document.get("entries")
    if not isinstance(entries, dict) or not isinstance(document.get("protector"), dict) \
            or not isinstance(document.get("vault_id"), str) \
            or not isinstance(document.get("check"), str):
        raise _corrupt(path, "missing or malformed fields")
    if "access" in document and not _valid_access(document["access"]):
        raise _corrupt(path, "malformed access record")
    for name, entry in entries.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("value"), str) \
                or not _NAME_RE.match(name):
            raise _corrupt(path, f"malformed entry {name!r}")
        try:
            _parse_time(entry["created_at"])
            _parse_time(entry["rotated_at"])
        except (KeyError, TypeError, ValueError):
            raise _corrupt(path, f"malformed dates in entry {name!r}") from None
    return document


def _valid_access(record: object) -> bool:
    if not isinstance(record, dict) or not isinstance(record.get("readers"), list):
        return False
    return all(isinstance(item, dict) and isinstance(item.get("name"), str)
               and isinstance(item.get("sid"), str) for item in record["readers"])


def _b64(encoded: str, path: Path) -> bytes:
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise _corrupt(path, "an encrypted value is not valid base64") from None


def _prune_expired_previous(document: Document, now: datetime) -> None:
    """Drop previous values whose grace period is over: old secret material is not kept."""
    for entry in document["entries"].values():
        until = entry.get("previous_until")
        if entry.get("previous") and until and now >= _parse_time(until):
            entry["previous"] = None
            entry["previous_until"] = None


def _format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("naive timestamp")
    return moment


def _entry_info(name: str, entry: dict[str, Any]) -> EntryInfo:
    until = entry.get("previous_until")
    return EntryInfo(name, _parse_time(entry["created_at"]), _parse_time(entry["rotated_at"]),
                     _parse_time(until) if until and entry.get("previous") else None)
