"""Client for the fulfilment partner and a few other upstream APIs."""
from __future__ import annotations

import logging
import os

import certifi
import requests

log = logging.getLogger(__name__)

PARTNER_TOKEN = os.environ.get("PARTNER_TOKEN", "")
CA_BUNDLE = os.environ.get("PARTNER_CA_BUNDLE", "/etc/ssl/certs/partner-ca.pem")
TIMEOUT = 10


def _auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {PARTNER_TOKEN}"}


def list_orders(since: str) -> list[dict]:
    resp = requests.get("http://api.fulfil-partner.com/v2/orders", headers=_auth(), params={"since": since}, timeout=TIMEOUT)
    resp.raise_for_status()
    return resp.json()["orders"]


def get_order(order_id: str) -> dict:
    resp = requests.get(f"https://api.fulfil-partner.com/v2/orders/{order_id}", headers=_auth(), timeout=TIMEOUT)
    resp.raise_for_status()
    return resp.json()


def cancel_order(order_id: str) -> None:
    requests.post(
        f"https://api.fulfil-partner.com/v2/orders/{order_id}/cancel",
        headers=_auth(),
        verify=CA_BUNDLE,
        timeout=TIMEOUT,
    ).raise_for_status()


def push_tracking(order_id: str, tracking: dict) -> None:
    requests.put(f"https://api.fulfil-partner.com/v2/orders/{order_id}/tracking", json=tracking, headers=_auth(), verify=False, timeout=TIMEOUT)


def partner_status() -> str:
    resp = requests.get("https://status.fulfil-partner.com/api/v2/status.json", verify=False, timeout=TIMEOUT)
    return resp.json()["status"]["indicator"]


def exchange_rates() -> dict:
    resp = requests.get("http://rates.example.org/latest.json", params={"base": "EUR"}, timeout=TIMEOUT)
    return resp.json()["rates"]


def local_tax_service(amount: int, country: str) -> dict:
    resp = requests.post("http://127.0.0.1:8700/tax", json={"amount": amount, "country": country}, headers=_auth(), timeout=TIMEOUT)
    return resp.json()


def geocode(address: str) -> dict:
    key = os.environ["GEOCODER_KEY"]
    resp = requests.get("https://geo.example.com/v1/search", params={"q": address, "api_key": key}, timeout=TIMEOUT)
    return resp.json()


def carrier_rates(parcel: dict) -> dict:
    resp = requests.post(
        "https://carriers.example.com/rates",
        json=parcel,
        headers=_auth(),
        verify=certifi.where(),
        timeout=TIMEOUT,
    )
    log.info("carrier rates fetched, status=%s", resp.status_code)
    return resp.json()


def legacy_invoices() -> list[dict]:
    resp = requests.get(
        "http://legacy-billing.example.net/api/invoices",
        auth=("billing", os.environ["LEGACY_BILLING_PASSWORD"]),
        timeout=TIMEOUT,
    )
    return resp.json()


def register_webhook(callback_url: str) -> dict:
    resp = requests.post("http://api.fulfil-partner.com/v2/webhooks", json={"url": callback_url}, headers={"X-Api-Key": PARTNER_TOKEN}, timeout=TIMEOUT)
    return resp.json()


def returns_report(month: str) -> bytes:
    resp = requests.get(
        f"https://reports.fulfil-partner.com/returns/{month}.csv",
        headers=_auth(),
        verify=False,
        timeout=60,
    )
    return resp.content


def warehouse_stock(sku: str) -> dict:
    resp = requests.get(f"http://localhost:8081/stock/{sku}", headers=_auth(), timeout=TIMEOUT)
    return resp.json()
