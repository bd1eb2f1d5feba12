from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# Tests run against the source tree even without an install.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache_for_wider_fixtures(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Module- and session-scoped fixtures run before the function-scoped one below: the
    same isolation for them (the per-user key beside the cache included)."""
    os.environ["TOKENWARD_CACHE_DIR"] = str(tmp_path_factory.getbasetemp() / "cache")


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read or write the developer's real result cache from tests."""
    monkeypatch.setenv("TOKENWARD_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    os.environ.pop("FORCE_COLOR", None)
