"""Bring the pinned trees of trees.toml into a scratch folder outside the repository.

    python3 benchmarks/realworld/fetch.py [--dest DIR] [--mirrors DIR] [--tree NAME ...]

PyPI trees: `pip download --no-deps --no-binary :all: NAME==VERSION`, then unpacked
(the sdist's top folder stripped). GitHub trees: the pinned commit is checked out of a
local git mirror (`<mirrors>/<owner>+<name>/repo`, what the session look-up tool `fetch`
makes from `github:<owner>/<name>`) through a temporary index, so the mirror is never
changed. A tree already present at its pin is not fetched again; a tree whose pin changed
is replaced. A missing mirror is reported with the repository to fetch, and the tree is
skipped. Nothing here is ever written inside the repository.

Exit code: 0 when every selected tree is present, 1 when some could not be brought in,
2 on a usage error.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from common import DEFAULT_DEST, HERE, DataError, Tree, load_trees, select

DEFAULT_MIRRORS = Path("/work/.mirror")
REPO_ROOT = HERE.parents[1]


class FetchError(Exception):
    """One tree could not be brought in; the others go on."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--dest", type=Path, default=DEFAULT_DEST, help="scratch folder")
    parser.add_argument("--mirrors", type=Path, default=DEFAULT_MIRRORS,
                        help="folder of git mirrors made by the look-up tool's fetch")
    parser.add_argument("--tree", action="append", default=[], help="only this tree (repeatable)")
    args = parser.parse_args(argv)
    try:
        trees = select(load_trees(), args.tree)
    except DataError as exc:
        print(f"fetch: error: {exc}", file=sys.stderr)
        return 2
    dest = args.dest.resolve()
    if dest == REPO_ROOT or REPO_ROOT in dest.parents:
        print("fetch: error: --dest must be outside the repository", file=sys.stderr)
        return 2
    failed = [tree.name for tree in trees if not bring(tree, dest, args.mirrors)]
    present = len(trees) - len(failed)
    print(f"{present} of {len(trees)} trees present in {dest}")
    if failed:
        print(f"not present: {', '.join(failed)}")
    return 1 if failed else 0


def bring(tree: Tree, dest: Path, mirrors: Path) -> bool:
    """Make ``tree`` present at its pin; False (with the reason printed) when it cannot be."""
    if tree.is_present(dest):
        print(f"{tree.name}: present ({tree.pin})")
        return True
    try:
        with tempfile.TemporaryDirectory(prefix=f"{tree.name}-", dir=ensure(dest)) as tmp:
            staged = Path(tmp) / "tree"
            if tree.source == "pypi":
                unpack_sdist(download_sdist(tree, Path(tmp)), staged)
            else:
                checkout(tree, mirrors, staged)
            install(tree, staged, dest)
    except FetchError as exc:
        print(f"{tree.name}: skipped: {exc}")
        return False
    print(f"{tree.name}: fetched ({tree.pin})")
    return True


def ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def download_sdist(tree: Tree, work: Path) -> Path:
    downloads = ensure(work / "download")
    command = [
        sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
        "--no-binary", ":all:", f"{tree.package}=={tree.version}", "--dest", str(downloads),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    files = sorted(downloads.iterdir())
    if done.returncode != 0 or len(files) != 1:
        last = (done.stderr.strip().splitlines() or ["no sdist downloaded"])[-1]
        raise FetchError(f"pip download {tree.package}=={tree.version} failed: {last}")
    return files[0]


def unpack_sdist(archive: Path, target: Path) -> None:
    """Unpack an sdist into ``target`` without its single top-level folder."""
    unpacked = ensure(archive.parent / "unpacked")
    try:
        if archive.name.endswith(".zip"):
            with zipfile.ZipFile(archive) as bundle:
                bundle.extractall(unpacked)
        else:
            with tarfile.open(archive) as bundle:
                bundle.extractall(unpacked, filter="data")
    except (OSError, tarfile.TarError, zipfile.BadZipFile) as exc:
        raise FetchError(f"cannot unpack {archive.name}: {exc}") from exc
    entries = list(unpacked.iterdir())
    top = entries[0] if len(entries) == 1 and entries[0].is_dir() else unpacked
    top.rename(target)


def checkout(tree: Tree, mirrors: Path, target: Path) -> None:
    owner, name = tree.repo.split("/", 1)
    git_dir = mirrors / f"{owner}+{name}" / "repo"
    if not git_dir.is_dir():
        raise FetchError(
            f"no mirror at {git_dir}: fetch github:{tree.repo} with the session look-up "
            "tool's fetch, then rerun"
        )
    try:
        run_git(git_dir, None, "cat-file", "-e", f"{tree.commit}^{{commit}}")
    except FetchError:
        raise FetchError(
            f"commit {tree.commit} is not in the mirror {git_dir}: fetch github:{tree.repo} "
            "again, or update the pin in trees.toml"
        ) from None
    # A temporary index keeps the mirror untouched; checkout-index writes plain files.
    env = {**os.environ, "GIT_INDEX_FILE": str(target.parent / "index")}
    ensure(target)
    run_git(git_dir, env, "read-tree", tree.commit)
    absent = absent_blobs(git_dir, tree.commit)
    if absent:
        # The look-up tool's snapshots leave out files of 4 MiB and more: check out the rest.
        run_git(git_dir, env, "update-index", "--force-remove", "-z", "--stdin",
                stdin="\0".join(absent) + "\0")
        print(f"{tree.name}: {len(absent)} large file(s) absent from the mirror, left out")
    run_git(git_dir, env, f"--work-tree={target}", "checkout-index", "--all")


def absent_blobs(git_dir: Path, commit: str) -> list[str]:
    """Paths of the commit's files whose content the mirror does not hold."""
    listing = run_git(git_dir, None, "ls-tree", "-r", "-z", commit).split("\0")
    entries = [line.split("\t", 1) for line in listing if line]
    blobs = [(meta.split()[2], path) for meta, path in entries if meta.split()[1] == "blob"]
    checked = run_git(git_dir, None, "cat-file", "--batch-check",
                      stdin="".join(f"{sha}\n" for sha, _ in blobs)).splitlines()
    return [path for (_, path), line in zip(blobs, checked, strict=True)
            if line.endswith(" missing")]


def run_git(git_dir: Path, env: dict[str, str] | None, *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        ["git", f"--git-dir={git_dir}", *args],
        input=stdin, capture_output=True, text=True, check=False, env=env,
    )
    if done.returncode != 0:
        raise FetchError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def install(tree: Tree, staged: Path, dest: Path) -> None:
    """Replace any older copy of the tree with ``staged``, then record the pin."""
    folder = tree.folder(dest)
    marker = tree.marker(dest)
    marker.unlink(missing_ok=True)  # first, so a half-replaced tree never looks present
    if folder.exists():
        shutil.rmtree(folder)
    staged.rename(folder)
    ensure(marker.parent)
    marker.write_text(tree.pin + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
