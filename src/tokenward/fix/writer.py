"""Showing a fixed file's change: unified diffs with every secret redacted.

The file itself is written by :func:`tokenward.safefs.atomic_write` (atomically, with its
permissions, only if unchanged since the scan, never through a link).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from tokenward.analysis.source import split_lines
from tokenward.scanner.redaction import Redactor


def unified_diff(path: str, before: str, after: str) -> str:
    """A unified diff (``a/path`` -> ``b/path``), newline-terminated lines.

    Lines are split as Python (and every span) counts them, so a form feed inside a line
    stays inside it and the diff's line numbers are the findings' line numbers.
    """
    lines = difflib.unified_diff(
        split_lines(before, keepends=True), split_lines(after, keepends=True),
        fromfile=f"a/{path}", tofile=f"b/{path}",
    )
    out: list[str] = []
    for line in lines:
        stripped = line.rstrip("\r\n")
        out.append(stripped + "\n")
        if line == stripped and not line.startswith(("---", "+++", "@@")):
            out.append("\\ No newline at end of file\n")
    return "".join(out)


def redact_diff(diff: str, redactor: Redactor, moved: Iterable[str] = ()) -> str:
    """A diff of the file ``redactor`` was built for, safe to show: every secret the scan
    saw in the file masked on old, context and new lines, and the ``moved`` values too."""
    return redactor.with_values(moved).diff(diff)
