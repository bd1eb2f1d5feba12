"""The content of a session: lessons, excerpts, quiz bank, chart, exercises."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.training.fixtures import CORE_RULES, PASSWORD, SECRETS, TOKEN, write_app
from tokenward.config import Config
from tokenward.fix.diffs import hunks_near
from tokenward.model import Category, Finding, Severity, Span
from tokenward.rules import RULES
from tokenward.scanner.pipeline import scan
from tokenward.training import BuildOptions, Session, build
from tokenward.training.chart import render_svg
from tokenward.training.excerpts import HIDDEN_LINE, SourceFiles, redact_line, scan_reported
from tokenward.training.exercises import make_exercise
from tokenward.training.lessons import _counts
from tokenward.training.plan import Timing
from tokenward.training.quiz_bank import BANK, questions_for


@pytest.fixture
def session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Session:
    write_app(tmp_path)
    monkeypatch.chdir(tmp_path)
    findings = scan(["app"], Config(), rules=CORE_RULES, use_cache=False).findings
    return build(findings, root=tmp_path, rules=CORE_RULES)


def test_lessons_are_ordered_by_risk(session: Session) -> None:
    # Severity weight x findings x 2 when a real secret is in the code: TW103 8x2x2 = 32;
    # TW201 4x2 = 8 and TW901 4x1x2 = 8 (a tie: by id).
    assert [(x.number, x.rule_id, x.count, x.leaked) for x in session.lessons] == [
        (1, "TW103", 2, True), (2, "TW201", 2, False), (3, "TW901", 1, True)]
    assert [x.slug for x in session.lessons] == [
        "01-provider-token", "02-weak-token-generation", "03-test-password"]
    assert session.more == ()


def test_every_lesson_has_an_objective_places_and_learner_content(session: Session) -> None:
    secret, weak, password = session.lessons
    assert secret.objective.startswith("After this lesson you can recognise a secret")
    assert weak.objective.startswith("After this lesson you can tell a predictable token")
    assert [(p.path, p.lines, p.count) for p in secret.places] == [
        ("app/client.py", (4,), 1), ("app/config.yaml", (3,), 1)]
    assert [(p.path, p.lines, p.count) for p in weak.places] == [("app/tokens.py", (8, 12), 2)]
    assert [(p.path, p.lines, p.count) for p in password.places] == [
        ("app/settings.py", (2,), 1)]
    assert secret.cwe == ("CWE-798",)
    assert secret.references[0] == "https://cwe.mitre.org/data/definitions/798.html"
    assert secret.mistake.startswith("A live key in a provider's own format")
    assert [i.title for i in secret.incidents] == ["Toyota, 2022", "A honeypot experiment"]
    # A rule without a learner file (the test rule) is taught from its docs.
    assert (password.mistake, password.attack, password.right) == (
        "A password literal.", "It leaks.", "Use the environment.")


def test_a_lesson_lasts_what_its_content_takes(session: Session) -> None:
    weak = session.lessons[1]
    spoken = sum(len(t.split()) for t in (weak.mistake, weak.attack, weak.right,
                                           *(i.story for i in weak.incidents)))
    assert spoken == 226  # at 110 words a minute: 3 minutes
    # Code: the team's (2), the fix diff (1), one right-way sample (1); 3 questions at 1.5.
    assert (weak.fix_diff is not None, len(weak.samples), len(weak.questions)) == (True, 1, 3)
    assert weak.timing == Timing(explain=3, demo=4, spot=2, quiz=5, exercise=5)
    assert weak.minutes == weak.timing.total
    assert [(a.title, a.start, a.minutes) for a in session.agenda] == [
        ("Welcome, and what the scan found", 0, 10),
        ("Lesson 1: Provider token in clear text (TW103)", 10, session.lessons[0].minutes),
        ("Lesson 2: Token made from a predictable source (TW201)",
         10 + session.lessons[0].minutes, weak.minutes),
        ("Lesson 3: Password in code (test rule) (TW901)",
         10 + session.lessons[0].minutes + weak.minutes, session.lessons[2].minutes),
        ("Exercise debrief, quiz review and questions",
         10 + sum(x.minutes for x in session.lessons), 10)]
    assert session.minutes <= 90


def test_before_shows_the_real_file_and_line_redacted(session: Session) -> None:
    secret, weak, password = session.lessons
    assert (secret.before.path, secret.before.first_line, secret.before.highlight) == (
        "app/client.py", 1, (4,))
    assert secret.before.lines[3] == 'GITHUB_TOKEN = "ghp_****(40 chars)"'
    assert secret.before.from_codebase
    assert weak.before.first_line == 5
    assert weak.before.numbered[3] == (
        8, '    return "".join(random.choice(ALPHABET) for _ in range(32))', True)
    # The password is not token-shaped: only the scanner's own finding hides it.
    assert password.before.lines[1] == 'db_password = "****(12 chars)"'


def test_the_right_way_and_spot_the_bug(session: Session) -> None:
    secret, weak, _ = session.lessons
    # The team imports requests, for which TW103 has no sample: the generic one.
    assert [(s.framework, s.code.path) for s in secret.samples] == [("Python", "payments.py")]
    assert secret.samples[0].code.lines[-1] == 'stripe.api_key = os.environ["STRIPE_SECRET_KEY"]'
    # The snippet is redacted like any example, and nothing gives the line away.
    assert secret.spot.line == 3 and secret.spot.code.highlight == ()
    assert secret.spot.code.lines[2] == "# personal token for testing, remove later: " \
                                        "ghp_****(40 chars)"
    assert weak.spot.answer.startswith("Line 10: the session id comes from `random`")


def test_fix_diff_is_the_one_tokenward_fix_would_make(session: Session) -> None:
    password = session.lessons[2]
    assert password.fix_diff == (
        "--- a/app/settings.py\n"
        "+++ b/app/settings.py\n"
        "@@ -1,2 +1,4 @@\n"
        "+import os\n"
        "+\n"
        " DEBUG = False\n"
        '-db_password = "****(12 chars)"\n'
        '+db_password = os.environ["DB_PASSWORD"]\n')
    # TW103 has no automatic fix.
    assert session.lessons[0].fix_diff is None


def test_no_secret_anywhere_in_the_session_data(session: Session) -> None:
    text = repr(session)
    for value in SECRETS:
        assert value not in text


def test_checklist_for_a_leaked_secret_starts_with_revoke(session: Session) -> None:
    steps = session.lessons[0].checklist
    assert steps[0].startswith("Revoke the exposed value at the provider")
    assert steps[2].startswith("Rewrite the code")
    assert steps[4].startswith("Install the pre-commit hook")


def test_quiz_questions_have_feedback_for_every_answer(session: Session) -> None:
    asked = [q.id for lesson in session.lessons for q in lesson.questions]
    assert asked == ["secret-pasted-in-docs", "secret-first-step", "secret-where-to-keep",
                     "weak-random-module", "weak-right-call", "weak-seed",
                     "secret-config-files", "secret-first-step", "secret-where-to-keep"]
    for lesson in session.lessons:
        assert 2 <= len(lesson.questions) <= 4
        for question in lesson.questions:
            assert sum(c.correct for c in question.choices) == 1
            assert all(c.feedback for c in question.choices)


def test_question_bank_shape() -> None:
    ids = [q.id for questions in BANK.values() for q in questions]
    assert len(ids) == len(set(ids))
    assert set(BANK) == set(Category)
    for category, questions in BANK.items():
        assert len([q for q in questions if not q.rules]) >= 2, category
        for question in questions:
            assert 3 <= len(question.choices) <= 4, question.id
            assert sum(c.correct for c in question.choices) == 1, question.id
            assert all(len(c.feedback) > 20 for c in question.choices), question.id


def test_questions_prefer_the_rule_then_unasked_ones() -> None:
    used: set[str] = set()
    first = questions_for("TW202", Category.WEAK_GENERATION, used)
    second = questions_for("TW201", Category.WEAK_GENERATION, used)
    assert [q.id for q in first] == ["weak-entropy-bytes", "weak-random-module",
                                     "weak-right-call"]
    assert [q.id for q in second] == ["weak-seed", "weak-random-module", "weak-right-call"]


def test_redact_line_replaces_known_secrets_and_masks_tokens() -> None:
    assert redact_line(f'x = "{PASSWORD}"', {PASSWORD}) == 'x = "****(12 chars)"'
    assert redact_line(f'x = "{TOKEN}"', set()) == 'x = "ghp_****(40 chars)"'
    assert redact_line(f'x = "{PASSWORD}"', set()) == f'x = "{PASSWORD}"'  # why we learn


def test_a_file_changed_since_the_scan_shows_only_the_snippet(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(f'pw = "{PASSWORD}"\nother = 1\n', encoding="utf-8")
    finding = Finding("TW901", "test-password", Category.HARDCODED_SECRET, Severity.HIGH,
                      "a.py", Span(2, 7, 2, 21), "password in pw", 'pw = "****(12 chars)"',
                      "f" * 16, secret_hash="0" * 32)
    files = SourceFiles(tmp_path, scan_reported([finding], tmp_path, Config(), CORE_RULES))
    files.learn([finding])
    assert not files.readable(finding)
    from tokenward.training.excerpts import finding_excerpt
    excerpt = finding_excerpt(files, finding)
    assert excerpt.lines == ('pw = "****(12 chars)"',)


def test_a_secret_left_in_a_line_hides_the_line() -> None:
    # A value that its own redacted form still contains ("****(5 chars)").
    assert redact_line('word = "chars"', {"chars"}) == HIDDEN_LINE


def test_hunks_near_keeps_the_hunk_of_the_line() -> None:
    diff = ("--- a/f.py\n+++ b/f.py\n@@ -1,3 +1,3 @@\n-a\n+b\n c\n"
            "@@ -20,3 +20,3 @@\n-x\n+y\n z\n")
    assert hunks_near(diff, 21) == "--- a/f.py\n+++ b/f.py\n@@ -20,3 +20,3 @@\n-x\n+y\n z\n"
    assert hunks_near(diff, 2) == "--- a/f.py\n+++ b/f.py\n@@ -1,3 +1,3 @@\n-a\n+b\n c\n"


def test_chart_is_svg_with_one_bar_per_count(session: Session) -> None:
    svg = render_svg(session.counts)
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    bars = [t.text for t in root.iter(f"{ns}title")]
    assert bars == ["Findings by category and severity (5 in all)",
                    "hardcoded-secret, critical: 2", "hardcoded-secret, high: 1",
                    "weak-generation, high: 2"]
    assert [c.total for c in _counts([])] == [0] * len(Category)


def test_every_rule_has_an_exercise_that_fires_and_a_fix_that_passes() -> None:
    for rule in RULES:
        exercise = make_exercise(rule, "x", RULES)
        assert exercise is not None, rule.id


def test_without_findings_the_rules_examples_fill_the_slot(tmp_path: Path) -> None:
    session = build([], root=tmp_path)
    assert not session.from_findings
    # No counts: most severe first, then by id; what does not fit is named in "more".
    order = [r.id for r in sorted(RULES, key=lambda r: (-r.severity.rank, r.id))]
    taught = [x.rule_id for x in session.lessons]
    assert taught + [m.rule_id for m in session.more] == order
    assert len(taught) == 3 and session.minutes <= 90
    assert all(not x.before.from_codebase and x.count == 0 for x in session.lessons)
    assert session.trainer_notes[0].startswith("No findings were present")
    assert session.agenda[-2].title == "More mistakes to know: 20 rules"


def test_every_rule_gets_a_lesson_with_lessons_all(tmp_path: Path) -> None:
    session = build([], root=tmp_path, options=BuildOptions(all_lessons=True))
    assert [x.rule_id for x in session.lessons] == [
        r.id for r in sorted(RULES, key=lambda r: (-r.severity.rank, r.id))]
    assert session.more == () and session.slot is None


def test_a_long_session_gets_a_note_to_split_it(tmp_path: Path) -> None:
    session = build([], root=tmp_path, options=BuildOptions(all_lessons=True))
    assert session.minutes > 120
    split = [n for n in session.trainer_notes if n.startswith("The whole session takes")]
    half = sum(x.minutes for x in session.lessons) / 2
    first = next(x.number for x in session.lessons
                 if sum(y.minutes for y in session.lessons[: x.number]) >= half)
    assert split == [f"The whole session takes {session.minutes} minutes: run it in two "
                     f"parts, lessons 1-{first} and {first + 1}-{len(session.lessons)}, and "
                     "keep the most urgent lessons in the first."]


def test_a_session_in_its_slot_has_no_split_note(session: Session) -> None:
    assert session.minutes == 10 + sum(x.minutes for x in session.lessons) + 10 <= 90
    assert not any(n.startswith("The whole session") for n in session.trainer_notes)
