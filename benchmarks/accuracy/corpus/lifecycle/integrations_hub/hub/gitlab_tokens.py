"""Provisioning of GitLab tokens for CI bots and project automation."""
from __future__ import annotations

import logging
import os
from datetime import date, timedelta

import gitlab
import requests

log = logging.getLogger(__name__)

GITLAB_URL = os.environ.get("GITLAB_URL", "https://gitlab.example.com")
ADMIN_TOKEN = os.environ["GITLAB_ADMIN_TOKEN"]
gl = gitlab.Gitlab(GITLAB_URL, private_token=ADMIN_TOKEN)
legacy_gl = gitlab.Gitlab("http://gitlab-legacy.example.com", private_token=os.environ["GITLAB_LEGACY_TOKEN"])
selfsigned_gl = gitlab.Gitlab("https://gitlab-lab.example.com", private_token=os.environ["GITLAB_LAB_TOKEN"], ssl_verify=False)


def bot_pat(user_id: int) -> str:
    resp = requests.post(f"{GITLAB_URL}/api/v4/users/{user_id}/personal_access_tokens", headers={"PRIVATE-TOKEN": ADMIN_TOKEN}, json={"name": "ci-bot", "scopes": ["read_api", "read_repository"]}, timeout=15)
    resp.raise_for_status()
    token = resp.json()["token"]
    log.info("new ci-bot token: %s", token)
    return token


def release_bot_pat(user_id: int) -> str:
    expires = (date.today() + timedelta(days=30)).isoformat()
    resp = requests.post(
        f"{GITLAB_URL}/api/v4/users/{user_id}/personal_access_tokens",
        headers={"PRIVATE-TOKEN": ADMIN_TOKEN},
        json={"name": "release-bot", "scopes": ["write_repository"], "expires_at": expires},
        timeout=15,
    )
    resp.raise_for_status()
    info = resp.json()
    log.info("release-bot token %s created, expires %s", info["id"], info["expires_at"])
    return info["token"]


def migration_pat(user_id: int) -> str:
    body = {"name": "migration", "scopes": ["api", "sudo"], "expires_at": (date.today() + timedelta(days=7)).isoformat()}
    resp = requests.post(f"{GITLAB_URL}/api/v4/users/{user_id}/personal_access_tokens", headers={"PRIVATE-TOKEN": ADMIN_TOKEN}, json=body, timeout=15)
    return resp.json()["token"]


def impersonation_token(user_id: int) -> str:
    user = gl.users.get(user_id)
    tok = user.impersonationtokens.create({"name": "support-session", "scopes": ["api"]})
    log.info("impersonation token %s created for %s", tok.id, user.username)
    return tok.token


def project_deploy_token(project_id: int) -> str:
    project = gl.projects.get(project_id)
    token = project.deploytokens.create({"name": "registry-pull", "scopes": ["read_registry"], "expires_at": "2025-12-31"})
    return token.token


def group_access_token(group_id: int) -> str:
    group = gl.groups.get(group_id)
    token = group.access_tokens.create({"name": "renovate", "scopes": ["api"], "access_level": 40, "expires_at": "2025-06-30"})
    return token.token


def project_bot_token(project_id: int) -> str:
    project = gl.projects.get(project_id)
    token = project.access_tokens.create({"name": "changelog", "scopes": ["read_api"], "access_level": 20})
    return token.token


def token_summary(token_id: int) -> dict:
    resp = requests.get(f"{GITLAB_URL}/api/v4/personal_access_tokens/{token_id}", headers={"PRIVATE-TOKEN": ADMIN_TOKEN}, timeout=15)
    info = resp.json()
    if "api" in info["scopes"]:
        log.warning("token %s has the api scope", token_id)
    return info
