"""TW103 provider-token: formats in any text file, validated offline."""

from __future__ import annotations

import random
import string
import textwrap

import pytest

from tests.helpers import scan_snippet
from tokenward.rules.provider_token import RULE


def _found(code: str, path: str = "NOTES.md") -> list[tuple[int, int, str]]:
    text = textwrap.dedent(code).lstrip("\n")
    return [(f.span.line, f.span.column, f.message)
            for f in scan_snippet(text, path, [RULE]) if f.rule_id == RULE.id]


@pytest.mark.parametrize(("line", "message"), [
    ("token: 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",
     "GitHub personal access token in clear text"),
    ("x github_pat_11u8jzPde0IgxLd6GncfBA_epfJBd0Kh8oOOL8dKLzdocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFR"
     "IBXuDL7", "GitHub fine-grained personal access token in clear text"),
    ("key = sk_live_51HkT9bLqZ3xYp7vRwC2mN8dEaQz", "Stripe secret key in clear text"),
    ("key = rk_live_51HkT9bLqZ3xYp7vRwC2mN8dEaQz", "Stripe restricted key in clear text"),
    ("OPENAI=sk-proj-Ab3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5oQ7sU9wY1",
     "OpenAI API key in clear text"),
    ("k: sk-ant-api03-Ab3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5oQ7sU9wY1Ab3dE5gH7jK9mN1pQ3sT5vX7zA9cE1g"
     "I3kM5oQ7sU9wY1AA", "Anthropic API key in clear text"),
    ("maps: AIzaSyB3kQ9vLm2Xz7Rt4Wq8Pn6Bc1Dd5Ee7Ffx", "Google API key in clear text"),
    ("id AKIAZ3MSJV4WQ7XK2PLN", "AWS access key in clear text"),
    ("glpat-Zq8vK2mQ9Ls4Xw7RkP3n", "GitLab personal access token in clear text"),
    ("xoxb-2210532981-3324908812-Xy8Kq2Lm9Vz3Rt7Wq4Pn6Bc1", "Slack bot token in clear text"),
    # SendGrid documents SG.<22>.<43>.
    ("SG.Zq8vK2mQ9Ls4Xw7RkP3nAb.Zq8vK2mQ9Ls4Xw7RkP3nAbCdEfGhIjKlMnOpQrStUvW",
     "SendGrid API key in clear text"),
    ("twilio SK9f8e7d6c5b4a39281706f5e4d3c2b1a0", "Twilio API key in clear text"),
    ("SAUCE_ACCESS_KEY=4e1f0c2a-9b7d-4c3e-8a51-6f2d9e0b7c14", "Sauce Labs access key in clear text"),
    ("auth_token = eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0In0."
     "Zq8vK2mQ9Ls4Xw7RkP3nAbCdEfGhIjKlMnOp", "signed JSON Web Token in clear text"),
])
def test_provider_formats_fire(line: str, message: str) -> None:
    assert [(n, m) for n, _, m in _found(line + "\n")] == [(1, message)]


@pytest.mark.parametrize("line", [
    "ghp_M7H4jxUDDWHP4kZ6A4dxlQYsQIWJuq11T4V3",  # wrong checksum
    "npm_M7H4jxUDDWHP4kZ6A4dxlQYsQIWJuq11T4V3",  # wrong checksum
    "pk_live_51HkT9bLqZ3xYp7vRwC2mN8dEa",
    "sk_test_51HkT9bLqZ3xYp7vRwC2mN8dEa",
    "AKIAIOSFODNN7EXAMPLE",
    "EXAMPLE_KEY = sk_live_51HkT9bLqZ3xYp7vRwC2mN8dEaQz",
    "sk_live_xxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    # A signed JWT without a credential word whose payload holds no registered claim.
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhIjoxfQ.Zq8vK2mQ9Ls4Xw7RkP3nAbCdEf",
    "token: eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.",
    'if line.startswith("-----BEGIN RSA PRIVATE KEY-----"):',
    "-----BEGIN PUBLIC KEY-----",
    "-----BEGIN CERTIFICATE-----",
    # A recipe's sauce is not Sauce Labs: the UUID next to it is an image id.
    '<p>Spread the sauce</p><img data-id="4e1f0c2a-9b7d-4c3e-8a51-6f2d9e0b7c14">',
])
def test_provider_negatives(line: str) -> None:
    assert _found(line + "\n") == []


