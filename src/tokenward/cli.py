"""The command line: each command parses options, calls the library, returns an exit code.

Exit codes: 0 nothing at or above ``--fail-on``, 1 findings, 2 usage or internal error.
An unexpected exception anywhere is an internal error: exit 2, never 0, never a traceback
for the user (set TOKENWARD_DEBUG=1 to see it).
"""

from __future__ import annotations

import os
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tokenward import __version__
from tokenward.scanner.files import display_path

if TYPE_CHECKING:
    from tokenward.config import Config
    from tokenward.hooks.baseline import Entry
    from tokenward.model import Finding, ScanResult
    from tokenward.reporters import StaleEntry

if TYPE_CHECKING:
    from tokenward.scanner.fix.engine import Answer, Proposal

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

app = typer.Typer(
    name="tokenward",
    help="Find, fix, gate and teach API-token mistakes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class UsageProblem(Exception):
    """A user error with a message: printed without a traceback, exit 2."""


def fail(message: str) -> typer.Exit:
    typer.echo(f"tokenward: error: {message}", err=True)
    return typer.Exit(EXIT_ERROR)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"
    junit = "junit"


class SeverityChoice(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tokenward {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """tokenward: find, fix, gate and teach API-token mistakes."""


def _use_color(stream: object) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


class _ProgressBar:
    """A progress bar on stderr, only on a terminal and only once a scan takes a moment."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.start = time.monotonic()
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total == 0 or time.monotonic() - self.start < 0.5:
            return
        width = 30
        filled = width * done // total
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files")
        sys.stderr.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            sys.stderr.write("\r" + " " * 60 + "\r")
            sys.stderr.flush()


def write_output(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    tmp = output.with_name(f".{output.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, output)
    except OSError as exc:
        raise UsageProblem(f"cannot write {output}: {exc.strerror or exc}") from None


def _load_settings(config_file: Path | None, exclude: list[str] | None,
                   max_file_size: str | None, fail_on: SeverityChoice | None,
                   select: list[str] | None) -> Config:
    from tokenward.config import load_config, parse_severity, parse_size
    from tokenward.rules import get_rule

    config = load_config(explicit=config_file)
    if exclude:
        config = config.with_overrides(exclude=(*config.exclude, *exclude))
    if max_file_size is not None:
        config = config.with_overrides(max_file_size=parse_size(max_file_size))
    if fail_on is not None:
        config = config.with_overrides(fail_on=parse_severity(fail_on.value))
    if select:
        unknown = [s for s in select if get_rule(s) is None]
        if unknown:
            raise UsageProblem(f"unknown rule {', '.join(unknown)} (see `tokenward rules`)")
        config = config.with_overrides(select=tuple(select))
    return config


# The problems a user can fix, reported as `tokenward: error: ...` with exit 2.
def _user_errors() -> tuple[type[Exception], ...]:
    from tokenward.config import ConfigError
    from tokenward.hooks.baseline import BaselineError
    from tokenward.hooks.git import GitError
    from tokenward.hooks.init import InitError
    from tokenward.hooks.merge import ReportError
    from tokenward.hooks.shard import ShardError
    from tokenward.scanner.files import PathError

    return (ConfigError, PathError, UsageProblem, GitError, BaselineError, ShardError,
            ReportError, InitError)


def _render(result: ScanResult, format: OutputFormat, output: Path | None, config: Config,
            stale: tuple[StaleEntry, ...] = ()) -> None:
    from tokenward.reporters import ReportOptions, get_reporter

    options = ReportOptions(
        color=format is OutputFormat.text and output is None and _use_color(sys.stdout),
        fail_on=config.fail_on,
        tool_version=__version__,
        stale=stale,
    )
    write_output(get_reporter(format.value)(result, options), output)


@app.command()
def scan(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Files and folders to scan (default: the current folder).")] = None,
    format: Annotated[OutputFormat, typer.Option(
        "--format", "-f", help="Report format.")] = OutputFormat.text,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the report to FILE instead of standard output.")] = None,
    fail_on: Annotated[SeverityChoice | None, typer.Option(
        help="Exit 1 when a finding is at or above this severity [default: low].")] = None,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=1, help="Worker processes [default: the CPU count].")] = None,
    exclude: Annotated[list[str] | None, typer.Option(
        help="Skip paths matching GLOB (repeatable; adds to the config's exclude).")] = None,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Do not read or write the result cache.")] = False,
    config_file: Annotated[Path | None, typer.Option(
        "--config", help="Read settings from this TOML file.")] = None,
    max_file_size: Annotated[str | None, typer.Option(
        help="Skip files larger than this (e.g. 2MiB) [default: 2MiB].")] = None,
    select: Annotated[list[str] | None, typer.Option(
        "--rule", help="Only run this rule (id or name; repeatable).")] = None,
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
) -> None:
    """Scan files for API-token mistakes."""
    from tokenward.hooks.gate import GateRequest, run_gate
    from tokenward.hooks.shard import Shard
    from tokenward.reporters import StaleEntry

    try:
        if staged and diff_base is not None:
            raise UsageProblem("--staged and --diff-base cannot be combined")
        if baseline is not None and no_baseline:
            raise UsageProblem("--baseline and --no-baseline cannot be combined")
        config = _load_settings(config_file, exclude, max_file_size, fail_on, select)
        request = GateRequest(
            paths=tuple(str(p) for p in paths or ()),
            staged=staged,
            diff_base=diff_base,
            shard=Shard.parse(shard) if shard is not None else None,
            baseline=baseline,
            use_baseline=not no_baseline,
            report_stale=report_stale,
            force_exclude=force_exclude,
        )
        if report_stale and request.baseline is None and not no_baseline:
            from tokenward.hooks.gate import baseline_path

            if baseline_path(request, config) is None:
                raise UsageProblem("--report-stale needs a baseline (none found)")
        bar = _ProgressBar(enabled=not no_progress and sys.stderr.isatty())
        try:
            outcome = run_gate(request, config, jobs=jobs,
                               use_cache=False if no_cache else None, progress=bar)
        finally:
            bar.close()
        stale = tuple(StaleEntry(e.fingerprint, e.rule_id, e.path) for e in outcome.stale)
        _render(outcome.result, format, output, config, stale)
    except _user_errors() as exc:
        raise fail(str(exc)) from None
    raise typer.Exit(outcome.exit_code(config))


baseline_app = typer.Typer(help="Create, update and audit the baseline of known findings.",
                           no_args_is_help=True)
app.add_typer(baseline_app, name="baseline")


def _baseline_file(config: Config, file: Path | None) -> Path:
    return file if file is not None else Path(config.root) / config.baseline


def _scan_for_baseline(paths: list[Path] | None, config: Config, jobs: int | None) -> tuple[
        ScanResult, list[str]]:
    from tokenward.hooks.gate import GateRequest, collect_tasks
    from tokenward.scanner.engine import run_tasks

    request = GateRequest(paths=tuple(str(p) for p in paths or ()), use_baseline=False)
    tasks = collect_tasks(request, config)
    result = run_tasks(tasks, config, jobs=jobs)
    if any(e.internal for e in result.errors):
        raise UsageProblem("internal error while scanning; the baseline was not written "
                           "(run `tokenward scan` to see it)")
    return result, [t.path for t in tasks]


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
    config_file: Annotated[Path | None, typer.Option("--config")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1)] = None,
) -> None:
    """Record the current findings, so that only new ones fail from now on."""
    from tokenward.hooks import baseline as baselines

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
    config_file: Annotated[Path | None, typer.Option("--config")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1)] = None,
) -> None:
    """Add new findings and drop entries whose finding is gone; keep all the rest as is."""
    from tokenward.hooks import baseline as baselines

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
    config_file: Annotated[Path | None, typer.Option("--config")] = None,
) -> None:
    """Walk through unaudited entries: a true problem, or accepted with a reason.

    Each answer is saved at once, so quitting part way loses nothing.
    """
    from tokenward.hooks import baseline as baselines

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
            typer.echo(f"\n[{number}/{len(todo)}] {entry.rule_id} in {entry.path}"
                       + (f" ({entry.target})" if entry.target else ""))
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
    from tokenward.hooks.gate import GateRequest, collect_tasks
    from tokenward.scanner.engine import run_tasks

    existing = sorted({e.path for e in entries if Path(e.path).is_file()})
    if not existing:
        return {}
    tasks = collect_tasks(GateRequest(paths=tuple(existing), use_baseline=False), config)
    return {f.fingerprint: f for f in run_tasks(tasks, config).findings}


@app.command()
def merge(
    reports: Annotated[list[Path], typer.Argument(
        help="JSON or SARIF reports (from `scan --format json|sarif`).")],
    format: Annotated[OutputFormat, typer.Option(
        "--format", "-f", help="Format of the merged report.")] = OutputFormat.json,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the report to FILE instead of standard output.")] = None,
    fail_on: Annotated[SeverityChoice | None, typer.Option(
        help="Exit 1 when a merged finding is at or above this severity [default: low].")
    ] = None,
    config_file: Annotated[Path | None, typer.Option("--config")] = None,
) -> None:
    """Merge reports of parallel jobs into one, each finding once (by fingerprint)."""
    from tokenward.hooks.gate import GateOutcome
    from tokenward.hooks.merge import merge_reports

    try:
        config = _load_settings(config_file, None, None, fail_on, None)
        result = merge_reports(reports)
        _render(result, format, output, config)
    except _user_errors() as exc:
        raise fail(str(exc)) from None
    raise typer.Exit(GateOutcome(result).exit_code(config))


@app.command()
def init(
    repo: Annotated[str | None, typer.Option(
        help="Where pre-commit gets tokenward [default: tokenward's GitHub repository].")
    ] = None,
    rev: Annotated[str | None, typer.Option(
        help="The tag or commit of tokenward the hook uses [default: this version's tag].")
    ] = None,
    baseline: Annotated[bool, typer.Option(
        "--baseline", help="Also record today's findings in a baseline (when there is "
        "none yet), so only new findings fail commits.")] = False,
) -> None:
    """Set this repository up: the pre-commit hook, [tool.tokenward] defaults, a baseline."""
    from tokenward.hooks import baseline as baselines
    from tokenward.hooks.init import DEFAULT_REPO, install_hook, write_settings

    try:
        folder = Path.cwd()
        changes = [install_hook(folder, repo or DEFAULT_REPO, rev or f"v{__version__}"),
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
    typer.echo("\nNext steps:\n"
               "  pip install pre-commit && pre-commit install   # run the hook on commit\n"
               "  pre-commit run tokenward --all-files           # check the whole repository\n"
               "  tokenward baseline create                       # accept today's findings\n"
               "  see docs/ci/ for the CI gate (SARIF upload, pull-request diff gate)")


def _ask_on_terminal(proposal: Proposal) -> Answer:
    """Show one change and read y/n/a/q from the terminal (end of input means q)."""
    from tokenward.reporters.fix_text import render_proposal
    from tokenward.scanner.fix.engine import Answer

    typer.echo(render_proposal(proposal, color=_use_color(sys.stdout)), nl=False)
    while True:
        typer.echo("Apply this change? [y]es, [n]o, [a]ll remaining, [q]uit: ", nl=False)
        try:
            reply = input().strip().lower()
        except EOFError:
            typer.echo("")
            return Answer.QUIT
        for answer in Answer:
            if reply in (answer.value, answer.name.lower()):
                return answer
        typer.echo("Please answer y, n, a or q.")


class DestinationChoice(StrEnum):
    env = "env"
    store = "store"


@app.command()
def fix(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Files and folders to fix (default: the current folder).")] = None,
    write: Annotated[bool, typer.Option(
        "--write", help="Apply the changes (default: print a diff and what would move).")] = False,
    select: Annotated[list[str] | None, typer.Option(
        "--rule", help="Only fix findings of this rule (id or name; repeatable).")] = None,
    to: Annotated[DestinationChoice, typer.Option(
        "--to", help="Where moved secrets go: a git-ignored .env, or the encrypted vault.")
    ] = DestinationChoice.env,
    interactive: Annotated[bool, typer.Option(
        "--interactive", "-i",
        help="Ask before each change (y/n/a/q) and apply the accepted ones.")] = False,
    exclude: Annotated[list[str] | None, typer.Option(
        help="Skip paths matching GLOB (repeatable).")] = None,
    config_file: Annotated[Path | None, typer.Option(
        "--config", help="Read settings from this TOML file.")] = None,
) -> None:
    """Rewrite findings: secrets become environment or store lookups, weak code is fixed."""
    from tokenward.config import ConfigError, load_config
    from tokenward.reporters.fix_text import render_plan, render_report
    from tokenward.rules import get_rule
    from tokenward.scanner.files import PathError
    from tokenward.scanner.fix.destinations import StoreUnavailable
    from tokenward.scanner.fix.engine import FixOptions, apply_plan, plan_fixes
    from tokenward.scanner.fix.services import Destination

    try:
        config = load_config(explicit=config_file)
        if exclude:
            config = config.with_overrides(exclude=(*config.exclude, *exclude))
        rules = None
        if select:
            found = [get_rule(s) for s in select]
            unknown = [s for s, r in zip(select, found, strict=True) if r is None]
            if unknown:
                raise UsageProblem(f"unknown rule {', '.join(unknown)} (see `tokenward rules`)")
            rules = [r for r in found if r is not None]
        if interactive and not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise UsageProblem("--interactive needs a terminal; use --write or a dry run")
        options = FixOptions(destination=Destination(to.value))
        plan = plan_fixes(paths or [Path(".")], config, options=options, rules=rules,
                          decide=_ask_on_terminal if interactive else None)
        color = _use_color(sys.stdout)
        if write or interactive:
            report = apply_plan(plan)
            typer.echo(render_report(plan, report, color=color), nl=False)
            clean = not report.problems and not plan.manual and not plan.suggestions
        else:
            typer.echo(render_plan(plan, color=color), nl=False)
            clean = not (plan.files or plan.problems or plan.manual or plan.suggestions)
    except StoreUnavailable as exc:
        raise fail(f"{exc} (nothing was changed)") from None
    except (ConfigError, PathError, UsageProblem) as exc:
        raise fail(str(exc)) from None
    if any(e.internal for e in plan.errors):
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_OK if clean else EXIT_FINDINGS)


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
    from tokenward.rules import get_rule
    from tokenward.rules.docs import render_markdown

    found = get_rule(rule)
    if found is None:
        raise fail(f"unknown rule {rule!r} (see `tokenward rules`)")
    typer.echo(render_markdown(found), nl=False)


def _register_subcommands() -> None:
    from tokenward.store.cli import store_app, token_app

    app.add_typer(store_app, name="store", help="The encrypted vault for secrets code reads.")
    app.add_typer(token_app, name="token", help="The reference token issuer.")


_register_subcommands()


# ---- tokenward train: training sessions from findings (issue 7) --------------------------

from typer.core import TyperGroup  # noqa: E402


class _TrainGroup(TyperGroup):
    """`train [PATHS]` builds a session; `train check DIR` grades exercises.

    Click cannot mix a group's variadic argument with subcommands, so anything that is not
    a subcommand name is routed to the hidden default command `build`.
    """

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        if not args or args[0] not in self.commands:
            args = ["build", *args]
        return super().parse_args(ctx, args)


train_app = typer.Typer(cls=_TrainGroup, add_completion=False, pretty_exceptions_enable=False,
                        help="Build a training session from the findings; grade exercises.")
app.add_typer(train_app, name="train")


@train_app.command("build", hidden=True)
def train(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Files and folders to scan (default: the current folder).")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Folder to write the session to (new, empty, or an earlier "
                            "session).")] = None,
    findings_file: Annotated[Path | None, typer.Option(
        "--findings", help="Use this JSON report (`tokenward scan --format json`) instead "
                           "of scanning.")] = None,
    root: Annotated[Path | None, typer.Option(
        help="Where the report's paths are read from [default: the current folder].")] = None,
    scorm: Annotated[bool, typer.Option(
        "--scorm", help="Also write a SCORM 1.2 package (scorm/*.zip).")] = False,
    title: Annotated[str | None, typer.Option(help="The session's title.")] = None,
    timestamp: Annotated[bool, typer.Option(
        "--timestamp", help="Print the generation time in the session (output is "
                            "byte-identical for the same findings without it).")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="Overwrite generated files that were edited since.")] = False,
    config_file: Annotated[Path | None, typer.Option(
        "--config", help="Read settings from this TOML file.")] = None,
) -> None:
    """Write lessons, quizzes, exercises and a session plan built from the findings.

    Then `tokenward train check DIR` grades the exercises.
    """
    import datetime

    from tokenward.config import ConfigError, load_config
    from tokenward.scanner.engine import scan as run_scan
    from tokenward.scanner.files import PathError
    from tokenward.training import (
        BuildOptions,
        OutputError,
        ReportError,
        build,
        load_report,
        session_files,
        write_session,
    )
    from tokenward.training.lessons import TITLE

    if out is None:
        raise fail("missing --out DIR (the folder to write the session to)")
    if findings_file is not None and paths:
        raise fail("give either PATHS to scan or --findings FILE, not both")
    try:
        config = load_config(explicit=config_file)
        if findings_file is not None:
            findings = load_report(findings_file)
        else:
            findings = list(run_scan(paths or [Path(".")], config).findings)
        when = (datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
                if timestamp else None)
        session = build(findings, root=(root or Path(".")).resolve(), config=config,
                        options=BuildOptions(title=title or TITLE, timestamp=when))
        written = write_session(out, session_files(session, scorm=scorm), force=force)
    except (ConfigError, PathError, ReportError, OutputError) as exc:
        raise fail(str(exc)) from None
    lessons = len(session.lessons)
    basis = (f"{session.findings_total} findings" if session.from_findings
             else "no findings: built from the rules' examples")
    typer.echo(f"wrote {lessons} lesson{'s' if lessons != 1 else ''} ({basis}), "
               f"{len(written)} files, to {out}")
    typer.echo(f"  plan: {out / 'index.md'}\n  site: {out / 'site' / 'index.html'}\n"
               f"  exercises: tokenward train check {out / 'exercises'}")
    if scorm:
        typer.echo(f"  scorm: {out / 'scorm' / 'tokenward-training-scorm12.zip'}")


@train_app.command("check")
def train_check(
    directory: Annotated[Path, typer.Argument(
        help="The exercises folder (or the session folder that holds it).")],
) -> None:
    """Grade the exercises: scan each file and say which pass (exit 0 when all pass)."""
    from tokenward.rules import RULES
    from tokenward.training import ExerciseError, check

    try:
        grades = check(directory, RULES)
    except ExerciseError as exc:
        raise fail(str(exc)) from None
    for grade in grades:
        status = "PASS" if grade.passed else "FAIL"
        typer.echo(f"{status}  {grade.file}  ({grade.rule_id})")
        if grade.missing:
            typer.echo("      the file is missing")
        for finding in grade.findings:
            mark = " (suppressed: a suppression is not a fix)" if finding.suppressed else ""
            typer.echo(f"      line {finding.line}: {finding.rule_id} {finding.message}{mark}")
    passed = sum(g.passed for g in grades)
    typer.echo(f"{passed} of {len(grades)} exercises pass")
    raise typer.Exit(EXIT_OK if passed == len(grades) else EXIT_FINDINGS)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script. Returns the exit code."""
    try:
        app(args=argv, prog_name="tokenward", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        if code is None:
            return EXIT_OK
        return code if isinstance(code, int) else EXIT_ERROR
    except KeyboardInterrupt:
        typer.echo("tokenward: interrupted", err=True)
        return EXIT_ERROR
    except Exception as exc:
        if os.environ.get("TOKENWARD_DEBUG"):
            raise
        typer.echo(f"tokenward: internal error: {type(exc).__name__}; "
                   "set TOKENWARD_DEBUG=1 for details and please report it", err=True)
        return EXIT_ERROR
    return EXIT_OK
