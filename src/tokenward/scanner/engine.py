"""The engine: a pure function of (files, rule set, config) -> ScanResult.

It receives the rules it runs; it never imports the registry (the composition happens in
:mod:`tokenward.scanner.pipeline` and the CLI).

Per file: read, skip binary and oversized files, decode, pick the rules that could fire
(file kind, settings, a cheap lower-cased substring prefilter), run them, turn hits into
redacted, fingerprinted findings and apply inline suppressions. Files are independent, so
a large scan runs in worker processes; results come back in path order, so the output is
deterministic whatever the scheduling. An unchanged file is served from the result cache.

A file that cannot be fully analysed (unreadable, over the size cap, binary content in a
text file, undecodable, too deeply nested to parse, a rule that crashed on it) is an error
entry marked ``unscanned``: the gate fails on it rather than pass what it did not see. A
worker process that dies costs the file it was scanning, never the run.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import os
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import field, replace
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING

from tokenward.analysis.context import (
    CONTEXT_HEAD,
    file_context,
    region_context,
    reports_only_proven,
)
from tokenward.analysis.literals import will_read
from tokenward.analysis.providers import may_hold_proof, proves_itself, validated
from tokenward.analysis.source import (
    FileKind,
    Source,
    bom_encoding,
    collector_paused,
    decode,
    is_binary_kind,
    is_text_kind,
    kind_of,
)
from tokenward.analysis.vocabulary import may_define_issuers
from tokenward.config import Config, cpu_count
from tokenward.model import (
    CONTEXT_POLICY,
    Category,
    Context,
    Finding,
    Hit,
    ScanError,
    ScanResult,
    Severity,
    SkippedFile,
    Suppression,
)
from tokenward.records import record
from tokenward.rules.base import Rule, keyword_screen
from tokenward.scanner import redaction
from tokenward.scanner.files import Candidate, is_excluded, path_below
from tokenward.scanner.fingerprint import (
    fingerprint,
    known_value_check,
    normalise_code,
    secret_material,
)
from tokenward.scanner.suppressions import find_suppression

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from tokenward.analysis.issuers import ImportedIssuer, Summary
    from tokenward.scanner.cache import ResultCache

Progress = Callable[[int, int], None]


# Below this many files, worker processes cost more than they save (the pre-commit case).
PARALLEL_THRESHOLD = 24
BINARY_SNIFF = 8192


Signature = tuple[int, int, int, int]
# A file changed this recently may change again within one tick of its file system's clock
# (2 s on FAT) without its stat changing: git's "racy clean" rule. Such a file gets no
# signature, so it is read and hashed every run until it is older.
RACY_NS = 2_000_000_000


@record
class FileTask:
    """One file to scan: its display path and content (or why it has none)."""

    path: str
    data: bytes | None = None
    error: str | None = None
    skipped: str | None = None
    # The git object id of ``data`` (a blob of the index or of history): the result cache
    # keys the task by it, so a cached blob need not even be read.
    blob: str | None = None
    # Issuers of other files this one calls (scanner/project.py's join): the second pass.
    imported: tuple[ImportedIssuer, ...] = ()
    # Only these of the run's rules (a history blob: the rules its diff could fire), so
    # blobs that want different rules share one pool of workers; None: all of them.
    rules: frozenset[str] | None = None
    # Screen a Python file for a syntax error no rule's parse met (a history scan does not
    # report an old version's syntax error, so it does not pay for the screen).
    syntax: bool = True
    # Summarise a Python file for the project join (scanner/project.py). A history scan has
    # no join (its blobs are old versions, each scanned alone), so it does not pay for the
    # parse the summary costs in a file with a lifetime parameter (requests' ``timeout=None``).
    summary: bool = True
    # Where the file is on disk, and its stat signature (size, mtime_ns, ctime_ns, inode)
    # when it is old enough to be trusted (see ``signature``). A task with a signature and
    # no data is unread: the result cache may answer it from the signature alone, and the
    # scan reads it only on a miss (``load``).
    disk: Path | None = None
    signature: Signature | None = None
    # The SHA-256 of the bytes a worker read, when it sent back the task without them (a
    # scan whose new result cache can answer nothing): the cache keys the result by it.
    digest: bytes | None = None


@record
class FileResult:
    """What the scan of one file found, and how it was scanned."""

    path: str
    findings: tuple[Finding, ...] = ()
    errors: tuple[ScanError, ...] = ()
    skipped: SkippedFile | None = None
    parsed: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    cached: bool = False  # served from the result cache
    # What a Python file tells the others (analysis/issuers.py), for the project join.
    summary: Summary | None = None


def active_rules(config: Config, rules: Sequence[Rule]) -> tuple[Rule, ...]:
    """The rules of ``rules`` that the settings leave on."""
    return tuple(r for r in rules if config.rule_enabled(r.id, r.name))


def _is_binary(data: bytes) -> bool:
    """A NUL byte near the start, unless a UTF-16/32 byte-order mark explains it."""
    return b"\0" in data[:BINARY_SNIFF] and bom_encoding(data) in (None, "utf-8-sig")


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.1f} MiB" if count >= 1024 * 1024 else f"{count} bytes"


def _real_binary(path: str, text_kind: bool, data: bytes) -> bool:
    """Never text by name (an image, an archive, a font ...), or a NUL byte near the start
    of a file whose name does not say text."""
    return is_binary_kind(path) or (not text_kind and _is_binary(data))


def oversize_error(path: str, head: bytes, size: int, cap: int) -> str | None:
    """Why a file over the size cap is not fully scanned; None for a real binary, which
    is only skipped."""
    if _real_binary(path, is_text_kind(path, kind_of(path, head[:200])), head):
        return None
    return (f"not scanned: {_size(size)} is over the size cap ({_size(cap)}); raise "
            "max_file_size or exclude the file")


def _unreadable(task: FileTask) -> FileResult:
    errors = () if task.error is None else (ScanError(task.path, task.error, unscanned=True),)
    skipped = None if task.skipped is None else SkippedFile(task.path, task.skipped)
    return FileResult(task.path, errors=errors, skipped=skipped)


def scan_file(task: FileTask, config: Config, rules: Sequence[Rule]) -> FileResult:
    """Scan one file's content. Never raises: problems become error entries.

    The cyclic garbage collector is paused for the file: its tree, index and analysis are
    many thousands of objects that stay alive until the file is done, and collections set
    off while they were built walked them again and again (on a 20,000-line module, a
    quarter of the CPU). Garbage is still freed by reference counting meanwhile, and a
    cycle left behind is collected once the collector resumes."""
    with collector_paused():
        return _scan_file(task, config, rules)


def _scan_file(task: FileTask, config: Config, rules: Sequence[Rule]) -> FileResult:
    if task.error is not None or task.skipped is not None:
        return _unreadable(task)
    data = task.data or b""
    if len(data) > config.max_file_size:
        message = oversize_error(task.path, data[:BINARY_SNIFF], len(data),
                                 config.max_file_size)
        return _unreadable(FileTask(task.path, error=message, skipped="too-large"))
    kind = kind_of(task.path, data[:200])
    text_kind = is_text_kind(task.path, kind)
    if _real_binary(task.path, text_kind, data):
        return FileResult(task.path, skipped=SkippedFile(task.path, "binary"))
    decoded = decode(data, kind)
    errors: list[ScanError] = []
    if decoded.error:
        # Still scanned (as Latin-1); a file named as text that does not decode is suspect.
        errors.append(ScanError(task.path, decoded.error, unscanned=text_kind))
    text = decoded.text
    if "\0" in text:
        # A NUL byte must not hide the rest of a .env or a JSON file: read it as a separator.
        text = text.replace("\0", " ")
        if text_kind:
            errors.append(ScanError(
                task.path, "holds NUL bytes (binary content in a text file): scanned as "
                "text with each NUL read as a separator", unscanned=True))
    stable_path = project_path(task.path, config.root)
    context = file_context_of(stable_path, text[:CONTEXT_HEAD], config)
    source = Source(task.path, text, kind, config, decoded.encoding, context,
                    task.imported)
    hits: list[tuple[Rule, Hit]] = []
    screen = keyword_screen(rules)
    spelled = screen.spelled(source.lowered)
    proven_only = reports_only_proven(source)
    for rule in screen.for_kind(kind, proven_only=proven_only):
        if task.rules is not None and rule.id not in task.rules:
            continue
        if proven_only and not _proof_may_report(rule, source):
            continue
        if not (rule.wants(source.lowered, spelled) or (task.imported and rule.reads_imported)):
            continue
        try:
            hits.extend((rule, hit) for hit in rule.detect(source))
        except RecursionError:
            errors.append(ScanError(task.path, f"{rule.id}: code nested too deeply to analyse",
                                    unscanned=True))
        except Exception as exc:  # a bug in a rule must not stop the run, nor pass silently
            where = traceback.extract_tb(exc.__traceback__)[-1]
            errors.append(ScanError(
                task.path,
                f"internal error in rule {rule.id} ({type(exc).__name__} at "
                f"{Path(where.filename).name}:{where.lineno}); please report it",
                internal=True,
            ))
    summary = _summary(source) if task.summary else None
    if task.syntax and not reports_only_proven(source):
        # Where only secrets that prove themselves are reported (tests, docs, examples ...
        # by default) code is not analysed, so it is not checked either: a rule that
        # needed the file's tree there reported its syntax error when it parsed it.
        source.report_syntax_error()
    errors.extend(source.errors)
    findings, redactor = _to_findings(source, hits, stable_path)
    # An error can quote the file (a declared encoding, a rule's detail): redacted too.
    errors = [replace(e, message=redactor.text(e.message)) for e in errors]
    parsed = "module" in source.__dict__ and source.__dict__["module"] is not None
    return FileResult(task.path, tuple(findings), tuple(errors), parsed=parsed,
                      summary=summary)


def _proof_may_report(rule: Rule, source: Source) -> bool:
    """Whether ``rule`` may report anything where only what proves itself real is reported
    (a test, a fixture, docs ... by default; ``KeywordScreen.for_kind`` chose the rules that
    may). Only a secret can prove itself (a checksum, a live-mode prefix, a whole private
    key; see ``_to_findings``), and only in a text that spells the start of such a value:
    any other rule would only add hidden findings, so it is not run there
    (``--all-contexts`` runs every rule everywhere). Asked before a rule's prefilter, which
    is not run either; the proof is looked for once per file."""
    return rule.runs_where_hidden or source.fact(_holds_proof)


def _holds_proof(source: Source) -> bool:
    return may_hold_proof(source.text, source.lowered)


def _summary(source: Source) -> Summary | None:
    """The file's summary for the project join: for Python whose text has a lifetime
    parameter defaulting to None (a cheap test; most files are not parsed for it)."""
    if source.kind is not FileKind.PYTHON or not may_define_issuers(source.text):
        return None
    # Imported here: the issuers' analysis (and the libcst helpers it needs) is loaded by
    # the first file that may define one, not by every process (a commit's hook).
    from tokenward.analysis.issuers import summary

    found = summary(source)
    return found if found.issuers else None


def project_path(path: str, root: str, cwd: str | None = None) -> str:
    """A display path made relative to the project root (the settings file's folder): what
    fingerprints are built from, so a baseline made at the root matches a scan started in
    a subfolder. ``cwd``: the current folder, when the caller already knows it."""
    cwd = cwd or os.getcwd()
    folder, slash, name = path.rpartition("/")
    if slash and name not in ("", ".", "..") and "\\" not in name:
        # A plain name in a folder: the folder's path from the root, made once per folder
        # (joining and normalising each file's path was most of a first cached scan's
        # keys: 12 us a file, 36,487 of them in Home Assistant's wheel).
        above = _project_folder(folder or "/", root, cwd)
        if above is None:
            return path
        return name if above == "." else f"{above}/{name}"
    below = _below_root(path, root, cwd)
    return below if below is not None else path


def _below_root(path: str, root: str, cwd: str) -> str | None:
    """``path`` (from ``cwd``) relative to the project root (``.`` for the root itself), or
    None when it is not below it."""
    return path_below(os.path.normpath(os.path.join(cwd, path)), str(_resolved(root, cwd)))


# A folder's answer, asked for each of its files.
_project_folder = functools.lru_cache(maxsize=4096)(_below_root)


@functools.lru_cache(maxsize=16)
def _resolved(root: str, cwd: str) -> Path:
    # Asked once per file (a history scan: once per blob); resolving is a walk of the
    # file system. ``cwd``: a relative root means another folder after a chdir.
    return Path(root).resolve()


def _to_findings(source: Source, hits: Iterable[tuple[Rule, Hit]], stable_path: str
                 ) -> tuple[list[Finding], redaction.Redactor]:
    """The file's findings, and the redactor that masks every secret any hit saw (a
    duplicate dropped below, a suppressed finding: its secret is masked all the same).
    ``stable_path``: the file's path in the project (:func:`project_path`)."""
    located = [(rule, _with_secret_spans(source, hit)) for rule, hit in hits]
    redactor = redaction.Redactor.of(
        source.lines if located else (),  # most files have no hit: not even split
        (s for _, hit in located for s in hit.secret_spans),
        (hit.secret for _, hit in located))
    findings: list[Finding] = []
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
        context = region_context(source, source.context, span.line)
        # A real provider token (its checksum or structure holds) is critical whichever
        # rule reports it: TW101 in a .py file as TW103 in a .txt (--fail-on critical);
        # one that proves itself (not a signed JWT: tests sign their own) is reported by the
        # context policy whichever rule found it.
        valid = bool(hit.secret) and rule.category is Category.HARDCODED_SECRET \
            and validated(hit.secret or "")
        proven = hit.proven or (valid and proves_itself(hit.secret or ""))
        suppression = (find_suppression(source.lines, span, rule.id, rule.name)
                       or _policy(context, proven, source.config))
        findings.append(Finding(
            rule_id=rule.id,
            rule=rule.name,
            category=rule.category,
            severity=Severity.CRITICAL if valid else rule.severity,
            path=source.path,
            span=span,
            message=redactor.known(rule.format_message(hit)),
            snippet=redactor.snippet(span.line, span.column),
            fingerprint=fp,
            fixable=rule.fixable and hit.fixable,
            suppression=suppression,
            secret_hash=secret_hash,
            target=redactor.known(hit.target) if hit.target is not None else None,
            value_check=known_value_check(hit.secret, secret_hash, fp)
            if hit.secret and secret_hash else None,
            secret_spans=hit.secret_spans,
            context=context,
            validated=valid,
        ))
    return findings, redactor


