"""Token signing keys for the identity service."""
from __future__ import annotations

import jwt
from cryptography.hazmat.primitives import serialization

SIGNING_KEY_PEM = """-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCkZsdsdOYTM179
EobBR6Qewt1HCmsS6hbhzJO2ef9vnRlv+7GHDfwV06I3xSnAwCz5AW75gdoHc5J4
XrXqgATOl8Q9spWyd9aY6FPfNI22wkrEcgdNS2GFM+ev3gEdBimBu/hFadgIhITP
fRxv04UQ5VSEDO1dir0fTY+CLOqUD0Bnrg7Lst421SVjfCUV7FdMukXAJDQ6c7yp
lk2GBpJFAQy+DN/VRBuG2n+aWDgyvwu7sBzTsZRyQsULbDu2vT3D/XumL6fBjplq
4ErCdmgfBxIzFcTB5rmyXytM7/J7bJ4Jas8/yYN17qyFKQRoTB+XqXNWnfTNjD4V
6/tZSX5NAgMBAAECggEAJquUWhMPMVIClGWgs+L9nEy6zuSI9hyBAGDmF+SPbHoY
Cyq5geqMsreirxqd7RxnF7U6HM9p8RnCyLSCduPg/ZVeUCLrKl0c6b+wRs7uTKBc
BORLimdiS3o/k7MVMPYLmlwUFIPGkI5XTRUBNN6crLI81IjT5o5lWPEeAgE9tlCV
hAUMBQf4gncEnt1tflys/Rxco2ALGWRbAh0AjuawgKXRTRuWoOeYyuRuypIfgE2B
4PC1JrBDXLSyHnmHgzWqW6UiiYJJmLsEW98/HEhZqVIZ7WACnRw2fxT40ozMsEBM
CU1Z81iQYI9ZTZbyL8xQK83aaYCrRUF24hsa2/qikQKBgQDUdRdCxHwaUh0rsNYK
4bjzk9+E6dHTA1erzaU7H9EQrdN5Bg3JW+5V50/nJHCYXrYf/thXvp6aV8ivJ65Y
9fQod7jmqDlk+ab9WcbZzREfmXgGjomV8fm7NLhK6B6mLVB2w+xNWf1W3OUJ0ZHa
ClZu7op+ITcaMq/XtYXMQIXI2QKBgQDGGFwf/5u1R9fmeCJsFAfkD9naNU8TUIKh
WI7S8mG5GdvdYxriJ6BkBqo+qxSrMD5CKNwFByrfhETH8YO2e+opnGuJx7gd8m64
Tup6V0JkxE18j2ZpRAJbV5LEeCdsr/Cn4U7b0+dUqMkJtJMPHqe2yVqjezb/TpDn
Wd1YfMlYlQKBgQDOHCYLzQhElKLeDvknp2HBVBTFIf1AA/8ami+Q00YEM050G25m
iTwHtJbsu4pMF54CHj8NqMy/GSiE3C8k+L78P2Fuy4aasiPRpzXleC8Dg+RQIBnU
EOLgPb4IVXXeaxmjjmEBjarbiQLd6qTfbaX6iopq4JhPXxr+XojF5VakyQKBgQCB
kyWPeK7tIRVEF4jMkT2oHAYwCXaz95G64CZsLUdmwFdktJK9I5ZyVzm8zEM0xtWy
iO+CCnIsymQDNSMmll9Q4JQnB5CTZiSuQlB1veYb65uTwmkGqgmwndPO15lSKrOL
3ICsoitK4Sy/QHKBDVg+4+55yPrsfQOjkNCMNPOvEQKBgH+vFW3qRGNF1j36vEDn
I4ac6gUY6yg2Y36WndUDPuiAJky/5Hm4JAEk6LsLOrqiJBBdPD27a4QBMevmBgGr
T0ldsQgeBSkeEKh4sTACxmefOwNsET7I13avrksIRGF1Hk0/c8ui1GmX5b7U8djX
qxZV2Be67W5WSf4nzsZkmXYu
-----END PRIVATE KEY-----"""

VERIFY_KEY_PEM = """-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvTFWSFUI0fEKlSH0v0Sh
4/S6fZYNt6GN3MrpDTldc7dBHHvd9PXeYDAByxZz+a3Uaf11shHLWBT1TQRHwOqM
EI4DPbwrTETlFmlvvPofOzZG7r77TynF1eCU3wnvElOre0kAGQCVTBdwX/XyfoJi
Dab9fqC4r5keIGVOmFXIA4ksQhrMnf8LdF53pQoH6PMaEfkp638UzmlSW250BSAx
VRAhNMTKosBBXY7fu/1F9pWopGJTvwSHhfwrh724FiVttKqP3HS/DYJJ/rbB+YuO
x4L1LQXUZiaA/e3gxBHKAmImpZChPzF3Nq/EzjSoawXdYsL40CNzZGqrwSwwG/TC
vwIDAQAB
-----END PUBLIC KEY-----"""

PARTNER_VERIFY_KEY = """-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEBP7jH/krEgFYasPtbaNKex2x/K1H
ho3SXWPe9M5gAUbolKJcydYoOkDX5zPe033RSWsuTrHCVZCCqCwcKWh7NA==
-----END PUBLIC KEY-----"""

JWT_EXAMPLE = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
JWT_HEADER_PREFIX = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
SERVICE_JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtaWZyc3JxIiwiaWF0IjoxNzAzMjQ1MjA5LCJzY29wZSI6ImFkbWluIn0.jblyRk7Hd9h8Obe-z4aPMVChAvG-7RPio0JAVPg46bC"
JWKS_URL = "https://id.corp.example/.well-known/jwks.json"
KEY_ID = "2024-11-rotation"


def sign(claims: dict[str, object]) -> str:
    key = serialization.load_pem_private_key(SIGNING_KEY_PEM.encode(), password=None)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": KEY_ID})


def sign_legacy(claims: dict[str, object]) -> str:
    return jwt.encode(claims, key="bfHGF9YQK5iOy0aCIXHuzBmdMKp2IBLcoxZ4sv8F", algorithm="HS256")


def verify(token: str) -> dict[str, object]:
    return jwt.decode(token, VERIFY_KEY_PEM, algorithms=["RS256"], audience="api")
