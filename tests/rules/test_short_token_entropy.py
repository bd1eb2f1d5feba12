"""TW202 short-token-entropy: exact lines, lengths from literals and constants."""

from __future__ import annotations

import textwrap

import pytest

from tests.helpers import fired, pinned, scan_snippet, through_screen
from tokenward.rules.short_token_entropy import RULE


def lines(code: str, path: str = "app/example.py") -> list[int]:
    return fired(scan_snippet(textwrap.dedent(code).lstrip("\n"), path, [RULE]), RULE.id)


def test_short_lengths_fire() -> None:
    code = """
        import os
        import secrets
        from secrets import token_urlsafe
        from django.utils.crypto import get_random_string

        KEY_BYTES = 12

        def issue(user):
            user.api_key = secrets.token_hex(nbytes=8)
            user.reset_token = token_urlsafe(KEY_BYTES)
            user.session_id = os.urandom(15).hex()
            user.activation_key = get_random_string(length=20)
            user.nonce = secrets.randbits(64)   # unique, which is all a nonce must be
            return {"token": secrets.token_bytes(4 * 2)}
        """
    assert lines(code) == [9, 10, 11, 12, 14]


def test_boundaries_and_defaults_are_silent() -> None:
    code = """
        import os
        import secrets
        from django.utils.crypto import get_random_string

        def issue(user, size):
            user.api_key = secrets.token_hex(16)
            user.reset_token = secrets.token_urlsafe()
            user.session_id = os.urandom(32)
            user.activation_key = get_random_string(32)
            user.nonce = secrets.randbits(128)
            user.password = secrets.token_urlsafe(size)
            user.otp = secrets.randbelow(10**6)
        """
    assert lines(code) == []


def test_truncations() -> None:
    code = """
        import secrets
        import uuid

        def issue(user):
            user.invite_code = uuid.uuid4().hex[:8]
            user.reset_token = str(uuid.uuid4())[:12]
            user.api_key = secrets.token_urlsafe(32)[:16]
            user.session_token = secrets.token_hex(32)[:32]
            short_id = uuid.uuid4().hex[:8]
            return short_id
        """
    assert lines(code) == [5, 6, 7]


def test_short_values_that_are_not_tokens() -> None:
    code = """
        import secrets
        import uuid

        suffix = secrets.token_hex(4)
        filename = f"report-{secrets.token_hex(3)}.csv"
        request_id = uuid.uuid4().hex[:8]
        colour = "#" + secrets.token_hex(3)
        """
    assert lines(code) == []


def test_message() -> None:
    code = "import secrets\napi_key = secrets.token_hex(8)\n"
    findings = scan_snippet(code, "app.py", [RULE])
    assert [f.message for f in findings] == [
        "api_key has too little entropy: secrets.token_hex(8) (64 bits); "
        "use at least 16 random bytes"
    ]


def test_get_random_string_is_judged_by_entropy() -> None:
    code = """
        from django.utils.crypto import get_random_string

        def issue(user):
            user.reset_code = get_random_string(6, "0123456789")
            user.api_key = get_random_string(21)
            user.session_key = get_random_string(22)
            user.password = get_random_string(length=30)
            user.invite_code = get_random_string(length=24, allowed_chars="ABCDEF")
        """
    assert lines(code) == [4, 5, 8]
    findings = scan_snippet("from django.utils.crypto import get_random_string\n"
                            "api_key = get_random_string(10)\n", "app.py", [RULE])
    assert [f.message for f in findings] == [
        "api_key has too little entropy: get_random_string(10) (59 bits); use at least 16 "
        "random bytes"
    ]


def test_a_cipher_nonce_is_not_a_token() -> None:
    code = (
        "import secrets\n"
        "from cryptography.hazmat.primitives.ciphers.aead import AESGCM\n"
        "def seal(key, data):\n"
        "    nonce = secrets.token_bytes(12)\n"
        "    return nonce + AESGCM(key).encrypt(nonce, data, None)\n"
        "def make_nonce():\n"
        "    nonce = secrets.token_hex(8)\n"
        "    return nonce\n"
        "def make_token():\n"
        "    token = secrets.token_hex(8)\n"
        "    return token\n"
    )
    from tests.helpers import fired, scan_snippet
    from tokenward.rules import short_token_entropy

    # Line 7: any other nonce needs only be unique, which 64 random bits are; line 10: a
    # token of 64 bits can be guessed. (A nonce of fewer than 64 bits is reported.)
    assert fired(scan_snippet(code, "crypto.py", [short_token_entropy.RULE])) == [10]


