"""File discovery: git-aware, with excludes.

Inside a git work tree a folder means its tracked files plus the untracked files git does
not ignore; elsewhere a walk that skips VCS folders, virtual environments, dependency and
build folders. Symbolic links are never followed (a link loop cannot hang a scan).

A folder that `tokenward train` wrote (it holds :data:`TRAINING_MARKER`) is skipped below
a named folder, and by the hook even for named files: its exercises are vulnerable on
purpose. Named on the command line, it is scanned like anything else.
"""

from __future__ import annotations

import os
import re
import stat as st
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import field
from functools import lru_cache
from pathlib import Path

from tokenward.records import record

SKIPPED_DIRS = frozenset({
    ".git", ".hg", ".svn", ".venv", "venv", "env", ".env.d", "node_modules", "__pycache__",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".tox", ".nox", "build", "dist",
    ".eggs", "site-packages", ".cache", ".idea", ".vscode", "htmlcov",
})


# The file `tokenward train` writes into every session folder (the list of what it wrote).
TRAINING_MARKER = ".tokenward-training.json"


class PathError(ValueError):
    """A path given by the user that does not exist."""


@record
class Candidate:
    """A file to scan: where it is on disk, and how it is shown."""

    path: Path
    display: str
    # The file's lstat when discovery took it (a regular file found in a folder), and a
    # clock reading from before it: the scan then needs no stat of its own (one system
    # call per file for a warm scan). None: the scan stats the file itself.
    stat: os.stat_result | None = field(default=None, compare=False)
    statted_after_ns: int = field(default=0, compare=False)


def display_path(path: Path, cwd: Path | None = None) -> str:
    """Relative to the current directory when below it, ``/``-separated."""
    cwd = cwd or Path.cwd()
    absolute = os.path.normpath(os.path.join(cwd, path))
    below = path_below(absolute, str(cwd))
    return below if below is not None else Path(absolute).as_posix()


def path_below(absolute: str, base: str) -> str | None:
    """``absolute`` (a normalised path) relative to the folder ``base``, ``/``-separated
    (``.`` for ``base`` itself), or None when it is not below it. Strings where the
    platform allows, not Path objects: asked for every file of a scan (40,000 in a warm
    one), for its display path, its path from the project root and its cache keys."""
    if os.sep == "/" and os.path.isabs(base) and not absolute.startswith("//"):
        if absolute == base:
            return "."
        prefix = base if base.endswith("/") else base + "/"
        return absolute[len(prefix):] if absolute.startswith(prefix) else None
    try:
        return Path(absolute).relative_to(base).as_posix()
    except ValueError:
        return None


@lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    """gitignore-like globs: ``**`` spans folders, ``*`` does not; a bare name matches any
    path component."""
    pattern = pattern.strip().replace("\\", "/").removeprefix("./")
    anchored = "/" in pattern.rstrip("/")
    pattern = pattern.rstrip("/")
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        out.append({"*": "[^/]*", "?": "[^/]"}.get(c, re.escape(c)))
        i += 1
    body = "".join(out)
    prefix = "" if anchored else "(?:.*/)?"
    # A pattern that names a folder excludes everything below it.
    return re.compile(f"^{prefix}{body}(?:/.*)?$")


def is_excluded(relative: str, patterns: Iterable[str]) -> bool:
    return any(_glob_regex(p).match(relative) for p in patterns if p.strip())


def in_training_output(path: Path, top: Path, marked: dict[str, bool] | None = None) -> bool:
    """Whether a folder between ``path`` and ``top`` (``top`` itself excluded) holds the
    training marker. ``marked`` remembers the folders already looked at (and the answer
    for each folder and top: the files of one folder cost one look-up)."""
    marked = {} if marked is None else marked
    # Strings, not Path objects, and the folder as given first: asked once per file of a
    # scan, whose files share a few thousand folders (the current folder does not change).
    answer = f"{top}\0{os.path.dirname(path)}"
    found = marked.get(answer)
    if found is None:
        above = os.path.normcase(os.path.abspath(top))
        start = os.path.dirname(os.path.normcase(os.path.abspath(path)))
        found = marked[answer] = _marker_between(start, above, marked)
    return found


