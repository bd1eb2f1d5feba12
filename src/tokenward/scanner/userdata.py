"""This user's private scanner state: the cache folder and the key kept in it.

The key (32 random bytes) authenticates the result cache's rows and keys the local hash of
secret values (``redaction.secret_hash``). Both must be this user's alone: the folder, and
every parent tokenward creates for it, is made 0700 whatever the umask; the key is created
0600 with ``O_EXCL`` (a temporary hard-linked into place, so two processes starting at once
share one complete key). A folder others can write, or a key that is not a regular 0600
file of this user, is refused, never repaired in place: someone else may already have
written to it. Refusing costs speed only (the scan runs without the cache).
"""

from __future__ import annotations

import contextlib
import functools
import os
import stat
import warnings
from pathlib import Path

from tokenward.safefs import create_new
from tokenward.trust import TrustWarning, distrust

KEY_FILE = "key"
KEY_BYTES = 32
_POSIX = hasattr(os, "getuid")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def cache_dir() -> Path:
    base = os.environ.get("TOKENWARD_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "tokenward"


def _make_private_dirs(folder: Path) -> None:
    """Create ``folder`` and its missing parents, each 0700 (``mkdir -p`` would make the
    parents 0777 minus the umask: world-writable under ``umask 000``)."""
    missing = []
    for path in (folder, *folder.parents):
        if os.path.lexists(path):
            break
        missing.append(path)
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process was quicker
            os.mkdir(path, 0o700)
            os.chmod(path, 0o700)  # a umask such as 0o277 would leave it unusable


def private_folder(folder: Path, *, quiet: bool = False) -> Path | None:
    """``folder`` (created if missing) when only this user controls it, else None.

    A folder that cannot be created (a read-only home) is silently not used: nothing is at
    risk. One that others can write is named in a warning: the user should know, and fix it.
    """
    try:
        _make_private_dirs(folder)
        info = os.stat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode):
        return None
    why = distrust(info)
    if why is None and _POSIX and stat.S_IMODE(info.st_mode) & stat.S_IWGRP:
        why = f"its group can write it (mode {stat.S_IMODE(info.st_mode):04o})"
    if why is not None:
        if not quiet:
            warnings.warn(TrustWarning(f"cache folder {folder} not used: {why} (make it "
                                       f"yours alone: chmod 700 {folder})"), stacklevel=2)
        return None
    return folder


def _read_key(path: Path) -> bytes | None:
    """The key, if ``path`` is a regular file of this user's, mode 0600, holding one."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except OSError:
        return None  # a symbolic link (ELOOP), gone, unreadable: not this user's key
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or distrust(info) is not None or (
                _POSIX and stat.S_IMODE(info.st_mode) != 0o600):
            return None
        text = handle.read(2 * KEY_BYTES + 2).strip()
    try:
        key = bytes.fromhex(text.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return None
    return key if len(key) == KEY_BYTES else None


def _create_key(folder: Path) -> None:
    """Write a new key beside the cache unless one exists (then the existing one wins)."""
    import secrets  # once per machine: every hook run would pay for importing it (and random)

    key = secrets.token_bytes(KEY_BYTES).hex().encode("ascii") + b"\n"
    with contextlib.suppress(FileExistsError):
        create_new(folder / KEY_FILE, key, mode=0o600)


def folder_key(folder: Path, *, quiet: bool = False) -> bytes | None:
    """The key in ``folder`` (a :func:`private_folder`), created on first use; None when the
    file there cannot be trusted (warned about unless ``quiet``)."""
    path = folder / KEY_FILE
    if not os.path.lexists(path):
        try:
            _create_key(folder)
        except OSError:
            return None
    key = _read_key(path)
    if key is None and not quiet:
        warnings.warn(TrustWarning(
            f"cache key {path} not used: it must be a regular file of yours with mode 0600 "
            "holding a key (delete it to start afresh); the result cache is not used"),
            stacklevel=2)
    return key


# Used only when the user's key cannot be had. Then there is no cache either, so what is
# keyed with it never leaves memory; a fixed value keeps worker processes in agreement.
_MEMORY_ONLY_KEY = b"tokenward: no private key here; nothing keyed with this is stored"


def local_key() -> bytes:
    """The key for local hashes of secret values (the same in every worker process)."""
    return _key_for(cache_dir())


@functools.lru_cache(maxsize=4)
def _key_for(where: Path) -> bytes:
    folder = private_folder(where, quiet=True)
    key = folder_key(folder, quiet=True) if folder is not None else None
    return key or _MEMORY_ONLY_KEY
