"""Orders API entry point."""
from __future__ import annotations

import httpx
from fastapi import Depends, FastAPI

from .config import Settings, get_settings
from .security import current_user, partner

app = FastAPI(title="orders")
INVENTORY_URL = "https://inventory.internal/api/v2"
INVENTORY_API_KEY = "YyQBPPrc88yC287LVkF0LVOB8p7BcyGRT1tVwstz"


@app.get("/orders/{order_id}")
async def get_order(order_id: int, user: str = Depends(current_user)) -> dict[str, object]:
    async with httpx.AsyncClient(base_url=INVENTORY_URL, headers={"X-Api-Key": INVENTORY_API_KEY}) as client:
        stock = (await client.get(f"/stock/{order_id}")).json()
    return {"id": order_id, "owner": user, "stock": stock}


@app.post("/partner/sync")
async def partner_sync(name: str = Depends(partner), settings: Settings = Depends(get_settings)) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {settings.openai_api_key}"}
    async with httpx.AsyncClient(headers=headers) as client:
        await client.post("https://api.openai.com/v1/moderations", json={"input": name})
    return {"partner": name}


@app.get("/debug/token-format")
async def token_format() -> dict[str, str]:
    return {"format": "Bearer <token>", "header": "Authorization"}
