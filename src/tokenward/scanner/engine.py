"""The engine: a pure function of (files, rule set, config) -> ScanResult.

It receives the rules it runs; it never imports the registry (the composition happens in
:mod:`tokenward.scanner.pipeline` and the CLI).

Per file: read, skip binary and oversized files, decode, pick the rules that could fire
(file kind, settings, a cheap lower-cased substring prefilter), run them, turn hits into
redacted, fingerprinted findings and apply inline suppressions. Files are independent, so
a large scan runs in worker processes; results come back in path order, so the output is
deterministic whatever the scheduling. An unchanged file is served from the result cache.
"""

from __future__ import annotations

import os
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from tokenward.analysis.source import Source, decode, kind_of
from tokenward.config import Config
from tokenward.model import (
    Finding,
    Hit,
    ScanError,
    ScanResult,
    SkippedFile,
)
from tokenward.rules.base import Rule
from tokenward.scanner import redaction
from tokenward.scanner.files import Candidate
from tokenward.scanner.fingerprint import (
    fingerprint,
    normalise_code,
    secret_material,
    value_check,
)
from tokenward.scanner.suppressions import find_suppression

Progress = Callable[[int, int], None]

# Below this many files, worker processes cost more than they save (the pre-commit case).
PARALLEL_THRESHOLD = 24
BINARY_SNIFF = 8192


@dataclass(frozen=True)
class FileTask:
    """One file to scan: its display path and content (or why it has none)."""

    path: str
    data: bytes | None = None
    error: str | None = None
    skipped: str | None = None


@dataclass(frozen=True)
class FileResult:
    path: str
    findings: tuple[Finding, ...] = ()
    errors: tuple[ScanError, ...] = ()
    skipped: SkippedFile | None = None
    parsed: bool = False
    counts: dict[str, int] = field(default_factory=dict)


def active_rules(config: Config, rules: Sequence[Rule]) -> tuple[Rule, ...]:
    """The rules of ``rules`` that the settings leave on."""
    return tuple(r for r in rules if config.rule_enabled(r.id, r.name))


def _is_binary(data: bytes) -> bool:
    return b"\0" in data[:BINARY_SNIFF]


def scan_file(task: FileTask, config: Config, rules: Sequence[Rule]) -> FileResult:
    """Scan one file's content. Never raises: problems become error entries."""
    if task.error is not None:
        return FileResult(task.path, errors=(ScanError(task.path, task.error),))
    if task.skipped is not None:
        return FileResult(task.path, skipped=SkippedFile(task.path, task.skipped))
    data = task.data or b""
    if len(data) > config.max_file_size:
        return FileResult(task.path, skipped=SkippedFile(task.path, "too-large"))
    if _is_binary(data):
        return FileResult(task.path, skipped=SkippedFile(task.path, "binary"))
    kind = kind_of(task.path, data[:200])
    decoded = decode(data, kind)
    source = Source(task.path, decoded.text, kind, config, decoded.encoding)
    errors: list[ScanError] = []
    if decoded.error:
        errors.append(ScanError(task.path, decoded.error))
    hits: list[tuple[Rule, Hit]] = []
    for rule in rules:
        if not rule.applies_to(kind) or not rule.wants(source.lowered):
            continue
        try:
            hits.extend((rule, hit) for hit in rule.detect(source))
        except RecursionError:
            errors.append(ScanError(task.path, f"{rule.id}: code nested too deeply to analyse"))
        except Exception as exc:  # a bug in a rule must not stop the run, nor pass silently
            where = traceback.extract_tb(exc.__traceback__)[-1]
            errors.append(ScanError(
                task.path,
                f"internal error in rule {rule.id} ({type(exc).__name__} at "
                f"{Path(where.filename).name}:{where.lineno}); please report it",
                internal=True,
            ))
    errors.extend(ScanError(task.path, message) for message in source.errors)
    findings, redactor = _to_findings(source, hits)
    # An error can quote the file (a declared encoding, a rule's detail): redacted too.
    errors = [replace(e, message=redactor.text(e.message)) for e in errors]
    parsed = "module" in source.__dict__ and source.__dict__["module"] is not None
    return FileResult(task.path, tuple(findings), tuple(errors), parsed=parsed)


