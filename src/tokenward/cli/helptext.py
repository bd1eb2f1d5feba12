"""``--help`` that reads right: value names people know (``FILE``, ``N``, ``[text|json]``)
instead of typer's types (``<list[str]>``, ``<int range>``), ranges in words (``1 to 8``)
instead of ``[1<=x<=8]``.

A command's parameters are made readable once, when its group hands the command out (see
:class:`tokenward.cli.common.CommandGroup`), so every command gets it without repeating a
``metavar=`` on each option. An explicit ``metavar`` always wins.

Written against typer 0.27-0.28 (pyproject.toml pins it): parameters carry click-style types
from typer's own copy of click (``typer._click``), and the help, plain or rich, asks the type
for its range text (``_describe_range``) and the parameter for its usage name
(``make_metavar``). tokenward's help is the plain one (``rich_markup_mode=None``).
"""

from __future__ import annotations

from typing import Any, NoReturn

from typer._click.core import Context
from typer._click.types import FloatParamType, FloatRange, IntParamType, IntRange
from typer._types import TyperChoice
from typer.core import TyperArgument, TyperOption
from typer.models import TyperPath


class _WordedIntRange(IntRange):
    name = "integer"  # errors: "'x' is not a valid integer", not "... valid int range"

    def _describe_range(self) -> str:  # ``[x>=1]`` in help, ``not in the range x>=1`` in errors
        return range_in_words(self.min, self.max)

    def fail(self, message: str, param: Any = None, ctx: Any = None) -> NoReturn:
        super().fail(_one_sided(message, self.min, self.max), param, ctx)


class _WordedFloatRange(FloatRange):
    name = "number"

    def _describe_range(self) -> str:
        return range_in_words(self.min, self.max)

    def fail(self, message: str, param: Any = None, ctx: Any = None) -> NoReturn:
        super().fail(_one_sided(message, self.min, self.max), param, ctx)


def _one_sided(message: str, low: float | None, high: float | None) -> str:
    """click's ``0 is not in the range at least 1.`` as ``0 is not at least 1.`` (a range
    with both ends reads right: ``9 is not in the range 1 to 8.``)."""
    if low is None or high is None:
        return message.replace(" is not in the range ", " is not ", 1)
    return message


class _ReadableArgument(TyperArgument):
    def make_metavar(self, ctx: Context, *, usage: bool = False) -> str:
        """``PATHS`` in the argument list; ``[PATHS]...`` or ``REPORTS...`` in the usage line,
        where typer writes ``{PATHS}`` for a required one and drops the ``...``."""
        name = self.human_readable_name
        if not usage:
            return name
        return (name if self.required else f"[{name}]") + ("..." if self.nargs != 1 else "")


def range_in_words(low: float | None, high: float | None) -> str:
    """``1 to 8``, ``at least 1``, ``at most 8`` (or ``any`` when unbounded)."""
    if low is not None and high is not None:
        return f"{low} to {high}"
    if low is not None:
        return f"at least {low}"
    return "any" if high is None else f"at most {high}"


def value_name(param: TyperOption | TyperArgument) -> str:
    """What a value is called in help: choices listed, else the kind of value."""
    if isinstance(param, TyperArgument):
        return (param.name or "value").upper()
    kind = param.type
    if isinstance(kind, TyperChoice):
        return "[" + "|".join(str(getattr(c, "value", c)) for c in kind.choices) + "]"
    if isinstance(kind, TyperPath):
        return {"file": "FILE", "directory": "DIR"}.get(kind.name, "PATH")
    if isinstance(kind, IntParamType):
        return "N"
    if isinstance(kind, FloatParamType):
        return "NUMBER"
    # The option's own name (``--rule`` -> RULE), not the parameter's (``select``).
    return max(param.opts, key=len).lstrip("-").replace("-", "_").upper()


def make_readable(command: Any) -> None:
    """Give each typer parameter of ``command`` a readable value name and range text."""
    for param in getattr(command, "params", ()):
        if not isinstance(param, TyperOption | TyperArgument):
            continue
        if isinstance(param, TyperArgument) and not isinstance(param, _ReadableArgument):
            # Same state, one overridden display method: typer builds the objects itself
            # and offers no way to choose their class.
            param.__class__ = _ReadableArgument
        # typer makes a range type per option (never a shared one): the same swap.
        if type(param.type) is IntRange:
            param.type.__class__ = _WordedIntRange
        elif type(param.type) is FloatRange:
            param.type.__class__ = _WordedFloatRange
        if param.metavar is None and not getattr(param, "is_flag", False):
            param.metavar = value_name(param)
