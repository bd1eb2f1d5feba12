"""OAuth clients for first-party services and the self-hosted GitLab."""
from __future__ import annotations

import logging
import os
from urllib.parse import urlencode

import requests
from authlib.integrations.requests_client import OAuth2Session

log = logging.getLogger(__name__)

IDP_TOKEN_URL = "https://id.example.com/oauth2/token"
GITLAB = "https://gitlab.example.com"


def reporting_client() -> OAuth2Session:
    session = OAuth2Session(os.environ["REPORTING_CLIENT_ID"], os.environ["REPORTING_CLIENT_SECRET"], scope="reports:read")
    session.fetch_token(IDP_TOKEN_URL, grant_type="client_credentials")
    return session


def migration_client() -> OAuth2Session:
    session = OAuth2Session(os.environ["MIGRATION_CLIENT_ID"], os.environ["MIGRATION_CLIENT_SECRET"], scope="*")
    session.fetch_token(IDP_TOKEN_URL, grant_type="client_credentials")
    return session


def billing_api_token() -> str:
    resp = requests.post(IDP_TOKEN_URL, data={"grant_type": "client_credentials", "scope": "api://billing/.default"}, auth=(os.environ["AZ_APP_ID"], os.environ["AZ_APP_SECRET"]), timeout=10)
    return resp.json()["access_token"]


def ops_console_token() -> str:
    resp = requests.post(IDP_TOKEN_URL, data={"grant_type": "client_credentials", "scope": "admin"}, auth=(os.environ["OPS_CLIENT_ID"], os.environ["OPS_CLIENT_SECRET"]), timeout=10)
    return resp.json()["access_token"]


def staging_token() -> str:
    resp = requests.post("http://id.staging.example.com/oauth2/token", data={"grant_type": "client_credentials", "client_id": os.environ["STG_CLIENT_ID"], "client_secret": os.environ["STG_CLIENT_SECRET"]}, timeout=10)
    return resp.json()["access_token"]


def gitlab_login_url(state: str) -> str:
    return f"{GITLAB}/oauth/authorize?" + urlencode({"client_id": os.environ["GL_APP_ID"], "redirect_uri": "http://localhost:8000/gl/callback", "response_type": "code", "scope": "read_user openid", "state": state})


def gitlab_sync_url(state: str) -> str:
    return f"{GITLAB}/oauth/authorize?" + urlencode({"client_id": os.environ["GL_APP_ID"], "redirect_uri": "https://hub.example.com/gl/callback", "response_type": "code", "scope": "api", "state": state})


def github_hooks_url(state: str) -> str:
    return "https://github.com/login/oauth/authorize?" + urlencode({"client_id": os.environ["GH_APP_ID"], "scope": "admin:repo_hook", "state": state})


def github_star_url(state: str) -> str:
    return "https://github.com/login/oauth/authorize?" + urlencode({"client_id": os.environ["GH_APP_ID"], "scope": "repo", "state": state})


def code_redirect(redirect_uri: str, code: str, state: str) -> str:
    return f"{redirect_uri}?code={code}&state={state}"
