"""Build a training session from findings (or, without any, from the rules' examples).

Each rule that fired (every rule, without findings) becomes material for a lesson: the
team's code around a finding, the fix diff, the learner content with the right way shown
for the frameworks the team uses, spot the bug, an exercise. The plan
(:mod:`tokenward.training.plan`) then decides which rules get a lesson in the slot, in
order of risk; the others are named in "more from your code".
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from tokenward.model import Category, Finding, Severity
from tokenward.records import record
from tokenward.rules.base import Example, Rule
from tokenward.scanner.redaction import printable
from tokenward.training import plan
from tokenward.training.content import CHECKLISTS, OBJECTIVES
from tokenward.training.excerpts import (
    SourceFiles,
    example_excerpt,
    finding_excerpt,
    sample_excerpt,
)
from tokenward.training.exercises import make_exercise
from tokenward.training.frameworks import detect, label
from tokenward.training.learner import GENERIC, CodeSample, LearnerContent, learner_content
from tokenward.training.model import (
    AgendaItem,
    CategoryCount,
    CodeExcerpt,
    Exercise,
    Lesson,
    MoreEntry,
    Place,
    Sample,
    Session,
    Spot,
)
from tokenward.training.quiz_bank import question_count, questions_for

TITLE = "Token hygiene: lessons from our own code"
MAX_SAMPLES = 2


@record
class BuildOptions:
    title: str = TITLE
    timestamp: str | None = None
    # The slot in minutes; lessons are chosen to fit it. ``all_lessons``: every rule gets
    # a lesson, whatever the slot (the agenda then says how long that takes).
    minutes: int = plan.DEFAULT_SLOT
    all_lessons: bool = False
    # The findings of a previous session (`--compare`) and where they were read from.
    previous: tuple[Finding, ...] | None = None
    previous_name: str = ""


@record
class _Material:
    """What a lesson on one rule is made of, before it has a place in the session."""

    rule: Rule
    findings: tuple[Finding, ...]
    content: LearnerContent
    before: CodeExcerpt
    fix_diff: str | None
    samples: tuple[Sample, ...]
    spot: Spot
    exercise: Exercise | None

    @property
    def risk(self) -> int:
        return plan.risk(self.rule.severity, self.findings)

    @property
    def timing(self) -> plan.Timing:
        content = self.content
        spoken = plan.words(content.mistake, content.attack, content.right,
                            *(i.story for i in content.incidents))
        return plan.timing(spoken, has_diff=self.fix_diff is not None,
                           samples=len(self.samples),
                           questions=question_count(self.rule.id, self.rule.category))


def _places(findings: Sequence[Finding]) -> tuple[Place, ...]:
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_path[finding.path].append(finding)
    # A file name is shown as text: no control character reaches a terminal or a page.
    return tuple(Place(printable(path), tuple(sorted({f.line for f in found})), len(found))
                 for path, found in sorted(by_path.items()))


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


def _fired_lines(exercise: Exercise, rule: Rule) -> tuple[int, ...]:
    example = next((e for e in rule.bad if e.text == exercise.text), None)
    return example.lines if example is not None else ()


def _sample_label(sample: CodeSample, frameworks: frozenset[str]) -> str:
    named = [f for f in sample.frameworks if f in frameworks and f != GENERIC]
    return label(named[0] if named else sample.frameworks[0])


def choose_samples(content: LearnerContent, frameworks: frozenset[str]
                   ) -> tuple[CodeSample, ...]:
    """The right-way code for the team: the samples for its frameworks (at most two),
    else the generic Python one, else the first."""
    specific = frameworks - {GENERIC}
    matching = [s for s in content.right_code if specific & set(s.frameworks)]
    generic = [s for s in content.right_code if GENERIC in s.frameworks]
    return tuple(matching[:MAX_SAMPLES] or generic[:1] or content.right_code[:1])


def _material(rule: Rule, findings: Sequence[Finding], rules: Sequence[Rule],
              files: SourceFiles, diffs: Mapping[str, str],
              frameworks: frozenset[str]) -> _Material:
    content = learner_content(rule)
    exercise = make_exercise(rule, rule.name, rules)
    fix_diff = None
    if findings:
        shown = _showcase(findings, files, diffs)
        before = finding_excerpt(files, shown)
        raw_diff = diffs.get(shown.fingerprint)
        # The engine redacted the diff; once more with every secret of the shown file.
        fix_diff = files.redactor(shown.path).diff(raw_diff) if raw_diff else None
    else:
        bad = rule.bad[0]
        text, path = ((exercise.text, exercise.filename) if exercise is not None
                      else (bad.text, bad.path))
        lines = _fired_lines(exercise, rule) if exercise is not None else bad.lines
        before = example_excerpt(Example(text, path=path), rules, lines=lines)
    shown_as = sample_excerpt if content.shipped else example_excerpt
    samples = tuple(Sample(_sample_label(s, frameworks),
                           shown_as(Example(s.code, path=s.path), rules))
                    for s in choose_samples(content, frameworks))
    # Redacted like any example; no line is highlighted: finding it is the exercise.
    spot = Spot(example_excerpt(Example(content.spot.code, path=content.spot.path), rules),
                content.spot.line, content.spot.answer)
    return _Material(rule, tuple(findings), content, before, fix_diff, samples, spot,
                     exercise)


def _with_slug(exercise: Exercise, slug: str) -> Exercise:
    return Exercise(slug, exercise.rule_id, exercise.filename, exercise.text,
                    exercise.solution, exercise.source)


def _lesson(number: int, material: _Material, used: set[str]) -> Lesson:
    rule, content = material.rule, material.content
    assert material.exercise is not None  # rules without one are not taught
    slug = f"{number:02d}-{rule.name}"
    return Lesson(
        number=number, slug=slug, rule_id=rule.id, rule_name=rule.name, title=rule.title,
        category=rule.category, severity=rule.severity, cwe=rule.cwe_tags,
        objective=f"After this lesson you can {OBJECTIVES[rule.category]}.",
        count=len(material.findings), places=_places(material.findings),
        leaked=plan.leaked(material.findings),
        mistake=content.mistake, attack=content.attack, incidents=content.incidents,
        right=content.right, samples=material.samples, spot=material.spot,
        notes=content.notes, before=material.before, fix_diff=material.fix_diff,
        checklist=CHECKLISTS[rule.category],
        questions=questions_for(rule.id, rule.category, used),
        references=rule.docs.references, exercise=_with_slug(material.exercise, slug),
        timing=material.timing,
        history_leaks=sum(1 for f in material.findings
                          if f.history and not f.history.present_at_head),
    )


def _reason(material: _Material, options: BuildOptions, demoted: set[str]) -> str:
    if material.exercise is None:
        return "no exercise can be made for it"
    if material.rule.id in demoted:
        return "no new finding since the previous session: what is left is to fix"
    return f"no room for a lesson of its own in {options.minutes} minutes"


def _more(materials: Sequence[_Material], fit: plan.Fit, options: BuildOptions,
          demoted: set[str]) -> tuple[MoreEntry, ...]:
    by_id = {m.rule.id: m for m in materials}
    talked = fit.more_minutes - plan.MORE_BASE_MINUTES  # a minute for each of the first
    return tuple(
        MoreEntry(rule_id, m.rule.title, m.rule.severity, len(m.findings),
                  _places(m.findings), m.content.mistake,
                  m.samples[0] if m.samples else None, _reason(m, options, demoted),
                  index < talked)
        for index, rule_id in enumerate(fit.more) for m in [by_id[rule_id]])


def _counts(findings: Sequence[Finding]) -> tuple[CategoryCount, ...]:
    tally = Counter((f.category, f.severity) for f in findings)
    severities = sorted(Severity, key=lambda s: -s.rank)
    return tuple(CategoryCount(category, tuple((s, tally[(category, s)]) for s in severities))
                 for category in Category)


def more_title(from_findings: bool) -> str:
    return "More from your code" if from_findings else "More mistakes to know"


def _agenda(lessons: Sequence[Lesson], more: Sequence[MoreEntry], fit: plan.Fit,
            from_findings: bool) -> tuple[AgendaItem, ...]:
    items = [("Welcome, and what the scan found", fit.welcome, "plan"),
             *((f"Lesson {x.number}: {x.title} ({x.rule_id})", x.minutes, x.slug)
               for x in lessons)]
    if more:
        items.append((f"{more_title(from_findings)}: {plural(len(more), 'rule')}",
                      fit.more_minutes, "more"))
    items.append(("Exercise debrief, quiz review and questions", fit.wrap_up, "wrap-up"))
    agenda, start = [], 0
    for title, minutes, anchor in items:
        agenda.append(AgendaItem(title, minutes, anchor, start))
        start += minutes
    return tuple(agenda)


def _split_point(lessons: Sequence[Lesson]) -> int:
    """The lesson after which about half of the lesson time has passed."""
    half = sum(x.minutes for x in lessons) / 2
    elapsed = 0
    for lesson in lessons[:-1]:
        elapsed += lesson.minutes
        if elapsed >= half:
            return lesson.number
    return lessons[-2].number


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _trainer_notes(lessons: Sequence[Lesson], more: Sequence[MoreEntry],
                   findings: Sequence[Finding], total: int,
                   frameworks: Sequence[str]) -> tuple[str, ...]:
    notes: list[str] = []
    if findings:
        files = len({f.path for f in findings})
        notes.append(f"Open with the chart: {plural(len(findings), 'finding')} in "
                     f"{plural(files, 'file')}. The "
                     "point is the pattern, not who wrote which line: keep names out of it.")
        if lessons:
            first = lessons[0]
            notes.append(f"Lesson 1 ({first.rule_id}, {plural(first.count, 'finding')}) "
                         "weighs most; "
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
    if plan.leaked(findings):
        notes.append("Before the session, confirm that every leaked secret has been revoked "
                     "and rotated. Every value shown is redacted; never show the real one, "
                     "and do not open the files themselves on the projector.")
    if more:
        talked = sum(entry.presented for entry in more)
        notes.append(f"{plural(len(more), 'rule')} without a lesson of their own are named "
                     f"in the last lesson; talk through the first {talked} (a minute each) "
                     "and leave the rest to read after the session.")
    shown = [f for f in frameworks if f != "Python"]
    if shown:
        notes.append(f"The right way is shown in the team's own frameworks: "
                     f"{', '.join(shown)}.")
    notes.append("Present from the page: press P (or open it as `index.html#present`); "
                 "arrows move, N shows these notes beside each screen, R reveals the quiz "
                 "answers, T pauses the timer.")
    notes.append("Exercises: hand out the `exercises/` folder. Learners fix each file and "
                 "run `tokenward train check exercises`; `solutions/` has the reference "
                 "fixes for the debrief.")
    if total > plan.LONG_SESSION_MINUTES and len(lessons) > 1:
        split = _split_point(lessons)
        notes.append(f"The whole session takes {total} minutes: run it in two parts, "
                     f"lessons 1-{split} and {split + 1}-{len(lessons)}, and keep the most "
                     "urgent lessons in the first.")
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
    read = files.outcome.files
    frameworks = detect((path, read[path].data)
                        for path in sorted({f.path for f in findings}) if path in read)
    materials = [_material(rule, by_rule.get(rule.id, ()), rules, files, diffs, frameworks)
                 for rule in chosen]
    materials.sort(key=lambda m: (-m.risk, -m.rule.severity.rank, m.rule.id))
    previous = options.previous
    progress = None if previous is None else plan.progress(
        previous, findings, {r.id: r.title for r in rules}, options.previous_name)
    demoted = set(progress.no_new) if progress is not None and not options.all_lessons \
        else set()
    fit = plan.fit([plan.Candidate(m.rule.id, m.timing.total,
                                   m.rule.id in demoted or m.exercise is None)
                    for m in materials],
                   None if options.all_lessons else options.minutes)
    by_id = {m.rule.id: m for m in materials}
    used: set[str] = set()
    lessons = tuple(_lesson(number, by_id[rule_id], used)
                    for number, rule_id in enumerate(fit.taught, start=1))
    more = _more(materials, fit, options, demoted)
    agenda = _agenda(lessons, more, fit, bool(findings))
    labels = sorted({s.framework for m in materials for s in m.samples})
    total = sum(item.minutes for item in agenda)
    return Session(
        title=printable(options.title), lessons=lessons, more=more, agenda=agenda,
        counts=_counts(findings), findings=tuple(sorted(findings, key=Finding.sort_key)),
        files_total=len({f.path for f in findings}), from_findings=bool(findings),
        trainer_notes=_trainer_notes(lessons, more, findings, total, labels),
        frameworks=tuple(labels), slot=None if options.all_lessons else options.minutes,
        progress=progress, timestamp=options.timestamp,
    )
