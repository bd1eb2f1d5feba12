"""The result cache: an unchanged file is never scanned twice.

A row is keyed by everything that decides a file's findings: tokenward's version and code,
the settings digest, the rule set, the file's path relative to the project root (its kind
and its fingerprints depend on it) and its content, or for a git blob its object id (which
names the content: a history re-scan looks a blob up without reading it). Never by the
current folder: a scan started anywhere in the project uses the same rows, and display
paths are put back on the way out, so the output is the same with or without the cache.
A file's result is stored twice: under its content and under its stat signature, so a warm
scan reads one row per unchanged file and checks one MAC. A result with nothing in it (most
files) is stored as an empty value instead of its JSON. On top of those rows, the listing of
a scan (keyed by the current folder, the root and the exact list of files) keeps every
file's signature and result in one row: the same scan again reads that row, checks its one
MAC, and asks the rows only about the files whose signature changed.

The cache belongs to its user and is never trusted blindly:

- it lives in a folder that only its user can write (created 0700, with any missing
  parents, whatever the umask); the database is 0600;
- each row carries an HMAC under the per-user key kept beside it (``scanner.userdata``); a
  row that fails it (rewritten to "no findings" by someone else) is deleted and its file
  scanned again;
- rows unused for ``max_age`` go, and the file is kept under ``max_bytes``, least recently
  used rows first;
- a database that is corrupt, from another schema or unreadable is deleted and rebuilt.

Rows hold what reports hold (redacted snippets) plus the local keyed hash of secret values
and their value checks, never a secret. A cache problem makes a scan slower, never failed
and never weaker.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import sqlite3
import stat
import time
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from tokenward import __version__
from tokenward.config import Config
from tokenward.model import ScanError, SkippedFile, finding_from_dict, finding_to_dict
from tokenward.records import record
from tokenward.rules.base import Rule
from tokenward.scanner.engine import FileResult, FileTask, project_path, unread
from tokenward.scanner.userdata import cache_dir, folder_key, local_key, private_folder
from tokenward.trust import distrust

__all__ = ["DEFAULT_LIMITS", "CacheLimits", "ResultCache", "cache_dir"]

DB_NAME = "results-v4.sqlite"
SCHEMA = 4
# Earlier caches: v1 unbounded, unauthenticated, and holding the old published secret
# hashes; v2 with signature rows that pointed to content rows; v3 kept errors as messages
# only (a result not fully analysed was not cached).
_RETIRED = ("results-v1.sqlite", "results-v2.sqlite", "results-v3.sqlite")
_SIDE_FILES = ("", "-wal", "-shm", "-journal")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DAY = 24 * 3600
# The value of a result with no findings, errors, skip or summary (most files).
_CLEAN = ""
# A listing larger than this share of max_bytes is not kept (the rows still are).
_LISTING_SHARE = 8

# A scan's listing: "display path NUL stat signature" -> value (a JSON object as it is
# stored: a warm scan decodes it in one call and looks each file up by one string).
Listing = dict[str, str]


@record
class CacheLimits:
    max_bytes: int = 64 * 1024 * 1024
    max_age: int = 30 * _DAY  # seconds since a row was last used
    # A row's last use is recorded at most this often: a warm scan stays read-only.
    touch_after: int = _DAY


DEFAULT_LIMITS = CacheLimits()


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """Which tokenward code produced the results: its files' sizes and modification times.

    The version alone is not enough: an editable install (or a patched one) changes the
    rules without changing the version, and a stale cache would hide the change.
    """
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for folder, _, files in sorted(os.walk(package)):
        for name in sorted(files):
            if name.endswith((".py", ".toml")):
                info = os.stat(os.path.join(folder, name))
                digest.update(f"{folder}/{name}:{info.st_size}:{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


class _Unusable(Exception):
    """The database file cannot be used as it is: delete it and start a new one."""


def _remove(path: Path) -> None:
    for suffix in _SIDE_FILES:
        with contextlib.suppress(OSError):
            os.unlink(f"{path}{suffix}")


def _private_file(path: Path) -> None:
    """Create ``path`` 0600 (whatever the umask), or check that it is a regular file of
    this user's and make it 0600 (a cache from before the mode was enforced)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o600)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or distrust(info) is not None:
            raise _Unusable
        if hasattr(os, "fchmod") and stat.S_IMODE(info.st_mode) != 0o600:
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def _connect(path: Path) -> sqlite3.Connection:
    _private_file(path)
    db = sqlite3.connect(path, timeout=5)
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA):
            raise _Unusable
        if version == 0:
            # Before any table: lets pruning give pages back to the file system.
            db.execute("PRAGMA auto_vacuum = INCREMENTAL")
            db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, "
                       "value TEXT NOT NULL, mac TEXT NOT NULL, used INTEGER NOT NULL, "
                       "size INTEGER NOT NULL)")
            db.execute("CREATE INDEX IF NOT EXISTS results_used ON results (used)")
            db.execute(f"PRAGMA user_version = {SCHEMA}")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("SELECT count(*) FROM results WHERE key = ''").fetchone()
    except BaseException:
        db.close()
        raise
    return db


