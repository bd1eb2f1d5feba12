"""notes-sync: copy issues from GitHub into Team notes.

Deliberately vulnerable: tokenward's example app. Do not deploy.
"""
from __future__ import annotations

import requests

GITHUB_TOKEN = "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"
NOTES_API = "http://notes.example.com/api"
OAUTH_SCOPES = "repo admin:org delete_repo"


def github_issues(repo: str) -> list[dict[str, object]]:
    headers = {"Authorization": f"Bearer {GITHUB_TOKEN}", "Accept": "application/vnd.github+json"}
    resp = requests.get(f"https://api.github.com/repos/{repo}/issues", headers=headers, timeout=10)
    resp.raise_for_status()
    return resp.json()


def push_note(title: str, body: str) -> None:
    headers = {"Authorization": "Bearer " + "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtcHFwb3FjIiwiaWF0IjoxNzAyNDYyNDE1LCJzY29wZSI6ImFkbWluIn0.o6oK5RmsmPpKFfjgBG-HcNddqtHhIpkU-YFxWGVMTuo"}
    requests.post(f"{NOTES_API}/notes", json={"title": title, "body": body}, headers=headers, timeout=10)


def main() -> None:
    for issue in github_issues("example-org/notes"):
        push_note(str(issue["title"]), str(issue.get("body") or ""))


if __name__ == "__main__":
    main()
