"""The fix engine: plan the rewrites of the findings a scan produced, then apply them safely.

``plan_fixes`` is pure (writes nothing) and does not scan the project again: it takes the
pipeline's outcome, the findings (baseline and inline suppressions applied) and the very
bytes that were scanned. Per Python file it runs each fix kind's codemod over the findings
of that kind, re-scanning only the text it has just edited, between kinds, so that spans
always match the text being edited (findings are matched across edits by fingerprint,
which does not depend on lines). The result must parse and must not contain any moved
secret, or the file is left out and reported. ``apply_plan`` stores each file's secrets
first (and reads them back), then writes the file atomically if it is still the file that
was scanned.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import libcst as cst
from libcst.codemod import CodemodContext

from tokenward.analysis.source import FileKind, decode, kind_of
from tokenward.config import Config
from tokenward.fix.base import FindingCodemod
from tokenward.fix.destinations import (
    DestinationError,
    EnvFile,
    SecretDestination,
    VaultStore,
    WriteBoundary,
)
from tokenward.fix.kinds import FIX_KINDS, FixKind, kind_named
from tokenward.fix.rotation import reminder
from tokenward.fix.services import Destination, FixServices, MovedSecret, NameRegistry
from tokenward.fix.style import CodeStyle
from tokenward.fix.writer import redact_diff, unified_diff
from tokenward.model import Finding, ScanError
from tokenward.records import record
from tokenward.rules import RULES
from tokenward.rules.base import Rule
from tokenward.safefs import FileChanged, atomic_write, remove_stale_temporaries
from tokenward.scanner.engine import FileTask, scan_file
from tokenward.scanner.files import _git_root
from tokenward.scanner.pipeline import ScanOutcome
from tokenward.scanner.redaction import Redactor


class Answer(Enum):
    """An interactive answer: this change yes/no, all the rest yes, quit (rest no)."""

    YES = "y"
    NO = "n"
    ALL = "a"
    QUIT = "q"


@record
class Proposal:
    """One change offered to the user in interactive mode."""

    path: str
    finding: Finding
    diff: str
    moves: tuple[MovedSecret, ...]
    destination: str


Decide = Callable[[Proposal], Answer]


@record
class Problem:
    """A finding or a file that was not fixed, and why (never contains a secret)."""

    path: str
    message: str
    line: int | None = None
    rule_id: str | None = None

    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@record
class ManualFix:
    """A finding the engine does not rewrite: what to do by hand."""

    finding: Finding
    hint: str


@record
class FileFix:
    """The planned new content of one file."""

    path: str
    disk_path: Path
    original: bytes
    before: str
    after: str
    encoding: str
    applied: tuple[Finding, ...]
    moves: tuple[MovedSecret, ...]
    # False for suggestions (fixes that cannot be judged safe): shown, never written.
    writes: bool = True
    # Masks every secret the scan saw in this file, suppressed ones included.
    redactor: Redactor = field(default_factory=lambda: Redactor.of(()), compare=False)

    @property
    def diff(self) -> str:
        """The change as a unified diff, with every secret redacted (safe to print)."""
        return redact_diff(unified_diff(self.path, self.before, self.after), self.redactor,
                           (m.value for m in self.moves))

    def data(self) -> bytes:
        return self.after.encode(self.encoding)


@dataclass
class FixPlan:
    root: Path
    destination: Destination
    boundary: WriteBoundary | None = None
    files: list[FileFix] = field(default_factory=list)
    suggestions: list[FileFix] = field(default_factory=list)
    manual: list[ManualFix] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    # Findings deliberately left alone: accepted in the baseline (unless
    # --include-baselined), suppressed by a comment in the code.
    baselined: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)

    @property
    def moves(self) -> list[MovedSecret]:
        return [m for f in self.files for m in f.moves]

    @property
    def fixed(self) -> list[Finding]:
        return [x for f in self.files for x in f.applied]


@dataclass
class FixReport:
    written: list[FileFix] = field(default_factory=list)
    moved: list[MovedSecret] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    reminders: list[str] = field(default_factory=list)


@record
class FixOptions:
    destination: Destination = Destination.ENV
    root: Path | None = None
    # Fix findings the baseline accepted too (never those suppressed in the code).
    include_baselined: bool = False


def project_root(config: Config, cwd: Path | None = None) -> Path:
    """Where .env lives: the folder of the settings file, else the git work tree, else cwd."""
    cwd = (cwd or Path.cwd()).resolve()
    if config.source_file:
        return Path(config.source_file).resolve().parent
    try:
        out = subprocess.run(["git", "-C", str(cwd), "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, check=False, timeout=30)
        if out.returncode == 0 and out.stdout.strip():
            return Path(out.stdout.strip()).resolve()
    except (OSError, subprocess.TimeoutExpired):
        pass
    return cwd


def write_boundary(paths: Sequence[str | Path]) -> WriteBoundary:
    """Where fix may write .env and its companions: the git work tree of the scanned
    paths, else the current folder; never a folder above (a settings file's on a shared
    host), where the secrets would land outside the project."""
    cwd = Path.cwd().resolve()
    folders = [p if p.is_dir() else p.parent for p in (Path(x).resolve() for x in paths)]
    try:
        scanned = Path(os.path.commonpath(folders)) if folders else cwd
    except ValueError:  # paths on different Windows drives share no folder
        scanned = cwd
    top = _git_root(scanned)
    if top is not None:
        return WriteBoundary(top.resolve(), "repository")
    return WriteBoundary(cwd, "current folder")


def open_destination(destination: Destination, root: Path,
                     boundary: WriteBoundary | None = None) -> SecretDestination:
    """Raises StoreUnavailable when --to store cannot work in this build."""
    if destination is Destination.STORE:
        return VaultStore()
    return EnvFile(root, boundary=boundary)


def _kind(rule: Rule | None) -> FixKind | None:
    return None if rule is None else kind_named(rule.fix)


def _manual_hint(finding: Finding, rule: Rule | None, python: bool) -> str:
    base = rule.hint if rule is not None else "fix by hand"
    if finding.category.value == "hardcoded-secret" and not python:
        return (f"{base} (not a Python file: move the value to a secret manager or an "
                "untracked .env by hand, reference it by name, and rotate it)")
    return base


@dataclass
class _Asking:
    """Interactive state for the whole run: "a" answers every later question, "q" stops."""

    all: bool = False
    quit: bool = False


class _FileFixer:
    """Plans one Python file: kind by kind (or change by change, when asking)."""

    def __init__(self, task: FileTask, findings: list[Finding], rules: Sequence[Rule],
                 config: Config, services: FixServices, decide: Decide | None,
                 destination_label: str, asking: _Asking | None = None,
                 seen: Sequence[Finding] = ()) -> None:
        self.task = task
        self.findings = findings
        # Every finding in the file (suppressed and unfixable too): diffs mask them all.
        self.seen = seen or findings
        self.redactor = Redactor.of(())
        self.rules = rules
        self.by_id = {r.id: r for r in rules}
        self.config = config
        self.services = services
        self.decide = decide
        self.destination_label = destination_label
        self.problems: list[Problem] = []
        self.asking = asking or _Asking()

    def problem(self, finding: Finding | None, message: str) -> None:
        self.problems.append(Problem(self.task.path, message,
                                     finding.line if finding else None,
                                     finding.rule_id if finding else None))

    def run(self, disk_path: Path) -> list[FileFix]:
        data = self.task.data or b""
        decoded = decode(data, FileKind.PYTHON)
        self.redactor = Redactor.of_text(decoded.text,
                                         (s for f in self.seen for s in f.secret_spans))
        if decoded.error:
            self.problem(None, f"left untouched: {self.redactor.text(decoded.error)}")
            return []
        writing = [f for f in self.findings if self._kind(f).writes]
        suggesting = [f for f in self.findings if not self._kind(f).writes]
        out: list[FileFix] = []
        base = decoded.text
        for group, writes in ((writing, True), (suggesting, False)):
            if not group:
                continue
            snapshot = self.services.names.snapshot()
            try:
                # Suggestions are shown on top of what --write will have changed.
                fixed = self._fix_text(base, group, ask=writes and self.decide is not None,
                                       stale=base != decoded.text)
            except Exception as exc:  # a fix bug must not stop the run nor touch the file
                self.services.names.restore(snapshot)
                self.problem(None, f"left untouched: the fix failed ({type(exc).__name__}); "
                                   "please report it")
                continue
            after, applied, moves = fixed
            if not applied or after == base:
                continue
            reason = self._unsafe(after, moves)
            if reason:
                self.services.names.restore(snapshot)
                self.problem(None, f"left untouched: {reason}")
                continue
            if not writes:
                self.services.names.restore(snapshot)
            out.append(FileFix(self.task.path, disk_path, data, base, after,
                               decoded.encoding, tuple(applied), tuple(moves), writes,
                               self.redactor))
            if writes:
                base = after
        return out

    def _kind(self, finding: Finding) -> FixKind:
        kind = _kind(self.by_id.get(finding.rule_id))
        assert kind is not None
        return kind

    def _unsafe(self, text: str, moves: list[MovedSecret]) -> str | None:
        try:
            cst.parse_module(text)
            compile(text, self.task.path, "exec", dont_inherit=True)
        except (cst.ParserSyntaxError, SyntaxError, ValueError):
            return "the fixed code would not parse"
        if any(still_spelled(m.spelled, text) for m in moves):
            return "a moved secret would still be in the file"
        return None

    def _rescan(self, text: str, encoding: str) -> list[Finding]:
        task = FileTask(self.task.path, text.encode(encoding, "surrogatepass"))
        return [f for f in scan_file(task, self.config, self.rules).findings
                if not f.suppressed]

    def _fix_text(self, text: str, findings: list[Finding], *, ask: bool, stale: bool = False
                  ) -> tuple[str, list[Finding], list[MovedSecret]]:
        order = {kind.name: i for i, kind in enumerate(FIX_KINDS)}
        remaining = [f.fingerprint for f in sorted(
            findings, key=lambda f: (order.get(self._kind(f).name, 99), f.span))]
        current = list(findings)
        applied: list[Finding] = []
        moves: list[MovedSecret] = []
        encoding = decode(self.task.data or b"", FileKind.PYTHON).encoding
        fresh = not stale
        while remaining and not self.asking.quit:
            if not fresh:
                current = self._rescan(text, encoding)
            located = {f.fingerprint: f for f in current}
            lost = [fp for fp in remaining if fp not in located]
            for fp in lost:
                original = next(f for f in findings if f.fingerprint == fp)
                if not any(a.fingerprint == fp for a in applied):
                    self.problem(original, "changed by another fix in this file; run fix again")
            remaining = [fp for fp in remaining if fp in located]
            if not remaining:
                break
            first = located[remaining[0]]
            kind = self._kind(first)
            if ask and not self.asking.all:
                batch = [first]
            else:
                batch = [located[fp] for fp in remaining if self._kind(located[fp]) is kind]
            remaining = [fp for fp in remaining if fp not in {f.fingerprint for f in batch}]
            snapshot = self.services.names.snapshot()
            new_text, codemod = self._apply(kind, text, batch)
            for finding, reason in codemod.failures:
                self.problem(finding, reason)
            if not codemod.applied or new_text == text:
                fresh = True
                continue
            if ask and not self.asking.all and not self._accepted(first, text, new_text,
                                                                   codemod):
                self.services.names.restore(snapshot)
                fresh = True
                continue
            text = new_text
            fresh = False
            applied.extend(codemod.applied)
            moves.extend(codemod.moves)
        return text, applied, moves

    def _apply(self, kind: FixKind, text: str, batch: list[Finding]
               ) -> tuple[str, FindingCodemod]:
        context = CodemodContext(filename=self.task.path)
        codemod = kind(context, batch, self.services)
        module = cst.parse_module(text)
        return codemod.transform_module(module).code, codemod

    def _accepted(self, finding: Finding, before: str, after: str,
                  codemod: FindingCodemod) -> bool:
        assert self.decide is not None
        reason = self._unsafe(after, codemod.moves)
        if reason:
            self.problem(finding, f"not offered: {reason}")
            return False
        diff = redact_diff(unified_diff(self.task.path, before, after), self.redactor,
                           (m.value for m in codemod.moves))
        answer = self.decide(Proposal(self.task.path, finding, diff, tuple(codemod.moves),
                                      self.destination_label))
        if answer is Answer.ALL:
            self.asking.all = True
        if answer is Answer.QUIT:
            self.asking.quit = True
        return answer in (Answer.YES, Answer.ALL)


@record
class TextFix:
    """The fix of one in-memory file (tests, lessons): new text, moves, what failed."""

    text: str
    moves: tuple[MovedSecret, ...]
    problems: tuple[Problem, ...]
    suggested: bool = False


def fix_text(text: str, path: str = "example.py", *, rules: Sequence[Rule] | None = None,
             config: Config | None = None, services: FixServices | None = None) -> TextFix:
    """Fix a snippet as ``fix --write`` would fix a file of that name (nothing is stored).

    Suggestions (fixes that are never written) are applied too, flagged ``suggested``.
    """
    config = config or Config()
    chosen = tuple(RULES if rules is None else rules)
    services = services or FixServices(names=NameRegistry(environment={}))
    task = FileTask(path, text.encode("utf-8"))
    seen = scan_file(task, config, chosen).findings
    findings = [f for f in seen
                if not f.suppressed and f.fixable and _kind(_rule(chosen, f)) is not None]
    fixer = _FileFixer(task, findings, chosen, config, services, None, "", seen=seen)
    fixes = fixer.run(Path(path))
    final = fixes[-1].after if fixes else text
    moves = tuple(m for f in fixes for m in f.moves)
    return TextFix(final, moves, tuple(fixer.problems),
                   suggested=any(not f.writes for f in fixes))


def _rule(rules: Sequence[Rule], finding: Finding) -> Rule | None:
    return next((r for r in rules if r.id == finding.rule_id), None)


def _scanned_paths(outcome: ScanOutcome) -> list[str | Path]:
    """What the scan was asked to read: its paths, or the files it was given."""
    request = outcome.request
    if request.files is not None:
        return [c.path for c in request.files] or ["."]
    return [*request.paths] or ["."]


def _explain_manual(plan: FixPlan, outcome: ScanOutcome, unexplained: dict[str, list[int]],
                    by_id: dict[str, Rule]) -> None:
    """Add to the hint of a Python finding its rule's fix left alone why it did (a seeded
    generator, a token recomputed from its input ...), when the fix kind can tell."""
    for path, positions in unexplained.items():
        by_kind: dict[type[FindingCodemod], list[int]] = {}
        for position in positions:
            kind = _kind(by_id.get(plan.manual[position].finding.rule_id))
            codemod = kind.load() if kind is not None else None
            if codemod is not None and _explains(codemod):
                by_kind.setdefault(codemod, []).append(position)
        read = outcome.files.get(path)
        if not by_kind or read is None:
            continue  # no kind here can say more than its hint: the file is not parsed
        try:
            module = cst.parse_module(decode(read.data, FileKind.PYTHON).text)
        except (cst.ParserSyntaxError, RecursionError, ValueError):
            continue  # the hint alone, as for any file the fix cannot read
        for codemod, chosen in by_kind.items():
            reasons = codemod.why_by_hand(module, [plan.manual[i].finding for i in chosen])
            for i in chosen:
                item = plan.manual[i]
                reason = reasons.get(item.finding.span)
                if reason is not None:
                    plan.manual[i] = ManualFix(item.finding,
                                               f"{item.hint} (not automatic: {reason})")


def _explains(codemod: type[FindingCodemod]) -> bool:
    """Whether the codemod says more than its rule's hint (overrides ``why_by_hand``)."""
    return any("why_by_hand" in vars(cls) for cls in codemod.__mro__
               if cls is not FindingCodemod)


