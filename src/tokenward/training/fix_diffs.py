"""The diff `tokenward fix` would make for each finding, from the fix engine's dry run.

``plan_fixes`` reads files and writes nothing. Asking it change by change (``decide``
always answers yes) yields one diff per finding, keyed by the finding's fingerprint; fixes
that are only suggested (a scope, a lifetime) come as one diff per file, cut down to the
hunks around each finding. Every diff is redacted again before it reaches a lesson.
"""

from __future__ import annotations

from collections.abc import Sequence
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


def planned_diffs(findings: Sequence[Finding], config: Config, root: Path,
                  rules: Sequence[Rule] | None = None) -> dict[str, str]:
    """fingerprint -> the (unredacted-by-us, engine-redacted) diff of that finding's fix.

    Returns an empty mapping when the fix engine cannot run here; lessons then show the
    rule's fixed example instead.
    """
    from tokenward.scanner.fix.engine import Answer, FixOptions, Proposal, plan_fixes

    paths = sorted({f.path for f in findings if f.fixable and (root / f.path).is_file()})
    if not paths:
        return {}
    diffs: dict[str, str] = {}

    def keep(proposal: Proposal) -> Answer:
        diffs.setdefault(proposal.finding.fingerprint, proposal.diff)
        return Answer.YES

    try:
        plan = plan_fixes([root / p for p in paths], config, options=FixOptions(root=root),
                          rules=rules, decide=keep)
    except Exception:  # the lesson still works without the diff; never stop the session
        return {}
    wanted = {f.fingerprint: f for f in findings}
    for suggestion in [*plan.suggestions, *plan.files]:
        for applied in suggestion.applied:
            original = wanted.get(applied.fingerprint)
            if original is not None and applied.fingerprint not in diffs:
                diffs[applied.fingerprint] = hunks_near(suggestion.diff, original.line)
    return diffs
