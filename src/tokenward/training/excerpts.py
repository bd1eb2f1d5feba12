"""Code shown in lessons: the files as the scan read them, every line redacted.

Lessons quote the bytes the pipeline scanned, never a second reading: each file's
redactor masks the source range of every secret that scan found there (suppressed and
baselined ones included) and of every secret the findings name, then anything
token-shaped. A file is shown only from under the session's root (``../victim/private.txt``,
an absolute path, a symbolic link out of the tree are not). Built from a JSON report, the
files the report names are read under the root and scanned once, through the same
pipeline; a file whose reported findings are no longer where the report says (it changed
since) shows no context: only the findings' own snippets, redacted once more.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tokenward.analysis.source import FileKind, decode, kind_of
from tokenward.config import Config
from tokenward.model import Finding, Span
from tokenward.records import record
from tokenward.rules.base import Example, Rule
from tokenward.scanner.engine import BINARY_SNIFF, FileTask, scan_file
from tokenward.scanner.files import Candidate
from tokenward.scanner.pipeline import ScanOutcome, ScanRequest, run_pipeline
from tokenward.scanner.redaction import Redactor, printable
from tokenward.training.model import CodeExcerpt

CONTEXT_LINES = 3
MAX_LINE_WIDTH = 160
HIDDEN_LINE = "[line hidden: it may contain a secret]"
_LANGUAGES = {FileKind.PYTHON: "python", FileKind.YAML: "yaml", FileKind.JSON: "json",
              FileKind.TOML: "toml", FileKind.INI: "ini", FileKind.SHELL: "bash",
              FileKind.DOCKERFILE: "dockerfile", FileKind.ENV: "bash"}


def language_of(path: str) -> str:
    return _LANGUAGES.get(kind_of(path), "text")


def _locate(text: str, secret_hash: str) -> str | None:
    # Imported here: the fix engine module pulls in libcst's codemod machinery.
    from tokenward.fix.move_secret import find_secret

    return find_secret(text, secret_hash)


def _span_text(lines: Sequence[str], span: Span) -> str:
    if not 1 <= span.line <= len(lines):
        return ""
    chosen = list(lines[span.line - 1 : span.end_line])
    if len(chosen) == 1:
        return chosen[0][span.column - 1 : span.end_column - 1]
    chosen[0] = chosen[0][span.column - 1 :]
    chosen[-1] = chosen[-1][: span.end_column - 1]
    return "\n".join(chosen)


def inside(root: Path, path: str) -> Path | None:
    """``root / path`` when, resolved (``..``, symbolic links), it stays under ``root``."""
    try:
        base = root.resolve()
        target = (base / path).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return None
    return target if target.is_relative_to(base) else None


def scan_reported(findings: Iterable[Finding], root: Path, config: Config,
                  rules: Sequence[Rule]) -> ScanOutcome:
    """The files a report names, read under ``root`` (nothing outside it) and scanned once
    with every rule: what lessons built from a report quote, and the secrets they mask."""
    from tokenward.rules import RULES

    files: dict[str, Candidate] = {}
    for finding in findings:
        target = inside(root, finding.path)
        if target is not None and finding.path not in files:
            files[finding.path] = Candidate(target, finding.path)
    request = ScanRequest(files=tuple(files[p] for p in sorted(files)), use_baseline=False)
    return run_pipeline(request, config, rules=_union(rules, RULES))


@record
class FileView:
    """One file as read for a lesson: its redactor, and whether the report still fits it."""

    redactor: Redactor
    stale: bool


@dataclass
class SourceFiles:
    """The team's files as the scan read them, each with the redactor of its secrets."""

    root: Path
    outcome: ScanOutcome
    reported: dict[str, dict[tuple[str, Span], Finding]] = field(default_factory=dict)
    views: dict[str, FileView | None] = field(default_factory=dict)

    def learn(self, findings: Iterable[Finding]) -> None:
        """Record the report's findings, suppressed ones included: their secrets are
        masked wherever their files are shown."""
        for finding in findings:
            self.reported.setdefault(finding.path, {})[(finding.rule_id, finding.span)] = finding
            self.views.pop(finding.path, None)

    def view(self, path: str) -> FileView | None:
        """The file as scanned; None when it is outside the root, or the scan did not read
        it (gone, binary, too large, not a regular file)."""
        if path not in self.views:
            self.views[path] = self._read(path)
        return self.views[path]

    def readable(self, finding: Finding) -> bool:
        view = self.view(finding.path)
        return (view is not None and not view.stale
                and finding.span.line <= len(view.redactor.lines))

    def redactor(self, path: str) -> Redactor:
        view = self.view(path)
        return view.redactor if view is not None else Redactor.of(())

    def _read(self, path: str) -> FileView | None:
        read = self.outcome.files.get(path)
        if read is None or inside(self.root, path) is None or b"\0" in read.data[:BINARY_SNIFF]:
            return None
        text = decode(read.data, kind_of(path, read.data[:200])).text
        found = self.outcome.findings_in(path)
        reported = self.reported.get(path, {}).values()
        spans = [s for f in (*found, *reported) for s in f.secret_spans]
        # A reported secret no longer where the report says: the file changed.
        stale = not all(_still_there(f, found) for f in reported
                        if f.secret_hash is not None or f.secret_spans)
        return FileView(Redactor.of_text(text, spans), stale)