# {"alg":"RS256","typ":"JWT"} . {"iss":"kubernetes/serviceaccount","sub":"system:serviceaccount"}
_BARE_JWT = ("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2Nv"
             "dW50Iiwic3ViIjoic3lzdGVtOnNlcnZpY2VhY2NvdW50In0.Zq8vK2mQ9Ls4Xw7RkP3nAbCdEfGhIjKl")


def test_a_jwt_whose_claims_decode_needs_no_credential_word() -> None:
    # RFC 7519: a JOSE header with an alg and a claims set with a registered claim (iss)
    # is a token wherever it stands: in a command line, a JSON list, a bare line.
    assert _found(f"kubectl --server https://k8s.internal {_BARE_JWT}\n", "run.txt") == [
        (1, 39, "signed JSON Web Token in clear text")]
    assert _found(f'{{"signatures": ["{_BARE_JWT}"]}}\n', "deploy.json") == [
        (1, 18, "signed JSON Web Token in clear text")]
    # In a test or a documentation page it is a made-up one: the context policy keeps it
    # quiet there (a JWT proves nothing about being real, whoever signed it).
    for path in ("tests/fixtures/tokens.txt", "docs/auth.md"):
        assert [(f.span.line, f.span.column, f.suppression and f.suppression.kind)
                for f in scan_snippet(f"{_BARE_JWT}\n", path, [RULE])] == [(1, 1, "context")]


def test_private_key_block_fires_on_its_header() -> None:
    assert _found('''
        notes
        -----BEGIN OPENSSH PRIVATE KEY-----
        b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
        -----END OPENSSH PRIVATE KEY-----
        ''', "id_ed25519") == [(2, 1, "private key in clear text")]


def test_escaped_private_key_in_a_json_string() -> None:
    code = ('{"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC'
            'BKcwggSjAgEAAoIBAQC7\\n-----END PRIVATE KEY-----\\n"}\n')
    assert [line for line, _, _ in _found(code, "sa.json")] == [1]


def test_a_token_in_a_python_comment_fires() -> None:
    assert _found('''
        def f():
            # old: 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
            return 1
        ''', "f.py") == [(2, 12, "GitHub personal access token in clear text")]


@pytest.mark.parametrize(("line", "column", "message"), [
    # curl -u with an empty user, or the password quoted on its own.
    ('curl -u ":Qv7kZ2mX9pLw4R" https://api.internal', 11, "curl password in clear text"),
    ("curl --user deploy:'Qv7kZ2mX9pLw4R' -X PATCH", 21, "curl password in clear text"),
    # An Authorization header with a scheme other than Bearer/Basic/Token, or none.
    ('curl -H "Authorization: Api-Token 7Hq2Lm9Vz3Rt7Wq4Pn6Bc1Xy8K" https://x.io', 35,
     "curl Authorization header in clear text"),
    ("curl --header  'Authorization:  7Hq2Lm9Vz3Rt7Wq4Pn6Bc1Xy8K'", 33,
     "curl Authorization header in clear text"),
    # A variable is not a credential: the scheme alone is too short to be one.
    pytest.param('curl -H "Authorization: Bearer $TOKEN" https://x.io', 0, "",
                 id="variable"),
])
def test_curl_credentials_in_scripts(line: str, column: int, message: str) -> None:
    expected = [(1, column, message)] if message else []
    assert _found(line, "deploy.sh") == expected


def _key_block(body: str) -> str:
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return "\n".join(["-----BEGIN PRIVATE KEY-----", *lines, "-----END PRIVATE KEY-----"])


def _reported(text: str, path: str) -> list[tuple[int, int, str]]:
    """What the context policy lets through (a docs file reports only what proves itself)."""
    return [(f.span.line, f.span.column, f.message) for f in scan_snippet(text, path, [RULE])
            if f.rule_id == RULE.id and f.suppression is None]


