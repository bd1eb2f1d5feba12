"""Where a line lives: production code, tests, docs, examples, fixtures ...

Test code produces test data: a token there is a fixture, not a credential.
"""

from __future__ import annotations

from pathlib import PurePosixPath

_TEST_DIRS = frozenset({"tests", "test", "testing"})


def is_test_path(path: str) -> bool:
    """A ``tests``/``test`` folder, ``test_*.py``, ``*_test.py`` or ``conftest.py``."""
    parts = PurePosixPath(path.replace("\\", "/")).parts
    name = parts[-1] if parts else ""
    if any(p in _TEST_DIRS for p in parts[:-1]):
        return True
    return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"
