"""Consistency checks for the token-lifecycle accuracy corpora and their labels.

The labels live in benchmarks/accuracy/labels/<set>.json, apart from the corpus files in
corpus/<set>/, so that nothing in a corpus file tells a rule (or a reader) what the answer
is. Two sets: ``lifecycle`` (five categories) and ``lifecycle_independent`` (weak-generation
and missing-expiry, written by an author who never read the rules).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ACCURACY = Path(__file__).resolve().parents[2] / "benchmarks" / "accuracy"
CORPUS = ACCURACY / "corpus"

MIN_PER_KIND = 35
# Words that would give the answer away if they appeared in a corpus file.
HINT = re.compile(
    r"\b(positive|negative|tokenward|true.?positive|false.?positive|should (not )?(flag|fire)"
    r"|vulnerab\w*|TW\d{3})\b",
    re.IGNORECASE,
)
# The independent set's author was also told to keep a reviewer's verdicts out of the code.
VERDICT = re.compile(r"\b(insecure|unsafe|weak|bad|bug|todo|fixme|predictable|guessable|cwe)\b",
                     re.IGNORECASE)


@dataclass(frozen=True)
class LabelSet:
    name: str  # labels/<name>.json labels corpus/<name>/
    categories: tuple[str, ...]
    min_cases: int = 0
    extra_hints: re.Pattern[str] | None = None
    every_file_labeled: bool = True  # the independent set has supporting files without cases

    @property
    def labels(self) -> Path:
        return ACCURACY / "labels" / f"{self.name}.json"

    @property
    def corpus(self) -> Path:
        return CORPUS / self.name


SETS = (
    LabelSet("lifecycle", ("weak-generation", "missing-expiry", "broad-scope",
                           "insecure-transport", "token-exposure")),
    LabelSet("lifecycle_independent", ("weak-generation", "missing-expiry"), min_cases=150,
             extra_hints=VERDICT, every_file_labeled=False),
)
CASES = [(s, c) for s in SETS for c in s.categories]


def _labels(label_set: LabelSet) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(label_set.labels.read_text(encoding="utf-8"))
    return data


def _entries(label_set: LabelSet) -> list[tuple[str, dict[str, Any]]]:
    data = _labels(label_set)
    return [("positives", e) for e in data["positives"]] + [
        ("negatives", e) for e in data["negatives"]
    ]


@pytest.mark.parametrize("label_set", SETS, ids=lambda s: s.name)
def test_top_level_schema(label_set: LabelSet) -> None:
    data = _labels(label_set)
    assert sorted(data) == ["negatives", "positives"]
    for kind, entry in _entries(label_set):
        reason_key = "kind" if kind == "positives" else "why"
        assert sorted(entry) == sorted(["path", "line", "category", reason_key]), entry
        assert isinstance(entry["line"], int) and entry["line"] >= 1, entry
        assert entry["category"] in label_set.categories, entry
        assert isinstance(entry[reason_key], str) and entry[reason_key].strip(), entry


@pytest.mark.parametrize("label_set", SETS, ids=lambda s: s.name)
def test_every_label_points_to_a_non_blank_line(label_set: LabelSet) -> None:
    for _, entry in _entries(label_set):
        rel = entry["path"]
        assert rel.startswith(f"{label_set.name}/") and "\\" not in rel
        assert ".." not in rel.split("/")
        path = CORPUS / rel
        assert path.is_file(), f"{rel} does not exist"
        lines = path.read_text(encoding="utf-8").splitlines()
        assert entry["line"] <= len(lines), f"{rel}:{entry['line']} is past the end ({len(lines)})"
        assert lines[entry["line"] - 1].strip(), f"{rel}:{entry['line']} is blank"


@pytest.mark.parametrize("label_set", SETS, ids=lambda s: s.name)
def test_no_line_is_both_positive_and_negative_for_a_category(label_set: LabelSet) -> None:
    def keys(kind: str) -> list[tuple[str, int, str]]:
        return [(e["path"], e["line"], e["category"]) for e in _labels(label_set)[kind]]

    positives, negatives = keys("positives"), keys("negatives")
    assert set(positives) & set(negatives) == set()
    duplicates = [k for k, n in Counter(positives + negatives).items() if n > 1]
    assert duplicates == []


@pytest.mark.parametrize(("label_set", "category"), CASES,
                         ids=[f"{s.name}-{c}" for s, c in CASES])
def test_category_meets_the_minimum_counts(label_set: LabelSet, category: str) -> None:
    data = _labels(label_set)
    positives = sum(1 for e in data["positives"] if e["category"] == category)
    negatives = sum(1 for e in data["negatives"] if e["category"] == category)
    assert positives >= MIN_PER_KIND, f"{category}: {positives} positives"
    assert negatives >= MIN_PER_KIND, f"{category}: {negatives} negatives"


@pytest.mark.parametrize("label_set", [s for s in SETS if s.min_cases], ids=lambda s: s.name)
def test_set_meets_its_minimum_size(label_set: LabelSet) -> None:
    assert len(_entries(label_set)) >= label_set.min_cases


@pytest.mark.parametrize("label_set", [s for s in SETS if s.every_file_labeled],
                         ids=lambda s: s.name)
def test_every_corpus_file_is_labeled(label_set: LabelSet) -> None:
    labeled = {e["path"] for _, e in _entries(label_set)}
    on_disk = {p.relative_to(CORPUS).as_posix()
               for p in label_set.corpus.rglob("*") if p.is_file()}
    assert on_disk - labeled == set()


@pytest.mark.parametrize("label_set", SETS, ids=lambda s: s.name)
def test_corpus_files_carry_no_hints(label_set: LabelSet) -> None:
    hints = [HINT] + ([label_set.extra_hints] if label_set.extra_hints else [])
    offenders = []
    for path in sorted(p for p in label_set.corpus.rglob("*") if p.is_file()):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(hint.search(line) for hint in hints):
                offenders.append(f"{path.relative_to(CORPUS).as_posix()}:{number}: {line.strip()}")
    assert offenders == []


@pytest.mark.parametrize("label_set", SETS, ids=lambda s: s.name)
def test_python_corpus_files_parse(label_set: LabelSet) -> None:
    import ast

    for path in sorted(label_set.corpus.rglob("*.py")):
        ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@pytest.mark.parametrize("label_set", SETS, ids=lambda s: s.name)
def test_json_corpus_files_parse(label_set: LabelSet) -> None:
    for path in sorted(label_set.corpus.rglob("*.json")):
        json.loads(path.read_text(encoding="utf-8"))
