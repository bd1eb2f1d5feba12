"""The one path every command takes: choose the files (given paths, staged blobs, files
changed since a base, or the blobs a range of commits added: scanner/history.py), keep a
shard, scan, apply the baseline, keep only changed lines, find stale baseline entries, and
decide the exit code. This is also where the rule
set is composed: the engine receives the rules it runs.

A gate must not pass what it did not see: a file that could not be fully analysed fails
the hook, ``--staged`` and ``--diff-base`` runs unless the settings turn that off (a
choice the summary names); a plain scan reports such files and fails on them only when
asked (``--fail-on-unscanned``).

The outcome keeps what the run read, so that `fix`, SARIF `fixes` and `train` work from
these findings and these bytes instead of scanning again.

Pure apart from reading files and running git: no printing, no exiting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from tokenward.analysis.source import collector_paused
from tokenward.config import Config
from tokenward.model import Context, ExitCode, Finding, ScanResult
from tokenward.records import record
from tokenward.rules import RULES
from tokenward.rules.base import Rule
from tokenward.scanner import engine
from tokenward.scanner.engine import FileTask, Progress, read_task, run_loaded, run_tasks
from tokenward.scanner.files import Candidate, discover, display_path

if TYPE_CHECKING:
    # Imported where a run uses them (a baseline, --diff-base, --shard): the pre-commit
    # hook's start-up is most of its time, and a commit without them should not pay for them.
    from tokenward.scanner import baseline as baselines
    from tokenward.scanner.diff import ChangedFile
    from tokenward.scanner.history import HistoryRange
    from tokenward.scanner.shard import Shard


@record
class ScanRequest:
    """What a run scans and how it gates: paths or staged files, baseline, diff, shard."""

    paths: tuple[str, ...] = ()
    staged: bool = False
    diff_base: str | None = None
    shard: Shard | None = None
    # None: the configured baseline if that file exists; a path: that file (must exist).
    baseline: Path | None = None
    use_baseline: bool = True
    report_stale: bool = False
    # Apply excludes even to paths named on the command line (the pre-commit hook).
    force_exclude: bool = False
    # The pre-commit hook's run (a gate, like --staged and --diff-base).
    hook: bool = False
    # --fail-on-unscanned / --no-fail-on-unscanned; None: the settings, else the default.
    fail_on_unscanned: bool | None = None
    # Exactly these files under these display names, instead of discovering ``paths``
    # (the files a report names, read under its root).
    files: tuple[Candidate, ...] | None = None
    # What these commits added (scanner/history.py), instead of files.
    history: HistoryRange | None = None
    # Only findings in these contexts (--context); None: every context.
    contexts: frozenset[Context] | None = None

    @property
    def gating(self) -> bool:
        """A run that decides whether code goes in: unscanned files fail it by default."""
        return (self.hook or self.staged or self.diff_base is not None
                or self.history is not None)


@record
class UnscannedPolicy:
    """Whether files that were not fully analysed fail the run, and who decided that it
    does not (the summary names that choice)."""

    fail: bool = False
    choice: str = ""  # "fail_on_unscanned = false in .tokenward.toml", a command-line flag


def unscanned_policy(request: ScanRequest, config: Config) -> UnscannedPolicy:
    """The command line first, then the settings, then the default of the mode."""
    if request.fail_on_unscanned is not None:
        fail = request.fail_on_unscanned
        return UnscannedPolicy(fail, "" if fail else "--no-fail-on-unscanned")
    if config.fail_on_unscanned is not None:
        fail = config.fail_on_unscanned
        where = display_path(Path(config.source_file)) if config.source_file else "settings"
        return UnscannedPolicy(fail, "" if fail else f"fail_on_unscanned = false in {where}")
    return UnscannedPolicy(request.gating)


@record
class ReadFile:
    """A file as the run read it: the bytes it scanned, and where the file is on disk
    (None for a staged blob: it has no file of its own)."""

    data: bytes
    disk: Path | None = None


@record
class ScanOutcome:
    """A run's result, with what its reports and the fix need from the run."""

    result: ScanResult
    stale: tuple[baselines.Entry, ...] = ()
    baseline_path: Path | None = None
    # The display paths of the files this run read (scanned, skipped or failed).
    scanned: tuple[str, ...] = ()
    unscanned: UnscannedPolicy = UnscannedPolicy()
    # Display path -> what was read there: `fix` rewrites exactly these bytes (and
    # refuses a file that changed since), lessons quote them.
    files: Mapping[str, ReadFile] = field(default_factory=dict, compare=False)
    # The rule set the scan ran (before the settings turned any off).
    rules: tuple[Rule, ...] = ()
    request: ScanRequest = field(default_factory=ScanRequest)

    @cached_property
    def _by_path(self) -> dict[str, tuple[Finding, ...]]:
        grouped: dict[str, list[Finding]] = {}
        for finding in self.result.findings:
            grouped.setdefault(finding.path, []).append(finding)
        return {path: tuple(found) for path, found in grouped.items()}

    def findings_in(self, path: str) -> tuple[Finding, ...]:
        """Every finding of one file, suppressed and baselined ones included."""
        return self._by_path.get(path, ())

    def exit_code(self, config: Config) -> ExitCode:
        """ERROR on any internal error (never OK), else FINDINGS for failing findings, stale
        entries that were asked about, or files not fully analysed when those fail the run,
        else OK."""
        if any(e.internal for e in self.result.errors):
            return ExitCode.ERROR
        if any(f.severity >= config.fail_on for f in self.result.active) or self.stale:
            return ExitCode.FINDINGS
        if self.unscanned.fail and self.result.unscanned:
            return ExitCode.FINDINGS
        return ExitCode.OK