def file_context_of(path: str, head: str, config: Config) -> Context:
    """The context of a file (``path`` relative to the project root): the first
    ``[contexts]`` entry of the settings whose globs match, else the detected one."""
    for context, globs in config.contexts:
        if is_excluded(path, globs):
            return context
    return file_context(path, head)


def _policy(context: Context, proven: bool, config: Config) -> Suppression | None:
    """The context policy: where only what proves itself real is reported, a finding
    whose value does not is hidden (counted; ``--all-contexts`` shows it)."""
    if context not in config.proven_only or proven:
        return None
    return Suppression(CONTEXT_POLICY, f"{context.value} context: only secrets that prove "
                                       "themselves real are reported there")


def _with_secret_spans(source: Source, hit: Hit) -> Hit:
    """A hit with a secret always says where it is spelled: the rule's spans, else the
    value's spellings found on the hit's lines, else the hit's whole span."""
    if not hit.secret or hit.secret_spans:
        return hit
    return replace(hit, secret_spans=redaction.locate(source.lines, hit.span, hit.secret))


def _merge_duplicates(hits: Iterable[tuple[Rule, Hit]]) -> list[tuple[Rule, Hit]]:
    """One secret on one line is one finding: keep a rule that can fix it, and among
    those the rule that knows most (lowest id), with every source range the merged hits
    spelled the secret at. (TW101 leaves a token inside a longer f-string to a manual fix;
    TW103, which points at the token itself, moves it.)"""
    kept: dict[tuple[object, ...], tuple[Rule, Hit]] = {}
    for rule, hit in hits:
        if hit.secret:
            key: tuple[object, ...] = ("secret", rule.category, hit.span.line, hit.secret)
        else:
            key = ("code", rule.id, hit.span)
        current = kept.get(key)
        if current is not None:
            spans = tuple(sorted({*current[1].secret_spans, *hit.secret_spans}))
            proven = current[1].proven or hit.proven  # a checksum proves it for both
            if _preference(rule, hit) < _preference(*current):
                current = (rule, hit)
            kept[key] = (current[0], replace(current[1], secret_spans=spans, proven=proven))
        else:
            kept[key] = (rule, hit)
    return list(kept.values())


