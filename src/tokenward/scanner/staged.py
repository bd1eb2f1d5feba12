"""What will be committed: the staged blobs, read from the git index, not the work tree.

``git diff-index --cached --raw -z --no-abbrev HEAD`` lists every staged change with the
blob id of its staged content (the plumbing form of ``git diff --cached --name-status``,
which does not give blob ids); ``git cat-file --batch`` then reads all those blobs in one
process. Renames are listed as a deletion plus an addition (``--no-renames``): the new path
is scanned, the old one is gone. Deleted files, symbolic links and submodules have no
content to scan. Unstaged edits are never read.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tokenward.records import record
from tokenward.scanner.engine import FileTask
from tokenward.scanner.files import display_path, in_training_output, is_excluded
from tokenward.scanner.git import EMPTY_TREE, display, read_blobs, repo_root, resolves, run_git

_REGULAR_FILE_MODES = ("100644", "100755")


@record
class StagedFile:
    """One staged change: its repository path, status letter and staged blob."""

    path: str  # relative to the repository root, /-separated
    status: str  # A added, M modified, T type changed, D deleted
    mode: str
    blob: str


def staged_changes(root: Path) -> list[StagedFile]:
    base = "HEAD" if resolves("HEAD", root) else EMPTY_TREE
    out = run_git(["diff-index", "--cached", "--raw", "-z", "--no-renames", "--no-abbrev",
                   "--ignore-submodules=all", base], root)
    fields = out.decode("utf-8", "surrogateescape").split("\0")
    changes: list[StagedFile] = []
    # Each entry: ":oldmode newmode oldsha newsha status" NUL path NUL
    for meta, path in zip(fields[0::2], fields[1::2], strict=False):
        if not meta.startswith(":"):
            continue
        _old_mode, new_mode, _old_sha, new_sha, status = meta[1:].split(" ", 4)
        changes.append(StagedFile(path, status[:1], new_mode, new_sha))
    return changes


def _selected(display_path: str, repo_path: str, paths: Sequence[str]) -> bool:
    """True when no paths were given, or the file is one of them or below one of them."""
    if not paths:
        return True
    for given in paths:
        given = given.rstrip("/") or "."
        if given == "." or display_path == given or display_path.startswith(given + "/"):
            return True
        if repo_path == given or repo_path.startswith(given + "/"):
            return True
    return False


def staged_tasks(paths: Sequence[str] = (), exclude: Sequence[str] = (),
                 cwd: Path | None = None) -> list[FileTask]:
    """File tasks holding the staged content of every added or modified file.

    ``paths`` narrows the set (files, or folders as prefixes); ``exclude`` globs apply to
    the shown path and the repository path. Raises GitError outside a repository.
    """
    cwd = cwd or Path.cwd()
    root = repo_root(cwd)
    given = [display_path(Path(p), cwd) for p in paths]
    wanted: list[tuple[str, StagedFile]] = []
    marked: dict[str, bool] = {}
    for change in staged_changes(root):
        if change.status == "D" or change.mode not in _REGULAR_FILE_MODES:
            continue
        shown = display(root, change.path, cwd)
        if not _selected(shown, change.path, given):
            continue
        if exclude and (is_excluded(shown, exclude) or is_excluded(change.path, exclude)):
            continue
        if in_training_output(root / change.path, root, marked):
            continue  # `tokenward train` output: its exercises are vulnerable on purpose
        wanted.append((shown, change))
    read = {b.id: b for b in read_blobs(root, sorted({c.blob for _, c in wanted}))}
    return [FileTask(shown, data=read[change.blob].data, error=read[change.blob].error)
            for shown, change in sorted(wanted)]
