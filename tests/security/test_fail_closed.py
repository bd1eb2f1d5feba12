"""Issue 15, item 7: the gate must not fail open.

Every case commits a secret the way a careless developer would, in a file that used to make
the hook exit 0: `git add` in a temporary repository, then the hook entry itself
(`tokenward.hooks.precommit.main`, both as pre-commit calls it, with the staged file names,
and with `--staged`, which reads the git index). Each test names the line that must fire,
or the file that must be reported as not fully scanned. One case goes through the real
`pre-commit run` with a `repo: local` hook built from the project's `.pre-commit-hooks.yaml`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hooks.conftest import commit_all, git, init_repo
from tests.security.failclosed_helpers import fake_github_token, fake_password
from tokenward.cli import main as cli_main
from tokenward.hooks import precommit
from tokenward.scanner import engine

ROOT = Path(__file__).resolve().parents[2]
TOKEN = fake_github_token()
PASSWORD = fake_password()
CAP = 2 * 1024 * 1024  # the default size cap


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = init_repo(tmp_path / "repo")
    (repo / "README.md").write_text("a project\n")
    commit_all(repo, "base")
    monkeypatch.chdir(repo)
    return repo


def stage(repo: Path, files: dict[str, bytes]) -> list[str]:
    for name, data in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_bytes(data)
    git(repo, "add", *files)
    return list(files)


def run_hook(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int, str]:
    code = precommit.main(args)
    out, err = capsys.readouterr()
    return code, out + err


@dataclass(frozen=True)
class Case:
    files: Callable[[], dict[str, bytes]]
    must_show: tuple[str, ...]  # what the report must name: `path:line:` or `path: error`


def _notebook() -> bytes:
    cell = {"cell_type": "code", "metadata": {}, "execution_count": 1,
            "source": [f'GITHUB_TOKEN = "{TOKEN}"\n'],
            "outputs": [{"output_type": "stream", "name": "stdout",
                         "text": ["x" * 100 + "\n"] * 23_000}]}
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4,
                       "nbformat_minor": 5}).encode()


def _big_python() -> bytes:
    head = f'GITHUB_TOKEN = "{TOKEN}"\n'.encode()
    return head + b"VALUES = [1, 2, 3]\n" * (int(2.2 * 1024 * 1024) // 19)


CASES = {
    "env-with-one-nul": Case(
        lambda: {".env": f"DEBUG=1\0\nGITHUB_TOKEN={TOKEN}\n".encode()},
        (".env:2:", ".env: error: ")),
    "utf16-settings-env": Case(
        lambda: {"settings.env": f"DEBUG=1\nGITHUB_TOKEN={TOKEN}\n".encode("utf-16")},
        ("settings.env:2:",)),
    "json-ending-in-nul": Case(
        lambda: {"config.json": f'{{"github_token": "{TOKEN}"}}\n'.encode() + b"\0"},
        ("config.json:1:", "config.json: error: ")),
    "notebook-over-the-size-cap": Case(
        lambda: {"analysis.ipynb": _notebook()}, ("analysis.ipynb: error: ",)),
    "python-over-the-size-cap": Case(
        lambda: {"big.py": _big_python()}, ("big.py: error: ",)),
    "python-syntax-error": Case(
        lambda: {"broken.py": f'DB_PASSWORD = "{PASSWORD}"\n\ndef broken(:\n    pass\n'
                 .encode()},
        ("broken.py:1:16: TW101 ",)),
    "3000-term-expression": Case(
        lambda: {"deep.py": (f'API_SECRET = "{PASSWORD}"\nTOTAL = '
                             + " + ".join(["1"] * 3000) + "\n").encode()},
        ("deep.py:1:15: TW101 ", "deep.py: error: ")),
    "parenthesised-implicit-concatenation": Case(
        lambda: {"split.py": f'API_TOKEN = (\n    "{TOKEN[:20]}"\n    "{TOKEN[20:]}"\n)\n'
                 .encode()},
        ("split.py:2:5: TW101 ",)),
    "backslash-continuation": Case(
        lambda: {"cont.py": f'DB_PASSWORD = "{PASSWORD[:4]}" \\\n    "{PASSWORD[4:]}"\n'
                 .encode()},
        ("cont.py:1:15: TW101 ",)),
    "plus-chain-over-lines": Case(
        lambda: {"plus.py": f'DB_PASSWORD = ("{PASSWORD[:4]}" +\n'
                 f'               "{PASSWORD[4:]}")\n'.encode()},
        ("plus.py:1:16: TW101 ",)),
    "yaml-folded-scalar": Case(
        lambda: {"app.yaml": f"database:\n  password: >\n    {PASSWORD}\n".encode()},
        ("app.yaml:3:5: TW102 ",)),
    "yaml-literal-scalar": Case(
        lambda: {"app.yml": f"database:\n  password: |-\n    {PASSWORD}\n".encode()},
        ("app.yml:3:5: TW102 ",)),
    "yaml-folded-scalar-split-token": Case(
        lambda: {"ci.yaml": f"ci:\n  github_token: >-\n    {TOKEN[:20]}\n    {TOKEN[20:]}\n"
                 .encode()},
        ("ci.yaml:3:5: TW102 ",)),
}


@pytest.mark.parametrize("mode", ["files", "staged"])
@pytest.mark.parametrize("name", list(CASES))
def test_the_hook_fails_and_names_the_line(repo: Path, capsys: pytest.CaptureFixture[str],
                                           name: str, mode: str) -> None:
    case = CASES[name]
    files = stage(repo, case.files())
    code, output = run_hook(capsys, ["--staged"] if mode == "staged" else files)
    assert code == 1, output
    for expected in case.must_show:
        assert expected in output, output
    assert TOKEN not in output and PASSWORD not in output


def test_an_unreadable_file_fails_the_hook(repo: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root, where chmod 000 does not stop a read: the read itself is refused.
    files = stage(repo, {"secret.py": f'DB_PASSWORD = "{PASSWORD}"\n'.encode()})
    original = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self.name == "secret.py":
            raise PermissionError(13, "Permission denied")
        return original(self)

    original_file = engine.read_file

    def refuse_file(path: Path, max_size: int) -> tuple[os.stat_result, bytes] | None:
        return None if path.name == "secret.py" else original_file(path, max_size)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    monkeypatch.setattr(engine, "read_file", refuse_file)
    code, output = run_hook(capsys, files)
    assert code == 1, output
    assert "secret.py: error: cannot read: Permission denied" in output
    assert "1 not fully scanned" in output


def test_real_binaries_stay_skipped_and_do_not_fail(repo: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)) * 40
    # A PDF whose first bytes hold no NUL and are not UTF-8 either; one over the size cap.
    pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(1, 256)) * 40
    files = stage(repo, {"logo.png": png, "font.woff2": b"wOF2\0\1\0\0" + png,
                         "manual.pdf": pdf, "scan.pdf": pdf * (CAP // len(pdf) + 1),
                         "app.py": b"import os\n\nTOKEN = os.environ['API_TOKEN']\n"})
    code, output = run_hook(capsys, files)
    assert (code, output) == (
        0, "tokenward: 0 findings in 0 files (1 scanned); skipped 3 binary, 1 too-large\n")


def test_a_text_kind_file_with_nul_bytes_names_the_problem(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = stage(repo, {"notes.txt": b"just notes\0 nothing secret\n"})
    code, output = run_hook(capsys, files)
    assert code == 1
    assert "notes.txt: error: holds NUL bytes" in output


def test_turning_it_off_in_settings_is_named_in_the_summary(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".tokenward.toml").write_text("fail_on_unscanned = false\n")
    files = stage(repo, {"big.py": _big_python()})
    code, output = run_hook(capsys, files)
    assert code == 0, output
    assert "big.py: error: " in output
    assert output.splitlines()[-1] == (
        "tokenward: 0 findings in 0 files (0 scanned); skipped 1 too-large; 1 error; 1 not fully scanned "
        "(not failing: fail_on_unscanned = false in .tokenward.toml)")


def test_plain_scan_reports_but_does_not_fail_unless_asked(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stage(repo, {"big.py": _big_python()})
    assert cli_main(["scan", "big.py", "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].endswith(
        "1 not fully scanned (--fail-on-unscanned to fail on it)")
    assert cli_main(["scan", "big.py", "--no-cache", "--fail-on-unscanned"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[-1].endswith("1 not fully scanned (fails the gate)")


def test_staged_and_diff_base_fail_by_default(repo: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    stage(repo, {"big.py": _big_python()})
    assert cli_main(["scan", "--staged", "--no-cache"]) == 1
    git(repo, "commit", "-q", "-m", "big")
    git(repo, "branch", "feature")
    assert cli_main(["scan", "--diff-base", "HEAD~1", "--no-cache"]) == 1
    assert cli_main(["scan", "--diff-base", "HEAD~1", "--no-cache",
                     "--no-fail-on-unscanned"]) == 0
    capsys.readouterr()


def test_json_counts_and_names_unscanned_files(repo: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    stage(repo, {"big.py": _big_python(), "ok.py": b"x = 1\n"})
    assert cli_main(["scan", ".", "--no-cache", "-f", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["unscanned"] == ["big.py"]
    assert document["summary"]["unscanned"] == 1
    assert document["summary"]["fail_on_unscanned"] is False
    [error] = [e for e in document["errors"] if e["path"] == "big.py"]
    assert error["unscanned"] is True


def test_a_crashing_rule_is_internal_and_unscanned(repo: Path) -> None:
    """A rule that crashes on a file leaves it not fully analysed (and exit 2)."""
    from tests.scanner.probe_rules import EXPLODES
    from tokenward.config import Config
    from tokenward.scanner.pipeline import ScanRequest, run_pipeline

    stage(repo, {"a.py": b"x = 1\n"})
    outcome = run_pipeline(ScanRequest(staged=True), Config(root=str(repo)), rules=[EXPLODES],
                       use_cache=False)
    assert outcome.result.unscanned == ("a.py",)
    assert outcome.exit_code(Config()) == 2


def _hook_definition() -> dict[str, object]:
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    [hook] = [h for h in hooks if h["id"] == "tokenward"]
    return dict(hook)


def test_through_real_pre_commit_run(repo: Path) -> None:
    """`pre-commit run` with the project's own hook definition (its `types` decide which
    files pre-commit passes: a `.env` with a NUL byte must not be filtered out as binary)."""
    hook = _hook_definition()
    hook.update(entry=f"{sys.executable} -m tokenward.hooks.precommit", language="system")
    hook.pop("additional_dependencies")  # the scan extra, for language: python only
    (repo / ".pre-commit-config.yaml").write_text(
        json.dumps({"repos": [{"repo": "local", "hooks": [hook]}]}))
    stage(repo, {".pre-commit-config.yaml": (repo / ".pre-commit-config.yaml").read_bytes(),
                 ".env": f"DEBUG=1\0\nGITHUB_TOKEN={TOKEN}\n".encode()})
    env = {**os.environ, "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"),
           "PYTHONPATH": str(ROOT / "src"), "NO_COLOR": "1", "PRE_COMMIT_COLOR": "never"}
    done = subprocess.run([sys.executable, "-m", "pre_commit", "run"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert ".env:2:" in done.stdout
    assert "Failed" in done.stdout
    assert TOKEN not in done.stdout


def test_diff_base_sees_files_git_calls_binary(repo: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """`git diff -U0` prints no hunk for a file git calls binary (one NUL byte, UTF-16):
    such a file changed since the base must still be scanned, in full."""
    git(repo, "branch", "base")
    stage(repo, {".env": f"DEBUG=1\0\nGITHUB_TOKEN={TOKEN}\n".encode(),
                 "settings.env": f"DEBUG=1\nAPI_TOKEN={TOKEN}\n".encode("utf-16")})
    git(repo, "commit", "-q", "-m", "settings")
    assert cli_main(["scan", "--diff-base", "base", "--no-cache"]) == 1
    output = capsys.readouterr().out
    assert ".env:2:" in output and "settings.env:2:" in output, output
