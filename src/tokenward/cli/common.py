"""What every command shares: the typer app, exit codes, output, settings, errors.

Exit codes (:class:`tokenward.model.ExitCode`): 0 nothing at or above ``--fail-on``,
1 findings, 2 usage, settings or internal error. Every error, typer's own usage errors
included, is one line ``tokenward: error: ...``. An unexpected exception anywhere is an
internal error: exit 2, never 0, never a traceback for the user (set TOKENWARD_DEBUG=1 to
see it).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer._click import exceptions as _click_errors  # typer's own copy of click
from typer.core import TyperGroup

from tokenward import __version__
from tokenward.cli.helptext import make_readable
from tokenward.config import max_cli_jobs
from tokenward.model import ExitCode
from tokenward.notices import error_text

if TYPE_CHECKING:
    from collections.abc import Mapping

    from tokenward.config import Config
    from tokenward.fix.diffs import Replacement
    from tokenward.model import ScanResult
    from tokenward.reporters import StaleEntry
    from tokenward.rules.base import Rule
    from tokenward.scanner.pipeline import ScanOutcome, UnscannedPolicy

# The order `tokenward --help` lists the commands in: the daily ones first.
COMMAND_ORDER = ("scan", "fix", "baseline", "init", "merge", "rules", "explain", "train",
                 "store", "token")
# Long enough for any first sentence: the help formatter wraps it instead.
_WHOLE_SENTENCE = 1000


@contextmanager
def _one_error_style() -> Iterator[None]:
    """typer's usage errors (``Error: No such option``) and aborted prompts as
    ``tokenward: error: ...``, exit 2."""
    try:
        yield
    except _click_errors.ClickException as exc:
        if isinstance(exc, _click_errors.NoArgsIsHelpError):
            raise  # the help of a group called without a command (exit 2)
        ctx = getattr(exc, "ctx", None)
        hint = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
        raise fail(exc.format_message().rstrip(".") + hint) from None
    except typer.Abort:
        raise fail("aborted") from None


class CommandGroup(TyperGroup):
    """Every command group of the CLI: errors in the one style, readable help."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        make_readable(command)
        return command

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """Each command with its first sentence whole (click cuts it to fit one line)."""
        rows = [(name, command.get_short_help_str(limit=_WHOLE_SENTENCE))
                for name in self.list_commands(ctx)
                if (command := self.get_command(ctx, name)) is not None and not command.hidden]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None,
                     **extra: Any) -> Any:
        with _one_error_style():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: Any) -> Any:
        with _one_error_style():
            return super().invoke(ctx)


class _OrderedGroup(CommandGroup):
    def list_commands(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        names = super().list_commands(ctx)
        rank = {name: i for i, name in enumerate(COMMAND_ORDER)}
        return sorted(names, key=lambda name: (rank.get(name, len(rank)), name))


app = typer.Typer(
    cls=_OrderedGroup,
    # Plain help text: "[tool.tokenward]" and "[default: ...]" are text, not markup.
    rich_markup_mode=None,
    name="tokenward",
    help="Find, fix, gate and teach API-token mistakes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# Options several commands take, described once.
ConfigOption = Annotated[Path | None, typer.Option(
    "--config", metavar="FILE", help="Read settings from this TOML file.")]
JobsOption = Annotated[int | None, typer.Option(
    "--jobs", "-j", min=1, max=max_cli_jobs(),
    help="Worker processes [default: the CPU count; at most 4 per CPU].")]
OutputOption = Annotated[Path | None, typer.Option(
    "--output", "-o", metavar="FILE", help="Write the report to FILE instead of standard output.")]


class UsageProblem(Exception):
    """A user error with a message: printed without a traceback, exit 2."""


def fail(message: str) -> typer.Exit:
    typer.echo(error_text(message), err=True, nl=False)
    return typer.Exit(ExitCode.ERROR)


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
        raise typer.Exit(ExitCode.OK)


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
    from tokenward.safefs import atomic_write

    try:
        atomic_write(output, text.encode("utf-8"))
    except OSError as exc:
        raise UsageProblem(f"cannot write {output}: {exc.strerror or exc}") from None


def _load_settings(config_file: Path | None, exclude: list[str] | None,
                   max_file_size: str | None, fail_on: SeverityChoice | None,
                   select: list[str] | None) -> Config:
    """The settings and command-line overrides, checked together: every problem at once."""
    from tokenward.config import ConfigError, load_config, parse_severity, parse_size
    from tokenward.rules import RULES

    problems: list[str] = []
    try:
        config = load_config(explicit=config_file, rules=RULES)
    except ConfigError as exc:
        problems.extend(exc.problems)
    problems.extend(_rule_problems(select))
    try:
        size = None if max_file_size is None else parse_size(max_file_size,
                                                              key="--max-file-size")
    except ConfigError as exc:
        problems.extend(exc.problems)
    if problems:
        raise ConfigError(*problems)
    config = config.with_overrides(max_file_size=size, select=tuple(select or ()) or None)
    if exclude:
        config = config.with_overrides(exclude=(*config.exclude, *exclude))
    if fail_on is not None:
        config = config.with_overrides(fail_on=parse_severity(fail_on.value))
    return config


def _rule_problems(select: list[str] | None) -> list[str]:
    from tokenward.config import unknown_rule
    from tokenward.rules import RULES

    return [f"--rule: {why}" for name in select or () if (why := unknown_rule(name, RULES))]


def selected_rules(select: list[str] | None) -> list[Rule] | None:
    """The rules ``--rule`` names (None: all); ConfigError for any it does not."""
    from tokenward.config import ConfigError
    from tokenward.rules import get_rule

    problems = _rule_problems(select)
    if problems:
        raise ConfigError(*problems)
    return [rule for name in select or () if (rule := get_rule(name)) is not None] or None


# The problems a user can fix, reported as `tokenward: error: ...` with exit 2.
def _user_errors() -> tuple[type[Exception], ...]:
    from tokenward.hooks.init import InitError
    from tokenward.reporters.reader import ReportError
    from tokenward.scanner.pipeline import scan_errors
    from tokenward.scanner.shard import ShardError
    from tokenward.training.output import OutputError

    return (*scan_errors(), UsageProblem, ShardError, ReportError, InitError, OutputError)


def _sarif_fixes(outcome: ScanOutcome, config: Config) -> dict[str, tuple[Replacement, ...]]:
    """What `tokenward fix` would change for each finding it would fix (SARIF `fixes`),
    planned from the scan's own findings and bytes."""
    from tokenward.fix.diffs import planned_diffs, replacements

    if not any(f.fixable for f in outcome.result.active):
        return {}
    diffs = planned_diffs(outcome, config)
    return {fingerprint: replacements(diff) for fingerprint, diff in diffs.items()}


def _render(result: ScanResult, format: OutputFormat, output: Path | None, config: Config,
            stale: tuple[StaleEntry, ...] = (), unscanned: UnscannedPolicy | None = None,
            fixes: Mapping[str, tuple[Replacement, ...]] | None = None) -> None:
    from tokenward.reporters import ReportOptions, get_reporter

    options = ReportOptions(
        color=format is OutputFormat.text and output is None and _use_color(sys.stdout),
        fail_on=config.fail_on,
        tool_version=__version__,
        stale=stale,
        fixes=fixes or {},
        fail_on_unscanned=unscanned is not None and unscanned.fail,
        unscanned_choice=unscanned.choice if unscanned is not None else "",
    )
    write_output(get_reporter(format.value)(result, options), output)