def test_a_placeholder_laid_out_as_a_key_proves_nothing() -> None:
    # In docs only what proves itself is reported: a key file whose body is DER does.
    real = "".join(_generated_key_pem().splitlines()[1:-1])
    assert _reported("key:\n" + _key_block(real) + "\n", "docs/keys/server.pem") == [
        (2, 1, "private key in clear text")]
    # The same layout holding a word over and over (allauth's Apple provider docs) decodes
    # to no key, and neither does base64 noise of a key's length.
    rng = random.Random(13)
    alphabet = string.ascii_letters + string.digits + "+/"
    noise = "MIIE" + "".join(rng.choice(alphabet) for _ in range(136))
    for body in ("s3cr3t" * 23, noise):
        assert _reported("key:\n" + _key_block(body) + "\n", "docs/keys/server.pem") == []


def _generated_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()).decode()


_FIREBASE_JS = '''\
const firebaseConfig = {
  apiKey: "AIzaSyB3kQ9mZ7xW2vR5tY8uP1oL4nK6jH0gF2d",
  authDomain: "demo-app.firebaseapp.com",
  projectId: "demo-app",
};

const maps = { key: "AIzaSyC4lR0nA8yX3wS6uZ9vQ2pM5oL7kJ1hG3e" };
'''


@pytest.mark.parametrize("path", ["web/app.js", "web/index.html"])
def test_a_firebase_web_config_api_key_is_public(path: str) -> None:
    # firebase.google.com/docs/projects/api-keys: the apiKey of a Firebase config names
    # the project, it guards nothing. The Maps key two lines past the config still counts.
    assert [(f.span.line, f.span.column, f.rule_id, f.message)
            for f in scan_snippet(_FIREBASE_JS, path) if f.suppression is None] == [
        (7, 22, "TW103", "Google API key in clear text")]


def test_a_firebase_api_key_in_python_or_yaml_is_public_too() -> None:
    python = ('FIREBASE = {\n    "apiKey": "AIzaSyB3kQ9mZ7xW2vR5tY8uP1oL4nK6jH0gF2d",\n'
              '    "authDomain": "demo-app.firebaseapp.com",\n}\n\n'
              'MAPS_KEY = "AIzaSyC4lR0nA8yX3wS6uZ9vQ2pM5oL7kJ1hG3e"\n')
    assert [(f.span.line, f.rule_id) for f in scan_snippet(python, "app/settings.py")] == [
        (6, "TW103")]
    yaml = ("firebase:\n  apiKey: AIzaSyB3kQ9mZ7xW2vR5tY8uP1oL4nK6jH0gF2d\n"
            "  authDomain: demo-app.firebaseapp.com\n\nmaps:\n"
            "  apiKey: AIzaSyC4lR0nA8yX3wS6uZ9vQ2pM5oL7kJ1hG3e\n")
    assert [(f.span.line, f.span.column, f.rule_id, f.message)
            for f in scan_snippet(yaml, "deploy/values.yaml")] == [
        (6, 11, "TW102", "Hard-coded Google API key in configuration key apiKey")]


def test_a_sentry_org_token_keeps_its_base64_padding() -> None:
    # sntrys_ + standard base64 of the JSON payload (padded when its length asks for it)
    # + _ + the secret.
    import base64
    import json

    payload = json.dumps({"iat": 1700000000.5, "url": "https://sentry.io",
                          "region_url": "https://us.sentry.io", "org": "acmes"})
    body = base64.b64encode(payload.encode()).decode()
    assert body.endswith("==")
    token = f"sntrys_{body}_k3Jd9sLq0ZxW7vB2nR5tY8uP1oM4iE6aC9gF0hJ2lKp"
    assert _found(f"SENTRY_AUTH_TOKEN: {token}\n", "ci/sentry.txt") == [
        (1, 20, "Sentry organization auth token in clear text")]


