"""`tokenward fix`: rewrite findings into lookups, never losing a secret."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from tokenward.fix.engine import Answer, Proposal
    from tokenward.fix.services import Destination

from tokenward.cli.common import (
    ConfigOption,
    UsageProblem,
    _load_settings,
    _use_color,
    _user_errors,
    app,
    fail,
    selected_rules,
)
from tokenward.model import ExitCode


def _ask_on_terminal(proposal: Proposal) -> Answer:
    """Show one change and read y/n/a/q from the terminal (end of input means q)."""
    from tokenward.fix.engine import Answer
    from tokenward.reporters.fix_text import render_proposal

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


def _how_the_app_gets_them(root: Path, destination: Destination, moved: bool, *,
                           load: bool) -> list[str]:
    """After ``--write``: what the fixed app needs to find the moved values (and the
    loader added with ``--load-dotenv``)."""
    from tokenward.fix.services import Destination
    from tokenward.fix.startup import LoaderResult, add_loader, inspect_startup
    from tokenward.fix.style import CodeStyle

    if destination is Destination.STORE:
        return ["The fixed code imports tokenward.store: the app needs the tokenward "
                "distribution without extras (pip install tokenward; it brings only "
                "cryptography)."] if moved else []
    if not (moved or load):
        return []
    startup = inspect_startup(root)

    def show(path: Path) -> str:
        return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)

    if startup.loaders:
        return [f"The app reads them from the environment; .env is loaded by python-dotenv "
                f"or settings ({', '.join(map(show, startup.loaders))})."]
    if load:
        if not startup.entries:
            return ["--load-dotenv: found no manage.py, wsgi.py, asgi.py, __main__.py or "
                    "app.py to add the loader to; add `from dotenv import load_dotenv` and "
                    "`load_dotenv()` where the app starts."]
        lines = []
        for entry in startup.entries:
            result = add_loader(entry, CodeStyle.of_project(root))
            lines.append(f"Added python-dotenv's loader to {show(entry)} "
                         "(load_dotenv() after its imports)." if result is LoaderResult.ADDED
                         else f"Could not add the loader to {show(entry)} (unreadable, not "
                         "Python, or changed meanwhile): add it by hand.")
        return [*lines, "The app now needs python-dotenv: pip install python-dotenv."]
    starts = f" to {show(startup.entries[0])}" if startup.entries else ""
    if startup.flask:
        return ["The app reads them from the environment: `flask run` loads .env when "
                "python-dotenv is installed; started any other way, export them or run "
                f"fix --load-dotenv to add python-dotenv's loader{starts}."]
    return ["The app reads them from the environment and nothing in it loads .env: export "
            "them before it starts (set -a; . ./.env; set +a), or run fix --load-dotenv to "
            f"add python-dotenv's loader{starts}."]


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
        "--rule", metavar="ID",
        help="Only fix findings of this rule (id or name; repeatable).")] = None,
    to: Annotated[DestinationChoice, typer.Option(
        "--to", help="Where moved secrets go: a git-ignored .env, or the encrypted vault.")
    ] = DestinationChoice.env,
    interactive: Annotated[bool, typer.Option(
        "--interactive", "-i",
        help="Ask before each change (y/n/a/q) and apply the accepted ones.")] = False,
    include_baselined: Annotated[bool, typer.Option(
        "--include-baselined", help="Also fix the findings the baseline accepted (left "
        "alone by default; findings suppressed by a comment in the code always are).")
    ] = False,
    exclude: Annotated[list[str] | None, typer.Option(
        metavar="GLOB", help="Skip paths matching GLOB (repeatable).")] = None,
    config_file: ConfigOption = None,
    load_dotenv: Annotated[bool, typer.Option(
        "--load-dotenv", help="With --to env: add python-dotenv's loader where the app "
        "starts (manage.py, wsgi.py/asgi.py, __main__.py or app.py).")] = False,
) -> None:
    """Rewrite findings: secrets become environment or store lookups, weak code is fixed."""
    from tokenward.fix.destinations import StoreUnavailable
    from tokenward.fix.engine import FixOptions, apply_plan, plan_fixes
    from tokenward.fix.services import Destination
    from tokenward.reporters.fix_text import render_plan, render_report
    from tokenward.scanner.pipeline import ScanRequest, run_pipeline

    try:
        config = _load_settings(config_file, exclude, None, None, select)
        rules = selected_rules(select)
        if interactive and not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise UsageProblem("--interactive needs a terminal; use --write or a dry run")
        if load_dotenv and to is not DestinationChoice.env:
            raise UsageProblem("--load-dotenv goes with --to env")
        request = ScanRequest(paths=tuple(str(p) for p in paths or [Path(".")]))
        outcome = run_pipeline(request, config, rules=rules)
        options = FixOptions(destination=Destination(to.value),
                             include_baselined=include_baselined)
        plan = plan_fixes(outcome, config, options=options,
                          decide=_ask_on_terminal if interactive else None)
        color = _use_color(sys.stdout)
        if write or interactive:
            report = apply_plan(plan)
            typer.echo(render_report(plan, report, color=color), nl=False)
            for line in _how_the_app_gets_them(plan.root, plan.destination, bool(report.moved),
                                               load=load_dotenv):
                typer.echo(line)
            clean = not report.problems and not plan.manual and not plan.suggestions
        else:
            typer.echo(render_plan(plan, color=color), nl=False)
            clean = not (plan.files or plan.problems or plan.manual or plan.suggestions)
    except StoreUnavailable as exc:
        raise fail(f"{exc} (nothing was changed)") from None
    except _user_errors() as exc:
        raise fail(str(exc)) from None
    if any(e.internal for e in plan.errors):
        raise typer.Exit(ExitCode.ERROR)
    raise typer.Exit(ExitCode.OK if clean else ExitCode.FINDINGS)
