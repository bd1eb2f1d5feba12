import os
import random
import time

import typer

from . import gitlab_tokens, heroku_tokens, k8s_tokens, passwords, vault_tokens

app = typer.Typer(help="Operations helpers for the platform team.")


@app.command()
def bot_token(username: str = "release-bot") -> None:
    gl = gitlab_tokens.connect(os.environ["GITLAB_URL"], os.environ["GITLAB_ADMIN_TOKEN"])
    typer.echo(gitlab_tokens.create_bot_token(gl, username))


@app.command()
def deploy_token(app_name: str) -> None:
    vault = vault_tokens.client(os.environ["VAULT_ADDR"], os.environ["VAULT_TOKEN"])
    typer.echo(vault_tokens.deploy_token(vault, app_name))


@app.command()
def heroku_ci(description: str = "ci deploy") -> None:
    typer.echo(heroku_tokens.create_authorization(os.environ["HEROKU_API_KEY"], description, ["write"]))


@app.command()
def k8s_monitoring(namespace: str = "monitoring") -> None:
    typer.echo(k8s_tokens.monitoring_token(namespace))


@app.command()
def new_db_user(name: str) -> None:
    password = passwords.service_password()
    typer.echo(f"CREATE ROLE {name} LOGIN PASSWORD '{password}';")


@app.command()
def temp_password() -> None:
    stamp = hex(int(time.time() * 1000))[2:]
    typer.echo(f"tmp-{stamp}")


@app.command()
def canary(hosts: list[str], share: float = 0.05) -> None:
    chosen = random.sample(hosts, k=max(1, int(len(hosts) * share)))
    typer.echo("\n".join(chosen))


if __name__ == "__main__":
    app()
