"""init-project: scaffold configuration files for a new service."""
from __future__ import annotations

import secrets
from pathlib import Path

ENV_TEMPLATE = """\
SECRET_KEY={secret_key}
DATABASE_URL=postgresql://{name}:{db_password}@localhost:5432/{name}
GITHUB_TOKEN=
"""

COMPOSE_SNIPPET = "POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?required}"
JINJA_SNIPPET = "password: {{ db_password | default('') }}"
HELM_SNIPPET = "token: {{ .Values.apiToken | quote }}"
GHA_SNIPPET = "token: ${{ secrets.DEPLOY_TOKEN }}"
ERB_SNIPPET = "password: <%= ENV['DB_PASSWORD'] %>"
SHELL_SNIPPET = 'export API_KEY="$(pass show corp/api-key)"'
PLACEHOLDER_TOKEN = "REPLACE_WITH_YOUR_TOKEN"
PLACEHOLDER_PASSWORD = "<password>"
DEFAULT_ADMIN_PASSWORD = None
NULL_TOKEN = "null"
NONE_SECRET = "None"
TRUE_PASSWORD_FLAG = "true"


def write_env(target: Path, name: str) -> None:
    secret_key = secrets.token_hex(32)
    db_password = secrets.token_urlsafe(24)
    target.write_text(ENV_TEMPLATE.format(secret_key=secret_key, name=name, db_password=db_password))


def ask_token(prompt: str = "GitHub token (leave empty to skip): ") -> str:
    return input(prompt).strip()
