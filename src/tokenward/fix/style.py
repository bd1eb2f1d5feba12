"""The project's code style as far as a rewrite must respect it: the line length, and which
top-level modules are the project's own (isort's first-party section).

Read the way ruff reads them, once per run: ``line-length`` from ``ruff.toml``,
``.ruff.toml`` or ``[tool.ruff]``, else ``[tool.black]``, else ruff's default of 88; the
first-party modules are the ``.py`` files and packages in the project root and its
``src`` folder (ruff's default ``src = [".", "src"]``).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from tokenward.records import record

DEFAULT_LINE_LENGTH = 88


def _table(path: Path, *keys: str) -> dict[str, Any] | None:
    try:
        data: Any = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else None


def _line_length(root: Path) -> int:
    tables = (_table(root / "ruff.toml"), _table(root / ".ruff.toml"),
              _table(root / "pyproject.toml", "tool", "ruff"),
              _table(root / "pyproject.toml", "tool", "black"))
    for table in tables:
        value = (table or {}).get("line-length", (table or {}).get("line_length"))
        if isinstance(value, int) and not isinstance(value, bool) and 20 <= value <= 1000:
            return value
    return DEFAULT_LINE_LENGTH


def _modules(folder: Path) -> set[str]:
    try:
        entries = list(folder.iterdir())
    except OSError:
        return set()
    return {p.stem for p in entries if p.suffix == ".py" and p.stem.isidentifier()} | {
        p.name for p in entries if p.name.isidentifier() and p.is_dir()
        and (p / "__init__.py").is_file()}


@record
class CodeStyle:
    line_length: int = DEFAULT_LINE_LENGTH
    first_party: frozenset[str] = frozenset()

    @classmethod
    def of_project(cls, root: Path) -> CodeStyle:
        return cls(_line_length(root), frozenset(_modules(root) | _modules(root / "src")))