def _preference(rule: Rule, hit: Hit) -> tuple[bool, str]:
    return (not (rule.fixable and hit.fixable), rule.id)


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


def signature(stat: os.stat_result, before_ns: int) -> Signature | None:
    """The stat signature of a file statted just after ``before_ns``, or None when it is
    too recent to be trusted (modified or its inode changed within the racy window)."""
    limit = before_ns - RACY_NS
    if os.name == "nt" or stat.st_mtime_ns >= limit or stat.st_ctime_ns >= limit:
        return None  # Windows' st_ctime is the creation time: an edit does not change it
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def read_task(candidate: Candidate, max_size: int, *, lazy: bool = False) -> FileTask:
    """Read a file for scanning; unreadable, oversized and odd files become entries.
    ``lazy``: a regular file with a signature is left unread (``load`` reads it)."""
    path = candidate.path
    try:
        if candidate.stat is not None:  # discovery's: a warm scan's one system call
            before, stat = candidate.statted_after_ns, candidate.stat
        else:
            before = time.time_ns()
            try:
                stat = path.stat()
            except OSError:
                if path.is_symlink() and not path.exists():
                    return FileTask(candidate.display,
                                    error="cannot read: broken or looping symbolic link")
                raise
        if not S_ISREG(stat.st_mode):
            return FileTask(candidate.display, skipped="not-a-file")
        if stat.st_size > max_size:
            with path.open("rb") as handle:  # enough to tell a real binary, no more
                head = handle.read(BINARY_SNIFF)
            return FileTask(candidate.display, skipped="too-large", error=oversize_error(
                candidate.display, head, stat.st_size, max_size))
        signed = signature(stat, before)
        if lazy and signed is not None:
            return FileTask(candidate.display, disk=path, signature=signed)
        # Statted before reading: a change in between leaves an older signature, which
        # the next run's stat does not match.
        return FileTask(candidate.display, data=path.read_bytes(), disk=path, signature=signed)
    except FileNotFoundError:
        return FileTask(candidate.display, skipped="deleted")
    except OSError as exc:
        return FileTask(candidate.display, error=f"cannot read: {exc.strerror or exc}")


