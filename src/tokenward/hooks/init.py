"""``tokenward init``: set a repository up for the hook, idempotently.

Where pre-commit gets tokenward is decided from how this tokenward was installed
(:func:`installed_source`): from a package index, the remote form at the release's tag;
from a git URL, the remote form at the commit installed; from a path or a built wheel (no
published release to point at), a ``repo: local`` hook with ``language: system`` that runs
the ``tokenward-hook`` command of the environment the commit is made from. pre-commit
installs nothing for such a hook, so it works offline and runs the very version the team
scans with; ``language: python`` would have pre-commit build an environment from an index
for every clone, and an ``additional_dependencies`` path would only exist on one machine.

``.pre-commit-config.yaml`` is edited as text, not loaded and dumped: a YAML round trip
through PyYAML drops every comment and reorders nothing reliably, and ruamel.yaml (which
keeps comments) would be a dependency with a C extension for one command. The edit is
small and checked: the new hook block is inserted after the last item of the top-level
``repos:`` list with that list's own indentation (or, for ``--repo``/``--rev`` on a
configuration that has the hook, the entry's ``repo:`` and ``rev:`` are changed in place),
and when PyYAML is importable (it is wherever pre-commit is installed, i.e. wherever this
file matters) the result is parsed and must equal the old configuration plus exactly that
change. Anything this editor does not understand (flow-style lists, tabs, an entry with
settings of its own that would be lost) is refused with the block to paste by hand; the
file is never half-edited.
"""

from __future__ import annotations

import json
import re
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any

from tokenward import __version__
from tokenward.records import record
from tokenward.safefs import atomic_write

CONFIG_NAME = ".pre-commit-config.yaml"
DEFAULT_REPO = "https://github.com/tokenward/tokenward"
HOOK_ID = "tokenward"
LOCAL = "local"
HOOK_COMMAND = "tokenward-hook"

_HOOK_ID_LINE = re.compile(r"^\s*(?:-\s+)?id:\s*['\"]?tokenward['\"]?\s*(?:#.*)?$", re.M)
_REPOS_BLOCK = re.compile(r"^repos:\s*(?:#.*)?$")
_REPOS_EMPTY_FLOW = re.compile(r"^repos:\s*\[\s*\]\s*(?:#.*)?$")
_REPOS_ANY = re.compile(r"^repos:")
_PLAIN = re.compile(r"[A-Za-z0-9_./@+~=-][A-Za-z0-9_./:@+~=-]*")
# Plain scalars YAML would read as something other than a string (a number, a boolean).
_NOT_TEXT = re.compile(r"[-+.\d_eE:]+|true|false|null|yes|no|on|off|~", re.I)

# The hook as `repo: local` writes it (the same hook as .pre-commit-hooks.yaml's).
LOCAL_HOOK: dict[str, Any] = {
    "id": HOOK_ID,
    "name": "tokenward (API-token mistakes)",
    "entry": HOOK_COMMAND,
    "language": "system",
    "types": ["file"],
    "require_serial": True,
}

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


def _scalar(value: str) -> str:
    """A YAML scalar for a URL, a path or a revision: plain when that reads back the same."""
    if _PLAIN.fullmatch(value) and not _NOT_TEXT.fullmatch(value):
        return value
    return "'" + value.replace("'", "''") + "'"


@record
class HookSource:
    """Where pre-commit gets tokenward: ``repo: local`` (the installed ``tokenward-hook``)
    or a repository at a revision. ``why`` says how it was chosen, for the summary."""

    repo: str = LOCAL
    rev: str | None = None
    why: str = ""

    @property
    def local(self) -> bool:
        return self.repo == LOCAL

    def entry(self) -> dict[str, Any]:
        """The ``repos:`` item as data (what the edit must produce)."""
        if self.local:
            return {"repo": LOCAL, "hooks": [dict(LOCAL_HOOK)]}
        return {"repo": self.repo, "rev": self.rev, "hooks": [{"id": HOOK_ID}]}

    def block(self, indent: str = "  ") -> list[str]:
        """The ``repos:`` item as lines, at the list's indentation."""
        if not self.local:
            assert self.rev is not None
            return [f"{indent}- repo: {_scalar(self.repo)}", f"{indent}  rev: {_scalar(self.rev)}",
                    f"{indent}  hooks:", f"{indent}    - id: {HOOK_ID}"]
        hook = f"{indent}      "
        return [f"{indent}- repo: local", f"{indent}  hooks:",
                f"{indent}    - id: {HOOK_ID}",
                f"{hook}name: {LOCAL_HOOK['name']}",
                f"{hook}# runs in the environment you commit from: install tokenward[scan] "
                "there",
                f"{hook}entry: {HOOK_COMMAND}",
                f"{hook}language: system",
                f"{hook}types: [file]",
                f"{hook}require_serial: true"]

    def describe(self) -> str:
        if self.local:
            return f"repo: local, running {HOOK_COMMAND}"
        return f"{self.repo} at {self.rev}"


