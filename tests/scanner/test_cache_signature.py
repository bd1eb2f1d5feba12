"""The result cache's stat fast path: a file whose stat signature (size, mtime_ns,
ctime_ns, inode) names a cached result is neither read nor hashed, and every way that
signature can lie is guarded."""

from __future__ import annotations

import json
import os
import textwrap
import sqlite3
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.scanner.probe_rules import PY_STRING, TEXT_MARK
from tokenward.config import Config
from tokenward.scanner import cache as result_cache
from tokenward.scanner import engine, files
from tokenward.scanner.engine import RACY_NS
from tokenward.scanner.pipeline import scan

RULES = [TEXT_MARK, PY_STRING]
SECRET = "SECRET-abcdefgh1234"
OLD = time.time_ns() - 3600 * 10**9  # an hour ago: far outside the racy window
# The listing row: a JSON object whose keys are "path NUL signature".
LISTING = "value LIKE '{%\\u0000%'"


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache-home" / "tokenward"
    monkeypatch.setenv("TOKENWARD_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> None:
    """The scans run 10 s after the files were written: a test cannot set a file's ctime
    back, so it moves the scanner's clock on instead (out of the racy window): the one
    discovery reads before it stats a folder's files, and the one a file statted alone
    (named, or read again) is read with."""
    real = time.time_ns
    clock = SimpleNamespace(time_ns=lambda: real() + 10**10)
    monkeypatch.setattr(engine, "time", clock)
    monkeypatch.setattr(files, "time", clock)


class Reads:
    """Counts the files the scan reads whole."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.paths: list[str] = []
        real, real_file = Path.read_bytes, engine.read_file

        def counted(path: Path) -> bytes:
            self.paths.append(path.name)
            return real(path)

        def counted_file(path: Path, max_size: int) -> tuple[os.stat_result, bytes] | None:
            self.paths.append(path.name)
            return real_file(path, max_size)

        monkeypatch.setattr(Path, "read_bytes", counted)
        monkeypatch.setattr(engine, "read_file", counted_file)


def _write(path: Path, text: str, mtime_ns: int = OLD) -> None:
    path.write_text(text)
    os.utime(path, ns=(mtime_ns, mtime_ns))


def _scan(folder: Path):  # type: ignore[no-untyped-def]
    return scan([folder / "a.py"], Config(), rules=RULES, use_cache=True)


def _found(result) -> list[tuple[int, int, str]]:  # type: ignore[no-untyped-def]
    return [(f.line, f.span.column, f.message) for f in result.findings]


def test_an_old_unchanged_file_is_served_without_being_read(
        tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch, later: None) -> None:
    _write(tmp_path / "a.py", "x = 1\n")
    reads = Reads(monkeypatch)
    first = _scan(tmp_path)
    second = _scan(tmp_path)
    assert (first.stats["cache_hits"], second.stats["cache_hits"]) == (0, 1)
    assert reads.paths == ["a.py"]  # the first scan only


def test_a_cached_file_with_findings_is_read_for_fix_and_lessons(
        tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch, later: None) -> None:
    _write(tmp_path / "a.py", f"k = '{SECRET}'\n")
    first = _scan(tmp_path)
    reads = Reads(monkeypatch)
    second = _scan(tmp_path)
    assert second.stats["cache_hits"] == 1 and _found(second) == _found(first)
    assert [line for line, _, _ in _found(second)] == [1]
    assert reads.paths == ["a.py"]


def test_a_same_size_edit_with_the_mtime_put_back_is_rescanned(
        tmp_path: Path, cache_home: Path, later: None) -> None:
    path = tmp_path / "a.py"
    _write(path, "k = 'SECRET-abcdefgh0000'\n")
    first, second = _scan(tmp_path), _scan(tmp_path)  # the second writes the signature row
    assert [line for line, _, _ in _found(first)] == [1] and _found(second) == _found(first)
    # An edit in place that keeps the size, the mtime set back (git checkout, tar -x): the
    # ctime it cannot set back changes the signature.
    _write(path, "k = 'nothing-here-at-all!'\n")
    third = _scan(tmp_path)
    assert (third.stats["cache_hits"], _found(third)) == (0, [])


def test_a_file_changed_within_the_racy_window_gets_no_signature(
        tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.py"
    recent = time.time_ns() - RACY_NS // 2
    _write(path, f"k = '{SECRET}'\n", recent)
    first = _scan(tmp_path)
    reads = Reads(monkeypatch)
    _write(path, "k = 'nothing-here-at'\n", recent)  # same size, same mtime
    second = _scan(tmp_path)
    assert [line for line, _, _ in _found(first)] == [1]
    assert (second.stats["cache_hits"], _found(second)) == (0, [])
    assert reads.paths == ["a.py"]
    with sqlite3.connect(cache_home / result_cache.DB_NAME) as db:
        values = [v for (v,) in db.execute("SELECT value FROM results")]
    # The two contents' rows (the finding, then the clean marker), no signature row.
    assert sorted(v == "" for v in values) == [False, True]


def test_a_touched_file_is_hashed_again_hits_and_then_skips_the_read(
        tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch, later: None) -> None:
    path = tmp_path / "a.py"
    _write(path, "x = 1\n")
    _scan(tmp_path)
    os.utime(path, ns=(OLD + 10**9, OLD + 10**9))  # touched: content the same
    reads = Reads(monkeypatch)
    touched = _scan(tmp_path)
    again = _scan(tmp_path)
    assert (touched.stats["cache_hits"], again.stats["cache_hits"]) == (1, 1)
    assert reads.paths == ["a.py"]  # read and hashed once, then known by its new stat


def test_a_cache_of_another_version_is_not_used(
        tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch, later: None) -> None:
    _write(tmp_path / "a.py", f"k = '{SECRET}'\n")
    _scan(tmp_path)
    monkeypatch.setattr(result_cache, "__version__", "0.0.0-other")
    other = _scan(tmp_path)
    assert other.stats["cache_hits"] == 0 and len(_found(other)) == 1


def test_a_cache_of_another_schema_is_rebuilt(tmp_path: Path, cache_home: Path, later: None) -> None:
    _write(tmp_path / "a.py", f"k = '{SECRET}'\n")
    _scan(tmp_path)
    with sqlite3.connect(cache_home / result_cache.DB_NAME) as db:
        db.execute(f"PRAGMA user_version = {result_cache.SCHEMA + 1}")
    rebuilt = _scan(tmp_path)
    assert rebuilt.stats["cache_hits"] == 0 and len(_found(rebuilt)) == 1
    assert _scan(tmp_path).stats["cache_hits"] == 1


def _finding_and_clean(tmp_path: Path) -> Path:
    """A tree of a.py (a finding on line 1) and b.py (clean), scanned once."""
    tree = tmp_path / "tree"  # not the cache's folder: its files change every run
    tree.mkdir()
    _write(tree / "a.py", f"k = '{SECRET}'\n")
    _write(tree / "b.py", "x = 1\n")
    scan([tree], Config(), rules=RULES, use_cache=True)
    return tree


def test_a_signature_row_given_a_clean_rows_value_and_mac_fails_its_mac(
        tmp_path: Path, cache_home: Path, later: None) -> None:
    tree = _finding_and_clean(tmp_path)
    with sqlite3.connect(cache_home / result_cache.DB_NAME) as db:
        # b.py's rows hold the clean marker (an empty value), a.py's its finding; the
        # listing of the scan holds both.
        values = db.execute(f"SELECT value FROM results WHERE NOT {LISTING}")
        assert sorted(v == "" for v, in values) == [False, False, True, True]
        clean = db.execute("SELECT value, mac FROM results WHERE value = ''").fetchone()
        # Someone who can write the database copies a clean row over every row.
        db.execute("UPDATE results SET value = ?, mac = ?", clean)
    again = scan([tree], Config(), rules=RULES, use_cache=True)
    assert [(f.path.rsplit("/", 1)[-1], f.line) for f in again.findings] == [("a.py", 1)]
    assert again.stats["cache_hits"] == 1  # b.py's own row is still good


def test_the_listing_of_the_same_scan_answers_alone_for_unchanged_signatures(
        tmp_path: Path, cache_home: Path, later: None) -> None:
    tree = _finding_and_clean(tmp_path)
    with sqlite3.connect(cache_home / result_cache.DB_NAME) as db:
        db.execute(f"DELETE FROM results WHERE NOT {LISTING}")  # the listing only
    again = scan([tree], Config(), rules=RULES, use_cache=True)
    assert [(f.path.rsplit("/", 1)[-1], f.line) for f in again.findings] == [("a.py", 1)]
    assert again.stats["cache_hits"] == 2
    _write(tree / "b.py", "x = 1\n", OLD + 10**9)  # another signature: not the listing's
    with sqlite3.connect(cache_home / result_cache.DB_NAME) as db:
        db.execute(f"DELETE FROM results WHERE NOT {LISTING}")
    assert scan([tree], Config(), rules=RULES, use_cache=True).stats["cache_hits"] == 1


def test_a_listing_rewritten_to_clean_fails_its_mac(
        tmp_path: Path, cache_home: Path, later: None) -> None:
    tree = _finding_and_clean(tmp_path)
    with sqlite3.connect(cache_home / result_cache.DB_NAME) as db:
        key, value = db.execute(f"SELECT key, value FROM results WHERE {LISTING}").fetchone()
        # Someone who can write the database says a.py is clean in the listing (its MAC
        # kept), and deletes every other row.
        listing = {entry: "" for entry in json.loads(value)}
        db.execute("DELETE FROM results WHERE key != ?", (key,))
        db.execute("UPDATE results SET value = ?", (json.dumps(listing),))
    again = scan([tree], Config(), rules=RULES, use_cache=True)
    assert [(f.path.rsplit("/", 1)[-1], f.line) for f in again.findings] == [("a.py", 1)]
    assert again.stats["cache_hits"] == 0


def test_the_project_join_reads_no_file_its_name_rules_out_of_python(
        tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch, later: None) -> None:
    from tests.scanner.test_project import ROUTER, SECURITY
    from tokenward.rules import RULES as ALL_RULES

    (tmp_path / "app" / "core").mkdir(parents=True)
    (tmp_path / "app" / "routers").mkdir(parents=True)
    _write(tmp_path / "app" / "core" / "security.py", textwrap.dedent(SECURITY).lstrip("\n"))
    _write(tmp_path / "app" / "routers" / "auth.py", textwrap.dedent(ROUTER).lstrip("\n"))
    _write(tmp_path / "notes.md", "create_access_token is how the API mints its tokens\n")
    _write(tmp_path / "data.json", '{"call": "create_access_token"}\n')
    first = scan([tmp_path], Config(), rules=ALL_RULES, use_cache=True)
    reads = Reads(monkeypatch)
    second = scan([tmp_path], Config(), rules=ALL_RULES, use_cache=True)
    assert [(Path(f.path).name, f.line, f.rule_id) for f in second.findings] == \
        [(Path(f.path).name, f.line, f.rule_id) for f in first.findings] == \
        [("auth.py", 6, "TW301")]
    # An issuer exists, so the join tests the Python files' bytes for its name; the
    # Markdown and JSON files that spell it stay unread.
    tree = {"auth.py", "security.py", "notes.md", "data.json"}
    assert sorted(p for p in reads.paths if p in tree) == ["auth.py", "security.py"]


def test_a_file_not_fully_analysed_is_served_from_the_cache_with_that_kind(
        tmp_path: Path, cache_home: Path, later: None) -> None:
    # Not valid UTF-8: read as Latin-1, and the gate fails on it. The same bytes say the
    # same again, so the cache keeps it (flask's CHANGES.rst was scanned in every warm run).
    path = tmp_path / "notes.txt"
    path.write_bytes(b"caf\xe9 au lait\n")
    os.utime(path, ns=(OLD, OLD))
    first = scan([path], Config(), rules=RULES, use_cache=True)
    second = scan([path], Config(), rules=RULES, use_cache=True)
    assert (first.stats["cache_hits"], second.stats["cache_hits"]) == (0, 1)
    assert [(e.message, e.unscanned) for e in second.errors] == [
        (e.message, e.unscanned) for e in first.errors]
    assert [e.unscanned for e in second.errors] == [True]