def baseline_path(request: ScanRequest, config: Config) -> Path | None:
    if not request.use_baseline:
        return None
    if request.baseline is not None:
        return request.baseline
    configured = Path(config.root) / config.baseline
    return configured if configured.is_file() else None


def collect_tasks(request: ScanRequest, config: Config,
                  changed: Mapping[str, ChangedFile] | None = None, *, keep: bool = False
                  ) -> tuple[list[FileTask], dict[str, Path]]:
    """The files this run scans, with their content, and where each is on disk (staged
    blobs are not). Raises GitError / PathError.

    The cyclic garbage collector is paused meanwhile: a listing is a few objects per file
    that all stay alive (40,000 files in a warm scan), and the collections they set off
    walked them again and again for nothing (a warm scan of Home Assistant: ~0.1 s).
    ``keep``: they are frozen for the run, which unfreezes them (:func:`run_pipeline`)."""
    with collector_paused(keep=keep):
        return _collect_tasks(request, config, changed)


def _collect_tasks(request: ScanRequest, config: Config,
                   changed: Mapping[str, ChangedFile] | None
                   ) -> tuple[list[FileTask], dict[str, Path]]:
    disk: dict[str, Path] = {}
    if request.staged:
        from tokenward.scanner.staged import staged_tasks

        tasks = staged_tasks(request.paths, config.exclude)
    else:
        candidates = list(request.files) if request.files is not None else discover(
            list(request.paths) or ["."], config.exclude, Path(config.root),
            force_exclude=request.force_exclude)
        if changed is not None:
            candidates = [c for c in candidates if c.display in changed]
        # Unread: the cache may know a file from its stat alone (scanner/cache.py).
        tasks = [read_task(c, config.max_file_size, lazy=True) for c in candidates]
        disk = {c.display: c.path for c in candidates}
    # The baseline holds fingerprints (hex runs) that secret detectors would flag.
    own = {display_path(Path(config.root) / config.baseline)}
    if request.baseline is not None:
        own.add(display_path(request.baseline))
    tasks = [t for t in tasks if t.path not in own]
    if request.shard is not None:
        tasks = request.shard.select(tasks, lambda t: t.path)
    return tasks, disk


def _lists_folders(request: ScanRequest) -> bool:
    """Whether the run lists folders for its files (a full scan, which has many to share
    among workers), not the hook's, the index's or a diff's few."""
    return not (request.staged or request.hook or request.diff_base is not None
                or request.files is not None) and any(
        Path(path).is_dir() for path in (request.paths or (".",)))


def _may_be_answered(config: Config, use_cache: bool | None) -> bool:
    """Whether a result cache may answer this run: then workers are not started before
    the listing (a warm scan of Home Assistant's wheel went 0.78 -> 0.92 s with two
    workers loading libcst beside it, for nothing)."""
    if not (config.cache if use_cache is None else use_cache):
        return False
    from tokenward.scanner.cache import may_answer

    return may_answer()


def in_contexts(result: ScanResult, contexts: frozenset[Context] | None) -> ScanResult:
    """Only the findings in ``contexts`` (all when None)."""
    if contexts is None:
        return result
    return replace(result, findings=tuple(f for f in result.findings if f.context in contexts))


