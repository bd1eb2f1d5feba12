"""Small rules that exist only for engine tests: they make the engine's behaviour visible
without depending on the real rules' judgement."""

from __future__ import annotations

import re
from collections.abc import Iterator

import libcst as cst

from tokenward.analysis.source import Source
from tokenward.model import Category, Hit, Severity, Span
from tokenward.rules.base import ALL_TEXT, PYTHON, Example, Expected, Rule, RuleDocs

DOCS = RuleDocs(what="test", why="test", how="test", not_flagged="test")
_MARK = re.compile(r"SECRET-[A-Za-z0-9]{8,}")


def _text_marks(source: Source) -> Iterator[Hit]:
    for number, line in enumerate(source.lines, start=1):
        for m in _MARK.finditer(line):
            yield Hit(Span(number, m.start() + 1, number, m.end() + 1), secret=m.group(0),
                      target="marker", detail="marker")


def _python_strings(source: Source) -> Iterator[Hit]:
    if source.index is None:
        return
    for node in source.index.of(cst.SimpleString):
        if "PYSECRET" in node.value:
            yield Hit(source.span(node), secret=node.value.strip("'\""), target="literal")


def _explode(source: Source) -> Iterator[Hit]:
    raise ValueError("boom")
    yield  # pragma: no cover


TEXT_MARK = Rule(
    id="TW901", name="probe-text-mark", title="probe", category=Category.HARDCODED_SECRET,
    severity=Severity.HIGH, cwe=(798,), message="marker found in {target}", hint="remove it",
    docs=DOCS, detect=_text_marks, kinds=ALL_TEXT, keywords=("secret-",),
    # Probes of the engine's mechanics: they run in every context (``a.txt`` is docs).
    runs_where_hidden=True,
    bad=(Example("x = 'SECRET-abcdefgh12'", expect=(Expected(1, 6, "marker found in marker"),)),),
    good=(Example("x = 1"),),
)
PY_STRING = Rule(
    id="TW902", name="probe-python-string", title="probe", category=Category.HARDCODED_SECRET,
    severity=Severity.CRITICAL, cwe=(798,), message="python literal {target}", hint="h",
    docs=DOCS, detect=_python_strings, kinds=PYTHON, keywords=("pysecret",),
    runs_where_hidden=True,
)
EXPLODES = Rule(
    id="TW903", name="probe-explodes", title="probe", category=Category.TOKEN_EXPOSURE,
    severity=Severity.LOW, cwe=(1,), message="never", hint="h", docs=DOCS,
    detect=_explode, kinds=ALL_TEXT, runs_where_hidden=True,
)


def _automaton_switch(source: Source) -> Iterator[Hit]:
    from tokenward.analysis.literals import Automaton

    yield Hit(Span(1, 1, 1, 2), target="automaton", detail=f"{Automaton.switch_after}")


# Reports, on every file, the characters an automaton of the process that scanned it reads
# before it switches to Hyperscan (literals.will_read).
AUTOMATON_SWITCH = Rule(
    id="TW904", name="probe-automaton-switch", title="probe", category=Category.TOKEN_EXPOSURE,
    severity=Severity.LOW, cwe=(1,), message="switch after {detail}", hint="h", docs=DOCS,
    detect=_automaton_switch, kinds=ALL_TEXT, runs_where_hidden=True,
)
