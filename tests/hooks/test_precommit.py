"""The real ``pre-commit`` tool installing tokenward's hook from a local clone of this
repository, then real ``git commit`` calls in a temporary repository.

The clone holds a snapshot commit of the current source tree (tracked and untracked,
not ignored), made with fixed author, committer and dates, so unchanged sources give the
same commit id and pre-commit reuses its hook environment from PRE_COMMIT_HOME (a fixed
folder: $TOKENWARD_PRE_COMMIT_HOME, else ~/.cache/tokenward-tests/pre-commit). The first
run installs tokenward's dependencies from PyPI into that environment.

The token committed is a registered hard-coded-secret rule's own bad example, so the test
follows whatever secret rules exist; it is skipped (with the reason) when none is
registered.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hooks.conftest import commit_all, git, init_repo
from tokenward.model import Category

ROOT = Path(__file__).resolve().parents[2]
FIXED = {"GIT_AUTHOR_NAME": "snapshot", "GIT_AUTHOR_EMAIL": "snapshot@example.com",
         "GIT_COMMITTER_NAME": "snapshot", "GIT_COMMITTER_EMAIL": "snapshot@example.com",
         "GIT_AUTHOR_DATE": "2000-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2000-01-01T00:00:00Z"}


@dataclass(frozen=True)
class Token:
    text: str  # a whole file that holds a token
    line: int  # the line that must be named


def _secret_example() -> Token | None:
    from tokenward.rules import RULES

    for rule in RULES:
        if rule.category is not Category.HARDCODED_SECRET:
            continue
        for example in rule.bad:
            if example.path.endswith(".py") and len(example.lines) == 1:
                return Token(example.text, example.lines[0])
    return None


TOKEN = _secret_example()
pytestmark = pytest.mark.skipif(
    shutil.which("pre-commit") is None and os.environ.get("TOKENWARD_REQUIRE_TOOLS") != "1",
    reason="pre-commit is not installed")
needs_token = pytest.mark.skipif(TOKEN is None, reason="no hard-coded-secret rule with a "
                                 "one-line Python bad example is registered yet")


def _cache_home() -> Path:
    configured = os.environ.get("TOKENWARD_PRE_COMMIT_HOME")
    base = Path(configured) if configured else Path.home() / ".cache" / "tokenward-tests"
    base.mkdir(parents=True, exist_ok=True)
    return base


# What pre-commit needs to install the hook; only these go into the snapshot, so editing
# tests or docs does not make pre-commit build a new environment.
SNAPSHOT_PATHS = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "src")


def _snapshot_clone(cache: Path) -> tuple[Path, str]:
    clone = cache / "tokenward-clone"
    if not (clone / ".git").exists():
        subprocess.run(["git", "clone", "-q", "--no-checkout", str(ROOT), str(clone)],
                       check=True, capture_output=True)
    git(clone, "read-tree", "--empty")
    # Stage the current sources (including uncommitted work, minus ignored files).
    subprocess.run(["git", f"--git-dir={clone / '.git'}", f"--work-tree={ROOT}", "add", "-A",
                    "--", *SNAPSHOT_PATHS], check=True, capture_output=True)
    tree = git(clone, "write-tree").strip()
    env = {**os.environ, **FIXED}
    sha = subprocess.run(["git", "commit-tree", tree, "-m", "tokenward snapshot"], cwd=clone,
                         check=True, capture_output=True, text=True, env=env).stdout.strip()
    git(clone, "branch", "-f", "snapshot", sha)
    return clone, sha


@pytest.fixture(scope="module")
def hook_source() -> tuple[Path, str, Path]:
    cache = _cache_home()
    clone, sha = _snapshot_clone(cache)
    return clone, sha, cache / "pre-commit"


@pytest.fixture
def consumer(tmp_path: Path, hook_source: tuple[Path, str, Path]) -> Path:
    clone, sha, home = hook_source
    repo = init_repo(tmp_path / "consumer")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {clone}\n    rev: {sha}\n    hooks:\n      - id: tokenward\n")
    (repo / "README.md").write_text("a project\n")
    commit_all(repo, "base")
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    subprocess.run(["pre-commit", "install"], cwd=repo, check=True, capture_output=True,
                   env=env)
    return repo


def commit(repo: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(_cache_home() / "pre-commit"),
           "NO_COLOR": "1", "PRE_COMMIT_COLOR": "never"}
    # git prints the hook's output on standard error; keep both streams in order.
    return subprocess.run(["git", "commit", "-m", "work"], cwd=repo, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, env=env, check=False,
                          timeout=900)


def commits(repo: Path) -> int:
    return int(git(repo, "rev-list", "--count", "HEAD"))


@needs_token
def test_a_token_commit_is_blocked_naming_file_and_line(consumer: Path) -> None:
    assert TOKEN is not None
    (consumer / "settings.py").write_text(TOKEN.text)
    git(consumer, "add", "settings.py")
    done = commit(consumer)
    assert done.returncode != 0
    assert f"settings.py:{TOKEN.line}:" in done.stdout
    assert "tokenward (API-token mistakes)" in done.stdout and "Failed" in done.stdout
    assert commits(consumer) == 1


def test_a_clean_commit_passes(consumer: Path) -> None:
    (consumer / "app.py").write_text("import os\n\nTOKEN = os.environ['API_TOKEN']\n")
    git(consumer, "add", "app.py")
    done = commit(consumer)
    assert done.returncode == 0, done.stdout
    assert "tokenward (API-token mistakes)" in done.stdout and "Passed" in done.stdout
    assert commits(consumer) == 2


@needs_token
def test_a_baselined_finding_passes(consumer: Path) -> None:
    assert TOKEN is not None
    (consumer / "settings.py").write_text(TOKEN.text)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    subprocess.run([sys.executable, "-m", "tokenward", "baseline", "create"], cwd=consumer,
                   check=True, capture_output=True, env=env)
    git(consumer, "add", "-A")
    done = commit(consumer)
    assert done.returncode == 0, done.stdout
    assert commits(consumer) == 2


@needs_token
def test_only_the_unstaged_version_holds_the_token(consumer: Path) -> None:
    assert TOKEN is not None
    (consumer / "settings.py").write_text("import os\nKEY = os.environ['KEY']\n")
    git(consumer, "add", "settings.py")
    (consumer / "settings.py").write_text(TOKEN.text)  # not staged: not committed
    done = commit(consumer)
    assert done.returncode == 0, done.stdout
    assert (consumer / "settings.py").read_text() == TOKEN.text  # the stash came back
    assert commits(consumer) == 2


@needs_token
def test_only_the_staged_version_holds_the_token(consumer: Path) -> None:
    assert TOKEN is not None
    (consumer / "settings.py").write_text(TOKEN.text)
    git(consumer, "add", "settings.py")
    (consumer / "settings.py").write_text("import os\nKEY = os.environ['KEY']\n")
    done = commit(consumer)
    assert done.returncode != 0
    assert f"settings.py:{TOKEN.line}:" in done.stdout
    assert commits(consumer) == 1


def test_the_fix_hook_rewrites_then_stops_and_the_second_commit_passes(
        tmp_path: Path, hook_source: tuple[Path, str, Path]) -> None:
    """The opt-in `tokenward-fix` hook: the secret moves to a git-ignored .env, the commit
    stops so the rewrite is reviewed; staged again, the commit goes through."""
    clone, sha, home = hook_source
    repo = init_repo(tmp_path / "fixme")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {clone}\n    rev: {sha}\n    hooks:\n      - id: tokenward-fix\n"
        "      - id: tokenward\n")
    commit_all(repo, "base")
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    subprocess.run(["pre-commit", "install"], cwd=repo, check=True, capture_output=True,
                   env=env)
    secret = "Zx8Kq2Lm9Np4Rs7Tv1Wy3Ab6Cd0Ef5Gh"
    (repo / "client.py").write_text(f'API_TOKEN = "{secret}"\n')
    git(repo, "add", "client.py")
    first = commit(repo)
    assert first.returncode != 0
    assert "files were modified by this hook" in first.stdout
    assert secret not in first.stdout
    assert (repo / "client.py").read_text() == (
        'import os\n\nAPI_TOKEN = os.environ["API_TOKEN"]\n')
    assert (repo / ".env").read_text() == f"API_TOKEN={secret}\n"
    assert ".env" in (repo / ".gitignore").read_text().split()
    git(repo, "add", "client.py", ".gitignore", ".env.example")
    second = commit(repo)
    assert second.returncode == 0, second.stdout
    assert commits(repo) == 2
