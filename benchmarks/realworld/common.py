"""What fetch.py and run.py share: the pinned trees, where they live, and the label files.

Only the standard library (and tomllib) is used, so the scripts run with any Python 3.11+.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TREES_FILE = HERE / "trees.toml"
LABELS_DIR = HERE / "labels"
FLAWS_FILE = HERE / "flaws.json"
DEFAULT_DEST = Path("/tmp/tokenward-realworld")
# The pin markers live beside the trees, never inside them, so that they are not scanned.
PINS_DIR_NAME = ".pins"

KINDS = ("library", "app", "vulnerable")
SOURCES = ("pypi", "github")
CATEGORIES = (
    "hardcoded-secret",
    "weak-generation",
    "missing-expiry",
    "broad-scope",
    "insecure-transport",
    "token-exposure",
)
VERDICTS = ("TP", "FP", "debatable")


class DataError(Exception):
    """trees.toml, a label file or flaws.json does not have the expected shape."""


@dataclass(frozen=True)
class Tree:
    name: str
    kind: str
    source: str
    note: str
    package: str = ""
    version: str = ""
    repo: str = ""
    commit: str = ""

    @property
    def pin(self) -> str:
        """One string that changes whenever the pinned content would change."""
        if self.source == "pypi":
            return f"pypi:{self.package}=={self.version}"
        return f"github:{self.repo}@{self.commit}"

    def folder(self, dest: Path) -> Path:
        return dest / self.name

    def marker(self, dest: Path) -> Path:
        return dest / PINS_DIR_NAME / self.name

    def is_present(self, dest: Path) -> bool:
        """The tree is unpacked and was unpacked from exactly this pin."""
        marker = self.marker(dest)
        return (
            self.folder(dest).is_dir()
            and marker.is_file()
            and marker.read_text(encoding="utf-8").strip() == self.pin
        )


def load_trees(path: Path = TREES_FILE) -> list[Tree]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"{path}: {exc}") from exc
    trees = [_tree(entry, path) for entry in data.get("tree", [])]
    names = [tree.name for tree in trees]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise DataError(f"{path}: duplicate tree names: {', '.join(duplicates)}")
    return trees


def _tree(entry: dict[str, Any], path: Path) -> Tree:
    required = {"name", "kind", "source", "note"} | (
        {"package", "version"} if entry.get("source") == "pypi" else {"repo", "commit"}
    )
    missing = sorted(required - set(entry))
    unknown = sorted(set(entry) - required)
    if missing or unknown:
        name = entry.get("name", "?")
        raise DataError(f"{path}: tree {name}: missing keys {missing}, unknown keys {unknown}")
    if entry["kind"] not in KINDS or entry["source"] not in SOURCES:
        raise DataError(f"{path}: tree {entry['name']}: bad kind or source")
    return Tree(**{key: str(value) for key, value in entry.items()})


def select(trees: list[Tree], names: Sequence[str]) -> list[Tree]:
    """The trees named (all of them when none is), or an error naming the unknown ones."""
    unknown = sorted(set(names) - {tree.name for tree in trees})
    if unknown:
        raise DataError(f"unknown tree(s): {', '.join(unknown)} (see trees.toml)")
    return [tree for tree in trees if not names or tree.name in names]


def load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataError(f"{path}: {exc}") from exc
