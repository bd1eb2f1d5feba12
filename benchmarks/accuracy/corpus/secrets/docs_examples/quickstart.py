"""Quickstart snippets rendered into the developer portal.

Every credential below is a placeholder; readers replace it with their own value.
"""
from __future__ import annotations

import os

import boto3
import requests
import stripe
from github import Github
from openai import OpenAI
from slack_sdk import WebClient

gh = Github("<your-personal-access-token>")
slack = WebClient(token="xoxb-XXXXXXXXXXXX-XXXXXXXXXXXXX-XXXXXXXXXXXXXXXXXXXXXXXX")
stripe.api_key = "sk_test_your_key"
llm = OpenAI(api_key="YOUR_OPENAI_API_KEY")
s3 = boto3.client("s3", aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                  aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
resp = requests.get("https://api.example.com/v1/me", headers={"Authorization": "Bearer ${API_TOKEN}"})
resp = requests.get("https://api.example.com/v1/me", auth=("username", "password"))
DATABASE_URL = "postgresql://user:password@localhost:5432/mydb"
REDIS_URL = "redis://:<password>@localhost:6379/0"
MONGO_URL = "mongodb+srv://<username>:<password>@cluster0.example.mongodb.net/"
API_KEY = "..."
SECRET_KEY = "your-secret-key"
WEBHOOK_SECRET = "whsec_..."
PASSWORD = "hunter2"
TOKEN = "xxx"
CLIENT_SECRET = "<client-secret>"
SLACK_WEBHOOK_URL = "https://hooks.slack.com/services/T000/B000/XXXX"
GITHUB_TOKEN = os.environ["GITHUB_TOKEN"]
EXAMPLE_JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJleGFtcGxlIn0.signature"
