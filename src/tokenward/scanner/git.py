"""The few git commands the hook and the gate need, run with real git.

Paths from git are relative to the repository root; ``display`` turns them into the
paths tokenward shows (relative to the current directory when below it).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from tokenward.scanner.files import display_path

# The empty tree: what an unborn branch (before the first commit) is compared with.
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


class GitError(RuntimeError):
    """git is missing, the folder is not a repository, or a revision does not exist."""


def run_git(args: Sequence[str], cwd: Path | None = None, *,
            input_data: bytes | None = None) -> bytes:
    """Run git and return its standard output; GitError with git's own message otherwise."""
    env = {**os.environ, "GIT_LITERAL_PATHSPECS": "1", "LC_ALL": "C"}
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotePath=false", *args],
            cwd=cwd, input=input_data, capture_output=True, check=False, env=env,
        )
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed: {message[-1] if message else 'no message'}")
    return done.stdout


def repo_root(cwd: Path | None = None) -> Path:
    try:
        out = run_git(["rev-parse", "--show-toplevel"], cwd)
    except GitError:
        raise GitError("not inside a git repository") from None
    return Path(out.decode("utf-8", "surrogateescape").strip())


def resolves(rev: str, cwd: Path | None = None) -> bool:
    try:
        run_git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd)
    except GitError:
        return False
    return True


def split_z(out: bytes) -> list[str]:
    return [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p]


def display(root: Path, relative: str, cwd: Path | None = None) -> str:
    """A repository-relative path as tokenward shows it."""
    return display_path(root / relative, cwd or Path.cwd())
