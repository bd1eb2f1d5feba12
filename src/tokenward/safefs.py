"""Safe file writes and deletions: never through a planted link, never outside a root.

A cloned repository can hold a symbolic link at any name tokenward writes: the target
itself (``.env -> docs/README.md``), its temporary (``.pyproject.toml.tmp ->
~/.bashrc``) or a folder on the way (``training/old -> ~/notes``). Every write therefore
goes through :func:`atomic_write` and every deletion through :func:`remove_under`:

- a temporary is created exclusively (``O_CREAT | O_EXCL``: an existing name, link or
  not, is never opened) under an unpredictable name in the target's folder, written,
  fsync'd and renamed over the target, so readers see the old or the new file;
- a target that is a symbolic link (or not a regular file) is refused, never replaced;
- a deletion resolves the folders on the way and refuses one that leads out of its root;
  a link at the path itself is removed as a link.

Standard library only: the token store, which installs without the scanner's
dependencies, writes through this module too.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import sys
import time
from collections.abc import Callable
from pathlib import Path

TEMPORARY_SUFFIX = ".tokenward"
# ``.<name>.<random>.tokenward``: this module's names (12 hex digits) and those of
# tempfile.mkstemp, which earlier versions used (8 of [a-z0-9_]).
_TEMPORARY_MIDDLE = r"[A-Za-z0-9_]{6,32}"
_CREATE_FLAGS = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
                 | getattr(os, "O_BINARY", 0))
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


class UnsafePathError(OSError):
    """A write or deletion refused because it would follow a link or leave its folder.

    An OSError, so every caller that reports a failed write reports this one too;
    ``strerror`` says why ("it is a symbolic link ...") and ``filename`` names the path.
    """

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(errno.EPERM, reason, str(path))

    def __str__(self) -> str:
        return f"{self.filename}: {self.strerror}"


class SymlinkRefused(UnsafePathError):
    """The path is a symbolic link: writing would change whatever it points to."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(path, "it is a symbolic link (tokenward never writes through one)")


class OutsideRoot(UnsafePathError):
    """The path leads out of the folder it must stay in (through a link or ``..``)."""

    def __init__(self, path: Path | str, root: Path | str) -> None:
        super().__init__(path, f"it is outside {root} (through a symbolic link)")


class FileChanged(Exception):
    """The file no longer holds the expected content (edited meanwhile): it was left alone."""


# -- checks -------------------------------------------------------------------------------

def _lstat(path: Path) -> os.stat_result | None:
    try:
        return path.lstat()
    except FileNotFoundError:
        return None


def check_under(root: Path, path: Path) -> None:
    """Raise OutsideRoot unless ``path``'s folder, links resolved, is ``root`` or below it.

    The last component is not resolved: a link there is the caller's to handle (a write
    refuses it, a deletion removes the link itself).
    """
    if path.name in ("", ".", ".."):
        raise OutsideRoot(path, root)
    base = root.resolve()
    folder = path.parent.resolve()
    if folder != base and base not in folder.parents:
        raise OutsideRoot(path, root)


def check_target(path: Path, *, root: Path | None = None) -> os.stat_result | None:
    """Raise UnsafePathError unless ``path`` can be replaced: missing or a regular file,
    not a link (and below ``root`` when given). Returns its ``lstat`` (None if missing)."""
    if root is not None:
        check_under(root, path)
    info = _lstat(path)
    if info is not None and stat.S_ISLNK(info.st_mode):
        raise SymlinkRefused(path)
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise UnsafePathError(path, "it is not a regular file")
    return info


def _read_current(path: Path) -> bytes:
    """The file's bytes without following a link at its name; a missing file reads as b""."""
    try:
        fd = os.open(path, _READ_FLAGS)
    except FileNotFoundError:
        return b""
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def _check_expected(path: Path, expected: bytes | None) -> None:
    if expected is not None and _read_current(path) != expected:
        raise FileChanged(str(path))


# -- writing ------------------------------------------------------------------------------

def _temporary_name(path: Path) -> Path:
    # Imported here: `secrets` brings in `random`, a cost every pre-commit hook run would pay
    # at start-up (the cache imports this module) for a name only a write needs.
    import secrets

    return path.with_name(f".{path.name}.{secrets.token_hex(6)}{TEMPORARY_SUFFIX}")


def _create_temporary(path: Path, mode: int) -> tuple[int, Path]:
    """An exclusively created, empty temporary beside ``path`` (created with ``mode``).

    Not ``tempfile.mkstemp``: it fixes the mode at 0600, and a new file should get the
    umask's default without this module changing the process umask (not thread-safe,
    and the store is a library). The exclusivity is the same: O_CREAT | O_EXCL.
    """
    for _ in range(100):
        candidate = _temporary_name(path)
        try:
            return os.open(candidate, _CREATE_FLAGS, mode), candidate
        except FileExistsError:
            continue  # a planted or leftover name: never opened, try another
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(path.parent))


