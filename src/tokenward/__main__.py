"""``python -m tokenward`` and the console scripts ``tokenward`` and ``tokenward-hook``.

``pip install tokenward`` is the runtime alone (``tokenward.store``, what fixed code
imports); the command line needs the ``scan`` extra. Without it the scripts say what to
install instead of printing a traceback (exit 2).
"""

from __future__ import annotations

import os
import sys
from importlib.util import find_spec

EXIT_ERROR = 2
# The modules the `scan` extra of pyproject.toml brings and the command line imports
# (tests/test_release.py keeps the two lists in step).
SCANNER_MODULES = ("libcst", "detect_secrets", "typer", "jinja2", "yaml", "ahocorasick")


def missing_scanner_modules() -> list[str]:
    return [name for name in SCANNER_MODULES if find_spec(name) is None]


def _refuse(missing: list[str]) -> int:
    sys.stderr.write(
        "tokenward: error: the command line needs the scanner, which is not installed in "
        f"this environment (missing: {', '.join(missing)}); only the runtime that fixed "
        "code imports (tokenward.store) is. Install the scan extra: "
        "pip install 'tokenward[scan]'\n")
    return EXIT_ERROR


def main() -> int:
    """The ``tokenward`` command."""
    missing = missing_scanner_modules()
    if missing:
        return _refuse(missing)
    from tokenward.cli import main as run

    return _leave(run())


def hook() -> int:
    """The ``tokenward-hook`` command: the pre-commit entry (``repo: local`` hooks)."""
    missing = missing_scanner_modules()
    if missing:
        return _refuse(missing)
    from tokenward.hooks.precommit import main as run

    return _leave(run())


def _leave(code: int) -> int:
    """End the process with ``code`` once its output is written, without the interpreter's
    teardown, which frees every object one by one (a warm re-scan of Home Assistant's
    wheel: 0.05 s of its 0.85 s, for the listing and results of 36,487 files). These are
    whole processes (the console scripts, ``python -m tokenward``); Python callers call
    ``tokenward.cli.main``, which returns. Returns ``code`` (and the interpreter exits as
    usual) while worker processes of an unused pool still wind down: its exit joins them,
    or an output could not be flushed: the interpreter reports that as before."""
    multiprocessing = sys.modules.get("multiprocessing")
    if multiprocessing is not None and multiprocessing.active_children():
        return code
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return code
    os._exit(code)


if __name__ == "__main__":
    raise SystemExit(main())
