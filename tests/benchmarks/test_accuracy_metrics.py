"""The accuracy script's matching and scoring, on synthetic reports and a tiny corpus.

tokenward's scanner is not needed: its JSON report is written by hand here, in the schema
the CLI promises. Tools run as real subprocesses (no mocks); detect-secrets runs for real
when it is installed.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

RUN_PY = Path(__file__).resolve().parents[2] / "benchmarks" / "accuracy" / "run.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("accuracy_run", RUN_PY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["accuracy_run"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


run = _load()


def _finding(path: str, line: int, end_line: int | None = None,
             category: str = "hardcoded-secret", **extra: object) -> dict[str, object]:
    return {"rule_id": "TW101", "rule": "hardcoded-secret", "category": category,
            "severity": "critical", "path": path, "line": line,
            "end_line": line if end_line is None else end_line, "column": 1,
            "end_column": 10, "message": "m", "snippet": "s", "fingerprint": "f",
            "fixable": False, **extra}


@pytest.fixture
def labels_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "labels"
    directory.mkdir()
    (directory / "secrets.json").write_text(json.dumps({
        "positives": [
            {"path": "secrets/a.py", "line": 3, "category": "hardcoded-secret", "kind": "k1"},
            {"path": "secrets/a.py", "line": 7, "category": "hardcoded-secret", "kind": "k2"},
            {"path": "secrets/b.env", "line": 1, "category": "hardcoded-secret", "kind": "k3"},
            {"path": "secrets/b.env", "line": 2, "category": "hardcoded-secret", "kind": "k4"},
        ],
        "negatives": [
            {"path": "secrets/a.py", "line": 5, "category": "hardcoded-secret", "why": "w1"},
        ],
    }))
    (directory / "lifecycle.json").write_text(json.dumps({
        "positives": [
            {"path": "lifecycle/t.py", "line": 4, "category": "weak-generation", "kind": "k5"},
        ],
        "negatives": [
            {"path": "lifecycle/t.py", "line": 9, "category": "weak-generation", "why": "w2"},
        ],
    }))
    return directory


@pytest.fixture
def labels(labels_dir: Path) -> object:
    return run.load_labels(labels_dir)


def test_load_labels_merges_every_file(labels: object) -> None:
    assert [(p.path, p.line, p.source) for p in labels.positives] == [
        ("lifecycle/t.py", 4, "lifecycle.json"),
        ("secrets/a.py", 3, "secrets.json"), ("secrets/a.py", 7, "secrets.json"),
        ("secrets/b.env", 1, "secrets.json"), ("secrets/b.env", 2, "secrets.json"),
    ]
    assert labels.categories() == ["hardcoded-secret", "weak-generation"]


def test_independent_sets_are_scored_only_on_their_own(labels_dir: Path) -> None:
    (labels_dir / "lifecycle_independent.json").write_text(json.dumps({
        "positives": [{"path": "lifecycle_independent/x.py", "line": 2,
                       "category": "weak-generation", "kind": "k6"}],
        "negatives": [],
    }))
    default = run.load_labels(labels_dir)
    assert {p.source for p in default.positives} == {"lifecycle.json", "secrets.json"}
    alone = run.load_labels(labels_dir, "lifecycle_independent")
    assert [(p.path, p.source) for p in alone.positives] == [
        ("lifecycle_independent/x.py", "lifecycle_independent.json")]

    findings = tuple(run.ToolFinding(path, 2, 2, "weak-generation", "TW201") for path in (
        "lifecycle/t.py", "lifecycle_independent/x.py", "secrets/a.py"))
    tool_run = run.ToolRun("tokenward", "ok", frozenset(run.CATEGORY_ORDER), findings)
    assert [f.path for f in run.for_this_run(tool_run, None).findings] == [
        "lifecycle/t.py", "secrets/a.py"]
    assert [f.path for f in run.for_this_run(tool_run, "lifecycle_independent").findings] == [
        "lifecycle_independent/x.py"]


def test_main_rejects_an_unknown_set(labels_dir: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert run.main(["--corpus", str(tmp_path), "--labels", str(labels_dir),
                     "--set", "nosuchset", "--tools", "detect-secrets"]) == 2
    assert capsys.readouterr().err == f"error: no labels file nosuchset.json in {labels_dir}\n"


def test_scoring_a_synthetic_tokenward_report(labels: object, tmp_path: Path) -> None:
    report = json.dumps({"version": "0.1.0", "findings": [
        _finding("secrets/a.py", 3),                      # TP
        _finding("secrets/a.py", 3),                      # duplicate of the same positive: not FP
        _finding("secrets/a.py", 5),                      # FP on a labeled negative
        _finding("secrets/a.py", 6, 8),                   # multi-line span covering line 7: TP
        _finding("secrets/b.env", 1, category="token-exposure"),  # other category
        _finding("secrets/b.env", 2, suppressed=True),   # suppressed: neither TP nor FP
        _finding("secrets/c.yaml", 10),                   # FP on an unlabeled line
        _finding("lifecycle/t.py", 4, category="weak-generation"),  # TP, other category
        _finding("lifecycle/t.py", 12),                   # out of scope for hardcoded-secret
    ], "errors": [], "summary": {}})
    findings = run.parse_tokenward(report, tmp_path)

    secrets = run.score(findings, labels, "hardcoded-secret")
    assert (secrets.true_positives, secrets.false_positives, secrets.false_negatives) == (2, 2, 2)
    assert secrets.out_of_scope == 1
    assert [(m.path, m.line) for m in secrets.missed] == [
        ("secrets/b.env", 1), ("secrets/b.env", 2)]
    assert [(f.path, f.line) for f in secrets.spurious] == [
        ("secrets/a.py", 5), ("secrets/c.yaml", 10)]
    assert secrets.precision == 0.5
    assert secrets.recall == 0.5
    assert secrets.f1 == 0.5

    weak = run.score(findings, labels, "weak-generation")
    assert (weak.true_positives, weak.false_positives, weak.false_negatives) == (1, 0, 0)
    assert (weak.precision, weak.recall, weak.f1) == (1.0, 1.0, 1.0)


def test_suppression_object_also_counts_as_suppressed(tmp_path: Path) -> None:
    report = json.dumps({"findings": [
        _finding("secrets/a.py", 3, suppression={"kind": "inline", "reason": "fixture"}),
    ], "errors": [], "summary": {}})
    (finding,) = run.parse_tokenward(report, tmp_path)
    assert finding.suppressed is True


def test_nothing_found_means_zero_precision_and_recall(labels: object) -> None:
    empty = run.score((), labels, "hardcoded-secret")
    assert (empty.precision, empty.recall, empty.f1) == (0.0, 0.0, 0.0)
    assert empty.false_negatives == 4


def test_details_name_the_labeled_negative(labels: object, tmp_path: Path) -> None:
    findings = run.parse_tokenward(json.dumps({"findings": [
        _finding("secrets/a.py", 4, 5), _finding("secrets/zz.py", 1),
    ], "errors": [], "summary": {}}), tmp_path)
    tool_run = run.ToolRun("tokenward", "ok", frozenset(run.CATEGORY_ORDER), findings)
    text = run.render_details(tool_run, labels)
    assert "   secrets/a.py:4  [TW101]  labeled negative: w1" in text.splitlines()
    assert "   secrets/zz.py:1  [TW101]  unlabeled line" in text.splitlines()
    assert "   secrets/a.py:3  k1" in text.splitlines()


def test_parse_detect_secrets_bandit_and_ruff(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    detect = json.dumps({"version": "1.5.0", "results": {"secrets/a.py": [
        {"type": "AWS Access Key", "filename": "secrets/a.py", "hashed_secret": "x",
         "is_verified": False, "line_number": 3}]}})
    bandit = json.dumps({"results": [
        {"filename": "./secrets/a.py", "line_number": 6, "line_range": [6, 8], "test_id": "B106"},
        {"filename": "./lifecycle/t.py", "line_number": 4, "line_range": [4], "test_id": "B311"},
        {"filename": "./secrets/a.py", "line_number": 1, "line_range": [1], "test_id": "B101"},
    ]})
    ruff = json.dumps([
        {"code": "S105", "filename": str(corpus / "secrets" / "a.py"),
         "location": {"row": 7, "column": 1}, "end_location": {"row": 7, "column": 9}},
        {"code": "S311", "filename": str(corpus / "lifecycle" / "t.py"),
         "location": {"row": 4, "column": 1}, "end_location": {"row": 4, "column": 9}},
    ])
    assert [(f.path, f.line, f.end_line, f.category, f.rule)
            for f in run.parse_detect_secrets(detect, corpus)] == [
        ("secrets/a.py", 3, 3, "hardcoded-secret", "AWS Access Key")]
    assert [(f.path, f.line, f.end_line, f.category, f.rule)
            for f in run.parse_bandit(bandit, corpus)] == [
        ("secrets/a.py", 6, 8, "hardcoded-secret", "B106"),
        ("lifecycle/t.py", 4, 4, "weak-generation", "B311")]
    assert [(f.path, f.line, f.end_line, f.category, f.rule)
            for f in run.parse_ruff(ruff, corpus)] == [
        ("secrets/a.py", 7, 7, "hardcoded-secret", "S105"),
        ("lifecycle/t.py", 4, 4, "weak-generation", "S311")]


def _spec(name: str, argv: list[str] | None) -> object:
    return run.ToolSpec(name, frozenset({"hardcoded-secret"}), lambda: argv, run.parse_tokenward)


def test_missing_tool_is_reported_not_raised(tmp_path: Path) -> None:
    result = run.run_tool(_spec("absent", None), tmp_path)
    assert (result.status, result.findings) == ("not installed", ())


def test_tool_that_fails_is_an_error_entry(tmp_path: Path) -> None:
    argv = [sys.executable, "-c", "import sys; sys.stderr.write('boom\\n'); sys.exit(2)"]
    result = run.run_tool(_spec("broken", argv), tmp_path)
    assert (result.status, result.message) == ("error", "exit code 2: boom")


def test_tool_with_unreadable_report_is_an_error_entry(tmp_path: Path) -> None:
    result = run.run_tool(_spec("garbled", [sys.executable, "-c", "print('not json')"]), tmp_path)
    assert result.status == "error"
    assert result.message.startswith("unreadable report:")


def test_tool_report_is_read_from_a_real_subprocess(tmp_path: Path) -> None:
    report = json.dumps({"findings": [_finding("secrets/a.py", 3)], "errors": [], "summary": {}})
    argv = [sys.executable, "-c", f"print({report!r}); raise SystemExit(1)"]
    result = run.run_tool(_spec("fake-tokenward", argv), tmp_path)
    assert result.status == "ok"
    assert [(f.path, f.line) for f in result.findings] == [("secrets/a.py", 3)]


def test_main_rejects_unknown_tools(capsys: pytest.CaptureFixture[str]) -> None:
    assert run.main(["--tools", "nosuchtool"]) == 2
    assert capsys.readouterr().err == "error: unknown tool(s): nosuchtool\n"


def test_main_rejects_missing_labels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run.main(["--corpus", str(tmp_path), "--labels", str(tmp_path / "none"),
                     "--tools", "detect-secrets"]) == 2
    assert capsys.readouterr().err.startswith("error: no labels/*.json file in ")


@pytest.mark.skipif(shutil.which("detect-secrets") is None, reason="detect-secrets not installed")
def test_real_detect_secrets_run_matches_labels(tmp_path: Path, labels_dir: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "secrets").mkdir(parents=True)
    # Line 3 holds an AWS-format key id built at runtime in this test, never a real one.
    key = "AKIA" + "Q7WZ" + "M3KD" + "R2PL" + "X6TN"
    (corpus / "secrets" / "a.py").write_text(f'import os\n\nKEY_ID = "{key}"\n')
    assert run.main(["--corpus", str(corpus), "--labels", str(labels_dir),
                     "--tools", "detect-secrets", "--json", str(tmp_path / "m.json")]) == 0
    figures = json.loads((tmp_path / "m.json").read_text())
    assert figures["detect-secrets"]["categories"]["hardcoded-secret"] == {
        "tp": 1, "fp": 0, "fn": 3, "precision": 1.0, "recall": 0.25, "f1": 0.4,
        "out_of_scope": 0}
    out = capsys.readouterr().out
    assert "  detect-secrets      1    0    3      1.000   0.250  0.400" in out.splitlines()
