"""A scan that reads much text has every automaton switch to Hyperscan at its first text
(literals.will_read), in its workers or its own process; a small one leaves the switch
where it is. (The answers are the same either way: tests/analysis/test_literals.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scanner.probe_rules import AUTOMATON_SWITCH
from tokenward.analysis.literals import Automaton
from tokenward.config import Config
from tokenward.scanner import engine, pipeline


def _switches(tmp_path: Path, size: int, jobs: int) -> set[str]:
    """The switch each file was scanned with, 40 files of ``size`` characters."""
    assert engine.PARALLEL_THRESHOLD < 40
    for number in range(40):
        (tmp_path / f"f{number:02d}.txt").write_text("x" * (size - 1) + "\n")
    outcome = pipeline.run_pipeline(pipeline.ScanRequest(paths=(str(tmp_path),)), Config(),
                                    rules=[AUTOMATON_SWITCH], jobs=jobs, use_cache=False)
    assert len(outcome.result.findings) == 40
    return {f.message for f in outcome.result.findings}


@pytest.fixture()
def switch_at_1000(monkeypatch: pytest.MonkeyPatch) -> None:
    """The switch after 1,000 characters (forked workers inherit it); put back after."""
    monkeypatch.setattr(Automaton, "switch_after", 1000)


@pytest.mark.usefixtures("switch_at_1000")
def test_workers_that_read_more_than_the_switch_switch_at_once(tmp_path: Path) -> None:
    # 40 x 100 characters over 2 workers: 2,000 each.
    assert _switches(tmp_path, 100, jobs=2) == {"switch after 0"}


@pytest.mark.usefixtures("switch_at_1000")
def test_workers_that_read_less_keep_the_switch(tmp_path: Path) -> None:
    # 40 x 40 characters over 2 workers: 800 each.
    assert _switches(tmp_path, 40, jobs=2) == {"switch after 1000"}
    assert Automaton.switch_after == 1000


@pytest.mark.usefixtures("switch_at_1000")
def test_a_scan_in_one_process_switches_its_own_automata(tmp_path: Path) -> None:
    assert _switches(tmp_path, 40, jobs=1) == {"switch after 0"}  # 1,600 characters
    assert Automaton.switch_after == 0


def test_will_read_switches_only_beyond_what_an_automaton_reads_first(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from tokenward.analysis.literals import will_read

    monkeypatch.setattr(Automaton, "switch_after", 1000)
    will_read(1000)
    assert Automaton.switch_after == 1000
    will_read(1001)
    assert Automaton.switch_after == 0
