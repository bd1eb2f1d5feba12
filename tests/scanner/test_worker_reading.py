"""Without a result cache, the workers read their files themselves (engine._scanned): the
parent no longer reads and pickles every file's bytes to them. What the scan's callers get
back: the bytes of every file with findings (``fix`` rewrites them, lessons quote them);
the others' only where the caller named the files (a lesson's scan of a report)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.scanner.probe_rules import TEXT_MARK
from tokenward.config import Config
from tokenward.scanner import engine, files, pipeline
from tokenward.scanner.files import Candidate

SECRET = "SECRET-Zq8vK2mQ9L"


@pytest.fixture()
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """40 files (over the parallel threshold), the first 5 with a marker. The scans run
    10 s after the files were written, as if the files were old: a file changed within the
    last two seconds is read as it is listed (engine.signature), an old one is left unread
    for whoever scans it."""
    assert engine.PARALLEL_THRESHOLD < 40
    real = time.time_ns
    clock = SimpleNamespace(time_ns=lambda: real() + 10**10)
    monkeypatch.setattr(engine, "time", clock)
    monkeypatch.setattr(files, "time", clock)
    for number in range(40):
        body = f"a\n{SECRET}{number}\n" if number < 5 else f"plain {number}\n"
        (tmp_path / f"f{number:02d}.txt").write_text(body)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _scan(request: pipeline.ScanRequest, jobs: int) -> pipeline.ScanOutcome:
    return pipeline.run_pipeline(request, Config(), rules=[TEXT_MARK], jobs=jobs,
                                 use_cache=False)


def test_a_full_scan_gets_back_the_bytes_of_the_files_with_findings_only(tree: Path) -> None:
    outcome = _scan(pipeline.ScanRequest(paths=(".",)), jobs=2)
    assert sorted({f.path for f in outcome.result.findings}) == [
        f"f{n:02d}.txt" for n in range(5)]
    assert sorted(outcome.files) == [f"f{n:02d}.txt" for n in range(5)]
    assert outcome.files["f03.txt"].data == f"a\n{SECRET}3\n".encode()
    assert outcome.files["f03.txt"].disk == Path("f03.txt")
    assert len(outcome.scanned) == 40


def test_a_scan_in_one_process_keeps_every_file_it_read(tree: Path) -> None:
    outcome = _scan(pipeline.ScanRequest(paths=(".",)), jobs=1)
    assert len(outcome.files) == 40
    assert outcome.files["f20.txt"].data == b"plain 20\n"


def test_a_scan_of_named_files_gets_back_every_file_its_workers_read(tree: Path) -> None:
    named = tuple(Candidate(tree / f"f{n:02d}.txt", f"f{n:02d}.txt") for n in range(40))
    outcome = _scan(pipeline.ScanRequest(files=named), jobs=2)
    assert len(outcome.files) == 40
    assert outcome.files["f20.txt"].data == b"plain 20\n"
    assert [(f.path, f.line) for f in outcome.result.findings] == [
        (f"f{n:02d}.txt", 2) for n in range(5)]


def test_a_file_gone_before_its_worker_reads_it_is_reported_as_a_listing_would(
        tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    listed = pipeline.collect_tasks

    def then_deleted(*args, **kwargs):  # type: ignore[no-untyped-def]
        tasks = listed(*args, **kwargs)
        (tree / "f01.txt").unlink()
        (tree / "f02.txt").write_text(f"now\n\n{SECRET}x\n")
        return tasks

    monkeypatch.setattr(pipeline, "collect_tasks", then_deleted)
    outcome = _scan(pipeline.ScanRequest(paths=(".",)), jobs=2)
    by_path = {f.path: f.line for f in outcome.result.findings}
    assert "f01.txt" not in by_path and "f01.txt" not in outcome.files
    assert by_path["f02.txt"] == 3                          # the bytes the worker read
    assert outcome.files["f02.txt"].data == f"now\n\n{SECRET}x\n".encode()


@pytest.fixture()
def cache_home(tmp_path_factory: pytest.TempPathFactory,
               monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("TOKENWARD_CACHE_DIR", str(folder))
    return folder


def _cached_scan() -> pipeline.ScanOutcome:
    return pipeline.run_pipeline(pipeline.ScanRequest(paths=(".",)), Config(),
                                 rules=[TEXT_MARK], jobs=2, use_cache=True)


def _pinned(outcome: pipeline.ScanOutcome) -> list[tuple[str, int]]:
    return [(f.path, f.line) for f in outcome.result.findings]


def test_a_new_cache_is_filled_from_what_the_workers_read(
        tree: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A first scan (a CI container's): nothing to look up, so the parent reads nothing;
    # the workers send back each file's digest, which keys the results kept.
    read_by_parent: list[str] = []
    load = engine.load

    def counted(task: engine.FileTask, max_size: int) -> engine.FileTask:
        if engine.unread(task):
            read_by_parent.append(task.path)
        return load(task, max_size)

    monkeypatch.setattr(engine, "load", counted)  # the parent's; the workers are forked
    first = _cached_scan()
    assert read_by_parent == [] and first.result.stats["cache_hits"] == 0
    assert _pinned(first) == [(f"f{n:02d}.txt", 2) for n in range(5)]
    assert sorted(first.files) == [f"f{n:02d}.txt" for n in range(5)]
    # The next scan answers every file from the cache, with the same findings.
    second = _cached_scan()
    assert second.result.stats["cache_hits"] == 40 and _pinned(second) == _pinned(first)


def test_a_result_keyed_by_a_workers_digest_is_found_by_the_content_read_later(
        tree: Path, cache_home: Path) -> None:
    _cached_scan()
    # Written again with the same bytes: a new signature, so the next scan reads these
    # files in the parent and looks them up by their content.
    for number in (3, 20):
        path = tree / f"f{number:02d}.txt"
        data = path.read_bytes()
        path.write_bytes(data)
        os.utime(path, ns=(time.time_ns() - 5 * 10**9, time.time_ns() - 5 * 10**9))
    again = _cached_scan()
    assert again.result.stats["cache_hits"] == 40
    assert _pinned(again) == [(f"f{n:02d}.txt", 2) for n in range(5)]


def test_a_fresh_cache_makes_no_signature_key_and_each_path_is_placed_once(
        tree: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tokenward.scanner import cache as result_cache

    signature_keys: list[str] = []
    placed: list[str] = []
    make_key, place = result_cache.ResultCache._signature_key, result_cache.project_path

    def counted_key(self, task):  # type: ignore[no-untyped-def]
        signature_keys.append(task.path)
        return make_key(self, task)

    def counted_place(path, *args):  # type: ignore[no-untyped-def]
        placed.append(path)
        return place(path, *args)

    monkeypatch.setattr(result_cache.ResultCache, "_signature_key", counted_key)
    monkeypatch.setattr(result_cache, "project_path", counted_place)
    _cached_scan()
    # Nothing to look up: signature keys only for the rows written, one per file; each
    # path made relative to the root once though three keys name it.
    assert sorted(signature_keys) == [f"f{n:02d}.txt" for n in range(40)]
    assert sorted(placed) == [f"f{n:02d}.txt" for n in range(40)]
