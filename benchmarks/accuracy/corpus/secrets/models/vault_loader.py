"""Load runtime secrets from the OS keyring or HashiCorp Vault."""
from __future__ import annotations

import os

import hvac
import keyring

SERVICE_NAME = "orders"
VAULT_ADDR = os.environ.get("VAULT_ADDR", "https://vault.corp.example:8200")


def db_password() -> str:
    password = keyring.get_password(SERVICE_NAME, "db")
    return password or ""


def vault_client() -> hvac.Client:
    client = hvac.Client(url=VAULT_ADDR, token=os.environ["VAULT_TOKEN"])
    return client


def stripe_key() -> str:
    secret = vault_client().secrets.kv.v2.read_secret_version(path="orders/stripe")
    return secret["data"]["data"]["secret_key"]


def api_token(name: str) -> str:
    token = os.environ.get(f"{name.upper()}_TOKEN") or keyring.get_password(SERVICE_NAME, name)
    if token is None:
        raise LookupError(f"no token configured for {name}; set {name.upper()}_TOKEN")
    return token


def approle_login() -> hvac.Client:
    client = hvac.Client(url=VAULT_ADDR)
    client.auth.approle.login(role_id=os.environ["VAULT_ROLE_ID"], secret_id=os.environ["VAULT_SECRET_ID"])
    return client


def render_dsn(password: str) -> str:
    return f"postgresql://orders:{password}@orders-db:5432/orders"


DSN_FOR_DOCS = "postgresql://orders:{password}@orders-db:5432/orders"
SECRET_PATH = "secret/data/orders/db"
