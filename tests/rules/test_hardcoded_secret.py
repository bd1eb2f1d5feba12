"""TW101 hardcoded-secret: exact lines, targets and details, positives and tricky negatives."""

from __future__ import annotations

import textwrap

import pytest

from tests.helpers import fired, scan_snippet, through_screen
from tokenward.rules.hardcoded_secret import RULE, _wants


def _scan(code: str, path: str = "app.py") -> list[tuple[int, str | None, str]]:
    text = textwrap.dedent(code).lstrip("\n")
    return [(f.span.line, f.target, f.message)
            for f in scan_snippet(text, path, [RULE]) if f.rule_id == RULE.id]


def _lines(code: str, path: str = "app.py") -> list[int]:
    return fired(scan_snippet(textwrap.dedent(code).lstrip("\n"), path, [RULE]), RULE.id)


# ruff: noqa: E501 (the sample code keeps one statement per line)
POSITIVES = '''
import os, httpx, psycopg2, pymysql, ldap, ldap3, smtplib, openai, slack_sdk, jwt
from github import Github, Auth
from azure.identity import ClientSecretCredential
API_KEY = "Zx8Qm2Lp9Rt4Kv7W"
secret_token = b"Hq3Lz8Vm2Kp9Xr4T"
config = {"db": {"password": "Tz7!qL9v#Km2"}, "name": "x"}
def connect(host, password="Pm4!vX9q#Lz2"): pass
conn = psycopg2.connect(host="db", user="app", password="Kv7Wq2Zm9Lx4")
conn2 = psycopg2.connect("dbname=app user=app password=Wq2Zm9Lx4Kv7 host=db")
db = pymysql.connect("db", "app", "Lx4Kv7Wq2Zm9")
g = Github("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")
a = Auth.Token("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")
c = ClientSecretCredential("72f988bf-86f1-41af-91ab-2d7cd011db47", "04b07795-8ddb-461a-bbee-02f9e1bf7b46", "Qx8~Lm2.Vz9_Kp4-Rt7Wq3")
cl = openai.OpenAI(api_key="sk-proj-Ab3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5oQ7sU9wY1")
w = slack_sdk.WebClient(token="xoxb-2210532981-3324908812-Xy8Kq2Lm9Vz3Rt7Wq4Pn6Bc1")
l = ldap.initialize("ldap://x"); l.simple_bind_s("cn=admin,dc=x", "Bz8!Kq2#Lm9v")
c3 = ldap3.Connection(server, "cn=admin", password="Rv3!Kq8#Lm2z")
s = smtplib.SMTP("x"); s.login("me", "Sm7!Kq2#Lx9v")
r = httpx.get(u, headers={"Authorization": "Token Hx7Kq2Lm9Vz3Rt4W"})
h = "Bearer " + "Jx7Kq2Lm9Vz3Rt4W"
TOK = "Mx7Kq2Lm9Vz3Rt4W"
h2 = {"Authorization": "Bearer " + TOK}
if password == "Cq9!vL2#Km7z": pass
user, password = "admin", "Dq9!vL2#Km7z"
SECRET = os.environ.get("APP_SECRET", "Eq9vL2Km7zXw4Rt8")
class C:
    client_secret: str = "Fq9vL2Km7zXw4Rt8"
    def __init__(self): self.auth_token = "Gq9vL2Km7zXw4Rt8"
token = jwt.encode({"sub": 1}, "Nq9vL2Km7zXw4Rt8", algorithm="HS256")
resp = httpx.get(u, auth=("deploy", "Zr8vK2mQw9Ls"))
A = B_TOKEN = "Pq9vL2Km7zXw4Rt8"
'''


def test_every_binding_kind_fires_on_its_line() -> None:
    assert _lines(POSITIVES) == [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                                 22, 23, 24, 25, 27, 28, 29, 30, 31]


def test_targets_name_what_the_secret_is_bound_to() -> None:
    found = {line: (target, message) for line, target, message in _scan(POSITIVES)}
    assert found[4] == ("API_KEY", "Hard-coded API key bound to API_KEY")
    assert found[6] == ("password", "Hard-coded password bound to password")
    assert found[9] == ("connection string",
                        "Hard-coded password in a connection string bound to connection string")
    assert found[11] == ("login_or_token",
                         "Hard-coded GitHub personal access token bound to login_or_token")
    assert found[13][0] == "client_secret"
    assert found[14] == ("api_key", "Hard-coded OpenAI API key bound to api_key")
    assert found[16][0] == "password"  # simple_bind_s(dn, "pw")
    assert found[19] == ("Authorization", "Hard-coded credential bound to Authorization")
    assert found[20] == ("h", "Hard-coded bearer token bound to h")
    assert found[22] == ("Authorization", "Hard-coded bearer token bound to Authorization")
    assert found[25] == ("APP_SECRET", "Hard-coded secret bound to APP_SECRET")
    assert found[28] == ("auth_token", "Hard-coded token bound to auth_token")
    assert found[29] == ("key", "Hard-coded JWT signing key bound to key")
    assert found[30] == ("auth", "Hard-coded password bound to auth")
    assert found[31] == ("B_TOKEN", "Hard-coded token bound to B_TOKEN")


