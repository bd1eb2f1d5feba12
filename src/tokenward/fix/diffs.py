"""The diff `tokenward fix` would make for each finding of a scan, from the fix engine's
dry run (shared by lessons and SARIF `fixes`).

``plan_fixes`` works from the pipeline's outcome and writes nothing. Asking it change by
change (declining every change) yields one diff per finding against the file as scanned,
keyed by the finding's fingerprint; fixes that are only suggested (a scope, a lifetime)
come as one diff per file, cut down to the hunks around each finding. Every diff is
redacted again before it reaches a lesson.
"""

from __future__ import annotations

from pathlib import Path

from tokenward.config import Config
from tokenward.records import record
from tokenward.scanner.pipeline import ScanOutcome


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


def planned_diffs(outcome: ScanOutcome, config: Config,
                  root: Path | None = None) -> dict[str, str]:
    """fingerprint -> the (engine-redacted) diff of that finding's fix, for the findings
    `tokenward fix` would fix in ``outcome`` (``root``: where `.env` is, as for `fix`).

    Every proposal is declined, so each diff is against the file as scanned and each
    proposal's finding is the scan's own finding. Returns an empty mapping when the fix
    engine cannot run here; lessons then show the rule's reference fix alone.
    """
    from tokenward.fix.engine import Answer, FixOptions, Proposal, plan_fixes

    diffs: dict[str, str] = {}

    def keep(proposal: Proposal) -> Answer:
        diffs.setdefault(proposal.finding.fingerprint, proposal.diff)
        return Answer.NO

    try:
        plan = plan_fixes(outcome, config, options=FixOptions(root=root), decide=keep)
    except Exception:  # the report or lesson still works without the diff; never stop
        return {}
    # Suggested fixes (a scope, a lifetime) are not asked about: one diff per file, cut
    # at each finding's line as scanned (a later kind saw the text the first one edited).
    scanned = {f.fingerprint: f.line for f in outcome.result.findings}
    for suggestion in plan.suggestions:
        for finding in suggestion.applied:
            line = scanned.get(finding.fingerprint, finding.line)
            diffs.setdefault(finding.fingerprint, hunks_near(suggestion.diff, line))
    return diffs


@record
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
