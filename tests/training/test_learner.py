"""Learner content: every rule has it, as data next to the rule, written for learners.

The snippets are checked by the scanner itself: spot the bug fires this rule on the line
the answer names and nowhere else; every right-way sample scans clean with every rule.
"""

from __future__ import annotations

import pkgutil
import re
from importlib import resources
from pathlib import Path

import pytest

import tokenward
from tests.training.fixtures import PASSWORD_RULE, TOKEN
from tokenward.rules import RULES, RULES_BY_ID
from tokenward.rules.base import Example
from tokenward.scanner.redaction import mask_line
from tokenward.training.content import CHECKLISTS, OBJECTIVES
from tokenward.training.excerpts import sample_excerpt, scan_text
from tokenward.training.frameworks import detect
from tokenward.training.learner import (
    LEARN_FOLDER,
    LearnerContentError,
    learn_file,
    learner_content,
    parse,
)
from tokenward.training.lessons import choose_samples
from tokenward.training.quiz_bank import BANK

LEARN = resources.files("tokenward.rules").joinpath(LEARN_FOLDER)


def _module_names() -> set[str]:
    """tokenward's own module and package names with an underscore or of one distinctive
    word: names a learner should never read."""
    names = {info.name.rsplit(".", 1)[-1]
             for info in pkgutil.walk_packages(tokenward.__path__, "tokenward.")}
    return {n for n in names if "_" in n.strip("_")}


# What a lesson must not talk about: the tool's own modules, rule ids and names, and the
# detector's vocabulary. Commands the team runs (`tokenward fix`) are allowed in the
# checklists, which are not learner files.
INTERNALS = re.compile(
    r"\btokenward\b|\bTW\d{3}\b|prefilter|\bdetector\b|libcst|detect[-_]secrets|"
    r"\bfalse positives?\b|\bflag(?:s|ged)?\b|\bthis rule\b|\bthe rule\b|\bscanner\b|"
    + "|".join(rf"\b{re.escape(r.name)}\b" for r in RULES)
    + "|" + "|".join(rf"\b{re.escape(n)}\b" for n in sorted(_module_names())),
    re.IGNORECASE)


def _texts(rule_id: str) -> list[str]:
    content = learner_content(RULES_BY_ID[rule_id])
    return [content.mistake, content.attack, content.right, content.notes,
            content.spot.answer, content.spot.code,
            *(s.code for s in content.right_code),
            *(f"{i.title} {i.story}" for i in content.incidents)]


def test_every_rule_has_a_learner_file_and_every_file_a_rule() -> None:
    files = sorted(entry.name for entry in LEARN.iterdir() if entry.name.endswith(".toml"))
    assert files == sorted(learn_file(rule) for rule in RULES)
    for rule in RULES:
        content = learner_content(rule)
        assert content.rule_id == rule.id
        assert content.mistake and content.attack and content.right and content.notes


@pytest.mark.parametrize("rule_id", [r.id for r in RULES])
def test_no_learner_text_names_the_tools_internals(rule_id: str) -> None:
    found = [m.group(0) for text in _texts(rule_id) for m in INTERNALS.finditer(text)]
    assert found == [], rule_id


def test_the_internals_check_would_catch_them() -> None:
    for text in ("The prefilter skips it", "see tokenward.analysis", "TW101 flags this",
                 "the secrets_adapter module", "a hardcoded-secret finding"):
        assert INTERNALS.search(text), text


def test_quiz_bank_and_category_texts_name_no_internals() -> None:
    texts = [q.prompt for qs in BANK.values() for q in qs]
    texts += [c.text + " " + c.feedback for qs in BANK.values() for q in qs for c in q.choices]
    texts += list(OBJECTIVES.values())
    assert [t for t in texts if INTERNALS.search(t)] == []
    # Checklists may name the command that fixes the code, nothing else of the tool.
    steps = [s for steps in CHECKLISTS.values() for s in steps]
    assert [s for s in steps
            if INTERNALS.search(re.sub(r"`tokenward fix`", "", s))] == []


