"""``--shard K/N`` splits files stably; ``tokenward merge`` puts reports back together."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hooks.conftest import MARK, ProbeRun, make_finding
from tokenward.hooks.merge import merge_results
from tokenward.reporters.reader import ReportError, read_report
from tokenward.scanner.shard import Shard, ShardError, bucket
from tokenward.model import ScanError, ScanResult, Severity, Suppression
from tokenward.reporters import ReportOptions, get_reporter

PATHS = [f"src/pkg{i // 10}/mod{i}.py" for i in range(200)]


def test_shards_partition_the_files() -> None:
    shards = [Shard(k, 4).select(PATHS, str) for k in range(1, 5)]
    assert sorted(p for s in shards for p in s) == sorted(PATHS)
    assert all(30 <= len(s) <= 70 for s in shards)  # roughly even


def test_a_file_keeps_its_shard_whatever_else_exists() -> None:
    alone = {p: bucket(p, 4) for p in PATHS[:5]}
    assert alone == {p: bucket(p, 4) for p in PATHS if p in alone}
    assert bucket("src/app.py", 4) == 0  # stable across runs and machines (sha256)


@pytest.mark.parametrize(("text", "message"), [
    ("3", "--shard: expected K/N such as 2/4, got '3'"),
    ("0/4", "--shard: K must be between 1 and N, got '0/4'"),
    ("5/4", "--shard: K must be between 1 and N, got '5/4'"),
    ("a/b", "--shard: expected K/N such as 2/4, got 'a/b'"),
])
def test_bad_shard_values(text: str, message: str) -> None:
    with pytest.raises(ShardError) as caught:
        Shard.parse(text)
    assert str(caught.value) == message


RESULT_A = ScanResult(findings=(
    make_finding("a.py", 1, fingerprint="a" * 24),
    make_finding("b.py", 2, fingerprint="b" * 24, severity=Severity.LOW,
                 suppression=Suppression("baseline", "baseline: accepted: fixture")),
), errors=(ScanError("x.py", "cannot read: Permission denied"),), files_scanned=3)
RESULT_B = ScanResult(findings=(
    make_finding("b.py", 2, fingerprint="b" * 24, severity=Severity.LOW,
                 suppression=Suppression("baseline", "baseline: accepted: fixture")),
    make_finding("c.py", 5, fingerprint="c" * 24),
), files_scanned=2)


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_reports_read_back_without_loss(fmt: str, tmp_path: Path) -> None:
    report = tmp_path / f"a.{fmt}"
    report.write_text(get_reporter(fmt)(RESULT_A, ReportOptions()), encoding="utf-8")
    assert read_report(report) == RESULT_A


def test_merge_dedups_by_fingerprint_and_adds_counts() -> None:
    merged = merge_results([RESULT_A, RESULT_B])
    assert [f.fingerprint for f in merged.findings] == ["a" * 24, "b" * 24, "c" * 24]
    assert merged.files_scanned == 5
    assert merged.errors == RESULT_A.errors


def test_unreadable_reports_say_why(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text('{"hello": 1}')
    with pytest.raises(ReportError, match="neither a tokenward JSON report nor a SARIF"):
        read_report(tmp_path / "x.json")
    (tmp_path / "y.json").write_text("{")
    with pytest.raises(ReportError, match=r"y.json: not JSON \(line 1"):
        read_report(tmp_path / "y.json")


def test_sharded_scans_merge_into_the_full_scan(tmp_path: Path, probe: ProbeRun) -> None:
    for i in range(12):
        (tmp_path / f"f{i:02}.py").write_text(f'T{i} = "{MARK}"\n' if i % 3 == 0 else "x=1\n")
    full = probe(tmp_path, "TW901", "scan", ".", "-f", "json", "--no-cache")
    outputs = []
    for k in (1, 2, 3):
        out = tmp_path / f"shard{k}.sarif"
        done = probe(tmp_path, "TW901", "scan", ".", "--shard", f"{k}/3", "-f", "sarif",
                     "-o", str(out), "--no-cache")
        assert done.returncode in (0, 1), done.stderr
        outputs.append(str(out))
    merged = probe(tmp_path, "TW901", "merge", *outputs, outputs[0], "-f", "json")
    assert merged.returncode == 1
    full_doc, merged_doc = json.loads(full.stdout), json.loads(merged.stdout)
    assert merged_doc["findings"] == full_doc["findings"]
    assert [f["path"] for f in merged_doc["findings"]] == ["f00.py", "f03.py", "f06.py",
                                                         "f09.py"]


def test_merge_of_clean_reports_exits_0(tmp_path: Path, probe: ProbeRun) -> None:
    report = tmp_path / "clean.json"
    report.write_text(get_reporter("json")(ScanResult(files_scanned=2), ReportOptions()))
    done = probe(tmp_path, "TW901", "merge", str(report), "-f", "text")
    assert (done.returncode, done.stdout) == (0, "tokenward: 0 findings in 0 files (2 scanned)\n")
    missing = probe(tmp_path, "TW901", "merge", str(tmp_path / "nope.json"))
    assert (missing.returncode, missing.stderr) == (
        2, f"tokenward: error: {tmp_path / 'nope.json'}: no such file\n")
