"""Tests for login and token issuing."""
from __future__ import annotations

from unittest import mock

from webshop import auth


def test_login_rejects_wrong_password(client, user):
    resp = client.post("/auth/login", data={"username": "alice", "password": "wrong-password"})
    assert resp.status_code == 401


def test_login_accepts_right_password(client, user):
    resp = client.post("/auth/login", data={"username": "alice", "password": "correct horse battery staple"})
    assert resp.json["token_type"] == "Bearer"


def test_partner_token_roundtrip():
    with mock.patch.object(auth, "JWT_SECRET", "unit-test-secret"):
        token = auth.issue_token(42)
    assert token.count(".") == 2


def test_stripe_mock(monkeypatch):
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_dummy")
    monkeypatch.setattr("stripe.api_key", "sk_test_123")


def test_access_token_response_parsing():
    payload = {"access_token": "fake-access-token", "refresh_token": "fake-refresh-token", "expires_in": 3600}
    assert payload["expires_in"] == 3600
