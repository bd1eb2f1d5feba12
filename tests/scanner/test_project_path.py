"""A display path's path from the project root (engine.project_path): what fingerprints
and cache keys are built from. A plain name in a folder takes its folder's answer, made
once per folder; every form of path gets the answer of the whole path normalised."""

from __future__ import annotations

import pytest

from tokenward.scanner.engine import project_path

ROOT, CWD = "/work/app", "/work/app/src"


@pytest.mark.parametrize(("path", "expected"), [
    ("a.py", "src/a.py"),
    ("pkg/a.py", "src/pkg/a.py"),
    ("./pkg/a.py", "src/pkg/a.py"),
    ("pkg//a.py", "src/pkg/a.py"),
    ("pkg/./a.py", "src/pkg/a.py"),
    ("pkg/sub/../a.py", "src/pkg/a.py"),
    ("../README.md", "README.md"),             # the root's own file
    ("../../other/a.py", "../../other/a.py"),  # outside the root: the display path
    ("/work/app/lib/b.py", "lib/b.py"),
    ("/elsewhere/b.py", "/elsewhere/b.py"),
    ("/b.py", "/b.py"),
    ("pkg/..", "src"),
    ("pkg/.", "src/pkg"),
    ("..", "."),
])
def test_a_path_from_the_root_is_the_normalised_path_below_it(path: str, expected: str) -> None:
    assert project_path(path, ROOT, CWD) == expected


def test_a_scan_started_at_the_root_keeps_its_display_paths() -> None:
    assert [project_path(p, ROOT, ROOT) for p in ("a.py", "src/pkg/a.py", "./x/y.txt")] == [
        "a.py", "src/pkg/a.py", "x/y.txt"]
