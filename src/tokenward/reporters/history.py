"""What the reports say about a finding of ``scan --history``: the commit that introduced
it, and, for a secret no longer in the code, the steps that matter in the order they
matter (revoke first: rewriting history does not un-leak a value anyone may have copied).
"""

from __future__ import annotations

from tokenward.model import Category, Finding, HistoryScope

PURGE_COMMAND = "tokenward history-purge-file"


def provenance(finding: Finding) -> str | None:
    """``commit 1a2b3c4d5e6f (2024-03-01): only in history`` for a history finding."""
    history = finding.history
    if history is None:
        return None
    where = "still at HEAD" if history.present_at_head else (
        "only in history: removed from the code since, still in every clone")
    return f"commit {history.commit[:12]} ({history.author_date[:10]}): {where}"


def remediation(finding: Finding) -> tuple[str, ...]:
    """The steps for a secret found in history, in order; () for anything else."""
    history = finding.history
    if history is None or finding.category is not Category.HARDCODED_SECRET:
        return ()
    # Here, not at the top: every text report imports this module, and the fix package
    # costs the pre-commit hook's start-up about 2 ms for history findings it never has.
    from tokenward.fix.rotation import GENERIC_HINT

    revoke = f"1. revoke and rotate it at the provider first: {history.rotation or GENERIC_HINT}"
    if history.present_at_head:
        return (revoke, "2. then move it out of the code (the fix below), so the new "
                        "value is never committed")
    return (revoke,
            "2. then, only if the repository is private and the team wants the old value "
            f"gone too: `{PURGE_COMMAND} FILE` writes the replacements, `git filter-repo "
            "--replace-text FILE` rewrites history, force-push, and everyone clones again")


def scope_summary(scope: HistoryScope) -> str:
    """``history: 120 commits, 340 blobs`` (and a shallow clone said so)."""
    shallow = "; a shallow clone: older commits were not there to scan" if scope.shallow else ""
    return (f"{scope.commits} commit{'' if scope.commits == 1 else 's'}, {scope.blobs} "
            f"blob{'' if scope.blobs == 1 else 's'}{shallow}")


def history_lines(finding: Finding) -> tuple[str, ...]:
    """The lines a text report adds under a history finding: where, then what to do."""
    where = provenance(finding)
    return () if where is None else (where, *remediation(finding))