def test_stripe_module_attribute_keeps_its_dotted_name() -> None:
    assert _scan('''
        import stripe
        stripe.api_key = "sk_live_51HkT9bLqZ3xYp7vRwC2mN8dEa"
        ''') == [(2, "stripe.api_key", "Hard-coded Stripe secret key bound to stripe.api_key")]


def test_urls_report_the_name_they_are_bound_to() -> None:
    assert _scan('''
        DATABASE_URL = "postgres://app:Vq8rT3nZp2Lm@db.internal:5432/app"
        engine = create_engine(f"mysql://root:Wq8vK2mQ9Ls4@{host}/app")
        print("redis://:Xq8vK2mQ9Ls4@cache:6379/0")
        ''') == [(1, "DATABASE_URL", "Hard-coded password in a URL bound to DATABASE_URL"),
                 (2, "mysql URL", "Hard-coded password in a URL bound to mysql URL"),
                 (3, "redis URL", "Hard-coded password in a URL bound to redis URL")]


def test_bearer_from_a_constant_is_reported_at_the_fstring() -> None:
    assert _lines('''
        GH = "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"

        def call():
            return {"Authorization": f"Bearer {GH}"}
        ''') == [4]


def test_bearer_from_a_secret_named_constant_is_reported_once_at_the_constant() -> None:
    assert _lines('''
        API_TOKEN = "Zq8vK2mQ9Ls4Xw7R"
        HEADERS = {"Authorization": f"Bearer {API_TOKEN}"}
        ''') == [1]


NEGATIVES = '''
import os
token_url = "https://example.org/oauth/token"
password_reset_url = "/reset/Zq8vK2mQ9Ls4/"
secret_name = "prod/db/password"
key_id = "Zq8vK2mQ9Ls4Xw7R"
max_tokens = 4096
token_count = "12345678"
public_key = "Zq8vK2mQ9Ls4Xw7R"
csrf_token_header = "X-CSRF-Token"
keyboard = "Zq8vK2mQ9Ls4Xw7R"
TOKEN_HEADER = "Authorization"
token_type = "bearer"
SECRET_KEY_NAME = "SECRET_KEY"
password_field = "password"
API_KEY = os.environ["API_KEY"]
API_TOKEN = "${API_TOKEN}"
GITHUB_TOKEN = "{{ secrets.GITHUB_TOKEN }}"
DB_PASSWORD = "%(db_password)s"
password = "********"
api_key = "abcdef1234567890"
sha = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
secret_hash = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
integrity = "sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC"
PASSWORD_HASH = "pbkdf2_sha256$600000$abc$Zq8vK2mQ9Ls4Xw7R"
TOKEN_RE = "[A-Za-z0-9]{36}"
private_key = "/etc/ssl/private/server.key"
SECRET = "Please enter your secret"
auth = ("admin", os.environ["PW"])
client_id = "1234567890-abcdefghijklmnop.apps.googleusercontent.com"
STRIPE_KEY = "pk_live_51HkT9bLqZ3xYp7vRwC2mN8dEa"
tenant_id = "72f988bf-86f1-41af-91ab-2d7cd011db47"
GITHUB_TOKEN = "ghp_M7H4jxUDDWHP4kZ6A4dxlQYsQIWJuq11T4V3"
dsn = "postgres://user:password@localhost/db"
SESSION_KEY = "_auth_user_id"
headers = {"Authorization": f"Bearer {token}"}
test_password = "Zq8vK2mQ9Ls4Xw7R"
requests.get(url, auth=HTTPBasicAuth("user", os.environ["PW"]))
AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
'''


def test_tricky_negatives_stay_silent() -> None:
    assert _lines(NEGATIVES) == []


def test_syntax_error_falls_back_to_the_text_level_judgement() -> None:
    # Without a tree, `NAME = "literal"` lines are judged as TW102 judges config pairs.
    assert _lines('API_KEY = "Zx8Qm2Lp9Rt4Kv7W"\nURL = "https://example.org"\ndef (:\n') == [1]


