"""Code shown in lessons: re-read from the files, every line redacted.

Two layers, both always applied: every secret value the scanner found anywhere (located in
its file by the finding's span and confirmed by the finding's secret hash) is replaced by
its redacted form, then every line goes through the scanner's token mask. When a file's
secrets cannot all be located (the file changed since the scan, or is gone), no context is
read from it: only the findings' own redacted snippets are shown.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tokenward.analysis.source import decode, kind_of
from tokenward.config import Config
from tokenward.model import Finding
from tokenward.rules.base import Example, Rule
from tokenward.scanner import redaction
from tokenward.scanner.engine import FileTask, scan_file
from tokenward.training.model import CodeExcerpt

CONTEXT_LINES = 3
MAX_LINE_WIDTH = 160
HIDDEN_LINE = "[line hidden: it may contain a secret]"
_LANGUAGES = {"python": "python", "yaml": "yaml", "json": "json", "toml": "toml",
              "ini": "ini", "shell": "bash", "dockerfile": "dockerfile", "env": "bash"}


def language_of(path: str) -> str:
    return _LANGUAGES.get(kind_of(path), "text")


def _locate(text: str, secret_hash: str) -> str | None:
    # Imported here: the fix engine module pulls in libcst's codemod machinery.
    from tokenward.fix.move_secret import find_secret

    return find_secret(text, secret_hash)


def _span_text(lines: Sequence[str], finding: Finding) -> str:
    span = finding.span
    if not 1 <= span.line <= len(lines):
        return ""
    chosen = list(lines[span.line - 1 : span.end_line])
    if len(chosen) == 1:
        return chosen[0][span.column - 1 : span.end_column - 1]
    chosen[0] = chosen[0][span.column - 1 :]
    chosen[-1] = chosen[-1][: span.end_column - 1]
    return "\n".join(chosen)


@dataclass
class SourceFiles:
    """The team's files as read for a lesson, with the secrets found in them."""

    root: Path
    texts: dict[str, list[str] | None] = field(default_factory=dict)
    secrets: set[str] = field(default_factory=set)
    unsafe: set[str] = field(default_factory=set)  # files whose secrets were not all found

    def lines(self, path: str) -> list[str] | None:
        if path not in self.texts:
            self.texts[path] = _read_lines(self.root / path)
        return self.texts[path]

    def learn(self, findings: Iterable[Finding]) -> None:
        """Locate every finding's secret value in its file (by span, confirmed by hash)."""
        for finding in findings:
            if finding.secret_hash is None:
                continue
            lines = self.lines(finding.path)
            value = None
            if lines is not None:
                value = _locate(_span_text(lines, finding), finding.secret_hash)
                if value is None and 1 <= finding.span.line <= len(lines):
                    value = _locate(lines[finding.span.line - 1], finding.secret_hash)
            if value is None:
                self.unsafe.add(finding.path)
            else:
                self.secrets.add(value)

    def redact(self, line: str) -> str:
        return redact_line(line, self.secrets)


def _read_lines(path: Path) -> list[str] | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if b"\0" in data[:8192]:
        return None
    return decode(data, kind_of(path.name, data[:200])).text.splitlines()


def redact_line(line: str, secrets: Iterable[str]) -> str:
    """A line safe to show: known secrets redacted, token-shaped runs masked, clipped."""
    known = sorted({s for s in secrets if s}, key=len, reverse=True)
    for value in known:
        line = line.replace(value, redaction.redact(value))
    line = redaction.mask_line(line.rstrip())
    if any(value in line for value in known):
        return HIDDEN_LINE
    if len(line) > MAX_LINE_WIDTH:
        line = line[: MAX_LINE_WIDTH - 1] + "…"
    return line


def finding_excerpt(files: SourceFiles, finding: Finding) -> CodeExcerpt:
    """The lines around a finding, redacted; the finding's snippet when that is not safe."""
    lines = None if finding.path in files.unsafe else files.lines(finding.path)
    span = finding.span
    language = language_of(finding.path)
    highlight = tuple(range(span.line, span.end_line + 1))
    if lines is None or span.line > len(lines):
        return CodeExcerpt(finding.path, span.line, (files.redact(finding.snippet),),
                           (span.line,), language, True)
    first = max(1, span.line - CONTEXT_LINES)
    last = min(len(lines), span.end_line + CONTEXT_LINES)
    shown = tuple(files.redact(text) for text in lines[first - 1 : last])
    return CodeExcerpt(finding.path, first, shown, highlight, language, True)


@functools.lru_cache(maxsize=512)
def _scan_cached(path: str, text: str, rules: tuple[Rule, ...]) -> tuple[Finding, ...]:
    return tuple(scan_file(FileTask(path, text.encode("utf-8")), Config(), rules).findings)


def scan_text(path: str, text: str, rules: Sequence[Rule]) -> tuple[Finding, ...]:
    """Scan a small text as the file ``path`` (examples are scanned several times: cached)."""
    return _scan_cached(path, text, tuple(rules))


def example_secrets(example: Example, rules: Sequence[Rule]) -> set[str]:
    """The secret values in a rule's example (found the way the scanner finds them)."""
    text = example.text
    lines = text.splitlines()
    found: set[str] = set()
    for finding in scan_text(example.path, text, rules):
        if finding.secret_hash is None:
            continue
        value = _locate(_span_text(lines, finding), finding.secret_hash)
        if value is None and 1 <= finding.span.line <= len(lines):
            value = _locate(lines[finding.span.line - 1], finding.secret_hash)
        if value is not None:
            found.add(value)
    return found


def example_excerpt(example: Example, rules: Sequence[Rule], *, lines: tuple[int, ...] = ()
                    ) -> CodeExcerpt:
    """A rule's example (or a reference fix), redacted like the team's code."""
    secrets = example_secrets(example, rules)
    shown = tuple(redact_line(line, secrets) for line in example.text.splitlines())
    return CodeExcerpt(example.path, 1, shown, lines, language_of(example.path), False)


def redact_diff(diff: str, secrets: Iterable[str]) -> str:
    """A unified diff with every body line redacted (markers and headers kept)."""
    out: list[str] = []
    for line in diff.splitlines():
        if line.startswith(("---", "+++", "@@", "\\")):
            out.append(line)
        elif line[:1] in ("+", "-", " "):
            out.append(line[0] + redact_line(line[1:], secrets))
        else:
            out.append(redact_line(line, secrets))
    return "\n".join(out) + ("\n" if out else "")
