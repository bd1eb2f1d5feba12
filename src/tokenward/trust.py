"""Whose file is this? Settings and the cache are used only when no other user controls them.

A file (or folder) someone else owns or can write could have been planted or edited by
them: settings that exclude everything blind the scan, cache rows that say "no findings"
let a token through. tokenward never reads such a file; skipping it is fail-safe (the scan
gets stricter or slower, never weaker). On Windows POSIX owners and modes do not describe
the ACLs, and per-user folders are private already, so nothing is checked there.
"""

from __future__ import annotations

import os
import stat

from tokenward.notices import TokenwardWarning

_POSIX = hasattr(os, "getuid")


class TrustWarning(TokenwardWarning):
    """A settings file or cache that another user controls was not used."""


def distrust(info: os.stat_result, *, allow_root: bool = False) -> str | None:
    """Why a file with this ``stat`` cannot be trusted, or None when it can.

    Trusted: owned by the current user (or by root when ``allow_root``: root can change
    anything anyway), not writable by others, and writable by the group only when that
    group is the user's own primary group (user private groups with umask 002, as on
    Fedora, give every checked-out file g+w).
    """
    if not _POSIX:
        return None
    owners = {os.getuid(), 0} if allow_root else {os.getuid()}
    if info.st_uid not in owners:
        return f"it is owned by another user (uid {info.st_uid})"
    mode = stat.S_IMODE(info.st_mode)
    if mode & stat.S_IWOTH or (mode & stat.S_IWGRP and info.st_gid != os.getgid()):
        return f"other users can write it (mode {mode:04o})"
    return None
