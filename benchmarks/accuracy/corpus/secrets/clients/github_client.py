"""Helpers around the GitHub API used by the release tooling."""
from __future__ import annotations

import os
import re

import requests
from github import Auth, Github

GITHUB_API = "https://api.github.com"
RELEASE_BOT_TOKEN = "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"
GITHUB_TOKEN = os.environ.get("GITHUB_TOKEN")
TOKEN_PATTERN = re.compile(r"ghp_[A-Za-z0-9]{36}")
FINE_GRAINED_PATTERN = r"github_pat_[A-Za-z0-9_]{82}"
EXAMPLE_TOKEN = "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
DOC_TOKEN = "ghp_<your-token>"


def client() -> Github:
    return Github("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")


def app_client() -> Github:
    return Github(auth=Auth.Token("ghs_xbxwDteyZUpaXA2oKSmXhlCAqfKkT13kyW7J"))


def env_client() -> Github:
    return Github(auth=Auth.Token(os.environ["GITHUB_TOKEN"]))


def create_release(repo: str, tag: str) -> dict[str, object]:
    headers = {
        "Authorization": f"token {RELEASE_BOT_TOKEN}",
        "Accept": "application/vnd.github+json",
    }
    resp = requests.post(f"{GITHUB_API}/repos/{repo}/releases", json={"tag_name": tag}, headers=headers, timeout=10)
    resp.raise_for_status()
    return resp.json()


def list_pulls(repo: str) -> list[dict[str, object]]:
    headers = {"Authorization": "Bearer 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"}
    return requests.get(f"{GITHUB_API}/repos/{repo}/pulls", headers=headers, timeout=10).json()


def list_issues(repo: str) -> list[dict[str, object]]:
    headers = {"Authorization": f"Bearer {GITHUB_TOKEN}"}
    return requests.get(f"{GITHUB_API}/repos/{repo}/issues", headers=headers, timeout=10).json()


def dispatch(repo: str) -> None:
    token = "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"
    requests.post(f"{GITHUB_API}/repos/{repo}/dispatches", headers={"Authorization": "token " + token},
                  json={"event_type": "deploy"}, timeout=10)


def commit_status(repo: str, sha: str) -> None:
    requests.post(
        f"{GITHUB_API}/repos/{repo}/statuses/{sha}",
        headers={"Authorization": "Bearer " + "ghu_RXuSQLZv4ecNvJz5bGNOsIchkkc6nx0xlJxa"},
        json={"state": "success"},
        timeout=10,
    )
