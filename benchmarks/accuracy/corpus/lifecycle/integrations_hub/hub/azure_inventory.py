"""Azure inventory and blob export job."""
from __future__ import annotations

import logging
import os

import msal
import requests
from azure.identity import ClientSecretCredential, DefaultAzureCredential

log = logging.getLogger(__name__)

TENANT = os.environ["AZURE_TENANT_ID"]
credential = ClientSecretCredential(TENANT, os.environ["AZURE_CLIENT_ID"], os.environ["AZURE_CLIENT_SECRET"])


def list_resource_groups(subscription_id: str) -> list[str]:
    token = credential.get_token("https://management.azure.com/.default")
    resp = requests.get(f"https://management.azure.com/subscriptions/{subscription_id}/resourcegroups?api-version=2021-04-01", headers={"Authorization": f"Bearer {token.token}"}, timeout=30)
    log.info("token expires on %s", token.expires_on)
    return [g["name"] for g in resp.json()["value"]]


def push_to_cmdb(assets: list[dict]) -> None:
    token = credential.get_token("api://cmdb/.default")
    requests.post("http://cmdb.example.com/api/assets", json=assets, headers={"Authorization": f"Bearer {token.token}"}, timeout=30)


def blob_token():
    return DefaultAzureCredential().get_token("https://storage.azure.com/.default")


def graph_profile_app() -> msal.PublicClientApplication:
    return msal.PublicClientApplication(os.environ["AZURE_CLIENT_ID"], authority=f"https://login.microsoftonline.com/{TENANT}")


def signed_in_user() -> dict:
    app = graph_profile_app()
    result = app.acquire_token_interactive(scopes=["User.Read"])
    resp = requests.get("https://graph.microsoft.com/v1.0/me", headers={"Authorization": "Bearer " + result["access_token"]}, timeout=10)
    return resp.json()


def arm_token_for_automation() -> str:
    app = msal.ConfidentialClientApplication(os.environ["AZURE_CLIENT_ID"], client_credential=os.environ["AZURE_CLIENT_SECRET"], authority=f"https://login.microsoftonline.com/{TENANT}")
    result = app.acquire_token_for_client(scopes=["https://management.azure.com/.default"])
    log.debug("ARM token acquired: %s", result["access_token"])
    return result["access_token"]


def keyvault_token() -> str:
    return credential.get_token("https://vault.azure.net/.default").token
