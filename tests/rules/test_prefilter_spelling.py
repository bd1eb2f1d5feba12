"""Issue 11, item 11: a text prefilter must not depend on how a line is spaced or broken.

``jwt.decode(token, verify = False)`` was never parsed because TW302's keyword was the
spelling ``verify=false``. Every rule's keywords are words now; these tests vary the
whitespace of every published bad example (and of the cases that were missed) and check
that the rule still wants the file, and that its findings are the same."""

from __future__ import annotations

import re
import textwrap

import pytest

from tests.helpers import scan_snippet
from tokenward.rules import RULES, get_rule
from tokenward.rules.base import Rule

# What a keyword may be: a word (dots, dashes, quotes and {} included), two words of a
# statement or a command line (``from time``, ``token create``), or a call's name with its
# bracket (``fernet(``: nobody writes a space there). Never '=' with what is around it, or
# spaces inside brackets: code is spelled both ways.
_WORD = re.compile(r"[a-z0-9_.\-/:~\"'{}]+(?: [a-z0-9_.]+)?(?:\(\)?)?")


def _respaced(code: str) -> list[str]:
    """The same code spelled three other ways: spaces around '=' and after '(' and ',';
    no spaces around '=' and after ','; a line break after every '('."""
    spaced = re.sub(r"(?<=[\w)\]\"'])=(?=[\w(\[\"'{-])", " = ", code)
    spaced = re.sub(r"([(,])(?=\S)", r"\1 ", spaced)
    compact = re.sub(r"(?<=\w) = (?=\S)", "=", code).replace(", ", ",")
    broken = code.replace("(", "(\n    ")
    return [spaced, compact, broken]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_keywords_are_words_not_spellings(rule: Rule) -> None:
    assert [k for k in rule.keywords if not _WORD.fullmatch(k) and k != "="] == []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_a_respaced_bad_example_still_passes_the_prefilter(rule: Rule) -> None:
    for example in rule.bad:
        code = textwrap.dedent(example.code)
        for variant in _respaced(code):
            assert rule.wants(variant.lower()), (rule.id, variant)


@pytest.mark.parametrize(("rule_id", "code", "line"), [
    ("TW302", "import jwt\n\ndef read(token):\n    claims = jwt.decode(token, verify = False)\n"
              "    return claims\n", 4),
    ("TW201", "import os, random as rnd\n\ndef reset_token():\n"
              "    return '%032x' % rnd.getrandbits(128)\n", 4),
])
def test_the_missed_spellings_fire(rule_id: str, code: str, line: int) -> None:
    rule = get_rule(rule_id)
    assert rule is not None
    assert [f.span.line for f in scan_snippet(code, "app.py", [rule])
            if f.rule_id == rule_id] == [line]
