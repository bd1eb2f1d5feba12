"""`tokenward history-purge-file`: the replacements `git filter-repo --replace-text` needs
to rewrite the secrets a history scan found out of every commit.

The file holds the secrets in clear (filter-repo must find them), so it is written 0600,
never inside the repository, never printed, and the command says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tokenward.cli.common import (
    ConfigOption,
    UsageProblem,
    _load_settings,
    _user_errors,
    app,
    fail,
)
from tokenward.scanner.files import display_path

REPLACEMENT = "***REMOVED-BY-TOKENWARD***"


@app.command("history-purge-file")
def history_purge_file(
    output: Annotated[Path, typer.Argument(
        metavar="FILE", help="Where to write the replacements (outside the repository).")],
    revisions: Annotated[list[str] | None, typer.Argument(
        metavar="RANGE", help="Revisions and ranges (default: every ref).")] = None,
    replacement: Annotated[str, typer.Option(
        help="What each secret becomes in the rewritten history.")] = REPLACEMENT,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE.")] = False,
    config_file: ConfigOption = None,
) -> None:
    """Write a file for `git filter-repo --replace-text FILE` that replaces each secret
    `scan --history` reports (baselined and suppressed ones are left alone).

    Revoke and rotate every secret first: rewriting history does not take a value back
    from anyone who already has a clone.
    """
    from tokenward.safefs import atomic_write, create_new
    from tokenward.scanner.git import repo_root
    from tokenward.scanner.history import HistoryRange, purge_lines
    from tokenward.scanner.pipeline import ScanRequest, run_pipeline

    try:
        if "==>" in replacement or "\n" in replacement:
            raise UsageProblem("--replacement cannot hold '==>' or a line break")
        root = repo_root()
        target = output.resolve()
        if target.is_relative_to(root.resolve()):
            raise UsageProblem(f"{display_path(output)} is inside the repository: write the "
                               "file elsewhere (it holds the secrets in clear)")
        config = _load_settings(config_file, None, None, None, None)
        request = ScanRequest(history=HistoryRange(tuple(revisions or ())))
        outcome = run_pipeline(request, config)
        if any(e.internal for e in outcome.result.errors):
            raise UsageProblem("internal error while scanning; nothing was written (run "
                               "`tokenward scan --history` to see it)")
        found = [f for f in outcome.result.active if f.secret_hash is not None]
        lines, missed = purge_lines(root, found, replacement)
        data = "".join(f"{line}\n" for line in lines).encode("utf-8", "surrogateescape")
        try:
            if force:
                atomic_write(target, data, mode=0o600)
            else:
                create_new(target, data, mode=0o600)
        except FileExistsError:
            raise UsageProblem(f"{display_path(output)} exists (--force to overwrite)"
                               ) from None
        except OSError as exc:
            raise UsageProblem(f"cannot write {display_path(output)}: "
                               f"{exc.strerror or exc}") from None
    except _user_errors() as exc:
        raise fail(str(exc)) from None
    still = sum(1 for f in found if f.history is not None and f.history.present_at_head)
    typer.echo(f"tokenward: wrote {display_path(output)}: {len(lines)} replacement"
               f"{'' if len(lines) == 1 else 's'} for {len(found) - missed} secret"
               f"{'' if len(found) - missed == 1 else 's'}. The file holds them in clear: "
               "it is readable by you only (0600); delete it once history is rewritten.")
    if missed:
        typer.echo(f"tokenward: {missed} secret{'' if missed == 1 else 's'} could not be put "
                   "in it (not found again, or a piece shorter than 8 characters): replace "
                   "them by hand", err=True)
    if still:
        typer.echo(f"tokenward: {still} of them {'is' if still == 1 else 'are'} still at HEAD: "
                   "move them out of the code first (`tokenward fix`), or the rewrite "
                   "changes the code too", err=True)
    typer.echo("Next: revoke and rotate each secret at its provider (first), then\n"
               f"  git filter-repo --replace-text {display_path(output)}\n"
               "and force-push; everyone clones again.")
