"""Issue 15, items 1, 2, 5, 11, 12 and 15: no secret in clear in any output byte, no path
outside the root read by `train`, no control character reaching a terminal or a parser.

Every test performs the attack through the real command line and looks at everything it
produced: standard output and error, and every file written (SARIF, lessons, the site,
the SCORM zip's members, the result cache). Secrets are made at run time (checksum-valid
GitHub tokens, random hex), so nothing secret-shaped is in this file.
"""

from __future__ import annotations

import io
import json
import re
import secrets
import string
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from tokenward.cli import main
from tokenward.scanner.redaction import redact
from tokenward.analysis.providers import base62_checksum


def _random(pairs: int) -> str:
    """Random letters and digits, alternating: no word can form, so no value ever passes
    for a placeholder (``...NIL...``, ``...aUtH...``) and the tests stay deterministic."""
    return "".join(secrets.choice(string.ascii_letters) + secrets.choice(string.digits)
                   for _ in range(pairs))


def github_token() -> str:
    """A fake classic GitHub token whose checksum is valid (so TW103 reports it)."""
    body = _random(15)
    return f"ghp_{body}{base62_checksum(body)}"


def piece() -> str:
    """Eight random characters: shorter than the token-shaped mask's 16."""
    return _random(4)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out + err


def written(folder: Path) -> str:
    """Every file under ``folder`` as text, zip members unpacked."""
    parts: list[str] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.suffix == ".zip":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                parts += [archive.read(name).decode("utf-8", "replace")
                          for name in archive.namelist()]
        else:
            parts.append(data.decode("utf-8", "replace"))
    return "\n".join(parts)


def fragments(*values: str) -> set[str]:
    """What must never be shown: each value, and every run of 6+ letters and digits in
    it (a redacted value keeps at most a 4-character prefix)."""
    found = set(values)
    for value in values:
        found |= set(re.findall(r"[A-Za-z0-9_]{6,}", value))
    return found


def leaked(text: str, *values: str) -> list[str]:
    return sorted(f for f in fragments(*values) if f in text)


# Item 1 -------------------------------------------------------------------------------

