"""Slack app installation (OAuth v2) and notifications."""
from __future__ import annotations

import logging
import os
from urllib.parse import urlencode

from slack_sdk import WebClient
from slack_sdk.oauth import AuthorizeUrlGenerator

log = logging.getLogger(__name__)

BOT_SCOPES = ["chat:write", "channels:read", "users:read"]
ADMIN_SCOPES = ["admin", "chat:write"]

install_url = AuthorizeUrlGenerator(client_id=os.environ["SLACK_CLIENT_ID"], scopes=BOT_SCOPES, user_scopes=["search:read"])


def workspace_admin_install_url(state: str) -> str:
    query = urlencode({"client_id": os.environ["SLACK_CLIENT_ID"], "scope": ",".join(ADMIN_SCOPES), "state": state})
    return f"https://slack.com/oauth/v2/authorize?{query}"


def scim_install_url(state: str) -> str:
    return "https://slack.com/oauth/v2/authorize?" + urlencode({"client_id": os.environ["SLACK_CLIENT_ID"], "user_scope": "admin.users:write,admin.conversations:write", "state": state})


def finish_install(code: str) -> str:
    client = WebClient()
    resp = client.oauth_v2_access(client_id=os.environ["SLACK_CLIENT_ID"], client_secret=os.environ["SLACK_CLIENT_SECRET"], code=code)
    bot_token = resp["access_token"]
    log.info("installed in team %s, bot token prefix %s", resp["team"]["id"], bot_token[:5])
    print(f"Slack bot token: {bot_token}")
    return bot_token


def notify(channel: str, text: str) -> None:
    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"])
    client.chat_postMessage(channel=channel, text=text)


def is_admin_install(scopes: str) -> bool:
    return "admin" in scopes.split(",")
