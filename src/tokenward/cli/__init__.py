"""The command line: each command parses options, calls the library, returns an exit code.

Exit codes (:class:`tokenward.model.ExitCode`): 0 nothing at or above ``--fail-on``,
1 findings, 2 usage, settings or internal error. An unexpected exception anywhere is an
internal error: exit 2, never 0, never a traceback for the user (set TOKENWARD_DEBUG=1 to
see it). One module per command family; importing them registers their commands on
:data:`app`, in the order ``--help`` lists them.
"""

from __future__ import annotations

import os

import typer

from tokenward.cli import fix, gate, history, scan, train  # noqa: F401  (registers the commands)
from tokenward.cli.common import app
from tokenward.cli.store import store_app, token_app
from tokenward.model import ExitCode
from tokenward.notices import internal_error_text, shown_on

app.add_typer(store_app, name="store", help="The encrypted vault for secrets code reads.")
app.add_typer(token_app, name="token", help="The reference token issuer.")

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script. Returns the exit code."""
    try:
        with shown_on():
            app(args=argv, prog_name="tokenward", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        if code is None:
            return ExitCode.OK
        return code if isinstance(code, int) else ExitCode.ERROR
    except KeyboardInterrupt:
        typer.echo("tokenward: interrupted", err=True)
        return ExitCode.ERROR
    except Exception as exc:
        if os.environ.get("TOKENWARD_DEBUG"):
            raise
        typer.echo(internal_error_text(exc), err=True, nl=False)
        return ExitCode.ERROR
    return ExitCode.OK
