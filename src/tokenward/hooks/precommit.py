"""The pre-commit hook's entry point: ``python -m tokenward.hooks.precommit [FILES...]``.

The same scan as ``tokenward scan`` (files, ``--staged``, baseline, ``--fail-on``) behind a
small argparse front end. It exists for latency: the typer-based CLI's start-up (typer,
its click and every command's options) costs more than scanning the five files of a
typical commit. A hook is ``main(argv) -> int`` (asottile's pre-commit-hooks
style); exit codes are the CLI's: 0 ok, 1 findings (or a file it could not fully
analyse: the hook fails closed unless fail_on_unscanned = false), 2 usage or internal error.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from tokenward.model import ExitCode


class _Parser(argparse.ArgumentParser):
    """argparse in tokenward's one error style (``tokenward: error: ...``, exit 2)."""

    def error(self, message: str) -> NoReturn:
        from tokenward.notices import error_text

        sys.stderr.write(error_text(f"{message} (see `{self.prog} --help`)"))
        raise SystemExit(ExitCode.ERROR)

    def _get_formatter(self) -> argparse.HelpFormatter:
        # argparse makes a formatter for every add_argument (to check its metavar), whose
        # default width imports shutil for the terminal's size: 2% of a commit's hook.
        return argparse.HelpFormatter(prog=self.prog, width=_terminal_width() - 2)


def _terminal_width() -> int:
    """``shutil.get_terminal_size().columns`` (``COLUMNS``, else the terminal's, else 80),
    without importing shutil."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns \
                if sys.__stdout__ is not None else 0
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tokenward-hook", description="tokenward's pre-commit hook: scan what is "
        "being committed for API-token mistakes.")
    parser.add_argument("paths", nargs="*", help="files pre-commit passes")
    parser.add_argument("--staged", action="store_true",
                        help="read the staged content from the git index instead")
    parser.add_argument("--baseline", type=Path, metavar="FILE",
                        help="baseline of known findings [default: the configured one]")
    parser.add_argument("--no-baseline", action="store_true", help="ignore any baseline")
    parser.add_argument("--fail-on", choices=("low", "medium", "high", "critical"),
                        help="lowest severity that fails the commit")
    parser.add_argument("--format", choices=("text", "github"), default="text")
    parser.add_argument("--config", type=Path, metavar="FILE", help="settings file")
    parser.add_argument("--fail-on-unscanned", action=argparse.BooleanOptionalAction,
                        default=None, help="fail when a file could not be fully analysed "
                        "[default: on, unless fail_on_unscanned = false in the settings]")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from tokenward.notices import shown_on

    with shown_on():
        return _run(_parser().parse_args(argv))


def _run(args: argparse.Namespace) -> int:
    from tokenward import __version__
    from tokenward.config import load_config, parse_severity
    from tokenward.notices import error_text, internal_error_text
    from tokenward.reporters import ReportOptions, get_reporter
    from tokenward.rules import RULES
    from tokenward.scanner.pipeline import ScanRequest, run_pipeline, scan_errors

    try:
        config = load_config(explicit=args.config, rules=RULES)
        if args.fail_on:
            config = config.with_overrides(fail_on=parse_severity(args.fail_on))
        if args.staged:
            request = ScanRequest(paths=tuple(args.paths), staged=True, baseline=args.baseline,
                                  use_baseline=not args.no_baseline, hook=True,
                                  fail_on_unscanned=args.fail_on_unscanned)
        elif not args.paths:
            return ExitCode.OK  # pre-commit passed no file: nothing is being committed here
        else:
            # pre-commit names every staged file: the config's excludes must still apply.
            request = ScanRequest(paths=tuple(args.paths), baseline=args.baseline,
                                  use_baseline=not args.no_baseline, force_exclude=True,
                                  hook=True, fail_on_unscanned=args.fail_on_unscanned)
        outcome = run_pipeline(request, config)
    except scan_errors() as exc:
        sys.stderr.write(error_text(str(exc)))
        return ExitCode.ERROR
    except Exception as exc:  # never a traceback, never exit 0 after an internal error
        if os.environ.get("TOKENWARD_DEBUG"):
            raise
        sys.stderr.write(internal_error_text(exc))
        return ExitCode.ERROR
    options = ReportOptions(fail_on=config.fail_on, tool_version=__version__,
                            fail_on_unscanned=outcome.unscanned.fail,
                            unscanned_choice=outcome.unscanned.choice)
    sys.stdout.write(get_reporter(args.format)(outcome.result, options))
    return outcome.exit_code(config)


if __name__ == "__main__":
    # This process ends with the hook. Importing the scanner creates tens of thousands of
    # objects that live until then (modules, rule tables, classes) and nothing to collect:
    # the garbage collector is off while they are made, and they are frozen before it runs
    # again, so no pass walks them (not during the import, the scan or the exit). A 5-file
    # commit: ~143 -> ~130 ms CPU. (Not in main(): a caller's process goes on.)
    gc.disable()
    from tokenward.scanner import pipeline  # noqa: F401  (the bulk of what _run imports)

    gc.freeze()
    gc.enable()
    code = main()
    # Nothing is left to release (the report is written, the cache closed): leave without
    # the interpreter's teardown, which frees every module, class and rule table one by
    # one (~4 ms of a 5-file commit's ~125).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
