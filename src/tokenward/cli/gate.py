"""The CI gate's commands: `baseline create|update|audit`, `merge`, `init`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tokenward.scanner.files import display_path
from tokenward.scanner.redaction import printable

if TYPE_CHECKING:
    from tokenward.config import Config
    from tokenward.model import Finding, ScanResult
    from tokenward.scanner.baseline import Entry

from tokenward.cli.common import (
    CommandGroup,
    ConfigOption,
    JobsOption,
    OutputFormat,
    OutputOption,
    SeverityChoice,
    UsageProblem,
    _load_settings,
    _render,
    _user_errors,
    app,
    fail,
)

baseline_app = typer.Typer(cls=CommandGroup, no_args_is_help=True,
                           help="Create, update and audit the baseline of known findings.")
app.add_typer(baseline_app, name="baseline")


def _baseline_file(config: Config, file: Path | None) -> Path:
    return file if file is not None else Path(config.root) / config.baseline


def _scan_for_baseline(paths: list[Path] | None, config: Config, jobs: int | None) -> tuple[
        ScanResult, list[str]]:
    from tokenward.scanner.pipeline import ScanRequest, run_pipeline

    request = ScanRequest(paths=tuple(str(p) for p in paths or ()), use_baseline=False)
    outcome = run_pipeline(request, config, jobs=jobs)
    if any(e.internal for e in outcome.result.errors):
        raise UsageProblem("internal error while scanning; the baseline was not written "
                           "(run `tokenward scan` to see it)")
    return outcome.result, list(outcome.scanned)


BaselineFileOption = Annotated[Path | None, typer.Option(
    "--file", metavar="FILE", help="The baseline file [default: the configured one, "
    ".tokenward-baseline.json].")]
PathsArgument = Annotated[list[Path] | None, typer.Argument(
    help="Files and folders to scan (default: the current folder).")]


@baseline_app.command("create")
def baseline_create(
    paths: PathsArgument = None,
    file: BaselineFileOption = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing baseline "
                                        "(audit verdicts are lost).")] = False,
    config_file: ConfigOption = None,
    jobs: JobsOption = None,
) -> None:
    """Record the current findings, so that only new ones fail from now on."""
    from tokenward.scanner import baseline as baselines

    try:
        config = _load_settings(config_file, None, None, None, None)
        target = _baseline_file(config, file)
        if target.exists() and not force:
            raise UsageProblem(f"{target} exists: use `tokenward baseline update` "
                               "(or --force to start over)")
        result, _ = _scan_for_baseline(paths, config, jobs)
        created = baselines.create(result.findings)
        baselines.save(created, target)
        attributes = baselines.ensure_gitattributes(target.parent, target.name)
    except _user_errors() as exc:
        raise fail(str(exc)) from None
    typer.echo(f"tokenward: wrote {display_path(target)} with {len(created)} "
               f"entr{'y' if len(created) == 1 else 'ies'}")
    if attributes:
        typer.echo(f"tokenward: added `{target.name} merge=union` to .gitattributes "
                   "(branches adding entries merge without conflicts)")


@baseline_app.command("update")
def baseline_update(
    paths: PathsArgument = None,
    file: BaselineFileOption = None,
    config_file: ConfigOption = None,
    jobs: JobsOption = None,
) -> None:
    """Add new findings and drop entries whose finding is gone; keep all the rest as is."""
    from tokenward.scanner import baseline as baselines

    try:
        config = _load_settings(config_file, None, None, None, None)
        target = _baseline_file(config, file)
        known = baselines.load(target)
        result, scanned = _scan_for_baseline(paths, config, jobs)
        change = baselines.update(known, result.findings, scanned)
        baselines.save(change.baseline, target)
    except _user_errors() as exc:
        raise fail(str(exc)) from None
    typer.echo(f"tokenward: {display_path(target)}: {len(change.added)} added, "
               f"{len(change.dropped)} dropped, {len(change.baseline)} in all")


_AUDIT_CHOICES = {"t": "problem", "a": "accepted", "s": "skip", "q": "quit"}


@baseline_app.command("audit")
def baseline_audit(
    file: BaselineFileOption = None,
    config_file: ConfigOption = None,
) -> None:
    """Walk through unaudited entries: a true problem, or accepted with a reason.

    Each answer is saved at once, so quitting part way loses nothing.
    """
    from tokenward.scanner import baseline as baselines

    try:
        config = _load_settings(config_file, None, None, None, None)
        target = _baseline_file(config, file)
        known = baselines.load(target)
        todo = baselines.unaudited(known)
        if not todo:
            typer.echo("tokenward: every baseline entry is audited")
            return
        findings = _current_findings(todo, config)
        done = 0
        for number, entry in enumerate(todo, 1):
            # A committed baseline is input: its names are shown with controls escaped.
            typer.echo(f"\n[{number}/{len(todo)}] {printable(entry.rule_id)} in "
                       f"{printable(entry.path)}"
                       + (f" ({printable(entry.target)})" if entry.target else ""))
            finding = findings.get(entry.fingerprint)
            if finding is not None:
                from tokenward.reporters.text import render_finding

                typer.echo("\n".join("  " + line for line in render_finding(finding)))
            else:
                typer.echo("  (not found in the current files: `baseline update` drops it)")
            answer = _ask_choice()
            if answer == "quit":
                break
            if answer == "skip":
                continue
            reason = ""
            if answer == "accepted":
                reason = typer.prompt("  Why is it acceptable?", default="", show_default=False)
            known = baselines.audit_verdict(known, entry.fingerprint,
                                            baselines.Audit(answer), reason)
            baselines.save(known, target)
            done += 1
    except _user_errors() as exc:
        raise fail(str(exc)) from None
    typer.echo(f"\ntokenward: {done} entr{'y' if done == 1 else 'ies'} audited; "
               f"{len(baselines.unaudited(known))} left")


def _ask_choice() -> str:
    while True:
        raw = typer.prompt("  [t]rue problem, [a]ccepted, [s]kip, [q]uit", default="s",
                           show_default=False)
        choice = _AUDIT_CHOICES.get(raw.strip().lower()[:1])
        if choice is not None:
            return choice
        typer.echo("  please answer t, a, s or q")


def _current_findings(entries: list[Entry], config: Config) -> dict[str, Finding]:
    from tokenward.scanner.pipeline import ScanRequest, run_pipeline

    existing = sorted({e.path for e in entries if Path(e.path).is_file()})
    if not existing:
        return {}
    outcome = run_pipeline(ScanRequest(paths=tuple(existing), use_baseline=False), config)
    return {f.fingerprint: f for f in outcome.result.findings}


@app.command()
def merge(
    reports: Annotated[list[Path], typer.Argument(
        help="JSON or SARIF reports (from `scan --format json|sarif`).")],
    format: Annotated[OutputFormat, typer.Option(
        "--format", "-f", help="Format of the merged report.")] = OutputFormat.json,
    output: OutputOption = None,
    fail_on: Annotated[SeverityChoice | None, typer.Option(
        help="Exit 1 when a merged finding is at or above this severity [default: low].")
    ] = None,
    config_file: ConfigOption = None,
) -> None:
    """Merge reports of parallel jobs into one, each finding once (by fingerprint)."""
    from tokenward.hooks.merge import merge_reports
    from tokenward.scanner.pipeline import ScanOutcome

    try:
        config = _load_settings(config_file, None, None, fail_on, None)
        result = merge_reports(reports)
        _render(result, format, output, config)
    except _user_errors() as exc:
        raise fail(str(exc)) from None
    raise typer.Exit(ScanOutcome(result).exit_code(config))


@app.command()
def init(
    repo: Annotated[str | None, typer.Option(
        help="Where pre-commit gets tokenward: a repository URL or path, or `local` (run "
        "the installed tokenward-hook) [default: from how tokenward was installed].")
    ] = None,
    rev: Annotated[str | None, typer.Option(
        help="The tag or commit of that repository [default: the release's tag, or the "
        "commit installed from git].")] = None,
    baseline: Annotated[bool, typer.Option(
        "--baseline", help="Also record today's findings in a baseline (when there is "
        "none yet), so only new findings fail commits.")] = False,
) -> None:
    """Set this repository up: the pre-commit hook, [tool.tokenward] defaults, a baseline.

    The hook runs the installed tokenward (`repo: local`) when tokenward was installed from
    a path or a built wheel, else tokenward's repository at a real tag or commit. With
    --repo or --rev an existing entry is pointed there.
    """
    from tokenward.hooks.init import (
        choose_source,
        configured_source,
        install_hook,
        installed_source,
        write_settings,
    )
    from tokenward.scanner import baseline as baselines
    from tokenward.scanner.git import GitError, repo_root

    try:
        folder = Path.cwd()
        try:
            top = repo_root(folder)
        except GitError:
            raise UsageProblem(f"{folder} is not in a git repository, and pre-commit runs "
                               "hooks from git: run `git init` first (nothing was written)"
                               ) from None
        source = choose_source(repo, rev, installed_source(), configured_source(top))
        changes = [install_hook(top, source, update=repo is not None or rev is not None),
                   write_settings(folder)]
        config = _load_settings(None, None, None, None, None)
        target = _baseline_file(config, None)
        if baseline and not target.exists():
            result, _ = _scan_for_baseline(None, config, None)
            created = baselines.create(result.findings)
            baselines.save(created, target)
            typer.echo(f"tokenward: {display_path(target)}: created with {len(created)} "
                       f"entr{'y' if len(created) == 1 else 'ies'}")
        if baseline and baselines.ensure_gitattributes(target.parent, target.name):
            typer.echo("tokenward: .gitattributes: baseline merges as a union")
    except _user_errors() as exc:
        raise fail(str(exc)) from None
    for change in changes:
        if change is not None:
            typer.echo(f"tokenward: {display_path(change.path)}: {change.what}")
    if not any(changes):
        typer.echo("tokenward: already set up; nothing changed")
    if source.local:
        typer.echo("\nThe hook runs the tokenward-hook command of the environment you commit "
                   "from: every\ndeveloper installs tokenward with the scan extra there "
                   "(as you did).")
    typer.echo("\nNext steps:\n"
               "  pip install pre-commit && pre-commit install   # run the hook on commit\n"
               "  pre-commit run tokenward --all-files           # check the whole repository\n"
               "  tokenward baseline create                       # accept today's findings\n"
               "  see docs/ci/ for the CI gate (SARIF upload, pull-request diff gate)")
