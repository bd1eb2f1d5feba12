"""Consistency checks for the token-lifecycle accuracy corpus and its labels.

The labels live in benchmarks/accuracy/labels/lifecycle.json, apart from the corpus files,
so that nothing in a corpus file tells a rule (or a reader) what the answer is.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

ACCURACY = Path(__file__).resolve().parents[2] / "benchmarks" / "accuracy"
CORPUS = ACCURACY / "corpus"
LIFECYCLE = CORPUS / "lifecycle"
LABELS = ACCURACY / "labels" / "lifecycle.json"

CATEGORIES = (
    "weak-generation",
    "missing-expiry",
    "broad-scope",
    "insecure-transport",
    "token-exposure",
)
MIN_PER_KIND = 35
# Words that would give the answer away if they appeared in a corpus file.
HINT = re.compile(
    r"\b(positive|negative|tokenward|true.?positive|false.?positive|should (not )?(flag|fire)"
    r"|vulnerab\w*|TW\d{3})\b",
    re.IGNORECASE,
)


def _labels() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(LABELS.read_text(encoding="utf-8"))
    return data


def _entries() -> list[tuple[str, dict[str, Any]]]:
    data = _labels()
    return [("positives", e) for e in data["positives"]] + [
        ("negatives", e) for e in data["negatives"]
    ]


def test_top_level_schema() -> None:
    data = _labels()
    assert sorted(data) == ["negatives", "positives"]
    for kind, entry in _entries():
        reason_key = "kind" if kind == "positives" else "why"
        assert sorted(entry) == sorted(["path", "line", "category", reason_key]), entry
        assert isinstance(entry["line"], int) and entry["line"] >= 1, entry
        assert entry["category"] in CATEGORIES, entry
        assert isinstance(entry[reason_key], str) and entry[reason_key].strip(), entry


def test_every_label_points_to_a_non_blank_line() -> None:
    for _, entry in _entries():
        rel = entry["path"]
        assert rel.startswith("lifecycle/") and "\\" not in rel and ".." not in rel.split("/")
        path = CORPUS / rel
        assert path.is_file(), f"{rel} does not exist"
        lines = path.read_text(encoding="utf-8").splitlines()
        assert entry["line"] <= len(lines), f"{rel}:{entry['line']} is past the end ({len(lines)})"
        assert lines[entry["line"] - 1].strip(), f"{rel}:{entry['line']} is blank"


def test_no_line_is_both_positive_and_negative_for_a_category() -> None:
    def keys(kind: str) -> list[tuple[str, int, str]]:
        return [(e["path"], e["line"], e["category"]) for e in _labels()[kind]]

    positives, negatives = keys("positives"), keys("negatives")
    assert set(positives) & set(negatives) == set()
    duplicates = [k for k, n in Counter(positives + negatives).items() if n > 1]
    assert duplicates == []


@pytest.mark.parametrize("category", CATEGORIES)
def test_category_meets_the_minimum_counts(category: str) -> None:
    data = _labels()
    positives = sum(1 for e in data["positives"] if e["category"] == category)
    negatives = sum(1 for e in data["negatives"] if e["category"] == category)
    assert positives >= MIN_PER_KIND, f"{category}: {positives} positives"
    assert negatives >= MIN_PER_KIND, f"{category}: {negatives} negatives"


def test_every_corpus_file_is_labeled() -> None:
    labeled = {e["path"] for _, e in _entries()}
    on_disk = {p.relative_to(CORPUS).as_posix() for p in LIFECYCLE.rglob("*") if p.is_file()}
    assert on_disk - labeled == set()


def test_corpus_files_carry_no_hints() -> None:
    offenders = []
    for path in sorted(p for p in LIFECYCLE.rglob("*") if p.is_file()):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if HINT.search(line):
                offenders.append(f"{path.relative_to(CORPUS).as_posix()}:{number}: {line.strip()}")
    assert offenders == []


def test_python_corpus_files_parse() -> None:
    import ast

    for path in sorted(LIFECYCLE.rglob("*.py")):
        ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_json_corpus_files_parse() -> None:
    for path in sorted(LIFECYCLE.rglob("*.json")):
        json.loads(path.read_text(encoding="utf-8"))
