"""The pull-request gate: findings only on lines added or changed since the merge base.

``git merge-base REV HEAD`` gives the commit the branch started from; ``git diff -U0``
from there to the work tree gives, per file, exactly the added or changed lines (``-U0``:
no context lines, so a hunk's ``+c,d`` range is the new lines and nothing else). New files
(added since the base, or untracked and not ignored) count in full. Renames are detected
(``-M``): a file that was only moved adds no lines, so it adds no findings either. A file
git calls binary (a NUL byte: a UTF-16 file, a ``.env`` with one NUL) has no hunks in that
diff; ``--numstat`` names it, and it counts in full.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import field
from pathlib import Path

from tokenward.model import Finding
from tokenward.records import record
from tokenward.scanner.git import GitError, display, repo_root, run_git, split_z

_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_ESCAPES = {"a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
            '"': '"', "\\": "\\"}


@record
class ChangedFile:
    """Lines added or changed in one file (1-based); ``whole`` for a new file."""

    path: str  # as tokenward shows it
    whole: bool = False
    lines: frozenset[int] = field(default_factory=frozenset)

    def covers(self, first: int, last: int) -> bool:
        return self.whole or any(n in self.lines for n in range(first, last + 1))


def unquote_path(raw: bytes) -> str:
    """A path as git prints it in a diff header: C-quoted when it holds odd characters."""
    text = raw.decode("utf-8", "surrogateescape")
    if not (text.startswith('"') and text.endswith('"')):
        return text
    body, out, i = text[1:-1], bytearray(), 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt in "01234567" and i + 4 <= len(body):
                out.append(int(body[i + 1 : i + 4], 8))
                i += 4
                continue
            out.extend(_ESCAPES.get(nxt, nxt).encode())
            i += 2
            continue
        out.extend(c.encode("utf-8", "surrogateescape"))
        i += 1
    return out.decode("utf-8", "surrogateescape")


def merge_base(rev: str, cwd: Path | None = None) -> str:
    try:
        out = run_git(["merge-base", rev, "HEAD"], cwd)
    except GitError:
        raise GitError(
            f"no merge base with {rev!r}: the revision does not exist or shares no history "
            "with HEAD (in CI, fetch it first, e.g. `git fetch origin main` with enough depth)"
        ) from None
    return out.decode().strip()


def parse_diff(patch: bytes) -> dict[str, tuple[bool, set[int]]]:
    """Repository path -> (new file?, added line numbers) from ``git diff -U0`` output."""
    files: dict[str, tuple[bool, set[int]]] = {}
    current: str | None = None
    new_file = False
    for line in patch.split(b"\n"):
        if line.startswith(b"diff --git "):
            current, new_file = None, False
        elif line.startswith(b"new file mode"):
            new_file = True
        elif line.startswith(b"+++ "):
            target = unquote_path(line[4:])
            current = target[2:] if target.startswith("b/") else None
            if current is not None:
                files[current] = (new_file, set())
        elif current is not None and line.startswith(b"@@"):
            match = _HUNK.match(line)
            if match:
                start = int(match.group(1))
                count = 1 if match.group(2) is None else int(match.group(2))
                files[current][1].update(range(start, start + count))
    return files


def changed_files(rev: str, cwd: Path | None = None) -> dict[str, ChangedFile]:
    """Shown path -> what changed there since the merge base of ``rev`` and HEAD."""
    cwd = cwd or Path.cwd()
    root = repo_root(cwd)
    base = merge_base(rev, root)
    patch = run_git(["diff", "-U0", "-M", "--no-color", "--no-ext-diff", "--no-textconv",
                     "--src-prefix=a/", "--dst-prefix=b/", base, "--"], root)
    changed: dict[str, ChangedFile] = {}
    for path, (new, lines) in parse_diff(patch).items():
        shown = display(root, path, cwd)
        changed[shown] = ChangedFile(shown, whole=new, lines=frozenset(lines))
    for path in binary_changes(base, root):
        shown = display(root, path, cwd)
        changed[shown] = ChangedFile(shown, whole=True)
    untracked = run_git(["ls-files", "-z", "--others", "--exclude-standard"], root)
    for path in split_z(untracked):
        shown = display(root, path, cwd)
        changed[shown] = ChangedFile(shown, whole=True)
    return changed


def binary_changes(base: str, root: Path) -> list[str]:
    """Repository paths of the files changed since ``base`` that git calls binary: ``-`` for
    both counts in ``git diff --numstat -z`` (a rename's record is followed by its two
    paths)."""
    out = run_git(["diff", "--numstat", "-z", "-M", "--no-ext-diff", "--no-textconv", base,
                   "--"], root)
    fields = out.split(b"\0")
    paths: list[str] = []
    index = 0
    while index < len(fields):
        record = fields[index]
        index += 1
        if not record:
            continue
        added, deleted, path = record.split(b"\t", 2)
        if not path:  # a rename: source and destination follow
            path = fields[index + 1]
            index += 2
        if added == b"-" and deleted == b"-":
            paths.append(path.decode("utf-8", "surrogateescape"))
    return paths


def on_changed_lines(findings: Iterable[Finding],
                     changed: Mapping[str, ChangedFile]) -> list[Finding]:
    """The findings whose span touches an added or changed line (all of them in new files)."""
    kept = []
    for finding in findings:
        entry = changed.get(finding.path)
        if entry is not None and entry.covers(finding.span.line, finding.span.end_line):
            kept.append(finding)
    return kept
