"""Learner content: what each rule teaches, written for the people in the room.

A rule's docs (``tokenward explain``) describe the detector; lessons need something else:
what the mistake is, how attackers use it (with a real incident where one is known), how to
do it right in the frameworks the team uses, and a "spot the bug" snippet. That text is
data next to the rules, one file per rule: ``rules/learn/<module>.toml``::

    rule = "TW101"
    mistake = "..."
    attack = "..."
    right = "..."
    notes = "..."            # what the trainer should stress (speaker notes)

    [[incidents]]            # optional; only incidents confirmed by a public source
    title = "Uber, 2016"
    story = "..."
    source = "https://..."

    [[right_code]]           # one or more; "python" is the fallback for any Python team
    frameworks = ["django"]
    path = "settings.py"
    code = '''...'''

    [spot_the_bug]
    path = "billing.py"
    line = 4                 # the line with the mistake (a test scans the snippet)
    code = '''...'''
    answer = "..."

A rule without a file (a plug-in rule, a test rule) is taught from its docs and examples.
"""

from __future__ import annotations

import functools
import textwrap
import tomllib
from importlib import resources
from typing import Any

from tokenward.records import record
from tokenward.rules.base import Rule

LEARN_PACKAGE = "tokenward.rules"
LEARN_FOLDER = "learn"
GENERIC = "python"  # the framework tag of a sample that fits any Python code


class LearnerContentError(ValueError):
    """A learner file that does not have the expected shape (a bug in the shipped data)."""


@record
class Incident:
    """A public incident or finding that shows the mistake, with where to read about it."""

    title: str
    story: str
    source: str


@record
class CodeSample:
    """The right way, for the frameworks named (``python`` fits any Python code)."""

    frameworks: tuple[str, ...]
    path: str
    code: str


@record
class SpotTheBug:
    path: str
    code: str
    line: int
    answer: str


@record
class LearnerContent:
    rule_id: str
    mistake: str
    attack: str
    right: str
    right_code: tuple[CodeSample, ...]
    spot: SpotTheBug
    incidents: tuple[Incident, ...] = ()
    notes: str = ""
    # Written for the lessons and shipped with tokenward (its samples are pinned by tests),
    # not drawn from a rule's docs, which a rule of the team's own may supply.
    shipped: bool = True


def learn_file(rule: Rule) -> str:
    """The learner file's name: the rule module's (``hardcoded-secret`` ->
    ``hardcoded_secret.toml``)."""
    return rule.name.replace("-", "_") + ".toml"


def _text(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise LearnerContentError(f"{where}: {key!r} must be non-empty text")
    return " ".join(value.split())  # one paragraph: wrapped lines join


def _code(data: dict[str, Any], where: str) -> str:
    value = data.get("code")
    if not isinstance(value, str) or not value.strip():
        raise LearnerContentError(f"{where}: 'code' must be non-empty text")
    return textwrap.dedent(value).lstrip("\n")


def _sample(data: dict[str, Any], where: str) -> CodeSample:
    frameworks = data.get("frameworks")
    if (not isinstance(frameworks, list) or not frameworks
            or not all(isinstance(f, str) for f in frameworks)):
        raise LearnerContentError(f"{where}: 'frameworks' must be a list of names")
    return CodeSample(tuple(frameworks), str(data.get("path", "example.py")), _code(data, where))


def _spot(data: Any, where: str) -> SpotTheBug:
    if not isinstance(data, dict):
        raise LearnerContentError(f"{where}: [spot_the_bug] is missing")
    line = data.get("line")
    code = _code(data, where)
    if not isinstance(line, int) or not 1 <= line <= len(code.splitlines()):
        raise LearnerContentError(f"{where}: 'line' must be a line of the snippet")
    return SpotTheBug(str(data.get("path", "example.py")), code, line,
                      _text(data, "answer", where))


def parse(text: str, where: str) -> LearnerContent:
    """A learner file's content. Raises LearnerContentError."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LearnerContentError(f"{where}: not TOML ({exc})") from None
    samples = data.get("right_code")
    if not isinstance(samples, list) or not samples:
        raise LearnerContentError(f"{where}: at least one [[right_code]] is needed")
    incidents = data.get("incidents", [])
    if not isinstance(incidents, list):
        raise LearnerContentError(f"{where}: [[incidents]] must be a list")
    return LearnerContent(
        rule_id=str(data.get("rule", "")),
        mistake=_text(data, "mistake", where),
        attack=_text(data, "attack", where),
        right=_text(data, "right", where),
        right_code=tuple(_sample(s, where) for s in samples),
        spot=_spot(data.get("spot_the_bug"), where),
        incidents=tuple(Incident(_text(i, "title", where), _text(i, "story", where),
                                 _text(i, "source", where)) for i in incidents),
        notes=" ".join(str(data.get("notes", "")).split()),
    )


def _from_docs(rule: Rule) -> LearnerContent:
    """For a rule without a learner file: its docs and its first examples."""
    bad = rule.bad[0]
    good = rule.good[0] if rule.good else None
    samples = (CodeSample((GENERIC,), good.path, good.text),) if good is not None else ()
    return LearnerContent(
        rule_id=rule.id, mistake=" ".join(rule.docs.what.split()),
        attack=" ".join(rule.docs.why.split()), right=" ".join(rule.docs.how.split()),
        right_code=samples,
        spot=SpotTheBug(bad.path, bad.text, bad.lines[0] if bad.lines else 1,
                        f"Line {bad.lines[0] if bad.lines else 1}: {rule.title.lower()}."),
        shipped=False,
    )


@functools.cache
def learner_content(rule: Rule) -> LearnerContent:
    """The rule's learner content: its file when it has one, else drawn from its docs."""
    name = learn_file(rule)
    entry = resources.files(LEARN_PACKAGE).joinpath(LEARN_FOLDER, name)
    if not entry.is_file():
        return _from_docs(rule)
    content = parse(entry.read_text(encoding="utf-8"), f"{LEARN_FOLDER}/{name}")
    if content.rule_id != rule.id:
        raise LearnerContentError(f"{LEARN_FOLDER}/{name}: rule = {content.rule_id!r}, "
                                  f"expected {rule.id!r}")
    return content
