import httpx

from ..core.config import get_settings


async def send_sms(phone: str, text: str) -> None:
    async with httpx.AsyncClient(base_url="https://sms.internal.ledger.example", timeout=10) as client:
        response = await client.post("/v1/messages", json={"to": phone, "text": text})
        response.raise_for_status()
