"""Google Workspace and GCP helpers used by the reporting jobs."""
from __future__ import annotations

import logging
import os

import google.auth
from google.oauth2 import service_account
from google_auth_oauthlib.flow import InstalledAppFlow

log = logging.getLogger(__name__)

KEY_FILE = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS", "/var/run/secrets/gcp/sa.json")

REPORT_SCOPES = [
    "https://www.googleapis.com/auth/drive.file",
    "https://www.googleapis.com/auth/spreadsheets.readonly",
]
MAILER_SCOPES = ["https://mail.google.com/"]
ARCHIVE_SCOPES = ["https://www.googleapis.com/auth/drive"]
INBOX_SCOPES = ["https://www.googleapis.com/auth/gmail.readonly"]


def reporting_credentials():
    return service_account.Credentials.from_service_account_file(KEY_FILE, scopes=REPORT_SCOPES)


def infra_credentials():
    creds, project = google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
    log.info("using project %s", project)
    return creds


def bucket_reader():
    creds, _ = google.auth.default(scopes=["https://www.googleapis.com/auth/devstorage.read_only"])
    return creds


def monitoring_reader():
    return service_account.Credentials.from_service_account_file(KEY_FILE, scopes=["https://www.googleapis.com/auth/cloud-platform.read-only"])


def mailer_credentials():
    flow = InstalledAppFlow.from_client_secrets_file("client_secret.json", scopes=MAILER_SCOPES)
    creds = flow.run_local_server(port=0)
    log.info("obtained Gmail credentials, token expiry %s", creds.expiry)
    return creds


def archive_credentials():
    creds = service_account.Credentials.from_service_account_file(KEY_FILE, scopes=ARCHIVE_SCOPES)
    return creds.with_subject(os.environ["ARCHIVE_IMPERSONATE"])


def calendar_credentials():
    flow = InstalledAppFlow.from_client_secrets_file("client_secret.json", scopes=["openid", "https://www.googleapis.com/auth/userinfo.email", "https://www.googleapis.com/auth/calendar.events.readonly"])
    creds = flow.run_local_server(port=0)
    print("Calendar access token:", creds.token)
    return creds
