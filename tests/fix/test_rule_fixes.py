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


def test_a_weak_token_left_by_hand_says_why(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """Line 6's token is recomputed from its input to be checked (line 9): a random value
    would break that, and ``fix`` says so beside the hint; line 12's rewrite applies."""
    from tokenward.cli import main

    monkeypatch.chdir(tmp_path)
    code = ("import hashlib\n"
            "import random\n"
            "\n"
            "\n"
            "def activation_code(user):\n"
            "    return hashlib.sha1(f'{user.pk}-{user.email}'.encode()).hexdigest()\n"
            "\n"
            "\n"
            "def check(user, code):\n"
            "    return code == activation_code(user)\n"
            "\n"
            "\n"
            "def reset_code():\n"
            "    return random.randint(100000, 999999)\n")
    (tmp_path / "accounts.py").write_text(code)
    assert main(["fix", "accounts.py"]) == 1
    lines = capsys.readouterr().out.splitlines()
    start = lines.index("Needs a fix by hand (1):")
    assert lines[start + 1:start + 3] == [
        "  accounts.py:6:12  TW201  return value of activation_code() is made from a hash of "
        "guessable input, which an attacker can predict",
        "      Use the secrets module: secrets.token_urlsafe(32), secrets.randbelow(n), "
        "secrets.choice(seq) (not automatic: hashlib.sha1() derives the token from its input, "
        "and such a token is usually recomputed from that input to verify it: a random value "
        "would break the check; store a random token instead)"]
