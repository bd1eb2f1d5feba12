"""Rule examples kept as data files, for rules whose bad examples hold secret-shaped values.

A rule module cannot carry a realistic fake token in its own source without tokenward
flagging itself; these TOML files are the rule's fixtures (excluded from tokenward's own
scan, like every other deliberately vulnerable example) and load into the same
:class:`~tokenward.rules.base.Example` objects as inline examples::

    [[bad]]
    path = "deploy.py"
    code = '''
    # deploy bot
    GH = "ghp_..."
    '''

    [[bad.expect]]          # one table per finding the rule must report
    line = 2
    column = 7
    message = "GitHub personal access token in clear text"
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from tokenward.rules.base import Example, Expected

Examples = tuple[tuple[Example, ...], tuple[Example, ...]]


def _example(entry: dict[str, object]) -> Example:
    expect = entry.get("expect", [])
    assert isinstance(expect, list)
    fixed = entry.get("fixed")
    return Example(
        code=str(entry["code"]),
        path=str(entry.get("path", "example.py")),
        expect=tuple(_expected(e) for e in expect),
        fixed=None if fixed is None else str(fixed),
    )


def _expected(entry: object) -> Expected:
    assert isinstance(entry, dict) and set(entry) == {"line", "column", "message"}, entry
    return Expected(int(entry["line"]), int(entry["column"]), str(entry["message"]))


def load(name: str) -> Examples:
    """(bad, good) examples from ``examples/<name>.toml``."""
    # Beside this module (package data, installed as files): importlib.resources would
    # cost the pre-commit hook more to import (zipfile, tempfile) than its scan takes.
    text = Path(__file__).with_name(f"{name}.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return (tuple(_example(e) for e in data.get("bad", [])),
            tuple(_example(e) for e in data.get("good", [])))
