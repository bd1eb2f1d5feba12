from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tokenward.store.tokens import Issuer
from tokenward.store.vault import Vault

START = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


class FakeClock:
    """An injectable clock (the issuer and vault take a callable returning a datetime)."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(autouse=True)
def isolated_store_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests never touch the real user's vault: every default path points into tmp_path."""
    for variable in ("TOKENWARD_VAULT", "TOKENWARD_KEY_FILE", "TOKENWARD_TOKEN_DB",
                     "TOKENWARD_AUDIT_LOG", "TOKENWARD_DPAPI_ENTROPY_FILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    yield


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def vault(tmp_path: Path, clock: FakeClock) -> Vault:
    return Vault(tmp_path / "vault.json", key_file=tmp_path / "vault.key", clock=clock)


@pytest.fixture
def issuer(tmp_path: Path, vault: Vault, clock: FakeClock) -> Iterator[Issuer]:
    with Issuer.open(tmp_path / "tokens.db", vault=vault, clock=clock) as opened:
        opened.grant("alice", ["read", "write", "admin"])
        yield opened


def all_bytes_under(directory: Path) -> bytes:
    """Every byte of every file below ``directory`` (database, WAL, log, vault, key)."""
    chunks = []
    for root, _dirs, files in os.walk(directory):
        for name in files:
            chunks.append(Path(root, name).read_bytes())
    return b"\n".join(chunks)
