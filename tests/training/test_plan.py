"""A session that fits its slot: lessons picked and ordered by risk, a duration from each
lesson's content, the other rules named in "more from your code", progress since the
previous session."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.training.fixtures import (
    CORE_RULES,
    github_token,
    outcome_in,
    write_app,
    write_big_tree,
)
from tokenward.config import Config
from tokenward.model import Finding, Severity
from tokenward.rules import RULES
from tokenward.scanner.pipeline import ScanOutcome, scan
from tokenward.training import BuildOptions, Session, build
from tokenward.training.plan import Candidate, fit, more_minutes, progress, risk

REPO = Path(__file__).parents[2]


def test_fit_takes_lessons_by_risk_while_the_agenda_fits() -> None:
    candidates = [Candidate("A", 20), Candidate("B", 18), Candidate("C", 15),
                  Candidate("D", 19)]
    # 60 minutes: 5 + 5, A (20) and B (18), "more" for C and D (2 + 2 = 4): 52.
    chosen = fit(candidates, 60)
    assert (chosen.taught, chosen.more, chosen.welcome, chosen.wrap_up) == (
        ("A", "B"), ("C", "D"), 5, 5)
    # The time left over (60 - 48) goes to "more", up to a minute a rule.
    assert chosen.more_minutes == 4
    # C (15) would still fit after B, but the order of risk is kept: it goes to "more".
    assert fit(candidates, 62).taught == ("A", "B")
    # 90 minutes: 10 + 10, A, B, C (53) and D to "more" (3): 76; D's 19 would make 92.
    assert fit(candidates, 90).taught == ("A", "B", "C")
    assert fit(candidates, None).taught == ("A", "B", "C", "D")


def test_a_demoted_rule_is_never_taught() -> None:
    chosen = fit([Candidate("A", 20, demoted=True), Candidate("B", 18)], 90)
    assert (chosen.taught, chosen.more) == (("B",), ("A",))


def test_more_gets_a_minute_a_rule_within_bounds() -> None:
    assert [more_minutes(n) for n in (0, 1, 3, 6, 20)] == [0, 3, 5, 8, 8]
    # However many rules, the slot is never exceeded.
    many = [Candidate(str(n), 19) for n in range(30)]
    for slot in (30, 45, 60, 90, 120):
        chosen = fit(many, slot)
        total = (chosen.welcome + chosen.wrap_up + 19 * len(chosen.taught)
                 + chosen.more_minutes)
        assert total <= slot and len(chosen.taught) + len(chosen.more) == 30


def _finding(rule_id: str, severity: Severity, *, secret: bool = False) -> Finding:
    from tokenward.model import Category, Span

    return Finding(rule_id, "r", Category.HARDCODED_SECRET, severity, "a.py",
                   Span(1, 1, 1, 2), "m", "s", rule_id, secret_hash="0" * 32 if secret
                   else None)


def test_risk_is_severity_times_count_doubled_for_a_real_secret() -> None:
    assert risk(Severity.CRITICAL, [_finding("X", Severity.CRITICAL, secret=True)] * 2) == 32
    assert risk(Severity.HIGH, [_finding("X", Severity.HIGH)] * 3) == 12
    assert risk(Severity.MEDIUM, []) == 2  # a rule taught from its examples


def _covered(session: Session) -> dict[str, str]:
    where = {x.rule_id: "lesson" for x in session.lessons}
    where.update({m.rule_id: "more" for m in session.more})
    return where


def _check_slot(session: Session, findings: tuple[Finding, ...], slot: int) -> None:
    assert session.minutes <= slot == session.slot
    assert session.agenda[-1].end == session.minutes
    assert all(a.end == b.start for a, b in zip(session.agenda, session.agenda[1:], strict=False))
    fired = {f.rule_id for f in findings if not f.suppressed}
    severe = {f.rule_id for f in findings if f.severity >= Severity.HIGH}
    where = _covered(session)
    assert set(where) == fired and severe <= set(where)
    # Lessons in order of risk, and none of the rules left out weighs more.
    by_rule: dict[str, list[Finding]] = {}
    for finding in findings:
        by_rule.setdefault(finding.rule_id, []).append(finding)
    risks = [risk(x.severity, by_rule[x.rule_id]) for x in session.lessons]
    assert risks == sorted(risks, reverse=True)
    left = [risk(m.severity, by_rule[m.rule_id]) for m in session.more]
    assert not left or min(risks) >= max(left)
    # Exercises only for the lessons taught.
    assert [x.exercise.rule_id for x in session.lessons] == [x.rule_id for x in session.lessons]


@pytest.fixture(scope="module")
def example_app() -> tuple[ScanOutcome, Path]:
    return outcome_in(REPO, "examples/vulnerable_app"), REPO


@pytest.mark.parametrize("slot", [45, 60, 90])
def test_the_example_app_fits_every_slot(example_app: tuple[ScanOutcome, Path],
                                         slot: int) -> None:
    outcome, root = example_app
    findings = outcome.result.findings
    session = build(list(findings), root=root, outcome=outcome,
                    options=BuildOptions(minutes=slot))
    _check_slot(session, findings, slot)
    assert {45: 1, 60: 2, 90: 3}[slot] == len(session.lessons)
    assert session.lessons[0].rule_id == "TW102"  # 5 findings, high, real secrets
    assert session.frameworks == ("Docker", "Flask", "GitHub Actions", "PyJWT", "requests")


@pytest.fixture(scope="module")
def big_tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[ScanOutcome, Path]:
    root = tmp_path_factory.mktemp("bigapp")
    write_big_tree(root)
    return outcome_in(root, "big"), root


def test_the_larger_tree_fires_every_rule(big_tree: tuple[ScanOutcome, Path]) -> None:
    outcome, _ = big_tree
    counts = Counter(f.rule_id for f in outcome.result.findings)
    assert set(counts) == {rule.id for rule in RULES} and sum(counts.values()) >= 150
    assert len(outcome.scanned) >= 150


@pytest.mark.parametrize("slot", [45, 60, 90])
def test_a_larger_tree_fits_every_slot(big_tree: tuple[ScanOutcome, Path], slot: int) -> None:
    outcome, root = big_tree
    findings = outcome.result.findings
    session = build(list(findings), root=root, outcome=outcome,
                    options=BuildOptions(minutes=slot))
    _check_slot(session, findings, slot)
    assert len(session.lessons) >= 1 and len(session.more) >= 21 - 4
    talked = [m for m in session.more if m.presented]
    assert len(talked) == session.agenda[-2].minutes - 2
    # The first ones in "more" are the ones talked through.
    assert [m.presented for m in session.more] == sorted(
        (m.presented for m in session.more), reverse=True)


def test_lessons_all_teaches_every_rule_however_long(
        big_tree: tuple[ScanOutcome, Path]) -> None:
    outcome, root = big_tree
    session = build(list(outcome.result.findings), root=root, outcome=outcome,
                    options=BuildOptions(all_lessons=True))
    assert len(session.lessons) == 23 and session.more == () and session.minutes > 300
    assert any(n.startswith("The whole session takes") for n in session.trainer_notes)


def test_progress_since_a_previous_session(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    write_app(tmp_path)
    monkeypatch.chdir(tmp_path)
    before = scan(["app"], Config(), rules=CORE_RULES, use_cache=False).findings
    # Since then: the weak generator is gone, a new token was committed.
    (tmp_path / "app" / "tokens.py").unlink()
    (tmp_path / "app" / "deploy.py").write_text(
        f'DEPLOY = "{github_token("Hd6Py0Ae5Tj2Wq9Lm4Xc7Bn1Vr8Ks3")}"\n', encoding="utf-8")
    now = scan(["app"], Config(), rules=CORE_RULES, use_cache=False).findings
    session = build(now, root=tmp_path, rules=CORE_RULES,
                    options=BuildOptions(previous=tuple(before), previous_name="old.json"))
    p = session.progress
    assert p is not None
    assert (p.source, p.before, p.now, p.fixed, p.new) == ("old.json", 5, 4, 2, 1)
    assert [(r.rule_id, r.before, r.now, r.fixed, r.new) for r in p.rules] == [
        ("TW103", 2, 3, 0, 1), ("TW201", 2, 0, 2, 0), ("TW901", 1, 1, 0, 0)]
    assert (p.gone, p.no_new) == (("TW201",), ("TW901",))
    # TW901 is still there but nothing new: backlog, named in "more", not taught again.
    assert [x.rule_id for x in session.lessons] == ["TW103"]
    assert [(m.rule_id, m.reason) for m in session.more] == [
        ("TW901", "no new finding since the previous session: what is left is to fix")]
    # --lessons all still teaches it.
    every = build(now, root=tmp_path, rules=CORE_RULES,
                  options=BuildOptions(previous=tuple(before), all_lessons=True))
    assert [x.rule_id for x in every.lessons] == ["TW103", "TW901"]


def test_progress_matches_by_fingerprint_and_ignores_suppressed() -> None:
    a, b = _finding("TW101", Severity.HIGH), _finding("TW102", Severity.HIGH)
    from dataclasses import replace

    from tokenward.model import Suppression

    muted = replace(b, suppression=Suppression("inline"))
    result = progress([a, muted], [a, b], {"TW101": "One"}, "p.json")
    assert (result.before, result.now, result.fixed, result.new) == (1, 2, 0, 1)
    assert [(r.rule_id, r.title) for r in result.rules] == [("TW101", "One"),
                                                          ("TW102", "TW102")]
