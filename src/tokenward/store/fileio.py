"""Atomic, owner-only file writes and an inter-process lock. Stdlib only.

The lock is taken on a sidecar ``<file>.lock``: the data file itself is replaced by rename
on every write, so a lock on its old inode would not exclude the next writer.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from tokenward import safefs

OWNER_ONLY = 0o600
OWNER_ONLY_DIR = 0o700


def ensure_private_dir(directory: Path) -> None:
    """Create ``directory`` (and parents) readable by its owner only when we create it."""
    if not directory.exists():
        directory.mkdir(parents=True, mode=OWNER_ONLY_DIR, exist_ok=True)


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
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, OWNER_ONLY)
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
