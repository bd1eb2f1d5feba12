"""`tokenward scan`, `tokenward rules`, `tokenward explain`."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from tokenward.model import Context
    from tokenward.scanner.history import HistoryRange

from tokenward.cli.common import (
    ConfigOption,
    JobsOption,
    OutputFormat,
    OutputOption,
    SeverityChoice,
    UsageProblem,
    _load_settings,
    _ProgressBar,
    _render,
    _sarif_fixes,
    _user_errors,
    app,
    fail,
)


@app.command()
def scan(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Files and folders to scan (default: the current folder); with --history, "
        "revisions and ranges such as origin/main..HEAD (default: every ref).")] = None,
    format: Annotated[OutputFormat, typer.Option(
        "--format", "-f", help="Report format.")] = OutputFormat.text,
    output: OutputOption = None,
    fail_on: Annotated[SeverityChoice | None, typer.Option(
        help="Exit 1 when a finding is at or above this severity [default: low].")] = None,
    jobs: JobsOption = None,
    exclude: Annotated[list[str] | None, typer.Option(
        metavar="GLOB",
        help="Skip paths matching GLOB (repeatable; adds to the config's exclude).")] = None,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Do not read or write the result cache.")] = False,
    config_file: ConfigOption = None,
    max_file_size: Annotated[str | None, typer.Option(
        metavar="SIZE", help="Skip files larger than this (e.g. 2MiB) [default: 2MiB].")] = None,
    select: Annotated[list[str] | None, typer.Option(
        "--rule", metavar="ID", help="Only run this rule (id or name; repeatable).")] = None,
    no_progress: Annotated[bool, typer.Option(
        "--no-progress", help="Never draw a progress bar.")] = False,
    staged: Annotated[bool, typer.Option(
        "--staged", help="Scan what will be committed: the staged content in the git index "
        "(PATHS, if given, narrow it).")] = False,
    diff_base: Annotated[str | None, typer.Option(
        "--diff-base", metavar="REV", help="Report only findings on lines added or changed "
        "since the merge base with REV, and every finding in new files.")] = None,
    baseline: Annotated[Path | None, typer.Option(
        "--baseline", metavar="FILE", help="Report only findings not in this baseline "
        "[default: the configured baseline, when that file exists].")] = None,
    no_baseline: Annotated[bool, typer.Option(
        "--no-baseline", help="Ignore any baseline: report every finding.")] = False,
    report_stale: Annotated[bool, typer.Option(
        "--report-stale", help="List baseline entries whose finding is gone; exit 1 if "
        "there are any.")] = False,
    shard: Annotated[str | None, typer.Option(
        "--shard", metavar="K/N", help="Scan only the K-th of N stable parts of the files "
        "(by path hash), for parallel CI jobs.")] = None,
    force_exclude: Annotated[bool, typer.Option(
        "--force-exclude", help="Apply exclude patterns even to paths named on the command "
        "line (what the pre-commit hook does).")] = False,
    history: Annotated[bool, typer.Option(
        "--history", help="Scan git history: every blob the commits of the range added, "
        "each finding at the commit that introduced it.")] = False,
    all_refs: Annotated[bool, typer.Option(
        "--all", help="With --history: every branch, tag and other ref (the default when "
        "no range is given).")] = False,
    since: Annotated[str | None, typer.Option(
        "--since", metavar="DATE", help="With --history: only commits more recent than "
        "DATE (git's syntax: 2024-01-31, '2 weeks ago').")] = None,
    max_count: Annotated[int | None, typer.Option(
        "--max-count", metavar="N", min=1, help="With --history: only the N most recent "
        "commits.")] = None,
    fail_on_unscanned: Annotated[bool | None, typer.Option(
        "--fail-on-unscanned/--no-fail-on-unscanned", help="Exit 1 when a file could not be "
        "fully analysed (unreadable, over the size cap, binary content in a text file, too "
        "deeply nested) [default: on with --staged, --diff-base and --history, else the "
        "fail_on_unscanned setting, else off].", show_default=False)] = None,
    contexts: Annotated[str | None, typer.Option(
        "--context", metavar="LIST", help="Report only findings in these contexts, "
        "comma-separated: production, test, docs, example, fixture, i18n, generated, "
        "vendored, minified.")] = None,
    all_contexts: Annotated[bool, typer.Option(
        "--all-contexts", help="Turn the context policy off: also report what it hides in "
        "tests, docs, examples and fixtures (values that do not prove themselves real, "
        "lifecycle, scope, transport and exposure findings).")] = False,
) -> None:
    """Scan files for API-token mistakes."""
    from tokenward.reporters import StaleEntry
    from tokenward.scanner.pipeline import ScanRequest, run_pipeline
    from tokenward.scanner.shard import Shard

    try:
        if staged and diff_base is not None:
            raise UsageProblem("--staged and --diff-base cannot be combined")
        if baseline is not None and no_baseline:
            raise UsageProblem("--baseline and --no-baseline cannot be combined")
        scope = _history_scope(history, paths, all_refs, since, max_count,
                               staged=staged, diff_base=diff_base, shard=shard,
                               report_stale=report_stale)
        config = _load_settings(config_file, exclude, max_file_size, fail_on, select)
        if all_contexts:
            config = replace(config, proven_only=())
        request = ScanRequest(
            paths=tuple(str(p) for p in paths or ()) if scope is None else (),
            history=scope,
            staged=staged,
            diff_base=diff_base,
            shard=Shard.parse(shard) if shard is not None else None,
            baseline=baseline,
            use_baseline=not no_baseline,
            report_stale=report_stale,
            force_exclude=force_exclude,
            fail_on_unscanned=fail_on_unscanned,
            contexts=None if contexts is None else _contexts(contexts),
        )
        if report_stale and request.baseline is None and not no_baseline:
            from tokenward.scanner.pipeline import baseline_path

            if baseline_path(request, config) is None:
                raise UsageProblem("--report-stale needs a baseline (none found)")
        bar = _ProgressBar(enabled=not no_progress and sys.stderr.isatty())
        try:
            outcome = run_pipeline(request, config, jobs=jobs,
                               use_cache=False if no_cache else None, progress=bar)
        finally:
            bar.close()
        stale = tuple(StaleEntry(e.fingerprint, e.rule_id, e.path) for e in outcome.stale)
        fixes = _sarif_fixes(outcome, config) if format is OutputFormat.sarif else None
        _render(outcome.result, format, output, config, stale, outcome.unscanned, fixes)
    except _user_errors() as exc:
        raise fail(str(exc)) from None
    raise typer.Exit(outcome.exit_code(config))


def _contexts(text: str) -> frozenset[Context]:
    """``--context production,test`` -> those contexts; UsageProblem for a name that is
    not one (with the nearest)."""
    from tokenward.config import Invalid, parse_context

    try:
        chosen = frozenset(parse_context(name.strip()) for name in text.split(",")
                           if name.strip())
    except Invalid as exc:
        raise UsageProblem(f"--context: {exc}") from None
    if not chosen:
        raise UsageProblem("--context: expected one or more contexts, comma-separated")
    return chosen


def _history_scope(history: bool, revisions: list[Path] | None, all_refs: bool,
                   since: str | None, max_count: int | None, **others: object
                   ) -> HistoryRange | None:
    """The --history options as a range of commits (None without --history)."""
    if not history:
        given = [name for name, value in (("--all", all_refs), ("--since", since),
                                          ("--max-count", max_count)) if value]
        if given:
            raise UsageProblem(f"{given[0]} goes with --history")
        return None
    clash = [name for name, value in others.items() if value]
    if clash:
        raise UsageProblem(f"--history and --{clash[0].replace('_', '-')} cannot be combined")
    # Imported only here: a scan without --history does not load the history scanner.
    from tokenward.scanner.history import HistoryRange

    # Typer hands the positional arguments over as paths; they are revisions here.
    return HistoryRange(tuple(str(r) for r in revisions or ()), all_refs, since, max_count)


@app.command("rules")
def list_rules() -> None:
    """List every rule: id, name, category, severity, and whether it can fix."""
    from tokenward.rules import RULES

    rows = [("ID", "NAME", "CATEGORY", "SEVERITY", "FIX", "TITLE")]
    rows += [(r.id, r.name, r.category.value, r.severity.value, "yes" if r.fixable else "-",
              r.title) for r in RULES]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    for row in rows:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:5])]
        typer.echo("  ".join([*cells, row[5]]).rstrip())


@app.command()
def explain(rule: Annotated[str, typer.Argument(help="A rule id (TW101) or name.")]) -> None:
    """Print a rule's documentation and examples."""
    from tokenward.config import unknown_rule
    from tokenward.reporters.rule_docs import render_markdown
    from tokenward.rules import RULES, get_rule

    found = get_rule(rule)
    if found is None:
        raise fail(unknown_rule(rule, RULES) or rule)
    typer.echo(render_markdown(found), nl=False)
