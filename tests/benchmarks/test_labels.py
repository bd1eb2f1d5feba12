"""Checks on the accuracy corpus and its labels (stdlib + pytest only).

Every label must point at an existing, non-blank line; no line may be both positive and
negative; the corpus must not give its labels away in comments.
"""

from __future__ import annotations

import json
import re
import zlib
from collections import Counter
from pathlib import Path

import pytest

ACCURACY = Path(__file__).resolve().parents[2] / "benchmarks" / "accuracy"
CORPUS = ACCURACY / "corpus"
LABEL_FILES = sorted((ACCURACY / "labels").glob("*.json"))
CATEGORIES = {
    "hardcoded-secret", "weak-generation", "missing-expiry", "broad-scope",
    "insecure-transport", "token-exposure",
}
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
GITHUB_TOKEN = re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36}\b")
# Words that would tell a reader (or a scanner) which lines are labeled.
HINT = re.compile(r"\b(true|false)[ -]positive|\bpositive\b|\bnegative\b|\blabel(?:ed|s)?\b",
                  re.IGNORECASE)
COMMENT = re.compile(r"(?:^|\s)(?:#|//)(?P<text>.*)$")


def _entries() -> list[tuple[str, str, dict[str, object]]]:
    out = []
    for labels_file in LABEL_FILES:
        data = json.loads(labels_file.read_text(encoding="utf-8"))
        for kind in ("positives", "negatives"):
            out += [(labels_file.name, kind, entry) for entry in data[kind]]
    return out


def _line(path: str, number: int) -> str | None:
    lines = (CORPUS / path).read_text(encoding="utf-8").splitlines()
    return lines[number - 1] if 1 <= number <= len(lines) else None


def _corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file())


def test_label_files_exist() -> None:
    assert [p.name for p in LABEL_FILES if p.name == "secrets.json"] == ["secrets.json"]


@pytest.mark.parametrize("labels_file", LABEL_FILES, ids=lambda p: p.name)
def test_label_file_schema(labels_file: Path) -> None:
    data = json.loads(labels_file.read_text(encoding="utf-8"))
    assert isinstance(data.get("positives"), list)
    assert isinstance(data.get("negatives"), list)
    for kind, note in (("positives", "kind"), ("negatives", "why")):
        for entry in data[kind]:
            assert isinstance(entry["path"], str) and not entry["path"].startswith("/"), entry
            assert isinstance(entry["line"], int) and entry["line"] >= 1, entry
            assert entry["category"] in CATEGORIES, entry
            assert isinstance(entry[note], str) and entry[note].strip(), entry


def test_every_label_points_at_a_non_blank_line() -> None:
    bad = []
    for source, kind, entry in _entries():
        path, number = str(entry["path"]), int(str(entry["line"]))
        if not (CORPUS / path).is_file():
            bad.append(f"{source} {kind}: {path} does not exist")
            continue
        line = _line(path, number)
        if line is None or not line.strip():
            bad.append(f"{source} {kind}: {path}:{number} is blank or past the end")
    assert bad == []


def test_no_line_is_both_positive_and_negative() -> None:
    keys = {kind: Counter((e["path"], e["line"], e["category"]) for _, k, e in _entries()
                          if k == kind) for kind in ("positives", "negatives")}
    both = sorted(set(keys["positives"]) & set(keys["negatives"]))
    assert both == []


def test_no_duplicate_labels() -> None:
    counts = Counter((k, e["path"], e["line"], e["category"]) for _, k, e in _entries())
    assert [key for key, n in counts.items() if n > 1] == []


def test_hardcoded_secret_corpus_size_and_ratio() -> None:
    entries = [(k, e) for _, k, e in _entries() if e["category"] == "hardcoded-secret"]
    positives = sum(1 for k, _ in entries if k == "positives")
    negatives = sum(1 for k, _ in entries if k == "negatives")
    assert positives >= 90
    assert negatives >= 3 * positives


def test_github_tokens_in_positives_carry_a_valid_checksum() -> None:
    """The scanner validates GitHub's CRC32 offline, so the corpus tokens must be valid."""
    checked, invalid = 0, []
    for _, kind, entry in _entries():
        if kind != "positives":
            continue
        for token in GITHUB_TOKEN.findall(_line(str(entry["path"]), int(str(entry["line"]))) or ""):
            checked += 1
            body, checksum = token[4:-6], token[-6:]
            number = zlib.crc32(body.encode())
            encoded = ""
            while number:
                number, digit = divmod(number, 62)
                encoded = BASE62[digit] + encoded
            if encoded.rjust(6, "0") != checksum:
                invalid.append(f"{entry['path']}:{entry['line']}")
    assert checked >= 8
    assert invalid == []


def test_corpus_comments_do_not_hint_at_labels() -> None:
    hints = []
    for path in _corpus_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            comment = COMMENT.search(line)
            if comment and HINT.search(comment.group("text")):
                hints.append(f"{path.relative_to(CORPUS)}:{number}")
    assert hints == []


def test_corpus_holds_no_generator_leftovers() -> None:
    leftovers = [str(p.relative_to(CORPUS)) for p in _corpus_files()
                 if re.search(r"⟦|@@[A-Z0-9_]+@@", p.read_text(encoding="utf-8"))]
    assert leftovers == []
