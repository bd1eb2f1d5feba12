"""Every rule's examples are its tests: a bad example reports exactly the findings it states
(line, column and message, and nothing else), a good example stays silent (Fixit's VALID /
INVALID)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.helpers import fired, scan_snippet
from tokenward.rules import RULES
from tokenward.rules.base import Example, Expected, check_rule_shape

BAD = [pytest.param(rule, ex, id=f"{rule.id}-bad-{i}") for rule in RULES
       for i, ex in enumerate(rule.bad)]
GOOD = [pytest.param(rule, ex, id=f"{rule.id}-good-{i}") for rule in RULES
        for i, ex in enumerate(rule.good)]


@pytest.mark.parametrize(("rule", "example"), BAD)
def test_bad_example_reports_what_it_states(rule, example) -> None:  # type: ignore[no-untyped-def]
    findings = scan_snippet(example.text, example.path, [rule])
    reported = sorted((f.span.line, f.span.column, f.message) for f in findings
                      if f.rule_id == rule.id)
    assert reported == sorted((e.line, e.column, e.message) for e in example.expect)


@pytest.mark.parametrize(("rule", "example"), GOOD)
def test_good_example_is_silent(rule, example) -> None:  # type: ignore[no-untyped-def]
    findings = scan_snippet(example.text, example.path, [rule])
    assert fired(findings, rule.id) == []


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_declaration(rule) -> None:  # type: ignore[no-untyped-def]
    assert list(check_rule_shape(rule)) == []


def test_a_bad_example_must_state_its_findings() -> None:
    rule = RULES[0]
    vague = replace(rule, bad=(Example("x = 1\n"),
                               Example("x = 1\n", expect=(Expected(1, 0, "m"),)),
                               Example("x = 1\n", expect=(Expected(1, 1, ""),))))
    assert list(check_rule_shape(vague)) == [
        f"{rule.id}: bad example without expected findings",
        f"{rule.id}: bad example expects a finding without position or message",
        f"{rule.id}: bad example expects a finding without position or message"]


def test_rule_ids_and_names_are_unique() -> None:
    assert len({r.id for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)


def test_messages_never_format_the_secret() -> None:
    for rule in RULES:
        assert "{secret" not in rule.message, rule.id


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_can_travel_to_a_worker_process(rule) -> None:  # type: ignore[no-untyped-def]
    # Rules are sent to worker processes: module-level functions only, no lambdas.
    import pickle

    assert pickle.loads(pickle.dumps(rule)).id == rule.id
