import os
from datetime import datetime, timedelta, timezone

from jose import jwt

SECRET = os.environ["BRIDGE_HS_SECRET"]
ALGORITHM = "HS256"


def support_widget_token(user: dict) -> str:
    claims = {"sub": user["id"], "name": user["display_name"], "plan": user["plan"]}
    return jwt.encode(claims, SECRET, algorithm=ALGORITHM)


def status_page_token(user: dict) -> str:
    claims = {"sub": user["id"], "exp": datetime.now(timezone.utc) + timedelta(minutes=5)}
    return jwt.encode(claims, SECRET, algorithm=ALGORITHM)


def kiosk_display_token(display_id: str) -> str:
    claims = {"sub": f"display:{display_id}", "exp": datetime(2099, 1, 1, tzinfo=timezone.utc)}
    return jwt.encode(claims, SECRET, algorithm=ALGORITHM)


def read_widget_token(token: str) -> dict:
    return jwt.decode(token, SECRET, algorithms=[ALGORITHM], options={"verify_exp": False})


def read_status_token(token: str) -> dict:
    return jwt.decode(token, SECRET, algorithms=[ALGORITHM])
