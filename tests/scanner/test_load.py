"""Reading a listed file when the scan reaches it (``engine.load``): one descriptor for
its stat and bytes, and whatever happened to the file since it was listed said plainly."""

from __future__ import annotations

import os
from pathlib import Path

from tokenward.scanner.engine import FileTask, load, read_file

OLD = 1_600_000_000_000_000_000  # 2020: past the racy window, so the file gets a signature


def _listed(path: Path, size: int) -> FileTask:
    """A task as a listing leaves it: unread, with the stat it saw."""
    return FileTask(path.name, disk=path, signature=(size, OLD, OLD, 1))


def test_a_file_is_read_whole_with_the_signature_of_its_stat_now(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_bytes(b"token = 'x'\n")
    task = load(_listed(path, 12), 1000)
    assert task.data == b"token = 'x'\n"
    # Not the listing's: the file's own, which is none while it is this recent (its
    # change may not show in its stat yet).
    assert task.signature is None


def test_a_file_that_grew_since_it_was_listed_is_read_to_its_end(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 100_000)
    assert load(_listed(path, 10), 10**6).data == b"a" * 100_000


def test_a_fifo_put_where_a_listed_file_was_is_skipped_without_blocking(
        tmp_path: Path) -> None:
    path = tmp_path / "pipe"
    os.mkfifo(path)  # nobody writes to it: a blocking open would never return
    assert read_file(path, 1000) is None
    task = load(_listed(path, 10), 1000)
    assert (task.data, task.skipped) == (None, "not-a-file")


def test_a_file_deleted_since_it_was_listed_says_so(tmp_path: Path) -> None:
    task = load(_listed(tmp_path / "gone.py", 10), 1000)
    assert (task.data, task.skipped) == (None, "deleted")


def test_a_file_over_the_size_cap_now_is_left_unread(tmp_path: Path) -> None:
    path = tmp_path / "dump.sql"
    path.write_bytes(b"x" * 2000)
    task = load(_listed(path, 10), 1000)
    assert (task.data, task.skipped) == (None, "too-large")
