"""TW201 weak-token-generation: which lines fire, and which tricky ones stay silent."""

from __future__ import annotations

import textwrap

from tests.helpers import fired, pinned, scan_snippet
from tokenward.rules.weak_token_generation import RULE


def lines(code: str, path: str = "app/example.py") -> list[int]:
    return fired(scan_snippet(textwrap.dedent(code).lstrip("\n"), path, [RULE]), RULE.id)


def test_names_keys_keywords_and_sinks() -> None:
    code = """
        import random
        import string
        from random import choice, randint

        def handler(user, response, headers, db):
            user.reset_token = str(random.random())
            data = {"api_key": "".join(choice(string.hexdigits) for _ in range(32))}
            headers["X-Api-Key"] = str(random.getrandbits(64))
            db.save(user, verification_code=randint(1000, 9999))
            response.set_cookie("forum_session", str(random.randint(0, 2**32)))
            link = f"https://example.com/reset?token={random.randint(0, 10**9)}"
            return data, link
        """
    assert lines(code) == [6, 7, 8, 9, 10, 11]


def test_variable_followed_to_its_later_use() -> None:
    code = """
        import random

        def invite(user, mailer):
            value = random.randint(100000, 999999)
            other = value
            mailer.send_invite_email(user.email, other)

        def shuffle_cards(cards):
            value = random.random()
            return cards if value > 0.5 else cards[::-1]
        """
    assert lines(code) == [4]


def test_return_value_of_token_maker_and_helpers_used_as_tokens() -> None:
    code = """
        import random

        def make_test_key():
            return "tk_" + "".join(random.choices("abc123", k=32))

        def _rand(n):
            return "".join(random.choice("abcdef") for _ in range(n))

        def issue(user):
            user.session_id = _rand(24)

        def colour():
            return _rand(6)
        """
    assert lines(code) == [4, 7]


def test_loop_built_otp_returned_by_maker() -> None:
    code = """
        import random

        def generate_otp():
            code = ""
            for _ in range(6):
                code += str(random.randint(0, 9))
            return code
        """
    assert lines(code) == [6]


def test_random_instances_numpy_uuid_time_counter_and_hash() -> None:
    code = """
        import hashlib
        import itertools
        import time
        import uuid
        import numpy as np
        from random import Random

        _counter = itertools.count()

        class Keys:
            def __init__(self):
                self.rng = Random(42)

            def new(self, user):
                user.api_key = "%032x" % self.rng.getrandbits(128)
                user.session_token = np.random.bytes(16).hex()
                user.nonce = uuid.uuid1().hex
                user.reset_token = str(int(time.time() * 1000))
                user.session_id = f"s{next(_counter)}"
                user.confirm_token = hashlib.sha256(user.email.encode()).hexdigest()
        """
    assert lines(code) == [15, 16, 17, 18, 19, 20]


def test_tricky_negatives_stay_silent() -> None:
    code = """
        import hashlib
        import random
        import secrets
        import time
        import uuid

        def backoff(attempt):
            time.sleep(2 ** attempt + random.random())

        def handler(user, response, rows):
            request_id = uuid.uuid1().hex
            trace_id = "%016x" % random.getrandbits(64)
            bucket = random.choice(["a", "b"])
            response.set_cookie("ab_bucket", random.choice(["a", "b"]))
            response.set_cookie("theme", random.choice(["light", "dark"]))
            sample = random.sample(rows, 5)
            token_length = random.randint(20, 40)
            user.password_hash = hashlib.sha256(user.password.encode()).hexdigest()
            user.reset_token = secrets.token_urlsafe(32)
            user.api_key = "".join(random.SystemRandom().choice("abc") for _ in range(40))
            token_hash = hashlib.sha256(user.reset_token.encode()).hexdigest()
            signed = hashlib.sha256((settings.SECRET_KEY + user.email).encode()).hexdigest()
            filename = f"upload-{random.randint(0, 9999)}.png"
            cache_key = f"user:{random.randint(0, 9)}"
            if user.otp == random.randint(0, 9):
                pass
            return request_id, trace_id, bucket, sample, token_length, token_hash, signed
        """
    assert lines(code) == []


