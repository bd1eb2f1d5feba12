import hashlib
import hmac
import json
import random
import string
import time

import requests

from .celery_app import app, kv

RETRY_BASE_SECONDS = 5


def new_signing_secret() -> str:
    return "whsec_" + "".join(random.choices(string.ascii_letters + string.digits, k=32))


def sign(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return mac.hexdigest()


def register_endpoint(endpoint_id: int, url: str) -> str:
    secret = new_signing_secret()
    kv.hset(f"webhook:{endpoint_id}", mapping={"url": url, "secret": secret})
    return secret


@app.task(bind=True, max_retries=8)
def deliver(self, endpoint_id: int, event: dict) -> None:
    endpoint = kv.hgetall(f"webhook:{endpoint_id}")
    body = json.dumps(event, separators=(",", ":")).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "X-Signature": f"t={timestamp},v1={sign(endpoint['secret'], body, timestamp)}",
    }
    try:
        response = requests.post(endpoint["url"], data=body, headers=headers, timeout=10)
        response.raise_for_status()
    except requests.RequestException as exc:
        delay = RETRY_BASE_SECONDS * 2 ** self.request.retries
        raise self.retry(exc=exc, countdown=delay + random.uniform(0, delay / 2))


def sftp_drop_passphrase() -> str:
    return bytes(random.getrandbits(8) for _ in range(32)).hex()
