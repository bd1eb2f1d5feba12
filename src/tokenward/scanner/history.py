"""``scan --history``: what a range of commits put into the repository, each blob read and
scanned once, each finding reported at the commit that introduced it.

1. One ``git log --topo-order --reverse --raw -M -c`` lists every commit of the range
   with the files its diff changed: the new blob, and the blob it replaced (a rename is
   one change from the old path; a merge lists only files that differ from every parent,
   with each parent's blob, so what a merge brings from a branch is not counted twice).
2. Each distinct new blob is scanned once, through the engine, under the path it first
   appeared at. The result cache keys blobs by their object id: a cached blob is not even
   read; the others are read by one ``git cat-file --batch``.
3. A change introduces what its new blob holds and none of the blobs it replaced held: a
   secret (by its keyed hash, wherever it moved), or a code finding (by rule and line
   text). A replaced blob from outside the range (the base of a pull request) is scanned
   only when the new one has findings.
4. Each secret is reported once, at the first commit in topological order that introduced
   it, with that commit's path and line; whether it is still in the tree HEAD names is
   said. A code finding (a mistake that is not a secret value) counts only while HEAD
   still has it: a mistake that is gone is gone, a secret that was committed stays leaked.

Pure apart from running git: no printing, no exiting.
"""

from __future__ import annotations

import json
import secrets
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath

from tokenward.analysis.provider_matcher import may_introduce
from tokenward.analysis.providers import provider_of
from tokenward.analysis.secrets_adapter import candidate_lines
from tokenward.analysis.source import FileKind, decode, is_binary_kind, kind_of, split_lines
from tokenward.config import Config
from tokenward.model import (
    Category,
    Finding,
    HistoryScope,
    Provenance,
    ScanError,
    ScanResult,
    SkippedFile,
)
from tokenward.notices import TokenwardWarning
from tokenward.records import record
from tokenward.rules.base import KeywordScreen, Rule
from tokenward.scanner.engine import (
    BINARY_SNIFF,
    FileResult,
    FileTask,
    Progress,
    active_rules,
    oversize_error,
    scan_tasks,
    worker_count,
)
from tokenward.scanner.files import display_path, is_excluded
from tokenward.scanner.git import (
    GitError,
    blob_head,
    blob_sizes,
    display,
    head_commit,
    is_shallow,
    read_blobs,
    remote_url,
    repo_root,
    run_git,
    tree_entries,
)
from tokenward.scanner.redaction import secret_hash, span_ranges

_REGULAR_FILE_MODES = ("100644", "100755")
_SUBMODULE_MODE = "160000"
_NO_BLOB = "0" * 40
# What `git lfs` commits in place of a large file (the file itself is not in git).
_LFS_POINTER = b"version https://git-lfs.github.com/spec/v1\n"
_LFS_POINTER_MAX = 1024
# Blobs are read and scanned this many bytes at a time: memory stays bounded.
_BATCH_BYTES = 64 * 1024 * 1024
_DIFF_HEADERS = (b"diff --git ", b"diff --combined ", b"diff --cc ")


class HistoryWarning(TokenwardWarning):
    """Something about the repository the user should know (a shallow clone)."""


@record
class HistoryRange:
    """Which commits: revisions and ranges in git log's syntax (none: every ref)."""

    revisions: tuple[str, ...] = ()
    all_refs: bool = False
    since: str | None = None
    max_count: int | None = None

    def log_arguments(self) -> list[str]:
        bad = [r for r in self.revisions if r.startswith("-") or not r.strip()]
        if bad:
            raise GitError(f"not a revision or range: {bad[0]!r}")
        args = [f"--since={self.since}"] if self.since is not None else []
        if self.max_count is not None:
            args.append(f"--max-count={self.max_count}")
        if self.all_refs or not self.revisions:
            args.append("--all")
        return [*args, "--end-of-options", *self.revisions, "--"]


@record
class Change:
    """A file a commit's diff added or changed (a deletion has nothing to scan)."""

    path: str  # relative to the repository root, at this commit
    mode: str
    blob: str
    # The blobs it replaced: the parent's (each parent's, for a merge); none when added.
    replaced: tuple[str, ...]
    renamed_from: str | None = None
    # The rules whose cheap tests the lines the diff added pass: only those can have a
    # finding this change introduced, so only they scan the new blob (none: not scanned).
    rules: frozenset[str] = frozenset()
    # A git-lfs pointer (the file itself is not in git): skipped and counted, not read.
    lfs: bool = False

    @property
    def suspect(self) -> bool:
        return bool(self.rules)


@record
class Commit:
    id: str
    author_date: str
    changes: tuple[Change, ...]


# (repository path, added text or None when unknown) -> the ids of the rules that could
# fire on it.
Gate = Callable[[str, str | None], frozenset[str]]


