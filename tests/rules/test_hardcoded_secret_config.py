"""TW102 hardcoded-secret-config: each file kind, quoting, comments, references."""

from __future__ import annotations

import textwrap

import pytest

from tests.helpers import fired, scan_snippet
from tokenward.analysis.config_pairs import pairs
from tokenward.analysis.source import FileKind
from tokenward.rules.hardcoded_secret_config import RULE


def _found(code: str, path: str) -> list[tuple[int, int, str | None]]:
    text = textwrap.dedent(code).lstrip("\n")
    return [(f.span.line, f.span.column, f.target)
            for f in scan_snippet(text, path, [RULE]) if f.rule_id == RULE.id]


@pytest.mark.parametrize(("path", "code", "expected"), [
    (".env", '''
        # PASSWORD=Zq8vK2mQ9Ls4 (a comment)
        DB_PASSWORD=Zq8vK2mQ9Ls4
        API_KEY='Xq8vK2mQ9Ls4Wz7R' # inline comment
        SECRET_KEY="Yq8vK2mQ9Ls4#notcomment"
        TOKEN=${OTHER_TOKEN}
        EMPTY_TOKEN=
        export AWS_SECRET_ACCESS_KEY=9dK2mQ8vLz3Xr7Tp1Wc5Yb4Nf6Hj0Gs2Ke8Ua3Vq
        ''', [(2, 13, "DB_PASSWORD"), (3, 10, "API_KEY"), (4, 13, "SECRET_KEY"),
              (7, 30, "AWS_SECRET_ACCESS_KEY")]),
    ("config.yaml", '''
        database:
          password: "Zq8vK2mQ9Ls4"   # quoted
        auth:
          client_secret: Xq8vK2mQ9Ls4Wz7R
          token_url: https://login.example.org/token
        url: mysql://root:Wq8vK2mQ9Ls4@db.internal/app
        key: |
          Vq8vK2mQ9Ls4Wz7R
        api_key: ${API_KEY}
        password: "{{ lookup('env', 'PW') }}"
        ''', [(2, 14, "password"), (4, 18, "client_secret"), (6, 19, "url")]),
    ("settings.toml", '''
        [db]
        password = "Zq8vK2mQ9Ls4"
        creds = { user = "a", password = "Xq8vK2mQ9Ls4" }
        name = "password"
        ''', [(2, 13, "password"), (3, 35, "password")]),
    ("app.cfg", '''
        [smtp]
        password: Zq8vK2mQ9Ls4
        ; password = Xq8vK2mQ9Ls4
        sqlalchemy.url = postgresql://scott:Tg9vK2mQ8Ls4@localhost/test
        ''', [(2, 11, "password"), (4, 37, "sqlalchemy.url")]),
    ("run.sh", '''
        #!/bin/bash
        export API_TOKEN=Zq8vK2mQ9Ls4Wz7R
        PGPASSWORD=Xq8vK2mQ9Ls4 psql -h db
        curl -u admin:Yq8vK2mQ9Ls4 https://x
        echo "$PASSWORD"
        ''', [(2, 18, "API_TOKEN"), (3, 12, "PGPASSWORD"), (4, 15, "password")]),
    ("Dockerfile", '''
        FROM alpine
        ENV DB_PASSWORD Zq8vK2mQ9Ls4
        ARG GITHUB_TOKEN
        ENV A=1 \\
            SECRET_KEY="Xq8vK2mQ9Ls4Wz7R"
        ''', [(2, 17, "DB_PASSWORD"), (5, 17, "SECRET_KEY")]),
    ("package.json", '''
        {"name": "x", "config": {"apiKey": "Zq8vK2mQ9Ls4Wz7R", "password": ""}}
        ''', [(1, 37, "apiKey")]),
    ("docker-compose.yml", '''
        environment:
          - POSTGRES_PASSWORD=Zr8vK2mQw9Ls
          - "API_TOKEN=Xr8vK2mQw9LsP3"
          - POSTGRES_PASSWORD=${PG_PASSWORD}
        ''', [(2, 23, "POSTGRES_PASSWORD"), (3, 16, "API_TOKEN")]),
])
def test_config_kinds(path: str, code: str, expected: list[tuple[int, int, str]]) -> None:
    assert _found(code, path) == expected


def test_messages_name_the_key() -> None:
    [finding] = scan_snippet("STRIPE_SECRET_KEY=sk_live_51HkT9bLqZ3xYp7vRwC2mN8dEa\n", ".env",
                             [RULE])
    assert finding.message == ("Hard-coded Stripe secret key in configuration key "
                               "STRIPE_SECRET_KEY")


def test_double_quoted_env_value_continued_with_backslash() -> None:
    [pair] = list(pairs('TOKEN="Zq8vK2mQ\\\n9Ls4Xw7R"\n', FileKind.ENV))
    assert (pair.key, pair.value, pair.line) == ("TOKEN", "Zq8vK2mQ9Ls4Xw7R", 1)


def test_files_without_keywords_are_not_read() -> None:
    assert not RULE.wants("debug: true\nport: 8080\n")


