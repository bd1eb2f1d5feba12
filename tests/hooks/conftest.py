from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tokenward.model import Category, Finding, Severity, Span, Suppression

PROBE_CLI = Path(__file__).with_name("probe_cli.py")
MARK = "SECRET-" + "abcdefgh12"  # what probe rule TW901 fires on


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                          check=True)
    return done.stdout


def init_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.email", "dev@example.com")
    git(path, "config", "user.name", "Dev")
    git(path, "config", "commit.gpgsign", "false")
    return path


def commit_all(repo: Path, message: str = "change") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


ProbeRun = Callable[..., "subprocess.CompletedProcess[str]"]


@pytest.fixture
def probe() -> ProbeRun:
    """Run the real CLI in a subprocess with probe rules: probe(cwd, "TW901", "scan", ...)."""
    def run(cwd: Path, rules: str, *args: str, stdin: str | None = None
            ) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "NO_COLOR": "1"}
        return subprocess.run([sys.executable, str(PROBE_CLI), rules, *args], cwd=cwd,
                              capture_output=True, text=True, input=stdin, env=env,
                              check=False)
    return run


def make_finding(path: str = "app/settings.py", line: int = 3, *, rule_id: str = "TW901",
                 fingerprint: str = "f" * 24, severity: Severity = Severity.HIGH,
                 suppression: Suppression | None = None, target: str | None = "API_KEY",
                 column: int = 11, message: str = "marker found in API_KEY") -> Finding:
    return Finding(
        rule_id=rule_id, rule="probe-text-mark", category=Category.HARDCODED_SECRET,
        severity=severity, path=path, span=Span(line, column, line, column + 20),
        message=message, snippet='API_KEY = "SECR****(17 chars)"', fingerprint=fingerprint,
        fixable=False, suppression=suppression, target=target,
    )
