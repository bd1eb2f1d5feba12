"""``--help`` that reads right: value names people know (``FILE``, ``N``, ``[text|json]``)
instead of typer's types (``<list[str]>``, ``<int range>``), ranges in words (``1 to 8``)
instead of ``[1<=x<=8]``.

A command's parameters are made readable once, when its group hands the command out (see
:class:`tokenward.cli.common.CommandGroup`), so every command gets it without repeating a
``metavar=`` on each option. An explicit ``metavar`` always wins.
"""

from __future__ import annotations

from typing import Any, get_args

from typer.core import TyperArgument, TyperOption


class _ReadableOption(TyperOption):
    def _get_number_range_help_str(self) -> str | None:  # typer's hook for ``[x>=1]``
        return range_in_words(self.min, self.max)


class _ReadableArgument(TyperArgument):
    def display_type_rich(self, ctx: Any) -> str | None:
        return None  # the name (``PATHS``) says it; typer would add ``<list[Path]>``

    def _usage_display_name(self) -> str:  # typer's hook: ``{NAME}`` for a required one
        name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
        return name + ("..." if self.nargs != 1 else "")


def range_in_words(low: float | None, high: float | None) -> str | None:
    """``1 to 8``, ``at least 1``, ``at most 8``, or None when unbounded."""
    if low is not None and high is not None:
        return f"{low} to {high}"
    if low is not None:
        return f"at least {low}"
    return None if high is None else f"at most {high}"


def value_name(param: TyperOption | TyperArgument) -> str:
    """What a value is called in help: choices listed, else the kind of value."""
    if isinstance(param, TyperArgument):
        return (param.name or "value").upper()
    described = param.type_descriptor
    if described.is_choice:
        return "[" + "|".join(str(getattr(c, "value", c)) for c in described.choices or ()) + "]"
    if described.is_path or described.is_file:
        return {"file": "FILE", "dir": "DIR"}.get(described.path_type, "PATH")
    element = get_args(described.annotation)[0] if described.is_list else described.annotation
    if element is int:
        return "N"
    if element is float:
        return "NUMBER"
    # The option's own name (``--rule`` -> RULE), not the parameter's (``select``).
    return max(param.opts, key=len).lstrip("-").replace("-", "_").upper()


def make_readable(command: Any) -> None:
    """Give each typer parameter of ``command`` a readable value name and range text."""
    for param in getattr(command, "params", ()):
        if isinstance(param, TyperOption) and not isinstance(param, _ReadableOption):
            # Same state, one overridden display method: typer builds the objects itself
            # and offers no way to choose their class.
            param.__class__ = _ReadableOption
        elif isinstance(param, TyperArgument) and not isinstance(param, _ReadableArgument):
            param.__class__ = _ReadableArgument
        else:
            continue
        if param.metavar is None and not getattr(param, "is_flag", False):
            param.metavar = value_name(param)
