"""GitHub OAuth app for the release dashboard."""
from __future__ import annotations

import logging
import os
from urllib.parse import urlencode

import requests
from flask import Blueprint, redirect, request, session

bp = Blueprint("github", __name__)
log = logging.getLogger(__name__)

CLIENT_ID = os.environ["GITHUB_CLIENT_ID"]
CLIENT_SECRET = os.environ["GITHUB_CLIENT_SECRET"]
LOGIN_SCOPES = ["read:user", "user:email"]
RELEASE_SCOPES = ["repo", "admin:org"]
STATUS_SCOPES = ["repo:status", "public_repo"]
SCOPE_HELP = {"repo": "Full control of private repositories", "read:org": "Read org membership"}
FORBIDDEN_SCOPES = frozenset({"delete_repo", "admin:org", "admin:enterprise"})


def authorize_url(scopes: list[str], state: str) -> str:
    query = urlencode({"client_id": CLIENT_ID, "scope": " ".join(scopes), "state": state})
    return f"https://github.com/login/oauth/authorize?{query}"


@bp.get("/login/github")
def login():
    return redirect(authorize_url(LOGIN_SCOPES, session["state"]))


@bp.get("/connect/cleanup")
def connect_cleanup():
    return redirect(authorize_url(["delete_repo"], session["state"]))


@bp.get("/callback/github")
def callback():
    resp = requests.post("https://github.com/login/oauth/access_token", data={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "code": request.args["code"]}, headers={"Accept": "application/json"}, timeout=10)
    token = resp.json()
    granted = set(token.get("scope", "").split(","))
    if granted & FORBIDDEN_SCOPES:
        log.warning("GitHub granted forbidden scopes: %s", sorted(granted & FORBIDDEN_SCOPES))
        return "scope too broad", 400
    if "admin:org" in granted:
        return "unexpected admin scope", 400
    session["gh_token"] = token["access_token"]
    return redirect("/")


def user_repos(gh_token: str) -> list[dict]:
    url = f"https://api.github.com/user/repos?access_token={gh_token}&per_page=100"
    return requests.get(url, timeout=10).json()


def user_orgs(gh_token: str) -> list[dict]:
    resp = requests.get("https://api.github.com/user/orgs", headers={"Authorization": f"token {gh_token}"}, params={"per_page": 100}, timeout=10)
    return resp.json()


def enterprise_installation_token(app_jwt: str, installation_id: int) -> str:
    resp = requests.post(f"https://api.github.com/app/installations/{installation_id}/access_tokens", headers={"Authorization": f"Bearer {app_jwt}"}, json={"permissions": {"contents": "read", "metadata": "read"}}, timeout=10)
    return resp.json()["token"]


def ghe_create_issue(gh_token: str, repo: str, title: str) -> dict:
    resp = requests.post(f"http://github.corp.example.com/api/v3/repos/{repo}/issues", headers={"Authorization": f"token {gh_token}"}, json={"title": title}, timeout=10)
    return resp.json()
