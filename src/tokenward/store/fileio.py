"""Owner-only folders, atomic owner-only file writes and an inter-process lock. Stdlib only.

The lock is taken on a sidecar ``<file>.lock``: the data file itself is replaced by rename
on every write, so a lock on its old inode would not exclude the next writer.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from tokenward import safefs
from tokenward.store.errors import InsecureFolder

OWNER_ONLY = 0o600
OWNER_ONLY_DIR = 0o700
# Appends and creations refuse a symlink planted where a store file goes (POSIX; Windows has
# no O_NOFOLLOW, and creating symlinks there needs a privilege).
NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)


def ensure_private_dir(directory: Path) -> None:
    """Create ``directory`` and every missing parent 0700, whatever the umask.

    Only folders created here are given a mode: an existing parent (the user's home, say)
    is never changed. ``Path.mkdir(parents=True)`` would create the parents 0777 & ~umask.
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
        if sys.platform != "win32":
            os.chmod(folder, OWNER_ONLY_DIR)  # the umask may have removed the owner's bits


def check_private_dir(directory: Path) -> None:
    """Refuse a folder another user owns, or that group or others can read or write (POSIX).

    Someone else may already have read or replaced what it holds, so tokenward does not
    repair it silently: its owner checks it and restricts it. A missing folder passes (the
    store creates it 0700). Windows ACLs are not POSIX modes; the profile is per-user.
    """
    if sys.platform == "win32":
        return
    try:
        status = directory.stat()
    except FileNotFoundError:
        return
    if status.st_uid != os.geteuid():
        raise InsecureFolder(f"folder {directory} belongs to another user (uid {status.st_uid}), "
                             "who can read or replace what tokenward keeps there; use a folder "
                             "of your own")
    mode = stat.S_IMODE(status.st_mode)
    access = [what for what, bits in (("read", 0o044), ("written", 0o022)) if mode & bits]
    if access:
        raise InsecureFolder(
            f"folder {directory} can be {' and '.join(access)} by other users (mode {mode:04o}); "
            "the store keeps its files only in a folder of your own: check what is in it, then "
            f"restrict it with `chmod 700 {directory}`")


def private_dir(directory: Path) -> None:
    """A folder for the store's files: created 0700 if missing, refused if others can use it."""
    ensure_private_dir(directory)
    check_private_dir(directory)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (0600) so that readers see the old or the new file, never
    a part: :func:`tokenward.safefs.atomic_write` (exclusive temporary, fsync, rename, a
    symbolic link at ``path`` refused). A crash at any point leaves the previous file intact.
    """
    ensure_private_dir(path.parent)
    safefs.atomic_write(path, data, mode=OWNER_ONLY)


def remove_stale_temporaries(path: Path) -> None:
    """Remove temporary files a killed writer left behind (called while holding the lock,
    so every temporary that exists already is stale)."""
    safefs.remove_stale_temporaries(path, before=time.time())


@contextlib.contextmanager
def exclusive_lock(path: Path, timeout: float = 30.0) -> Iterator[None]:
    """Hold an exclusive lock on ``<path>.lock`` across processes, waiting up to ``timeout``."""
    ensure_private_dir(path.parent)
    lock_path = path.with_name(path.name + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | NO_FOLLOW, OWNER_ONLY)
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