def test_sarif_fixes_and_fix_diff_show_no_secret(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's repro: a second token in a trailing comment, and a key on a line that
    TW201 rewrites, went out verbatim on `+` lines and in SARIF `insertedContent`."""
    first, second, key = github_token(), github_token(), f"sk_live_{secrets.token_hex(12)}"
    (tmp_path / "client.py").write_text(
        f'import random\n\nAPI_TOKEN = "{first}"  # previous: {second}\n\n\n'
        'def reset_token():\n    return "".join(random.choice("abc0123456789") for _ in '
        # (In a comment: in code, TW103 now moves the key itself out of the line.)
        f'range(20))  # LEGACY = "{key}"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, shown = run(capsys, "scan", ".", "-f", "sarif", "-o", "out.sarif", "--no-cache")
    assert code == 1
    sarif = (tmp_path / "out.sarif").read_text(encoding="utf-8")
    fixes = [change["replacements"] for result in json.loads(sarif)["runs"][0]["results"]
             for fix in result.get("fixes", ()) for change in fix["artifactChanges"]]
    inserted = [r["insertedContent"]["text"] for group in fixes for r in group
                if "insertedContent" in r]
    assert 'API_TOKEN = os.environ["GITHUB_API_TOKEN"]  # previous: ghp_****(40 chars)\n' \
        in inserted
    assert '    return secrets.token_urlsafe(32)  # LEGACY = "sk_l****(32 chars)"\n' in inserted
    assert leaked(sarif + shown, first, second, key) == []

    (tmp_path / "out.sarif").unlink()
    code, shown = run(capsys, "fix", ".")
    assert code == 1
    assert '+API_TOKEN = os.environ["GITHUB_API_TOKEN"]  # previous: ghp_****(40 chars)\n' \
        in shown
    assert '+    return secrets.token_urlsafe(32)  # LEGACY = "sk_l****(32 chars)"\n' in shown
    assert leaked(shown, first, second, key) == []


# Item 2 -------------------------------------------------------------------------------

def _escaped_files(root: Path) -> dict[str, list[str]]:
    """Files whose secrets are spelled differently from their values; per file, what
    must not show (the spelling, the value and their pieces)."""
    a, b, c, d = (f"{piece()}!{piece()}" for _ in range(4))
    token = github_token()
    # name -> (the literal as spelled, its value)
    python = {
        "API_TOKEN": (f'"Zt9\\"{a}"', f'Zt9"{a}'),
        "DB_PASSWORD": (f"'Lk4\\'{b}'", f"Lk4'{b}"),
        # (a digit after the backslash: `\\d`, `\\w`... would make it look like a regex)
        "SECRET_KEY": (f'"Gf5\\\\9{c}"', f"Gf5\\9{c}"),
        "AUTH_TOKEN": (f'"\\x21{d}"', f"!{d}"),
    }
    text = "".join(f"{name} = {spelled}\n" for name, (spelled, _) in python.items())
    # An implicit concatenation: no piece is token-shaped on its own.
    pieces = [token[i : i + 10] for i in range(0, 40, 10)]
    text += "GITHUB_TOKEN = " + " ".join(f'"{p}"' for p in pieces) + "\n"
    (root / "app.py").write_text(text, encoding="utf-8")
    expected = {"app.py": [*(v for pair in python.values() for v in pair), token, *pieces]}
    for name, line, spelled in (("settings.json", '{{"password": "{v}"}}\n', 'Qx7\\"'),
                                ("config.yaml", 'password: "{v}"\n', 'Pq3\\"'),
                                (".env", 'API_TOKEN="{v}"\n', 'Mn5\\"')):
        value = f"{spelled}{piece()}!{piece()}"
        (root / name).write_text(line.format(v=value), encoding="utf-8")
        expected[name] = [value, value.replace("\\", "")]
    return expected


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_escaped_and_concatenated_secrets_never_show(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        fmt: str) -> None:
    expected = _escaped_files(tmp_path)
    cache = tmp_path / "cache"
    monkeypatch.setenv("TOKENWARD_CACHE_DIR", str(cache))
    monkeypatch.chdir(tmp_path)
    code, shown = run(capsys, "scan", ".", "-f", fmt)
    assert code == 1
    # Every secret was found, and nothing of them shows.
    if fmt == "json":
        assert sorted((f["path"], f["target"]) for f in json.loads(shown)["findings"]) == [
            (".env", "API_TOKEN"), ("app.py", "API_TOKEN"), ("app.py", "AUTH_TOKEN"),
            ("app.py", "DB_PASSWORD"), ("app.py", "GITHUB_TOKEN"), ("app.py", "SECRET_KEY"),
            ("config.yaml", "password"), ("settings.json", "password")]
    values = [v for group in expected.values() for v in group]
    assert leaked(shown, *values) == []
    assert leaked(written(cache), *values) == []


def test_train_and_fix_show_no_escaped_secret(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _escaped_files(tmp_path)
    values = [v for group in expected.values() for v in group]
    monkeypatch.chdir(tmp_path)
    code, shown = run(capsys, "train", ".", "--out", "session", "--scorm")
    assert code == 0, shown
    assert leaked(shown + written(tmp_path / "session"), *values) == []
    code, shown = run(capsys, "fix", "app.py")
    assert code == 1
    # The diff shows the concatenation, every piece redacted (a prefix of a quarter, none for a
    # piece of few distinct characters).
    pieces = expected["app.py"][-4:]
    assert "\n-GITHUB_TOKEN = " + " ".join(f'"{redact(p)}"' for p in pieces) + "\n" in shown
    assert all(len(p) == 10 for p in pieces)
    assert leaked(shown, *values) == []


# Item 5 -------------------------------------------------------------------------------

def _suppressed_app(root: Path) -> tuple[str, str]:
    password = f"Pa$${piece()}"
    token = github_token()
    (root / "db.py").write_text(
        f'DB_PASSWORD = "{password}"  # tokenward: ignore[TW101] sandbox\n'
        f'API_TOKEN = "{token}"\n', encoding="utf-8")
    return password, token


def test_suppressed_secret_is_masked_in_lessons_site_and_scorm(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    password, token = _suppressed_app(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, shown = run(capsys, "train", ".", "--out", "session", "--scorm")
    assert code == 0, shown
    lessons = (tmp_path / "session" / "lessons").glob("*.md")
    lesson = next(p.read_text(encoding="utf-8") for p in lessons if "db.py" in p.read_text())
    # The suppressed line is shown (it is context of the active finding), redacted.
    assert '1   DB_PASSWORD = "****(12 chars)"  # tokenward: ignore[TW101] sandbox\n' \
        '2 > API_TOKEN = "ghp_****(40 chars)"\n' in lesson
    assert leaked(shown + written(tmp_path / "session"), password, token) == []


def test_suppressed_secret_is_masked_in_a_lesson_from_a_report(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    password, token = _suppressed_app(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, _ = run(capsys, "scan", "db.py", "-f", "json", "-o", "report.json", "--no-cache")
    assert code == 1
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    # Positions of every secret, suppressed ones included; never the value.
    assert [(f["suppressed"], f["secret_spans"]) for f in report["findings"]] == [
        (True, [[1, 16, 1, 28]]), (False, [[2, 14, 2, 54]])]
    code, shown = run(capsys, "train", "--findings", "report.json", "--out", "session")
    assert code == 0, shown
    assert leaked(shown + written(tmp_path / "session"), password, token) == []


def test_suppressed_secret_is_masked_in_fix_context_lines(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    password, token = _suppressed_app(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, shown = run(capsys, "fix", ".")
    assert code == 1
    assert ' DB_PASSWORD = "****(12 chars)"  # tokenward: ignore[TW101] sandbox\n' in shown
    assert leaked(shown, password, token) == []


# Item 11 ------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["dotdot", "absolute", "symlink"])
def test_train_findings_refuses_a_path_outside_the_root(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        kind: str) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    diary = f"dear diary {piece()} {piece()}"
    (victim / "private.txt").write_text(f"{diary}\n" * 5, encoding="utf-8")
    repo = tmp_path / "repo"
    repo.mkdir()
    path = {"dotdot": "../victim/private.txt", "absolute": str(victim / "private.txt"),
            "symlink": "notes.txt"}[kind]
    if kind == "symlink":
        (repo / "notes.txt").symlink_to(victim / "private.txt")
    finding = {"rule_id": "TW103", "rule": "provider-token", "category": "hardcoded-secret",
               "severity": "critical", "path": path, "line": 3, "end_line": 3, "column": 1,
               "end_column": 5, "message": "GitHub token in clear text", "snippet": "x",
               "fingerprint": "0" * 24}
    (repo / "report.json").write_text(json.dumps({"findings": [finding]}), encoding="utf-8")
    monkeypatch.chdir(repo)
    code, shown = run(capsys, "train", "--findings", "report.json", "--out", "session")
    assert code == 2
    assert shown == (f"tokenward: error: report.json: finding 1 names {path!r}, outside "
                     f"{repo}: refusing to read it (run from the folder the report was made "
                     "in, or pass --root)\n")
    assert not (repo / "session").exists()


def test_lessons_never_read_outside_the_root(tmp_path: Path) -> None:
    """The library too: a finding naming a file outside the root shows its snippet only."""
    from tokenward.config import Config
    from tokenward.model import Category, Finding, Severity, Span
    from tokenward.training.excerpts import SourceFiles, finding_excerpt, scan_reported

    secret = f"{piece()}!{piece()}"
    (tmp_path / "private.txt").write_text(f"a\nb\npassword {secret}\n", encoding="utf-8")
    root = tmp_path / "repo"
    root.mkdir()
    finding = Finding("TW102", "hardcoded-secret-config", Category.HARDCODED_SECRET,
                      Severity.HIGH, "../private.txt", Span(3, 10, 3, 27), "a password",
                      "[snippet]", "f" * 24)
    files = SourceFiles(root, scan_reported([finding], root, Config(), ()))
    files.learn([finding])
    assert files.view("../private.txt") is None
    assert finding_excerpt(files, finding).lines == ("[snippet]",)


# Item 12 ------------------------------------------------------------------------------

_OSC52 = "\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07"


def _hostile_app(root: Path) -> str:
    token = github_token()
    (root / "app.py").write_text(
        f'API_TOKEN = "{token}"  # {_OSC52}\x9b31m\u202e\x1b[2J\x0c\n', encoding="utf-8")
    return token


@pytest.mark.parametrize("fmt", ["text", "github", "json", "sarif", "junit"])
def test_no_control_character_reaches_the_output(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        fmt: str) -> None:
    _hostile_app(tmp_path)
    (tmp_path / f"evil{_OSC52}.py").write_text(f'TOKEN = "{github_token()}"\n')
    monkeypatch.chdir(tmp_path)
    code, shown = run(capsys, "scan", ".", "-f", fmt, "--no-cache")
    assert code == 1
    raw = re.findall("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]", shown)
    assert raw == []
    if fmt in ("json", "sarif"):
        # The same data (JSON escapes decode to the very characters), no raw byte of it.
        # Names keep their characters (JSON escapes them), snippets show them as escapes.
        strings = _strings(json.loads(shown))
        assert f"evil{_OSC52}.py" in strings
        assert ('API_TOKEN = "ghp_****(40 chars)"  # \\x1b]52;c;****(24 chars)\\x07'
                '\\x9b31m\\u202e\\x1b[2J\\x0c') in strings
    else:
        assert "\\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\x07" in shown
    if fmt == "junit":
        ET.fromstring(shown)  # well-formed


def _strings(data: object) -> set[str]:
    if isinstance(data, dict):
        return {s for v in data.values() for s in _strings(v)}
    if isinstance(data, list):
        return {s for v in data for s in _strings(v)}
    return {data} if isinstance(data, str) else set()


def test_fix_output_escapes_control_characters(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    token = _hostile_app(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, shown = run(capsys, "fix", ".")
    assert code == 1
    assert re.findall("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]", shown) == []
    assert leaked(shown, token) == []


def test_a_file_name_cannot_break_out_of_a_markdown_code_span(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a`b|c.py").write_text(f'TOKEN = "{github_token()}"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, shown = run(capsys, "train", ".", "--out", "session")
    assert code == 0, shown
    lesson = (tmp_path / "session" / "lessons" / "01-hardcoded-secret.md").read_text()
    assert "| ``a`b\\|c.py`` | 1 | 1 |\n" in lesson
    assert "``a`b|c.py``, line 1 (secrets redacted" in lesson


# Item 15 ------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_an_encoding_declaration_is_never_echoed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        fmt: str) -> None:
    token = github_token()
    (tmp_path / "enc.py").write_text(f"# -*- coding: {token} -*-\nx = 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, shown = run(capsys, "scan", "enc.py", "-f", fmt, "--no-cache")
    assert code == 1
    assert ("bad encoding declaration: unknown encoding (the name is not shown: it is file "
            "content)") in shown
    assert leaked(shown, token) == []
