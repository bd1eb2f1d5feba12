"""Writing a session: redaction is absolute, output is deterministic, exercises are graded,
nothing is lost; and the `train` / `train check` commands."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from tests.training.fixtures import ALL_RULES, SECRETS, all_files, write_app
from tokenward.cli import main
from tokenward.config import Config
from tokenward.rules import RULES
from tokenward.scanner.pipeline import scan
from tokenward.training import BuildOptions, build, check, session_files, write_session
from tokenward.training.output import MARKER, OutputError


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _session_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_app(tmp_path)
    monkeypatch.chdir(tmp_path)
    findings = scan(["app"], Config(), rules=ALL_RULES, use_cache=False).findings
    session = build(findings, root=tmp_path, rules=ALL_RULES)
    out = tmp_path / "training"
    write_session(out, session_files(session, scorm=True))
    return out


def test_no_secret_of_the_input_in_any_output_file(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = _session_folder(tmp_path, monkeypatch)
    blobs = [p.read_bytes() for p in all_files(out)]
    with zipfile.ZipFile(out / "scorm" / "tokenward-training-scorm12.zip") as archive:
        blobs += [archive.read(name) for name in archive.namelist()]
    assert len(blobs) == len(all_files(out)) + 2  # and the 2 files in the zip
    for value in SECRETS:
        assert not any(value.encode() in blob for blob in blobs), value


def test_scanning_the_output_finds_only_the_exercises(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    out = _session_folder(tmp_path, monkeypatch)
    monkeypatch.chdir(out)
    # The SCORM zip is binary to the scanner: scan its pages too.
    unpacked = out.parent / "unpacked"
    zipfile.ZipFile(out / "scorm" / "tokenward-training-scorm12.zip").extractall(unpacked)
    result = scan([".", str(unpacked)], Config(), rules=ALL_RULES, use_cache=False)
    assert not result.errors
    # Exercises hold the mistake on purpose (the rules' published examples); nothing else
    # may be flagged: not the lessons, the site, the solutions, the SCORM page.
    manifest = json.loads((out / "exercises" / "exercises.json").read_text())["exercises"]
    exercise_files = {f"exercises/{e['file']}": e["rule"] for e in manifest}
    assert {f.path for f in result.findings} == set(exercise_files)
    for path, rule_id in exercise_files.items():
        assert rule_id in {f.rule_id for f in result.findings if f.path == path}, path


def test_output_is_byte_identical_for_the_same_findings(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    write_app(tmp_path)
    monkeypatch.chdir(tmp_path)
    findings = scan(["app"], Config(), rules=ALL_RULES, use_cache=False).findings
    first = session_files(build(findings, root=tmp_path, rules=ALL_RULES), scorm=True)
    second = session_files(build(list(reversed(findings)), root=tmp_path, rules=ALL_RULES),
                           scorm=True)
    assert first == second
    assert b"Generated" not in first["index.md"]


def test_exercises_fail_before_and_pass_after_the_reference_fix(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = _session_folder(tmp_path, monkeypatch)
    grades = check(out, ALL_RULES)
    assert len(grades) == len(list((out / "lessons").iterdir())) >= 3
    for grade in grades:
        assert not grade.passed
        assert grade.rule_id in {f.rule_id for f in grade.findings}
    for solution in (out / "solutions").rglob("*"):
        if solution.is_file():
            target = out / "exercises" / solution.relative_to(out / "solutions")
            target.write_bytes(solution.read_bytes())
    assert [(g.file, g.passed) for g in check(out / "exercises", ALL_RULES)] == [
        (g.file, True) for g in grades]


def test_cli_train_then_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    write_app(tmp_path, only=("tokens.py",))
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "train", "app", "--out", "session")
    assert (code, err) == (0, "")
    assert out == (
        "wrote 1 lesson (2 findings), 39 minutes, 9 files, to session\n"
        "  plan: session/index.md\n"
        "  site: session/site/index.html (press P to present)\n"
        "  exercises: tokenward train check session/exercises\n")
    assert sorted(p.relative_to(tmp_path / "session").as_posix()
                  for p in all_files(tmp_path / "session")) == [
        MARKER, "chart.svg", "exercises/01-weak-token-generation/example.py",
        "exercises/README.md", "exercises/exercises.json", "findings.json", "index.md",
        "lessons/01-weak-token-generation.md", "site/index.html",
        "solutions/01-weak-token-generation/example.py",
    ]
    code, out, _ = run(capsys, "train", "check", "session/exercises")
    assert code == 1
    assert out == (
        "FAIL  01-weak-token-generation/example.py  (TW201)\n"
        "      line 7: TW201 return value of generate_reset_token() is made from "
        "random.choice(), which an attacker can predict\n"
        "0 of 1 exercises pass\n")
    shutil.copytree(tmp_path / "session" / "solutions", tmp_path / "session" / "exercises",
                    dirs_exist_ok=True)
    assert run(capsys, "train", "check", "session") == (
        0, "PASS  01-weak-token-generation/example.py  (TW201)\n1 of 1 exercises pass\n", "")


def test_a_suppression_comment_does_not_pass_an_exercise(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_app(tmp_path, only=("tokens.py",))
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "train", "app", "-o", "s")[0] == 0
    exercise = tmp_path / "s" / "exercises" / "01-weak-token-generation" / "example.py"
    lines = exercise.read_text().splitlines()
    lines[6] += "  # tokenward: ignore"
    exercise.write_text("\n".join(lines) + "\n")
    code, out, _ = run(capsys, "train", "check", "s")
    assert code == 1
    assert out.splitlines()[1] == (
        "      line 7: TW201 return value of generate_reset_token() is made from "
        "random.choice(), which an attacker can predict (suppressed: a suppression is not "
        "a fix)")


def test_train_from_a_json_report_matches_a_direct_scan(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_app(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "scan", "app", "--format", "json", "-o", "report.json")[0] == 1
    assert run(capsys, "train", "--findings", "report.json", "-o", "from-report")[0] == 0
    assert run(capsys, "train", "app", "-o", "direct")[0] == 0
    report = {p.relative_to(tmp_path / "from-report"): p.read_bytes()
              for p in all_files(tmp_path / "from-report")}
    direct = {p.relative_to(tmp_path / "direct"): p.read_bytes()
              for p in all_files(tmp_path / "direct")}
    assert report == direct


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "report.json: not JSON (line 1: Expecting property name enclosed in double "
                  "quotes)"),
    ('{"results": []}', "report.json: neither a tokenward JSON report nor a SARIF report; "
                        "create one with `tokenward scan --format json -o FILE`"),
    ('{"findings": {}}', "report.json: findings is not a list"),
    ('{"runs": [{"results": [{"ruleId": "TW101"}]}]}',
     "report.json: result 1 is malformed (missing 'locations')"),
    ('{"findings": [{"rule_id": "TW103"}]}',
     "report.json: finding 1 is malformed (missing 'rule')"),
    ('{"findings": [3]}', "report.json: finding 1 is malformed (not an object)"),
])
def test_a_bad_findings_file_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str],
                                              content: str, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    Path("report.json").write_text(content)
    assert run(capsys, "train", "--findings", "report.json", "-o", "out") == (
        2, "", f"tokenward: error: {message}\n")
    assert not Path("out").exists()


def test_usage_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "train", ".") == (
        2, "", "tokenward: error: missing --out DIR (the folder to write the session to)\n")
    Path("r.json").write_text('{"findings": []}')
    assert run(capsys, "train", ".", "--findings", "r.json", "-o", "x") == (
        2, "", "tokenward: error: give either PATHS to scan or --findings FILE, not both\n")
    assert run(capsys, "train", "check", ".") == (
        2, "", "tokenward: error: .: no exercises.json here or in ./exercises "
               "(run `tokenward train --out DIR` first)\n")


def test_a_foreign_folder_and_edited_files_are_not_overwritten(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_app(tmp_path, only=("tokens.py",))
    monkeypatch.chdir(tmp_path)
    Path("docs").mkdir()
    Path("docs/notes.md").write_text("mine")
    code, _, err = run(capsys, "train", "app", "-o", "docs")
    assert (code, err) == (2, "tokenward: error: docs is not empty and was not written by "
                              "`tokenward train`; choose an empty or new folder\n")
    assert Path("docs/notes.md").read_text() == "mine"
    assert run(capsys, "train", "app", "-o", "s")[0] == 0
    edited = Path("s/exercises/01-weak-token-generation/example.py")
    edited.write_text("# my work\n")
    assert run(capsys, "train", "app", "-o", "s") == (
        2, "", "tokenward: error: 1 file(s) in s changed since they were generated "
               "(exercises/01-weak-token-generation/example.py); use --force to overwrite them\n")
    assert edited.read_text() == "# my work\n"
    assert run(capsys, "train", "app", "-o", "s", "--force")[0] == 0
    assert edited.read_text() != "# my work\n"


def test_a_rerun_removes_lessons_that_no_longer_apply(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_app(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "train", "app", "-o", "s")[0] == 0
    Path("app/tokens.py").unlink()
    assert run(capsys, "train", "app", "-o", "s")[0] == 0
    lessons = sorted(p.name for p in Path("s/lessons").iterdir())
    assert lessons and not any("weak-token-generation" in name for name in lessons)
    assert not Path("s/exercises/02-weak-token-generation").exists() or not any(
        Path("s/exercises/02-weak-token-generation").iterdir())


def test_a_clean_codebase_gets_a_session_from_the_examples(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("clean").mkdir()
    Path("clean/ok.py").write_text("import secrets\n\ntoken = secrets.token_urlsafe(32)\n")
    code, out, _ = run(capsys, "train", "clean", "-o", "s", "--timestamp", "--lessons", "all")
    assert code == 0
    assert out.splitlines()[0] == (
        f"wrote {len(RULES)} lessons (no findings: built from the rules' examples), "
        f"{build([], root=tmp_path, options=BuildOptions(all_lessons=True)).minutes} minutes, "
        f"{6 + 3 * len(RULES)} files, to s")
    index = Path("s/index.md").read_text()
    assert "**No findings were present.** This session is built from the rules' own " \
           "examples" in index
    assert index.splitlines()[2].startswith("Generated 20")
    assert "No findings were present" in Path("s/site/index.html").read_text()
    # Every rule's exercise fires before and passes after its reference fix.
    assert [g.passed for g in check(Path("s"), RULES)] == [False] * len(RULES)
    shutil.copytree("s/solutions", "s/exercises", dirs_exist_ok=True)
    assert [g.file for g in check(Path("s"), RULES) if not g.passed] == []


def test_scorm_zip_is_deterministic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = _session_folder(tmp_path, monkeypatch)
    data = (out / "scorm" / "tokenward-training-scorm12.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert [(i.filename, i.date_time) for i in archive.infolist()] == [
            ("imsmanifest.xml", (1980, 1, 1, 0, 0, 0)), ("index.html", (1980, 1, 1, 0, 0, 0))]
    with pytest.raises(OutputError):
        write_session(out / "index.md", {})
    assert json.loads((out / MARKER).read_text())["format"] == "tokenward-training-2"


# -- The session folder does not pollute the repository ----------------------------------

def _git(repo: Path, *args: str) -> str:
    import subprocess

    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                          check=True)
    return done.stdout


@pytest.fixture
def repo_with_session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                      capsys: pytest.CaptureFixture[str]) -> Path:
    """A repository whose code has one mistake, and a session written inside it, as the
    README shows (`tokenward train src --out training/`)."""
    repo = tmp_path / "repo"
    write_app(repo, only=("tokens.py",))
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.email", "dev@example.com")
    _git(repo, "config", "user.name", "Dev")
    _git(repo, "config", "commit.gpgsign", "false")
    monkeypatch.chdir(repo)
    assert run(capsys, "train", "app", "--out", "training", "--lessons", "all")[0] == 0
    return repo


def _scan_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code, out, _ = run(capsys, "scan", *args, "--format", "json", "--no-cache")
    return code, sorted({f["path"] for f in json.loads(out)["findings"]})


def test_scans_skip_the_session_folder(repo_with_session: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    # Untracked and committed alike, only the team's own code is reported.
    assert _scan_json(capsys, ".") == (1, ["app/tokens.py"])
    _git(repo_with_session, "add", "-A")
    _git(repo_with_session, "commit", "-q", "-m", "code and training")
    assert _scan_json(capsys, ".") == (1, ["app/tokens.py"])
    # Named on the command line, the folder is scanned like anything else.
    code, paths = _scan_json(capsys, "training")
    assert (code, paths) == (1, ["training/exercises/01-weak-token-generation/example.py"])
    # `train check` still grades the exercises.
    code, out, _ = run(capsys, "train", "check", "training")
    assert (code, out.splitlines()[-1]) == (1, "0 of 1 exercises pass")


def test_the_commit_hook_passes_the_session_folder(repo_with_session: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from tokenward.hooks.precommit import main as hook

    (repo_with_session / "app" / "tokens.py").unlink()
    _git(repo_with_session, "add", "-A")
    staged = _git(repo_with_session, "diff", "--cached", "--name-only").split()
    assert "training/exercises/01-weak-token-generation/example.py" in staged
    # pre-commit names every staged file; --staged reads them from the index.
    assert hook(staged) == 0
    assert hook(["--staged"]) == 0
    capsys.readouterr()
    # The marker is what makes the difference: without it the exercise blocks the commit.
    (repo_with_session / "training" / MARKER).unlink()
    assert hook(["training/exercises/01-weak-token-generation/example.py"]) == 1
    assert hook(["--staged"]) == 1


def test_the_session_keeps_its_findings_for_the_next_comparison(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from tokenward.training import load_report

    write_app(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "train", "app", "-o", "first")[0] == 0
    kept = load_report(Path("first/findings.json"))
    assert sorted((f.rule_id, f.path, f.line) for f in kept) == [
        ("TW101", "app/client.py", 4), ("TW101", "app/settings.py", 2),
        ("TW102", "app/config.yaml", 3), ("TW201", "app/tokens.py", 8),
        ("TW201", "app/tokens.py", 12)]
    # Since: the weak generator was fixed.
    Path("app/tokens.py").unlink()
    code, out, _ = run(capsys, "train", "app", "-o", "second", "--compare", "first")
    assert code == 0, out
    index = Path("second/index.md").read_text(encoding="utf-8")
    assert ("Compared with `first`: 5 findings then, 3 now; 2 fixed, 0 new.\n") in index
    assert "| Token made from a predictable source (`TW201`) | 2 | 0 | 2 | 0 |\n" in index
    assert "No lesson needed any more (every finding fixed): `TW201`.\n" in index
    # Nothing new anywhere: no lesson is taught again; the rest is named as backlog.
    assert "Lessons skipped, no new finding since (the rest is backlog to fix, named in " \
           "\"More from your code\"): `TW101`, `TW102`.\n" in index
    assert not Path("second/lessons").exists()
    assert ("## Order of lessons\n\nNo lesson of its own this time: every rule is named in "
            "\"More from your code\".\n") in index
    # The same from the file itself, or a scan's JSON report.
    assert run(capsys, "train", "app", "-o", "third", "--compare",
               "first/findings.json")[0] == 0
    assert Path("third/index.md").read_text(encoding="utf-8") == index.replace(
        "`first`", "`first/findings.json`")


def test_slot_and_compare_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    write_app(tmp_path, only=("tokens.py",))
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "train", "app", "-o", "s", "--minutes", "20") == (
        2, "", "tokenward: error: --minutes 20: a session slot is 30 to 480 minutes\n")
    assert run(capsys, "train", "app", "-o", "s", "--compare", "missing.json") == (
        2, "", "tokenward: error: missing.json: no such file\n")
    Path("bad.json").write_text("[1]")
    assert run(capsys, "train", "app", "-o", "s", "--compare", "bad.json") == (
        2, "", "tokenward: error: bad.json: neither a tokenward JSON report nor a SARIF "
               "report; create one with `tokenward scan --format json -o FILE`\n")
    code, _, err = run(capsys, "train", "app", "-o", "s", "--lessons", "some")
    assert code == 2 and "'some' is not one of 'fit', 'all'" in err
    assert not Path("s").exists()
