"""Indexes orders into Elasticsearch and pulls enrichment data from partner APIs."""
from __future__ import annotations

import logging
import os
import ssl

import aiohttp
import requests
import sentry_sdk
import urllib3
from elasticsearch import Elasticsearch
from requests.auth import HTTPBasicAuth

log = logging.getLogger(__name__)

ES_USER = os.environ["ES_USER"]
ES_PASSWORD = os.environ["ES_PASSWORD"]
ENRICH_KEY = os.environ["ENRICH_API_KEY"]

urllib3.disable_warnings()


def es_prod() -> Elasticsearch:
    return Elasticsearch("https://es.example.com:9200", basic_auth=(ES_USER, ES_PASSWORD), ca_certs="/etc/es/ca.crt")


def es_reporting() -> Elasticsearch:
    return Elasticsearch("http://es-reporting.example.com:9200", basic_auth=(ES_USER, ES_PASSWORD))


def es_analytics() -> Elasticsearch:
    return Elasticsearch("https://es-analytics.example.com:9200", api_key=os.environ["ES_API_KEY"], verify_certs=False)


def es_local() -> Elasticsearch:
    return Elasticsearch("http://localhost:9200")


def enrichment_pool() -> urllib3.PoolManager:
    return urllib3.PoolManager(cert_reqs="CERT_NONE", headers={"Authorization": f"Bearer {ENRICH_KEY}"})


def enrich(order_id: str) -> dict:
    resp = requests.get(f"https://enrich.example.com/v1/orders/{order_id}", headers={"Authorization": f"Bearer {ENRICH_KEY}"}, verify=True, timeout=10)
    if resp.status_code == 401:
        sentry_sdk.capture_message(f"enrichment key rejected: {ENRICH_KEY}")
    return resp.json()


def enrich_batch(order_ids: list[str]) -> dict:
    resp = requests.post("http://enrich.example.com/v1/batch", json={"ids": order_ids}, auth=HTTPBasicAuth("indexer", ENRICH_KEY), timeout=30)
    return resp.json()


def fetch_password_grant(username: str, password: str) -> str:
    resp = requests.post("http://sso.partner-example.com/oauth/token", data={"grant_type": "password", "username": username, "password": password, "client_id": "indexer"}, timeout=10)
    return resp.json()["access_token"]


def catalogue_dump(token: str) -> bytes:
    resp = requests.request("GET", "https://catalogue.example.com/export", headers={"Authorization": f"Bearer {token}"}, verify=False, timeout=60)
    return resp.content


async def price_feed(token: str) -> list[dict]:
    connector = aiohttp.TCPConnector(ssl=False)
    async with aiohttp.ClientSession(connector=connector, headers={"Authorization": f"Bearer {token}"}) as session:
        async with session.get("https://prices.example.com/feed") as resp:
            return await resp.json()


async def price_feed_verified(token: str) -> list[dict]:
    ctx = ssl.create_default_context(cafile="/etc/ssl/certs/prices-ca.pem")
    connector = aiohttp.TCPConnector(ssl=ctx)
    async with aiohttp.ClientSession(connector=connector, headers={"Authorization": f"Bearer {token}"}) as session:
        async with session.get("https://prices.example.com/feed") as resp:
            return await resp.json()


def weather(city: str) -> dict:
    key = os.environ["WEATHER_KEY"]
    url = f"https://api.weather.example.com/v2/current?city={city}&appid={key}"
    return requests.get(url, timeout=5).json()


def index_status() -> str:
    return requests.get("http://localhost:9200/_cluster/health", auth=(ES_USER, ES_PASSWORD), timeout=5).json()["status"]