def source_for(direct_url: dict[str, Any] | None, *, installed: bool = True,
               version: str = __version__) -> HookSource:
    """The hook source for an installation described by its PEP 610 ``direct_url.json``
    (None: installed from a package index, i.e. a published release)."""
    if not installed:
        return HookSource(why="tokenward is not installed as a distribution here")
    if direct_url is None:
        return HookSource(DEFAULT_REPO, f"v{version}",
                          why="installed from a package index: the release's tag")
    vcs = direct_url.get("vcs_info")
    url = direct_url.get("url")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and isinstance(url, str) \
            and isinstance(vcs.get("commit_id"), str):
        return HookSource(url, vcs["commit_id"], why="installed from git: the commit installed")
    return HookSource(why="installed from a path or a built wheel, not a published release")


def installed_source() -> HookSource:
    """How this tokenward was installed, as a hook source (see :func:`source_for`)."""
    try:
        dist = metadata.distribution("tokenward")
    except metadata.PackageNotFoundError:
        return source_for(None, installed=False)
    text = dist.read_text("direct_url.json")
    try:
        data = json.loads(text) if text else None
    except ValueError:
        data = {}
    return source_for(data if isinstance(data, dict) or data is None else {})


def choose_source(repo: str | None, rev: str | None, detected: HookSource,
                  current: HookSource | None = None) -> HookSource:
    """``--repo`` and ``--rev`` over the configured entry (``current``) and what the
    installation says (``--repo local`` for the local form; ``--rev`` alone keeps the
    entry's repository; a repository without ``--rev`` keeps a revision known for it,
    else gets this version's tag)."""
    if repo is None and rev is None:
        return detected
    if repo == LOCAL:
        if rev is not None:
            raise InitError("--rev does not apply to --repo local (the hook runs the "
                            "installed tokenward)")
        return HookSource(why="--repo local")
    remote = [s for s in (current, detected) if s is not None and not s.local]
    target = repo or (remote[0].repo if remote else DEFAULT_REPO)
    if rev is None:
        rev = next((s.rev for s in remote if s.repo == target and s.rev), f"v{__version__}")
    return HookSource(target, rev, why="--repo/--rev")


def configured_source(folder: Path) -> HookSource | None:
    """Where the configuration's tokenward entry points (None: no such entry, or a file
    init cannot read; installing reports that)."""
    try:
        data = _load((folder / CONFIG_NAME).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, InitError):
        return None
    repos = data.get("repos")
    for item in repos if isinstance(repos, list) else []:
        if isinstance(item, dict) and any(isinstance(h, dict) and h.get("id") == HOOK_ID
                                          for h in item.get("hooks") or []):
            repo, rev = item.get("repo"), item.get("rev")
            return HookSource(str(repo), None if rev is None else str(rev))
    return None


def has_hook(text: str) -> bool:
    return bool(_HOOK_ID_LINE.search(text))


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


@record
class _Items:
    """The block list under ``repos:``: each item's first and last content line."""

    spans: tuple[tuple[int, int], ...]
    indent: str | None


def _items(lines: list[str], start: int) -> _Items:
    spans: list[list[int]] = []
    indent: str | None = None
    for number in range(start + 1, len(lines)):
        line = lines[number]
        if not _is_content(line):
            continue
        if not line[0].isspace() and not line.startswith("-"):
            break  # the next top-level key
        if indent is None:
            indent = line[: len(line) - len(line.lstrip())]
        if line.startswith(f"{indent}-"):
            spans.append([number, number])
        elif spans:
            spans[-1][1] = number
    if "\t" in (indent or ""):
        raise InitError("tabs in the indentation")
    return _Items(tuple((a, b) for a, b in spans), indent)


def _split(text: str | None) -> tuple[list[str], str]:
    newline = "\r\n" if text and "\r\n" in text else "\n"
    lines = (text or "").replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines, newline


def _repos_line(lines: list[str]) -> int | None:
    return next((i for i, line in enumerate(lines) if _REPOS_ANY.match(line)), None)


def add_hook(text: str | None, source: HookSource) -> str | None:
    """The configuration with the tokenward hook added; None when it is already there."""
    if text is not None and has_hook(text):
        return None
    lines, newline = _split(text)
    index = _repos_line(lines)
    if index is None:
        new = [*lines, "repos:", *source.block()]
    elif _REPOS_EMPTY_FLOW.match(lines[index]):
        new = [*lines[:index], "repos:", *source.block(), *lines[index + 1 :]]
    elif _REPOS_BLOCK.match(lines[index]):
        items = _items(lines, index)
        end = items.spans[-1][1] if items.spans else index
        block = source.block("  " if items.indent is None else items.indent)
        new = [*lines[: end + 1], *block, *lines[end + 1 :]]
    else:
        raise InitError("the repos list is written in flow style ([...])")
    result = newline.join(new) + newline
    old = _load(text)
    _check(result, {**old, "repos": [*(old.get("repos") or []), source.entry()]})
    return result


