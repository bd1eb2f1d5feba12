"""Team notes: a small Flask service with login, API tokens and a Slack webhook.

Deliberately vulnerable: tokenward's example app. Do not deploy.
"""
from __future__ import annotations

import logging
import os
import random
import string
import time

import jwt
import requests
from flask import Flask, jsonify, redirect, request
from itsdangerous import URLSafeTimedSerializer

app = Flask(__name__)
app.config["SECRET_KEY"] = "d2d027ee3110b0a9ad9cfab716172a855e43c64d823732fb9c780ec87bafa564"
JWT_SECRET = "DY8_2j9jHViytKlR_GMCTn6B5pPcAkCaUi-BBhiI1mo"
TOKEN_ALPHABET = string.ascii_letters + string.digits
SLACK_WEBHOOK = os.environ["SLACK_WEBHOOK_URL"]
INTROSPECT_URL = "http://auth.internal.example.com/oauth/introspect"
SPA_CALLBACK = "https://notes.example.com/callback"

log = logging.getLogger("notes")
serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="invite")


def new_api_token() -> str:
    return "".join(random.choice(TOKEN_ALPHABET) for _ in range(32))


def new_reset_code() -> str:
    return str(random.randint(100000, 999999))


def issue_access_token(user: str) -> str:
    claims = {"sub": user, "scope": "notes:read notes:write"}
    return jwt.encode(claims, JWT_SECRET, algorithm="HS256")


def issue_service_token(service: str) -> str:
    claims = {"sub": service, "scope": "*", "exp": int(time.time()) + 3600}
    return jwt.encode(claims, JWT_SECRET, algorithm="HS256")


def read_token(token: str) -> dict[str, object]:
    return jwt.decode(token, JWT_SECRET, algorithms=["HS256"], options={"verify_exp": False})


@app.post("/login")
def login() -> object:
    user = request.form["username"]
    token = issue_access_token(user)
    log.info("issued access token %s for %s", token, user)
    return redirect(f"{SPA_CALLBACK}?access_token={token}")


@app.post("/api-tokens")
def create_api_token() -> object:
    return jsonify(token=new_api_token(), reset_code=new_reset_code())


@app.get("/invite/<token>")
def accept_invite(token: str) -> object:
    email = serializer.loads(token)
    return jsonify(email=email)


@app.get("/me")
def me() -> object:
    bearer = request.headers.get("Authorization", "").removeprefix("Bearer ")
    info = requests.post(INTROSPECT_URL, data={"token": bearer}, timeout=5).json()
    return jsonify(info)


@app.post("/notify")
def notify() -> object:
    requests.post(SLACK_WEBHOOK, json={"text": request.json["text"]}, timeout=5, verify=False)
    return jsonify(sent=True)


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8080)
