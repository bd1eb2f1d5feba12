"""What every ctypes binding of the store needs: a Windows library loaded on first use, each
function declared (argtypes and restype) before it is called, and errors as OSError."""

from __future__ import annotations

import ctypes
import sys
from typing import Any


def library(name: str, what: str) -> Any:
    """``ctypes.WinDLL(name)`` with ``GetLastError`` kept; OSError naming ``what`` elsewhere."""
    if sys.platform != "win32":
        raise OSError(f"{what} is only available on Windows")
    return ctypes.WinDLL(name, use_last_error=True)


def declare(function: Any, argtypes: list[Any], restype: Any) -> Any:
    """``function`` with its argument and result types set (ctypes would guess them)."""
    function.argtypes = argtypes
    function.restype = restype
    return function


def last_error() -> int:
    if sys.platform != "win32":
        raise AssertionError("unreachable off Windows")
    return ctypes.get_last_error()


def error(code: int | None = None, filename: str | None = None, prefix: str = "") -> OSError:
    """An OSError carrying the Windows error ``code`` (default: the last error)."""
    if sys.platform != "win32":
        raise AssertionError("unreachable off Windows")
    code = ctypes.get_last_error() if code is None else code
    return OSError(0, prefix + ctypes.FormatError(code).strip(), filename, code)
