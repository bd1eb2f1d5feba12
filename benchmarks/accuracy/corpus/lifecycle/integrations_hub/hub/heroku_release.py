"""Heroku release automation for the marketing sites."""
from __future__ import annotations

import logging
import os

import requests

log = logging.getLogger(__name__)

HEROKU_API = "https://api.heroku.com"
HEADERS = {"Accept": "application/vnd.heroku+json; version=3", "Authorization": f"Bearer {os.environ['HEROKU_API_KEY']}"}


def create_release_authorization() -> dict:
    resp = requests.post(f"{HEROKU_API}/oauth/authorizations", headers=HEADERS, json={"description": "release-bot", "scope": ["global"]}, timeout=20)
    return resp.json()


def create_metrics_authorization() -> dict:
    resp = requests.post(f"{HEROKU_API}/oauth/authorizations", headers=HEADERS, json={"description": "metrics", "scope": ["read"], "expires_in": 3600}, timeout=20)
    return resp.json()


def scale(app: str, dynos: int) -> None:
    requests.patch(f"{HEROKU_API}/apps/{app}/formation/web", headers=HEADERS, json={"quantity": dynos}, timeout=20).raise_for_status()
    log.info("scaled %s to %d dynos", app, dynos)


def legacy_status(app: str) -> dict:
    resp = requests.get(f"http://status.{app}.example.com/internal/health", headers={"X-Api-Key": os.environ["HEALTH_KEY"]}, timeout=5)
    return resp.json()


def public_status(app: str) -> dict:
    return requests.get(f"http://status.{app}.example.com/public.json", timeout=5).json()


def legacy_app_list() -> list[dict]:
    return requests.get("http://api.heroku.com/apps", headers=HEADERS, timeout=20).json()


def print_credentials() -> None:
    print("HEROKU_API_KEY=" + os.environ["HEROKU_API_KEY"])
