"""Test data factories for the storefront test suite."""
from __future__ import annotations

import random
import string
import uuid
from datetime import date, timedelta

FIRST_NAMES = ["Ada", "Grace", "Linus", "Barbara", "Ken", "Margaret"]


def fake_email() -> str:
    local = "".join(random.choices(string.ascii_lowercase, k=8))
    return f"{local}@example.test"


def fake_user() -> dict:
    return {
        "id": str(uuid.uuid4()),
        "name": random.choice(FIRST_NAMES),
        "email": fake_email(),
        "birthday": date(1970, 1, 1) + timedelta(days=random.randrange(365 * 40)),
    }


def fake_order(user_id: str) -> dict:
    return {
        "order_no": f"ORD-{random.randint(10000, 99999)}",
        "user_id": user_id,
        "total_cents": random.randint(500, 50000),
    }
