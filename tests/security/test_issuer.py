"""Attacks on the issuer (issue 15, item 16): each test performs the attack and names the
exact outcome that must hold."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tokenward.store.audit import AuditLog
from tokenward.store.errors import InvalidToken
from tokenward.store.tokens import Issuer


@pytest.fixture
def issuer(tmp_path: Path) -> Iterator[Issuer]:
    with Issuer(tmp_path / "tokens.db", secrets.token_bytes(32),
                audit=AuditLog(tmp_path / "audit.jsonl")) as opened:
        opened.grant("alice", ["read", "admin"])
        yield opened


def _reason(issuer: Issuer, token: str) -> str:
    with pytest.raises(InvalidToken) as error:
        issuer.verify(token)
    return error.value.reason


# ---- (a) a rotated access token must stay in its refresh family ---------------------------


def test_refresh_reuse_revokes_the_successor_of_a_rotated_access_token(issuer: Issuer) -> None:
    login = issuer.issue("alice", ["read"], with_refresh=True)
    assert login.refresh is not None
    successor = issuer.rotate(login.access.info.token_id, timedelta(minutes=1))
    issuer.refresh(login.refresh.token)  # the legitimate client refreshes
    with pytest.raises(InvalidToken, match=r"\(reused\)"):
        issuer.refresh(login.refresh.token)  # the thief replays the stolen refresh token
    assert _reason(issuer, successor.token) == "revoked"
    assert successor.info.family == login.refresh.info.family


def test_revoking_the_refresh_token_revokes_the_rotated_successor(issuer: Issuer) -> None:
    login = issuer.issue("alice", ["read"], with_refresh=True)
    assert login.refresh is not None
    successor = issuer.rotate(login.access.info.token_id, timedelta(0))
    issuer.revoke(login.refresh.token)
    assert _reason(issuer, successor.token) == "revoked"


def test_a_successor_cannot_outlive_its_family(issuer: Issuer) -> None:
    # Rotation must not become a way to extend a login past the family's absolute cap.
    login = issuer.issue("alice", ["read"], with_refresh=True)
    assert login.refresh is not None
    successor = issuer.rotate(login.access.info.token_id, timedelta(0))
    assert successor.info.expires_at <= login.refresh.info.family_expires_at
    assert successor.info.family_expires_at == login.refresh.info.family_expires_at


def test_a_standalone_api_token_still_rotates_to_a_full_lifetime(issuer: Issuer) -> None:
    old = issuer.issue("alice", ["read"], ttl=timedelta(days=90)).access
    successor = issuer.rotate(old.info.token_id, timedelta(hours=1))
    assert successor.info.expires_at - successor.info.issued_at == timedelta(days=90)
    assert successor.info.family == successor.info.token_id  # its own family, as before