def unread(task: FileTask) -> bool:
    return task.data is None and task.disk is not None and task.error is None \
        and task.skipped is None


def load(task: FileTask, max_size: int) -> FileTask:
    """An unread task read (a task with data as it is). A file that is gone, unreadable,
    not a regular file or too large now is read as a listing reads it, which says why."""
    if not unread(task):
        return task
    assert task.disk is not None
    before = time.time_ns()
    read = read_file(task.disk, max_size)
    if read is not None:
        stat, data = read
        return replace(task, data=data, signature=signature(stat, before))
    return replace(read_task(Candidate(task.disk, task.path), max_size), rules=task.rules,
                   syntax=task.syntax, summary=task.summary)


# Windows opens files in text mode unless told otherwise (newlines would be translated).
_O_BINARY = getattr(os, "O_BINARY", 0)


def read_file(path: Path, max_size: int) -> tuple[os.stat_result, bytes] | None:
    """A regular file's stat and bytes, read through one descriptor (a scan reads every
    file: half the system calls and buffering of a stat of the path and ``read_bytes``);
    None when it cannot be opened, is not a regular file or is larger than ``max_size``.
    Opened non-blocking: a file replaced by a FIFO since it was listed must not hang."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | _O_BINARY)
    except OSError:
        return None
    try:
        stat = os.fstat(handle)
        if not S_ISREG(stat.st_mode) or stat.st_size > max_size:
            return None
        # The stat's size in one read, one byte more to see that the file grew; the rest
        # of a file that grew (or a read that came back short) after it.
        data = os.read(handle, stat.st_size + 1)
        if len(data) != stat.st_size:
            chunks = [data]
            while more := os.read(handle, 1 << 20):
                chunks.append(more)
            data = b"".join(chunks)
        return stat, data
    except OSError:
        return None
    finally:
        os.close(handle)


# What a worker process scans with, handed over once when the process starts
# (:func:`_start_worker`), not with every batch of files: a 117 KB pickle of the rules and
# settings each way per batch, and new copies of the rules in every batch.
_WORKER_SETUP: tuple[Config, tuple[Rule, ...]] | None = None


def _start_worker(config: Config, rules: tuple[Rule, ...]) -> None:
    global _WORKER_SETUP
    _WORKER_SETUP = (config, rules)


# A file's result, and the task as it was read where the scan read it (None: as handed).
Scanned = tuple[FileResult, FileTask | None]


def _worker(tasks: list[FileTask], keep: bool, cached: bool, reads: int) -> list[Scanned]:
    """Scan ``tasks`` in a worker that reads about ``reads`` characters in the whole run
    (:func:`~tokenward.analysis.literals.will_read`)."""
    assert _WORKER_SETUP is not None, "a worker of a pool made by _in_pools"
    config, rules = _WORKER_SETUP
    will_read(reads)
    return [_scanned(task, config, rules, keep=keep, cached=cached) for task in tasks]


def _scanned(task: FileTask, config: Config, rules: Sequence[Rule], *, keep: bool,
             cached: bool = False) -> Scanned:
    """Read an unread task (a scan no result cache can answer hands its workers files
    unread: the parent's reading and pickling of every file's bytes to them was a tenth
    of the CPU of Home Assistant's wheel) and scan it. The bytes read go back with
    findings (``fix`` rewrites, lessons quote, the bytes the findings were made from), or
    always with ``keep`` (in the scan's own process, where nothing is pickled; a scan of
    named files, whose caller may show any of them). With ``cached`` (a new result cache
    keeps the results) the task read always goes back, with its stat signature and the
    digest of its bytes in place of them."""
    read = load(task, config.max_file_size)
    result = scan_file(read, config, rules)
    if read is task:
        return result, None
    if keep or result.findings:
        return result, read
    if cached and read.data is not None:
        return result, replace(read, data=None, digest=hashlib.sha256(read.data).digest())
    return result, None


def _crashed(task: FileTask) -> FileResult:
    return FileResult(task.path, errors=(ScanError(
        task.path, "not scanned: the scanner process died while scanning this file (a crash "
        "in native code, or out of memory); please report it", internal=True,
        unscanned=True),))


Indexed = tuple[int, FileTask]


def _in_pools(tasks: Iterable[Indexed], config: Config, rules: tuple[Rule, ...], workers: int,
              size: int, started: ProcessPoolExecutor | None = None, *, keep: bool = True,
              cached: bool = False, reads: int = 0) -> Iterator[list[tuple[int, Scanned]]]:
    """Scan ``tasks`` in worker processes, ``size`` files per call, yielding each call's
    results (with the task as read: :func:`_scanned`, ``keep``, ``cached``), with the
    index of their task, as it ends. ``reads``: about how many characters each worker
    reads (:func:`_worker`). (Indices, not paths: the blobs of a history scan are
    many versions of one path.) ``tasks`` is consumed as calls are made: the next batch is
    read while the workers scan the ones before it.

    Few calls are in flight at a time, so when a worker dies (a segfault in native code,
    the out-of-memory killer) the files it may have been scanning are known. They are
    scanned again one per call, then one process at a time, until the file that kills its
    worker is alone: that file becomes an error entry. The others go on in a fresh pool.
    ``started``: a pool forked before the files were listed (:func:`start_workers`), used
    for the first round.
    """
    # Imported here: the process pool and multiprocessing cost more to import than a
    # commit's few files take to scan in-process, where no pool is started.
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    window = 2 * workers if workers > 1 else 1
    batches = _batched(tasks, size)
    batch = next(batches, None)
    while batch is not None:
        suspects: list[Indexed] = []
        with started or ProcessPoolExecutor(max_workers=workers, initializer=_start_worker,
                                            initargs=(config, rules)) as pool:
            started = None  # a later round (after a crash) starts a fresh pool
            running: dict[Future[list[Scanned]], list[Indexed]] = {}
            while (batch is not None or running) and not suspects:
                while batch is not None and len(running) < window:
                    try:
                        running[pool.submit(_worker, [t for _, t in batch], keep,
                                            cached, reads)] = batch
                    except BrokenProcessPool:  # it broke between two calls: a suspect too
                        suspects.extend(batch)
                    batch = next(batches, None)
                    if suspects:
                        break
                finished = (wait(running, return_when=FIRST_COMPLETED).done
                            if running and not suspects else set())
                # Once the pool is broken every call still running fails with it.
                broken = suspects or _broken(finished)
                for future in list(running) if broken else finished:
                    done = running.pop(future)
                    try:
                        yield list(zip((i for i, _ in done), future.result(), strict=True))
                    except BrokenProcessPool:
                        suspects.extend(done)
        if len(suspects) == 1 and window == 1:
            index, task = suspects[0]
            yield [(index, (_crashed(task), None))]  # it killed a worker that scanned nothing else
        elif suspects:
            yield from _in_pools(suspects, config, rules, workers if size > 1 else 1, 1,
                                 keep=keep, cached=cached, reads=reads)


def _batched(tasks: Iterable[Indexed], size: int) -> Iterator[list[Indexed]]:
    batch: list[Indexed] = []
    for task in tasks:
        batch.append(task)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# The pool :func:`start_workers` forked, with what its workers were handed: (settings,
# rules, number of workers, pool). Taken by the scan that uses it, or shut down.
_STARTED: list[tuple[Config, tuple[Rule, ...], int, ProcessPoolExecutor]] = []


def start_workers(config: Config, rules: Sequence[Rule], jobs: int | None) -> None:
    """Fork a full scan's worker processes before its files are listed: they load libcst
    and detect-secrets while this process lists the files, instead of after (the listing,
    0.13 s of Django's source and 0.55 s of Home Assistant's wheel, and the parent's own
    libcst import before the fork left a core idle). The scan uses them when it has files
    enough to share (:func:`_scan`); otherwise they are shut down unused."""
    workers = worker_count(jobs, config)
    if workers < 2:
        return
    from concurrent.futures import ProcessPoolExecutor

    stop_started_workers()
    chosen = active_rules(config, rules)
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_start_worker,
                               initargs=(config, chosen))
    for _ in range(workers):
        pool.submit(_warm_up)
    _STARTED.append((config, chosen, workers, pool))


def stop_started_workers() -> None:
    """Shut down the pool :func:`start_workers` forked, if no scan took it."""
    while _STARTED:
        _STARTED.pop()[3].shutdown(wait=False, cancel_futures=True)


def _take_started(config: Config, rules: tuple[Rule, ...], workers: int
                  ) -> ProcessPoolExecutor | None:
    """The pool :func:`start_workers` forked, when it was handed these settings and rules."""
    if not _STARTED:
        return None
    handed_config, handed_rules, handed_workers, pool = _STARTED.pop()
    if (handed_config, handed_rules, handed_workers) == (config, rules, workers):
        return pool
    pool.shutdown(wait=False, cancel_futures=True)
    return None


def _warm_up() -> None:
    """What every worker of a full scan imports (a worker's first file no longer waits).
    Not detect-secrets: few scans have a line its plugins could match (none of Django's
    files), and a worker imports it at the first (``secrets_adapter.run_plugins``)."""
    import libcst  # noqa: F401


def _preload_for_workers(tasks: list[Indexed]) -> None:
    """Import libcst before the pool's workers are forked when Python files are among the
    tasks: forked workers share the parent's modules, where each would otherwise import
    it itself (0.15-0.3 s of CPU each, a tenth of a history scan of flask). Where workers
    start afresh (spawn, forkserver) there is nothing to share."""
    import multiprocessing

    if multiprocessing.get_start_method() == "fork" and any(
            task.path.endswith((".py", ".pyi")) for _, task in tasks):
        import libcst  # noqa: F401


def worker_count(jobs: int | None, config: Config) -> int:
    """How many processes a scan uses: ``--jobs``, else the settings', else one per CPU
    this process may run on (``config.cpu_count``: a container's share)."""
    return jobs or config.jobs or cpu_count()


def _looked_up(tasks: Sequence[FileTask], cache: ResultCache | None, max_size: int
               ) -> tuple[list[FileTask], dict[int, FileResult], set[int]]:
    """The tasks (the answered ones with findings now read), index -> what the cache knows
    of them by their stat signature, and which of them it knew so. The other files are
    read, and looked up by content, as the scan reaches them (:func:`_unanswered`)."""
    results = cache.by_signature(tasks) if cache is not None else {}
    known = set(results)  # by their signature: nothing to write for them
    # Read the answered files with findings (a fix rewrites, a lesson quotes, the bytes
    # the findings were made from): one that changed since its signature is scanned again.
    loaded = list(tasks)
    for index, hit in list(results.items()):
        task = tasks[index]
        if unread(task) and (hit.findings or hit.errors):
            loaded[index] = load(task, max_size)
            if loaded[index].signature != task.signature:
                del results[index]
    return loaded, results, known


# How many files are read (and looked up by content) at a time, as the scan reaches them.
_READ_CHUNK = 128


def _unanswered(pending: Sequence[Indexed], loaded: list[FileTask],
                results: dict[int, FileResult], cache: ResultCache | None, max_size: int
                ) -> Iterator[Indexed]:
    """The ``pending`` tasks read (each put in ``loaded``), in their order, except those
    the cache knows by content (put in ``results``). Read as the scan asks for them: the
    workers scan the first files while the main process reads the others (reading all of
    Home Assistant's wheel first kept one core idle for a second). Without a cache there
    is nothing to look up: the tasks stay unread, for whoever scans them to read."""
    if cache is None:
        yield from pending
        return
    for start in range(0, len(pending), _READ_CHUNK):
        # Paused: every task read lives as long as the run (see collector_paused).
        with collector_paused():
            chunk = [(i, load(t, max_size)) for i, t in pending[start:start + _READ_CHUNK]]
            for index, task in chunk:
                loaded[index] = task
            hits = cache.get_many(chunk) if cache is not None else {}
            results.update(hits)
        yield from (item for item in chunk if item[0] not in hits)


def _size_of(item: Indexed) -> int:
    """A task's size: its data's, or the stat's of a file not read yet."""
    task = item[1]
    if task.data is not None:
        return len(task.data)
    return task.signature[0] if task.signature is not None else 0


def _broken(finished: Iterable[Future[list[Scanned]]]) -> bool:
    from concurrent.futures.process import BrokenProcessPool

    return any(isinstance(f.exception(), BrokenProcessPool) for f in finished)


def run_tasks(tasks: Sequence[FileTask], config: Config, *, rules: Sequence[Rule],
              jobs: int | None = None, use_cache: bool | None = None,
              progress: Progress | None = None) -> ScanResult:
    """Scan prepared file contents (from disk, or blobs from the git index)."""
    return run_loaded(tasks, config, rules=rules, jobs=jobs, use_cache=use_cache,
                      progress=progress)[1]


def run_loaded(tasks: Sequence[FileTask], config: Config, *, rules: Sequence[Rule],
               jobs: int | None = None, use_cache: bool | None = None,
               progress: Progress | None = None, keep_read: bool = True
               ) -> tuple[list[FileTask], ScanResult]:
    """:func:`run_tasks`, with the tasks as the scan left them: the ones it had to read
    now hold their data (a file the cache answered from its stat alone stays unread).
    Without ``keep_read``, so does a file a worker read and found nothing in: its bytes
    are not sent back (a full scan's callers use only the files with findings)."""
    from tokenward.scanner.project import join

    loaded, results = _scan(tasks, config, rules=rules, jobs=jobs, use_cache=use_cache,
                            progress=progress, keep_read=keep_read)
    results = join(loaded, results, config, active_rules(config, rules))
    return loaded, assemble(results, cache_hits=sum(1 for r in results if r.cached))


def scan_tasks(tasks: Sequence[FileTask], config: Config, *, rules: Sequence[Rule],
               jobs: int | None = None, use_cache: bool | None = None,
               progress: Progress | None = None) -> list[FileResult]:
    """Each task's result, in the order of ``tasks`` (which may name a path twice)."""
    return _scan(tasks, config, rules=rules, jobs=jobs, use_cache=use_cache,
                 progress=progress)[1]


def _scan(tasks: Sequence[FileTask], config: Config, *, rules: Sequence[Rule],
          jobs: int | None = None, use_cache: bool | None = None,
          progress: Progress | None = None, keep_read: bool = True
          ) -> tuple[list[FileTask], list[FileResult]]:
    from tokenward.scanner.cache import ResultCache

    chosen = active_rules(config, rules)
    cache = ResultCache.open(config, chosen) if (config.cache if use_cache is None
                                                  else use_cache) else None
    # Paused like a listing (pipeline.collect_tasks): a result per file, all kept.
    with collector_paused():
        loaded, results, known = _looked_up(tasks, cache, config.max_file_size)
    pending: list[Indexed] = [(i, t) for i, t in enumerate(loaded) if i not in results]
    total = len(loaded)
    if progress:
        progress(len(results), total)
    workers = worker_count(jobs, config)
    if workers > 1:
        # Largest first, in small batches: the expensive files (the ones that get parsed)
        # spread over the workers instead of ending the run on one of them.
        pending.sort(key=_size_of, reverse=True)
    # A cache that holds nothing yet is not asked by content: the files stay unread for
    # the workers, whose digests key the results it keeps.
    fresh = cache is not None and cache.fresh
    # What the scan reads, by the files' sizes: how the automata are chosen (will_read).
    reads = sum(_size_of(item) for item in pending)
    stream = _unanswered(pending, loaded, results, None if fresh else cache,
                         config.max_file_size)
    first = list(itertools.islice(stream, PARALLEL_THRESHOLD))
    if workers > 1 and len(first) >= PARALLEL_THRESHOLD:
        started = _take_started(config, chosen, workers)
        if started is None:
            _preload_for_workers(pending)
        size = max(4, min(32, len(pending) // (workers * 16) or 1))
        for batch in _in_pools(itertools.chain(first, stream), config, chosen, workers,
                               size, started, keep=keep_read, cached=fresh,
                               reads=reads // workers):
            _take(batch, loaded, results)
            if progress:
                progress(len(results), total)
    else:
        stop_started_workers()
        will_read(reads)
        for index, task in itertools.chain(first, stream):
            _take([(index, _scanned(task, config, chosen, keep=True))], loaded, results)
            if progress:
                progress(len(results), total)
    if cache is not None:
        # A result that says the file was not fully analysed (undecodable text, NUL bytes,
        # code too deep for the parser) follows from the content alone: it is kept with
        # that kind, so the gate fails on it again without scanning it again. One with an
        # internal error (a rule's crash, a dead worker) is scanned again next time.
        cache.put_many(
            (task, results[index]) for index, task in ((i, loaded[i]) for i, _ in pending)
            if not results[index].cached
            and (task.data is not None or task.blob is not None or task.digest is not None)
            and task.skipped is None
            and task.error is None and not any(e.internal for e in results[index].errors)
        )
        # A file read this run whose result came from its content: its signature now
        # names that content too.
        cache.put_signatures(task for index, task in enumerate(loaded)
                             if index not in known and results[index].cached
                             and task.data is not None and task.signature is not None)
        cache.close()
    return loaded, [results[i] for i in range(len(loaded))]


def _take(batch: Iterable[tuple[int, Scanned]], loaded: list[FileTask],
          results: dict[int, FileResult]) -> None:
    """Each result in ``results``, and the task as its scan read it in ``loaded``."""
    for index, (result, read) in batch:
        results[index] = result
        if read is not None:
            loaded[index] = read


def assemble(results: Sequence[FileResult], *, cache_hits: int) -> ScanResult:
    """The results of many files as one ScanResult, in path order."""
    ordered = sorted(results, key=lambda r: r.path)
    findings = tuple(f for r in ordered for f in r.findings)
    errors = tuple(e for r in ordered for e in r.errors)
    skipped = tuple(r.skipped for r in ordered if r.skipped is not None
                    and r.skipped.reason not in ("deleted", "not-a-file"))
    scanned = sum(1 for r in ordered if r.skipped is None)
    stats = {"parsed": sum(1 for r in ordered if r.parsed), "cache_hits": cache_hits}
    return ScanResult(findings, errors, skipped, scanned, stats)
