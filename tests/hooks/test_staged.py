"""``scan --staged`` reads the index with real git: what is committed, not the work tree."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.hooks.conftest import MARK, ProbeRun, commit_all, git, init_repo
from tokenward.scanner.git import GitError
from tokenward.scanner.staged import staged_tasks


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = init_repo(tmp_path / "repo")
    (repo / "keep.py").write_text("a = 1\n")
    (repo / "old_name.py").write_text("b = 2\n")
    (repo / "doomed.py").write_text("c = 3\n")
    commit_all(repo, "base")
    monkeypatch.chdir(repo)
    return repo


def staged(**kw: object) -> dict[str, bytes | None]:
    return {t.path: t.data for t in staged_tasks(**kw)}  # type: ignore[arg-type]


def test_new_modified_renamed_deleted(repo: Path) -> None:
    (repo / "new.py").write_text("n = 1\n")
    (repo / "keep.py").write_text("a = 2\n")
    git(repo, "mv", "old_name.py", "new_name.py")
    git(repo, "rm", "-q", "doomed.py")
    git(repo, "add", "-A")
    assert staged() == {"keep.py": b"a = 2\n", "new.py": b"n = 1\n",
                        "new_name.py": b"b = 2\n"}


def test_staged_content_not_the_work_tree(repo: Path) -> None:
    (repo / "keep.py").write_text("staged = 1\n")
    git(repo, "add", "keep.py")
    (repo / "keep.py").write_text("unstaged = 2\n")
    (repo / "untracked.py").write_text("x = 1\n")
    assert staged() == {"keep.py": b"staged = 1\n"}


def test_nothing_staged(repo: Path) -> None:
    (repo / "keep.py").write_text("edited but not staged\n")
    assert staged() == {}


def test_first_commit_of_a_new_repository(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    repo = init_repo(tmp_path / "fresh")
    (repo / "a.py").write_text("a = 1\n")
    git(repo, "add", "a.py")
    monkeypatch.chdir(repo)
    assert staged() == {"a.py": b"a = 1\n"}


def test_paths_are_shown_relative_to_a_subfolder_and_narrow(repo: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    (repo / "pkg").mkdir()
    (repo / "pkg" / "mod.py").write_text("m = 1\n")
    (repo / "pkg" / "other.py").write_text("o = 1\n")
    (repo / "keep.py").write_text("a = 9\n")
    git(repo, "add", "-A")
    monkeypatch.chdir(repo / "pkg")
    assert set(staged()) == {"mod.py", "other.py", str(repo / "keep.py")}
    assert set(staged(paths=["mod.py"])) == {"mod.py"}
    assert set(staged(exclude=["other.py"])) == {"mod.py", str(repo / "keep.py")}


def test_odd_file_names(repo: Path) -> None:
    for name in ("with space.py", "ünïcode.py", "quote\"d.py", "new\nline.py"):
        (repo / name).write_text("z = 1\n")
    git(repo, "add", "-A")
    assert set(staged()) == {"new\nline.py", 'quote"d.py', "with space.py", "ünïcode.py"}


def test_symlinks_and_binary_blobs(repo: Path) -> None:
    os.symlink("keep.py", repo / "link.py")
    (repo / "blob.bin").write_bytes(b"\0\1\2" * 10)
    git(repo, "add", "-A")
    assert staged() == {"blob.bin": b"\0\1\2" * 10}  # the link has no content of its own


def test_outside_a_repository_is_a_clear_error(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(GitError, match=r"^not inside a git repository$"):
        staged_tasks()


# --- through the real command line -----------------------------------------------------

def test_cli_only_staged_token_blocks(repo: Path, probe: ProbeRun) -> None:
    (repo / "keep.py").write_text(f'API = "{MARK}"\n')
    git(repo, "add", "keep.py")
    (repo / "keep.py").write_text("API = get_secret()\n")  # fixed on disk only
    done = probe(repo, "TW901", "scan", "--staged")
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == "keep.py:1:8: TW901 [high] marker found in marker"


def test_cli_only_unstaged_token_passes(repo: Path, probe: ProbeRun) -> None:
    (repo / "keep.py").write_text("API = get_secret()\n")
    git(repo, "add", "keep.py")
    (repo / "keep.py").write_text(f'API = "{MARK}"\n')
    done = probe(repo, "TW901", "scan", "--staged")
    assert (done.returncode, done.stdout) == (0, "tokenward: 0 findings in 0 files (1 scanned)\n")


def test_cli_deleted_and_renamed_token_files(repo: Path, probe: ProbeRun) -> None:
    (repo / "doomed.py").write_text(f'A = "{MARK}"\n')
    (repo / "old_name.py").write_text(f'B = "{MARK}"\n')
    commit_all(repo, "tokens")
    git(repo, "rm", "-q", "doomed.py")
    git(repo, "mv", "old_name.py", "moved.py")
    done = probe(repo, "TW901", "scan", "--staged")
    assert done.returncode == 1
    assert [line for line in done.stdout.splitlines() if "TW901" in line] == [
        "moved.py:1:6: TW901 [high] marker found in marker"]
