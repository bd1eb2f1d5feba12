"""``tokenward store doctor``: who may use each file of the store, and what to change.

Every path the store creates is judged by ``access.inspect`` (the same judgement that refuses
a too-open vault), and the readers in settings are compared with those the vault was set up
for. Nothing is changed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tokenward.store import access
from tokenward.store.access import FileAccess, Kind
from tokenward.store.acl import Principal
from tokenward.store.errors import StoreAccessError, StoreError
from tokenward.store.vault import Vault


@dataclass(frozen=True)
class Report:
    files: tuple[FileAccess, ...]
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems and not any(f.problems for f in self.files)


def _sidecars(path: Path, suffixes: Sequence[str], kind: Kind) -> list[tuple[Path, Kind]]:
    return [(path.with_name(path.name + suffix), kind) for suffix in suffixes]


def examine(vault: Vault, *, key_file: Path, token_db: Path, audit_log: Path,
            configured_readers: Sequence[str] = ()) -> Report:
    """The report for the store at these paths; ``configured_readers``: names in settings."""
    problems: list[str] = []
    notes: list[str] = []
    try:
        files = vault.store_files()
        readers = vault.readers()
    except StoreError as error:
        if not isinstance(error, StoreAccessError):  # those are shown with their file
            problems.append(f"the vault cannot be read: {error}")
        files, readers = [(vault.path, Kind.VAULT)], ()
    if vault.path.exists() and not access.uses_dacls():
        files.append((key_file, Kind.KEY))
    paths: list[tuple[Path, Kind]] = [(vault.path.parent, Kind.FOLDER), *files]
    paths += _sidecars(vault.path, [".lock"], Kind.LOCK)
    paths += [(token_db.parent, Kind.FOLDER), (token_db, Kind.TOKEN_DB)]
    paths += _sidecars(token_db, ["-wal", "-shm"], Kind.TOKEN_DB)
    paths += [(audit_log.parent, Kind.FOLDER), (audit_log, Kind.AUDIT_LOG)]
    paths += _sidecars(audit_log, [".lock"], Kind.LOCK)
    unique = list(dict.fromkeys(paths))
    found = tuple(access.inspect(path, kind, readers) for path, kind in unique)
    problems += _compare_readers(configured_readers, readers, notes)
    return Report(found, tuple(problems), tuple(notes))


def _compare_readers(configured: Sequence[str], recorded: Sequence[Principal],
                     notes: list[str]) -> list[str]:
    if not access.uses_dacls():
        if configured:
            notes.append("readers in settings apply to Windows machine-scope vaults only")
        return []
    wanted = access.resolve_readers(configured)
    missing = [r.name for r in wanted if r.sid not in {x.sid for x in recorded}]
    extra = [r.name for r in recorded if r.sid not in {x.sid for x in wanted}]
    result = []
    if missing:
        result.append(f"settings name reader(s) {', '.join(missing)} that the vault was not set "
                      "up for: run `tokenward store init --machine` to grant them")
    if extra:
        result.append(f"the vault was set up for reader(s) {', '.join(extra)} that settings do "
                      "not name: run `tokenward store init --machine` to withdraw them")
    return result
