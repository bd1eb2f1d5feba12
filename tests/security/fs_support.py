"""Helpers for the file-write attack tests: a git repository beside a victim folder, the
real CLI in a subprocess, and secret-shaped values made at run time (never in the source)."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


def fake_github_token() -> str:
    """A classic GitHub token with a valid CRC32 checksum (the issue's `gh` helper)."""
    body = "".join(secrets.choice(_BASE62) for _ in range(30))
    number, check = zlib.crc32(body.encode()), ""
    while number:
        number, digit = divmod(number, 62)
        check = _BASE62[digit] + check
    return "ghp_" + body + check.rjust(6, "0")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout


@dataclass(frozen=True)
class Scene:
    """``repo/`` (a git work tree, the attacker's clone) beside ``victim/`` (not theirs)."""

    repo: Path
    victim: Path

    def plant(self, name: str, target: str) -> Path:
        """A symbolic link ``repo/name -> target`` (as committed in a cloned repository)."""
        link = self.repo / name
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(target)
        return link

    def victim_file(self, name: str, text: str = "# the victim's file: keep me\n") -> Path:
        path = self.victim / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path


def make_scene(tmp_path: Path) -> Scene:
    repo, victim = tmp_path / "repo", tmp_path / "victim"
    repo.mkdir()
    victim.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "dev@example.com")
    git(repo, "config", "user.name", "Dev")
    git(repo, "config", "commit.gpgsign", "false")
    return Scene(repo, victim)


def tokenward(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command line, as a user runs it."""
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "tokenward", *args], cwd=cwd,
                          capture_output=True, text=True, env=env, check=False, timeout=300)
