"""Owner-only folders, atomic owner-only file writes and an inter-process lock. Stdlib only.

The lock is taken on a sidecar ``<file>.lock``: the data file itself is replaced by rename
on every write, so a lock on its old inode would not exclude the next writer.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from tokenward import safefs
from tokenward.store import access
from tokenward.store.access import OWNER_ONLY, OWNER_ONLY_DIR, Kind
from tokenward.store.acl import Principal

__all__ = ["NO_FOLLOW", "OWNER_ONLY", "OWNER_ONLY_DIR", "atomic_write", "check_private_dir",
           "create_new", "ensure_private_dir", "exclusive_lock", "open_private", "private_dir",
           "remove_stale_temporaries"]

# Appends and creations refuse a symlink planted where a store file goes (POSIX; Windows has
# no O_NOFOLLOW, and creating symlinks there needs a privilege).
NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)


def ensure_private_dir(directory: Path) -> None:
    """Create ``directory`` and every missing parent private (0700, or the store's DACL on
    Windows), whatever the umask.

    Only folders created here are given their access: an existing parent (the user's home,
    say) is never changed. ``Path.mkdir(parents=True)`` would create the parents 0777 & ~umask.
    """
    missing = []
    while not directory.exists() and directory != directory.parent:
        missing.append(directory)
        directory = directory.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, OWNER_ONLY_DIR)
        except FileExistsError:
            continue  # another process created it meanwhile; check_private_dir judges it
        access.secure_new(folder, Kind.FOLDER)


def check_private_dir(directory: Path) -> None:
    """Refuse a folder another user owns, or that group or others can read or write (POSIX).

    Someone else may already have read or replaced what it holds, so tokenward does not
    repair it silently: its owner checks it and restricts it. A missing folder passes (the
    store creates it 0700). On Windows the files themselves are judged by their DACLs.
    """
    if not access.uses_dacls():
        access.require(directory, Kind.FOLDER)


def private_dir(directory: Path) -> None:
    """A folder for the store's files: created 0700 if missing, refused if others can use it."""
    ensure_private_dir(directory)
    check_private_dir(directory)


def atomic_write(path: Path, data: bytes, *, kind: Kind = Kind.VAULT,
                 readers: Sequence[Principal] = ()) -> None:
    """Write ``data`` to ``path`` (0600) so that readers see the old or the new file, never
    a part: :func:`tokenward.safefs.atomic_write` (exclusive temporary, fsync, rename, a
    symbolic link at ``path`` refused). A crash at any point leaves the previous file intact.
    On Windows the temporary gets the file's DACL before it is renamed into place.
    """
    ensure_private_dir(path.parent)
    safefs.atomic_write(path, data, mode=OWNER_ONLY, secure=_securer(kind, readers))


def create_new(path: Path, data: bytes, *, kind: Kind,
               readers: Sequence[Principal] = ()) -> None:
    """Create ``path`` (0600) only if nothing is there yet (:func:`tokenward.safefs.create_new`)."""
    ensure_private_dir(path.parent)
    safefs.create_new(path, data, mode=OWNER_ONLY, secure=_securer(kind, readers))


def _securer(kind: Kind, readers: Sequence[Principal]) -> Callable[[Path], None] | None:
    if not access.uses_dacls():
        return None  # the mode given at creation is the whole story

    def secure(temporary: Path) -> None:
        access.secure_new(temporary, kind, readers)

    return secure


def open_private(path: Path, flags: int, kind: Kind) -> int:
    """``os.open`` of a store file, creating it owner-only (0600, or the store's DACL on
    Windows) when missing; a symbolic link at ``path`` is refused (POSIX)."""
    flags |= NO_FOLLOW | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
    except FileExistsError:
        return os.open(path, flags, OWNER_ONLY)
    try:
        if access.uses_dacls():
            access.secure_new(path, kind)
    except BaseException:
        os.close(fd)
        raise
    return fd


def remove_stale_temporaries(path: Path) -> None:
    """Remove temporary files a killed writer left behind (called while holding the lock,
    so every temporary that exists already is stale)."""
    safefs.remove_stale_temporaries(path, before=time.time())


@contextlib.contextmanager
def exclusive_lock(path: Path, timeout: float = 30.0) -> Iterator[None]:
    """Hold an exclusive lock on ``<path>.lock`` across processes, waiting up to ``timeout``."""
    ensure_private_dir(path.parent)
    lock_path = path.with_name(path.name + ".lock")
    fd = open_private(lock_path, os.O_RDWR, Kind.LOCK)
    try:
        _acquire(fd, lock_path, timeout)
        try:
            yield
        finally:
            _release(fd)
    finally:
        os.close(fd)


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _release(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _release(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _acquire(fd: int, lock_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    delay = 0.001
    while not _try_lock(fd):
        if time.monotonic() >= deadline:
            raise TimeoutError(f"could not lock {lock_path} within {timeout:g} s; "
                               "another tokenward process holds it")
        time.sleep(delay)
        delay = min(delay * 2, 0.005)
