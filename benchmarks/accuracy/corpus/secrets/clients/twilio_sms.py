"""Send one-time codes by SMS."""
from __future__ import annotations

import os

from twilio.rest import Client

TWILIO_ACCOUNT_SID = "AC986f9d17ecc4b9ea2785f62235975fe9"
TWILIO_AUTH_TOKEN = "226ee16164a834792dd4f6398394b100"
TWILIO_FROM = "+15005550006"


def client() -> Client:
    return Client(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)


def api_key_client() -> Client:
    return Client("SK94c32c642769cf4e04f12fae211d7970", "vaAV43yr6suVwE0gObF8nHkF3R4LRk5z", TWILIO_ACCOUNT_SID)


def env_client() -> Client:
    return Client(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"])


def send_code(to: str, code: str) -> None:
    client().messages.create(to=to, from_=TWILIO_FROM, body=f"Your verification code is {code}")
