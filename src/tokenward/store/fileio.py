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

OWNER_ONLY = 0o600
OWNER_ONLY_DIR = 0o700


def ensure_private_dir(directory: Path) -> None:
    """Create ``directory`` (and parents) readable by its owner only when we create it."""
    if not directory.exists():
        directory.mkdir(parents=True, mode=OWNER_ONLY_DIR, exist_ok=True)


def _fsync_dir(directory: Path) -> None:
    if sys.platform == "win32":
        return  # Directories cannot be opened for fsync on Windows; rename is durable there.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never a part.

    Temporary file in the same directory (created 0600), write, fsync, rename over the
    target, fsync the directory. A crash at any point leaves the previous file intact.
    """
    ensure_private_dir(path.parent)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(temporary, flags, OWNER_ONLY)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    _fsync_dir(path.parent)


def _replace(source: Path, target: Path) -> None:
    """``os.replace``; on Windows, retried briefly while a reader has the target open."""
    for attempt in range(50):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if sys.platform != "win32" or attempt == 49:
                raise
            time.sleep(0.01)


def remove_stale_temporaries(path: Path) -> None:
    """Remove temporary files a killed writer left behind (called while holding the lock)."""
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            leftover.unlink()


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