def list_commits(root: Path, scope: HistoryRange, rules: Sequence[Rule],
                 known: Callable[[Sequence[str]], Mapping[str, Commit]] | None = None,
                 *, workers: int = 1) -> tuple[list[Commit], list[Commit]]:
    """The range's commits, parents first (topological order), with their changes and
    the rules each change could fire (:func:`gate_for`); and which of them were read from
    git (the others came from ``known``). GitError (with git's message) for a range that
    does not resolve."""
    marker = f"\x01tokenward-{secrets.token_hex(8)}\x02"
    out = run_git(["log", "--topo-order", "--reverse", f"--format={marker}%H%x00%aI",
                   *scope.log_arguments()], root)
    order = [c.split("\0")[0] for c in out.decode().split(marker)[1:]]
    cached = dict(known(order)) if known is not None else {}
    todo = [c for c in order if c not in cached]
    fresh = _read_in_parts(root, todo, marker, tuple(rules), workers) if todo else []
    cached.update((c.id, c) for c in fresh)
    return [cached[c] for c in order if c in cached], fresh


# Fewer commits than this per part are read in one process: a pull request's few commits
# take less than starting a pool of workers.
_PART_MIN = 250


def _read_in_parts(root: Path, ids: Sequence[str], marker: str, rules: tuple[Rule, ...],
                   workers: int) -> list[Commit]:
    """:func:`_read_commits` over consecutive parts of ``ids`` in ``workers`` processes, in
    the order of ``ids``. git makes a diff in one thread and the gate is Python: read
    alone, flask's 5,600 commits took 2.1 s (1.2 s of ``git log -p``) before any blob
    could be scanned. A few parts per worker even out commits of unequal size."""
    count = min(workers * 4, len(ids) // _PART_MIN)
    if workers < 2 or count < 2:
        return _read_commits(root, ids, marker, gate_for(rules))
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    size = -(-len(ids) // count)
    parts = [(root, ids[i : i + size], marker, rules) for i in range(0, len(ids), size)]
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return [commit for part in pool.map(_read_part, parts) for commit in part]
    except BrokenProcessPool:  # a worker died (out of memory?): read them here instead
        return _read_commits(root, ids, marker, gate_for(rules))


def _read_part(part: tuple[Path, Sequence[str], str, tuple[Rule, ...]]) -> list[Commit]:
    root, ids, marker, rules = part
    return _read_commits(root, ids, marker, gate_for(rules))


def _read_commits(root: Path, ids: Sequence[str], marker: str, gate: Gate) -> list[Commit]:
    """The changes and diffs of these commits, in one git log. When git cannot make a
    diff (an object it cannot read), the commits are read in halves until the one at
    fault is alone: its changes are then listed without their diff (all suspect), and the
    unreadable blob becomes an error entry when it is read."""
    command = ["log", "--no-walk=unsorted", "--stdin", "--raw", "-z", "--no-abbrev", "-M",
               "-c", "--root", "--no-color", "--no-ext-diff", "--no-textconv",
               f"--format={marker}%H%x00%aI"]
    stdin = "".join(f"{c}\n" for c in ids).encode()
    try:
        return parse_log(run_git([*command, "-p", "-U0"], root, input_data=stdin), marker,
                         gate)
    except GitError:
        if len(ids) == 1:
            return parse_log(run_git(command, root, input_data=stdin), marker, gate)
    half = len(ids) // 2
    return [*_read_commits(root, ids[:half], marker, gate),
            *_read_commits(root, ids[half:], marker, gate)]


def parse_log(out: bytes, marker: str, gate: Gate) -> list[Commit]:
    """Parse ``git log --raw -p -U0 -z -c --format=<marker>%H%x00%aI``: per commit its
    header, NUL-separated records ``:modes shas status`` each followed by one path (two
    for a rename or copy), then the patch, one section per record in the same order."""
    return [_commit(chunk, gate) for chunk in out.split(marker.encode())[1:]]


def _commit(chunk: bytes, gate: Gate) -> Commit:
    fields = chunk.split(b"\0")
    commit_id, date = fields[0].decode(), fields[1].decode().strip()
    records: list[tuple[list[str], list[str], str, list[str]]] = []
    i = 2
    while i < len(fields):
        field = fields[i].lstrip(b"\n")
        if not field.startswith(b":"):
            if field:
                break  # the patch
            i += 1
            continue
        record = field.decode()
        parents = len(record) - len(record.lstrip(":"))
        parts = record[parents:].split(" ")
        status = parts[-1]
        count = 2 if parents == 1 and status[:1] in ("R", "C") else 1
        paths = [f.decode("utf-8", "surrogateescape") for f in fields[i + 1 : i + 1 + count]]
        records.append((parts[: parents + 1], parts[parents + 1 : 2 * parents + 2], status,
                        paths))
        i += 1 + count
    sections = _sections(b"\0".join(fields[i:]))
    if len(sections) != len(records):
        sections = [None] * len(records)  # cannot pair them: every change is suspect
    changes = []
    for (modes, shas, status, paths), added in zip(records, sections, strict=True):
        if modes[-1] == "000000" or not paths:
            continue  # deleted: nothing to scan
        # Only a file's former content is compared (not a former link or submodule).
        replaced = tuple(sha for mode, sha in zip(modes[:-1], shas[:-1], strict=True)
                         if mode in _REGULAR_FILE_MODES and sha != _NO_BLOB)
        lfs = added is not None and (added + "\n").startswith(_LFS_POINTER.decode())
        changes.append(Change(
            path=paths[-1], mode=modes[-1], blob=shas[-1], replaced=replaced,
            renamed_from=paths[0] if len(paths) == 2 and status[0] == "R" else None,
            rules=frozenset() if lfs else gate(paths[-1], added), lfs=lfs))
    return Commit(commit_id, date, tuple(changes))


def _sections(patch: bytes) -> list[str | None]:
    """The text each file's diff adds (None for a binary file: unknown)."""
    sections: list[list[bytes]] = []
    for line in patch.split(b"\n"):
        if line.startswith(_DIFF_HEADERS):
            sections.append([line])
        elif sections:
            sections[-1].append(line)
    return [_added(lines) for lines in sections]


def _added(lines: list[bytes]) -> str | None:
    """The added lines of one file's ``-U0`` diff (a combined diff: the lines new to
    every parent), or None for a binary file."""
    parents = 2 if lines[0].startswith((b"diff --combined ", b"diff --cc ")) else 1
    hunk_mark = b"@" * (parents + 1)
    if parents == 2:
        # "@@@ -a,b -c,d +e,f @@@": one column of +/- per parent.
        first = next((ln for ln in lines if ln.startswith(b"@@")), b"")
        parents = max(1, len(first) - len(first.lstrip(b"@")) - 1)
        hunk_mark = b"@" * (parents + 1)
    added: list[bytes] = []
    in_hunks = False
    for line in lines[1:]:
        if line.startswith(hunk_mark):
            in_hunks = True
        elif not in_hunks:
            if line.startswith(b"Binary files "):
                return None
        elif line[:parents] == b"+" * parents:
            added.append(line[parents:])
    return b"\n".join(added).decode("utf-8", "replace")


def gate_for(rules: Sequence[Rule]) -> Gate:
    """Which of ``rules`` could have a finding in the text a diff added to a file? Each
    rule that applies to the file's kind answers with its own cheap test on the
    lower-cased text; a rule without one looks for provider token formats (TW103), so the
    provider catalogue (a token the added lines spell, or a word that makes one beside it
    count) and detect-secrets' prefilters answer for it. A file
    without an extension may be a script (its kind is in its first line): every rule
    applies. An unknown diff (git could not make one): every rule."""
    everything = frozenset(r.id for r in rules)
    # Every rule's keywords in one pass over a diff's text (the scan's own screen).
    screen = KeywordScreen(rules)
    # A repository's thousands of diffs touch a few hundred paths, of a few kinds: each
    # path's rules are chosen once.
    by_path: dict[str, tuple[Rule, ...]] = {}

    def applicable(path: str) -> tuple[Rule, ...]:
        if path not in by_path:
            kind = kind_of(path)
            any_kind = kind is FileKind.TEXT and not PurePosixPath(path).suffix
            by_path[path] = () if is_binary_kind(path) else tuple(  # never read as text
                r for r in rules if any_kind or r.applies_to(kind))
        return by_path[path]

    def gate(path: str, text: str | None) -> frozenset[str]:
        if text is None:
            return everything
        chosen = applicable(path)
        if not chosen:
            return frozenset()
        lowered = text.lower()
        spelled = screen.spelled(lowered)
        wanted = []
        for rule in chosen:
            if rule.keywords or rule.prefilter is not None:
                if rule.wants(lowered, spelled):
                    wanted.append(rule.id)
            elif may_introduce(text, lowered) or candidate_lines(text, lowered):
                wanted.append(rule.id)
        return frozenset(wanted)
    return gate


# --- what a blob holds ---------------------------------------------------------------

Key = tuple[object, ...]


def finding_keys(findings: Iterable[Finding]) -> dict[Key, Finding]:
    """What identifies a finding across versions of a file, whatever line it moved to: a
    secret by its keyed hash (wherever it is), a code finding by its rule and its line's
    text (and which such line it is)."""
    keys: dict[Key, Finding] = {}
    seen: Counter[Key] = Counter()
    for finding in sorted(findings, key=Finding.sort_key):
        if finding.secret_hash is not None:
            key: Key = ("secret", finding.secret_hash)
        else:
            code: Key = ("code", finding.rule_id, " ".join(finding.snippet.split()))
            key = (*code, seen[code])
            seen[code] += 1
        keys.setdefault(key, finding)
    return keys


@record
class _Scanned:
    """A blob's scan: its findings by key, its errors and whether it was skipped."""

    path: str  # the display path it was scanned under
    keys: Mapping[Key, Finding]
    result: FileResult
    rules: frozenset[str]  # the ids of the rules it was scanned with


Wanted = Mapping[str, tuple[str, frozenset[str]]]  # blob -> (display path, rule ids)


class _Blobs:
    """Blobs scanned once each (keyed by object id, or by id and path when a finding must
    be seen under another path), read only when the result cache does not have them."""

    def __init__(self, root: Path, config: Config, rules: Sequence[Rule], *,
                 jobs: int | None, use_cache: bool | None, progress: Progress | None) -> None:
        self.root = root
        self.config = config
        self.rules = rules
        self.jobs = jobs
        self.use_cache = use_cache
        self.progress = progress
        self.done: dict[tuple[str, str | None], _Scanned] = {}
        self.read = 0  # blobs read from git (the others came from the cache)
        # The content of blobs read that hold secrets: never read twice.
        self.kept: dict[str, bytes] = {}

    def get(self, blob: str, path: str | None = None) -> _Scanned:
        return self.done[(blob, path)] if (blob, path) in self.done else self.done[(blob,
                                                                                   None)]

    def scan(self, wanted: Wanted, *, per_path: bool = False) -> int:
        """Scan each blob of ``wanted`` with at least the rules it names, unless it was
        already (a blob asked for more rules is scanned again with them all). Each blob is
        scanned with its own rules (most want only a few, and a blob no rule that parses
        wants is not parsed), all of them in one pool of workers. How many were scanned."""
        todo: list[tuple[str, str, frozenset[str]]] = []
        for blob, (path, ids) in wanted.items():
            have = self.done.get((blob, path if per_path else None))
            if have is None or not ids <= have.rules:
                todo.append((blob, path, ids | (have.rules if have else frozenset())))
        tasks = [FileTask(path, blob=blob, rules=ids, syntax=False, summary=False)
                 for blob, path, ids in todo]
        cached = {i: r for i, r in enumerate(self._cached(tasks)) if r.cached}
        missing = [t for i, t in enumerate(tasks) if i not in cached]
        results = dict(zip((t.blob for t in missing),
                           self._read_and_scan(missing, self._progress(len(cached),
                                                                       len(tasks))),
                           strict=True))
        for i, (blob, path, ids) in enumerate(todo):
            result = cached[i] if i in cached else results[blob]
            self.done[(blob, path if per_path else None)] = _Scanned(
                path, finding_keys(result.findings), result, ids)
        return len(todo)

    def _progress(self, offset: int, total: int) -> Progress | None:
        """The progress of the blobs to scan (after ``offset`` served by the cache)."""
        shown = self.progress
        if shown is None:
            return None
        return lambda done, _: shown(offset + done, total)

    def _cached(self, tasks: Sequence[FileTask]) -> list[FileResult]:
        if not (self.config.cache if self.use_cache is None else self.use_cache):
            return [FileResult(t.path) for t in tasks]
        from tokenward.scanner.cache import ResultCache

        cache = ResultCache.open(self.config, active_rules(self.config, self.rules))
        try:
            found = cache.get_many(list(enumerate(tasks)))  # a few queries, not one per blob
            return [_cached(found.get(i), t) for i, t in enumerate(tasks)]
        finally:
            cache.close()

    def _scan(self, tasks: Sequence[FileTask], progress: Progress | None
              ) -> list[FileResult]:
        return scan_tasks(tasks, self.config, rules=self.rules, jobs=self.jobs,
                          use_cache=self.use_cache, progress=progress)

    def _read_and_scan(self, tasks: Sequence[FileTask], progress: Progress | None
                       ) -> list[FileResult]:
        """Read the blobs of ``tasks`` (one cat-file for all) and scan them in batches."""
        cap = self.config.max_file_size
        sizes = blob_sizes(self.root, [t.blob for t in tasks if t.blob])
        ready: list[FileTask] = []
        to_read: list[FileTask] = []
        for task in tasks:
            assert task.blob is not None
            size = sizes.get(task.blob)
            if size is None:
                ready.append(replace(task, error=f"cannot read git object {task.blob}: "
                                                 "missing or corrupt"))
            elif size > cap:
                head = blob_head(self.root, task.blob, BINARY_SNIFF)
                ready.append(replace(task, skipped="too-large",
                                     error=oversize_error(task.path, head, size, cap)))
            else:
                to_read.append(task)
        results = {t.blob: r for t, r in zip(ready, self._scan(ready, progress),
                                             strict=True)}
        for batch in self._batches(to_read):
            for task, result in zip(batch, self._scan(batch, progress), strict=True):
                results[task.blob] = result
                if task.data is not None and any(f.secret_hash for f in result.findings):
                    self.kept[task.blob or ""] = task.data  # its secrets are looked at again
        return [results[t.blob] for t in tasks]

    def _batches(self, tasks: Sequence[FileTask]) -> Iterator[list[FileTask]]:
        by_blob = {t.blob: t for t in tasks}
        batch: list[FileTask] = []
        size = 0
        for blob in read_blobs(self.root, [t.blob for t in tasks if t.blob]):
            self.read += 1
            task = by_blob[blob.id]
            if blob.data is None:
                batch.append(replace(task, error=blob.error))
            elif blob.data.startswith(_LFS_POINTER) and len(blob.data) <= _LFS_POINTER_MAX:
                batch.append(replace(task, skipped="lfs-pointer"))
            else:
                batch.append(replace(task, data=blob.data))
                size += len(blob.data)
            if size >= _BATCH_BYTES:
                yield batch
                batch, size = [], 0
        if batch:
            yield batch


def _cached(result: FileResult | None, task: FileTask) -> FileResult:
    return replace(result, cached=True) if result is not None else FileResult(task.path)


# --- the scan ------------------------------------------------------------------------


@record
class _Introduced:
    commit: Commit
    change: Change
    key: Key
    finding: Finding


def scan_history(scope: HistoryRange, config: Config, rules: Sequence[Rule], *,
                 jobs: int | None = None, use_cache: bool | None = None,
                 progress: Progress | None = None, cwd: Path | None = None) -> ScanResult:
    """Scan what the commits of ``scope`` added. Raises GitError outside a repository or
    for a range that does not resolve (git's message)."""
    cwd = cwd or Path.cwd()
    root = repo_root(cwd)
    shallow = is_shallow(root)
    if shallow:
        warnings.warn("this is a shallow clone: only the commits it has are scanned "
                      "(fetch the whole history, e.g. `git fetch --unshallow` or "
                      "`fetch-depth: 0`, to scan the rest)", HistoryWarning, stacklevel=2)
    chosen = active_rules(config, rules)
    with _CommitCache(config, chosen, use_cache) as known:
        commits, fresh = list_commits(root, scope, chosen, known.get,
                                      workers=worker_count(jobs, config))
        known.put(fresh)
    shown = _Shown(root, cwd, config)
    blobs = _Blobs(root, config, rules, jobs=jobs, use_cache=use_cache, progress=progress)
    head = head_commit(root)
    tree = ({e.path: e.blob for e in tree_entries(root, head)
             if e.mode in _REGULAR_FILE_MODES} if head is not None else {})
    # Later renames win: where a path went last.
    moves = {ch.renamed_from: ch.path for c in commits for ch in c.changes if ch.renamed_from}
    commits = _code_rules_at_head(commits, chosen, blobs, tree, moves, shown)
    skipped: dict[str, SkippedFile] = {}
    # blob -> the display path it is first suspect at, and the rules its changes want.
    suspects: dict[str, tuple[str, frozenset[str]]] = {}
    first_in: dict[str, Commit] = {}
    for commit in commits:
        for change in commit.changes:
            path = shown(change.path)
            if path is None:
                continue
            if change.mode == _SUBMODULE_MODE:
                skipped.setdefault(path, SkippedFile(path, "submodule"))
            elif change.lfs:
                skipped.setdefault(change.blob, SkippedFile(path, "lfs-pointer"))
            elif change.mode in _REGULAR_FILE_MODES:
                first_in.setdefault(change.blob, commit)
                if change.suspect:
                    first, ids = suspects.get(change.blob, (path, frozenset()))
                    suspects[change.blob] = (first, ids | change.rules)
    blobs.scan(suspects)
    introduced = _introductions(commits, blobs, shown)
    findings = _with_rotation(_at_head(introduced, blobs, tree, moves, shown), root,
                              blobs.kept)
    errors, skips = _problems(blobs, first_in)
    results = [scanned.result for scanned in blobs.done.values()]
    return ScanResult(
        findings=tuple(sorted(findings, key=Finding.sort_key)),
        errors=tuple(errors),
        skipped=tuple(sorted((*skipped.values(), *skips), key=lambda s: (s.path, s.reason))),
        files_scanned=sum(1 for r in results if r.skipped is None),
        stats={"cache_hits": sum(1 for r in results if r.cached), "blobs_read": blobs.read,
               "parsed": sum(1 for r in results if r.parsed), "commits_read": len(fresh)},
        history=HistoryScope(
            revisions=scope.revisions, head=head, repository=remote_url(root),
            commits=len(commits), blobs=len(first_in), shallow=shallow),
    )


class _CommitCache:
    """Commits already read (their changes, and what the diff gate said of each), kept in
    the result cache by commit id: a re-scan asks git for the diffs of new commits only."""

    def __init__(self, config: Config, rules: Sequence[Rule], use_cache: bool | None
                 ) -> None:
        from tokenward.scanner.cache import ResultCache

        wanted = config.cache if use_cache is None else use_cache
        self.cache = ResultCache.open(config, rules) if wanted else None

    def __enter__(self) -> _CommitCache:
        return self

    def __exit__(self, *_: object) -> None:
        if self.cache is not None:
            self.cache.close()

    def get(self, ids: Sequence[str]) -> dict[str, Commit]:
        if self.cache is None:
            return {}
        found = {}
        for commit_id, value in self.cache.get_notes([f"commit:{i}" for i in ids]).items():
            try:
                found[commit_id.removeprefix("commit:")] = _decode_commit(
                    commit_id.removeprefix("commit:"), value)
            except (ValueError, TypeError, IndexError):
                continue  # read from git again
        return found

    def put(self, commits: Sequence[Commit]) -> None:
        if self.cache is not None:
            self.cache.put_notes((f"commit:{c.id}", _encode_commit(c)) for c in commits)


def _encode_commit(commit: Commit) -> str:
    return json.dumps([commit.author_date, [
        [c.path, c.mode, c.blob, list(c.replaced), c.renamed_from, sorted(c.rules), c.lfs]
        for c in commit.changes]])


def _decode_commit(commit_id: str, value: str) -> Commit:
    date, changes = json.loads(value)
    return Commit(str(commit_id), str(date), tuple(
        Change(str(path), str(mode), str(blob), tuple(str(r) for r in replaced),
               None if renamed is None else str(renamed),
               frozenset(str(r) for r in wanted), bool(lfs))
        for path, mode, blob, replaced, renamed, wanted, lfs in changes))


class _Shown:
    """Repository paths as tokenward shows them; None for an excluded one."""

    def __init__(self, root: Path, cwd: Path, config: Config) -> None:
        self.root, self.cwd = root, cwd
        self.exclude = config.exclude
        # The baseline holds fingerprints (hex runs) that secret detectors would flag.
        self.own = display_path(Path(config.root) / config.baseline, cwd)
        self.memo: dict[str, str | None] = {}

    def __call__(self, path: str) -> str | None:
        if path not in self.memo:
            shown = display(self.root, path, self.cwd)
            excluded = shown == self.own or (self.exclude and (
                is_excluded(shown, self.exclude) or is_excluded(path, self.exclude)))
            self.memo[path] = None if excluded else shown
        return self.memo[path]


def _introductions(commits: Sequence[Commit], blobs: _Blobs, shown: _Shown
                   ) -> list[_Introduced]:
    """The first introduction of each secret, and of each code finding per path, in
    topological order."""
    changes = [(c, ch) for c in commits for ch in c.changes
               if ch.suspect and ch.mode in _REGULAR_FILE_MODES and shown(ch.path) is not None]
    # A replaced blob is scanned (again) only when it matters: when the new blob holds
    # something no earlier change introduced, with the rules the new one was scanned with,
    # so that what both hold is seen in both. (Most versions of a file hold only what an
    # earlier one brought: they are not compared. A replaced blob scanned with more rules
    # may hold more, which the change that brought it may have introduced: until nothing
    # more is wanted.)
    while True:
        first, wanted = _first_introductions(changes, blobs, shown)
        if not blobs.scan(wanted):
            return list(first.values())


def _first_introductions(changes: Sequence[tuple[Commit, Change]], blobs: _Blobs,
                         shown: _Shown) -> tuple[dict[Key, _Introduced], Wanted]:
    """The first introductions the blobs scanned so far show, and the replaced blobs still
    to scan (with which rules) to tell whether a change introduced what it seems to."""
    first: dict[Key, _Introduced] = {}
    wanted: dict[str, tuple[str, frozenset[str]]] = {}
    for commit, change in changes:
        scanned = blobs.get(change.blob)
        fresh = [(where, key, finding) for key, finding in scanned.keys.items()
                 if (where := key if key[0] == "secret" else (change.path, *key))
                 not in first]
        if not fresh:
            continue  # all it holds came before: what it replaced does not matter
        held: set[Key] = set()
        for replaced in change.replaced:
            have = blobs.done.get((replaced, None))
            if have is not None and scanned.rules <= have.rules:
                held.update(have.keys)
                continue
            old_path = shown(change.renamed_from or change.path) or shown(change.path)
            assert old_path is not None
            path, ids = wanted.get(replaced, (old_path, frozenset()))
            wanted[replaced] = (path, ids | scanned.rules)
        for where, key, finding in fresh:
            if key not in held:  # (until the blobs wanted are scanned: tentatively)
                first[where] = _Introduced(commit, change, key, finding)
    return first, wanted


def _code_rules_at_head(commits: Sequence[Commit], rules: Sequence[Rule], blobs: _Blobs,
                        tree: Mapping[str, str], moves: Mapping[str, str], shown: _Shown
                        ) -> list[Commit]:
    """The commits with each change wanting only the code rules that may introduce a
    finding HEAD still has. A code finding is reported only while HEAD's version of its
    path (renames followed) has it, so a rule is kept for a change only when HEAD's file
    has a finding of it whose line the change's new version holds more often than the
    version it replaced (the line was added here): an old version that cannot have
    brought one of HEAD's findings is not parsed for it. Secrets (the hardcoded-secret
    rules, the only ones whose hits carry a secret) are reported wherever they went:
    their rules are kept."""
    code = frozenset(r.id for r in rules if r.category is not Category.HARDCODED_SECRET)
    where: dict[str, str | None] = {}
    at_head: dict[str, tuple[str, frozenset[str]]] = {}
    for commit in commits:
        for change in commit.changes:
            wanted = change.rules & code
            if not wanted or change.mode not in _REGULAR_FILE_MODES or shown(change.path) is None:
                continue
            if change.path not in where:
                where[change.path] = _followed(change.path, tree, moves)
            path = where[change.path]
            if path is not None:
                ids = at_head.get(tree[path], ("", frozenset()))[1]
                at_head[tree[path]] = (shown(path) or path, ids | wanted)
    blobs.scan(at_head)
    # HEAD's code findings by blob and rule: the text of their lines.
    lines: dict[str, dict[str, set[str]]] = {}
    for blob in at_head:
        for key in blobs.get(blob).keys:
            if key[0] == "code":
                lines.setdefault(blob, {}).setdefault(str(key[1]), set()).add(str(key[2]))

    def head_blob(change: Change) -> str | None:
        path = where.get(change.path)
        return tree[path] if path is not None else None

    paths = {blob: path for path, blob in tree.items() if blob in lines}
    for commit in commits:
        for change in commit.changes:
            if change.rules & code and head_blob(change) in lines:
                for blob in (change.blob, *change.replaced):
                    paths.setdefault(blob, change.path)
    texts = _flat_texts(blobs, paths)

    def added_here(change: Change, rule: str, head: str) -> bool:
        new = texts.get(change.blob)
        old = [texts.get(b) for b in change.replaced]
        if new is None or texts.get(head) is None or None in old:
            return True  # not read (too large, unreadable): scanned as before
        for line in lines[head][rule]:
            if line not in texts[head]:
                return True  # a line as shown (clipped, masked) is not the file's text
            if new.count(line) > max((t.count(line) for t in old if t is not None),
                                     default=0):
                return True
        return False

    def kept(change: Change) -> Change:
        wanted = change.rules & code
        if not wanted:
            return change
        head = head_blob(change)
        fired = lines.get(head, {}) if head is not None else {}
        now = frozenset(r for r in wanted if r in fired and head is not None
                        and added_here(change, r, head))
        return change if now == wanted else replace(change, rules=(change.rules - code) | now)

    def commit_kept(commit: Commit) -> Commit:
        changes = tuple(kept(ch) for ch in commit.changes)
        # Most commits keep every change (a warm re-scan: thousands): not copied.
        same = all(a is b for a, b in zip(changes, commit.changes, strict=True))
        return commit if same else replace(commit, changes=changes)
    return [commit_kept(c) for c in commits]


def _flat_texts(blobs: _Blobs, paths: Mapping[str, str]) -> dict[str, str]:
    """Each blob's text (blob -> a path it is at) with its runs of white space made one
    space (how finding keys spell a line), for the blobs under the size cap that can be
    read."""
    sizes = blob_sizes(blobs.root, sorted(paths))
    cap = blobs.config.max_file_size
    small = [b for b in sorted(paths) if (size := sizes.get(b)) is not None and size <= cap]
    return {blob.id: " ".join(decode(blob.data, kind_of(paths[blob.id], blob.data[:200]))
                              .text.split())
            for blob in read_blobs(blobs.root, small) if blob.data is not None}


def _at_head(introduced: Sequence[_Introduced], blobs: _Blobs, tree: Mapping[str, str],
             moves: Mapping[str, str], shown: _Shown) -> list[Finding]:
    """Each introduction as a finding at its commit's path, marked present at HEAD or
    not; code findings no longer at HEAD are left out."""
    # HEAD's version of each path a finding was introduced at (renames followed), and the
    # secrets of every HEAD blob this scan saw.
    at_head: dict[str, tuple[str, frozenset[str]]] = {}
    for item in introduced:
        path = _followed(item.change.path, tree, moves)
        if path is not None:
            ids = at_head.get(tree[path], ("", frozenset()))[1]
            at_head[tree[path]] = (shown(path) or path, ids | {item.finding.rule_id})
    blobs.scan(at_head)
    secrets_at_head = {k: f for blob in {*tree.values()} if (blob, None) in blobs.done
                       for k, f in blobs.get(blob).keys.items() if k[0] == "secret"}
    # A finding first seen under another path is scanned under its own (fingerprints).
    elsewhere = {i.change.blob: (shown(i.change.path) or i.change.path,
                                 blobs.get(i.change.blob).rules)
                 for i in introduced if blobs.get(i.change.blob).path != shown(i.change.path)}
    blobs.scan(elsewhere, per_path=True)
    findings = []
    seen: set[tuple[str, Key]] = set()
    for item in introduced:
        if item.key[0] == "secret":
            now = secrets_at_head.get(item.key)
        else:
            path = _followed(item.change.path, tree, moves)
            now = (blobs.get(tree[path]).keys.get(item.key)
                   if path is not None and (tree[path], None) in blobs.done else None)
            if now is None or path is None or (path, item.key) in seen:
                continue  # a code mistake that is gone, or one already reported
            # A move git did not see as a rename (a file added again elsewhere) is the
            # same mistake: reported once, where it came first.
            seen.add((path, item.key))
        finding = _as_seen_at(item, blobs, shown)
        if now is not None and now.suppression is not None and finding.suppression is None:
            finding = replace(finding, suppression=now.suppression)  # silenced at HEAD
        findings.append(replace(finding, history=Provenance(
            item.commit.id, item.commit.author_date, now is not None,
            blob=item.change.blob)))
    return findings


def _followed(path: str, tree: Mapping[str, str], moves: Mapping[str, str]) -> str | None:
    """Where ``path`` is in HEAD's tree, following its renames; None when it is not."""
    for _ in range(len(moves) + 1):
        if path in tree:
            return path
        if path not in moves:
            return None
        path = moves[path]
    return None


def _as_seen_at(item: _Introduced, blobs: _Blobs, shown: _Shown) -> Finding:
    """The finding as its introducing commit has it: that commit's path and line."""
    path = shown(item.change.path) or item.change.path
    scanned = blobs.get(item.change.blob, path)
    return scanned.keys.get(item.key, replace(item.finding, path=path))


def _problems(blobs: _Blobs, first_in: Mapping[str, Commit]
              ) -> tuple[list[ScanError], list[SkippedFile]]:
    """The errors that matter in history (a blob not fully scanned, an internal error;
    not an old version's syntax error: it was scanned as text), each naming its blob and
    the first commit of the range that has it; and the blobs skipped."""
    errors: list[ScanError] = []
    skipped: list[SkippedFile] = []
    for (blob, _), scanned in blobs.done.items():
        result = scanned.result
        if result.skipped is not None:
            skipped.append(result.skipped)
        where = f", first in commit {first_in[blob].id[:12]}" if blob in first_in else ""
        errors.extend(replace(e, message=f"{e.message} (blob {blob[:12]}{where})")
                      for e in result.errors if e.unscanned or e.internal)
    return errors, skipped


# --- the secret itself, for the provider's hint and the purge file -------------------


def secret_spellings(data: bytes, finding: Finding) -> tuple[str, ...]:
    """The texts that spell a finding's secret in a blob (each piece of a concatenation),
    checked against its keyed hash; () when they cannot be found. Never shown: what the
    provider's hint and the purge file are made from."""
    if finding.secret_hash is None or not finding.secret_spans:
        return ()
    text = decode(data, kind_of(finding.path, data[:200])).text
    lines = split_lines(text)
    pieces = tuple(lines[n - 1][start:end] for span in finding.secret_spans
                   for n, start, end in span_ranges(lines, span))
    if pieces and secret_hash("".join(pieces)) == finding.secret_hash:
        return pieces
    return ()


def _with_rotation(findings: Sequence[Finding], root: Path, kept: Mapping[str, bytes]
                   ) -> list[Finding]:
    """Secret findings with their provider's revocation hint, when the value is in a
    known provider's format (read back from the introducing commit's blob)."""
    wanted = [f for f in findings if f.secret_hash is not None]
    if not wanted:
        return list(findings)
    data = _introducing_blobs(root, wanted, kept)
    out = []
    for finding in findings:
        pieces = secret_spellings(data.get(finding.fingerprint, b""), finding)
        provider = provider_of("".join(pieces)) if pieces else None
        if provider is not None and finding.history is not None:
            finding = replace(finding, history=replace(
                finding.history, rotation=f"{provider.label}: {provider.rotation}"))
        out.append(finding)
    return out


def _introducing_blobs(root: Path, findings: Sequence[Finding],
                       kept: Mapping[str, bytes] | None = None) -> dict[str, bytes]:
    """Fingerprint -> the content of the blob each finding was introduced in (read unless
    this run has it already)."""
    kept = kept or {}
    where = {f.fingerprint: f.history.blob for f in findings
             if f.history is not None and f.history.blob}
    missing = sorted({b for b in where.values() if b and b not in kept})
    read = {**kept, **{b.id: b.data or b"" for b in read_blobs(root, missing)}}
    return {fp: read.get(blob, b"") for fp, blob in where.items() if blob}


def purge_lines(root: Path, findings: Sequence[Finding], replacement: str
                ) -> tuple[list[str], int]:
    """``git filter-repo --replace-text`` lines (``literal:SECRET==>replacement``) for the
    secrets of ``findings`` as their introducing commits spell them, and how many secrets
    could not be put in the file (not found again, or a piece too short to replace
    safely everywhere)."""
    secrets = [f for f in findings if f.history is not None and f.secret_hash is not None]
    data = _introducing_blobs(root, secrets)
    lines: list[str] = []
    missed = 0
    for finding in secrets:
        pieces = secret_spellings(data.get(finding.fingerprint, b""), finding)
        usable = [p for p in pieces if len(p) >= _PURGE_MIN and "\n" not in p]
        if not pieces or len(usable) != len(pieces):
            missed += 1
            continue
        lines.extend(f"literal:{p}==>{replacement}" for p in usable)
    return sorted(set(lines)), missed


# A shorter piece would be replaced everywhere in history, in code it has nothing to do
# with.
_PURGE_MIN = 8
