"""Discovery: git-aware inside a work tree, a careful walk elsewhere, excludes."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tokenward.scanner.files import discover, is_excluded


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _names(folder: Path, exclude: tuple[str, ...] = ()) -> list[str]:
    old = os.getcwd()
    os.chdir(folder)
    try:
        return [c.display for c in discover(["."], exclude)]
    finally:
        os.chdir(old)


def test_git_work_tree_tracked_plus_untracked_not_ignored(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    (tmp_path / ".gitignore").write_text("ignored.py\n")
    (tmp_path / "tracked.py").write_text("a = 1\n")
    (tmp_path / "ignored.py").write_text("b = 2\n")
    (tmp_path / "new.py").write_text("c = 3\n")
    _git(tmp_path, "add", ".gitignore", "tracked.py")
    assert _names(tmp_path) == [".gitignore", "new.py", "tracked.py"]


def test_walk_outside_git_skips_vendored_and_build_folders(tmp_path: Path) -> None:
    for folder in (".venv/lib", "node_modules/x", "build", "__pycache__", "src/pkg"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "f.py").write_text("x = 1\n")
    (tmp_path / "pkg.egg-info").mkdir()
    (tmp_path / "pkg.egg-info" / "PKG-INFO").write_text("x")
    assert _names(tmp_path) == ["src/pkg/f.py"]


@pytest.mark.parametrize(("pattern", "path", "excluded"), [
    ("tests/**", "tests/a/b.py", True),
    ("tests/**", "src/tests.py", False),
    ("*.min.js", "static/js/app.min.js", True),
    ("vendor", "lib/vendor/x.py", True),
    ("docs/*.md", "docs/a/b.md", False),
    ("**/fixtures/*.py", "tests/fixtures/x.py", True),
])
def test_exclude_globs(pattern: str, path: str, excluded: bool) -> None:
    assert is_excluded(path, [pattern]) is excluded


def test_explicit_file_is_scanned_even_if_git_ignores_it(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    (tmp_path / ".gitignore").write_text("secret.env\n")
    (tmp_path / "secret.env").write_text("X=1\n")
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert [c.display for c in discover(["secret.env"])] == ["secret.env"]
    finally:
        os.chdir(old)
