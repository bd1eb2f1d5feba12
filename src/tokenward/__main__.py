"""``python -m tokenward`` and the console scripts ``tokenward`` and ``tokenward-hook``.

``pip install tokenward`` is the runtime alone (``tokenward.store``, what fixed code
imports); the command line needs the ``scan`` extra. Without it the scripts say what to
install instead of printing a traceback (exit 2).
"""

from __future__ import annotations

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

    return run()


def hook() -> int:
    """The ``tokenward-hook`` command: the pre-commit entry (``repo: local`` hooks)."""
    missing = missing_scanner_modules()
    if missing:
        return _refuse(missing)
    from tokenward.hooks.precommit import main as run

    return run()


if __name__ == "__main__":
    raise SystemExit(main())
