"""`tokenward train` and `tokenward train check`."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated, Any

import typer

from tokenward.cli.common import (
    CommandGroup,
    ConfigOption,
    _load_settings,
    _user_errors,
    app,
    fail,
)
from tokenward.model import ExitCode


class _TrainGroup(CommandGroup):
    """`train [PATHS]` builds a session; `train check DIR` grades exercises.

    Click cannot mix a group's variadic argument with subcommands, so anything that is not
    a subcommand name is routed to the hidden default command `build`.
    """

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        if not args or args[0] not in (*self.commands, *ctx.help_option_names):
            args = ["build", *args]
        return super().parse_args(ctx, args)

    def format_help(self, ctx: typer.Context, formatter: Any) -> None:  # type: ignore[override]
        """`train --help`: what `train [PATHS]` takes, then the commands (`check`)."""
        build = self.get_command(ctx, "build")
        assert build is not None
        with build.make_context(ctx.info_name, [], parent=ctx.parent,
                                resilient_parsing=True) as build_context:
            build.format_help(build_context, formatter)
        self.format_commands(ctx, formatter)


class LessonChoice(enum.Enum):
    FIT = "fit"
    ALL = "all"


train_app = typer.Typer(cls=_TrainGroup, add_completion=False, pretty_exceptions_enable=False,
                        help="Build a training session from the findings; grade exercises.")
app.add_typer(train_app, name="train")


@train_app.command("build", hidden=True)
def train(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Files and folders to scan (default: the current folder).")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", metavar="DIR",
        help="Folder to write the session to (new, empty, or an earlier session).")] = None,
    findings_file: Annotated[Path | None, typer.Option(
        "--findings", metavar="FILE",
        help="Use this JSON report (`tokenward scan --format json`) instead of scanning.")
    ] = None,
    root: Annotated[Path | None, typer.Option(
        metavar="DIR",
        help="Where the report's paths are read from [default: the current folder].")] = None,
    scorm: Annotated[bool, typer.Option(
        "--scorm", help="Also write a SCORM 1.2 package (scorm/*.zip).")] = False,
    title: Annotated[str | None, typer.Option(help="The session's title.")] = None,
    timestamp: Annotated[bool, typer.Option(
        "--timestamp", help="Print the generation time in the session (output is "
                            "byte-identical for the same findings without it).")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="Overwrite generated files that were edited since.")] = False,
    config_file: ConfigOption = None,
    minutes: Annotated[int, typer.Option(
        "--minutes", help="The slot: the agenda never takes longer. Lessons are picked by "
                          "risk; the other rules are named in 'more from your code'.")] = 90,
    lessons_choice: Annotated[LessonChoice, typer.Option(
        "--lessons", help="'fit': lessons that fit --minutes; 'all': one lesson per rule, "
                          "however long that takes.")] = LessonChoice.FIT,
    compare: Annotated[Path | None, typer.Option(
        "--compare", help="A previous session's findings.json (or its folder, or a JSON "
                          "report): show what was fixed and what is new, and skip lessons "
                          "the team no longer needs.")] = None,
) -> None:
    """Write lessons, quizzes, exercises and a session plan built from the findings.

    Then `tokenward train check DIR` grades the exercises.
    """
    import datetime

    from tokenward.scanner.pipeline import ScanOutcome, ScanRequest, run_pipeline
    from tokenward.training import (
        BuildOptions,
        build,
        load_report,
        session_files,
        write_session,
    )
    from tokenward.training.lessons import TITLE
    from tokenward.training.output import FINDINGS
    from tokenward.training.plan import MAX_SLOT, MIN_SLOT

    if out is None:
        raise fail("missing --out DIR (the folder to write the session to)")
    if findings_file is not None and paths:
        raise fail("give either PATHS to scan or --findings FILE, not both")
    if not MIN_SLOT <= minutes <= MAX_SLOT:
        raise fail(f"--minutes {minutes}: a session slot is {MIN_SLOT} to {MAX_SLOT} minutes")
    try:
        previous = None
        if compare is not None:
            report = compare / FINDINGS if compare.is_dir() else compare
            previous = tuple(load_report(report))
        config = _load_settings(config_file, None, None, None, None)
        outcome: ScanOutcome | None = None
        if findings_file is not None:
            # build() reads and scans the files the report names, once.
            findings = load_report(findings_file, (root or Path(".")).resolve())
        else:
            request = ScanRequest(paths=tuple(str(p) for p in paths or [Path(".")]))
            outcome = run_pipeline(request, config)
            findings = list(outcome.result.findings)
        when = (datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
                if timestamp else None)
        options = BuildOptions(title=title or TITLE, timestamp=when, minutes=minutes,
                               all_lessons=lessons_choice is LessonChoice.ALL,
                               previous=previous,
                               previous_name=str(compare) if compare is not None else "")
        session = build(findings, root=(root or Path(".")).resolve(), config=config,
                        options=options, outcome=outcome)
        written = write_session(out, session_files(session, scorm=scorm), force=force)
    except _user_errors() as exc:
        raise fail(str(exc)) from None
    from tokenward.training.lessons import plural

    basis = (plural(session.findings_total, "finding") if session.from_findings
             else "no findings: built from the rules' examples")
    named = f", {plural(len(session.more), 'more rule')} named" if session.more else ""
    typer.echo(f"wrote {plural(len(session.lessons), 'lesson')}{named} ({basis}), "
               f"{session.minutes} minutes, {len(written)} files, to {out}")
    typer.echo(f"  plan: {out / 'index.md'}\n  site: {out / 'site' / 'index.html'} "
               f"(press P to present)\n"
               f"  exercises: tokenward train check {out / 'exercises'}")
    if scorm:
        typer.echo(f"  scorm: {out / 'scorm' / 'tokenward-training-scorm12.zip'}")
    if outcome is not None and any(e.internal for e in outcome.result.errors):
        typer.echo("tokenward: error: internal error while scanning; the session may "
                   "miss findings (run `tokenward scan` to see it)", err=True)
        raise typer.Exit(ExitCode.ERROR)


@train_app.command("check")
def train_check(
    directory: Annotated[Path, typer.Argument(
        help="The exercises folder (or the session folder that holds it).")],
) -> None:
    """Grade the exercises: scan each file and say which pass (exit 0 when all pass)."""
    from tokenward.rules import RULES
    from tokenward.scanner.redaction import printable
    from tokenward.training import ExerciseError, check

    try:
        grades = check(directory, RULES)
    except ExerciseError as exc:
        raise fail(str(exc)) from None
    for grade in grades:
        status = "PASS" if grade.passed else "FAIL"
        typer.echo(f"{status}  {printable(grade.file)}  ({printable(grade.rule_id)})")
        if grade.missing:
            typer.echo("      the file is missing")
        for finding in grade.findings:
            mark = " (suppressed: a suppression is not a fix)" if finding.suppressed else ""
            typer.echo(f"      line {finding.line}: {finding.rule_id} {finding.message}{mark}")
    passed = sum(g.passed for g in grades)
    typer.echo(f"{passed} of {len(grades)} exercises pass")
    raise typer.Exit(ExitCode.OK if passed == len(grades) else ExitCode.FINDINGS)
