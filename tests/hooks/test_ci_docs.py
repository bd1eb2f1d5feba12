"""docs/ci/gate.sh run as written on a real repository with a base and a feature branch
(the ``tokenward`` command is the source tree's, put first on PATH)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.hooks.conftest import commit_all, git, init_repo

ROOT = Path(__file__).resolve().parents[2]
TOKEN_LINE = 'DB_PASSWORD = "' + "hunter2-but-much-longer-Zq8" + '"\n'


@pytest.fixture
def feature(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    from tokenward.rules import RULES

    if not RULES:
        pytest.skip("no rules registered")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "tokenward"
    shim.write_text(f"#!/bin/sh\nPYTHONPATH={ROOT / 'src'} exec {sys.executable} -m tokenward "
                    '"$@"\n')
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "NO_COLOR": "1"}
    repo = init_repo(tmp_path / "repo")
    (repo / "old.py").write_text(TOKEN_LINE)
    commit_all(repo, "base with an old finding")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "feature.py").write_text("import os\nTOKEN = os.environ['TOKEN']\n")
    commit_all(repo, "clean feature")
    return repo, env


def gate(repo: Path, env: dict[str, str], **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sh", str(ROOT / "docs/ci/gate.sh")], cwd=repo,
                          env={**env, **extra}, capture_output=True, text=True, check=False)


def test_gate_passes_a_clean_feature_over_an_old_finding(
        feature: tuple[Path, dict[str, str]]) -> None:
    repo, env = feature
    done = gate(repo, env, BASE="main")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (repo / "tokenward.sarif").exists()
    suite = ET.parse(repo / "tokenward.junit.xml").getroot()
    assert suite.attrib["failures"] == "0"
    full = gate(repo, env)  # no BASE: the old finding counts
    assert full.returncode == 1
    assert "old.py:1:" in full.stdout


def test_gate_fails_a_feature_that_adds_a_token(feature: tuple[Path, dict[str, str]]) -> None:
    repo, env = feature
    (repo / "feature.py").write_text("import os\n" + TOKEN_LINE.replace("DB_", "API_"))
    commit_all(repo, "oops")
    done = gate(repo, env, BASE="main")
    assert done.returncode == 1
    assert "feature.py:2:" in done.stdout and "old.py" not in done.stdout


def test_gate_exits_2_without_the_base(feature: tuple[Path, dict[str, str]]) -> None:
    repo, env = feature
    done = gate(repo, env, BASE="origin/nowhere")
    assert done.returncode == 2


def test_gate_fails_a_token_added_and_removed_within_the_branch(
        feature: tuple[Path, dict[str, str]]) -> None:
    repo, env = feature
    (repo / "feature.py").write_text("import os\n" + TOKEN_LINE.replace("DB_", "API_"))
    commit_all(repo, "oops")
    oops = git(repo, "rev-parse", "HEAD").strip()
    (repo / "feature.py").write_text("import os\nTOKEN = os.environ['TOKEN']\n")
    commit_all(repo, "fixed, but the token is pushed with the branch")
    done = gate(repo, env, BASE="main")
    assert done.returncode == 1
    assert "feature.py:2:" in done.stdout and "old.py" not in done.stdout
    assert f"commit {oops[:12]} (" in done.stdout
    assert "only in history" in done.stdout
