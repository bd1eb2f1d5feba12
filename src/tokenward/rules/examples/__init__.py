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

import functools
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import overload

from tokenward.rules.base import Example, Expected

Examples = tuple[Sequence[Example], Sequence[Example]]


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


@functools.cache
def _read(name: str) -> dict[str, tuple[Example, ...]]:
    import tomllib

    # Beside this module (package data, installed as files): importlib.resources would
    # cost the pre-commit hook more to import (zipfile, tempfile) than its scan takes.
    text = Path(__file__).with_name(f"{name}.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return {side: tuple(_example(e) for e in data.get(side, [])) for side in ("bad", "good")}


class _Examples(Sequence[Example]):
    """One side (``bad`` or ``good``) of a rule's examples file, read when first asked for.

    A scan never asks (tests, docs, ``explain`` and lessons do): reading and parsing the
    TOML files at import cost the pre-commit hook ~9 ms of its start-up (tomllib too).
    Equal to, and hashed as, the tuple of its examples; pickled as its file's name.
    """

    __slots__ = ("_name", "_side")

    def __init__(self, name: str, side: str) -> None:
        self._name, self._side = name, side

    def _loaded(self) -> tuple[Example, ...]:
        return _read(self._name)[self._side]

    @overload
    def __getitem__(self, index: int) -> Example: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Example]: ...
    def __getitem__(self, index: int | slice) -> Example | Sequence[Example]:
        return self._loaded()[index]

    def __len__(self) -> int:
        return len(self._loaded())

    def __iter__(self) -> Iterator[Example]:
        return iter(self._loaded())

    def __eq__(self, other: object) -> bool:
        mine = self._loaded()
        return mine == (other._loaded() if isinstance(other, _Examples) else other)

    def __hash__(self) -> int:
        return hash(self._loaded())

    def __reduce__(self) -> tuple[type[_Examples], tuple[str, str]]:
        return _Examples, (self._name, self._side)

    def __repr__(self) -> str:
        return f"<{self._side} examples of {self._name}>"


def load(name: str) -> Examples:
    """(bad, good) examples from ``examples/<name>.toml``, read when first used."""
    return _Examples(name, "bad"), _Examples(name, "good")