def _value_line(lines: list[str], first: int, last: int, key: str) -> int | None:
    pattern = re.compile(rf"^\s*(?:-\s+)?{key}:\s")
    return next((n for n in range(first, last + 1) if pattern.match(lines[n])), None)


def _with_value(line: str, key: str, value: str) -> str:
    head, _, rest = line.partition(f"{key}:")
    comment = re.search(r"\s+#.*$", rest)
    return f"{head}{key}: {_scalar(value)}{comment.group(0) if comment else ''}"


def retarget(text: str, source: HookSource) -> str | None:
    """The configuration with its tokenward entry pointing at ``source``; None when it does
    already. A remote entry gets its ``repo:`` and ``rev:`` changed in place; switching
    between the local and the remote form replaces the entry, when it holds nothing but
    what ``init`` writes (anything more would be lost: refused)."""
    lines, newline = _split(text)
    old = _load(text)
    repos = old.get("repos")
    owners = [i for i, item in enumerate(repos if isinstance(repos, list) else [])
              if isinstance(item, dict) and any(isinstance(h, dict) and h.get("id") == HOOK_ID
                                                for h in item.get("hooks") or [])]
    index = _repos_line(lines)
    if len(owners) != 1 or index is None or not _REPOS_BLOCK.match(lines[index]):
        raise InitError("cannot tell which entry of the repos list runs tokenward")
    assert isinstance(repos, list)
    position = owners[0]
    current: dict[str, Any] = repos[position]
    items = _items(lines, index)
    if len(items.spans) != len(repos):
        raise InitError("the repos list is laid out in a way init does not follow")
    first, last = items.spans[position]
    if current.get("repo") == LOCAL and source.local:
        return None
    if current.get("repo") != LOCAL and not source.local:
        if (current.get("repo"), current.get("rev")) == (source.repo, source.rev):
            return None
        repo_line, rev_line = (_value_line(lines, first, last, k) for k in ("repo", "rev"))
        if repo_line is None or rev_line is None:
            raise InitError("the tokenward entry has no repo: or rev: line")
        assert source.rev is not None
        new = list(lines)
        new[repo_line] = _with_value(lines[repo_line], "repo", source.repo)
        new[rev_line] = _with_value(lines[rev_line], "rev", source.rev)
        expected = {**current, "repo": source.repo, "rev": source.rev}
    else:
        standard = (HookSource().entry() if current.get("repo") == LOCAL else
                    HookSource(str(current.get("repo")), str(current.get("rev"))).entry())
        if current != standard:
            raise InitError("the tokenward entry has settings of its own, which switching "
                            "between a local and a remote hook would lose")
        block = source.block(items.indent or "  ")
        new = [*lines[:first], *block, *lines[last + 1 :]]
        expected = source.entry()
    result = newline.join(new) + newline
    _check(result, {**old, "repos": [*repos[:position], expected, *repos[position + 1 :]]})
    return result


def _load(text: str | None) -> dict[str, Any]:
    """The configuration as data ({} without PyYAML, which comes with pre-commit)."""
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML comes with pre-commit
        return {}
    try:
        data = yaml.safe_load(text or "") or {}
    except yaml.YAMLError as exc:
        raise InitError(f"not valid YAML ({exc.__class__.__name__})") from None
    if not isinstance(data, dict):
        raise InitError("the file is not a YAML mapping")
    return data


def _check(after: str, expected: dict[str, Any]) -> None:
    """With PyYAML at hand, prove the edit: the old configuration plus exactly our change."""
    try:
        import yaml  # noqa: F401
    except ImportError:  # pragma: no cover - PyYAML comes with pre-commit
        return
    if _load(after) != expected:
        raise InitError("the edit would not give the expected configuration")


@record
class Change:
    path: Path
    what: str  # a short phrase for the summary


def _write(path: Path, text: str) -> None:
    try:
        atomic_write(path, text.encode("utf-8"))
    except OSError as exc:
        raise InitError(f"cannot write {path.name}: {exc.strerror or exc}") from None


def install_hook(folder: Path, source: HookSource, *, update: bool = False) -> Change | None:
    """Add the hook to ``folder``'s configuration (``update``: also point an existing
    entry at ``source``). None when nothing changed."""
    path = folder / CONFIG_NAME
    try:
        before = path.read_text(encoding="utf-8") if path.exists() else None
    except (OSError, UnicodeDecodeError) as exc:
        raise InitError(f"{path}: cannot read: {exc}") from None
    try:
        after = add_hook(before, source)
        if after is None and update and before is not None:
            changed = retarget(before, source)
            if changed is None:
                return None
            _write(path, changed)
            return Change(path, f"the tokenward hook now uses {source.describe()}")
    except InitError as exc:
        block = "\n".join(source.block())
        raise InitError(f"{path}: cannot edit safely ({exc}); put this under `repos:` by "
                        f"hand:\n{block}") from None
    if after is None:
        return None
    _write(path, after)
    what = "added the tokenward hook" if before is not None else "created with the tokenward hook"
    return Change(path, f"{what} ({source.describe()}: {source.why})")


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