@pytest.mark.parametrize("rule_id", [r.id for r in RULES])
def test_spot_the_bug_fires_this_rule_on_the_answers_line_only(rule_id: str) -> None:
    spot = learner_content(RULES_BY_ID[rule_id]).spot
    found = {(f.rule_id, f.line) for f in scan_text(spot.path, spot.code, RULES)}
    assert found == {(rule_id, spot.line)}
    assert spot.answer.startswith(f"Line {spot.line}: ")


@pytest.mark.parametrize("rule_id", [r.id for r in RULES])
def test_every_right_way_sample_scans_clean(rule_id: str) -> None:
    for sample in learner_content(RULES_BY_ID[rule_id]).right_code:
        assert [(f.rule_id, f.line) for f in scan_text(sample.path, sample.code, RULES)] \
            == [], (rule_id, sample.path)




@pytest.mark.parametrize("rule_id", [r.id for r in RULES])
def test_right_way_code_is_shown_as_written(rule_id: str) -> None:
    # The redactor's token-shape guess read ``https://gi****(42 chars)`` in a lesson.
    for sample in learner_content(RULES_BY_ID[rule_id]).right_code:
        shown = sample_excerpt(Example(sample.code, path=sample.path), RULES).lines
        assert "\n".join(shown) == sample.code.rstrip("\n"), (rule_id, sample.path)


def test_the_token_shaped_runs_of_right_way_code_are_these() -> None:
    # Samples are shown without the guess: every run it would mask is listed here, so a
    # sample cannot carry a token (even one no rule confirms) without this test failing.
    guessed = sorted({(rule.id, line.strip()) for rule in RULES
                      for sample in learner_content(rule).right_code
                      for line in sample.code.splitlines() if mask_line(line) != line})
    assert guessed == [
        ("TW102", "DATABASE_URL=postgres://shop:${DB_PASSWORD}@db:5432/shop"),
        ("TW404", "apiVersion: rbac.authorization.k8s.io/v1"),
        ("TW501", 'BASE_URL = "https://billing.internal.example.com/v1"'),
        ("TW502", 'response = requests.get("https://git.internal.example.com/api/v4/projects",'),
        ("TW602", 'return httpx.get("https://geo.example.com/v1/search", params={"q": address},'),
        ("TW602", 'return requests.get("https://geo.example.com/v1/search",'),
    ]


def test_a_sample_the_scan_finds_a_secret_in_is_redacted() -> None:
    code = f'import requests\nTOKEN = "{TOKEN}"\n'
    assert {f.rule_id for f in scan_text("x.py", code, RULES)} == {"TW101"}
    shown = sample_excerpt(Example(code, path="x.py"), RULES).lines
    assert shown == ("import requests", 'TOKEN = "ghp_****(40 chars)"')

def test_incidents_cite_a_public_source() -> None:
    cited = {rule.id: [i.title for i in learner_content(rule).incidents] for rule in RULES}
    assert cited == {
        "TW101": ["Uber, 2016"], "TW102": ["Codecov, 2021"],
        "TW103": ["Toyota, 2022", "A honeypot experiment"],
        "TW104": ["Apache Superset, 2023"],
        "TW201": ["python-oauth2, CVE-2013-4347"], "TW202": [], "TW301": [], "TW302": [],
        "TW303": [], "TW304": ["Microsoft AI research, 2023"], "TW305": [],
        "TW306": ["Heroku and Travis CI, 2022"], "TW401": ["Microsoft AI research, 2023"],
        "TW402": ["tj-actions/changed-files, 2025"], "TW403": ["Capital One, 2019"],
        "TW404": ["Tesla, 2018"], "TW405": ["CircleCI, 2023"], "TW501": ["Firesheep, 2010"],
        "TW502": ['"The most dangerous code in the world", 2012'],
        "TW601": ["Twitter, 2018", "tj-actions/changed-files, 2025"],
        "TW602": ["Password-reset links in Referer headers, 2016"],
        "TW603": ["Session ids in URLs (OWASP: session fixation and exposure)"],
        "TW604": ["Insecure temporary files (CWE-377)"]}
    for rule in RULES:
        for incident in learner_content(rule).incidents:
            assert re.fullmatch(r"https?://[^\s]+", incident.source), incident.source


