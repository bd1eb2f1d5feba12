"""Moving hard-coded secrets out of a project: .env, .env.example, .gitignore, the vault,
names unique per project, rotation reminders, and the safety rules of the rewrite."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest

from tokenward.analysis.providers import provider_of
from tokenward.cli import main
from tokenward.config import Config
from tokenward.fix.engine import FixOptions, apply_plan, plan_fixes
from tokenward.fix.services import Destination
from tokenward.scanner.pipeline import ScanRequest, run_pipeline

GITHUB = "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"  # valid checksum, never issued
GITHUB_PROVIDER = provider_of(GITHUB)
assert GITHUB_PROVIDER is not None and "github.com/settings/tokens" in GITHUB_PROVIDER.rotation
KEY_A = "Xc4Vb5Nm6Lk7Jh8Gf9Ds0Aq1Zw2Ex3Rc"
KEY_B = "Yt5Gb6Hn7Uj8Mi9Ko0Lp1Qa2Ws3Ed4Rf"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("GITHUB_TOKEN", "API_KEY", "API_KEY_2"):
        monkeypatch.delenv(name, raising=False)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "bot.py").write_text(f'GITHUB_TOKEN = "{GITHUB}"\n')
    (tmp_path / "billing.py").write_text(f'API_KEY = "{KEY_A}"\n')
    (tmp_path / "search.py").write_text(f'API_KEY = "{KEY_B}"\nBACKUP_API_KEY = "{KEY_A}"\n')
    return tmp_path


def test_write_moves_every_secret_to_an_owner_only_ignored_env_file(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fix", "--write"]) == 0
    out = capsys.readouterr().out
    assert (project / "bot.py").read_text() == ('import os\n\n'
                                               'GITHUB_TOKEN = os.environ["GITHUB_TOKEN"]\n')
    assert (project / "billing.py").read_text() == 'import os\n\nAPI_KEY = os.environ["API_KEY"]\n'
    assert (project / "search.py").read_text() == (
        'import os\n\nAPI_KEY = os.environ["API_KEY_2"]\n'
        'BACKUP_API_KEY = os.environ["BACKUP_API_KEY"]\n')
    assert (project / ".env").read_text() == (f"API_KEY={KEY_A}\nGITHUB_TOKEN={GITHUB}\n"
                                              f"API_KEY_2={KEY_B}\nBACKUP_API_KEY={KEY_A}\n")
    assert stat.S_IMODE((project / ".env").stat().st_mode) == 0o600
    assert (project / ".env.example").read_text() == (
        "API_KEY=\nGITHUB_TOKEN=\nAPI_KEY_2=\nBACKUP_API_KEY=\n")
    assert (project / ".gitignore").read_text() == ".env\n"
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=project, check=False)
    assert ignored.returncode == 0
    for secret in (GITHUB, KEY_A, KEY_B):
        assert secret not in out
    assert out.splitlines() == [
        "Fixed 4 findings in 3 files.",
        "",
        "Secrets moved to .env (4):",
        "  billing.py:1  TW101  -> API_KEY",
        "  bot.py:1      TW101  -> GITHUB_TOKEN",
        "  search.py:1   TW101  -> API_KEY_2",
        "  search.py:2   TW101  -> BACKUP_API_KEY",
        "",
        "  created .env (readable by you only)",
        "  added .env to .gitignore",
        "  listed API_KEY in .env.example",
        "  listed GITHUB_TOKEN in .env.example",
        "  listed API_KEY_2, BACKUP_API_KEY in .env.example",
        "",
        "Rotate these secrets now (moving them does not make them secret again):",
        "  - API_KEY (from billing.py:1) was exposed in the code and its version history: "
        "rotate it. Revoke it where it was issued and create a new one; treat the old value "
        "as public.",
        "  - GITHUB_TOKEN (from bot.py:1) was exposed in the code and its version history: "
        f"rotate it. {GITHUB_PROVIDER.label}: {GITHUB_PROVIDER.rotation}",
        "  - API_KEY_2 (from search.py:1) was exposed in the code and its version history: "
        "rotate it. Revoke it where it was issued and create a new one; treat the old value "
        "as public.",
        "  - BACKUP_API_KEY (from search.py:2) was exposed in the code and its version "
        "history: rotate it. Revoke it where it was issued and create a new one; treat the "
        "old value as public.",
        "The app reads them from the environment and nothing in it loads .env: export them "
        "before it starts (set -a; . ./.env; set +a), or run fix --load-dotenv to add "
        "python-dotenv's loader.",
    ]
    # A second run has nothing left to do, and the .env keeps its values.
    assert main(["fix", "--write"]) == 0
    assert capsys.readouterr().out == "Fixed 0 findings in 0 files.\n"
    assert (project / ".env").read_text().count("\n") == 4


def test_dry_run_lists_what_moves_where_and_writes_nothing(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fix", "bot.py"]) == 1
    out = capsys.readouterr().out
    assert GITHUB not in out
    assert out.splitlines()[-4:] == [
        "Secrets that would move to .env (1):",
        "  bot.py:1  TW101  -> GITHUB_TOKEN",
        "",
        "Dry run: 1 fix in 1 file; run with --write to apply.",
    ]
    assert '-GITHUB_TOKEN = "ghp_****(40 chars)"' in out.splitlines()
    assert not (project / ".env").exists()
    assert (project / "bot.py").read_text() == f'GITHUB_TOKEN = "{GITHUB}"\n'


def test_an_existing_env_entry_is_reused_or_avoided(project: Path) -> None:
    (project / ".env").write_text(f"API_KEY={KEY_B}\n")
    (project / ".gitignore").write_text("/.env\n")
    assert main(["fix", "--write", "billing.py", "search.py"]) == 0
    assert (project / "billing.py").read_text().endswith('API_KEY = os.environ["API_KEY_2"]\n')
    assert (project / "search.py").read_text().endswith(
        'API_KEY = os.environ["API_KEY"]\nBACKUP_API_KEY = os.environ["BACKUP_API_KEY"]\n')
    assert (project / ".env").read_text() == (f"API_KEY={KEY_B}\nAPI_KEY_2={KEY_A}\n"
                                              f"BACKUP_API_KEY={KEY_A}\n")
    assert (project / ".gitignore").read_text() == "/.env\n"


def test_a_file_changed_since_the_scan_is_skipped_and_the_others_are_written(
        project: Path) -> None:
    config = Config(root=str(project))
    plan = plan_fixes(run_pipeline(ScanRequest(paths=(".",)), config), config,
                      options=FixOptions(root=project))
    (project / "billing.py").write_text(f'API_KEY = "{KEY_A}"  # edited meanwhile\n')
    report = apply_plan(plan)
    assert [(p.path, p.message) for p in report.problems] == [
        ("billing.py", "skipped: the file changed since it was scanned; run fix again")]
    assert sorted(f.path for f in report.written) == ["bot.py", "search.py"]
    assert (project / "billing.py").read_text() == f'API_KEY = "{KEY_A}"  # edited meanwhile\n'


def test_a_file_whose_fix_would_leave_the_secret_is_left_untouched(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kept = f'# old key: {KEY_B}\nAPI_KEY = "{KEY_B}"\n'
    (project / "search.py").write_text(kept)
    assert main(["fix", "--write"]) == 1
    out = capsys.readouterr().out
    assert (project / "search.py").read_text() == kept
    assert "  search.py  left untouched: a moved secret would still be in the file" in out
    assert KEY_B not in out
    assert (project / "billing.py").read_text().endswith('os.environ["API_KEY"]\n')
    assert (project / "bot.py").read_text().endswith('os.environ["GITHUB_TOKEN"]\n')


_NOT_PYTHON = ("(not a Python file: move the value to a secret manager or an untracked .env "
               "by hand, reference it by name, and rotate it)")


@pytest.mark.parametrize(("name", "template", "finding"), [
    ("deploy.yaml", "github:\n  token: {GITHUB}\n",
     "  deploy.yaml:2:10  TW102  Hard-coded GitHub personal access token in configuration "
     "key token"),
    # Other languages' findings (TW101's text path) take the same non-Python path.
    ("login.js", 'const adminPassword = "{KEY_B}";\n',
     "  login.js:1:24  TW101  Hard-coded password bound to adminPassword"),
])
def test_non_python_files_get_a_manual_hint_and_are_never_rewritten(
        project: Path, capsys: pytest.CaptureFixture[str], name: str, template: str,
        finding: str) -> None:
    code = template.format(GITHUB=GITHUB, KEY_B=KEY_B)
    (project / name).write_text(code)
    assert main(["fix", "--write", name]) == 1
    out = capsys.readouterr().out
    assert (project / name).read_text() == code
    lines = out.splitlines()
    start = lines.index("Needs a fix by hand (1):")
    assert lines[start + 1] == finding
    assert lines[start + 2].strip().startswith("Load it at run time" if name.endswith(".js")
                                               else "Keep the value out of the file")
    assert lines[start + 2].endswith(_NOT_PYTHON)
    assert GITHUB not in out and KEY_B not in out


def test_to_store_moves_secrets_into_the_vault(project: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOKENWARD_VAULT", str(project / "vault" / "vault.json"))
    monkeypatch.setenv("TOKENWARD_KEY_FILE", str(project / "vault" / "vault.key"))
    import tokenward.store as store

    store.set_secret("API_KEY", "a value that was there before")
    assert main(["fix", "--write", "--to", "store"]) == 0
    assert (project / "billing.py").read_text() == (
        'import tokenward.store\n\nAPI_KEY = tokenward.store.get("API_KEY_2")\n')
    assert store.get("API_KEY") == "a value that was there before"
    assert store.get("API_KEY_2") == KEY_A
    assert store.get("API_KEY_3") == KEY_B
    assert store.get("BACKUP_API_KEY") == KEY_A
    assert store.get("GITHUB_TOKEN") == GITHUB
    assert not (project / ".env").exists()


def test_to_store_failure_leaves_the_code_untouched(project: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    blocker = project / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("TOKENWARD_VAULT", str(blocker / "vault.json"))
    monkeypatch.setenv("TOKENWARD_KEY_FILE", str(blocker / "vault.key"))
    assert main(["fix", "--write", "--to", "store", "bot.py"]) == 1
    out = capsys.readouterr().out
    assert (project / "bot.py").read_text() == f'GITHUB_TOKEN = "{GITHUB}"\n'
    assert "  bot.py  left untouched: cannot store GITHUB_TOKEN in the vault" in out
    assert GITHUB not in out


def test_engine_destination_env_is_the_default() -> None:
    assert FixOptions().destination is Destination.ENV


@pytest.mark.parametrize(("answers", "fixed_files", "questions"), [
    (["a"], ["billing.py", "bot.py", "search.py"], 1),
    (["y", "q"], ["billing.py"], 2),
    (["n", "y", "n", "n"], ["bot.py"], 4),
    (["q"], [], 1),
])
def test_interactive_answers(project: Path, answers: list[str], fixed_files: list[str],
                             questions: int) -> None:
    from tokenward.fix.engine import Answer, Proposal

    asked: list[Proposal] = []

    def decide(proposal: Proposal) -> Answer:
        asked.append(proposal)
        return Answer(answers[len(asked) - 1])

    config = Config(root=str(project))
    plan = plan_fixes(run_pipeline(ScanRequest(paths=(".",)), config), config,
                      options=FixOptions(root=project), decide=decide)
    assert len(asked) == questions
    assert [p.path for p in asked] == ["billing.py", "bot.py", "search.py", "search.py"][
        :questions]
    assert all(KEY_A not in p.diff and GITHUB not in p.diff for p in asked)
    assert sorted(f.path for f in plan.files) == fixed_files


def test_a_short_secret_inside_a_longer_word_is_not_the_secret_left_behind() -> None:
    from tokenward.fix.engine import fix_text

    code = ('class Config:\n    SECRET_KEY = "dev"\n'
            '    DATABASE_URI = "postgresql://localhost/shop_dev"\n')
    fixed = fix_text(code, "settings.py")
    # "dev" in "shop_dev" is part of a word, not the key: the key still moves.
    assert fixed.text.splitlines()[-2:] == [
        '    SECRET_KEY = os.environ["SECRET_KEY"]',
        '    DATABASE_URI = "postgresql://localhost/shop_dev"']
    assert [(m.name, m.line, m.rule_id) for m in fixed.moves] == [("SECRET_KEY", 2, "TW104")]
    # The same short value written as its own word would still be in the file: untouched.
    kept = code + '    LEGACY_KEY_HINT = "dev"  # tokenward: ignore[TW104] a hint\n'
    left = fix_text(kept, "settings.py")
    assert left.text == kept
    assert [p.message for p in left.problems] == [
        "left untouched: a moved secret would still be in the file"]
