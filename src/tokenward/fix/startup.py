"""After ``fix --to env``: how the moved values reach the running app, and python-dotenv's
loader added where the app starts when asked (``fix --load-dotenv``).

A fix turns a literal into ``os.environ["NAME"]`` and writes the value to ``.env``; nothing
reads ``.env`` by itself. What does: a ``load_dotenv()``/``dotenv_values()`` call already in
the app, Flask's command line (``flask run`` loads ``.env`` when python-dotenv is installed),
pydantic-settings (``env_file``), or variables exported before the app starts.

Where the app starts: Django's ``manage.py``, ``wsgi.py`` and ``asgi.py`` (each starts it),
else ``__main__.py``, else ``app.py``; looked for in the project folder, its ``src`` folder
and the packages directly in them. The loader's import joins the file's imports (as isort
puts it) and ``load_dotenv()`` follows the first import block, so ruff sees no import
below code (E402).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import Enum
from pathlib import Path

import libcst as cst

from tokenward.fix.imports import NeededImport, add_imports, import_block_end
from tokenward.fix.style import CodeStyle
from tokenward.records import record
from tokenward.safefs import FileChanged, atomic_write

DJANGO_ENTRIES = ("manage.py", "wsgi.py", "asgi.py")
OTHER_ENTRIES = ("__main__.py", "app.py")

_LOADS = re.compile(r"\b(load_dotenv|dotenv_values)\s*\(|\benv_file\s*=")
_FLASK = re.compile(r"^\s*(from\s+flask\s+import|import\s+flask)\b", re.MULTILINE)
_LOADER = NeededImport("dotenv", "load_dotenv")


@record
class Startup:
    """What the project shows about its start: the files that load ``.env`` already,
    whether it is a Flask app, and where it starts."""

    loaders: tuple[Path, ...]
    flask: bool
    entries: tuple[Path, ...]


class LoaderResult(Enum):
    ADDED = "added"
    PRESENT = "present"  # the file loads .env already
    FAILED = "failed"  # unreadable, not UTF-8, not Python, or it changed meanwhile


def _folders(root: Path) -> Iterator[Path]:
    """The project folder, its ``src``, and the packages directly in either."""
    for top in (root, root / "src"):
        if not top.is_dir():
            continue
        yield top
        try:
            children = sorted(top.iterdir())
        except OSError:
            continue
        for child in children:
            if not child.name.startswith(".") and (child / "__init__.py").is_file():
                yield child


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _entries(files: list[Path]) -> tuple[Path, ...]:
    django = tuple(f for f in files if f.name in DJANGO_ENTRIES)
    if django:
        return django
    for name in OTHER_ENTRIES:
        found = [f for f in files if f.name == name]
        if found:
            return (found[0],)
    return ()


def inspect_startup(root: Path) -> Startup:
    files = [f for folder in _folders(root) for f in sorted(folder.glob("*.py"))
             if f.is_file()]
    texts = {f: _read(f) or "" for f in files}
    return Startup(loaders=tuple(f for f, text in texts.items() if _LOADS.search(text)),
                   flask=any(_FLASK.search(text) for text in texts.values()),
                   entries=_entries(files))


def _call() -> cst.SimpleStatementLine:
    return cst.SimpleStatementLine(
        [cst.Expr(cst.Call(cst.Name("load_dotenv")))], leading_lines=[cst.EmptyLine()])


def with_loader(text: str, style: CodeStyle) -> str:
    """``text`` with ``from dotenv import load_dotenv`` among its imports and
    ``load_dotenv()`` after them. Raises libcst's ParserSyntaxError."""
    module = add_imports(cst.parse_module(text), [_LOADER], style)
    body = list(module.body)
    end = import_block_end(body)
    following = body[end] if end < len(body) else None
    call = _call()
    if isinstance(following, cst.SimpleStatementLine | cst.BaseCompoundStatement) and \
            not following.leading_lines:
        body[end] = following.with_changes(leading_lines=[cst.EmptyLine()])
    body.insert(end, call)
    return module.with_changes(body=body).code


def add_loader(path: Path, style: CodeStyle) -> LoaderResult:
    """Add python-dotenv's loader to the file where the app starts (atomically)."""
    try:
        original = path.read_bytes()
        text = original.decode("utf-8")
        if _LOADS.search(text):
            return LoaderResult.PRESENT
        atomic_write(path, with_loader(text, style).encode("utf-8"), expected=original)
    except (OSError, UnicodeDecodeError, FileChanged, cst.ParserSyntaxError):
        return LoaderResult.FAILED
    return LoaderResult.ADDED
