from functools import lru_cache

import httpx

PARTNER_JWKS = {
    "https://id.northwind-bank.example": "https://id.northwind-bank.example/.well-known/jwks.json",
    "https://auth.fabrikam-pay.example": "https://auth.fabrikam-pay.example/jwks",
}


@lru_cache(maxsize=None)
def _jwks(issuer: str) -> dict:
    return httpx.get(PARTNER_JWKS[issuer], timeout=5).json()


def signing_key_for(issuer: str) -> str:
    if issuer not in PARTNER_JWKS:
        raise KeyError(issuer)
    return _jwks(issuer)["keys"][0]["x5c"][0]