def _set_mode(fd: int, temporary: Path, mode: int) -> None:
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    else:  # Windows before 3.13: only the read-only bit means anything there
        os.chmod(temporary, mode)


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable."""
    if sys.platform == "win32":
        return  # Directories cannot be opened for fsync on Windows; rename is durable there.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace(source: Path, target: Path) -> None:
    """``os.replace``; on Windows, retried briefly while a reader has the target open."""
    for attempt in range(50):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if sys.platform != "win32" or attempt == 49:
                raise
            time.sleep(0.01)


Secure = Callable[[Path], None]


def _write_temporary(path: Path, data: bytes, mode: int | None) -> Path:
    """The temporary holding ``data``, fsync'd, with ``mode`` (None: the umask's default)."""
    fd, temporary = _create_temporary(path, 0o666 if mode is None else 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if mode is not None:
                _set_mode(handle.fileno(), temporary, mode)
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    return temporary


def atomic_write(path: Path, data: bytes, *, mode: int | None = None,
                 expected: bytes | None = None, secure: Secure | None = None) -> None:
    """Replace ``path`` with ``data``: readers see the old or the new file, never a part.

    ``mode``: the new file's permissions; None keeps the current file's (a new file gets
    the umask's default). ``expected``: replace only if the file still holds exactly
    these bytes (a missing file holds b""), else raise FileChanged. Raises
    SymlinkRefused for a link at ``path`` and UnsafePathError for anything but a regular
    file. ``secure``: called with the written temporary before the rename (the token
    store gives it its Windows DACL there, so the file never takes its name without it).
    On any error the target is untouched and no temporary is left behind.
    """
    info = check_target(path)
    _check_expected(path, expected)
    if mode is None and info is not None:
        mode = stat.S_IMODE(info.st_mode)
    temporary = _write_temporary(path, data, mode)
    try:
        if secure is not None:
            secure(temporary)
        check_target(path)  # one more look, as late as possible
        _check_expected(path, expected)
        replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    fsync_dir(path.parent)


def create_new(path: Path, data: bytes, *, mode: int, secure: Secure | None = None) -> None:
    """Create ``path`` with ``data`` only if nothing (not even a link) is there yet.

    Written to a temporary and hard-linked into place, which fails with FileExistsError
    when the name is taken: two processes racing to create a file end up sharing one.
    ``secure``: called with the written temporary before the link (see atomic_write).
    """
    temporary = _write_temporary(path, data, mode)
    try:
        if secure is not None:
            secure(temporary)
        os.link(temporary, path)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    fsync_dir(path.parent)


# -- deleting -----------------------------------------------------------------------------

def remove_under(root: Path, path: Path) -> bool:
    """Remove the file at ``path`` if it lies below ``root``; False when nothing was there.

    Raises OutsideRoot when a folder on the way leads out of ``root``. A symbolic link at
    ``path`` is removed as a link (what it points to is never touched); a folder is
    refused (UnsafePathError).
    """
    check_under(root, path)
    info = _lstat(path)
    if info is None:
        return False
    if stat.S_ISDIR(info.st_mode):
        raise UnsafePathError(path, "it is a folder")
    path.unlink()
    return True


def _owned(info: os.stat_result) -> bool:
    if sys.platform == "win32":
        return True  # no POSIX owner; the user's own folders are per-user there
    return info.st_uid == os.geteuid()


def remove_stale_temporaries(path: Path, *, before: float) -> int:
    """Remove temporaries of ``path`` that a killed writer left behind; returns how many.

    Only this module's name pattern, only regular files (never a link, whatever it points
    to), only the user's own, only those last modified before ``before`` (the start of
    the current run: a concurrent writer's fresh temporary is left alone).
    """
    pattern = re.compile(re.escape(f".{path.name}.") + _TEMPORARY_MIDDLE
                         + re.escape(TEMPORARY_SUFFIX))
    removed = 0
    try:
        names = os.listdir(path.parent)
    except OSError:
        return 0
    for name in names:
        if not pattern.fullmatch(name):
            continue
        leftover = path.parent / name
        info = _lstat(leftover)
        if (info is None or not stat.S_ISREG(info.st_mode) or not _owned(info)
                or info.st_mtime >= before):
            continue
        with contextlib.suppress(OSError):
            leftover.unlink()
            removed += 1
    return removed