def test_file_prefilter_skips_files_that_cannot_fire() -> None:
    assert not _wants('token_url = "https://example.org/token"\nx = "short"\n'.lower())
    assert not _wants('session_key = "_auth_user_id"\n')
    assert _wants('api_key = "zx8qm2lp9rt4kv7w"\n')
    assert _wants('auth = httpbasicauth(\n    "bot",\n    "kv7wq2zm9lx4",\n)\n')
    assert _wants('h = f"bearer {gh}"\n')
    assert _wants('url = "postgres://app:vq8rt3nzp2lm@db/app"\n')
    # A value that starts with a secret stem ("pw...") must not hide the name before it.
    assert _wants('db_password = "pw3sk9vqxl2mt7rz4nb8"\n')
    assert _lines('DB_PASSWORD = "Pw3sK9vQxL2mT7rZ4nB8"\n') == [1]


def test_multiline_positional_credentials_are_seen() -> None:
    assert _lines('''
        from requests.auth import HTTPBasicAuth
        auth = HTTPBasicAuth(
            "bot",
            "Kv7Wq2Zm9Lx4",
        )
        ''') == [4]


def test_a_pair_is_a_login_only_under_a_name_that_ends_in_one() -> None:
    """Line 2: the second element of an ``AUTH_PAIR`` is a password. Line 5: a mapping
    from an event name that mentions authorization to (module path, class name) is not."""
    code = ('AUTH_PAIR = (\n    "deploy", "Zq8vK2mT9pL4rX7w")\n'
            "_EVENTS = {\n"
            '    "v1.issuing_authorization.created": (\n'
            '        "stripe.events._v1_issuing_authorization_created_event",\n'
            '        "V1IssuingAuthorizationCreatedEvent"),\n'
            "}\n")
    assert fired(scan_snippet(code, "app/events.py"), "TW101") == [2]


def test_a_value_slot_takes_the_name_of_what_it_fills() -> None:
    """tiredful-api intro/forms.py: an OAuth client secret as a hidden form field's
    ``attrs={'value': ...}`` (line 3) is bound to the field; ``V1EnvVar(name=, value=)``
    (line 7) and ``{"name": ..., "value": ...}`` (line 9) to the sibling name. A slot
    named by a harmless sibling or field (lines 5, 8) is nothing."""
    assert _scan('''
        class LoginForm(forms.Form):
            client_secret = forms.CharField(widget=forms.HiddenInput(attrs={
                'value': 'mWM7pgvjtUSAtfaK8RXLjzOaLmurBxIW'}))
            grant_type = forms.CharField(widget=forms.HiddenInput(attrs={'value': 'password'}))
            note = forms.CharField(initial='Zq8rT5pLm2Xv7Rt9Wq4Pn6Bc1Hq3Lz8V')

        env = [client.V1EnvVar(name="API_TOKEN", value="Hq3Lz8Vm2Kp9Xr4TWq4Pn6BcZq8rT5pL"),
               {"name": "LOG_LEVEL", "value": "Xr4TWq4Pn6BcZq8rT5pLHq3Lz8Vm2Kp9"},
               {"name": "DB_PASSWORD", "value": "Xr4TWq4Pn6BcZq8rT5pLHq3Lz8Vm2Kp9"}]
        ''') == [
        (3, "client_secret", "Hard-coded client secret bound to client_secret"),
        (7, "API_TOKEN", "Hard-coded token bound to API_TOKEN"),
        (9, "DB_PASSWORD", "Hard-coded password bound to DB_PASSWORD"),
    ]


_CALLS_THAT_BIND_NOTHING = """
    import os
    from typing import Final

    DEFAULT_PASSWORD: Final = ""

    def setup(hass, client, entry):
        if hasattr(hass, "auth") and not entry.data.get("password", "") == "":
            client.login()
        return os.environ.get("HOME", "/root")
    """


def test_calls_the_search_reads_no_literal_of_leave_the_file_unparsed() -> None:
    # hasattr(x, "auth") names nothing; client.login() passes no password; an empty
    # password default is no secret: the screen asks what the search would.
    assert through_screen(RULE, _CALLS_THAT_BIND_NOTHING, "setup.py") == ([], False)


def test_the_calls_it_reads_still_go_through_the_screen() -> None:
    code = _CALLS_THAT_BIND_NOTHING + """
    TOKEN = os.environ.get("API_TOKEN", "Zx8Kq2Lm9Np4Rs7Tv1Wy3Ab6Cd0Ef5G")
    server.login("admin", "Vq8rT3nZp2Lm")
    """
    assert through_screen(RULE, code, "setup.py") == ([
        (11, 37, "Hard-coded token bound to API_TOKEN"),
        (12, 23, "Hard-coded password bound to password")], True)