def scan_errors() -> tuple[type[Exception], ...]:
    """What :func:`run_pipeline` raises for a problem the user can fix (settings, paths,
    git, the baseline: ``tokenward: error: ...``, exit 2). A function, for ``except
    scan_errors()``: an except clause is evaluated only when something is raised, so a run
    that uses neither git nor a baseline does not import their modules (the pre-commit
    hook's start-up)."""
    from tokenward.config import ConfigError
    from tokenward.scanner.baseline import BaselineError
    from tokenward.scanner.files import PathError
    from tokenward.scanner.git import GitError

    return (ConfigError, PathError, GitError, BaselineError)


def run_pipeline(request: ScanRequest, config: Config, *, rules: Sequence[Rule] | None = None,
             jobs: int | None = None, use_cache: bool | None = None,
             progress: Progress | None = None) -> ScanOutcome:
    """Raises :func:`scan_errors` for problems the user must fix.

    The listing is frozen for the run (``collect_tasks(keep=True)``) and unfrozen at its
    end, unless the process froze objects of its own before, which an unfreeze would
    release too: the hook (its imports; it lists too few files to gain, and counting
    what it froze would walk 31,600 objects), or a caller of this library."""
    import gc

    keep = not request.hook and not gc.get_freeze_count()
    try:
        return _run_pipeline(request, config, rules, jobs, use_cache, progress, keep)
    finally:
        if keep:
            gc.unfreeze()


def _run_pipeline(request: ScanRequest, config: Config, rules: Sequence[Rule] | None,
                  jobs: int | None, use_cache: bool | None, progress: Progress | None,
                  keep: bool) -> ScanOutcome:
    rules = RULES if rules is None else rules
    where = baseline_path(request, config)
    known = _load_baseline(where)
    if request.history is not None:
        from tokenward.scanner.history import scan_history

        result = scan_history(request.history, config, rules, jobs=jobs, use_cache=use_cache,
                              progress=progress)
        if known is not None:
            from tokenward.scanner.baseline import apply

            result = apply(result, known)
        result = in_contexts(result, request.contexts)
        return ScanOutcome(result, (), where, tuple(sorted({f.path for f in result.findings})),
                           unscanned_policy(request, config), {}, tuple(rules), request)
    changed: Mapping[str, ChangedFile] | None = None
    if request.diff_base is not None:
        from tokenward.scanner.diff import changed_files

        changed = changed_files(request.diff_base)
    full = _lists_folders(request)
    if full and not _may_be_answered(config, use_cache):
        engine.start_workers(config, rules, jobs)
    try:
        tasks, disk = collect_tasks(request, config, changed, keep=keep)
        tasks, result = run_loaded(tasks, config, rules=rules, jobs=jobs,
                                   use_cache=use_cache, progress=progress,
                                   keep_read=not full)
    finally:
        engine.stop_started_workers()  # when the scan did not take them
    if changed is not None:
        from tokenward.scanner.diff import on_changed_lines

        result = replace(result, findings=tuple(on_changed_lines(result.findings, changed)))
    stale: tuple[baselines.Entry, ...] = ()
    if known is not None:
        from tokenward.scanner import baseline as baselines

        if request.report_stale:
            scanned = [t.path for t in tasks]
            # Only a full scan may call an entry stale because its file is gone.
            whole = not (request.staged or request.diff_base or request.shard)
            stale = tuple(baselines.stale_entries(known, result.findings, scanned,
                                                  exists=whole))
        result = baselines.apply(result, known)
    result = in_contexts(result, request.contexts)
    read = {t.path: ReadFile(t.data, disk.get(t.path)) for t in tasks if t.data is not None}
    return ScanOutcome(result, stale, where, tuple(t.path for t in tasks),
                       unscanned_policy(request, config), read, tuple(rules), request)


def _load_baseline(where: Path | None) -> baselines.Baseline | None:
    if where is None:
        return None
    from tokenward.scanner.baseline import load

    return load(where)


def scan(paths: Sequence[str | Path], config: Config | None = None, *,
         rules: Sequence[Rule] | None = None, jobs: int | None = None,
         use_cache: bool | None = None, progress: Progress | None = None,
         force_exclude: bool = False) -> ScanResult:
    """Scan files and folders with every rule (or ``rules``), no baseline: the library
    entry point. Raises PathError for a path that does not exist."""
    config = config or Config()
    candidates = discover(paths, config.exclude, Path(config.root),
                          force_exclude=force_exclude)
    tasks = [read_task(c, config.max_file_size, lazy=True) for c in candidates]
    return run_tasks(tasks, config, rules=RULES if rules is None else rules, jobs=jobs,
                     use_cache=use_cache, progress=progress)
