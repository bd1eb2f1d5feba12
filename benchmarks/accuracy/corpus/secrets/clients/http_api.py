"""Small clients for partner HTTP APIs."""
from __future__ import annotations

import base64
import os

import httpx
import requests
from requests.auth import HTTPBasicAuth, HTTPDigestAuth

PARTNER_URL = "https://partner.example.net/api"
TOKEN_URL = "https://auth.partner.example.net/oauth/token"


def fetch_catalog() -> object:
    return requests.get(f"{PARTNER_URL}/catalog", auth=("catalog-sync", "I0hPd0ITi?^QJm"), timeout=10).json()


def fetch_prices() -> object:
    return requests.get(f"{PARTNER_URL}/prices", auth=HTTPBasicAuth("prices", "!Z!k=C-*~FD0q2"), timeout=10).json()


def fetch_legacy() -> object:
    return requests.get("https://legacy.example.net/feed", auth=HTTPDigestAuth("feed", "*wOGrd_2zr~8keY?Kw"), timeout=10)


def fetch_with_env_auth() -> object:
    auth = (os.environ["PARTNER_USER"], os.environ["PARTNER_PASSWORD"])
    return requests.get(f"{PARTNER_URL}/catalog", auth=auth, timeout=10).json()


def client_credentials() -> str:
    resp = requests.post(
        TOKEN_URL,
        data={
            "grant_type": "client_credentials",
            "client_id": "catalog-sync",
            "client_secret": "xWiSyUgjfI24nuB_-1LGD-wl4-q1C_6ezIT2KHmBtEw",
        },
        timeout=10,
    )
    return str(resp.json()["access_token"])


def reports_client() -> httpx.Client:
    return httpx.Client(base_url=PARTNER_URL, auth=httpx.BasicAuth("reports", "OYv1XW4?_gb-?ViR!-vI"))


def analytics_client() -> httpx.Client:
    return httpx.Client(headers={"X-API-Key": "nGU03BMNGWI2JPCRsR20AVwn5QOud8bd"})


def warehouse_headers() -> dict[str, str]:
    basic = base64.b64encode(b"warehouse:sbTi5McUBFR5zxBzXB9L").decode()
    return {"Authorization": f"Basic {basic}"}


def legacy_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtYWduemJ2IiwiaWF0IjoxNzA5OTE0MzMxLCJzY29wZSI6ImFkbWluIn0.MoKt_LnFqinfvvM6n80xi_3w5Bn3uIvyyHCWZF_m8G3'}"}


def weather(city: str) -> object:
    return requests.get(f"https://api.weather.example.com/v1/current?q={city}&appid=246e808ee1fc8105b491c829d1d954b3", timeout=5).json()


def placeholder_headers() -> dict[str, str]:
    return {"Authorization": "Bearer <token>"}


def env_headers() -> dict[str, str]:
    return {"Authorization": "Bearer " + os.environ["PARTNER_TOKEN"]}


def documented_headers() -> dict[str, str]:
    return {"Authorization": "Bearer YOUR_ACCESS_TOKEN"}
