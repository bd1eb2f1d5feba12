"""Training sessions built from a team's own findings: lessons, quizzes, exercises.

``build`` turns the findings of a scan (the pipeline's outcome, or a JSON report whose files
are then scanned once) into a :class:`Session` that fits its slot (:mod:`.plan`), taught
from each rule's learner file (:mod:`.learner`); ``session_files`` renders it (Markdown,
one self-contained HTML page with a learner and a presenter view, optionally SCORM 1.2);
``write_session`` writes it safely; ``check`` grades a learner's exercises by scanning
them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tokenward.config import Config
from tokenward.fix.diffs import planned_diffs
from tokenward.model import Finding, Span
from tokenward.reporters.reader import ReportError, read_report
from tokenward.rules import RULES
from tokenward.rules.base import Rule
from tokenward.scanner.pipeline import ScanOutcome
from tokenward.scanner.redaction import printable
from tokenward.training.excerpts import SourceFiles, inside, scan_reported
from tokenward.training.exercises import ExerciseError, Grade, check
from tokenward.training.lessons import BuildOptions, build_session
from tokenward.training.model import Session
from tokenward.training.output import OutputError, session_files, write_session

__all__ = [
    "BuildOptions", "ExerciseError", "Grade", "OutputError", "ReportError", "Session", "build",
    "check", "load_report", "session_files", "write_session",
]


def load_report(path: Path, root: Path | None = None) -> list[Finding]:
    """The findings of a JSON or SARIF report (suppressed ones included; the caller
    filters), read by the one report reader.

    With ``root``, a report naming a file outside it is refused: lessons quote the files
    a report names, and a report is input (``"path": "../victim/private.txt"``).
    """
    findings = list(read_report(path).findings)
    for index, finding in enumerate(findings):
        if root is not None and inside(root, finding.path) is None:
            raise ReportError(
                f"{path}: finding {index + 1} names {printable(finding.path)!r}, outside "
                f"{root}: refusing to read it (run from the folder the report was made "
                "in, or pass --root)")
    return findings


def build(findings: Sequence[Finding], *, root: Path, config: Config | None = None,
          rules: Sequence[Rule] | None = None, options: BuildOptions | None = None,
          with_fix_diffs: bool = True, outcome: ScanOutcome | None = None) -> Session:
    """A session from findings. ``outcome`` is the scan that produced them: lessons quote
    the bytes it read (redacted) and show the fixes planned from it. Without it (findings
    from a report), the files the findings name are read under ``root`` and scanned once.
    """
    chosen = tuple(RULES if rules is None else rules)
    known = {r.id for r in chosen}
    active = [f for f in findings if not f.suppressed and f.rule_id in known]
    config = config or Config()
    outcome = outcome or scan_reported(findings, root, config, chosen)
    files = SourceFiles(root, outcome)
    files.learn(findings)  # suppressed ones too: their secrets are masked where shown
    diffs = _fix_diffs(active, outcome, config, root, chosen) if with_fix_diffs else {}
    return build_session(active, chosen, files, diffs, options)


def _fix_diffs(findings: Sequence[Finding], outcome: ScanOutcome, config: Config,
               root: Path, rules: Sequence[Rule]) -> dict[str, str]:
    """fingerprint of each finding -> the diff `fix` would make there. Matched by place
    and fix, not by fingerprint or rule: a report may come from another folder, and its
    files are scanned with every rule (a secret two rules report is the lower id's)."""
    fix_of = {r.id: r.fix for r in (*outcome.rules, *rules)}

    def place(f: Finding) -> tuple[str, Span, str | None]:
        return f.path, f.span, fix_of.get(f.rule_id)

    planned = planned_diffs(outcome, config, root)
    by_place = {place(f): planned[f.fingerprint] for f in outcome.result.findings
                if f.fingerprint in planned}
    return {f.fingerprint: by_place[place(f)] for f in findings if place(f) in by_place}
