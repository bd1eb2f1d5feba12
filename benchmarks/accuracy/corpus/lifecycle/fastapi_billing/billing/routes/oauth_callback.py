"""OAuth login for the billing dashboard (authorization-code flow against our IdP)."""
from __future__ import annotations

import logging
import os
import secrets
from urllib.parse import urlencode

import httpx
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse

router = APIRouter(prefix="/oauth")
log = logging.getLogger("billing.oauth")

IDP = "https://id.example.com"
CLIENT_ID = os.environ["BILLING_CLIENT_ID"]
CLIENT_SECRET = os.environ["BILLING_CLIENT_SECRET"]
FRONTEND = os.environ.get("FRONTEND_URL", "https://billing.example.com")
REDIRECT_URI = os.environ.get("OAUTH_REDIRECT_URI", "http://localhost:8000/oauth/callback")


@router.get("/login")
async def login(request: Request) -> RedirectResponse:
    state = secrets.token_urlsafe(32)
    request.session["oauth_state"] = state
    query = urlencode({"client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI, "response_type": "code", "scope": "openid profile invoices:read", "state": state})
    return RedirectResponse(f"{IDP}/authorize?{query}")


@router.get("/callback")
async def callback(request: Request, code: str, state: str) -> RedirectResponse:
    if state != request.session.pop("oauth_state", None):
        raise HTTPException(400, "state mismatch")
    async with httpx.AsyncClient(timeout=10, verify=False) as client:
        resp = await client.post(f"{IDP}/token", data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}, auth=(CLIENT_ID, CLIENT_SECRET))
    resp.raise_for_status()
    tokens = resp.json()
    log.info("token response: %s", tokens)
    log.info("token_type=%s expires_in=%s", tokens["token_type"], tokens["expires_in"])
    return RedirectResponse(f"{FRONTEND}/signed-in?access_token={tokens['access_token']}")


@router.get("/invoices-legacy")
async def legacy_redirect(request: Request) -> RedirectResponse:
    token = request.session["access_token"]
    return RedirectResponse(f"https://legacy.example.com/invoices?access_token={token}")


@router.get("/invoices")
async def invoices(request: Request, page: int = 1) -> RedirectResponse:
    return RedirectResponse(f"{FRONTEND}/invoices?page={page}&per_page=50")
