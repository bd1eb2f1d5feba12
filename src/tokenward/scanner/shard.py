"""``--shard K/N``: a stable 1/N of the files, chosen by a hash of the path.

The same file always lands in the same shard whatever else changed in the repository, and
the N shards together cover every file exactly once, so parallel CI jobs can split a large
repository and ``tokenward merge`` can put the reports back together.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import TypeVar

from tokenward.lazy import lazy_regex
from tokenward.records import record

_SHARD = lazy_regex(r"^\s*(\d+)\s*/\s*(\d+)\s*$")

T = TypeVar("T")


class ShardError(ValueError):
    """A ``--shard`` value that is not K/N with 1 <= K <= N."""


@record
class Shard:
    index: int  # 1-based, as written on the command line
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        match = _SHARD.match(text)
        if not match:
            raise ShardError(f"--shard: expected K/N such as 2/4, got {text!r}")
        index, count = int(match.group(1)), int(match.group(2))
        if count < 1 or not 1 <= index <= count:
            raise ShardError(f"--shard: K must be between 1 and N, got {text!r}")
        return cls(index, count)

    def holds(self, path: str) -> bool:
        return bucket(path, self.count) == self.index - 1

    def select(self, items: Iterable[T], path_of: Callable[[T], str]) -> list[T]:
        return [item for item in items if self.holds(path_of(item))]


def bucket(path: str, count: int) -> int:
    """0..count-1 from a hash of the /-separated path (never Python's salted hash())."""
    digest = hashlib.sha256(path.encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") % count
