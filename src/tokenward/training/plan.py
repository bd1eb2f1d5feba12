"""Fit a session into its slot: which rules get a lesson, in what order, for how long.

Risk orders the rules: severity weight (critical 8, high 4, medium 2, low 1) times the
number of findings, doubled when a finding holds a real secret value (a leak, not only a
bad habit). A lesson lasts what its content takes (explaining, the code demo, spot the
bug, the quiz, the exercise). Lessons are taken in order of risk while the agenda still
fits the slot with the welcome, the wrap-up and a "more from your code" lesson, which
names every rule that did not get a lesson of its own (a minute each for as many as the
time left allows, the rest to read afterwards). ``--lessons all`` teaches every rule,
whatever the slot.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from tokenward.model import Finding, Severity
from tokenward.records import record

SEVERITY_WEIGHT = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 4, Severity.CRITICAL: 8}
MIN_SLOT, MAX_SLOT, DEFAULT_SLOT = 30, 480, 90
WORDS_PER_MINUTE = 110  # explained to a room, with questions: slower than reading
SPOT_MINUTES = 2
EXERCISE_MINUTES = 5
MORE_BASE_MINUTES, MORE_MAX_MINUTES = 2, 8  # an overview, then a minute a rule
LONG_SESSION_MINUTES = 120  # beyond two hours, attention drops: suggest two parts


@record
class Timing:
    """What a lesson's minutes are made of."""

    explain: int
    demo: int
    spot: int
    quiz: int
    exercise: int

    @property
    def total(self) -> int:
        return self.explain + self.demo + self.spot + self.quiz + self.exercise


def words(*texts: str) -> int:
    return sum(len(text.split()) for text in texts)


def timing(spoken_words: int, *, has_diff: bool, samples: int, questions: int) -> Timing:
    """Minutes from content: the words said, the code walked through (2 for the code that
    shows the mistake, 1 for the fix diff, 1 for each right-way sample), spot the bug, 1.5
    minutes a question (read, vote, discuss), and the exercise."""
    explain = max(2, math.ceil(spoken_words / WORDS_PER_MINUTE))
    demo = 2 + (1 if has_diff else 0) + samples
    return Timing(explain, demo, SPOT_MINUTES, math.ceil(1.5 * questions), EXERCISE_MINUTES)


def leaked(findings: Sequence[Finding]) -> bool:
    """Whether a finding holds a real secret value (its source range is known)."""
    return any(f.secret_spans or f.secret_hash is not None for f in findings)


def risk(severity: Severity, findings: Sequence[Finding]) -> int:
    return SEVERITY_WEIGHT[severity] * max(1, len(findings)) * (2 if leaked(findings) else 1)


def opening_minutes(slot: int | None) -> tuple[int, int]:
    """(welcome, wrap-up): shorter in a short slot."""
    if slot is None or slot >= 90:
        return 10, 10
    return 5, 5


def more_minutes(rules: int) -> int:
    return 0 if rules == 0 else min(MORE_MAX_MINUTES, MORE_BASE_MINUTES + rules)


@record
class Candidate:
    """A rule that may get a lesson: its id, the lesson's minutes, and whether it must
    go to "more from your code" anyway (``demoted``: no new finding since last time)."""

    rule_id: str
    minutes: int
    demoted: bool = False


@record
class Fit:
    taught: tuple[str, ...]
    more: tuple[str, ...]
    welcome: int
    wrap_up: int
    more_minutes: int

    @property
    def fixed_minutes(self) -> int:
        return self.welcome + self.wrap_up + self.more_minutes


def fit(candidates: Sequence[Candidate], slot: int | None) -> Fit:
    """Candidates in order of risk. ``slot`` None: every candidate is taught."""
    welcome, wrap_up = opening_minutes(slot)
    if slot is None:
        return Fit(tuple(c.rule_id for c in candidates), (), welcome, wrap_up, 0)
    teachable = [c for c in candidates if not c.demoted]
    taught: list[Candidate] = []
    for candidate in teachable:
        rest = len(candidates) - len(taught) - 1
        total = (welcome + wrap_up + sum(c.minutes for c in taught) + candidate.minutes
                 + more_minutes(rest))
        if total > slot:
            break  # risk order is kept: a later, shorter lesson does not jump the queue
        taught.append(candidate)
    chosen = {c.rule_id for c in taught}
    more = tuple(c.rule_id for c in candidates if c.rule_id not in chosen)
    # Time the lessons leave over goes to "more from your code": a minute a rule.
    spare = slot - welcome - wrap_up - sum(c.minutes for c in taught)
    minutes = max(more_minutes(len(more)), min(MORE_BASE_MINUTES + len(more), spare)) \
        if more else 0
    return Fit(tuple(c.rule_id for c in taught), more, welcome, wrap_up, minutes)


@record
class RuleProgress:
    rule_id: str
    title: str
    before: int
    now: int
    fixed: int
    new: int


@record
class Progress:
    """What changed since a previous session's findings (matched by fingerprint)."""

    source: str
    before: int
    now: int
    fixed: int
    new: int
    rules: tuple[RuleProgress, ...]

    @property
    def no_new(self) -> tuple[str, ...]:
        """Rules still found but with nothing new: the team no longer makes the mistake;
        what is left is backlog to fix, not a lesson to teach."""
        return tuple(r.rule_id for r in self.rules if r.now and not r.new and r.before)

    @property
    def gone(self) -> tuple[str, ...]:
        """Rules found last time and not now: every one of them fixed."""
        return tuple(r.rule_id for r in self.rules if r.before and not r.now)


def progress(previous: Sequence[Finding], current: Sequence[Finding], titles: dict[str, str],
             source: str) -> Progress:
    before = {f.fingerprint: f for f in previous if not f.suppressed}
    now = {f.fingerprint: f for f in current if not f.suppressed}
    rules = sorted({f.rule_id for f in (*before.values(), *now.values())})

    def count(found: dict[str, Finding], rule_id: str, keys: set[str] | None = None) -> int:
        return sum(1 for k, f in found.items() if f.rule_id == rule_id
                   and (keys is None or k in keys))

    fixed_keys = set(before) - set(now)
    new_keys = set(now) - set(before)
    rows = tuple(RuleProgress(rule_id, titles.get(rule_id, rule_id), count(before, rule_id),
                              count(now, rule_id), count(before, rule_id, fixed_keys),
                              count(now, rule_id, new_keys)) for rule_id in rules)
    return Progress(source, len(before), len(now), len(fixed_keys), len(new_keys), rows)
