"""Training sessions built from a team's own findings: lessons, quizzes, exercises.

``build`` turns findings into a :class:`Session`; ``session_files`` renders it (Markdown,
one self-contained HTML page, optionally SCORM 1.2); ``write_session`` writes it safely;
``check`` grades a learner's exercises by scanning them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tokenward.config import Config
from tokenward.fix.diffs import planned_diffs
from tokenward.model import Finding
from tokenward.reporters.reader import ReportError, read_report
from tokenward.rules import RULES
from tokenward.rules.base import Rule
from tokenward.scanner.redaction import printable
from tokenward.training.excerpts import SourceFiles, inside
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
          with_fix_diffs: bool = True) -> Session:
    """A session from findings; code is re-read (and redacted) from files under ``root``."""
    chosen = tuple(RULES if rules is None else rules)
    known = {r.id for r in chosen}
    active = [f for f in findings if not f.suppressed and f.rule_id in known]
    config = config or Config()
    diffs = planned_diffs(active, config, root, chosen) if with_fix_diffs else {}
    files = SourceFiles(root, chosen, config)
    files.learn(findings)  # suppressed ones too: their secrets are masked where shown
    return build_session(active, chosen, files, diffs, options)
