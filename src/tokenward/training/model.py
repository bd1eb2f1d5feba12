"""The data of a training session: lessons, quiz questions, exercises, the agenda.

Pure data, frozen, no I/O. Everything a writer renders is already redacted here: the
builders are the only place that reads code, and they redact every line they keep.
"""

from __future__ import annotations

from tokenward.model import Category, Finding, Severity
from tokenward.records import record
from tokenward.training.learner import Incident
from tokenward.training.plan import Progress, Timing


@record
class Choice:
    """One answer to a question, with the feedback shown when it is picked."""

    text: str
    correct: bool
    feedback: str


@record
class Question:
    id: str
    prompt: str
    choices: tuple[Choice, ...]
    # Rule ids this question is specific to; empty means it fits every rule of the category.
    rules: tuple[str, ...] = ()

    @property
    def answer_index(self) -> int:
        return next(i for i, c in enumerate(self.choices) if c.correct)

    @property
    def answer(self) -> Choice:
        return self.choices[self.answer_index]


@record
class Place:
    """Where a rule fired in this codebase: one file, its lines, and how many findings
    (two findings on one line are two)."""

    path: str
    lines: tuple[int, ...]
    count: int


@record
class CodeExcerpt:
    """Redacted lines of code around a finding (or a rule's example, when none)."""

    path: str
    first_line: int
    lines: tuple[str, ...]
    highlight: tuple[int, ...]  # 1-based line numbers in the file
    language: str
    from_codebase: bool
    # Where the finding lives (tests, docs ...), shown when it is not production code.
    context: str = "production"

    @property
    def numbered(self) -> tuple[tuple[int, str, bool], ...]:
        return tuple((self.first_line + i, text, self.first_line + i in self.highlight)
                     for i, text in enumerate(self.lines))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@record
class Exercise:
    """A small file with the lesson's mistake, and the reference fix."""

    slug: str
    rule_id: str
    filename: str
    text: str
    solution: str
    source: str  # "rule example" or "team code"


@record
class Sample:
    """The right way, for one framework the team uses."""

    framework: str  # how the lesson names it: "Django", "GitHub Actions"
    code: CodeExcerpt


@record
class Spot:
    """Spot the bug: a snippet, redacted, the line with the mistake and why."""

    code: CodeExcerpt
    line: int
    answer: str


@record
class Lesson:
    number: int
    slug: str
    rule_id: str
    rule_name: str
    title: str
    category: Category
    severity: Severity
    cwe: tuple[str, ...]
    objective: str
    count: int
    places: tuple[Place, ...]
    leaked: bool
    mistake: str
    attack: str
    incidents: tuple[Incident, ...]
    right: str
    samples: tuple[Sample, ...]
    spot: Spot
    notes: str
    before: CodeExcerpt
    fix_diff: str | None
    checklist: tuple[str, ...]
    questions: tuple[Question, ...]
    references: tuple[str, ...]
    exercise: Exercise
    timing: Timing
    # Secrets of this lesson's findings that are gone from the code but still in git
    # history (`scan --history`): the lesson then covers what to do about history.
    history_leaks: int = 0

    @property
    def minutes(self) -> int:
        return self.timing.total

    @property
    def files(self) -> int:
        return len(self.places)


@record
class MoreEntry:
    """A rule named in "more from your code": no lesson of its own in this slot."""

    rule_id: str
    title: str
    severity: Severity
    count: int
    places: tuple[Place, ...]
    mistake: str
    sample: Sample | None
    reason: str  # why it has no lesson of its own
    presented: bool  # talked through in the session; else left to read afterwards

    @property
    def files(self) -> int:
        return len(self.places)


@record
class AgendaItem:
    title: str
    minutes: int
    anchor: str = ""
    start: int = 0  # minutes from the start of the session

    @property
    def end(self) -> int:
        return self.start + self.minutes


@record
class CategoryCount:
    category: Category
    by_severity: tuple[tuple[Severity, int], ...]

    @property
    def total(self) -> int:
        return sum(n for _, n in self.by_severity)


@record
class Session:
    title: str
    lessons: tuple[Lesson, ...]
    more: tuple[MoreEntry, ...]
    agenda: tuple[AgendaItem, ...]
    counts: tuple[CategoryCount, ...]
    findings: tuple[Finding, ...]  # the active findings taught from (redacted snippets)
    files_total: int
    from_findings: bool
    trainer_notes: tuple[str, ...]
    frameworks: tuple[str, ...] = ()
    slot: int | None = None  # the minutes available; None: every rule gets a lesson
    progress: Progress | None = None
    timestamp: str | None = None

    @property
    def minutes(self) -> int:
        return sum(item.minutes for item in self.agenda)

    @property
    def findings_total(self) -> int:
        return len(self.findings)

    @property
    def questions(self) -> int:
        return sum(len(lesson.questions) for lesson in self.lessons)