def test_lengths_from_local_constants_and_arithmetic() -> None:
    code = """
        import secrets

        def issue(user):
            size = 4
            size *= 2
            user.reset_token = secrets.token_hex(size)
            user.api_key = secrets.token_urlsafe(size * 4)
            user.otp = secrets.token_hex(32)[:size]
        """
    text = textwrap.dedent(code).lstrip("\n")
    assert pinned(scan_snippet(text, "app/example.py", [RULE])) == [
        (6, 24, "reset_token has too little entropy: secrets.token_hex(8) (64 bits); "
                "use at least 16 random bytes"),
        (8, 16, "otp has too little entropy: secrets.token_hex() cut to 8 characters "
                "(32 bits); use at least 16 random bytes"),
    ]


def test_a_short_code_stored_with_an_expiry_and_an_identifier_beside_a_secret() -> None:
    """Line 6: twelve digits (39 bits) given an expiry on the same object: a credential.
    Line 9: a short public prefix that is printed beside a strong key: an identifier."""
    code = """
        import secrets
        from django.utils.crypto import get_random_string
        from django.utils import timezone

        def lock_box(box):
            value = get_random_string(12, allowed_chars="0123456789")
            box.door_ref = value
            box.door_ref_ttl = 300

        def new_api_key():
            prefix = secrets.token_hex(4)
            return f"pk_{prefix}_{secrets.token_urlsafe(32)}"
        """
    text = textwrap.dedent(code).lstrip("\n")
    assert pinned(scan_snippet(text, "app/keys.py", [RULE])) == [
        (6, 13, "door_ref (stored with an expiry) has too little entropy: "
                "get_random_string(12) (39 bits); use at least 16 random bytes")]


def test_a_nonce_needs_to_be_unique_not_long() -> None:
    """Line 4: eight random bytes hashed into a digest-auth client nonce: unique enough, no
    secret. Line 7: the same bytes as a session token: too short. Line 10: six bytes are
    too few even to be unique."""
    code = """
        import hashlib, os

        def _client_nonce(count):
            return hashlib.sha1(str(count).encode() + os.urandom(8)).hexdigest()[:16]

        def new_session_token():
            return os.urandom(8).hex()

        def login_nonce():
            return os.urandom(6).hex()
        """
    text = textwrap.dedent(code).lstrip("\n")
    assert pinned(scan_snippet(text, "app/auth.py", [RULE])) == [
        (7, 12, "return value of new_session_token() has too little entropy: os.urandom(8) "
                "(64 bits); use at least 16 random bytes"),
        (10, 12, "return value of login_nonce() has too little entropy: os.urandom(6) "
                 "(48 bits); use at least 16 random bytes")]


# Django's sessions: a strong source asked for 32 characters of a named alphabet (the
# default's 62 symbols: 190 bits), a uuid4 used whole.
_SESSIONS = """
import os
import uuid
from django.utils.crypto import get_random_string

VALID_KEY_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"


def new_session_key():
    return get_random_string(32, VALID_KEY_CHARS)


def upload_path():
    return "/vsimem/" + str(uuid.uuid4())
"""


def test_a_file_asking_no_source_for_too_little_is_not_parsed_for_tw202() -> None:
    assert through_screen(RULE, _SESSIONS, "app/sessions.py") == ([], False)


@pytest.mark.parametrize(("short", "line"), [
    # A size the rule folds from a name (17) is let through, whatever its value.
    ("TOKEN_BYTES = 8\ndef reset(user):\n    user.reset_token = os.urandom(TOKEN_BYTES).hex()\n",
     17),
    ("def reset(user):\n    user.pin_token = get_random_string(32, '01')\n", 16),
    ("def reset(user):\n    user.pin_token = get_random_string(length=12)\n", 16),
    ("def reset(user):\n    user.invite_token = str(uuid.uuid4())[:8]\n", 16),
    ("from secrets import token_hex as hexed\ndef reset(user):\n"
     "    user.reset_token = hexed(32).upper()[:8]\n", 17),
])
def test_the_screen_lets_each_short_token_through(short: str, line: int) -> None:
    # _SESSIONS's 13 lines, a blank line, then the code from line 15.
    findings, parsed = through_screen(RULE, _SESSIONS + "\n" + short, "app/sessions.py")
    assert [finding[0] for finding in findings] == [line] and parsed
