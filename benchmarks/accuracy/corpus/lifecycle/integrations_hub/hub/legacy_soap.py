"""Client for the legacy SOAP order service (urllib, no third-party HTTP stack)."""
from __future__ import annotations

import base64
import os
import ssl
import urllib.request

SOAP_URL = "https://orders-legacy.example.net/OrderService.svc"
ssl._create_default_https_context = ssl._create_unverified_context
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
ORDER_NS = "http://tempuri.org/"


def _basic_auth() -> str:
    raw = f"{os.environ['SOAP_USER']}:{os.environ['SOAP_PASSWORD']}".encode()
    return "Basic " + base64.b64encode(raw).decode()


def _envelope(body: str) -> bytes:
    return f'<soap:Envelope xmlns:soap="{SOAP_NS}" xmlns:o="{ORDER_NS}"><soap:Body>{body}</soap:Body></soap:Envelope>'.encode()


def call(action: str, body: str) -> bytes:
    req = urllib.request.Request(SOAP_URL, data=_envelope(body), headers={"Authorization": _basic_auth(), "SOAPAction": action, "Content-Type": "text/xml"})
    ctx = ssl._create_unverified_context()
    with urllib.request.urlopen(req, context=ctx, timeout=30) as resp:
        return resp.read()


def call_pinned(action: str, body: str) -> bytes:
    req = urllib.request.Request(SOAP_URL, data=_envelope(body), headers={"Authorization": _basic_auth(), "SOAPAction": action})
    ctx = ssl.create_default_context(cafile=os.environ.get("SOAP_CA", "/etc/ssl/certs/legacy-ca.pem"))
    with urllib.request.urlopen(req, context=ctx, timeout=30) as resp:
        return resp.read()


def call_with_client_cert(action: str, body: str) -> bytes:
    ctx = ssl.create_default_context()
    ctx.load_cert_chain(os.environ["SOAP_CLIENT_CERT"], os.environ["SOAP_CLIENT_KEY"])
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    req = urllib.request.Request(SOAP_URL, data=_envelope(body), headers={"SOAPAction": action, "Authorization": _basic_auth()})
    with urllib.request.urlopen(req, context=ctx, timeout=30) as resp:
        return resp.read()


def call_plain(action: str, body: str) -> bytes:
    req = urllib.request.Request("http://orders-legacy.example.net/OrderService.svc", data=_envelope(body), headers={"Authorization": _basic_auth(), "SOAPAction": action})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.read()


def wsdl() -> bytes:
    ctx = ssl.create_default_context()
    ctx.check_hostname = True
    with urllib.request.urlopen(SOAP_URL + "?wsdl", context=ctx, timeout=30) as resp:
        return resp.read()
