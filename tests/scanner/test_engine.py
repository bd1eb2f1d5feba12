"""The engine on good and bad input: every odd file gives an entry or a clean scan, never a
crash, a hang, or a lost finding elsewhere in the run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.scanner.probe_rules import EXPLODES, PY_STRING, TEXT_MARK
from tokenward.config import Config
from tokenward.scanner import fingerprint
from tokenward.scanner.engine import FileTask, run_tasks, scan_file
from tokenward.scanner.files import PathError
from tokenward.scanner.fingerprint import known_value_check, value_check
from tokenward.scanner.pipeline import scan
from tokenward.scanner.redaction import secret_hash

RULES = [TEXT_MARK, PY_STRING]
SECRET = "SECRET-abcdefgh1234"


def _scan(folder: Path, **kwargs: object) -> object:
    old = os.getcwd()
    os.chdir(folder)
    try:
        return scan(["."], Config(root=str(folder)), rules=RULES, use_cache=False, **kwargs)
    finally:
        os.chdir(old)


def lines_of(result, path: str) -> list[int]:  # type: ignore[no-untyped-def]
    return [f.line for f in result.findings if f.path == path]


def test_finding_has_path_line_column_and_redacted_snippet(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(f"x = 1\ntoken = '{SECRET}'\n")
    result = _scan(tmp_path)
    [finding] = result.findings
    assert (finding.path, finding.span.line, finding.span.column) == ("app.py", 2, 10)
    assert finding.snippet == "token = '****(19 chars)'"
    assert SECRET not in repr(finding)


def test_syntax_error_is_an_error_entry_and_text_rules_still_run(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text(f"def f(:\n    k = '{SECRET}'\n    z = 'PYSECRET-x'\n")
    result = _scan(tmp_path)
    assert lines_of(result, "broken.py") == [2]  # the text rule; the Python rule cannot run
    [error] = result.errors
    assert error.path == "broken.py"
    assert error.message.startswith("syntax error at line 1")
    assert not error.internal


def test_syntax_error_is_reported_whatever_the_prefilter_says(tmp_path: Path) -> None:
    # No rule's keyword is in these files, so no rule asks for a tree: the error still shows.
    (tmp_path / "broken.py").write_text("def f(:\n    pass\n")
    (tmp_path / "fine.py").write_text("def f():\n    pass\n")
    result = _scan(tmp_path)
    assert [(e.path, e.message, e.unscanned) for e in result.errors] == [
        ("broken.py", "syntax error at line 1, column 7: invalid syntax; text-level checks "
                      "still ran", False)]
    assert result.findings == ()


def test_what_only_the_compiler_refuses_is_no_syntax_error(tmp_path: Path) -> None:
    # The quick check (the symbol table) refuses a duplicate argument and a module-level
    # nonlocal, which parse: ast decides, and neither is reported; the bad file still is.
    (tmp_path / "dup.py").write_text("def f(a, a):\n    return a\n")
    (tmp_path / "nonlocal.py").write_text("nonlocal x\n")
    (tmp_path / "broken.py").write_text("x = (\n")
    result = _scan(tmp_path)
    assert [(e.path, e.message[:25]) for e in result.errors] == [
        ("broken.py", "syntax error at line 1, c")]


def test_a_task_that_names_its_rules_runs_only_those() -> None:
    # A history blob carries the rules its diff could fire: the others do not run on it.
    data = f"k = '{SECRET}'\nz = 'PYSECRET-x'\n".encode()
    both = scan_file(FileTask("app.py", data), Config(), RULES)
    only = scan_file(FileTask("app.py", data, rules=frozenset({"TW902"})), Config(), RULES)
    assert [(f.rule_id, f.line) for f in both.findings] == [("TW901", 1), ("TW902", 2)]
    assert [(f.rule_id, f.line) for f in only.findings] == [("TW902", 2)]


def test_a_task_without_the_syntax_screen_reports_no_syntax_error() -> None:
    # History does not report an old version's syntax error, so it does not look for one.
    data = b"def f(:\n    pass\n"
    screened = scan_file(FileTask("broken.py", data), Config(), RULES)
    unscreened = scan_file(FileTask("broken.py", data, syntax=False), Config(), RULES)
    assert [e.message[:25] for e in screened.errors] == ["syntax error at line 1, c"]
    assert (unscreened.errors, unscreened.parsed) == ((), False)


def test_a_task_without_the_summary_is_not_parsed_for_it() -> None:
    # History has no project join: a file defining an issuer is not parsed to summarise it.
    data = (b"import jwt\n\ndef create_access_token(data, expires_delta=None):\n"
            b"    if expires_delta is not None:\n        data[\"exp\"] = now() + expires_delta\n"
            b"    return jwt.encode(data, KEY)\n")
    joined = scan_file(FileTask("auth.py", data), Config(), ())
    alone = scan_file(FileTask("auth.py", data, syntax=False, summary=False), Config(), ())
    assert joined.summary is not None
    assert [(p.function, p.parameter, p.line) for p in joined.summary.issuers] == [
        ("create_access_token", "expires_delta", 3)]
    assert (alone.summary, alone.parsed) == (None, False)


def test_a_value_check_is_remembered_by_the_keyed_hash_never_the_secret() -> None:
    hashed = secret_hash(SECRET)
    check = known_value_check(SECRET, hashed, "f" * 24)
    assert check == value_check(SECRET, "f" * 24)
    assert known_value_check(SECRET, hashed, "f" * 24) == check
    assert ((hashed, "f" * 24), check) in fingerprint._KNOWN_CHECKS.items()
    assert SECRET not in repr(fingerprint._KNOWN_CHECKS)


def test_python_rule_runs_on_valid_python(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text("a = 1\nb = 'PYSECRET-x'\n")
    result = _scan(tmp_path)
    assert [(f.rule_id, f.line) for f in result.findings] == [("TW902", 2)]


def test_latin1_file_without_declaration_is_reported_and_still_scanned(tmp_path: Path) -> None:
    (tmp_path / "legacy.py").write_bytes(f"# caf\xe9\nk = '{SECRET}'\n".encode("latin-1"))
    result = _scan(tmp_path)
    assert lines_of(result, "legacy.py") == [2]
    [error] = result.errors
    assert "not valid utf-8 at byte 5" in error.message


def test_pep263_declared_encoding_is_honoured(tmp_path: Path) -> None:
    body = f"# -*- coding: latin-1 -*-\nname = 'caf\xe9'\nk = '{SECRET}'\n"
    (tmp_path / "declared.py").write_bytes(body.encode("latin-1"))
    result = _scan(tmp_path)
    assert lines_of(result, "declared.py") == [3]
    assert result.errors == ()


def test_utf8_bom(tmp_path: Path) -> None:
    (tmp_path / "bom.py").write_bytes(b"\xef\xbb\xbfk = 'PYSECRET-x'\n")
    result = _scan(tmp_path)
    assert [(f.line, f.span.column) for f in result.findings] == [(1, 5)]


def test_binary_content_in_a_py_file_is_scanned_as_text_and_reported(tmp_path: Path) -> None:
    # A name that says text is believed: NUL bytes are read as separators (issue 15, item 7).
    (tmp_path / "blob.py").write_bytes(b"\x7fELF\x00\x01" + SECRET.encode())
    (tmp_path / "real.py").write_text(f"k = '{SECRET}'\n")
    result = _scan(tmp_path)
    assert result.skipped == ()
    assert lines_of(result, "blob.py") == [1]
    assert [(e.path, e.message[:40], e.unscanned) for e in result.errors] == [
        ("blob.py", "holds NUL bytes (binary content in a tex", True),
        ("blob.py", "syntax error at line 1, column 1: invali", False)]
    assert lines_of(result, "real.py") == [1]


def test_file_with_a_nul_byte_and_no_text_name_is_skipped_as_binary(tmp_path: Path) -> None:
    (tmp_path / "blob.bin").write_bytes(b"hello\x00world " + SECRET.encode())
    (tmp_path / "nul.txt").write_bytes(b"hello\x00world " + SECRET.encode())
    result = _scan(tmp_path)
    assert [(s.path, s.reason) for s in result.skipped] == [("blob.bin", "binary")]
    assert lines_of(result, "nul.txt") == [1]
    assert [(e.path, e.unscanned) for e in result.errors] == [("nul.txt", True)]


def test_large_file_is_skipped_without_being_read(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:  # 50 MB text file
        handle.write((SECRET + "\n").encode() * (50 * 1024 * 1024 // 20))
    (tmp_path / "small.py").write_text(f"k = '{SECRET}'\n")
    result = _scan(tmp_path)
    assert [(s.path, s.reason) for s in result.skipped] == [("big.txt", "too-large")]
    assert lines_of(result, "small.py") == [1]


def test_size_cap_is_configurable(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(SECRET + "\n" + "x" * 200)
    result = scan([tmp_path], Config(max_file_size=100), rules=RULES, use_cache=False)
    assert [s.reason for s in result.skipped] == ["too-large"]


def test_empty_file_is_a_clean_scan(tmp_path: Path) -> None:
    (tmp_path / "empty.py").write_text("")
    result = _scan(tmp_path)
    assert (result.findings, result.errors, result.files_scanned) == ((), (), 1)


def test_deeply_nested_expression_does_not_crash(tmp_path: Path) -> None:
    (tmp_path / "deep.py").write_text("x = " + "(" * 3000 + "1" + ")" * 3000 + "\n"
                                      f"k = '{SECRET}'\n")
    result = _scan(tmp_path)
    assert lines_of(result, "deep.py") == [2]
    assert all(not e.internal for e in result.errors)


def test_symlink_loop_does_not_hang(tmp_path: Path) -> None:
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "a.txt").write_text(SECRET)
    result = _scan(tmp_path)
    assert lines_of(result, "a.txt") == [1]
    assert result.files_scanned == 1


def test_symlink_loop_named_explicitly_is_an_error_entry(tmp_path: Path) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    result = scan([loop], Config(), rules=RULES, use_cache=False)
    [error] = result.errors
    assert "symbolic link" in error.message


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(PathError, match="no such file or directory"):
        scan([tmp_path / "nope"], Config(), rules=RULES)


def test_a_failing_rule_is_an_internal_error_and_other_rules_still_report(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(SECRET)
    result = scan([tmp_path], Config(), rules=[TEXT_MARK, EXPLODES], use_cache=False)
    assert [f.rule_id for f in result.findings] == ["TW901"]
    [error] = result.errors
    assert error.internal
    assert "internal error in rule TW903 (ValueError" in error.message


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_unreadable_file_is_an_error_entry(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    folder.mkdir()
    (folder / "locked.py").write_text(f"k = '{SECRET}'\n")
    (folder / "locked.py").chmod(0)
    (folder / "open.txt").write_text(SECRET)
    code = (
        "import sys, json; sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[2]);"
        "from tests.scanner.probe_rules import TEXT_MARK;"
        "from tokenward.config import Config; from tokenward.scanner.pipeline import scan;"
        "r = scan([sys.argv[3]], Config(), rules=[TEXT_MARK], use_cache=False);"
        "print(json.dumps([[e.path.rsplit('/',1)[-1], e.message] for e in r.errors]"
        " + [[f.path.rsplit('/',1)[-1], f.line] for f in r.findings]))"
    )
    root = Path(__file__).resolve().parents[2]
    # root reads anything: drop the capabilities that let it, as an ordinary user has none.
    prefix = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"] \
        if os.geteuid() == 0 else []
    out = subprocess.run([*prefix, sys.executable, "-c", code, str(root / "src"), str(root),
                          str(folder)], capture_output=True, text=True, cwd="/", check=True)
    assert out.stdout.strip() == (
        '[["locked.py", "cannot read: Permission denied"], ["open.txt", 1]]'
    )


def test_output_order_is_deterministic_and_parallel_equals_serial(tmp_path: Path) -> None:
    for i in range(40):
        (tmp_path / f"f{i:02d}.txt").write_text(f"a\n{SECRET}{i}\n")
    serial = scan([tmp_path], Config(), rules=RULES, jobs=1, use_cache=False)
    parallel = scan([tmp_path], Config(), rules=RULES, jobs=2, use_cache=False)
    assert serial.findings == parallel.findings
    assert [f.path for f in serial.findings] == sorted(f.path for f in serial.findings)


def test_blobs_scan_without_a_disk_file() -> None:
    result = run_tasks([FileTask("staged/x.py", f"k = '{SECRET}'".encode())], Config(),
                       rules=RULES, use_cache=False)
    assert [(f.path, f.line) for f in result.findings] == [("staged/x.py", 1)]


def test_cache_serves_unchanged_files(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(f"k = '{SECRET}'\n")
    first = scan([tmp_path], Config(), rules=RULES, use_cache=True)
    second = scan([tmp_path], Config(), rules=RULES, use_cache=True)
    assert first.findings == second.findings
    assert (first.stats["cache_hits"], second.stats["cache_hits"]) == (0, 1)
    (tmp_path / "a.py").write_text(f"\nk = '{SECRET}'\n")
    third = scan([tmp_path], Config(), rules=RULES, use_cache=True)
    assert (third.stats["cache_hits"], [f.line for f in third.findings]) == (0, [2])


def test_fingerprint_is_stable_when_lines_move(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(SECRET)
    before = scan([tmp_path], Config(), rules=RULES, use_cache=False).findings[0]
    (tmp_path / "a.txt").write_text("new line\n\n" + SECRET)
    after = scan([tmp_path], Config(), rules=RULES, use_cache=False).findings[0]
    assert after.line == 3
    assert before.fingerprint == after.fingerprint


def test_identical_findings_in_one_file_get_distinct_fingerprints(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(f"{SECRET}\n{SECRET}\n")
    findings = scan([tmp_path], Config(), rules=RULES, use_cache=False).findings
    assert len({f.fingerprint for f in findings}) == 2


def test_fingerprint_does_not_depend_on_where_the_scan_starts(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.txt").write_text(SECRET)
    config = Config(root=str(tmp_path))
    monkeypatch.chdir(tmp_path)
    at_root = scan(["pkg"], config, rules=RULES, use_cache=False).findings[0]
    monkeypatch.chdir(tmp_path / "pkg")
    inside = scan(["."], config, rules=RULES, use_cache=False).findings[0]
    assert (at_root.path, inside.path) == ("pkg/a.txt", "a.txt")
    assert at_root.fingerprint == inside.fingerprint


PRELOAD_PROBE = """
import sys
sys.path.insert(0, sys.argv[1])
from tokenward.scanner.engine import FileTask, _preload_for_workers
_preload_for_workers([(0, FileTask(p)) for p in sys.argv[2:]])
print("libcst" in sys.modules)
"""


@pytest.mark.parametrize(("paths", "loaded"), [
    (["README.md", "app/settings.py"], "True"),   # forked workers share the parent's import
    (["README.md", "config/.env"], "False"),      # nothing to parse: nothing imported
])
def test_libcst_is_imported_before_the_workers_fork_only_for_python(
        paths: list[str], loaded: str) -> None:
    src = str(Path(__file__).resolve().parents[2] / "src")
    done = subprocess.run([sys.executable, "-c", PRELOAD_PROBE, src, *paths],
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == loaded
