"""Build a training session from findings (or, without any, from the rules' examples).

Lessons are ordered by weight: how often a rule fired times how severe it is (critical 8,
high 4, medium 2, low 1), then by severity, then by id, so the most urgent lesson comes
first and the order is stable.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tokenward.model import Category, Finding, Severity
from tokenward.rules.base import Example, Rule
from tokenward.scanner.redaction import printable
from tokenward.training.content import CHECKLISTS, CONSEQUENCES, OBJECTIVES, SEVERITY_WEIGHT
from tokenward.training.excerpts import SourceFiles, example_excerpt, finding_excerpt
from tokenward.training.exercises import make_exercise
from tokenward.training.model import (
    AgendaItem,
    CategoryCount,
    CodeExcerpt,
    Exercise,
    Lesson,
    Place,
    Session,
)
from tokenward.training.quiz_bank import questions_for

WELCOME_MINUTES = 10
WRAP_UP_MINUTES = 10
LONG_SESSION_MINUTES = 120  # beyond two hours, attention drops: suggest two parts
TITLE = "Token hygiene: lessons from our own code"


@dataclass(frozen=True)
class BuildOptions:
    title: str = TITLE
    timestamp: str | None = None


def lesson_weight(rule: Rule, count: int) -> tuple[int, int, str]:
    return (-count * SEVERITY_WEIGHT[rule.severity.value], -rule.severity.rank, rule.id)


def _minutes(question_count: int, has_code: bool) -> int:
    # Explain (8) + walk through the code (4) + quiz (2 a question) + exercise (5).
    return 8 + (4 if has_code else 0) + 2 * question_count + 5


def _places(findings: Sequence[Finding]) -> tuple[Place, ...]:
    by_path: dict[str, set[int]] = defaultdict(set)
    for finding in findings:
        by_path[finding.path].add(finding.line)
    # A file name is shown as text: no control character reaches a terminal or a page.
    return tuple(Place(printable(path), tuple(sorted(lines)))
                 for path, lines in sorted(by_path.items()))


def _showcase(findings: Sequence[Finding], files: SourceFiles,
              diffs: Mapping[str, str]) -> Finding:
    """The finding to show: one with a fix diff and readable code, else the first.

    Files are read (and scanned again) only until one is readable."""
    ordered = sorted(findings, key=Finding.sort_key)
    for group in ([f for f in ordered if f.fingerprint in diffs],
                  [f for f in ordered if f.fingerprint not in diffs]):
        if group:
            return next((f for f in group if files.readable(f)), group[0])
    return ordered[0]


def _reference_fix(exercise: Exercise, rules: Sequence[Rule]) -> CodeExcerpt:
    return example_excerpt(Example(exercise.solution, path=exercise.filename), rules)


def _fired_lines(exercise: Exercise, rule: Rule) -> tuple[int, ...]:
    example = next((e for e in rule.bad if e.text == exercise.text), None)
    return example.lines if example is not None else ()


def build_lesson(number: int, rule: Rule, findings: Sequence[Finding], rules: Sequence[Rule],
                 files: SourceFiles, diffs: Mapping[str, str], used: set[str]) -> Lesson | None:
    slug = f"{number:02d}-{rule.name}"
    exercise = make_exercise(rule, slug, rules)
    if exercise is None:
        return None
    fix_diff = None
    if findings:
        shown = _showcase(findings, files, diffs)
        before = finding_excerpt(files, shown)
        raw_diff = diffs.get(shown.fingerprint)
        # The engine redacted the diff; once more with every secret of the shown file.
        fix_diff = files.redactor(shown.path).diff(raw_diff) if raw_diff else None
    else:
        before = example_excerpt(Example(exercise.text, path=exercise.filename), rules,
                                 lines=_fired_lines(exercise, rule))
    questions = questions_for(rule.id, rule.category, used)
    docs = rule.docs
    return Lesson(
        number=number, slug=slug, rule_id=rule.id, rule_name=rule.name, title=rule.title,
        category=rule.category, severity=rule.severity, cwe=rule.cwe_tags,
        objective=f"After this lesson you can {OBJECTIVES[rule.category]}.",
        count=len(findings), places=_places(findings),
        what=docs.what.strip(), why=docs.why.strip(), how=docs.how.strip(),
        not_flagged=docs.not_flagged.strip(), consequence=CONSEQUENCES[rule.category],
        before=before, after=_reference_fix(exercise, rules), fix_diff=fix_diff,
        checklist=CHECKLISTS[rule.category], questions=questions,
        references=docs.references, exercise=exercise,
        minutes=_minutes(len(questions), bool(findings)),
        history_leaks=sum(1 for f in findings if f.history and not f.history.present_at_head),
    )


def _counts(findings: Sequence[Finding]) -> tuple[CategoryCount, ...]:
    tally = Counter((f.category, f.severity) for f in findings)
    severities = sorted(Severity, key=lambda s: -s.rank)
    return tuple(CategoryCount(category, tuple((s, tally[(category, s)]) for s in severities))
                 for category in Category)


def _split_point(lessons: Sequence[Lesson]) -> int:
    """The lesson after which about half of the lesson time has passed."""
    half = sum(x.minutes for x in lessons) / 2
    elapsed = 0
    for lesson in lessons[:-1]:
        elapsed += lesson.minutes
        if elapsed >= half:
            return lesson.number
    return lessons[-2].number


def _trainer_notes(lessons: Sequence[Lesson], findings: Sequence[Finding]) -> tuple[str, ...]:
    notes: list[str] = []
    if findings:
        files = len({f.path for f in findings})
        notes.append(f"Open with the chart: {len(findings)} findings in {files} files. The "
                     "point is the pattern, not who wrote which line: keep names out of it.")
        if lessons:
            first = lessons[0]
            notes.append(f"Lesson 1 ({first.rule_id}, {first.count} findings) weighs most; "
                         "if time runs short, shorten the later lessons, not this one.")
    else:
        notes.append("No findings were present: this session is built from the rules' own "
                     "examples. Run it as a preventive session, or rerun `tokenward train` "
                     "on a codebase that has findings.")
    leaks = sum(lesson.history_leaks for lesson in lessons)
    if leaks:
        notes.append(f"{leaks} secret{'s are' if leaks != 1 else ' is'} gone from the code "
                     "but still in git history: the secret lessons cover what that means; "
                     "say whether each one has been revoked yet.")
    if any(lesson.category is Category.HARDCODED_SECRET and lesson.count for lesson in lessons):
        notes.append("Before the session, confirm that every leaked secret has been revoked "
                     "and rotated. Every value shown is redacted; never show the real one, "
                     "and do not open the files themselves on the projector.")
    notes.append("Exercises: hand out the `exercises/` folder. Learners fix each file and "
                 "run `tokenward train check exercises`; `solutions/` has the reference "
                 "fixes for the debrief.")
    total = WELCOME_MINUTES + WRAP_UP_MINUTES + sum(x.minutes for x in lessons)
    if total > LONG_SESSION_MINUTES and len(lessons) > 1:
        split = _split_point(lessons)
        notes.append(f"The whole session takes {total} minutes: run it in two parts, "
                     f"lessons 1-{split} and {split + 1}-{len(lessons)}, and keep the most "
                     "urgent lessons in the first.")
    notes.append("The quiz is scored in the page; ask the room to commit to an answer "
                 "before revealing the feedback.")
    notes.append("The material is deterministic: regenerate after the fixes land and "
                 "review the difference like code.")
    return tuple(notes)


def build_session(findings: Sequence[Finding], rules: Sequence[Rule], files: SourceFiles,
                  diffs: Mapping[str, str] | None = None,
                  options: BuildOptions | None = None) -> Session:
    """The whole session. ``findings`` are active findings; ``files`` reads the team's code
    (and has learnt every finding of the report, suppressed ones included)."""
    options = options or BuildOptions()
    diffs = diffs or {}
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_rule[finding.rule_id].append(finding)
    files.learn(findings)
    chosen = [r for r in rules if r.id in by_rule] if findings else list(rules)
    chosen.sort(key=lambda r: lesson_weight(r, len(by_rule.get(r.id, ()))))
    used: set[str] = set()
    lessons: list[Lesson] = []
    for rule in chosen:
        lesson = build_lesson(len(lessons) + 1, rule, by_rule.get(rule.id, ()), rules, files,
                              diffs, used)
        if lesson is not None:
            lessons.append(lesson)
    agenda = (
        AgendaItem("Welcome, and what the scan found", WELCOME_MINUTES, "plan"),
        *(AgendaItem(f"Lesson {x.number}: {x.title} ({x.rule_id})", x.minutes, x.slug)
          for x in lessons),
        AgendaItem("Exercise debrief, quiz review and questions", WRAP_UP_MINUTES, "wrap-up"),
    )
    return Session(
        title=printable(options.title), lessons=tuple(lessons), agenda=agenda,
        counts=_counts(findings),
        findings_total=len(findings), files_total=len({f.path for f in findings}),
        from_findings=bool(findings), trainer_notes=_trainer_notes(lessons, findings),
        timestamp=options.timestamp,
    )
