"""Every number a session states is checked against the findings it was built from.

The rendered files are read back (Markdown and the page's text), every "N findings",
"N files", "N rules" and "N lessons" is found and compared with counts taken here from the
findings themselves, and so are the tables (places, categories, "more", the agenda). The
tree has three findings on one line: a lesson once said "3 findings" beside a count of 1.
"""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict

import pytest

from tests.training.fixtures import outcome_in, write_app
from tokenward.model import Finding
from tokenward.rules import RULES
from tokenward.training import BuildOptions, Session, build, session_files
from tokenward.training.exercises import make_exercise

PUSH = ('import requests\n\n\ndef push(url):\n    return requests.post(url, auth=("deploy", '
        '"Zr8vK2mQw9Ls"), headers={"Authorization": "Bearer a8F3kQz9Lm2Xv7Rt"}, '
        'cookies={"session_token": "Qm9vL2d8Zx7Rt4Kp"})\n')
STATEMENT = re.compile(r"\b(\d+) (finding|file|rule|lesson)s?\b")
RULE_ID = re.compile(r"\bTW\d{3}\b")


@pytest.fixture(scope="module", params=[45, 90])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> tuple[Session, dict[str, str], tuple[Finding, ...]]:
    root = tmp_path_factory.mktemp("numbers")
    write_app(root)
    (root / "app" / "push.py").write_text(PUSH, encoding="utf-8")
    outcome = outcome_in(root, "app")
    findings = outcome.result.active
    session = build(list(findings), root=root, outcome=outcome,
                    options=BuildOptions(minutes=request.param))
    files = {path: data.decode("utf-8") for path, data in session_files(session).items()}
    return session, files, findings


