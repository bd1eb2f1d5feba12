"""libcst, imported on first use.

Importing libcst costs 0.15-0.3 s: more than the pre-commit hook's whole budget, and
wasted whenever no file of a run needs parsing (the usual commit). Rule modules bind
``cst`` to this stand-in at run time (and to the real module for type checkers)::

    if TYPE_CHECKING:
        import libcst as cst
    else:
        from tokenward.lazy import cst

The first attribute looked up imports libcst and copies its namespace here, so later
look-ups (``cst.Call`` in hot loops) are plain attribute reads.
"""

from __future__ import annotations

import importlib
from typing import Any


class _LazyModule:
    def __init__(self, name: str) -> None:
        self.__dict__["_lazy_name"] = name

    def __getattr__(self, attr: str) -> Any:
        module = importlib.import_module(self.__dict__["_lazy_name"])
        self.__dict__.update(vars(module))
        return getattr(module, attr)

    def __repr__(self) -> str:
        return f"<lazy module {self.__dict__['_lazy_name']}>"


cst: Any = _LazyModule("libcst")