def may_answer() -> bool:
    """Whether this user has a result cache a scan could be answered from (one stat): a
    fresh machine's, or a CI container's, first scan has none."""
    return (cache_dir() / DB_NAME).exists()


def _open_database(folder: Path) -> sqlite3.Connection | None:
    """The cache database in ``folder``, rebuilt once if it is corrupt, from another schema
    or not this user's; None if even a new one cannot be had."""
    for retired in _RETIRED:
        _remove(folder / retired)
    path = folder / DB_NAME
    for _attempt in range(2):
        try:
            return _connect(path)
        except sqlite3.OperationalError:
            return None  # busy or locked by another run: not broken, just not ours now
        except (_Unusable, sqlite3.DatabaseError, OSError):
            _remove(path)
    return None


class ResultCache:
    def __init__(self, db: sqlite3.Connection | None, salt: str, key: bytes = b"",
                 limits: CacheLimits = DEFAULT_LIMITS, root: str = ".") -> None:
        self._db = db
        self._salt = salt
        self._salted = hashlib.sha256(salt.encode())
        self._key = key
        self._limits = limits
        self._root = root
        self._cwd = os.getcwd()  # one scan, one folder: asked once, not once per file
        self._wheres: dict[str, bytes] = {}
        self._now = int(time.time())
        self._bad: list[str] = []
        self._touched: list[str] = []
        # Content row key -> value, of the rows get_many found: put_signatures copies them.
        self._by_content: dict[str, str] = {}
        # The listing row of this run's files, the listing it held, the one this run saw.
        self._listing_key = ""
        self._listing_was: Listing = {}
        self._listing: Listing = {}

    @classmethod
    def open(cls, config: Config, rules: Sequence[Rule], *,
             limits: CacheLimits | None = None) -> ResultCache:
        salt = "|".join((__version__, _code_digest(), config.digest(),
                         ",".join(r.id for r in rules)))
        chosen = limits or DEFAULT_LIMITS
        folder = private_folder(cache_dir())
        key = folder_key(folder) if folder is not None else None
        # Rows keep secret hashes keyed by local_key(); a cache under another key would
        # hand the fix engine hashes it cannot match.
        if folder is None or key is None or key != local_key():
            return cls(None, salt, limits=chosen)
        return cls(_open_database(folder), salt, key, chosen, config.root)

    def _keyed(self, task: FileTask) -> hashlib._Hash:
        """The digest of what, besides its content, decides a task's findings."""
        digest = self._salted.copy()
        digest.update(self._where(task.path))
        if task.rules is not None or not task.syntax:
            # A blob scanned with some of the rules (history) is another row than all.
            ids = "*" if task.rules is None else ",".join(sorted(task.rules))
            digest.update(b"rules\0" + ids.encode()
                          + (b"\0syntax\0" if task.syntax else b"\0no-syntax\0"))
        return digest

    def _where(self, path: str) -> bytes:
        """A path's part of its keys, made once per path: a file's content, signature and
        listing are each keyed by it (three ``project_path`` calls a file, a tenth of a
        first cached scan of Django's source in the parent)."""
        where = self._wheres.get(path)
        if where is None:
            shown = project_path(path, self._root, self._cwd)
            where = self._wheres[path] = (
                b"\0" + shown.encode("utf-8", "surrogateescape") + b"\0")
        return where

    def _row_key(self, task: FileTask) -> str:
        digest = self._keyed(task)
        if task.blob is not None:
            # A git object id names its content: a history re-scan need not read the blob.
            digest.update(b"git-blob\0" + task.blob.encode())
        else:
            # The content by its own digest: a worker that read the file sends back that
            # digest, not the bytes (engine._scanned).
            content = task.digest if task.digest is not None else hashlib.sha256(
                task.data or b"").digest()
            digest.update(b"sha256\0" + content)
        return digest.hexdigest()

    @cached_property
    def fresh(self) -> bool:
        """Whether the cache can answer nothing at all: no database, or one without a row
        (a fresh machine's, a CI container's first scan). Such a scan's workers read the
        files (the parent need not look any up by content) and send back their digests."""
        if self._db is None:
            return True
        try:
            return self._db.execute("SELECT 1 FROM results LIMIT 1").fetchone() is None
        except sqlite3.Error:
            return False

    def _signature_key(self, task: FileTask) -> str:
        """The row that holds a file's result under its stat signature."""
        assert task.signature is not None
        digest = self._keyed(task)
        digest.update(b"stat\0%d:%d:%d:%d" % task.signature)
        return digest.hexdigest()

    def _mac(self, row_key: str, value: str) -> str:
        message = b"cache-row\0" + row_key.encode() + b"\0" + value.encode()
        return hmac.digest(self._key, message, "sha256").hex()

    def _rows(self, keys: Iterable[str]) -> dict[str, str]:
        """The values of the rows with these keys, in a few queries; a row that fails its
        MAC is dropped (and deleted at the end of the run), a row's use recorded."""
        if self._db is None:
            return {}
        wanted = list(dict.fromkeys(keys))
        found: dict[str, str] = {}
        try:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                rows = self._db.execute(
                    "SELECT key, value, mac, used FROM results WHERE key IN "
                    f"({','.join('?' * len(chunk))})", chunk).fetchall()
                for row_key, value, mac, used in rows:
                    if not (isinstance(value, str) and isinstance(mac, str)
                            and hmac.compare_digest(mac, self._mac(row_key, value))):
                        self._bad.append(row_key)
                        continue
                    if not isinstance(used, int) or used < self._now - self._limits.touch_after:
                        self._touched.append(row_key)
                    found[row_key] = value
        except sqlite3.Error:
            return {}
        return found

    def _results(self, keyed: dict[int, tuple[str, str]],
                 keep: dict[str, str] | None = None) -> dict[int, FileResult]:
        """index -> (row key, display path): the results found, decoded (and the values
        of their rows kept in ``keep``)."""
        rows = self._rows(key for key, _ in keyed.values())
        found: dict[int, FileResult] = {}
        for index, (row_key, path) in keyed.items():
            value = rows.get(row_key)
            if value is None:
                continue
            result = _decoded(path, value)
            if result is None:
                self._bad.append(row_key)
                continue
            found[index] = result
            if keep is not None:
                keep[row_key] = value
        return found

    def by_signature(self, tasks: Sequence[FileTask]) -> dict[int, FileResult]:
        """index -> result of the unread tasks whose stat signature names a cached
        result: those files need not be read nor hashed. The listing of the same scan
        answers first; the rows answer the files it does not know by that signature."""
        if self._db is None:
            return {}
        self._listing_key = self._listing_key_of(tasks)
        if self.fresh:
            return {}  # no row to find: not one signature key made for nothing
        self._listing_was = self._read_listing(self._listing_key)
        found: dict[int, FileResult] = {}
        keyed: dict[int, tuple[str, str]] = {}
        for index, task in enumerate(tasks):
            if not (unread(task) and _listed(task)):
                continue
            assert task.signature is not None
            entry = _entry(task)
            value = self._listing_was.get(entry)
            if value is not None and (result := _decoded(task.path, value)) is not None:
                found[index] = result
                self._listing[entry] = value
            else:
                keyed[index] = (self._signature_key(task), task.path)
        values: dict[str, str] = {}
        for index, result in self._results(keyed, keep=values).items():
            found[index] = result
            self._listing[_entry(tasks[index])] = values[keyed[index][0]]
        return found

    def _listing_key_of(self, tasks: Sequence[FileTask]) -> str:
        """The row of the listing of exactly these files, seen from this folder."""
        digest = self._salted.copy()
        digest.update(b"\0listing\0" + f"{self._cwd}\0{self._root}".encode(
            "utf-8", "surrogateescape"))
        digest.update("\0".join(t.path for t in tasks).encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    def _read_listing(self, row_key: str) -> Listing:
        value = self._rows([row_key]).get(row_key)
        if value is None:
            return {}
        try:
            listing = json.loads(value)
        except ValueError:
            listing = None
        if not isinstance(listing, dict):
            self._bad.append(row_key)
            return {}
        return listing

    def get_many(self, tasks: Sequence[tuple[int, FileTask]]) -> dict[int, FileResult]:
        """index -> cached result of these tasks, by content (or blob id)."""
        if self._db is None:
            return {}
        return self._results({i: (self._row_key(t), t.path) for i, t in tasks
                              if t.data is not None or t.blob is not None},
                             keep=self._by_content)

    def get(self, task: FileTask) -> FileResult | None:
        return self.get_many([(0, task)]).get(0)

    def put_many(self, items: Iterable[tuple[FileTask, FileResult]]) -> None:
        rows: list[tuple[str, str]] = []
        for task, result in items:
            value = _encode(result)
            rows.append((self._row_key(task), value))
            if task.signature is not None and task.blob is None:
                rows.append((self._signature_key(task), value))
                if _listed(task):
                    self._listing[_entry(task)] = value
        self._insert(rows)

    def put_signatures(self, tasks: Iterable[FileTask]) -> None:
        """Store under these read tasks' signatures what their content's rows hold."""
        rows = []
        for task in tasks:
            if task.signature is not None and task.blob is None:
                value = self._by_content.get(self._row_key(task))
                if value is not None:
                    rows.append((self._signature_key(task), value))
                    if _listed(task):
                        self._listing[_entry(task)] = value
        self._insert(rows)

    def _put_listing(self) -> None:
        """Keep this run's listing when it differs from the one it found (and is not too
        large for its share of the cache)."""
        if not self._listing_key or self._listing == self._listing_was:
            return
        value = json.dumps(self._listing, sort_keys=True)
        if len(value) <= self._limits.max_bytes // _LISTING_SHARE:
            self._insert([(self._listing_key, value)])

    def _note_key(self, name: str) -> str:
        note = f"{self._salt}\0note\0{name}".encode("utf-8", "surrogateescape")
        return hashlib.sha256(note).hexdigest()

    def get_notes(self, names: Sequence[str]) -> dict[str, str]:
        """Values kept by :meth:`put_notes` under these names (a history scan's commits),
        checked like result rows; names without a good row are left out."""
        keys = {self._note_key(name): name for name in names}
        return {keys[k]: value for k, value in self._rows(keys).items()}

    def put_notes(self, items: Iterable[tuple[str, str]]) -> None:
        self._insert((self._note_key(name), value) for name, value in items)

    def _insert(self, items: Iterable[tuple[str, str]]) -> None:
        if self._db is None:
            return
        rows = [(row_key, value, self._mac(row_key, value), self._now,
                 len(row_key) + len(value) + 64 + 32) for row_key, value in items]
        if not rows:
            return
        try:
            with self._db:
                self._drop_bad()  # before: a bad row's key may be written again just now
                self._db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?)",
                                     rows)
            self._prune()
        except sqlite3.Error:
            pass

    def _prune(self) -> None:
        """Drop rows unused for max_age, then the least recently used ones while the file is
        over max_bytes (down to 3/4 of it, so the next runs do not prune again at once)."""
        assert self._db is not None
        limits = self._limits
        with self._db:
            self._db.execute("DELETE FROM results WHERE used < ?",
                             (self._now - limits.max_age,))
        used = self._bytes_used()
        if used > limits.max_bytes:
            excess = used - limits.max_bytes * 3 // 4
            doomed: list[tuple[str]] = []
            for row_key, size in self._db.execute(
                    "SELECT key, size FROM results ORDER BY used, rowid"):
                if excess <= 0:
                    break
                doomed.append((row_key,))
                excess -= size
            with self._db:
                self._db.executemany("DELETE FROM results WHERE key = ?", doomed)
        self._db.execute("PRAGMA incremental_vacuum")
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _bytes_used(self) -> int:
        assert self._db is not None
        pages = self._db.execute("PRAGMA page_count").fetchone()[0]
        free = self._db.execute("PRAGMA freelist_count").fetchone()[0]
        size = self._db.execute("PRAGMA page_size").fetchone()[0]
        return int((pages - free) * size)

    def _drop_bad(self) -> None:
        assert self._db is not None
        self._db.executemany("DELETE FROM results WHERE key = ?", [(k,) for k in self._bad])
        self._bad.clear()

    def close(self) -> None:
        if self._db is None:
            return
        self._put_listing()
        try:
            with self._db:
                self._drop_bad()
                self._db.executemany("UPDATE results SET used = ? WHERE key = ?",
                                     [(self._now, k) for k in self._touched])
        except sqlite3.Error:
            pass
        finally:
            self._db.close()
            self._db = None


