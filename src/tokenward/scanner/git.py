"""The few git commands the hook, the gate and the history scan need, run with real git.

Paths from git are relative to the repository root; ``display`` turns them into the
paths tokenward shows (relative to the current directory when below it). Blobs are read
with one ``git cat-file --batch`` process for many objects (:func:`read_blobs`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from tokenward.records import record
from tokenward.scanner.files import display_path

# subprocess, tempfile (shutil, lzma ...), threading and urllib.parse are imported where
# a command runs: the commit hook imports this module (GitError, the diff's types) and,
# handed the files pre-commit names, runs no git (they cost it 8 ms of its ~110 ms).

# The empty tree: what an unborn branch (before the first commit) is compared with.
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


class GitError(RuntimeError):
    """git is missing, the folder is not a repository, or a revision does not exist."""


def _command(args: Sequence[str]) -> list[str]:
    # A user's log.showSignature would put gpg's output into `git log`'s.
    return ["git", "-c", "core.quotePath=false", "-c", "log.showSignature=false", *args]


def _env() -> dict[str, str]:
    return {**os.environ, "GIT_LITERAL_PATHSPECS": "1", "LC_ALL": "C"}


def run_git(args: Sequence[str], cwd: Path | None = None, *,
            input_data: bytes | None = None) -> bytes:
    """Run git and return its standard output; GitError with git's own message otherwise."""
    import subprocess

    try:
        done = subprocess.run(
            _command(args), cwd=cwd, input=input_data, capture_output=True, check=False,
            env=_env(),
        )
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed: {message[-1] if message else 'no message'}")
    return done.stdout


def repo_root(cwd: Path | None = None) -> Path:
    try:
        out = run_git(["rev-parse", "--show-toplevel"], cwd)
    except GitError:
        raise GitError("not inside a git repository") from None
    return Path(out.decode("utf-8", "surrogateescape").strip())


def resolves(rev: str, cwd: Path | None = None) -> bool:
    try:
        run_git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd)
    except GitError:
        return False
    return True


def split_z(out: bytes) -> list[str]:
    return [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p]


def display(root: Path, relative: str, cwd: Path | None = None) -> str:
    """A repository-relative path as tokenward shows it."""
    return display_path(root / relative, cwd or Path.cwd())


def is_shallow(root: Path) -> bool:
    """A shallow clone: the commits before its boundary are not in it."""
    return run_git(["rev-parse", "--is-shallow-repository"], root).strip() == b"true"


def head_commit(root: Path) -> str | None:
    """The commit HEAD names; None on an unborn branch."""
    try:
        return run_git(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], root
                       ).decode().strip() or None
    except GitError:
        return None


@record
class TreeEntry:
    mode: str
    blob: str
    path: str  # relative to the repository root, /-separated


def tree_entries(root: Path, commit: str) -> list[TreeEntry]:
    """Every file of a commit's tree (``git ls-tree -r``), submodules and links included."""
    entries = []
    for line in split_z(run_git(["ls-tree", "-r", "-z", "--full-tree", commit], root)):
        meta, _, path = line.partition("\t")
        mode, _kind, blob = meta.split(" ")
        entries.append(TreeEntry(mode, blob, path))
    return entries


def remote_url(root: Path) -> str | None:
    """The URL of the remote ``origin`` without any user name or password in it (a URL
    may carry a token: it must not reach a report), or None."""
    try:
        url = run_git(["config", "--get", "remote.origin.url"], root).decode().strip()
    except (GitError, UnicodeDecodeError):
        return None
    if not url:
        return None
    if "://" not in url:
        # scp-like "git@host:owner/repo.git": only the user name is before the "@".
        return re.sub(r"^[^@/:]*@", "", url) or None
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


@record
class Blob:
    """One object read by :func:`read_blobs`: its content, or why there is none."""

    id: str
    data: bytes | None = None
    error: str | None = None


def read_blobs(root: Path, ids: Sequence[str]) -> Iterator[Blob]:
    """Each of ``ids``, in order, read by ``git cat-file --batch`` (one process for all).

    An object git cannot read (missing, or corrupt: cat-file then stops part way) becomes
    a Blob with an error, and reading goes on with the next one in a new process.
    """
    import subprocess
    import tempfile
    import threading

    remaining = list(ids)
    while remaining:
        with tempfile.TemporaryFile() as errors, subprocess.Popen(
                _command(["cat-file", "--batch"]), cwd=root, env=_env(),
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors) as process:
            assert process.stdin is not None and process.stdout is not None
            feeder = threading.Thread(target=_feed, args=(process.stdin, remaining),
                                      daemon=True)
            feeder.start()
            read = 0
            for blob_id in remaining:
                blob, intact = _next_object(process.stdout, blob_id)
                read += 1
                if not intact:
                    process.kill()
                    errors.seek(0)
                    detail = errors.read().decode("utf-8", "replace").strip().splitlines()
                    why = detail[-1] if detail else "git cat-file stopped"
                    blob = Blob(blob_id, error=f"cannot read git object {blob_id}: {why}")
                yield blob
                if not intact:
                    break
            process.stdout.close()
            feeder.join()
        remaining = remaining[read:]


def _feed(stdin: IO[bytes], ids: Sequence[str]) -> None:
    """Write the object ids to cat-file (in a thread: it answers while we write)."""
    try:
        for start in range(0, len(ids), 512):
            stdin.write("".join(f"{i}\n" for i in ids[start : start + 512]).encode())
        stdin.close()
    except (BrokenPipeError, ValueError, OSError):
        pass  # cat-file stopped at a corrupt object: the reader starts a new one


def _next_object(stdout: IO[bytes], blob_id: str) -> tuple[Blob, bool]:
    """The next answer of ``cat-file --batch``; False when the process stopped part way."""
    header = stdout.readline()
    if not header.endswith(b"\n"):
        return Blob(blob_id), False
    parts = header.split()
    if len(parts) == 2 and parts[1] == b"missing":
        return Blob(blob_id, error=f"git object {blob_id} is missing"), True
    if len(parts) != 3:
        return Blob(blob_id), False
    size = int(parts[2])
    data = stdout.read(size)
    if len(data) != size or stdout.read(1) != b"\n":
        return Blob(blob_id), False
    if parts[1] != b"blob":
        return Blob(blob_id, error=f"git object {blob_id} is a {parts[1].decode()}, "
                                   "not a blob"), True
    return Blob(blob_id, data), True


def blob_sizes(root: Path, ids: Sequence[str]) -> dict[str, int | None]:
    """Object id -> size in bytes (None: missing or unreadable), without reading them."""
    if not ids:
        return {}
    out = run_git(["cat-file", "--batch-check"], root,
                  input_data="".join(f"{i}\n" for i in ids).encode())
    sizes: dict[str, int | None] = {}
    for blob_id, line in zip(ids, out.decode().splitlines(), strict=False):
        parts = line.split()
        sizes[blob_id] = int(parts[2]) if len(parts) == 3 and parts[1] == "blob" else None
    return sizes


def blob_head(root: Path, blob_id: str, size: int) -> bytes:
    """The first ``size`` bytes of a blob, without reading the rest (a huge blob)."""
    import subprocess

    with subprocess.Popen(_command(["cat-file", "blob", blob_id]), cwd=root, env=_env(),
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as process:
        assert process.stdout is not None
        head = process.stdout.read(size)
        process.kill()
    return head