def _inside(path: Path, top: Path) -> bool:
    """Whether ``path`` is ``top`` or below it (as :func:`in_training_output` compares)."""
    above = os.path.normcase(os.path.abspath(top))
    folder = os.path.normcase(os.path.abspath(path))
    return folder == above or folder.startswith(above if above.endswith(os.sep)
                                                else above + os.sep)


def _marker_between(folder: str, above: str, marked: dict[str, bool]) -> bool:
    inside = above if above.endswith(os.sep) else above + os.sep
    while folder != above and folder.startswith(inside):
        found = marked.get(folder)
        if found is None:
            found = marked[folder] = os.path.isfile(os.path.join(folder, TRAINING_MARKER))
        if found:
            return True
        folder = os.path.dirname(folder)
    return False


def _git_root(folder: Path) -> Path | None:
    import subprocess  # here: a commit hook handed files lists no folder (see scanner/git.py)

    try:
        out = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--show-toplevel"],
            capture_output=True, text=True, check=False, timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return Path(out.stdout.strip()) if out.returncode == 0 and out.stdout.strip() else None


Listing = Iterator[tuple[Path, list[tuple[str, os.stat_result | None]]]]


def _git_files(folder: Path) -> Listing | None:
    """Tracked plus untracked-not-ignored files below ``folder``, by folder, or None
    outside git."""
    if _git_root(folder) is None:
        return None
    import subprocess

    out = subprocess.run(
        ["git", "-C", str(folder), "ls-files", "-z", "--cached", "--others",
         "--exclude-standard", "--deduplicate", "--", "."],
        capture_output=True, check=False, timeout=120,
    )
    if out.returncode != 0:
        return None
    names = [n for n in out.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
    if not names and _ignored_by_git(folder):
        return None  # the user named a folder git ignores (a venv, a build): walk it
    return _by_folder(folder, sorted(set(names)))


def _by_folder(folder: Path, names: list[str]) -> Listing:
    grouped: dict[str, list[tuple[str, os.stat_result | None]]] = {}
    for name in names:
        parent, _, base = name.rpartition("/")
        grouped.setdefault(parent, []).append((base, None))
    for parent, files in grouped.items():
        yield (folder / parent if parent else folder), files


def _ignored_by_git(folder: Path) -> bool:
    import subprocess

    out = subprocess.run(["git", "-C", str(folder), "check-ignore", "-q", "."],
                         capture_output=True, check=False, timeout=30)
    return out.returncode == 0


def _walk(folder: Path, *, prune: bool = False) -> Listing:
    """Each folder below ``folder`` (skipped ones left out) with its files and their lstat
    (the folder listing tells links apart without a system call). ``prune``: a folder
    below ``folder`` that holds the training marker is left out with all below it, read
    from its own listing (a look-up of the marker in every folder was a third of the
    listing of Django's source)."""
    stack = [folder]
    while stack:
        current = stack.pop()
        files: list[tuple[str, os.stat_result | None]] = []
        folders: list[Path] = []
        marker = False
        try:
            with os.scandir(current) as entries:
                for entry in entries:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            if entry.name not in SKIPPED_DIRS \
                                    and not entry.name.endswith(".egg-info"):
                                folders.append(current / entry.name)
                        elif entry.is_symlink():
                            files.append((entry.name, None))  # dropped by discover
                        else:
                            files.append((entry.name, entry.stat(follow_symlinks=False)))
                    except OSError:
                        files.append((entry.name, None))  # the scan reports it
                    # Any case (a file system may ignore it): the look-up below decides.
                    if prune and not marker:
                        marker = entry.name.lower() == _MARKER_LOWER
        except OSError:
            continue  # an unreadable folder: os.walk skipped it too
        if marker and current is not folder \
                and os.path.isfile(os.path.join(current, TRAINING_MARKER)):
            continue
        stack.extend(folders)
        yield current, files


_MARKER_LOWER = TRAINING_MARKER.lower()


def discover(paths: Sequence[str | Path], exclude: Sequence[str] = (),
             root: Path | None = None, *, force_exclude: bool = False) -> list[Candidate]:
    """The files to scan below ``paths``, deduplicated, in a stable order.

    Raises PathError for a path that does not exist. A path named explicitly is scanned
    even if git ignores it or an exclude pattern covers it (the user asked for it; ruff's
    rule); patterns still apply below it. ``force_exclude`` applies every pattern even to
    named paths: the pre-commit hook names every staged file.
    """
    cwd = Path.cwd()
    root = root or cwd
    # Resolved once, not for every file a listing keeps (a walk of the file system each:
    # a second of a listing of Home Assistant's wheel with an exclude pattern).
    base = str(root.resolve())
    seen: dict[str, Candidate] = {}
    marked: dict[str, bool] = {}
    for raw in paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            raise PathError(f"{raw}: no such file or directory")
        patterns = exclude if force_exclude else _patterns_below(path, exclude, cwd, base)
        # A training folder below a named folder is skipped; the hook skips it even for
        # the files it names (up to the root), so generated exercises never block a commit.
        top = root if force_exclude else path
        if not path.is_dir() or path.is_symlink():
            if force_exclude and in_training_output(path, top, marked):
                continue
            _add(seen, Candidate(path, display_path(path, cwd)), patterns, base)
            continue
        # Before any stat of the listing: a signature must not trust a file changed
        # within the racy window of its stat (engine.signature).
        before = time.time_ns()
        found = _git_files(path)
        # Walking a folder inside ``top``: below it, the listings show the marker.
        pruned = found is None and _inside(path, top)
        if pruned and in_training_output(path / "-", top, marked):
            continue
        for folder, files in found if found is not None else _walk(path, prune=pruned):
            # Every file of a folder shares its display folder and its training answer.
            if not pruned and in_training_output(folder / "-", top, marked):
                continue
            shown = display_path(folder, cwd)
            prefix = "" if shown == "." else shown.rstrip("/") + "/"
            child = _child_maker(folder)
            for name, info in files:
                file = child(name)
                if info is None:
                    try:
                        info = os.lstat(file)
                    except OSError:
                        info = None  # gone or unreadable: the scan reports it
                if info is not None and st.S_ISLNK(info.st_mode):
                    continue  # never follow links found inside a folder
                _add(seen, Candidate(file, prefix + name, info, before), patterns, base)
    return [seen[k] for k in sorted(seen)]


def _child_maker(folder: Path) -> Callable[[str], Path]:
    """How to name a folder's files: pathlib's own constructor for a listed name (the one
    iterdir uses: a name from a listing needs no parsing, 5x faster than ``/`` for the
    40,000 files of a warm scan), where this Python's pathlib has it."""
    made: Callable[[str], Path] = getattr(folder, "_make_child_relpath", folder.joinpath)
    return made


def _add(seen: dict[str, Candidate], candidate: Candidate, patterns: Sequence[str],
         base: str) -> None:
    """Keep ``candidate`` unless its display path is known or a pattern excludes it."""
    display = candidate.display
    if display in seen:
        return
    if patterns and (is_excluded(display, patterns)
                     or is_excluded(_relative_to(candidate.path, base), patterns)):
        return
    seen[display] = candidate


def _patterns_below(path: Path, exclude: Sequence[str], cwd: Path,
                    base: str) -> list[str]:
    """The patterns that do not cover the named path itself."""
    named = (display_path(path, cwd), _relative_to(path, base))
    return [p for p in exclude if not any(is_excluded(n, [p]) for n in named)]


def _relative_to(path: Path, base: str) -> str:
    """``path`` relative to ``base`` (the resolved project root), ``/``-separated; as it is
    when it is not below it."""
    below = path_below(os.path.abspath(path), base)
    return below if below is not None else path.as_posix()
