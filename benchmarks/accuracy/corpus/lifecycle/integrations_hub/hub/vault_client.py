"""HashiCorp Vault access for the deployment tooling."""
from __future__ import annotations

import logging
import os

import hvac
import requests

log = logging.getLogger(__name__)

VAULT_ADDR = os.environ.get("VAULT_ADDR", "https://vault.example.com:8200")
VAULT_CACERT = os.environ.get("VAULT_CACERT", "/etc/vault/ca.pem")


def client() -> hvac.Client:
    return hvac.Client(url=VAULT_ADDR, token=os.environ["VAULT_TOKEN"], verify=VAULT_CACERT)


def dev_client() -> hvac.Client:
    return hvac.Client(url="http://127.0.0.1:8200", token=os.environ["VAULT_DEV_ROOT_TOKEN"])


def dr_client() -> hvac.Client:
    return hvac.Client(url="http://vault-dr.example.com:8200", token=os.environ["VAULT_TOKEN"])


def staging_client() -> hvac.Client:
    return hvac.Client(url="https://vault.staging.example.com:8200", token=os.environ["VAULT_TOKEN"], verify=False)


def ci_token() -> str:
    result = client().auth.token.create(policies=["ci-read"], ttl="30m", renewable=False)
    log.info("created CI token accessor=%s", result["auth"]["accessor"])
    return result["auth"]["client_token"]


def break_glass_token() -> str:
    result = client().auth.token.create(policies=["root"], ttl="8760h")
    return result["auth"]["client_token"]


def operator_token() -> str:
    result = client().auth.token.create(policies=["ops"], no_parent=True, ttl="87600h")
    log.info("operator token: %s", result["auth"]["client_token"])
    return result["auth"]["client_token"]


def orphan_token_raw() -> str:
    resp = requests.post(f"{VAULT_ADDR}/v1/auth/token/create-orphan", headers={"X-Vault-Token": os.environ["VAULT_TOKEN"]}, json={"policies": ["root"], "ttl": "1h"}, verify=VAULT_CACERT, timeout=10)
    return resp.json()["auth"]["client_token"]


def read_secret(path: str) -> dict:
    data = client().secrets.kv.v2.read_secret_version(path=path, mount_point="secret")
    log.info("read %d keys from %s", len(data["data"]["data"]), path)
    return data["data"]["data"]


def health() -> dict:
    return requests.get(f"{VAULT_ADDR}/v1/sys/health", timeout=5).json()


def is_root(token_info: dict) -> bool:
    return "root" in token_info["data"]["policies"]


def read_app_config() -> dict:
    resp = requests.get(f"{VAULT_ADDR}/v1/secret/data/app/config", headers={"X-Vault-Token": os.environ["VAULT_TOKEN"]}, verify=False, timeout=10)
    if resp.status_code == 403:
        raise RuntimeError(f"vault denied token {os.environ['VAULT_TOKEN']}")
    return resp.json()["data"]["data"]
