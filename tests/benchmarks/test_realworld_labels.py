"""Schema checks for benchmarks/realworld/: trees.toml, labels/*.json and flaws.json.

They need none of the trees (CI does not fetch them): they check the data files against
each other and against tokenward's rule registry, and the scorer's pure functions.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
import sys
import tomllib
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tokenward.rules import RULES

REALWORLD = Path(__file__).resolve().parents[2] / "benchmarks" / "realworld"
CATEGORIES = {
    "hardcoded-secret", "weak-generation", "missing-expiry",
    "broad-scope", "insecure-transport", "token-exposure",
}
VERDICTS = {"TP", "FP", "debatable"}
# Kept for independent evaluation (issue 11): never part of this set.
RESERVED = {
    "django-oauth-toolkit", "djangorestframework-simplejwt", "flask-jwt-extended", "authlib",
    "oauthlib", "social-auth-core", "hvac", "pygithub", "slack_sdk", "slack-sdk", "google-auth",
    "msal", "apache-airflow-core", "pygoat", "dvpwa", "vulnerable-flask-app",
    "damn-vulnerable-graphql-application", "vampi", "extremely-vulnerable-flask-app",
}
# A run of this shape in a reason or description would be a value copied from a tree.
SECRET_SHAPE = re.compile(
    r"(?=[A-Za-z0-9+/_=-]*\d)(?=[A-Za-z0-9+/_=-]*[A-Za-z])[A-Za-z0-9+/_=-]{16,}"
)


def _trees() -> list[dict[str, Any]]:
    trees: list[dict[str, Any]] = tomllib.loads(
        (REALWORLD / "trees.toml").read_text(encoding="utf-8"))["tree"]
    return trees


def _label_files() -> list[tuple[Path, dict[str, Any]]]:
    return [(path, json.loads(path.read_text(encoding="utf-8")))
            for path in sorted((REALWORLD / "labels").glob("*.json"))]


def _flaws() -> list[dict[str, Any]]:
    flaws: list[dict[str, Any]] = json.loads(
        (REALWORLD / "flaws.json").read_text(encoding="utf-8"))["flaws"]
    return flaws


@functools.cache
def _run_module() -> ModuleType:
    """run.py as a module (it imports its sibling common.py by plain name; dataclasses need
    the module registered while it runs)."""
    sys.path.insert(0, str(REALWORLD))
    try:
        spec = importlib.util.spec_from_file_location("realworld_run", REALWORLD / "run.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(REALWORLD))


def _check_path(path: Any, where: object) -> None:
    assert isinstance(path, str) and path, where
    assert not path.startswith("/") and "\\" not in path, where
    assert ".." not in path.split("/"), where


def test_trees_are_pinned_mixed_and_not_reserved() -> None:
    trees = _trees()
    assert len(trees) >= 25
    names = [t["name"] for t in trees]
    assert len(names) == len(set(names)), "duplicate tree names"
    for tree in trees:
        assert tree["kind"] in {"library", "app", "vulnerable"}, tree
        assert tree["note"].strip(), tree
        if tree["source"] == "pypi":
            assert set(tree) == {"name", "kind", "source", "note", "package", "version"}, tree
            assert re.fullmatch(r"\d+(\.\d+)*", tree["version"]), tree
            upstream = tree["package"].lower()
        else:
            assert tree["source"] == "github", tree
            assert set(tree) == {"name", "kind", "source", "note", "repo", "commit"}, tree
            assert re.fullmatch(r"[0-9a-f]{40}", tree["commit"]), tree
            upstream = tree["repo"].lower().split("/")[1]
        assert upstream not in RESERVED and tree["name"].lower() not in RESERVED, tree
    kinds = Counter(t["kind"] for t in trees)
    assert kinds["library"] >= 5 and kinds["app"] >= 2 and kinds["vulnerable"] >= 5, kinds


def test_label_files_schema() -> None:
    trees = {t["name"] for t in _trees()}
    categories = {rule.id: rule.category.value for rule in RULES}
    total = 0
    for path, data in _label_files():
        assert set(data) <= {"tree", "sampling", "labels", "unsampled"}, path
        assert data["tree"] in trees and path.stem == data["tree"], path
        sampling = data["sampling"]
        assert sampling["method"] in {"all", "sample"} and sampling["note"].strip(), path
        if sampling["method"] == "sample":
            assert isinstance(sampling["seed"], int) and sampling["size"] >= 30, path
        keys = set()
        for label in data["labels"]:
            assert set(label) == {"path", "line", "rule", "category", "verdict", "reason"}, label
            _check_path(label["path"], label)
            assert isinstance(label["line"], int) and label["line"] >= 1, label
            assert label["rule"] in categories, f"unknown rule: {label}"
            assert label["category"] in CATEGORIES, label
            assert label["category"] == categories[label["rule"]], label
            assert label["verdict"] in VERDICTS, label
            assert label["reason"].strip() and "\n" not in label["reason"], label
            key = (label["path"], label["line"], label["rule"])
            assert key not in keys, f"duplicate label key in {path.name}: {key}"
            keys.add(key)
        unsampled = {(p, n, r) for p, n, r in data.get("unsampled", [])}
        assert not unsampled & keys, f"{path.name}: a finding both labelled and unsampled"
        total += len(keys)
    assert total >= 400


def test_flaws_schema() -> None:
    kinds = {t["name"]: t["kind"] for t in _trees()}
    flaws = _flaws()
    assert len(flaws) >= 40
    keys = set()
    for flaw in flaws:
        assert set(flaw) == {"tree", "path", "line", "category", "description", "documented"}, flaw
        assert kinds.get(flaw["tree"]) in {"vulnerable", "app"}, flaw
        _check_path(flaw["path"], flaw)
        assert isinstance(flaw["line"], int) and flaw["line"] >= 1, flaw
        assert flaw["category"] in CATEGORIES, flaw
        assert flaw["description"].strip() and flaw["documented"].strip(), flaw
        key = (flaw["tree"], flaw["path"], flaw["line"], flaw["category"])
        assert key not in keys, f"duplicate flaw: {key}"
        keys.add(key)


def test_no_value_is_copied_into_reasons_or_descriptions() -> None:
    texts = [label["reason"] for _, data in _label_files() for label in data["labels"]]
    texts += [f"{flaw['description']} {flaw['documented']}" for flaw in _flaws()]
    for text in texts:
        assert not SECRET_SHAPE.search(text), text


@pytest.mark.parametrize(
    ("path", "context"),
    [
        ("app/settings.py", "production"),
        ("tests/test_auth.py", "test"),
        ("pkg/tests/unit/conftest.py", "test"),
        ("tests/fixtures/docker-compose.yml", "fixture"),
        ("tests/data/html/page.html", "fixture"),
        ("tests/cassettes/login.yaml", "fixture"),
        ("docs/usage.rst", "docs"),
        ("CHANGELOG.md", "docs"),
        ("examples/app/users.py", "example"),
        (".env.example", "example"),
        ("frontend/lang/messages/de-DE.json", "i18n"),
        ("allauth/locale/fr/LC_MESSAGES/django.po", "i18n"),
        ("static/js/app.min.js", "minified"),
        ("src/vendor/lib.js", "vendored"),
        ("proto/service_pb2.py", "generated"),
    ],
)
def test_context_from_path(path: str, context: str) -> None:
    assert _run_module().context_of(path) == context


def test_scoring_matches_labels_by_span_and_flaws_by_category() -> None:
    run = _run_module()
    finding = run.Finding("t", "a.py", 10, 12, "TW101", "hardcoded-secret", "m", "production")
    inside = run.Label("t", "a.py", 11, "TW101", "TP", "r")
    other_rule = run.Label("t", "a.py", 10, "TW102", "FP", "r")
    index = run.LabelIndex([run.LabelFile("t", "all", (other_rule, inside))])
    assert index.match(finding) == inside
    assert run.flaw_found(run.Flaw("t", "a.py", 12, "hardcoded-secret", "d"), [finding])
    assert not run.flaw_found(run.Flaw("t", "a.py", 13, "hardcoded-secret", "d"), [finding])
    assert not run.flaw_found(run.Flaw("t", "a.py", 11, "token-exposure", "d"), [finding])
    tally = run.Tally().add("TP").add("FP").add("debatable").add(None)
    assert (tally.findings, tally.labelled, tally.precision) == (4, 3, 0.5)
