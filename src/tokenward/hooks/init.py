"""``tokenward init``: set a repository up for the hook, idempotently.

``.pre-commit-config.yaml`` is edited as text, not loaded and dumped: a YAML round trip
through PyYAML drops every comment and reorders nothing reliably, and ruamel.yaml (which
keeps comments) would be a dependency with a C extension for one command. The edit is
small and checked: the new hook block is inserted after the last item of the top-level
``repos:`` list with that list's own indentation, and when PyYAML is importable (it is
wherever pre-commit is installed, i.e. wherever this file matters) the result is parsed
and must equal the old configuration plus exactly one repository. Anything this editor
does not understand (flow-style lists, tabs) is refused with the block to paste by hand;
the file is never half-edited.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tokenward import __version__
from tokenward.safefs import atomic_write

CONFIG_NAME = ".pre-commit-config.yaml"
DEFAULT_REPO = "https://github.com/tokenward/tokenward"
HOOK_ID = "tokenward"

_HOOK_ID_LINE = re.compile(r"^\s*(?:-\s+)?id:\s*['\"]?tokenward['\"]?\s*(?:#.*)?$", re.M)
_REPOS_BLOCK = re.compile(r"^repos:\s*(?:#.*)?$")
_REPOS_EMPTY_FLOW = re.compile(r"^repos:\s*\[\s*\]\s*(?:#.*)?$")
_REPOS_ANY = re.compile(r"^repos:")

SETTINGS = """\
[tool.tokenward]
# Findings at or above this severity fail the hook and CI: low, medium, high, critical.
fail_on = "low"
# Known findings that do not fail a commit (tokenward baseline create / update / audit).
baseline = ".tokenward-baseline.json"
# Paths never scanned (globs, as in .gitignore).
exclude = []
"""


class InitError(ValueError):
    """A file ``init`` cannot edit safely; the message says what to do by hand."""


def hook_block(repo: str, rev: str, indent: str = "  ") -> list[str]:
    return [
        f"{indent}- repo: {repo}",
        f"{indent}  rev: {rev}",
        f"{indent}  hooks:",
        f"{indent}    - id: {HOOK_ID}",
    ]


def has_hook(text: str) -> bool:
    return bool(_HOOK_ID_LINE.search(text))


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _insert_into_block(lines: list[str], start: int, repo: str, rev: str) -> list[str]:
    """Insert after the last item line of the block list that begins below ``start``."""
    end = start
    indent: str | None = None
    for number in range(start + 1, len(lines)):
        line = lines[number]
        if not _is_content(line):
            continue
        if not line[0].isspace() and not line.startswith("-"):
            break  # the next top-level key
        if indent is None:
            indent = line[: len(line) - len(line.lstrip())]
        end = number
    if "\t" in (indent or ""):
        raise InitError("tabs in the indentation")
    block = hook_block(repo, rev, "  " if indent is None else indent)
    return [*lines[: end + 1], *block, *lines[end + 1 :]]


def add_hook(text: str | None, repo: str, rev: str) -> str | None:
    """The configuration with the tokenward hook added; None when it is already there."""
    if text is not None and has_hook(text):
        return None
    newline = "\r\n" if text and "\r\n" in text else "\n"
    lines = (text or "").replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    index = next((i for i, line in enumerate(lines) if _REPOS_ANY.match(line)), None)
    if index is None:
        new = [*lines, "repos:", *hook_block(repo, rev)]
    elif _REPOS_EMPTY_FLOW.match(lines[index]):
        new = [*lines[:index], "repos:", *hook_block(repo, rev), *lines[index + 1 :]]
    elif _REPOS_BLOCK.match(lines[index]):
        new = _insert_into_block(lines, index, repo, rev)
    else:
        raise InitError("the repos list is written in flow style ([...])")
    result = newline.join(new) + newline
    _check(text, result, repo, rev)
    return result


def _load_yaml(text: str) -> Any:
    import yaml

    return yaml.safe_load(text)


def _check(before: str | None, after: str, repo: str, rev: str) -> None:
    """With PyYAML at hand, prove the edit: old repos + exactly our repo, nothing else."""
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML comes with pre-commit
        return
    try:
        old = _load_yaml(before or "") or {}
        new = _load_yaml(after)
    except yaml.YAMLError as exc:
        raise InitError(f"not valid YAML ({exc.__class__.__name__})") from None
    if not isinstance(old, dict) or not isinstance(new, dict):
        raise InitError("the file is not a YAML mapping")
    expected = {**old, "repos": [*(old.get("repos") or []),
                                 {"repo": repo, "rev": rev, "hooks": [{"id": HOOK_ID}]}]}
    if new != expected:
        raise InitError("the edit would not give the expected configuration")


@dataclass(frozen=True)
class Change:
    path: Path
    what: str  # a short phrase for the summary


def _write(path: Path, text: str) -> None:
    try:
        atomic_write(path, text.encode("utf-8"))
    except OSError as exc:
        raise InitError(f"cannot write {path.name}: {exc.strerror or exc}") from None


def install_hook(folder: Path, repo: str = DEFAULT_REPO,
                 rev: str = f"v{__version__}") -> Change | None:
    path = folder / CONFIG_NAME
    try:
        before = path.read_text(encoding="utf-8") if path.exists() else None
    except (OSError, UnicodeDecodeError) as exc:
        raise InitError(f"{path}: cannot read: {exc}") from None
    try:
        after = add_hook(before, repo, rev)
    except InitError as exc:
        block = "\n".join(hook_block(repo, rev))
        raise InitError(f"{path}: cannot edit safely ({exc}); add this under `repos:` by "
                        f"hand:\n{block}") from None
    if after is None:
        return None
    _write(path, after)
    return Change(path, "added the tokenward hook" if before is not None else "created")


def write_settings(folder: Path) -> Change | None:
    """``[tool.tokenward]`` defaults in pyproject.toml (appended), else a .tokenward.toml."""
    dedicated = folder / ".tokenward.toml"
    pyproject = folder / "pyproject.toml"
    if dedicated.exists():
        return None
    if pyproject.exists():
        try:
            text = pyproject.read_text(encoding="utf-8")
            data = tomllib.loads(text)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise InitError(f"{pyproject}: cannot read as TOML ({exc}); add this by hand:\n"
                            f"{SETTINGS}") from None
        if "tokenward" in data.get("tool", {}):
            return None
        separator = "" if text.endswith("\n\n") or not text else (
            "\n" if text.endswith("\n") else "\n\n")
        _write(pyproject, text + separator + SETTINGS)
        return Change(pyproject, "added [tool.tokenward] defaults")
    _write(dedicated, SETTINGS)
    return Change(dedicated, "created with [tool.tokenward] defaults")