def test_curl_with_the_api_key_as_the_user_name() -> None:
    # Stripe's documented form: the key is the user name, the colon leaves the password
    # empty (curl does not ask for one).
    assert _found('curl -u "d8Qv3LmZ7kT2xW9pR4" https://api.internal/v1\n', "run.sh") == []
    assert _found('curl -u "d8Qv3LmZ7kT2xW9pR4:" https://api.internal/v1\n', "run.sh") == [
        (1, 10, "curl API key as the user name in clear text")]
    # A user name alone, or a user and its password (curl-basic's), is not this.
    assert _found("curl -u admin: https://api.internal/v1\n", "run.sh") == []


def test_a_heroku_token_whose_base64url_body_holds_a_run_of_underscores() -> None:
    # HRKU- + 60 base64url characters; an all-ones field in the body encodes as a short
    # run of '_' with data on both sides: data, not a mask. A mask is reported as nothing.
    body = "Zq8vK2mQ9Ls4Xw7RkP3nAbCdEfGhIjKlMnOpQrStUvWxY_____w4_hKq9Lz3"
    assert len(body) == 60
    assert _found(f'HEROKU_API_KEY = "HRKU-{body}"\n', "deploy.txt") == [
        (1, 19, "Heroku API key in clear text")]
    masked = "Zq8vK2mQ9L" + "_" * 50
    assert _found(f'HEROKU_API_KEY = "HRKU-{masked}"\n', "deploy.txt") == []


def test_aws_appsync_and_bedrock_short_term_keys() -> None:
    # AppSync: da2- and 26 lower-case letters and digits (the version-2 key id).
    rng = random.Random(13)
    appsync = "da2-" + "".join(rng.choice(string.ascii_lowercase + string.digits)
                               for _ in range(26))
    assert _found(f'headers = {{"x-api-key": "{appsync}"}}\n', "client.js") == [
        (1, 26, "AWS AppSync API key in clear text")]
    assert _found(f'x = "{appsync}0"\n', "client.js") == []  # 27 characters: not the id
    # Bedrock short-term: the base64 of a presigned URL for bedrock.amazonaws.com.
    import base64

    query = "&".join(f"X-Amz-{k}={''.join(rng.choice(string.ascii_letters) for _ in range(40))}"
                     for k in ("Credential", "Date", "Security-Token", "Signature"))
    url = f"bedrock.amazonaws.com/?Action=CallWithBearerToken&{query}&Version=1"
    key = "bedrock-api-key-" + base64.b64encode(url.encode()).decode()
    assert _found(f"AWS_BEARER_TOKEN_BEDROCK={key}\n", "notes.txt") == [
        (1, 26, "AWS Bedrock short-term API key in clear text")]


def test_curl_credential_headers_other_than_authorization() -> None:
    # A header named like a credential carries one; other headers carry none.
    assert _found('curl -H "Api-Token: Rk7vQ2xLm9Tz4W" https://api.internal/v1\n',
                  "run.sh") == [(1, 21, "curl credential header in clear text")]
    assert _found("curl --header 'Private-Token: d9Kq3LmZ7vT2xW8p' https://git.internal\n",
                  "run.sh") == [(1, 31, "curl credential header in clear text")]
    assert _found('curl -H "Content-Type: application/json" https://api.internal/v1\n',
                  "run.sh") == []
    assert _found('curl -H "X-Request-Id: 4f9c2a7e1b3d8e6f" https://api.internal/v1\n',
                  "run.sh") == []


def test_a_key_shape_at_the_head_of_a_padded_base64_value_is_not_that_key() -> None:
    # 39 characters from AIza, then '=' padding: the head of a longer base64 value.
    key = "AIzaSyB3kQ9vLm2Xz7Rt4Wq8Pn6Bc1Dd5Ee7Ffx"
    assert _found(f"blob: {key}==\n") == []
    assert _found(f"maps: {key}\n") == [(1, 7, "Google API key in clear text")]
    # A variable-length body may end in padding its shape does not spell: still found.
    assert _found("curl -H 'Authorization: Bearer Zq8vK2mQ9Ls4Xw7RkP3nAbCdEf+/GhIjKl=' "
                  "https://api.internal\n", "run.sh") == [
        (1, 32, "curl Authorization header in clear text")]
