"""Showing a fixed file's change: unified diffs with every secret redacted.

The file itself is written by :func:`tokenward.safefs.atomic_write` (atomically, with its
permissions, only if unchanged since the scan, never through a link).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from tokenward.scanner import redaction


def unified_diff(path: str, before: str, after: str) -> str:
    """A unified diff (``a/path`` -> ``b/path``), newline-terminated lines."""
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True),
        fromfile=f"a/{path}", tofile=f"b/{path}",
    )
    out: list[str] = []
    for line in lines:
        stripped = line.rstrip("\r\n")
        out.append(stripped + "\n")
        if line == stripped and not line.startswith(("---", "+++", "@@")):
            out.append("\\ No newline at end of file\n")
    return "".join(out)


def redact_diff(diff: str, secrets: Iterable[str]) -> str:
    """A diff safe to show: moved secrets redacted, token-shaped runs masked on old lines."""
    values = sorted({s for s in secrets if s}, key=len, reverse=True)
    out: list[str] = []
    for line in diff.splitlines(keepends=True):
        if line.startswith(("-", " ")) and not line.startswith("---"):
            for value in values:
                line = line.replace(value, redaction.redact(value))
            body = line.rstrip("\n")
            line = line[0] + redaction.mask_line(body[1:]) + line[len(body):]
        out.append(line)
    return "".join(out)
