"""Line-level helpers for rules that read files as text: shell scripts, Dockerfiles,
INI/TOML/.env, code and HCL, and JSON that does not parse. YAML and JSON structure is read
by :mod:`tokenward.analysis.structured`."""

from __future__ import annotations

from collections.abc import Iterator

from tokenward.analysis.source import FileKind, Source
from tokenward.model import Span
from tokenward.records import record


@record
class Logical:
    """One logical command line: physical lines joined at trailing backslashes."""

    text: str
    # (offset in text where a physical line starts, its 1-based line number, its column
    # offset): maps an offset back to a position.
    starts: tuple[tuple[int, int, int], ...]

    def span(self, start: int, end: int) -> Span:
        line, col = self._position(start)
        end_line, end_col = self._position(end)
        return Span(line, col, end_line, end_col)

    def _position(self, offset: int) -> tuple[int, int]:
        current = self.starts[0]
        for entry in self.starts:
            if entry[0] <= offset:
                current = entry
            else:
                break
        return current[1], offset - current[0] + current[2] + 1


def logical_lines(source: Source) -> Iterator[Logical]:
    """Physical lines joined at a trailing ``\\`` (shell, Dockerfile, YAML ``run:``)."""
    parts: list[str] = []
    starts: list[tuple[int, int, int]] = []
    length = 0
    for number, raw in enumerate(source.lines, start=1):
        stripped = raw.rstrip()
        column = 0
        starts.append((length, number, column))
        if stripped.endswith("\\"):
            body = stripped[:-1] + " "
            parts.append(body)
            length += len(body)
            continue
        parts.append(raw)
        yield Logical("".join(parts), tuple(starts))
        parts, starts, length = [], [], 0
    if parts:
        yield Logical("".join(parts), tuple(starts))


# Regex rules read a long line (a minified file) in windows of this many characters,
# overlapping by more than any value they look for: a secret is still found, and a regex
# never runs over a whole megabyte line.
LINE_WINDOW = 8192
WINDOW_OVERLAP = 1024


def windows(line: str) -> Iterator[tuple[int, str]]:
    """``line`` as (offset, text) windows; one when the line is short."""
    if len(line) <= LINE_WINDOW:
        yield 0, line
        return
    step = LINE_WINDOW - WINDOW_OVERLAP
    for start in range(0, len(line) - WINDOW_OVERLAP, step):
        yield start, line[start : start + LINE_WINDOW]


def is_comment(line: str, kind: FileKind) -> bool:
    stripped = line.lstrip()
    if kind is FileKind.JSON:
        return stripped.startswith("//")
    return stripped.startswith("#") or (kind is FileKind.INI and stripped.startswith(";"))


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def offset_span(text: str, start: int, end: int) -> Span:
    """The span of text[start:end] (0-based offsets into the whole file)."""
    line = text.count("\n", 0, start) + 1
    line_start = text.rfind("\n", 0, start) + 1
    end_line = text.count("\n", 0, end) + 1
    end_line_start = text.rfind("\n", 0, end) + 1
    return Span(line, start - line_start + 1, end_line, end - end_line_start + 1)


_OPENERS = {"}": "{", ")": "("}


def enclosing_block(text: str, position: int, limit: int = 20000) -> tuple[int, int]:
    """The innermost ``{...}`` or ``(...)`` around ``position`` (naive bracket counting,
    bounded by ``limit`` characters each way): (start, end) offsets, or the whole window
    when unbalanced."""
    depth = 0
    start = max(0, position - limit)
    opener = ""
    for i in range(position - 1, start - 1, -1):
        ch = text[i]
        if ch in "})":
            depth += 1
        elif ch in "{(":
            if depth == 0:
                start, opener = i, ch
                break
            depth -= 1
    closer = "}" if opener == "{" else ")"
    depth = 0
    end = min(len(text), position + limit)
    for i in range(position, end):
        ch = text[i]
        if ch == opener:
            depth += 1
        elif ch == closer:
            if depth == 0:
                return start, i + 1
            depth -= 1
    return start, end