def _still_there(reported: Finding, found: Sequence[Finding]) -> bool:
    """Whether a reported secret is still where the report says: the same source ranges,
    the same finding, or (a report without ranges) the same secret on the same line."""
    if reported.secret_spans:
        here = {s for f in found for s in f.secret_spans}
        return set(reported.secret_spans) <= here
    return any((f.rule_id, f.span) == (reported.rule_id, reported.span)
               or (f.line == reported.line and f.secret_hash == reported.secret_hash)
               for f in found)


def _union(first: Sequence[Rule], second: Sequence[Rule]) -> tuple[Rule, ...]:
    chosen = {r.id: r for r in second}
    chosen.update((r.id, r) for r in first)
    return tuple(chosen.values())


def _shown(redactor: Redactor, text: str) -> str:
    """A rendered line, clipped; hidden if a known spelling somehow survived."""
    if any(s in text for s in redactor.spellings):
        return HIDDEN_LINE
    if len(text) > MAX_LINE_WIDTH:
        text = text[: MAX_LINE_WIDTH - 1] + "…"
    return text


def redact_line(line: str, secrets: Iterable[str]) -> str:
    """A line not read from a file, safe to show: known secrets masked wherever they are
    spelled, token-shaped runs masked, control characters escaped, clipped."""
    redactor = Redactor.of((), values=secrets)
    return _shown(redactor, redactor.text(line.rstrip()))


def finding_excerpt(files: SourceFiles, finding: Finding) -> CodeExcerpt:
    """The lines around a finding, redacted; the finding's snippet when that is not safe."""
    span = finding.span
    language = language_of(finding.path)
    highlight = tuple(range(span.line, span.end_line + 1))
    path = printable(finding.path)
    view = files.view(finding.path)
    if view is None or not files.readable(finding):
        # The report's snippet: redacted by the scan that wrote it, and once more here.
        redactor = files.redactor(finding.path)
        return CodeExcerpt(path, span.line, (_shown(redactor, redactor.text(finding.snippet)),),
                           (span.line,), language, True, finding.context.value)
    redactor = view.redactor
    first = max(1, span.line - CONTEXT_LINES)
    last = min(len(redactor.lines), span.end_line + CONTEXT_LINES)
    shown = tuple(_shown(redactor, redactor.line(n).rstrip()) for n in range(first, last + 1))
    return CodeExcerpt(path, first, shown, highlight, language, True, finding.context.value)


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
        value = _locate(_span_text(lines, finding.span), finding.secret_hash)
        if value is None and 1 <= finding.span.line <= len(lines):
            value = _locate(lines[finding.span.line - 1], finding.secret_hash)
        if value is not None:
            found.add(value)
    return found


def example_excerpt(example: Example, rules: Sequence[Rule], *, lines: tuple[int, ...] = ()
                    ) -> CodeExcerpt:
    """A rule's example (or a reference fix), redacted like the team's code."""
    findings = scan_text(example.path, example.text, rules)
    redactor = Redactor.of_text(example.text, (s for f in findings for s in f.secret_spans),
                                example_secrets(example, rules))
    shown = tuple(_shown(redactor, redactor.line(n).rstrip())
                  for n in range(1, len(redactor.lines) + 1))
    return CodeExcerpt(printable(example.path), 1, shown, lines, language_of(example.path),
                       False)


def sample_excerpt(example: Example, rules: Sequence[Rule]) -> CodeExcerpt:
    """Right-way code shipped with the lessons, shown as written.

    Its text is fixed and tests pin it: it scans clean and its few token-shaped runs are
    listed (``rbac.authorization.k8s.io/v1``, ``https://geo.example.com/v1/search``). The
    redactor's guess would mask exactly those. A sample the scan finds anything in is
    redacted like any example.
    """
    if scan_text(example.path, example.text, rules):
        return example_excerpt(example, rules)
    redactor = Redactor.of_text(example.text)
    shown = tuple(_shown(redactor, redactor.known(redactor.source_line(n).rstrip()))
                  for n in range(1, len(redactor.lines) + 1))
    return CodeExcerpt(printable(example.path), 1, shown, (), language_of(example.path), False)