def _left_alone(finding: Finding, options: FixOptions) -> bool:
    """Inline suppressions are a decision written in the code: never fixed. Baselined
    findings were accepted: fixed only when asked."""
    sup = finding.suppression
    return sup is not None and not (options.include_baselined and sup.kind == "baseline")


def plan_fixes(outcome: ScanOutcome, config: Config, *,
               options: FixOptions | None = None, decide: Decide | None = None,
               destination: SecretDestination | None = None) -> FixPlan:
    """Compute every fix of the findings ``outcome`` holds; writes nothing, scans nothing
    again (only text it has just edited).

    ``decide`` asks per change. Raises StoreUnavailable for ``--to store`` without a vault.
    """
    options = options or FixOptions()
    root = (options.root or project_root(config)).resolve()
    boundary = write_boundary(_scanned_paths(outcome))
    chosen = outcome.rules or RULES
    dest = destination or open_destination(options.destination, root, boundary)
    lookup = dest.retrieve if options.destination is Destination.STORE else None
    services = FixServices(options.destination, NameRegistry(dest.existing(), lookup=lookup),
                           CodeStyle.of_project(root))
    plan = FixPlan(root, options.destination, boundary)
    plan.errors.extend(outcome.result.errors)
    by_id = {r.id: r for r in chosen}
    env_file = (root / ".env").resolve()
    per_file: dict[str, list[Finding]] = {}
    linked: set[str] = set()  # rewriting would replace the link with a file: refused
    unexplained: dict[str, list[int]] = {}  # Python findings a fix kind left: plan.manual
    for finding in outcome.result.findings:
        read = outcome.files.get(finding.path)
        if read is None or read.disk is None:
            continue  # a staged blob has no file to rewrite
        if read.disk.resolve() == env_file:
            continue  # where moved secrets belong (git-ignored)
        if _left_alone(finding, options):
            assert finding.suppression is not None
            (plan.baselined if finding.suppression.kind == "baseline"
             else plan.suppressed).append(finding)
            continue
        rule = by_id.get(finding.rule_id)
        python = kind_of(finding.path, read.data[:200]) is FileKind.PYTHON
        if python and finding.fixable and _kind(rule) is not None:
            if read.disk.is_symlink():
                linked.add(finding.path)
                continue
            per_file.setdefault(finding.path, []).append(finding)
        else:
            plan.manual.append(ManualFix(finding, _manual_hint(finding, rule, python)))
            if python and _kind(rule) is not None:
                unexplained.setdefault(finding.path, []).append(len(plan.manual) - 1)
    _explain_manual(plan, outcome, unexplained, by_id)
    plan.problems.extend(Problem(path, "not fixed: it is a symbolic link; fix the file it "
                                       "points to") for path in sorted(linked))
    asking = _Asking()
    for path, findings in sorted(per_file.items()):
        if asking.quit:
            break
        read = outcome.files[path]
        assert read.disk is not None
        fixer = _FileFixer(FileTask(path, read.data), findings, chosen, config, services,
                           decide, dest.label, asking, seen=outcome.findings_in(path))
        for file_fix in fixer.run(read.disk):
            (plan.files if file_fix.writes else plan.suggestions).append(file_fix)
        plan.problems.extend(fixer.problems)
    return plan