# vulpy's bad/db_init.py (seeded accounts, put in the ``password`` column by a loop) and
# bad/db.py (hashed before they are stored), with values of the same shape.
SEEDED = '''
import sqlite3
from passlib.hash import pbkdf2_sha256

def db_init_users():
    users = [
        ('admin', 'Qv8SuperTx'),
        ('elliot', '918273645'),
        ('tim', '56473829')
    ]
    conn = sqlite3.connect('db_users.sqlite')
    c = conn.cursor()
    for u,p in users:
        c.execute("INSERT INTO users (username, password, failures) VALUES ('%s', '%s', '%d')" %(u, p, 0))
    c.execute("INSERT INTO users (username, password) VALUES (?, ?)", ("root", "Wz4Toor9Lk"))
    c.execute("INSERT INTO posts (username, text) VALUES (?, ?)", ("admin", "Zq8Hello2Lm"))

def db_init():
    hashed = [('admin', pbkdf2_sha256.encrypt('732915')), ('tim', pbkdf2_sha256.hash('Vq7Kz2x'))]
'''


def test_a_password_put_in_a_password_column_or_hashed_is_written_in_the_code() -> None:
    # The rows a loop puts in the password column (6-8), a password given to an INSERT
    # directly (14), two hashed (18); not the text of a post (15).
    assert _scan(SEEDED, "db_init.py") == [
        (6, "password", "Hard-coded password bound to password"),
        (7, "password", "Hard-coded password bound to password"),
        (8, "password", "Hard-coded password bound to password"),
        (14, "password", "Hard-coded password bound to password"),
        (18, "password", "Hard-coded password bound to password"),
        (18, "password", "Hard-coded password bound to password"),
    ]


def test_seeded_accounts_go_through_the_prefilter_and_the_screen() -> None:
    seeded = SEEDED.split("\ndef db_init():")[0]
    assert _wants(textwrap.dedent(seeded).lower())
    found, parsed = through_screen(RULE, seeded, "db_init.py")
    assert [line for line, _, _ in found] == [6, 7, 8, 14] and parsed


ROWS = '''
import requests
from django.contrib.auth.hashers import make_password

ACCOUNTS = (("ops", "Kq9Lm2Vx7Tz"), ("ci", "Rt4Wq8Zn3Lp"))
LABELS = [("ops", "Operations team"), ("ci", "Build robot")]

def seed(User, conn):
    for name, secret in ACCOUNTS:
        User.objects.create(username=name, password=make_password(secret))
    for name, label in LABELS:
        User.objects.create(username=name, first_name=label)
    for name, pw in [("svc", "Mx5Qz8Lv2Kr")]:
        requests.get("https://api.example.com", auth=(name, pw))
    for user, password in [("bot", "Hn6Vq3Zx9Lt")]:
        conn.connect(user)
'''


def test_a_row_a_loop_hands_to_a_credential_is_one_and_other_rows_are_not() -> None:
    # ACCOUNTS's cells reach make_password (line 4: a password, though the loop calls
    # them ``secret``); LABELS's reach a first name (none); the loops over a literal table
    # bind ``pw`` and ``password`` themselves (lines 12 and 14).
    assert _lines(ROWS, "seed.py") == [4, 4, 12, 14]


# What the search binds nothing through: a loop over a call's rows (the text has a table
# and a loop naming a token: its prefilter lets it through), a secret's name compared
# with a word, an addition with no string, a secret-named or never-assigned name handed
# to ``set_password``.
_SCREENED_OUT = '''
import sqlparse
from django.conf import settings

PREFIX = settings.PREFIX
KINDS = [("name", "kind")]

def lex(template, tokenize):
    for token, position in tokenize(template):
        if token == "COLLATE":
            return position
    options = {"secret_key": PREFIX + make_key()}
    return options

def reset(user, raw_password, form):
    user.set_password(raw_password)
    user.set_password(form.cleaned_data)
    p1 = form.ask()
    user.set_password(p1)
'''


def test_what_the_search_binds_nothing_through_leaves_the_file_unparsed() -> None:
    assert through_screen(RULE, _SCREENED_OUT, "app/lexer.py") == ([], False)


@pytest.mark.parametrize(("extra", "line"), [
    # A literal table a loop walks, by name: its cells are the loop's variables.
    ('ROWS = [("admin", "Kq9Lm2Vx7TzW")]\nfor user, password in ROWS:\n    print(user)\n',
     19),
    # A secret's name compared with a secret.
    ('def check(token):\n    return token == "Zx8Kq2Lm9Np4Rs7Tv1Wy3Ab6Cd0Ef5G"\n', 20),
    # An addition of strings: one literal split over lines.
    ('API_TOKEN = "Zx8Kq2Lm9Np4" + "Rs7Tv1Wy3Ab6Cd0Ef5G"\n', 19),
    # A plain name assigned a literal, handed to set_password.
    ('def seed(user):\n    initial = "Kq9Lm2Vx7TzW"\n    user.set_password(initial)\n', 20),
])
def test_what_the_search_binds_a_literal_through_still_reaches_it(extra: str,
                                                                   line: int) -> None:
    found, parsed = through_screen(RULE, _SCREENED_OUT + extra, "app/lexer.py")
    assert parsed and [f[0] for f in found] == [line]
