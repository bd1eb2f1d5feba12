"""Discovery: git-aware inside a work tree, a careful walk elsewhere, excludes."""

from __future__ import annotations

import os
import subprocess
from dataclasses import replace
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


def test_a_named_path_wins_over_an_exclude_that_covers_it(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "examples" / "app").mkdir(parents=True)
    (tmp_path / "examples" / "app" / "a.py").write_text("x = 1\n")
    (tmp_path / "examples" / "app" / "skip.min.js").write_text("x\n")
    monkeypatch.chdir(tmp_path)
    patterns = ["examples/**", "*.min.js"]
    assert [c.display for c in discover(["examples/app"], patterns)] == ["examples/app/a.py"]
    assert [c.display for c in discover(["."], patterns)] == []
    assert discover(["examples/app/a.py"], patterns, force_exclude=True) == []


def test_a_named_folder_that_git_ignores_is_walked(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    (tmp_path / ".gitignore").write_text("vendor/\n")
    (tmp_path / "vendor" / "lib").mkdir(parents=True)
    (tmp_path / "vendor" / "lib" / "a.py").write_text("x = 1\n")
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert [c.display for c in discover(["vendor"])] == ["vendor/lib/a.py"]
        assert "vendor/lib/a.py" not in [c.display for c in discover(["."])]
    finally:
        os.chdir(old)


@pytest.mark.parametrize("in_git", [False, True])
def test_discovery_stats_each_file_once_and_the_scan_reuses_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_git: bool) -> None:
    from tokenward.scanner.engine import read_task, signature

    (tmp_path / "sub").mkdir()
    (tmp_path / "a.py").write_text("a = 1\n")
    (tmp_path / "sub" / "b.txt").write_text("b\n")
    (tmp_path / "sub" / "link.py").symlink_to(tmp_path / "a.py")
    if in_git:
        _git(tmp_path, "init", "-q")
        _git(tmp_path, "add", ".")
    monkeypatch.chdir(tmp_path)
    found = discover(["."])
    # The link inside the folder is left out; every other file carries its lstat.
    assert [(c.display, c.stat is not None and c.stat.st_ino == os.lstat(c.path).st_ino)
            for c in found] == [("a.py", True), ("sub/b.txt", True)]

    def no_stat(*_: object, **__: object) -> None:
        raise AssertionError("statted again")

    monkeypatch.setattr(Path, "stat", no_stat)
    later = max(os.lstat(c.path).st_ctime_ns for c in found) + 10**10
    for candidate in found:
        # Its discovery clock reading moved past the racy window: it gets a signature.
        task = read_task(replace(candidate, statted_after_ns=later), 1000, lazy=True)
        assert task.signature == signature(os.lstat(candidate.path), later) is not None


def test_the_listing_is_frozen_for_the_run_and_unfrozen_after_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A run freezes its listing so the collections it made due walk none of it, and
    # leaves nothing frozen behind for a library caller's process.
    import gc

    from tokenward.config import Config
    from tokenward.scanner import pipeline

    for number in range(3):
        (tmp_path / f"module_{number}.py").write_text(f"value = {number}\n")
    monkeypatch.chdir(tmp_path)
    seen: list[int] = []
    collect = pipeline.collect_tasks

    def listed(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = collect(*args, **kwargs)
        seen.append(gc.get_freeze_count())
        return found

    monkeypatch.setattr(pipeline, "collect_tasks", listed)
    assert gc.get_freeze_count() == 0
    outcome = pipeline.run_pipeline(pipeline.ScanRequest(paths=(".",)), Config(),
                                    use_cache=False)
    assert outcome.result.files_scanned == 3
    assert seen[0] > 0 and gc.get_freeze_count() == 0


def test_a_walk_leaves_out_training_output_below_the_named_folder(tmp_path: Path) -> None:
    # Sessions `tokenward train` wrote (the marker file), at any depth, with all below
    # them: left out. A folder named like the marker is no marker; a folder named on the
    # command line is scanned even when it is a session (its own marker does not count).
    from tokenward.scanner.files import TRAINING_MARKER

    for folder in ("app", "docs/training/exercises/01", "deep/a/session/b",
                   f"odd/{TRAINING_MARKER}"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "x.py").write_text("a = 1\n")
    (tmp_path / "docs/training" / TRAINING_MARKER).write_text("{}")
    (tmp_path / "deep/a/session" / TRAINING_MARKER).write_text("{}")
    assert _names(tmp_path) == ["app/x.py", f"odd/{TRAINING_MARKER}/x.py"]
    assert _names(tmp_path / "docs/training") == [TRAINING_MARKER, "exercises/01/x.py"]
    assert _names(tmp_path / "deep/a") == []


def test_an_exclude_is_matched_against_the_path_from_the_root_wherever_the_scan_starts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    (project / "pkg" / "generated").mkdir(parents=True)
    (project / "pkg" / "generated" / "api.py").write_text("x = 1\n")
    (project / "pkg" / "models.py").write_text("x = 1\n")
    (project / "pkgs").mkdir()
    (project / "pkgs" / "generated.py").write_text("x = 1\n")
    # The scan starts below the root, through a link to it: the root is compared resolved.
    (tmp_path / "link").symlink_to(project)
    monkeypatch.chdir(tmp_path / "link" / "pkg")
    patterns = ["pkg/generated/**", "pkgs/*"]
    assert [c.display for c in discover(["."], patterns, project)] == ["models.py"]
    monkeypatch.chdir(tmp_path)
    assert [c.display for c in discover(["project"], patterns, project)] == [
        "project/pkg/models.py"]
    # Outside the root, a path is matched as it is shown.
    assert [c.display for c in discover(["project"], patterns, tmp_path / "elsewhere")] == [
        "project/pkg/generated/api.py", "project/pkg/models.py", "project/pkgs/generated.py"]