def project_path(path: str, root: str) -> str:
    """A display path made relative to the project root (the settings file's folder): what
    fingerprints are built from, so a baseline made at the root matches a scan started in
    a subfolder."""
    absolute = Path(os.path.normpath(os.path.join(os.getcwd(), path)))
    try:
        return absolute.relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return path


def _to_findings(source: Source, hits: Iterable[tuple[Rule, Hit]]
                 ) -> tuple[list[Finding], redaction.Redactor]:
    """The file's findings, and the redactor that masks every secret any hit saw (a
    duplicate dropped below, a suppressed finding: its secret is masked all the same)."""
    located = [(rule, _with_secret_spans(source, hit)) for rule, hit in hits]
    redactor = redaction.Redactor.of(
        source.lines if located else (),  # most files have no hit: not even split
        (s for _, hit in located for s in hit.secret_spans),
        (hit.secret for _, hit in located))
    findings: list[Finding] = []
    stable_path = project_path(source.path, source.config.root)
    seen: Counter[tuple[str, str]] = Counter()
    for rule, hit in sorted(_merge_duplicates(located), key=lambda rh: (rh[1].span, rh[0].id)):
        secret_hash = redaction.secret_hash(hit.secret) if hit.secret else None
        span = hit.span
        material = (secret_material(hit.target, source.lines, span, hit.secret) if hit.secret
                    else normalise_code(hit.code if hit.code is not None
                                        else _span_text(source, hit)))
        occurrence = seen[(rule.id, material)]
        seen[(rule.id, material)] += 1
        fp = fingerprint(stable_path, rule.id, material, occurrence)
        findings.append(Finding(
            rule_id=rule.id,
            rule=rule.name,
            category=rule.category,
            severity=rule.severity,
            path=source.path,
            span=span,
            message=redactor.known(rule.format_message(hit)),
            snippet=redactor.snippet(span.line, span.column),
            fingerprint=fp,
            fixable=rule.fixable and hit.fixable,
            suppression=find_suppression(source.lines, span, rule.id, rule.name),
            secret_hash=secret_hash,
            target=redactor.known(hit.target) if hit.target is not None else None,
            value_check=value_check(hit.secret, fp) if hit.secret else None,
            secret_spans=hit.secret_spans,
        ))
    return findings, redactor


def _with_secret_spans(source: Source, hit: Hit) -> Hit:
    """A hit with a secret always says where it is spelled: the rule's spans, else the
    value's spellings found on the hit's lines, else the hit's whole span."""
    if not hit.secret or hit.secret_spans:
        return hit
    return replace(hit, secret_spans=redaction.locate(source.lines, hit.span, hit.secret))


def _merge_duplicates(hits: Iterable[tuple[Rule, Hit]]) -> list[tuple[Rule, Hit]]:
    """One secret on one line is one finding: keep the rule that knows most (lowest id),
    with every source range the merged hits spelled the secret at."""
    kept: dict[tuple[object, ...], tuple[Rule, Hit]] = {}
    for rule, hit in hits:
        if hit.secret:
            key: tuple[object, ...] = ("secret", rule.category, hit.span.line, hit.secret)
        else:
            key = ("code", rule.id, hit.span)
        current = kept.get(key)
        if current is not None:
            spans = tuple(sorted({*current[1].secret_spans, *hit.secret_spans}))
            if rule.id < current[0].id:
                current = (rule, hit)
            kept[key] = (current[0], replace(current[1], secret_spans=spans))
        else:
            kept[key] = (rule, hit)
    return list(kept.values())


