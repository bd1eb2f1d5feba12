"""Verify inbound webhooks from GitHub, Stripe and Slack."""
from __future__ import annotations

import hashlib
import hmac
import os
import time

GITHUB_SIGNATURE_HEADER = "X-Hub-Signature-256"
STRIPE_SIGNATURE_HEADER = "Stripe-Signature"
SLACK_SIGNATURE_HEADER = "X-Slack-Signature"
SLACK_TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"
SIGNATURE_PREFIX = "sha256="
SLACK_VERSION = "v0"
KNOWN_GOOD_SIGNATURE = "sha256=1bedb68a96fe3e22d1366ea82079ea5a2c3c43f66d359fd0e16cd28318811e5b"
GITHUB_WEBHOOK_SECRET = os.environ.get("GITHUB_WEBHOOK_SECRET", "").encode()
SLACK_SIGNING_SECRET = os.environ["SLACK_SIGNING_SECRET"].encode()
STRIPE_WEBHOOK_SECRET = os.getenv("STRIPE_WEBHOOK_SECRET")
PARTNER_WEBHOOK_SECRET = os.getenv("PARTNER_WEBHOOK_SECRET", "QwPC9XDWhgXgdNLupqtPrFrjMYBB9ptVkosB9WRvMlw")


def verify_github(body: bytes, signature: str) -> bool:
    expected = SIGNATURE_PREFIX + hmac.new(GITHUB_WEBHOOK_SECRET, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def verify_slack(body: bytes, timestamp: str, signature: str) -> bool:
    if abs(time.time() - int(timestamp)) > 300:
        return False
    basestring = f"{SLACK_VERSION}:{timestamp}:".encode() + body
    expected = "v0=" + hmac.new(SLACK_SIGNING_SECRET, basestring, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def verify_partner(body: bytes, signature: str) -> bool:
    digest = hmac.new(PARTNER_WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(digest, signature.removeprefix(SIGNATURE_PREFIX))