def test_an_authorization_header_on_a_command_line_names_the_header() -> None:
    code = 'curl -H "Authorization: Bearer Zq8Lm3Kv9Xt2Rw7P" https://api.internal/v1/jobs\n'
    assert [(f.span.line, f.span.column, f.message)
            for f in scan_snippet(code, "deploy.sh", [RULE])] == [
        (1, 32, "Hard-coded bearer token in configuration key Authorization")]


def test_an_nginx_directive_and_its_url_are_not_a_key_and_a_password() -> None:
    """``proxy_pass http://backend:8000/;`` in a .conf: the colon of ``http://`` is not the
    INI separator, so no key "proxy_pass http" holds a "password" ``//backend:8000/``."""
    text = ("location /docs {\n"
            "    proxy_pass http://localhost:8000/docs;\n"
            "    uwsgi_pass unix:///run/app.sock;\n"
            "}\n"
            "password: Vq8rT3nZp2Lm\n")
    assert fired(scan_snippet(text, "nginx.conf"), "TW102") == [5]


def test_indented_lines_below_an_empty_ini_value_continue_it() -> None:
    """setup.cfg: ``per-file-ignores =`` and the lines indented below it are one value (as
    configparser reads it), so ``pkg/auth/tests/test_token.py:E501,F401`` (line 4) is a
    path and codes, not a key holding a secret; a password alone below ``password =``
    (line 8) is that password, at its own line and column."""
    text = ("[flake8]\n"
            "max-line-length = 120\n"
            "per-file-ignores =\n"
            "\tpkg/auth/tests/test_token.py:E501,F401\n"
            "\tpkg/auth/secrets.py:E501\n"
            "\n"
            "[smtp]\n"
            "password =\n"
            "    Zq8vK2mQ9Ls4\n")
    assert [(f.span.line, f.span.column, f.message)
            for f in scan_snippet(text, "setup.cfg", [RULE])] == [
        (9, 5, "Hard-coded password in configuration key password")]


def _messages(code: str, path: str) -> list[tuple[int, int, str]]:
    text = textwrap.dedent(code).lstrip("\n")
    return [(f.span.line, f.span.column, f.message)
            for f in scan_snippet(text, path, [RULE]) if f.rule_id == RULE.id]


def test_xml_elements_and_attributes_are_pairs() -> None:
    # Maven settings.xml, Tomcat users, .NET appSettings, Spring properties, seed data.
    assert _messages('''
        <settings><servers><server>
          <username>deploy</username>
          <password>Xk9$pLm2Qw7vRt</password>
          <password>${env.MAVEN_PASSWORD}</password>
          <password></password>
          <password/>
          <password>  </password>
        </server></servers>
        <!-- <password>Commented9Out2x</password>
          <apiKey>AlsoCommented9xQ4</apiKey> -->
        <appSettings><add key="ApiKey" value="a8F3kL9qZ2mX7wP4"/></appSettings>
        <property name="token_url" value="https://auth.example.org/token"/>
        <user username="tomcat" password="s3cr3tT0mcatPw" roles="manager-gui"/>
        <apiKey>Zq8vK2mQ9Ls4Wz7R</apiKey>
        </settings>
        ''', "conf/settings.xml") == [
        (3, 13, "Hard-coded password in configuration key password"),
        (11, 39, "Hard-coded API key in configuration key ApiKey"),
        (13, 35, "Hard-coded password in configuration key password"),
        (14, 9, "Hard-coded API key in configuration key apiKey"),
    ]


def test_xml_seed_data_password_dsvpwa() -> None:
    # dsvpwa db/users.xml:7, the application's users with their passwords.
    assert _messages('''
        <?xml version="1.0" encoding="utf-8"?>
        <users>
            <user id="0">
                <username>admin</username>
                <lastname>Administrator</lastname>
                <password>Y3RFgwZP$v6v#D</password>
            </user>
        </users>
        ''', "db/users.xml") == [(6, 19, "Hard-coded password in configuration key password")]


def test_a_text_file_named_for_credentials_holds_pairs() -> None:
    # tiredful-api Tiredful-API/client_cred.txt:2
    text = "client-id: 9fK2mQ8vLx3RtZ7wNp4sA\nclient-secret: 9fK2mQ8vLx3RtZ7wNp4s\n"
    assert _messages(text, "Tiredful-API/client_cred.txt") == [
        (2, 16, "Hard-coded client secret in configuration key client-secret")]
    # A page of docs that mentions a password stays docs, and is not read as pairs.
    assert _messages("password: 9fK2mQ8vLx3RtZ7wNp4s\n", "README.txt") == []


def test_an_xml_value_element_is_bound_to_the_name_before_it() -> None:
    # Hadoop core-site.xml and Java property lists: <name> then <value>.
    assert _messages('''
        <configuration>
          <property>
            <name>fs.s3a.secret.key</name>
            <value>Zq8vK2mQ9Ls4Wz7RpT3x</value>
          </property>
          <property><name>fs.s3a.endpoint</name><value>Yq8vK2mQ9Ls4Wz7R</value></property>
          <value>Xq8vK2mQ9Ls4Wz7R</value>
        </configuration>
        ''', "etc/hadoop/core-site.xml") == [
        (4, 12, "Hard-coded secret key in configuration key fs.s3a.secret.key")]
