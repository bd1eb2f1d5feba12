"""Where moved secrets go: a git-ignored ``.env`` at the project root, or the vault.

A secret is written to its destination, and read back, before any code stops holding
it: whatever fails later, the value is never lost. ``.env`` and its companions are
written through :mod:`tokenward.safefs`, never through a link, never outside the
repository and never into a tracked ``.env``.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from tokenward.fix.services import MovedSecret
from tokenward.records import record
from tokenward.safefs import FileChanged, atomic_write, remove_stale_temporaries


class DestinationError(Exception):
    """The secrets could not be stored: nothing was rewritten. The message says why."""


class SecretDestination(Protocol):
    label: str

    def existing(self) -> Mapping[str, str]: ...
    def save(self, moves: Iterable[MovedSecret]) -> list[str]: ...
    def retrieve(self, name: str) -> str | None: ...


# -- .env ---------------------------------------------------------------------------------

# Bare in a shell assignment and in python-dotenv alike (no ~: a shell expands it there).
_PLAIN_VALUE = re.compile(r"[A-Za-z0-9_\-.:/+=@%,]*")
# What a line-by-line reader (tokenward's, docker's, systemd's) would split a value at.
_LINE_BREAK = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029\x00]")
_LINE = re.compile(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)")
_DOUBLE_UNESCAPES = {"\\": "\\", '"': '"', "n": "\n", "r": "\r", "t": "\t"}


def quote_env_value(value: str) -> str:
    """A value as a shell (``set -a; . ./.env``) and python-dotenv both read it unchanged.

    Single quotes where possible: a shell expands nothing there. python-dotenv, though,
    reads a backslash before a backslash or a quote as an escape inside single quotes and
    cannot read the shell's close-escape-reopen idiom for a quote, so a value with a
    single quote, a double backslash or a final backslash goes in double quotes, where
    both unescape backslash-backslash and backslash-quote alike, provided it holds nothing
    a shell expands there (a dollar sign or a backtick). Raises ValueError (saying why,
    never showing the value) for what no quoting carries to both: a line break, or such a
    quote or backslash together with a dollar sign or a backtick.
    """
    if _LINE_BREAK.search(value):
        raise ValueError("it holds a line break")
    if _PLAIN_VALUE.fullmatch(value):
        return value
    if "'" not in value and "\\\\" not in value and not value.endswith("\\"):
        return f"'{value}'"
    if "$" in value or "`" in value:
        raise ValueError("it holds a quote or backslash together with $ or a backtick")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


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


def _append(path: Path, lines: list[str], new_mode: int | None) -> None:
    """Append lines by an atomic rewrite (safefs: never through a link), keeping a missing
    final newline safe; a new file gets ``new_mode`` (None: the umask's default)."""
    exists = path.exists()
    current = path.read_bytes() if exists else b""
    separator = b"\n" if current and current[-1:] not in (b"\n", b"\r") else b""
    added = "".join(f"{line}\n" for line in lines).encode("utf-8")
    atomic_write(path, current + separator + added, mode=None if exists else new_mode,
                 expected=current)


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


def git_tracks(root: Path, name: str) -> bool:
    """Whether git tracks ``name`` at ``root`` (False outside a work tree or without git).

    Ignoring is not enough: a file listed in .gitignore but committed is still tracked, and
    ``git commit -a`` commits whatever is appended to it.
    """
    try:
        out = subprocess.run(["git", "-C", str(root), "ls-files", "--error-unmatch", "--", name],
                             capture_output=True, check=False, timeout=30)
    except OSError:
        return False
    except subprocess.TimeoutExpired:
        raise DestinationError(f"git did not say in time whether {name} is tracked") from None
    return out.returncode == 0


_ENV_IGNORES = frozenset({".env", "/.env", ".env*", "/.env*", "*.env", ".env/", "**/.env"})


def _gitignore_mentions_env(gitignore: Path) -> bool:
    try:
        lines = gitignore.read_text(encoding="utf-8").splitlines()
    except (FileNotFoundError, UnicodeDecodeError):
        return False
    return any(line.strip() in _ENV_IGNORES for line in lines)


@record
class WriteBoundary:
    """The folder ``.env``, ``.env.example`` and ``.gitignore`` must stay in: the repository,
    or the current folder outside git (``what`` names which, for messages)."""

    folder: Path
    what: str


def _entry(name: str, value: str) -> str:
    try:
        return f"{name}={quote_env_value(value)}"
    except ValueError as exc:
        raise DestinationError(
            f"the value of {name} cannot be written to .env so that a shell and python-dotenv "
            f"both read it unchanged ({exc}); use --to store") from None


@dataclass
class EnvFile:
    """``.env`` (owner-only, git-ignored) plus ``.env.example`` (names, empty values).

    Refused before anything is written, so the code keeps its secret: a root outside the
    ``boundary``, any of the three files being a symbolic link, a ``.env`` tracked by git.
    """

    root: Path
    label: str = ".env"
    boundary: WriteBoundary | None = None
    # Temporaries older than this are a killed run's leftovers (they may hold secrets).
    started: float = field(default_factory=time.time)

    @property
    def path(self) -> Path:
        return self.root / ".env"

    def existing(self) -> Mapping[str, str]:
        return read_env_file(self.path)

    def retrieve(self, name: str) -> str | None:
        return read_env_file(self.path).get(name)

    def save(self, moves: Iterable[MovedSecret]) -> list[str]:
        """Append new entries; return notes for the user (files created or changed)."""
        self._check_env()
        fresh = self._fresh(moves)
        entries = [_entry(name, value) for name, value in fresh.items()]
        ignore = not self._env_ignored()
        listed = read_env_file(self.root / ".env.example")
        missing = [name for name in fresh if name not in listed]
        if ignore:
            self._check_file(".gitignore")
        if missing:
            self._check_file(".env.example")
        created = not self.path.exists()
        if fresh:
            self._write_env(entries, fresh)
        notes: list[str] = []
        if created and fresh:
            notes.append("created .env (readable by you only)")
        elif fresh and self.path.stat().st_mode & 0o077:
            notes.append(".env is readable by other users: chmod 600 .env")
        if any("${" in v for v in fresh.values()):
            notes.append("a value in .env contains ${: load it without variable expansion "
                         "(python-dotenv: interpolate=False)")
        if ignore:
            notes.extend(self._ignore_env())
        notes.extend(self._example(missing))
        return notes

    def _fresh(self, moves: Iterable[MovedSecret]) -> dict[str, str]:
        """The entries .env does not hold yet; a name it holds with another value is an error."""
        current = read_env_file(self.path)
        fresh: dict[str, str] = {}
        for move in moves:
            if current.get(move.name, fresh.get(move.name)) not in (None, move.value):
                raise DestinationError(f"{move.name} is already set to another value in .env")
            if move.name not in current:
                fresh[move.name] = move.value
        return fresh

    def _write_env(self, entries: list[str], fresh: Mapping[str, str]) -> None:
        """Append, then read back: a value that does not come back unchanged is an error."""
        try:
            self._clean(".env")
            _append(self.path, entries, 0o600)
        except FileChanged:
            raise DestinationError(".env changed while fix was writing it; run fix again") from None
        except OSError as exc:
            raise DestinationError(f"cannot write .env: {exc.strerror or exc}") from None
        stored = read_env_file(self.path)
        lost = [name for name, value in fresh.items() if stored.get(name) != value]
        if lost:
            raise DestinationError(f"{', '.join(lost)} did not read back from .env unchanged")

    def _check_env(self) -> None:
        self._check_root()
        self._check_file(".env")
        if git_tracks(self.root, ".env"):
            raise DestinationError(
                ".env is tracked by git, so a secret written there would be committed: "
                "untrack it (git rm --cached .env) or use --to store")

    def _check_root(self) -> None:
        boundary = self.boundary
        if boundary is None:
            return
        root, folder = self.root.resolve(), boundary.folder.resolve()
        if root != folder and folder not in root.parents:
            raise DestinationError(
                f".env would be written to {root}, outside the {boundary.what} {folder}; "
                "tokenward writes secrets only inside it (use --to store)")

    def _check_file(self, name: str) -> None:
        if (self.root / name).is_symlink():
            raise DestinationError(
                f"{name} is a symbolic link: tokenward does not write through links; make it "
                "a regular file or use --to store")

    def _clean(self, name: str) -> None:
        remove_stale_temporaries(self.root / name, before=self.started)

    def _env_ignored(self) -> bool:
        ignored = git_ignores(self.root, ".env")
        if ignored is None:
            ignored = _gitignore_mentions_env(self.root / ".gitignore")
        return ignored

    def _ignore_env(self) -> list[str]:
        try:
            self._clean(".gitignore")
            _append(self.root / ".gitignore", [".env"], None)
        except (OSError, FileChanged) as exc:
            return [f"could not add .env to .gitignore ({_why(exc)}): add it by hand"]
        return ["added .env to .gitignore"]

    def _example(self, missing: list[str]) -> list[str]:
        if not missing:
            return []
        try:
            self._clean(".env.example")
            _append(self.root / ".env.example", [f"{name}=" for name in missing], None)
        except (OSError, FileChanged) as exc:
            return [f"could not update .env.example ({_why(exc)})"]
        return [f"listed {', '.join(missing)} in .env.example"]


def _why(exc: Exception) -> str:
    if isinstance(exc, FileChanged):
        return "it changed meanwhile"
    return str(getattr(exc, "strerror", None) or exc)


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
