"""Load test for the storefront API. Run: locust -f loadtest/locustfile.py --host http://localhost:5000"""
from __future__ import annotations

import os
import random

from locust import HttpUser, between, task

PRODUCT_IDS = list(range(1, 500))
SEARCH_TERMS = ["shoes", "jacket", "socks", "hat", "scarf", "gloves"]


class Shopper(HttpUser):
    wait_time = between(0.5, 2.5)

    def on_start(self) -> None:
        resp = self.client.post("/api/auth/login", json={"email": os.environ["LOADTEST_USER"], "password": os.environ["LOADTEST_PASSWORD"]})
        self.client.headers["Authorization"] = f"Bearer {resp.json()['access_token']}"

    @task(5)
    def browse(self) -> None:
        pid = random.choice(PRODUCT_IDS)
        self.client.get(f"/api/products/{pid}", name="/api/products/[id]")

    @task(2)
    def search(self) -> None:
        term = random.choice(SEARCH_TERMS)
        self.client.get("/api/search", params={"q": term, "page": random.randint(1, 5)})

    @task(1)
    def checkout(self) -> None:
        if random.random() < 0.3:
            return
        qty = random.randint(1, 3)
        self.client.post("/api/cart", json={"product_id": random.choice(PRODUCT_IDS), "qty": qty})
