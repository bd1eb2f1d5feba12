"""The result cache: an unchanged file is never parsed twice.

Keyed by the file's path and content, tokenward's version, the settings digest and the
rule set; stored in SQLite in the user's cache directory. The cache holds only what the
reports hold (redacted snippets, hashes), never a secret. Any cache problem is ignored:
the cache can make a scan faster, never make it fail.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from tokenward import __version__
from tokenward.config import Config
from tokenward.model import ScanError, SkippedFile, finding_from_dict, finding_to_dict
from tokenward.rules.base import Rule
from tokenward.scanner.engine import FileResult, FileTask


def cache_dir() -> Path:
    base = os.environ.get("TOKENWARD_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "tokenward"


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
                stat = os.stat(os.path.join(folder, name))
                digest.update(f"{folder}/{name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


class ResultCache:
    def __init__(self, db: sqlite3.Connection | None, salt: str) -> None:
        self._db = db
        self._salt = salt

    @classmethod
    def open(cls, config: Config, rules: Sequence[Rule]) -> ResultCache:
        # The root and the current folder shape the paths and fingerprints findings carry.
        salt = "|".join((__version__, _code_digest(), config.digest(), config.root,
                         os.getcwd(), ",".join(r.id for r in rules)))
        try:
            folder = cache_dir()
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            db = sqlite3.connect(folder / "results-v1.sqlite", timeout=5)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value TEXT)")
        except (OSError, sqlite3.Error):
            return cls(None, salt)
        return cls(db, salt)

    def _key(self, task: FileTask) -> str:
        digest = hashlib.sha256()
        digest.update(self._salt.encode())
        digest.update(b"\0" + task.path.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(task.data or b"")
        return digest.hexdigest()

    def get(self, task: FileTask) -> FileResult | None:
        if self._db is None or task.data is None:
            return None
        try:
            row = self._db.execute("SELECT value FROM results WHERE key = ?",
                                   (self._key(task),)).fetchone()
            return None if row is None else _decode(task.path, row[0])
        except (sqlite3.Error, ValueError, KeyError, TypeError):
            return None

    def put_many(self, items: Iterable[tuple[FileTask, FileResult]]) -> None:
        if self._db is None:
            return
        rows = [(self._key(task), _encode(result)) for task, result in items]
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?)", rows)
        except sqlite3.Error:
            pass

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


def _encode(result: FileResult) -> str:
    return json.dumps({
        "findings": [finding_to_dict(f) for f in result.findings],
        "errors": [e.message for e in result.errors],
        "skipped": result.skipped.reason if result.skipped else None,
    })


def _decode(path: str, text: str) -> FileResult:
    data = json.loads(text)
    skipped = SkippedFile(path, data["skipped"]) if data["skipped"] else None
    return FileResult(
        path,
        tuple(finding_from_dict(f) for f in data["findings"]),
        tuple(ScanError(path, m) for m in data["errors"]),
        skipped,
    )
