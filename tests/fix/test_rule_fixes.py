"""Every rule example with ``fixed=`` is produced exactly by the fix engine (Fixit's
``expected_replacement``), and a rule with a ``fixed=`` example declares a fix."""

from __future__ import annotations

import pytest

from tokenward.fix.engine import fix_text
from tokenward.rules import RULES

FIXED = [pytest.param(rule, ex, id=f"{rule.id}-fixed-{i}") for rule in RULES
         for i, ex in enumerate(rule.bad) if ex.fixed is not None]


@pytest.mark.parametrize(("rule", "example"), FIXED)
def test_fixed_example_is_what_the_fix_produces(rule, example) -> None:  # type: ignore[no-untyped-def]
    result = fix_text(example.text, example.path, rules=[rule])
    assert [p.message for p in result.problems] == []
    assert result.text == example.fixed_text


@pytest.mark.parametrize(("rule", "example"), FIXED)
def test_fixing_twice_changes_nothing(rule, example) -> None:  # type: ignore[no-untyped-def]
    once = fix_text(example.text, example.path, rules=[rule]).text
    assert fix_text(once, example.path, rules=[rule]).text == once


@pytest.mark.parametrize("rule", [r for r in RULES if any(e.fixed for e in r.bad)],
                         ids=lambda r: r.id)
def test_rules_with_fixed_examples_declare_a_fix(rule) -> None:  # type: ignore[no-untyped-def]
    assert rule.fixable
