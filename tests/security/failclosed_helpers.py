"""Secret-shaped values built at run time, so no real-looking secret sits in test source."""

from __future__ import annotations

import secrets
import string

from tokenward.analysis.providers import base62_checksum

_ALPHABET = string.digits + string.ascii_uppercase + string.ascii_lowercase


def fake_github_token() -> str:
    """A GitHub classic token with a valid CRC32 checksum (the issue's `gh` helper)."""
    body = "".join(secrets.choice(_ALPHABET) for _ in range(30))
    return f"ghp_{body}{base62_checksum(body)}"


def fake_password() -> str:
    """A random 16-character password: mixed case and digits, no provider prefix."""
    return "Pw" + "".join(secrets.choice(_ALPHABET) for _ in range(12)) + "9x"
