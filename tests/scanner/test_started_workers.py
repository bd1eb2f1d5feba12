"""A full scan forks its workers before it lists the files (engine.start_workers): which
runs do, that the scan takes the pool it was handed and no other, and that the findings are
those of a serial scan."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scanner.probe_rules import TEXT_MARK
from tokenward.config import Config
from tokenward.scanner import engine, pipeline
from tokenward.scanner.cache import DB_NAME

SECRET = "SECRET-Zq8vK2mQ9L"


def test_the_scan_takes_the_pool_forked_for_its_settings_and_rules() -> None:
    config = Config(jobs=2)
    engine.start_workers(config, [TEXT_MARK], None)
    chosen = engine.active_rules(config, [TEXT_MARK])
    assert engine._take_started(Config(jobs=2, cache=False), chosen, 2) is None  # other settings
    assert engine._STARTED == []                   # and that pool is shut down, not kept
    engine.start_workers(config, [TEXT_MARK], None)
    pool = engine._take_started(config, chosen, 2)
    assert pool is not None and engine._STARTED == []
    pool.shutdown()


def test_one_worker_forks_nothing_and_stop_shuts_down_what_no_scan_took() -> None:
    engine.start_workers(Config(jobs=1), [TEXT_MARK], None)
    assert engine._STARTED == []
    engine.start_workers(Config(jobs=2), [TEXT_MARK], None)
    pool = engine._STARTED[0][3]
    engine.stop_started_workers()
    assert engine._STARTED == []
    with pytest.raises(RuntimeError, match="after shutdown"):
        pool.submit(print)


@pytest.mark.parametrize(("request_", "lists"), [
    (pipeline.ScanRequest(paths=(".",)), True),
    (pipeline.ScanRequest(), True),
    (pipeline.ScanRequest(paths=("a.txt",)), False),       # a file named: no listing
    (pipeline.ScanRequest(paths=(".",), staged=True), False),
    (pipeline.ScanRequest(paths=(".",), hook=True), False),
    (pipeline.ScanRequest(paths=(".",), diff_base="main"), False),
])
def test_only_a_run_that_lists_folders_starts_workers_early(
        request_: pipeline.ScanRequest, lists: bool, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("x\n")
    assert pipeline._lists_folders(request_) is lists


def test_a_cache_that_may_answer_the_scan_keeps_the_workers_for_later(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOKENWARD_CACHE_DIR", str(tmp_path))
    assert not pipeline._may_be_answered(Config(), None)          # no cache yet: cold
    (tmp_path / DB_NAME).write_bytes(b"")
    assert pipeline._may_be_answered(Config(), None)              # it may be warm
    assert not pipeline._may_be_answered(Config(), False)         # --no-cache
    assert not pipeline._may_be_answered(Config(cache=False), None)


def test_a_full_scan_with_early_workers_finds_what_a_serial_one_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for number in range(40):
        (tmp_path / f"f{number:02d}.txt").write_text(f"a\n{SECRET}{number}\n")
    monkeypatch.chdir(tmp_path)
    taken: list[object] = []
    take = engine._take_started

    def recorded(*args):  # type: ignore[no-untyped-def]
        pool = take(*args)
        taken.append(pool)
        return pool

    monkeypatch.setattr(engine, "_take_started", recorded)
    parallel = pipeline.run_pipeline(pipeline.ScanRequest(paths=(".",)), Config(),
                                     rules=[TEXT_MARK], jobs=2, use_cache=False)
    serial = pipeline.run_pipeline(pipeline.ScanRequest(paths=(".",)), Config(),
                                   rules=[TEXT_MARK], jobs=1, use_cache=False)
    assert len(taken) == 1 and taken[0] is not None     # the forked pool scanned the files
    assert engine._STARTED == []
    assert [(f.path, f.line) for f in parallel.result.findings] == [
        (f.path, f.line) for f in serial.result.findings] != []
