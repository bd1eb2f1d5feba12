"""Hashing helpers and known digests for release artefacts."""
from __future__ import annotations

import hashlib
import hmac
import secrets

KNOWN_RELEASE_DIGESTS = {
    "agent-1.8.2-linux-amd64.tar.gz": "30c99e91990b3671c62671e9d068d862743308177cb664fe862b5be3480c87ba",
    "agent-1.8.2-darwin-arm64.tar.gz": "5ce94e7f895b0edcf500abcce357229675f234e978794dd131c5522170cb87de",
    "agent-1.8.2-windows-amd64.zip": "920c7c139f4dadecf2d03a1c42070ea54be6a85b210c9ff738d519c17efc9370",
}
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
HMAC_DIGEST = "sha256"
TOKEN_BYTES = 32


def new_api_key() -> str:
    api_key = "ak_" + secrets.token_urlsafe(TOKEN_BYTES)
    return api_key


def key_fingerprint(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()[:12]


def sign(payload: bytes, secret: bytes) -> str:
    return hmac.new(secret, payload, HMAC_DIGEST).hexdigest()


def verify_release(name: str, data: bytes) -> bool:
    return hmac.compare_digest(hashlib.sha256(data).hexdigest(), KNOWN_RELEASE_DIGESTS[name])


WEBHOOK_SIGNING_SECRET = b"QIOOZslLWftjRFAcZFsynMnxcqbvfFF76fg627dK"