def test_test_code_is_test_data() -> None:
    code = """
        import random

        def make_token():
            return str(random.random())
        """
    assert lines(code, "tests/helpers.py") == []
    assert lines(code, "app/test_tokens.py") == []
    assert lines(code, "app/conftest.py") == []
    assert lines(code, "app/tokens.py") == [4]


def test_message_names_the_use_and_the_source() -> None:
    code = """
        import random

        reset_token = str(random.random())
        """
    findings = scan_snippet(textwrap.dedent(code).lstrip("\n"), "app.py", [RULE])
    assert [f.message for f in findings] == [
        "reset_token is made from random.random(), which an attacker can predict"
    ]


def test_identifier_functions_and_hashes_of_names_are_not_tokens() -> None:
    code = """
        import base64
        import hashlib
        import random

        def generate_package_id(name):
            digest = hashlib.md5(name.encode()).digest()
            token = base64.b64encode(digest).decode()
            return token

        def upload_filename(user):
            token = random.randint(0, 10**6)
            return f"{user.id}-{token}.png"

        def new_session_id():
            return str(random.random())

        def object_token(obj):
            return hashlib.sha1(obj.name.encode()).hexdigest()
        """
    assert lines(code) == [15]


def test_rebinding_ends_the_flow_but_branches_do_not() -> None:
    code = """
        import random
        import secrets

        def a(user):
            value = random.random()
            value = secrets.token_urlsafe(32)
            user.api_key = value

        def b(user, fast):
            if fast:
                value = random.random()
            else:
                value = secrets.token_urlsafe(32)
            user.api_key = value
        """
    assert lines(code) == [11]


def test_nlp_tokens_picked_from_a_vocabulary_are_not_secrets() -> None:
    code = """
        import random

        def sample_sentence(vocab, tokens, alphabet):
            token = random.choice(vocab)
            next_token = random.choice(tokens)
            masked = random.sample(self.tokens, 3)
            new_token = "".join(random.choice(alphabet) for _ in range(16))
            return token, next_token, masked, new_token
        """
    assert lines(code) == [7]


def test_a_token_alphabet_is_characters_not_existing_tokens() -> None:
    from tests.helpers import fired, scan_snippet
    from tokenward.rules import weak_token_generation

    code = (
        "import random, string\n"
        "TOKEN_ALPHABET = string.ascii_letters + string.digits\n"
        "def new_api_token():\n"
        "    return ''.join(random.choice(TOKEN_ALPHABET) for _ in range(32))\n"
        "def sample_token(tokens):\n"
        "    return random.choice(tokens)\n"
    )
    assert fired(scan_snippet(code, "tokens.py", [weak_token_generation.RULE])) == [4]


def test_a_relative_import_is_not_the_standard_library() -> None:
    code = """
        from .utils import random
        import random as stdlib_random

        def make(user):
            user.reset_token = random.choice(ALPHABET)
            user.api_token = stdlib_random.choice(ALPHABET)
        """
    text = textwrap.dedent(code).lstrip("\n")
    assert pinned(scan_snippet(text, "app/tokens.py", [RULE])) == [
        (6, 22, "api_token is made from random.choice(), which an attacker can predict")]


def test_a_timestamp_shifted_by_a_lifetime_is_an_expiry_not_token_material() -> None:
    """Line 6 takes the time to compute when a token expires (``now + expires_in``): no
    finding. Line 12 builds the token from the time: a finding."""
    code = ("import time\n"
            "\n"
            "\n"
            "def issue(app, scopes):\n"
            "    result = app.acquire_token(scopes)\n"
            "    now = int(time.time())\n"
            "    return AccessTokenInfo(result['access_token'], now + int(result['expires_in']))\n"
            "\n"
            "\n"
            "def reset_token(user):\n"
            "    salt = user.email\n"
            "    token = str(time.time()) + salt\n"
            "    return token\n")
    assert fired(scan_snippet(code, "app/tokens.py", rules=[RULE])) == [12]
