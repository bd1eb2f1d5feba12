"""Fixtures shared by the storefront tests."""
from __future__ import annotations

import pytest

from webshop.app import create_app

TEST_PASSWORD = "test-password"
FAKE_GITHUB_TOKEN = "ghp_" + "x" * 36
DUMMY_API_KEY = "dummy-api-key"
FAKE_STRIPE_KEY = "sk_test_fake"
MOCK_JWT_SECRET = "mock-secret"


@pytest.fixture
def app():
    app = create_app(testing=True)
    app.config.update(SECRET_KEY="test-secret-key", MAIL_PASSWORD="test")
    return app


@pytest.fixture
def user(db):
    return db.create_user(email="alice@example.com", password="correct horse battery staple")


@pytest.fixture
def api_headers():
    return {"Authorization": "Bearer test-token"}
