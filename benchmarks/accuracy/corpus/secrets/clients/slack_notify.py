"""Post deployment notifications to Slack."""
from __future__ import annotations

import os

import requests
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

SLACK_CLIENT_ID = "482059844620.956115713171"
SLACK_WEBHOOK_URL = "https://hooks.slack.com/services/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"
SLACK_CHANNEL = "#deployments"
SLACK_TOKEN_PREFIXES = ("xoxb-", "xoxp-", "xoxa-")
SLACK_TOKEN_RE = r"xox[baprs]-[0-9A-Za-z-]{10,72}"

bot = WebClient(token="xoxb-063545152634-8099748723399-RvR2T2ZgvdAEfuuH9C0FXaBy")
verifier = SignatureVerifier(signing_secret="0e17097e8c86c3e30cb20590a143d5f4")
user_client = WebClient(token=os.environ["SLACK_USER_TOKEN"])


def notify(text: str) -> None:
    bot.chat_postMessage(channel=SLACK_CHANNEL, text=text)


def notify_webhook(text: str) -> None:
    requests.post(SLACK_WEBHOOK_URL, json={"text": text}, timeout=5)


def admin_client() -> WebClient:
    return WebClient("xoxp-685230577274-195362826023-4164870857357-d22cb8a2398ad3cc2a82623adfd059c6")


def test_client() -> WebClient:
    return WebClient(token="xoxb-your-token-here")
