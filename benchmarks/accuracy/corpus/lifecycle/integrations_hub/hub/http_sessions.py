"""Shared HTTP sessions for the integration hub."""
from __future__ import annotations

import os

import aiohttp
import httpx
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry


def crm_session() -> requests.Session:
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {os.environ['CRM_TOKEN']}"
    s.verify = False
    return s


def erp_session() -> requests.Session:
    s = requests.Session()
    s.headers.update({"X-API-Key": os.environ["ERP_API_KEY"]})
    s.verify = os.environ.get("ERP_CA_BUNDLE", "/etc/pki/tls/certs/ca-bundle.crt")
    s.mount("https://", HTTPAdapter(max_retries=Retry(total=3, backoff_factor=0.5)))
    return s


def scraper_session() -> requests.Session:
    s = requests.Session()
    s.headers["User-Agent"] = "hub-scraper/1.4"
    s.verify = False
    return s


def analytics_client() -> httpx.Client:
    return httpx.Client(base_url="https://analytics.example.com", headers={"Authorization": f"Bearer {os.environ['ANALYTICS_TOKEN']}"}, verify=False)


def metrics_client() -> httpx.Client:
    return httpx.Client(base_url="http://localhost:9090", headers={"Authorization": f"Bearer {os.environ['PROM_TOKEN']}"})


def search_client() -> httpx.Client:
    return httpx.Client(base_url="http://search.example.com:9200", auth=(os.environ["ES_USER"], os.environ["ES_PASSWORD"]))


def tls_client() -> httpx.Client:
    return httpx.Client(base_url="https://search.example.com:9200", auth=(os.environ["ES_USER"], os.environ["ES_PASSWORD"]), verify=True)


async def fetch_inventory(sku: str) -> dict:
    headers = {"Authorization": f"Token {os.environ['INVENTORY_TOKEN']}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.get(f"https://inventory.example.com/api/items/{sku}", ssl=False) as resp:
            return await resp.json()


async def fetch_local_inventory(sku: str) -> dict:
    async with aiohttp.ClientSession(headers={"Authorization": f"Token {os.environ['INVENTORY_TOKEN']}"}) as session:
        async with session.get(f"http://[::1]:8088/api/items/{sku}") as resp:
            return await resp.json()


def upgrade(url: str) -> str:
    return url.replace("http://", "https://", 1)


def ledger_get(path: str) -> dict:
    return requests.get(f"https://ledger.example.com{path}", cookies={"session": os.environ["LEDGER_SESSION"]}, verify=False, timeout=10).json()


def queue_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url="http://queue.example.com:8080", headers={"Authorization": f"Bearer {os.environ['QUEUE_TOKEN']}"})
