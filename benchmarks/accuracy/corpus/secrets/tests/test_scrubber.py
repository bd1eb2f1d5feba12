"""Tests for the log scrubber: inputs are synthetic strings built at runtime."""
from __future__ import annotations

from utils.patterns import REDACTED, scrub

SYNTHETIC_GITHUB = "ghp_" + "A" * 36
SYNTHETIC_AWS = "AKIA" + "0" * 16
SYNTHETIC_STRIPE = "sk_live_" + "0" * 24


def test_github_token_is_scrubbed():
    assert scrub(f"token={SYNTHETIC_GITHUB}") == f"token={REDACTED}"


def test_password_pairs_are_scrubbed():
    assert scrub("password=hunter2") == f"{REDACTED}"


def test_bearer_header_kept_when_no_token():
    assert scrub("Authorization: Bearer") == "Authorization: Bearer"


def test_example_keys_untouched():
    line = "aws_access_key_id = AKIAIOSFODNN7EXAMPLE"
    assert scrub(line) == line.replace("AKIAIOSFODNN7EXAMPLE", REDACTED)


def test_fake_private_key_header():
    header = "-----BEGIN RSA PRIVATE KEY-----"
    assert scrub(header) == REDACTED
