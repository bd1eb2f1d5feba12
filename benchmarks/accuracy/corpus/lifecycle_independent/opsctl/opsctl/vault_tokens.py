import hvac


def client(addr: str, token: str) -> hvac.Client:
    return hvac.Client(url=addr, token=token)


def deploy_token(vault: hvac.Client, app_name: str) -> str:
    response = vault.auth.token.create(
        policies=[f"{app_name}-deploy"],
        ttl="1h",
        renewable=False,
        meta={"app": app_name},
    )
    return response["auth"]["client_token"]


def build_agent_token(vault: hvac.Client) -> str:
    response = vault.auth.token.create(
        policies=["build-agent"],
        ttl="87600h",
        display_name="build-agent",
    )
    return response["auth"]["client_token"]


def db_creds(vault: hvac.Client, role: str) -> dict:
    return vault.secrets.database.generate_credentials(name=role)["data"]
