"""libcst and the detection half of the analysis layer imported, and regular expressions
compiled, on first use.

Importing libcst costs 0.15-0.3 s: more than the pre-commit hook's whole budget, and
wasted whenever no file of a run needs parsing (the usual commit). Rule modules bind
``cst`` to this stand-in at run time (and to the real module for type checkers)::

    if TYPE_CHECKING:
        import libcst as cst
    else:
        from tokenward.lazy import cst

The analysis modules a rule needs only once its prefilter let a file through (the data
flow, the libcst and ``ast`` helpers, the structured-file reader, the credential and
issuer analyses ...) are bound the same way, with :func:`lazy_module`, and asked by
qualified name (``python.last_name(node)``). Importing them cost the hook 20 ms of its
~125 on a commit of five files that no rule's prefilter let through: mostly the
generated methods of their frozen dataclasses. What a rule declares at import (its file
kinds, options, prefilter) comes from modules imported as usual.

The first attribute looked up imports the module and copies its namespace here, so later
look-ups (``cst.Call`` in hot loops) are plain attribute reads.
"""

from __future__ import annotations

import importlib
import re
from typing import Any, cast


class _LazyModule:
    def __init__(self, name: str) -> None:
        self.__dict__["_lazy_name"] = name

    def __getattr__(self, attr: str) -> Any:
        module = importlib.import_module(self.__dict__["_lazy_name"])
        self.__dict__.update(vars(module))
        return getattr(module, attr)

    def __repr__(self) -> str:
        return f"<lazy module {self.__dict__['_lazy_name']}>"


def lazy_module(name: str) -> Any:
    """The module ``name``, imported on first attribute look-up (see above)."""
    return _LazyModule(name)


cst: Any = lazy_module("libcst")


# What a compiled expression is asked for: copied onto the stand-in once it is compiled, so
# later calls (``WORD.search`` in hot loops) are plain attribute reads.
_PATTERN_API = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn",
                "split", "scanner", "flags", "groups", "groupindex")


class _LazyPattern:
    def __init__(self, source: str, flags: int) -> None:
        self.__dict__.update(pattern=source, _lazy_flags=flags)

    def __getattr__(self, attr: str) -> Any:
        compiled = re.compile(self.__dict__["pattern"], self.__dict__["_lazy_flags"])
        self.__dict__.update((name, getattr(compiled, name)) for name in _PATTERN_API)
        return getattr(compiled, attr)

    def __reduce__(self) -> tuple[Any, tuple[str, int]]:
        return _LazyPattern, (self.__dict__["pattern"], self.__dict__["_lazy_flags"])

    def __repr__(self) -> str:
        return f"<lazy pattern {self.__dict__['pattern']!r}>"


def lazy_regex(source: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)``, compiled when first used.

    For the module-level tables of expressions: a module holds dozens, a scan uses few
    (the five files of a typical commit, 18 of about 200), and compiling them all cost the
    pre-commit hook about 20 ms of its start-up. ``.pattern`` is read without compiling;
    unlike a compiled one, the stand-in cannot be handed to ``re.compile`` or ``re.sub``.
    """
    return cast("re.Pattern[str]", _LazyPattern(source, flags))
