"""The diff `tokenward fix` would make for each finding, from the fix engine's dry run (shared
by lessons and SARIF `fixes`).

``plan_fixes`` reads files and writes nothing. Asking it change by change (``decide``
always answers yes) yields one diff per finding, keyed by the finding's fingerprint; fixes
that are only suggested (a scope, a lifetime) come as one diff per file, cut down to the
hunks around each finding. Every diff is redacted again before it reaches a lesson.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tokenward.config import Config
from tokenward.model import Finding
from tokenward.rules.base import Rule


def hunks_near(diff: str, line: int) -> str:
    """The file header and the hunks whose old range covers ``line`` (or the nearest)."""
    header: list[str] = []
    hunks: list[list[str]] = []
    for text in diff.splitlines():
        if text.startswith("@@"):
            hunks.append([text])
        elif hunks:
            hunks[-1].append(text)
        else:
            header.append(text)
    if not hunks:
        return diff

    def distance(hunk: list[str]) -> int:
        old = hunk[0].split()[1].lstrip("-")
        start_text, _, count_text = old.partition(",")
        start, count = int(start_text), int(count_text or "1")
        if start <= line < start + max(count, 1):
            return 0
        return min(abs(line - start), abs(line - (start + count)))

    best = min(hunks, key=distance)
    return "\n".join([*header, *best]) + "\n"


def _renamed(diff: str, shown: str, path: str) -> str:
    """The diff's file header with the finding's own path (not where the engine ran)."""
    if shown == path:
        return diff
    lines = diff.split("\n")
    for index, line in enumerate(lines[:2]):
        for marker in ("--- a/", "+++ b/"):
            if line == marker + shown:
                lines[index] = marker + path
    return "\n".join(lines)


def planned_diffs(findings: Sequence[Finding], config: Config, root: Path,
                  rules: Sequence[Rule] | None = None) -> dict[str, str]:
    """fingerprint -> the (engine-redacted) diff of that finding's fix.

    Every proposal is declined, so each diff is against the file as scanned and each
    proposal's finding keeps its original span: findings are matched by (path, rule,
    span), which, unlike fingerprints, does not depend on the folder the scan ran from.
    Returns an empty mapping when the fix engine cannot run here; lessons then show the
    rule's reference fix alone.
    """
    from tokenward.fix.engine import Answer, FixOptions, Proposal, plan_fixes
    from tokenward.scanner.files import display_path

    paths = sorted({f.path for f in findings if f.fixable and (root / f.path).is_file()})
    if not paths:
        return {}
    # How the fix engine will name each file (relative to the current folder).
    original = {display_path(root / p): p for p in paths}
    wanted = {(f.path, f.rule_id, f.span): f.fingerprint for f in findings}
    diffs: dict[str, str] = {}

    def keep(proposal: Proposal) -> Answer:
        seen = proposal.finding
        path = original.get(seen.path, seen.path)
        fingerprint = wanted.get((path, seen.rule_id, seen.span))
        if fingerprint is not None:
            diffs.setdefault(fingerprint, _renamed(proposal.diff, seen.path, path))
        return Answer.NO

    try:
        plan = plan_fixes([root / p for p in paths], config, options=FixOptions(root=root),
                          rules=rules, decide=keep)
    except Exception:  # the lesson still works without the diff; never stop the session
        return {}
    # Suggested fixes (a scope, a lifetime) are not asked about: one diff per file.
    for suggestion in plan.suggestions:
        path = original.get(suggestion.path, suggestion.path)
        rule_ids = {a.rule_id for a in suggestion.applied}
        for finding in findings:
            if finding.path == path and finding.rule_id in rule_ids:
                diff = _renamed(suggestion.diff, suggestion.path, path)
                diffs.setdefault(finding.fingerprint, hunks_near(diff, finding.line))
    return diffs


@dataclass(frozen=True)
class Replacement:
    """Lines ``start_line`` to ``end_line - 1`` (1-based; equal for a pure insertion before
    ``start_line``) replaced by ``text``: a SARIF ``replacement`` in whole lines."""

    start_line: int
    end_line: int
    text: str


def replacements(diff: str) -> tuple[Replacement, ...]:
    """The changed runs of a unified diff (context lines are not rewritten)."""
    found: list[Replacement] = []
    old_line = 0
    start: int | None = None
    removed = 0
    added: list[str] = []

    def close() -> None:
        nonlocal start, removed, added
        if start is not None:
            found.append(Replacement(start, start + removed,
                                     "".join(f"{line}\n" for line in added)))
        start, removed, added = None, 0, []

    for line in diff.splitlines():
        if line.startswith("@@"):
            close()
            old_line = int(line.split()[1].lstrip("-").split(",")[0])
            if line.split()[1].endswith(",0"):
                old_line += 1  # "-12,0": nothing removed, insertion after line 12
            continue
        if old_line == 0:
            continue  # the file header, before the first hunk
        if line.startswith("-"):
            start = old_line if start is None else start
            removed += 1
            old_line += 1
        elif line.startswith("+"):
            start = old_line if start is None else start
            added.append(line[1:])
        elif line.startswith(" ") or line == "":
            close()
            old_line += 1
        # "\ No newline at end of file" and anything else: no line of its own
    close()
    return tuple(found)
