from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# Tests run against the source tree even without an install.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read or write the developer's real result cache from tests."""
    monkeypatch.setenv("TOKENWARD_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    os.environ.pop("FORCE_COLOR", None)
