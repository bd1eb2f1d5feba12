"""Third-party integrations used by the growth team."""
from __future__ import annotations

import os

import googlemaps
import hvac
import requests
from datadog import initialize
from elasticsearch import Elasticsearch
from huggingface_hub import HfApi

initialize(api_key="39166cf71a3777c21d43bedabdaff4f6", app_key="fc79acfac5ed9c365fd84dddc91841836a441cf0")
maps = googlemaps.Client(key="AIzajWtk7NbxbSsLfaFnZraKxS9u9I-P6WGLl89")
hf = HfApi(token="hf_1KwXkMHveDbLJuPZ2dXNpvbeX0iImE6GpA")
vault = hvac.Client(url="https://vault.corp.example:8200", token="hvs.Nmpj-ShAvQXUXekx38xOB2bM")
es = Elasticsearch("https://search.corp.example:9200", basic_auth=("growth", "PO1ecSUTALJ!~3"))
es_cloud = Elasticsearch(cloud_id="growth:vh+czxl+u6n8Elo26sfSdXi+SGUx2XjXZgPw6YgIYxg=", api_key=os.environ["ES_API_KEY"])
GITLAB_TOKEN = "glpat-XJ_SJegAaE3iafid3Vkp"
DISCORD_WEBHOOK = "https://discord.com/api/webhooks/594368370129583917/iFjaO6cLNr9800N_2YaK8PBavZGNbThu8DMZJ6I6D3bwrYj7n4fXJxFq8Zva0H02pDuk"
SEGMENT_WRITE_KEY = os.getenv("SEGMENT_WRITE_KEY")
MIXPANEL_PROJECT_TOKEN = "34cfc5d1c5e851f4289fbbb5f113ec24"
GA_MEASUREMENT_ID = "G-749531708151"
SENTRY_PUBLIC_DSN_HOST = "o450000.ingest.sentry.io"
NEW_RELIC_LICENSE_KEY = "ceb6513d93c5979a3a8d29410801e727ee9fc0c1"


def gitlab_projects() -> object:
    return requests.get("https://gitlab.corp.example/api/v4/projects",
                        headers={"PRIVATE-TOKEN": GITLAB_TOKEN}, timeout=10).json()


def pagerduty(summary: str) -> None:
    requests.post("https://events.pagerduty.com/v2/enqueue",
                  json={"routing_key": "8a5e2208c9e67c0286ea93dbf3366c32", "event_action": "trigger",
                        "payload": {"summary": summary, "source": "growth", "severity": "error"}}, timeout=5)
