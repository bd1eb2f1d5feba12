"""The data of a training session: lessons, quiz questions, exercises, the agenda.

Pure data, frozen, no I/O. Everything a writer renders is already redacted here: the
builders are the only place that reads code, and they redact every line they keep.
"""

from __future__ import annotations

from dataclasses import dataclass

from tokenward.model import Category, Severity


@dataclass(frozen=True)
class Choice:
    """One answer to a question, with the feedback shown when it is picked."""

    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Question:
    id: str
    prompt: str
    choices: tuple[Choice, ...]
    # Rule ids this question is specific to; empty means it fits every rule of the category.
    rules: tuple[str, ...] = ()

    @property
    def answer_index(self) -> int:
        return next(i for i, c in enumerate(self.choices) if c.correct)


@dataclass(frozen=True)
class Place:
    """Where a rule fired in this codebase: one file, its lines, how often."""

    path: str
    lines: tuple[int, ...]


@dataclass(frozen=True)
class CodeExcerpt:
    """Redacted lines of code around a finding (or a rule's example, when none)."""

    path: str
    first_line: int
    lines: tuple[str, ...]
    highlight: tuple[int, ...]  # 1-based line numbers in the file
    language: str
    from_codebase: bool

    @property
    def numbered(self) -> tuple[tuple[int, str, bool], ...]:
        return tuple((self.first_line + i, text, self.first_line + i in self.highlight)
                     for i, text in enumerate(self.lines))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class Exercise:
    """A small file with the lesson's mistake, and the reference fix."""

    slug: str
    rule_id: str
    filename: str
    text: str
    solution: str
    source: str  # "rule example" or "team code"


@dataclass(frozen=True)
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
    what: str
    why: str
    how: str
    not_flagged: str
    consequence: str
    before: CodeExcerpt
    after: CodeExcerpt | None
    fix_diff: str | None
    checklist: tuple[str, ...]
    questions: tuple[Question, ...]
    references: tuple[str, ...]
    exercise: Exercise
    minutes: int
    # Secrets of this lesson's findings that are gone from the code but still in git
    # history (`scan --history`): the lesson then covers what to do about history.
    history_leaks: int = 0


@dataclass(frozen=True)
class AgendaItem:
    title: str
    minutes: int
    anchor: str = ""


@dataclass(frozen=True)
class CategoryCount:
    category: Category
    by_severity: tuple[tuple[Severity, int], ...]

    @property
    def total(self) -> int:
        return sum(n for _, n in self.by_severity)


@dataclass(frozen=True)
class Session:
    title: str
    lessons: tuple[Lesson, ...]
    agenda: tuple[AgendaItem, ...]
    counts: tuple[CategoryCount, ...]
    findings_total: int
    files_total: int
    from_findings: bool
    trainer_notes: tuple[str, ...]
    timestamp: str | None = None

    @property
    def minutes(self) -> int:
        return sum(item.minutes for item in self.agenda)
