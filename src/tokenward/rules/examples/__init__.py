"""Rule examples kept as data files, for rules whose bad examples hold secret-shaped values.

A rule module cannot carry a realistic fake token in its own source without tokenward
flagging itself; these TOML files are the rule's fixtures (excluded from tokenward's own
scan, like every other deliberately vulnerable example) and load into the same
:class:`~tokenward.rules.base.Example` objects as inline examples::

    [[bad]]
    path = "deploy.py"
    lines = [2]
    code = '''
    # deploy bot
    GH = "ghp_..."
    '''
"""

from __future__ import annotations

import tomllib
from importlib import resources

from tokenward.rules.base import Example

Examples = tuple[tuple[Example, ...], tuple[Example, ...]]


def _example(entry: dict[str, object]) -> Example:
    lines = entry.get("lines", [])
    assert isinstance(lines, list)
    fixed = entry.get("fixed")
    return Example(
        code=str(entry["code"]),
        path=str(entry.get("path", "example.py")),
        lines=tuple(int(n) for n in lines),
        fixed=None if fixed is None else str(fixed),
    )


def load(name: str) -> Examples:
    """(bad, good) examples from ``examples/<name>.toml``."""
    text = resources.files(__name__).joinpath(f"{name}.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return (tuple(_example(e) for e in data.get("bad", [])),
            tuple(_example(e) for e in data.get("good", [])))