def test_samples_follow_the_teams_frameworks() -> None:
    content = learner_content(RULES_BY_ID["TW101"])
    assert [s.path for s in choose_samples(content, frozenset({"python", "django"}))] == [
        "settings.py"]
    assert [s.frameworks for s in choose_samples(content, frozenset({"python", "django"}))] \
        == [("django",)]
    assert [s.frameworks for s in choose_samples(
        content, frozenset({"python", "flask", "requests"}))] == [("flask",),
                                                                 ("requests", "httpx")]
    # No framework of the team's has a sample: the generic Python one.
    assert [s.frameworks for s in choose_samples(content, frozenset({"python"}))] == [
        ("python",)]
    # A rule whose samples are all for one platform shows its first.
    ci = learner_content(RULES_BY_ID["TW402"])
    assert [s.path for s in choose_samples(ci, frozenset())] == [
        ".github/workflows/release.yml"]


def test_frameworks_are_read_from_imports_and_places() -> None:
    files = [
        ("app/views.py", b"from django.http import JsonResponse\nimport requests as r\n"),
        ("app/auth.py", b"import jwt\nfrom flask_jwt_extended import create_access_token\n"),
        ("app/broken.py", b"import fastapi\ndef (:\n"),  # does not parse: says nothing
        (".github/workflows/ci.yml", b"on: [push]\njobs: {}\n"),
        ("deploy/Dockerfile", b"FROM python:3.12\n"),
        ("k8s/rbac.yaml", b"apiVersion: v1\nkind: ConfigMap\n"),
        ("conf/app.yaml", b"debug: true\n"),
    ]
    assert detect(files) == {"python", "django", "requests", "pyjwt", "flask",
                             "github-actions", "docker", "kubernetes"}


def test_a_rule_without_a_learner_file_is_taught_from_its_docs() -> None:
    content = learner_content(PASSWORD_RULE)
    assert (content.mistake, content.attack, content.right) == (
        "A password literal.", "It leaks.", "Use the environment.")
    assert content.spot.line == 1 and content.right_code[0].frameworks == ("python",)


@pytest.mark.parametrize(("text", "message"), [
    ("rule = 'TW1'\n", "x.toml: at least one [[right_code]] is needed"),
    ("mistake = 'a'\n[[right_code]]\nframeworks = ['python']\ncode = 'x = 1'\n",
     "x.toml: 'attack' must be non-empty text"),
    ("mistake = 'a'\nattack = 'b'\nright = 'c'\n[[right_code]]\nframeworks = []\n"
     "code = 'x'\n", "x.toml: 'frameworks' must be a list of names"),
    ("mistake = 'a'\nattack = 'b'\nright = 'c'\n[[right_code]]\nframeworks = ['python']\n"
     "code = 'x'\n[spot_the_bug]\nline = 3\ncode = 'a = 1'\nanswer = 'x'\n",
     "x.toml: 'line' must be a line of the snippet"),
    ("mistake = [", "x.toml: not TOML (Invalid value (at end of document))"),
])
def test_a_malformed_learner_file_is_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(LearnerContentError) as error:
        parse(text, "x.toml")
    assert str(error.value) == message


def test_learner_files_ship_with_the_package() -> None:
    pyproject = (Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    assert '"rules/learn/*.toml"' in pyproject
    # Their spot-the-bug snippets are vulnerable on purpose: tokenward's own scan skips them.
    assert '"src/tokenward/rules/learn/*.toml",' in pyproject