def _by_rule(findings: tuple[Finding, ...]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        grouped[finding.rule_id].append(finding)
    return grouped


def _truth(findings: tuple[Finding, ...], session: Session, rule_id: str | None
           ) -> dict[str, set[int]]:
    """What a number may be, by what it counts, for one rule or for the whole session."""
    if rule_id is None:
        return {"finding": {len(findings)}, "file": {len({f.path for f in findings})},
                "lesson": {len(session.lessons)}, "rule": {len(session.more)}}
    mine = _by_rule(findings)[rule_id]
    return {"finding": {len(mine)}, "file": {len({f.path for f in mine})}}


def _check_statements(text: str, findings: tuple[Finding, ...], session: Session,
                      rule_id: str | None, where: str) -> int:
    """Check every statement of ``text`` about ``rule_id`` (None: the whole session); a
    statement right after a rule id (``Lesson 1 (TW101, 5 findings)``) is about that
    rule."""
    checked = 0
    for line in text.splitlines():
        for match in STATEMENT.finditer(line):
            number, what = int(match.group(1)), match.group(2)
            named = RULE_ID.findall(line[max(0, match.start() - 12): match.start()])
            truth = _truth(findings, session, named[-1] if named else rule_id)
            assert what in truth and number in truth[what], (where, line)
            checked += 1
    return checked


def test_the_tree_has_three_findings_on_one_line(built: tuple[Session, dict[str, str],
                                                              tuple[Finding, ...]]) -> None:
    _, _, findings = built
    on_push = [f.line for f in findings if f.path == "app/push.py"]
    assert on_push == [5, 5, 5]


def test_lesson_statements_and_places_match_the_findings(
        built: tuple[Session, dict[str, str], tuple[Finding, ...]]) -> None:
    session, files, findings = built
    by_rule = _by_rule(findings)
    checked = 0
    for lesson in session.lessons:
        text = files[f"lessons/{lesson.slug}.md"]
        mine = by_rule[lesson.rule_id]
        where = text[text.index("## Where it happened"): text.index("## The mistake")]
        checked += _check_statements(where, findings, session, lesson.rule_id, lesson.slug)
        rows = re.findall(r"^\| `([^`]+)` \| ([\d, ]+) \| (\d+) \|$", where, re.M)
        per_path = Counter(f.path for f in mine)
        assert {path: int(count) for path, _, count in rows} == dict(per_path)
        for path, lines, _ in rows:
            assert lines == ", ".join(str(n) for n in sorted({f.line for f in mine
                                                              if f.path == path}))
        assert sum(int(count) for _, _, count in rows) == len(mine)
        # The time, and what it is made of.
        head = re.search(r"\*\*Time:\*\* (\d+) minutes \(explaining (\d+), code (\d+), spot "
                         r"the bug (\d+), quiz (\d+), exercise (\d+)\)", text)
        assert head is not None
        assert int(head.group(1)) == sum(int(n) for n in head.groups()[1:]) == lesson.minutes
    assert checked >= 2 * len(session.lessons)


def test_the_push_lesson_says_three_findings_and_counts_three(
        built: tuple[Session, dict[str, str], tuple[Finding, ...]]) -> None:
    session, files, _ = built
    lesson = next(x for x in session.lessons if x.rule_id == "TW101")
    text = files[f"lessons/{lesson.slug}.md"]
    assert "| `app/push.py` | 5 | 3 |\n" in text
    assert "\n5 findings in 3 files; a real secret value is in the code:\n" in text


def test_index_statements_and_tables_match_the_findings(
        built: tuple[Session, dict[str, str], tuple[Finding, ...]]) -> None:
    session, files, findings = built
    index = files["index.md"]
    by_rule = _by_rule(findings)
    checked = 0
    for line in index.splitlines():
        ids = RULE_ID.findall(line)
        # A line about one rule (a row, an entry of "more") states that rule's numbers.
        checked += _check_statements(line, findings, session,
                                     ids[0] if len(ids) == 1 else None, line)
    assert checked >= 4
    # Categories by severity.
    tally = Counter((f.category.value, f.severity.value) for f in findings)
    for category, *cells in re.findall(r"^\| `([a-z-]+)` \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| "
                                       r"(\d+) \|$", index, re.M):
        counts = [int(c) for c in cells]
        assert counts[:4] == [tally[(category, s)] for s in ("critical", "high", "medium",
                                                             "low")]
        assert counts[4] == sum(counts[:4])
    # "More from your code": findings and files per rule.
    for title, rule_id, count, nfiles in re.findall(
            r"^\| (.+) \(`(TW\d{3})`\) \| \w+ \| (\d+) \| (\d+) \|", index, re.M):
        assert (int(count), int(nfiles)) == (len(by_rule[rule_id]),
                                             len({f.path for f in by_rule[rule_id]})), title
    # The agenda: each item starts where the last ended, the total is their sum.
    rows = re.findall(r"^\| (\d+) \| .+ \| (\d+) \| (\d+) \|$", index, re.M)
    start = 0
    for _, starts, minutes in rows:
        assert int(starts) == start
        start += int(minutes)
    assert f"| | **Total** | | **{start}** |" in index
    assert start == session.minutes <= session.slot  # type: ignore[operator]


def _screens(page: str) -> list[tuple[str, str, str]]:
    """(section id, screen id, visible text) of every screen of the page."""
    found = []
    for section in re.finditer(r'<section id="([^"]+)"[^>]*>(.*?)</section>', page, re.S):
        for screen in re.finditer(r'<div class="screen[^"]*"( id="([^"]+)")?[^>]*>(.*?)'
                                  r'(?=<div class="screen|\Z)', section.group(2), re.S):
            text = html.unescape(re.sub(r"<[^>]+>", " ", screen.group(3)))
            found.append((section.group(1), screen.group(2) or "",
                          re.sub(r"[ \t]+", " ", text)))
    return found


def test_page_statements_match_the_findings(
        built: tuple[Session, dict[str, str], tuple[Finding, ...]]) -> None:
    session, files, findings = built
    rule_of = {x.slug: x.rule_id for x in session.lessons}
    checked = 0
    for section, screen, text in _screens(files["site/index.html"]):
        rule_id = rule_of.get(section) or (screen[len("more-"):] if screen else None)
        checked += _check_statements(text, findings, session, rule_id, f"{section}/{screen}")
    assert checked >= 2 * len(session.lessons) + 2
    header = re.search(r'<header class="top">.*?</header>', files["site/index.html"], re.S)
    assert header is not None
    checked = _check_statements(html.unescape(re.sub(r"<[^>]+>", " ", header.group(0))),
                                findings, session, None, "header")
    assert checked == 3  # findings, files, lessons


def test_the_chart_counts_every_finding(
        built: tuple[Session, dict[str, str], tuple[Finding, ...]]) -> None:
    _, files, findings = built
    titles = re.findall(r"<title>([a-z-]+), (\w+): (\d+)</title>", files["chart.svg"])
    tally = Counter((f.category.value, f.severity.value) for f in findings)
    assert {(c, s): int(n) for c, s, n in titles} == dict(tally)
    assert f"({len(findings)} in all)" in files["chart.svg"]


def test_no_reference_fix_imports_a_module_twice() -> None:
    for rule in RULES:
        exercise = make_exercise(rule, "x", RULES)
        assert exercise is not None
        imports = [line for line in exercise.solution.splitlines()
                   if line.startswith(("import ", "from "))]
        assert len(imports) == len(set(imports)), (rule.id, imports)
    tw101 = make_exercise(next(r for r in RULES if r.id == "TW101"), "x", RULES)
    assert tw101 is not None
    assert tw101.solution.splitlines()[:3] == ["import os", "", 'GITHUB_TOKEN = '
                                               'os.environ["GITHUB_TOKEN"]']
