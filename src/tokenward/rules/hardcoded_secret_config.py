"""TW102 hardcoded-secret-config: a secret under a secret-like key in a configuration file."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tokenward.model import Category, Hit, Severity, Span
from tokenward.rules.base import CONFIG, Example, Rule, RuleDocs
from tokenward.rules.config_pairs import Pair, pairs
from tokenward.rules.providers import fails_validation, provider_of
from tokenward.rules.secret_names import secret_kind
from tokenward.rules.secret_values import (
    connection_string_secrets,
    not_flagged_doc,
    strip_auth_scheme,
    url_credentials,
    why_not_secret,
)
from tokenward.scanner.source import Source

# An Authorization header written out on one line (curl -H, YAML/INI header blocks).
# curl -u user:password, wget --password=...
_CLI_PASSWORD = re.compile(
    r"(?:^|\s)(?:-u|--user)\s+[\"']?[^\s:'\"$]+:(?P<pw>[^\s'\"@$]+)|"
    r"(?:^|\s)--(?:password|passwd|http-password|ftp-password)[= ][\"']?(?P<pw2>[^\s'\"$]+)"
)
_AUTH_HEADER = re.compile(
    r"Authorization[\"']?\s*[:=]\s*[\"']?(?:Bearer|Token|token|bearer)\s+"
    r"(?P<token>[A-Za-z0-9._~+/=\-]{8,})"
)


def _detect(source: Source) -> Iterator[Hit]:
    reported: set[tuple[int, str]] = set()
    for pair in pairs(source.text, source.kind):
        for hit in _pair_hits(pair):
            reported.add((hit.span.line, hit.secret or ""))
            yield hit
    # URLs with credentials and Authorization headers anywhere else (command lines, YAML
    # flow mappings, values the pair reader does not see).
    for number, line in enumerate(source.lines, 1):
        if "://" in line:
            for cred in url_credentials(line):
                if (number, cred.password) not in reported:
                    reported.add((number, cred.password))
                    yield Hit(Span(number, cred.start + 1, number, cred.end + 1),
                              secret=cred.password, target=f"{cred.scheme} URL",
                              detail="password in a URL", fixable=False)
        if source.kind == "shell" and ("-u" in line or "--" in line):
            for match in _CLI_PASSWORD.finditer(line):
                group = "pw" if match.group("pw") else "pw2"
                password = match.group(group)
                if (number, password) in reported or why_not_secret(password,
                                                                    "password") is not None:
                    continue
                reported.add((number, password))
                yield Hit(Span(number, match.start(group) + 1, number, match.end(group) + 1),
                          secret=password, target="password", detail="password",
                          fixable=False)
        if "uthorization" in line:
            for match in _AUTH_HEADER.finditer(line):
                token = match.group("token")
                if (number, token) in reported or why_not_secret(token, "bearer") is not None:
                    continue
                reported.add((number, token))
                yield Hit(Span(number, match.start("token") + 1, number, match.end("token") + 1),
                          secret=token, target="Authorization", detail="bearer token",
                          fixable=False)


def _pair_hits(pair: Pair) -> Iterator[Hit]:
    creds = list(url_credentials(pair.value))
    for cred in creds:
        column = pair.column + cred.start
        yield Hit(Span(pair.line, column, pair.line, column + len(cred.password)),
                  secret=cred.password, target=pair.key, detail="password in a URL",
                  fixable=False)
    if creds:
        return
    found = False
    for secret, start, end in connection_string_secrets(pair.value):
        found = True
        column = pair.column + start
        yield Hit(Span(pair.line, column, pair.line, pair.column + end), secret=secret,
                  target=pair.key, detail="password in a connection string", fixable=False)
    kind = secret_kind(pair.key)
    if found or kind is None or kind == "connection string":
        return
    value = strip_auth_scheme(pair.value)
    if fails_validation(value) or why_not_secret(value, pair.key) is not None:
        return
    offset = len(pair.value) - len(value)
    provider = provider_of(value)
    yield Hit(Span(pair.line, pair.column + offset, pair.line, pair.end_column),
              secret=value, target=pair.key, detail=provider.label if provider else kind,
              fixable=False)


_KEYWORDS = ("token", "secret", "pass", "pwd", "key", "auth", "credential", "cred", "bearer",
             "dsn", "://", "pat")

RULE = Rule(
    id="TW102",
    name="hardcoded-secret-config",
    title="Hard-coded secret in a configuration file",
    category=Category.HARDCODED_SECRET,
    severity=Severity.HIGH,
    cwe=(798,),
    message="Hard-coded {detail} in configuration key {target}",
    hint="Keep the value out of the file: reference an environment variable (${NAME}) or a "
         "secret store, and add real .env files to .gitignore.",
    kinds=CONFIG,
    keywords=_KEYWORDS,
    detect=_detect,
    docs=RuleDocs(
        what=(
            "A literal value under a secret-like key in `.env`, YAML, JSON, INI/cfg, TOML, "
            "shell scripts (`export API_TOKEN=...`) and Dockerfiles (`ENV`/`ARG`), a password "
            "inside a URL or connection string (`postgres://app:PASSWORD@db/app`), and a "
            "bearer token written into an `Authorization` header. Keys are judged as in "
            "TW101: `DB_PASSWORD`, `stripe.secret_key` and `GITHUB_TOKEN` hold secrets, "
            "`token_url`, `secret_name` and `public_key` do not. Files are read line by "
            "line, respecting quotes and comments; `${VAR}` references are not literals."
        ),
        why=(
            "Configuration files are copied into images, shared in tickets and committed by "
            "accident; a secret in one is a secret in every copy and in the git history. "
            "Dockerfile `ENV`/`ARG` values also stay in the image's layers and metadata."
        ),
        how=(
            "Reference the value instead of writing it: `${DB_PASSWORD}` in compose and CI "
            "files, a secret mount or BuildKit `--secret` in Dockerfiles, an untracked `.env` "
            "(listed in `.gitignore`) for local development with a committed `.env.example` "
            "holding placeholders. Rotate any value that was committed."
        ),
        not_flagged=not_flagged_doc(
            "Keys that describe a secret without holding one (`token_url`, `secret_name`, "
            "`password_min_length`, `public_key`, `key_id`).",
            "YAML block scalars (`key: |`): private keys in them are found by TW103.",
        ),
        references=(
            "https://cwe.mitre.org/data/definitions/798.html",
            "https://docs.docker.com/build/building/secrets/",
            "https://12factor.net/config",
        ),
    ),
    bad=(
        Example("""
            DEBUG=false
            DATABASE_URL=postgres://app:Vq8rT3nZp2Lm@db.internal:5432/app
            STRIPE_SECRET_KEY=sk_live_51HkT9bLqZ3xYp7vRwC2mN8dEa
            export SENDGRID_PASSWORD="x9F#kq2!Lm7p"
            """, path=".env", lines=(2, 3, 4)),
        Example("""
            services:
              db:
                environment:
                  - POSTGRES_PASSWORD=Zr8vK2mQw9Ls
                  - POSTGRES_USER=app
              api:
                environment:
                  API_TOKEN: "a8F3kQz9Lm2Xv7Rt"
            """, path="docker-compose.yml", lines=(4, 8)),
        Example("""
            {"name": "svc", "auth": {"client_secret": "Qm9vL2d8Zx7Rt4Kp"}}
            """, path="settings.json", lines=(1,)),
        Example("""
            FROM python:3.11-slim
            ENV APP_ENV=prod API_KEY=Zx8Qm2Lp9Rt4Kv7W
            ARG NPM_TOKEN=Hq3Lz8Vm2Kp9Xr4T
            """, path="Dockerfile", lines=(2, 3)),
        Example("""
            [database]
            host = db.internal
            password = Tz7!qL9v#Km2 ; ops set this
            """, path="app.ini", lines=(3,)),
        Example("""
            curl -H "Authorization: Bearer Zq8Lm3Kv9Xt2Rw7P" https://api.internal/v1/jobs
            """, path="deploy.sh", lines=(1,)),
    ),
    good=(
        Example("""
            DATABASE_URL=postgres://app:${DB_PASSWORD}@db.internal:5432/app
            API_TOKEN=
            SECRET_KEY=changeme
            GITHUB_TOKEN="<your-token>"
            TOKEN_URL=https://auth.internal/oauth/token
            """, path=".env.example"),
        Example("""
            env:
              GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}
              NPM_TOKEN: "{{ vault_npm_token }}"
              password_min_length: 12
              secret_name: prod/db/password
            """, path="workflow.yml"),
        Example("""
            {"integrity": "sha512-Qm9vL2d8Zx7Rt4KpQm9vL2d8Zx7Rt4KpQm9vL2d8Zx7Rt4Kp",
             "public_key": "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE", "token_type": "bearer"}
            """, path="policy.json"),
        Example("""
            [tool.app]
            password_hash = "$2b$12$KIXQ8h3Lm2Vq9Zt7Rw4PeO1aB5cD6eF7gH8iJ9kL0mN1oP2qR3sT"
            api_key_env = "OPENAI_API_KEY"
            """, path="pyproject.toml"),
        Example("""
            # password = Tz7!qL9v#Km2
            ENV PATH=/usr/local/bin:$PATH
            """, path="Dockerfile"),
    ),
)
