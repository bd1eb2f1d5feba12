"""Writing a fixed file: atomically, with its permissions, only if unchanged since the scan."""

from __future__ import annotations

import difflib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from tokenward.scanner import redaction


class FileChanged(Exception):
    """The file on disk is not what was scanned: it is left alone."""


def atomic_write(path: Path, data: bytes, *, expected: bytes) -> None:
    """Replace ``path`` with ``data`` through a temporary file and a rename.

    Raises FileChanged when the file no longer holds ``expected`` (edited since the scan),
    OSError when it cannot be written; in both cases the file is untouched.
    """
    if path.read_bytes() != expected:
        raise FileChanged(str(path))
    mode = stat.S_IMODE(path.stat().st_mode)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tokenward",
                                    dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        if path.read_bytes() != expected:  # one more look, as late as possible
            raise FileChanged(str(path))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


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