def apply_plan(plan: FixPlan, destination: SecretDestination | None = None) -> FixReport:
    """Store each file's secrets (read back), then write the file atomically.

    A file that changed since the scan, or whose secrets cannot be stored, is left
    untouched and reported; the other files are still written.
    """
    started = time.time()
    dest = destination or open_destination(plan.destination, plan.root, plan.boundary)
    report = FixReport(problems=list(plan.problems))
    for file_fix in plan.files:
        try:
            if file_fix.disk_path.read_bytes() != file_fix.original:
                raise FileChanged(file_fix.path)
            if file_fix.moves:
                report.notes.extend(n for n in dest.save(file_fix.moves)
                                    if n not in report.notes)
            # What a run killed mid-write left (it is never renamed into place later).
            remove_stale_temporaries(file_fix.disk_path, before=started)
            atomic_write(file_fix.disk_path, file_fix.data(), expected=file_fix.original)
        except FileChanged:
            report.problems.append(Problem(file_fix.path, "skipped: the file changed since "
                                                          "it was scanned; run fix again"))
            continue
        except DestinationError as exc:
            report.problems.append(Problem(file_fix.path, f"left untouched: {exc}"))
            continue
        except OSError as exc:
            report.problems.append(Problem(file_fix.path, "left untouched: cannot write: "
                                                          f"{exc.strerror or exc}"))
            continue
        report.written.append(file_fix)
        report.moved.extend(file_fix.moves)
    seen: set[str] = set()
    for move in report.moved:
        if move.name not in seen:
            seen.add(move.name)
            report.reminders.append(reminder(move.name, move.value, f"{move.path}:{move.line}"))
    return report


# Below this length a value is also spelled inside ordinary words (a guessable key "dev" in
# "shop_dev"): only a whole word counts as the secret left behind.
_SHORT_SECRET = 12


def still_spelled(value: str, text: str) -> bool:
    """Whether a moved secret is still written in the fixed text: anywhere for a value
    long enough to be its own evidence, as a whole word for a short one."""
    if len(value) >= _SHORT_SECRET:
        return value in text
    word = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(value)}(?![A-Za-z0-9_])")
    return word.search(text) is not None
