"""Warnings and errors for the user: the core raises them, the command line prints them.

The core never prints. Something the user should know that does not stop the run (a
settings file that was not read, a cache that was not used) is a :class:`TokenwardWarning`
through the standard ``warnings`` module; the CLI and the hook entry show each one as
``tokenward: warning: ...`` on standard error, every time, without a source location.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


class TokenwardWarning(UserWarning):
    """Something the user should know; the run goes on."""


@contextmanager
def shown_on(stream: TextIO | None = None) -> Iterator[None]:
    """Inside this block, tokenward's warnings are printed plainly (other warnings as usual)."""
    original = warnings.showwarning

    def show(message: Warning | str, category: type[Warning], filename: str, lineno: int,
             file: TextIO | None = None, line: str | None = None) -> None:
        if issubclass(category, TokenwardWarning):
            (stream or sys.stderr).write(f"tokenward: warning: {message}\n")
        else:
            original(message, category, filename, lineno, file, line)

    with warnings.catch_warnings():
        warnings.simplefilter("always", TokenwardWarning)
        warnings.showwarning = show
        yield


def error_text(message: str) -> str:
    """The one error style of every command: ``tokenward: error: ...``, a line per problem
    (settings report all their problems at once)."""
    return "".join(f"tokenward: error: {line}\n" for line in message.splitlines() or [""])


def internal_error_text(error: BaseException) -> str:
    """An unexpected exception: its type only (its text may quote input), never a traceback."""
    return (f"tokenward: internal error: {type(error).__name__}; set TOKENWARD_DEBUG=1 for "
            "details and please report it\n")