def _span_text(source: Source, hit: Hit) -> str:
    span = hit.span
    lines = source.lines[span.line - 1 : span.end_line]
    if not lines:
        return ""
    if len(lines) == 1:
        return lines[0][span.column - 1 : span.end_column - 1]
    lines[0] = lines[0][span.column - 1 :]
    lines[-1] = lines[-1][: span.end_column - 1]
    return "\n".join(lines)


def read_task(candidate: Candidate, max_size: int) -> FileTask:
    """Read a file for scanning; unreadable, oversized and odd files become entries."""
    path = candidate.path
    try:
        if path.is_symlink() and not path.exists():
            return FileTask(candidate.display, error="cannot read: broken or looping symbolic link")
        stat = path.stat()
        if not path.is_file():
            return FileTask(candidate.display, skipped="not-a-file")
        if stat.st_size > max_size:
            return FileTask(candidate.display, skipped="too-large")
        return FileTask(candidate.display, data=path.read_bytes())
    except FileNotFoundError:
        return FileTask(candidate.display, skipped="deleted")
    except OSError as exc:
        return FileTask(candidate.display, error=f"cannot read: {exc.strerror or exc}")


def _worker(args: tuple[list[FileTask], Config, tuple[Rule, ...]]) -> list[FileResult]:
    tasks, config, rules = args
    return [scan_file(task, config, rules) for task in tasks]


def _chunks(tasks: list[FileTask], size: int) -> list[list[FileTask]]:
    return [tasks[i : i + size] for i in range(0, len(tasks), size)]


def run_tasks(tasks: Sequence[FileTask], config: Config, *, rules: Sequence[Rule],
              jobs: int | None = None, use_cache: bool | None = None,
              progress: Progress | None = None) -> ScanResult:
    """Scan prepared file contents (from disk, or blobs from the git index)."""
    from tokenward.scanner.cache import ResultCache

    chosen = active_rules(config, rules)
    cache = ResultCache.open(config, chosen) if (config.cache if use_cache is None
                                                  else use_cache) else None
    results: dict[str, FileResult] = {}
    pending: list[FileTask] = []
    for task in tasks:
        cached = cache.get(task) if cache is not None else None
        if cached is not None:
            results[task.path] = cached
        else:
            pending.append(task)
    done = len(results)
    total = len(tasks)
    if progress:
        progress(done, total)
    workers = jobs or config.jobs or os.cpu_count() or 1
    if workers > 1 and len(pending) >= PARALLEL_THRESHOLD:
        # Largest files first, in small batches: the expensive files (the ones that get
        # parsed) spread over the workers instead of ending the run on one of them.
        by_size = sorted(pending, key=lambda t: len(t.data or b""), reverse=True)
        size = max(4, min(32, len(pending) // (workers * 16) or 1))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for batch in pool.map(_worker, [(c, config, chosen) for c in
                                            _chunks(by_size, size)]):
                for result in batch:
                    results[result.path] = result
                done += len(batch)
                if progress:
                    progress(done, total)
    else:
        for task in pending:
            results[task.path] = scan_file(task, config, chosen)
            done += 1
            if progress:
                progress(done, total)
    if cache is not None:
        cache.put_many(
            (task, results[task.path]) for task in pending
            if task.data is not None and not any(e.internal for e in results[task.path].errors)
        )
        cache.close()
    return _assemble([results[t.path] for t in tasks], cache_hits=total - len(pending))


def _assemble(results: Sequence[FileResult], *, cache_hits: int) -> ScanResult:
    ordered = sorted(results, key=lambda r: r.path)
    findings = tuple(f for r in ordered for f in r.findings)
    errors = tuple(e for r in ordered for e in r.errors)
    skipped = tuple(r.skipped for r in ordered if r.skipped is not None
                    and r.skipped.reason not in ("deleted", "not-a-file"))
    scanned = sum(1 for r in ordered if r.skipped is None)
    stats = {"parsed": sum(1 for r in ordered if r.parsed), "cache_hits": cache_hits}
    return ScanResult(findings, errors, skipped, scanned, stats)