def _listed(task: FileTask) -> bool:
    """Whether a task's result may be kept in a listing: a file on disk, known by its
    signature, scanned with every rule."""
    return task.signature is not None and task.blob is None and task.rules is None \
        and task.syntax


def _entry(task: FileTask) -> str:
    """A listed task's entry in a listing."""
    assert task.signature is not None
    size, mtime, ctime, inode = task.signature
    return f"{task.path}\0{size}:{mtime}:{ctime}:{inode}"


def _decoded(path: str, value: str) -> FileResult | None:
    """A listing's value as a result, None if it does not decode."""
    try:
        return (FileResult(path, cached=True) if value == _CLEAN
                else _decode(path, json.loads(value)))
    except (ValueError, KeyError, TypeError):
        return None


def _encode(result: FileResult) -> str:
    if not (result.findings or result.errors or result.skipped or result.summary):
        return _CLEAN
    findings = []
    for finding in result.findings:
        data = finding_to_dict(finding, local=True)
        data["path"] = ""  # the display path depends on the current folder: put back on read
        findings.append(data)
    return json.dumps({
        "findings": findings,
        # An error the gate fails on keeps its kind (a plain message is the common case).
        "errors": [{"message": e.message, "unscanned": True} if e.unscanned else e.message
                   for e in result.errors],
        "skipped": result.skipped.reason if result.skipped else None,
        "summary": result.summary.to_json() if result.summary else None,
    })


def _decode(path: str, data: dict[str, Any]) -> FileResult:
    skipped = SkippedFile(path, data["skipped"]) if data["skipped"] else None
    summary = None
    if data["summary"]:  # a file that defines token issuers (few): their module, now
        from tokenward.analysis.issuers import Summary

        summary = Summary.from_json(data["summary"])
    return FileResult(
        path,
        tuple(replace(finding_from_dict(f, local=True), path=path) for f in data["findings"]),
        tuple(ScanError(path, str(e["message"]), unscanned=bool(e["unscanned"]))
              if isinstance(e, dict) else ScanError(path, str(e)) for e in data["errors"]),
        skipped,
        cached=True,
        summary=summary,
    )
