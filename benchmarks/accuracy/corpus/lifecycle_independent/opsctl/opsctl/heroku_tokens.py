import requests

HEROKU_API = "https://api.heroku.com"
HEADERS = {"Accept": "application/vnd.heroku+json; version=3"}


def create_authorization(api_key: str, description: str, scopes: list[str]) -> str:
    response = requests.post(
        f"{HEROKU_API}/oauth/authorizations",
        headers={**HEADERS, "Authorization": f"Bearer {api_key}"},
        json={"description": description, "scope": scopes},
        timeout=15,
    )
    response.raise_for_status()
    return response.json()["access_token"]["token"]


def create_short_authorization(api_key: str, description: str) -> str:
    response = requests.post(
        f"{HEROKU_API}/oauth/authorizations",
        headers={**HEADERS, "Authorization": f"Bearer {api_key}"},
        json={"description": description, "scope": ["read"], "expires_in": 3600},
        timeout=15,
    )
    response.raise_for_status()
    return response.json()["access_token"]["token"]
