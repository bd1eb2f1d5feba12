"""The shared false-positive controls: names, values, URL credentials, GitHub checksums."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenward.analysis.providers import base62_checksum, has_valid_checksum, jwt_is_signed
from tokenward.analysis.values import (
    credential_verdict,
    guessable_key,
    inline_secrets,
    url_credentials,
    why_not_secret,
)
from tokenward.analysis.vocabulary import is_password_name, secret_kind

# Real tokens from a public scanner's test vectors (valid checksums, revoked long ago).
VALID_GITHUB = (
    "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",
    "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",
    "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",
    "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",
)


@pytest.mark.parametrize(("name", "kind"), [
    ("GITHUB_TOKEN", "token"),
    ("password", "password"),
    ("db_passwd", "password"),
    ("PGPASSWORD", "password"),
    ("api_key", "API key"),
    ("apiKey", "API key"),
    ("X-API-Key", "API key"),
    ("AWS_SECRET_ACCESS_KEY", "secret key"),
    ("client_secret", "client secret"),
    ("SECRET_KEY", "secret key"),
    ("session_key", None),  # the session id (Django), minted per login
    ("webhook_secret", "webhook secret"),
    ("Authorization", "credential"),
    ("auth", "credential"),
    ("bearer", "bearer token"),
    ("SENTRY_DSN", "connection string"),
    ("DEFAULT_PASSWORD", "password"),
    ("token_url", None),
    ("password_reset_url", None),
    ("secret_name", None),
    ("key_id", None),
    ("max_tokens", None),
    ("token_count", None),
    ("public_key", None),
    ("publishable_key", None),
    ("csrf_token_header", None),
    ("csrf_token", None),
    ("keyboard", None),
    ("key", None),
    ("TOKEN_HEADER", None),
    ("token_type", None),
    ("SECRET_KEY_NAME", None),
    ("password_field", None),
    ("private_key_path", None),
    ("PASSWORD_HASHERS", None),
    ("is_password_valid", None),
    ("DATABASE_URL", None),
])
def test_secret_kind_of_names(name: str, kind: str | None) -> None:
    assert secret_kind(name) == kind


def test_password_names() -> None:
    assert is_password_name("db_password") and is_password_name("PGPASSWORD")
    assert not is_password_name("api_token") and not is_password_name("password_url")


@pytest.mark.parametrize(("value", "name", "reason"), [
    ("Zx8Qm2Lp9Rt4Kv7W", "api_key", None),
    ("hunter2", "password", "vendor-example"),
    ("hunt3r2", "password", None),
    ("sunshine", "password", None),
    ("hunt3r2", "api_key", "too-short"),
    ("Ab1!x", "password", "too-short"),
    ("q9Z", "password", "too-short"),
    ("", "password", "empty"),
    ("AKIAIOSFODNN7EXAMPLE", None, "vendor-example"),
    ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key", "vendor-example"),
    # AWS's example with its ending edited is still AWS's example.
    ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYZq8vK2mQ9L", "aws_secret_access_key", "vendor-example"),
    # BotFather's token in Telegram's docs.
    ("110201543:AAHdqTcvCH1vGWJxfSe1ofSAs0K5PALDsaw", "bot_token", "vendor-example"),
    ("changeme", "password", "placeholder"),
    ("<your-token>", "token", "placeholder"),
    ("${DB_PASSWORD}", "password", "placeholder"),
    ("$DB_PASSWORD", "password", "placeholder"),
    ("{{ vault_password }}", "password", "placeholder"),
    ("%(password)s", "password", "placeholder"),
    ("your-api-key-here", "api_key", "placeholder"),
    ("dummy-Zx8Qm2Lp9Rt4", "token", "placeholder"),
    ("test-Zx8Qm2Lp9Rt4", "token", "placeholder"),
    ("my-super-secret-password", "password", "words-only"),
    ("********", "password", "redacted"),
    ("sk_live_xxxxxxxxxxxxxxxx", "api_key", "redacted"),
    # Underscores mask a value where they blank most of it or all but its last few
    # characters; a short run with data on both sides is base64url data (all-ones bits).
    ("sk_live_____________________", "api_key", "redacted"),
    ("Zq8vK2mQ9Ls4_____Xw7R", "token", "redacted"),
    ("ghp_____Zq8vK2mQ9Ls4Xw7RpT3n", "token", "redacted"),
    ("Zq8vK2mQ9Ls4Xw7R__________pT3nB6cY", "token", "redacted"),
    ("Zq8vK2mQ9Ls4Xw7R_____wA3_hTkQm9pL", "token", None),
    ("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7", "key", "public-key"),
    ("-----BEGIN PUBLIC KEY-----MIIBIjANBgkqhkiG9w0", "key", "public-key"),
    ("$2b$12$KIXQ8h3Lm2Vq9Zt7Rw4PeO1aB5cD6eF7gH8iJ9kL0mN1oP2qR3sT", "password", "password-hash"),
    ("$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$Zq8vK2mQ9Ls4", "password", "password-hash"),
    ("pbkdf2_sha256$600000$salt$Zq8vK2mQ9Ls4Xw7R", "password", "password-hash"),
    ("sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC", "x", "sri"),
    ("org/action@da39a3ee5e6b4b0d3255bfef95601890afd80709", "token", "commit-pin"),
    ("pk_live_51HkT9bLqZ3xYp7vRwC2mN8dEa", "stripe_key", "public-identifier"),
    ("1234-abcd.apps.googleusercontent.com", "client_id", "public-identifier"),
    ("72f988bf-86f1-41af-91ab-2d7cd011db47", "tenant_id", "public-identifier"),
    ("72f988bf-86f1-41af-91ab-2d7cd011db47", "HEROKU_API_KEY", None),
    ("da39a3ee5e6b4b0d3255bfef95601890afd80709", None, "hash"),
    ("da39a3ee5e6b4b0d3255bfef95601890afd80709", "file_sha1", "hash"),
    ("da39a3ee5e6b4b0d3255bfef95601890afd80709", "api_key", None),
    ("ghp_[A-Za-z0-9]{36}", "pattern", "regex"),
    ("^sk_live_\\w+$", "pattern", "regex"),
    ("/etc/ssl/private/server.key", "private_key", "path"),
    ("./secrets/token.txt", "token", "path"),
    ("https://auth.internal/oauth/token", "token", "url"),
    ("django.contrib.auth.hashers.PBKDF2PasswordHasher", "password", "dotted-name"),
    ("_auth_user_id", "SESSION_KEY", "identifier"),
    ("admin:login", "token", "identifier"),
    ("Please try again later", "password", "sentence"),
    ("password", "password", "words-only"),
    ("GITHUB_TOKEN", "token_env_var", "describes-secret"),
    ("Authorization", "TOKEN_HEADER", "describes-secret"),
    ("OPENAI_API_KEY", "api_key_env", "describes-secret"),
    ("X-Auth-Token", "token", "describes-secret"),
    ("12345678901", "pin_password", "numeric"),
    ("aaaaaaaaaaaaZ", "token", "low-entropy"),
    ("AbAbAbAbAbAb", "token", "low-entropy"),
    ("abcdef123456", "api_key", "sequential"),
    ("qwertyuiop12", "password", "sequential"),
    # Dependency pins (a package.json entry named "@nuxtjs/auth-next").
    ("5.0.0-1667386184.dfbbb54", "auth", "version"),
    ("v1.4.2+build.7", "token", "version"),
    ("s3cr3t.1.2.3x", "token", None),
])
def test_why_not_secret(value: str, name: str | None, reason: str | None) -> None:
    assert why_not_secret(value, name) == reason


def test_url_credentials_report_only_the_password() -> None:
    text = 'DB = "postgres://app:Vq8rT3nZp2Lm@db.internal:5432/app"'
    [cred] = list(url_credentials(text))
    assert (cred.user, cred.password, cred.host) == ("app", "Vq8rT3nZp2Lm", "db.internal")
    assert text[cred.start:cred.end] == "Vq8rT3nZp2Lm"


@pytest.mark.parametrize("text", [
    "postgres://app@db.internal/app",
    "postgres://app:${DB_PASSWORD}@db/app",
    "postgres://user:password@localhost/db",
    "https://user:Vq8rT3nZp2Lm@example.com/",
    "redis://:changeme@cache:6379/0",
])
def test_url_credentials_not_reported(text: str) -> None:
    assert list(url_credentials(text)) == []


def test_github_checksum_accepts_real_tokens() -> None:
    assert all(has_valid_checksum(t) for t in VALID_GITHUB)
    assert has_valid_checksum("npm_" + VALID_GITHUB[0][4:])


def test_base62_checksum_is_zero_padded_to_six() -> None:
    assert len(base62_checksum("")) == 6 and base62_checksum("") == "000000"


_BASE62 = string.ascii_letters + string.digits


@settings(max_examples=300, deadline=None)
@given(body=st.text(alphabet=_BASE62, min_size=30, max_size=30),
       checksum=st.text(alphabet=_BASE62, min_size=6, max_size=6),
       prefix=st.sampled_from(["ghp", "gho", "ghu", "ghs", "ghr", "npm"]))
def test_random_tokens_with_a_wrong_checksum_are_rejected(body: str, checksum: str,
                                                          prefix: str) -> None:
    token = f"{prefix}_{body}{checksum}"
    assert has_valid_checksum(token) == (checksum == base62_checksum(body))
    if checksum != base62_checksum(body):
        assert not has_valid_checksum(token)
        assert has_valid_checksum(f"{prefix}_{body}{base62_checksum(body)}")


def test_jwt_must_be_signed() -> None:
    signed = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0."
              "Zq8vK2mQ9Ls4Xw7RZq8vK2mQ9Ls4Xw7R")
    assert jwt_is_signed(signed)
    assert not jwt_is_signed("eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.")
    assert not jwt_is_signed("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.short")


@pytest.mark.parametrize(("value", "name", "reason"), [
    # The vulnerable apps' keys (issue 11's flaws): short, repeated, words.
    ("aaaaaaaa", "SECRET_KEY", "one repeated character"),
    ("abc", "SECRET_KEY", "made of dictionary words"),
    ("secret", "JWT_SECRET", "made of dictionary words"),
    ("changeme", "SECRET_KEY", "made of dictionary words"),
    ("not a secret key", "SECRET_KEY", "a phrase"),
    ("the-flaskbb-secret-key", "SECRET_KEY", "words joined by separators"),
    ("123456", "SECRET_KEY", "only digits"),
    ("Kq7wLp2Z", "signing_key", "only 8 characters long"),
    ("django-insecure-3k#x8z!q9w", "SECRET_KEY",
     "Django's generated key, which Django itself marks insecure"),
    # Not guessable on its face, not a key's name, or not a key at all.
    ("Kq7wLp2Zr9xT4vB8nM3c", "SECRET_KEY", None),
    ("qP-xR7vL-w2Zk9Tn-Ab3d", "SECRET_KEY", None),
    ("aaaaaaaa", "DB_PASSWORD", None),
    ("${SECRET_KEY}", "SECRET_KEY", None),
    ("********", "SECRET_KEY", None),
    ("", "SECRET_KEY", None),
])
def test_guessable_key(value: str, name: str, reason: str | None) -> None:
    assert guessable_key(value, name) == reason


@pytest.mark.parametrize(("value", "name", "reason"), [
    # Flask's quickstart key, as TW101 reads the bytes literal (latin-1).
    (b'_5#y2L"F4Q8z\n\xec]/'.decode("latin-1"), "SECRET_KEY",
     "a key published in a framework's documentation"),
    # flaskbb's WTF_CSRF_SECRET_KEY (configs/default.py:178): words run together.
    ("reallyhardtoguess", "WTF_CSRF_SECRET_KEY", "letters of one case only: words run together"),
    ("Kq7wLpZrxTvBnMcYt", "SECRET_KEY", None),
    # tokenward's own code (src/tokenward/model.py:60, analysis/vocabulary.py:114,
    # analysis/values.py:102): an enum member, a table of words, a description.
    ("hardcoded-secret", "HARDCODED_SECRET", None),
    ("secret", "secret", None),
    ("Values that name a secret instead of being one: `password_field`", "describes-secret",
     None),
    ("hard to guess string", "SECRET_KEY", "a phrase"),
    # flaskbb's emoji migration (201802282131_..._characters.py:703): a symbol.
    ("\u3299", "secret", None),
])
def test_guessable_key_knows_published_keys_and_words(value: str, name: str,
                                                      reason: str | None) -> None:
    assert guessable_key(value, name) == reason


@pytest.mark.parametrize(("value", "name", "reason"), [
    # Home Assistant 2024.3.3 (benchmarks/realworld, labelled FP): constants that spell the
    # last words of their names (auth/mfa_modules/totp.py:30, esphome/config_flow.py:40,
    # http/auth.py:34 namespaced), form labels (opower/strings.json:14, sia/strings.json:9,
    # starline/strings.json:9), a catalogue reference, a mask (meraki/device_tracker.py:94),
    # a file name (util/yaml/const.py:2).
    ("ota_secret", "STORAGE_OTA_SECRET", None),
    ("requires_encryption_key", "ERROR_REQUIRES_ENCRYPTION_KEY", None),
    ("http.auth.sign_secret", "DATA_SIGN_SECRET", None),
    ("TOTP Secret", "totp_secret", None),
    ("Encryption key", "encryption_key", None),
    ("Secret", "app_secret", None),
    ("[%key:component::sia::config::step::user::data::encryption_key%]", "encryption_key",
     None),
    ("hidden", "secret", None),
    ("secrets.yaml", "SECRET_YAML", None),
    # A lookup key, not an encryption key: ``data`` alone does not make one.
    ("batteryLevel", "data_key", None),
    ("status", "DATA_KEY", None),
    # Still keys: a lower-case phrase of the name's words, a secret word alone, a suffix
    # that is only the key's own word.
    ("secret key", "SECRET_KEY", "a phrase"),
    ("secret", "JWT_SECRET", "made of dictionary words"),
    ("key", "SECRET_KEY", "made of dictionary words"),
    ("mysecretdatakey", "plaintext_data_key", "only 15 characters long"),
    # A default that says to change it ships when nobody does, "test" in it or not
    # (Superset's config.py:1714); upper-case words are words too.
    ("test-guest-key-change-me", "GUEST_TOKEN_JWT_SECRET", "words joined by separators"),
    ("CHANGE_ME_TO_A_COMPLEX_RANDOM_VALUE", "SECRET_KEY", "words joined by separators"),
    ("test-secret", "SECRET_KEY", None),
])
def test_a_key_is_not_its_own_name_label_mask_or_file(value: str, name: str,
                                                      reason: str | None) -> None:
    assert guessable_key(value, name) == reason


@pytest.mark.parametrize(("value", "name", "reason"), [
    # Growatt's inverter fields under ``api_key=`` (growatt_server/sensor_types/mix.py,
    # Home Assistant 2024.3.3): camelCase names of an API response's fields.
    ("eBatChargeToday", "api_key", "identifier"),
    ("iChargePV1", "api_key", "identifier"),
    ("bdc1DischargePower", "api_key", "identifier"),
    # mix.py:216, the same table in lower case: a word numbered at its end.
    ("echarge1", "api_key", "identifier"),
    ("pv_energy12", "api_key", "identifier"),
    # Random base62 does not split into word-like humps; a password keeps its shape.
    ("aB3dE5fG7hJ9kL1m", "api_key", None),
    ("xQzvBtRkWpLmHnJc", "api_key", None),
    # Digits inside the run, three digits at the end, no vowel: not a numbered word.
    ("sk3x9fq2qzt", "api_key", None),
    ("kwhrtkqst123", "api_key", None),
    ("xqzvbtrkwplmhnjc7", "api_key", None),
    # plex/strings.json:20: a label's note, read without the scheme word ``Token``.
    ("(optional)", "token", "sentence"),
])
def test_camel_case_field_names_and_notes_are_not_secrets(value: str, name: str,
                                                         reason: str | None) -> None:
    assert why_not_secret(value, name) == reason


def test_a_camel_case_password_is_still_a_password() -> None:
    assert why_not_secret("eBatChargeToday", "password") is None
    assert credential_verdict("echarge1", "password") is None
    assert credential_verdict("SuperSecretPass1", "password") is None


@pytest.mark.parametrize(("value", "name", "reason"), [
    # Seeded and default passwords in production code, whatever their shape: mealie's
    # settings.py:190 and db_providers.py:38, dsvpwa's attacks.py:285 back door.
    ("MyPassword", "_DEFAULT_PASSWORD", None),
    ("mealie", "POSTGRES_PASSWORD", None),
    ("dsvpwa", "password", None),
    ("12345678", "password", None),
    ("Sup3rS3cret", "password", None),
    # Still not a password: its own name, a flag, a placeholder, a sentence, and words
    # under a name that is not a password's.
    ("password", "password", "words-only"),
    ("my-super-secret-password", "password", "words-only"),
    ("pw1", "password", "too-short"),
    # A table of names (src/tokenward/analysis/vocabulary.py:114): a credential word.
    ("password", "passwd", "words-only"),
    ("changeme", "password", "placeholder"),
    ("Please try again later", "password", "sentence"),
    ("MyPassword", "api_token", "words-only"),
])
def test_credential_verdict_reports_passwords_whatever_their_shape(
        value: str, name: str, reason: str | None) -> None:
    assert credential_verdict(value, name) == reason


@pytest.mark.parametrize(("value", "name", "reason"), [
    # django-allauth allauth/account/app_settings.py:302: a rate limit under a password name.
    ("5/m/user", "change_password", "rate-limit"),
    ("100/h", "token", "rate-limit"),
    # azure-identity azure/identity/_credentials/azure_pipelines.py:31: a header value.
    ("Suppress", "X-TFS-FedAuthRedirect", "sentence"),
    # A status text under a password key (issue 11, pattern 8).
    ("Updated.", "Password", "sentence"),
    # Under a password name one capitalised word is a (weak) password.
    ("Sunshine", "password", None),
    # mealie ldap_provider.py:170, crud.py:87: a sentinel marking an LDAP account.
    ("LDAP", "password", "identifier"),
])
def test_non_secret_values_under_secret_names(value: str, name: str,
                                              reason: str | None) -> None:
    assert why_not_secret(value, name) == reason


def test_a_password_in_markup_inside_a_string() -> None:
    # dsvw.py:11: the seed users' XML, written into the code.
    text = ('<user><username>admin</username><password>7en8aiDoh!</password></user>'
            '<user><password>12345</password></user>')
    found = [(s.name, s.secret, s.start) for s in inline_secrets(text)]
    assert found == [("password", "7en8aiDoh!", 42)]
