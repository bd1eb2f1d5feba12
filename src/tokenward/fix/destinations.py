"""Where moved secrets go: a git-ignored ``.env`` at the project root, or the vault.

A secret is written to its destination, and read back, before any code stops holding
it: whatever fails later, the value is never lost.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from tokenward.fix.services import MovedSecret


class DestinationError(Exception):
    """The secrets could not be stored: nothing was rewritten. The message says why."""


class SecretDestination(Protocol):
    label: str

    def existing(self) -> Mapping[str, str]: ...
    def save(self, moves: Iterable[MovedSecret]) -> list[str]: ...
    def retrieve(self, name: str) -> str | None: ...


# -- .env ---------------------------------------------------------------------------------

_PLAIN_VALUE = re.compile(r"[A-Za-z0-9_\-.:/+=@~%,]*")
_LINE = re.compile(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)")
_DOUBLE_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_DOUBLE_UNESCAPES = {"\\": "\\", '"': '"', "n": "\n", "r": "\r", "t": "\t"}


def quote_env_value(value: str) -> str:
    """A value as python-dotenv and shells read it back unchanged."""
    if _PLAIN_VALUE.fullmatch(value):
        return value
    if not any(c in value for c in "'\\\n\r"):
        return f"'{value}'"  # single quotes: no escapes
    return '"' + "".join(_DOUBLE_ESCAPES.get(c, c) for c in value) + '"'


def parse_env_value(raw: str) -> str:
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] == "'":
        return raw[1:-1]
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        out, chars, i = [], raw[1:-1], 0
        while i < len(chars):
            if chars[i] == "\\" and i + 1 < len(chars):
                out.append(_DOUBLE_UNESCAPES.get(chars[i + 1], "\\" + chars[i + 1]))
                i += 2
            else:
                out.append(chars[i])
                i += 1
        return "".join(out)
    return raw.split(" #", 1)[0].strip()


def read_env_file(path: Path) -> dict[str, str]:
    """``NAME=value`` entries of a dotenv file (the subset tokenward writes and common forms)."""
    entries: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return entries
    except (OSError, UnicodeDecodeError) as exc:
        raise DestinationError(f"cannot read {path.name}: {exc}") from None
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        match = _LINE.fullmatch(line)
        if match:
            entries[match.group(1)] = parse_env_value(match.group(2))
    return entries


def _append(path: Path, lines: list[str], mode: int) -> None:
    """Append lines, creating the file with ``mode``; keep a missing final newline safe."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, mode)
    try:
        needs_newline = False
        if os.fstat(fd).st_size:
            with open(path, "rb") as existing:
                existing.seek(-1, os.SEEK_END)
                needs_newline = existing.read(1) not in (b"\n", b"\r")
        data = ("\n" if needs_newline else "") + "".join(f"{line}\n" for line in lines)
        os.write(fd, data.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def git_ignores(root: Path, name: str) -> bool | None:
    """Whether git ignores ``name`` at ``root`` (None outside a git work tree)."""
    try:
        out = subprocess.run(["git", "-C", str(root), "check-ignore", "-q", "--no-index", name],
                             capture_output=True, check=False, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode == 128:
        return None
    return out.returncode == 0


_ENV_IGNORES = frozenset({".env", "/.env", ".env*", "/.env*", "*.env", ".env/", "**/.env"})


def _gitignore_mentions_env(gitignore: Path) -> bool:
    try:
        lines = gitignore.read_text(encoding="utf-8").splitlines()
    except (FileNotFoundError, UnicodeDecodeError):
        return False
    return any(line.strip() in _ENV_IGNORES for line in lines)


@dataclass
class EnvFile:
    """``.env`` (owner-only, git-ignored) plus ``.env.example`` (names, empty values)."""

    root: Path
    label: str = ".env"

    @property
    def path(self) -> Path:
        return self.root / ".env"

    def existing(self) -> Mapping[str, str]:
        return read_env_file(self.path)

    def retrieve(self, name: str) -> str | None:
        return read_env_file(self.path).get(name)

    def save(self, moves: Iterable[MovedSecret]) -> list[str]:
        """Append new entries; return notes for the user (files created or changed)."""
        notes: list[str] = []
        current = read_env_file(self.path)
        fresh: dict[str, str] = {}
        for move in moves:
            if current.get(move.name, fresh.get(move.name)) not in (None, move.value):
                raise DestinationError(f"{move.name} is already set to another value in .env")
            if move.name not in current:
                fresh[move.name] = move.value
        created = not self.path.exists()
        try:
            if fresh:
                _append(self.path, [f"{k}={quote_env_value(v)}" for k, v in fresh.items()],
                        0o600)
        except OSError as exc:
            raise DestinationError(f"cannot write .env: {exc.strerror or exc}") from None
        stored = read_env_file(self.path)
        lost = [name for name, value in fresh.items() if stored.get(name) != value]
        if lost:
            raise DestinationError(f"{', '.join(lost)} did not read back from .env unchanged")
        if created and fresh:
            notes.append("created .env (readable by you only)")
        elif fresh and self.path.stat().st_mode & 0o077:
            notes.append(".env is readable by other users: chmod 600 .env")
        if any("${" in v for v in fresh.values()):
            notes.append("a value in .env contains ${: load it without variable expansion "
                         "(python-dotenv: interpolate=False)")
        notes.extend(self._ignore_env())
        notes.extend(self._example(list(fresh)))
        return notes

    def _ignore_env(self) -> list[str]:
        ignored = git_ignores(self.root, ".env")
        if ignored is None:
            ignored = _gitignore_mentions_env(self.root / ".gitignore")
        if ignored:
            return []
        try:
            _append(self.root / ".gitignore", [".env"], 0o644)
        except OSError as exc:
            return [f"could not add .env to .gitignore ({exc.strerror}): add it by hand"]
        return ["added .env to .gitignore"]

    def _example(self, added: list[str]) -> list[str]:
        example = self.root / ".env.example"
        listed = read_env_file(example)
        missing = [name for name in added if name not in listed]
        if not missing:
            return []
        try:
            _append(example, [f"{name}=" for name in missing], 0o644)
        except OSError as exc:
            return [f"could not update .env.example ({exc.strerror})"]
        return [f"listed {', '.join(missing)} in .env.example"]


# -- the vault ----------------------------------------------------------------------------

class StoreUnavailable(DestinationError):
    """The token store is not part of this build."""


@dataclass
class VaultStore:
    """The encrypted vault of :mod:`tokenward.store` (environment first, then the vault)."""

    label: str = "the tokenward vault"

    def __post_init__(self) -> None:
        try:
            import tokenward.store as store
        except ImportError:
            raise StoreUnavailable(
                "--to store is not available yet: this build has no tokenward.store vault; "
                "use --to env") from None
        if not hasattr(store, "set_secret") or not hasattr(store, "get"):
            raise StoreUnavailable(
                "--to store is not available yet: tokenward.store has no vault API; "
                "use --to env")

    def existing(self) -> Mapping[str, str]:
        return {}

    def retrieve(self, name: str) -> str | None:
        import tokenward.store as store

        try:
            value: object = store.get(name)
        except (KeyError, store.StoreError):
            return None
        return value if isinstance(value, str) else None

    def save(self, moves: Iterable[MovedSecret]) -> list[str]:
        import tokenward.store as store

        saved: list[str] = []
        for move in moves:
            try:
                store.set_secret(move.name, move.value)
            except Exception as exc:
                raise DestinationError(
                    f"cannot store {move.name} in the vault: {type(exc).__name__}: "
                    f"{_safe(exc, move.value)}") from None
            if self.retrieve(move.name) != move.value:
                raise DestinationError(f"{move.name} did not read back from the vault unchanged")
            saved.append(move.name)
        return [f"stored {', '.join(saved)} in the vault"] if saved else []


def _safe(exc: Exception, secret: str) -> str:
    return str(exc).replace(secret, "****") if secret else str(exc)
