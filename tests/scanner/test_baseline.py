"""The baseline file: exact layout, update keeps unrelated lines, and real git merges."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from tests.hooks.conftest import commit_all, git, init_repo, make_finding
from tokenward.scanner import baseline as bl
from tokenward.model import ScanResult, Suppression


def entry(fp: str, path: str = "app.py", **kw: object) -> bl.Entry:
    return bl.Entry(fp, "TW101", path, **kw)  # type: ignore[arg-type]


def test_exact_layout_sorted_one_entry_per_line() -> None:
    baseline = bl.Baseline.from_entries([entry("bb" * 12, target="TOKEN", value_check="3f"),
                                         entry("aa" * 12)])
    assert baseline.render() == (
        '{"tokenward_baseline": 2, "entries": [\n'
        '{"fingerprint": "' + "aa" * 12 + '", "rule_id": "TW101", "path": "app.py", '
        '"audit": "unaudited", "reason": ""},\n'
        '{"fingerprint": "' + "bb" * 12 + '", "rule_id": "TW101", "path": "app.py", '
        '"target": "TOKEN", "value_check": "3f", "audit": "unaudited", "reason": ""},\n'
        '{"end": true}\n'
        "]}\n"
    )


def test_empty_baseline_is_valid_json() -> None:
    assert bl.parse(bl.Baseline.empty().render()).entries == {}


def test_round_trip_keeps_audit_and_reason() -> None:
    original = bl.Baseline.from_entries([
        entry("aa" * 12, audit=bl.Audit.ACCEPTED, reason="test fixture, revoked"),
        entry("bb" * 12, audit=bl.Audit.PROBLEM)])
    assert bl.parse(original.render()) == original


def test_no_secret_no_line_number_in_the_file() -> None:
    finding = replace(make_finding(line=42), secret_hash="5" * 32, value_check="3f")
    text = bl.create([finding]).render()
    assert "SECR" not in text and "42" not in text and "5" * 32 not in text
    assert '"value_check": "3f"' in text


def test_a_secret_entry_covers_only_the_same_value_check() -> None:
    same = replace(make_finding(fingerprint="a" * 24), value_check="3f")
    changed = replace(make_finding(fingerprint="b" * 24, line=9), value_check="40")
    baseline = bl.Baseline.from_entries([entry("a" * 24, value_check="3f"),
                                         entry("b" * 24, value_check="3f")])
    result = bl.apply(ScanResult(findings=(same, changed)), baseline)
    assert [f.fingerprint for f in result.active] == ["b" * 24]
    assert [e.fingerprint for e in bl.stale_entries(baseline, [same, changed],
                                                    ["app/settings.py"])] == ["b" * 24]


def test_an_entry_without_value_check_matches_on_the_fingerprint_alone() -> None:
    finding = replace(make_finding(fingerprint="a" * 24), value_check="3f")
    result = bl.apply(ScanResult(findings=(finding,)), bl.Baseline.from_entries(
        [entry("a" * 24)]))
    assert result.active == ()


def test_update_replaces_the_entry_of_a_changed_secret_wherever_it_was_recorded() -> None:
    before = bl.Baseline.from_entries([entry("a" * 24, path="old/place.py", value_check="3f",
                                             audit=bl.Audit.ACCEPTED, reason="test key")])
    changed = replace(make_finding(fingerprint="a" * 24), value_check="40")
    change = bl.update(before, [changed], ["app/settings.py"])
    assert [(e.value_check, e.audit) for e in change.dropped] == [("3f", bl.Audit.ACCEPTED)]
    assert [(e.value_check, e.audit) for e in change.added] == [("40", bl.Audit.UNAUDITED)]


def test_a_format_1_baseline_is_read_with_a_warning_and_update_upgrades_it(
        tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text('{"tokenward_baseline": 1, "entries": [\n'
                    '{"fingerprint": "aa", "rule_id": "TW301", "path": "a.py"},\n'
                    '{"end": true}\n]}\n')
    with pytest.warns(bl.BaselineWarning, match=r"b.json: baseline format 1 is older than "
                      r"this tokenward's \(2\): .*`tokenward baseline update` rewrites it"):
        old = bl.load(path)
    assert (old.format, list(old.entries)) == (1, ["aa"])
    audited = bl.audit_verdict(old, "aa", bl.Audit.PROBLEM)
    assert audited.render().startswith('{"tokenward_baseline": 1,')  # still format 1
    upgraded = bl.update(old, [], []).baseline
    assert upgraded.render().startswith('{"tokenward_baseline": 2,')


def test_create_leaves_out_inline_suppressed_findings() -> None:
    kept = make_finding(fingerprint="a" * 24)
    inline = make_finding(fingerprint="b" * 24, suppression=Suppression("inline", "test"))
    assert list(bl.create([kept, inline]).entries) == ["a" * 24]


def test_apply_suppresses_known_findings_and_keeps_them() -> None:
    known = make_finding(fingerprint="a" * 24)
    new = make_finding(fingerprint="b" * 24, line=9)
    baseline = bl.Baseline.from_entries([entry("a" * 24, audit=bl.Audit.ACCEPTED,
                                               reason="revoked key")])
    result = bl.apply(ScanResult(findings=(known, new)), baseline)
    assert [f.fingerprint for f in result.active] == ["b" * 24]
    assert result.findings[0].suppression == Suppression(
        "baseline", "baseline: accepted: revoked key")


def test_update_adds_and_drops_one_line_each_and_moves_nothing_else() -> None:
    entries = [entry(f"{i:02x}" * 12, path=f"f{i}.py") for i in (0x10, 0x30, 0x50, 0x70)]
    before = bl.Baseline.from_entries(entries)
    findings = [make_finding(path=e.path, fingerprint=e.fingerprint, target=None)
                for e in entries if e.path != "f48.py"]  # 0x30's finding was fixed
    findings.append(make_finding(path="f48.py", fingerprint="40" * 12, target=None))
    change = bl.update(before, findings, [e.path for e in entries])
    assert [e.fingerprint for e in change.added] == ["40" * 12]
    assert [e.fingerprint for e in change.dropped] == ["30" * 12]
    old_lines, new_lines = before.render().splitlines(), change.baseline.render().splitlines()
    assert [line for line in old_lines if line not in new_lines] == [old_lines[2]]
    assert [line for line in new_lines if line not in old_lines] == [new_lines[2]]


def test_update_keeps_entries_of_files_it_did_not_scan(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "elsewhere.py").write_text("")
    before = bl.Baseline.from_entries([entry("aa" * 12, path="elsewhere.py")])
    change = bl.update(before, [], scanned_paths=["app.py"])
    assert change.dropped == () and len(change.baseline) == 1


def test_union_merge_leftovers_are_read_and_resolved(tmp_path: Path) -> None:
    """A union merge can leave two versions of one entry, out of order."""
    text = (
        '{"tokenward_baseline": 1, "entries": [\n'
        '{"fingerprint": "bb", "rule_id": "TW101", "path": "a.py", "audit": "unaudited", '
        '"reason": ""},\n'
        '{"fingerprint": "aa", "rule_id": "TW101", "path": "a.py", "audit": "unaudited", '
        '"reason": ""},\n'
        '{"fingerprint": "bb", "rule_id": "TW101", "path": "a.py", "audit": "accepted", '
        '"reason": "dummy value"},\n'
        '{"end": true}\n]}\n')
    parsed = bl.parse(text)
    assert [(e.fingerprint, e.audit, e.reason) for e in parsed.sorted_entries()] == [
        ("aa", bl.Audit.UNAUDITED, ""), ("bb", bl.Audit.ACCEPTED, "dummy value")]


@pytest.mark.parametrize(("text", "message"), [
    ("<<<<<<< HEAD\n", "not valid JSON (line 1: Expecting value); if a merge left conflict "
                       "markers, keep both sides' lines"),
    ('{"entries": []}', "unsupported baseline format None (this tokenward reads formats 1, 2)"),
    ('{"tokenward_baseline": 3, "entries": []}',
     "unsupported baseline format 3 (this tokenward reads formats 1, 2)"),
    ('{"tokenward_baseline": 1, "entries": [{"rule_id": "TW101"}]}',
     "an entry needs fingerprint, rule_id and path strings, audit one of unaudited, "
     "accepted, problem, and value_check (if any) in hex"),
    ('{"tokenward_baseline": 2, "entries": [{"fingerprint": "aa", "rule_id": "TW101", '
     '"path": "a.py", "value_check": "zz"}]}',
     "an entry needs fingerprint, rule_id and path strings, audit one of unaudited, "
     "accepted, problem, and value_check (if any) in hex"),
    ("[]", 'not a tokenward baseline (no "entries" list)'),
])
def test_bad_baselines_say_why(text: str, message: str) -> None:
    with pytest.raises(bl.BaselineError) as caught:
        bl.parse(text, "b.json")
    assert str(caught.value) == f"b.json: {message}"


def test_stale_entries_only_for_scanned_or_deleted_files(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kept.py").write_text("")
    baseline = bl.Baseline.from_entries([entry("aa" * 12, path="kept.py"),
                                         entry("bb" * 12, path="deleted.py"),
                                         entry("cc" * 12, path="kept.py")])
    found = [make_finding(path="kept.py", fingerprint="cc" * 12)]
    stale = bl.stale_entries(baseline, found, ["kept.py"])
    assert [e.fingerprint for e in stale] == ["aa" * 12, "bb" * 12]
    assert [e.fingerprint for e in bl.stale_entries(baseline, found, [], exists=False)] == []


def test_gitattributes_line_added_once(tmp_path: Path) -> None:
    (tmp_path / ".gitattributes").write_text("*.png binary")
    assert bl.ensure_gitattributes(tmp_path, ".tokenward-baseline.json") is True
    assert bl.ensure_gitattributes(tmp_path, ".tokenward-baseline.json") is False
    assert (tmp_path / ".gitattributes").read_text() == (
        "*.png binary\n# tokenward: baseline entries are independent lines; keep both sides "
        "on merge\n.tokenward-baseline.json merge=union\n")


# --- real git merges -------------------------------------------------------------------

def _branch_adds(repo: Path, branch: str, fingerprints: list[str]) -> None:
    git(repo, "checkout", "-q", "-b", branch, "main")
    path = repo / ".tokenward-baseline.json"
    known = bl.load(path)
    for fp in fingerprints:
        known = known.with_entry(entry(fp, path=f"{branch}.py"))
    bl.save(known, path)
    commit_all(repo, f"{branch}: baseline")


def _start(tmp_path: Path, *, attributes: bool) -> Path:
    repo = init_repo(tmp_path / "repo")
    base = bl.Baseline.from_entries([entry(fp, path="old.py") for fp in
                                     ("20" * 12, "60" * 12, "a0" * 12, "e0" * 12)])
    bl.save(base, repo / ".tokenward-baseline.json")
    if attributes:
        bl.ensure_gitattributes(repo, ".tokenward-baseline.json")
    commit_all(repo, "base")
    return repo


def _merge(repo: Path, branch: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "merge", "--no-edit", branch], cwd=repo,
                          capture_output=True, text=True, check=False)


def test_two_branches_adding_entries_merge_cleanly_by_layout_alone(tmp_path: Path) -> None:
    """No merge driver: entries in different gaps touch different lines."""
    repo = _start(tmp_path, attributes=False)
    _branch_adds(repo, "one", ["40" * 12, "f0" * 12])  # after 20..., after e0...
    _branch_adds(repo, "two", ["80" * 12, "10" * 12])  # after 60..., before 20...
    done = _merge(repo, "one")
    assert done.returncode == 0, done.stdout + done.stderr
    merged = bl.load(repo / ".tokenward-baseline.json")
    assert sorted(merged.entries) == sorted(
        ["10" * 12, "20" * 12, "40" * 12, "60" * 12, "80" * 12, "a0" * 12, "e0" * 12,
         "f0" * 12])
    # Already in order: the next update has nothing to move.
    assert (repo / ".tokenward-baseline.json").read_text() == merged.render()


def test_entries_in_the_same_gap_need_the_union_driver(tmp_path: Path) -> None:
    """Same gap: git alone conflicts (the reason for the attribute), with it, clean."""
    repo = _start(tmp_path / "plain", attributes=False)
    _branch_adds(repo, "one", ["30" * 12])
    _branch_adds(repo, "two", ["40" * 12])
    assert _merge(repo, "one").returncode == 1  # CONFLICT without merge=union

    repo = _start(tmp_path / "union", attributes=True)
    _branch_adds(repo, "one", ["30" * 12, "b0" * 12])
    _branch_adds(repo, "two", ["40" * 12, "b1" * 12])
    done = _merge(repo, "one")
    assert done.returncode == 0, done.stdout + done.stderr
    merged = bl.load(repo / ".tokenward-baseline.json")
    assert len(merged) == 8
    assert {"30" * 12, "40" * 12, "b0" * 12, "b1" * 12} <= set(merged.entries)
