"""TW201 weak-token-generation: which lines fire, and which tricky ones stay silent."""

from __future__ import annotations

import textwrap

from tests.helpers import fired, pinned, scan_snippet, through_screen
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


def _pins(code: str) -> list[tuple[int, int, str]]:
    return pinned(scan_snippet(textwrap.dedent(code).lstrip("\n"), "app/tokens.py", [RULE]))


def test_items_picked_by_a_random_index_are_random() -> None:
    """``DIGITS[rng_index]`` carries the index's randomness into the token; picking a word
    from a collection of existing items does not make one."""
    code = """
        import numpy as np

        DIGITS = np.array(list("0123456789"))

        def make_pairing_code():
            return "".join(DIGITS[np.random.randint(0, 10, size=8)])

        def make_session_token(words):
            return words[np.random.randint(0, len(words))]
        """
    assert _pins(code) == [(6, 27, "return value of make_pairing_code() is made from "
                                   "numpy.random.randint(), which an attacker can predict")]


def test_a_cookie_named_by_a_module_constant() -> None:
    code = """
        import random

        SESSION_COOKIE = "app_sid"

        def login(response):
            value = "%x" % random.getrandbits(64)
            response.set_cookie(SESSION_COOKIE, value)
        """
    assert _pins(code) == [(6, 20, "cookie 'app_sid' is made from random.getrandbits(), "
                                   "which an attacker can predict")]


def test_a_keyword_of_a_class_is_named_by_the_class() -> None:
    """``Voucher(code=...)`` is a voucher code; ``Colour(code=...)`` is not a secret."""
    code = """
        import random

        def issue(db):
            db.add(Voucher(code=str(random.randint(10**7, 10**8))))
            db.add(Colour(code=str(random.randint(0, 255))))
        """
    assert _pins(code) == [(4, 29, "argument code= is made from random.randint(), which an "
                                   "attacker can predict")]


def test_a_one_time_code_and_a_checkin_code_by_name() -> None:
    code = """
        import itertools
        import uuid

        _seq = itertools.count()

        def one_time_login_code(user):
            return f"{user.id}{next(_seq)}"

        def assign(visit):
            visit.checkin_code = uuid.uuid1().hex
        """
    assert _pins(code) == [
        (7, 24, "return value of one_time_login_code() is made from a counter, which an "
                "attacker can predict"),
        (10, 26, "checkin_code is made from uuid.uuid1() (predictable), which an attacker "
                 "can predict")]


def test_what_a_token_making_command_prints_is_the_token() -> None:
    """A CLI command named for a password prints the password it makes; a command named
    for something else prints nothing secret."""
    code = """
        import time
        import click

        def new_admin_password():
            click.echo(f"pw-{int(time.time() * 1000):x}")

        def show_clock():
            click.echo(f"now-{int(time.time())}")
        """
    assert _pins(code) == [(5, 26, "output of new_admin_password() is made from a timestamp, "
                                   "which an attacker can predict")]


def test_a_value_stored_with_an_expiry_is_a_credential() -> None:
    """``order.pickup_ref`` gets a ``pickup_ref_expires_at`` beside it: whoever knows the
    value may use it until then. ``order.label`` has no expiry: not a credential."""
    code = """
        import random
        from datetime import datetime, timedelta

        def ready(order):  # the customer shows this token at the desk
            order.pickup_ref = random.randint(10**5, 10**6)
            order.pickup_ref_expires_at = datetime.now() + timedelta(days=2)
            order.label = random.randint(0, 99)
        """
    assert _pins(code) == [(5, 24, "pickup_ref (stored with an expiry) is made from "
                                   "random.randint(), which an attacker can predict")]


def test_printf_formatting_reads_the_text_before_each_conversion() -> None:
    """The second ``%s`` follows ``sid=``: a session id. The first follows ``Hello``."""
    code = """
        import random

        def page(name):
            return "Hello %s <meta content='sid=%s'>" % (
                str(random.random()), "".join(random.sample("abcdef0123456789", 16)))
        """
    assert _pins(code) == [(5, 39, "a token in a URL or header is made from random.sample(), "
                                   "which an attacker can predict")]


def test_an_encoding_of_guessable_input_followed_through_a_local() -> None:
    """base64 hides nothing: a cookie made of the username and the user's id is guessable.
    Basic credentials (with a password in them) are not made here."""
    code = """
        import base64

        def login(response, user):
            raw = f"{user.username}:{user.id}"
            response.set_cookie("auth", base64.b64encode(raw.encode()))

        def basic(username, password):
            return {"Authorization": base64.b64encode(f"{username}:{password}".encode())}
        """
    assert _pins(code) == [(5, 33, "cookie 'auth' is made from an encoding of guessable "
                                   "input, which an attacker can predict")]


def test_keygen_makes_a_key() -> None:
    code = """
        import hashlib
        import random

        def keygen(user):
            return hashlib.sha1(str(random.random()).encode()).hexdigest()
        """
    assert _pins(code) == [(5, 29, "return value of keygen() is made from random.random(), "
                                   "which an attacker can predict")]


def test_an_identifier_is_not_followed_into_the_secret_beside_it() -> None:
    """``key_id`` is printed beside the secret as its public half; the secret is strong."""
    code = """
        import random
        import secrets

        def new_api_key():
            key_id = "%08x" % random.getrandbits(32)
            return f"{key_id}.{secrets.token_urlsafe(32)}"
        """
    assert _pins(code) == []


def test_a_field_of_a_constructed_object_read_back_into_a_url() -> None:
    """``Share(access_ref=...)`` is read back as ``share.access_ref`` and passed to
    ``url_for`` as ``key=``: a URL parameter that grants access. ``label=`` is read back
    into a plain ``title=``: nothing."""
    code = """
        import random
        from flask import url_for

        def share(doc):  # the link carries an access token
            item = Share(access_ref=str(random.random()),
                         label=str(random.random()))
            item.save()
            return url_for("docs.view", key=item.access_ref, title=item.label)
        """
    assert _pins(code) == [(5, 33, "a token in a URL or header is made from random.random(), "
                                   "which an attacker can predict")]


def test_a_maker_documented_as_a_lookup_key() -> None:
    """``new_key`` says it makes a cache key: not a token. ``new_code`` says nothing."""
    code = """
        import random

        def new_key(n=6):
            \"\"\"A short random cache key for the rendered page.\"\"\"
            return "".join(random.choices("abcdef", k=n))

        def new_reset_code(n=6):
            \"\"\"The code we email; the cache key is derived from it.\"\"\"
            return "".join(random.choices("0123456789", k=n))
        """
    assert _pins(code) == [(9, 20, "return value of new_reset_code() is made from "
                                   "random.choices(), which an attacker can predict")]


def test_a_fallback_for_a_standard_library_import_never_runs() -> None:
    """Issue 11, item 8: ``try: from secrets import token_hex`` / ``except ImportError:``
    a random-based stand-in (line 5) never runs on Python 3.6+, so it makes no token; the
    same stand-in for a third-party import (line 10) does run where that package is
    missing."""
    assert _pins("""
        try:
            from secrets import token_hex
        except ImportError:
            import random
            def token_hex(n): return "%x" % random.getrandbits(n * 8)
        try:
            from fasttokens import make_token
        except (ImportError, AttributeError):
            import random
            def make_token(n): return "%x" % random.getrandbits(n * 8)
        """) == [(10, 38, "return value of make_token() is made from random.getrandbits(), "
                          "which an attacker can predict")]


def _pins(code: str) -> list[tuple[int, int, str]]:
    return pinned(scan_snippet(textwrap.dedent(code).lstrip("\n"), "app/tokens.py", [RULE]))


def test_a_function_named_for_a_key_makes_that_key() -> None:
    """A noun phrase ending in ``key`` names what the function returns (line 5, line 9);
    a lookup key (line 13) and an operation (line 17) make no secret."""
    code = """
        import random
        import uuid

        def vendor_key(vendor):
            return uuid.uuid5(uuid.NAMESPACE_URL, vendor.login).hex

        def document_key(doc_id):
            random.seed(doc_id)
            return "%024x" % random.getrandbits(96)

        def cache_key(doc_id):
            return f"doc:{doc_id}:{random.randint(0, 9)}"

        def check_key(value):
            return value == str(uuid.uuid1())
        """
    assert _pins(code) == [
        (5, 12, "return value of vendor_key() is made from uuid.uuid5() (predictable), which "
                "an attacker can predict"),
        (9, 22, "return value of document_key() is made from random.getrandbits(), which an "
                "attacker can predict"),
    ]


def test_a_qualified_ticket_is_a_bearer_value() -> None:
    """An ``access_ticket`` grants what a login or CAS ticket grants (line 6); a support
    ticket's number is no secret (line 9). The encoding of the id and the time is the
    mistake, reported where the token is made (line 6), not at the time (line 5)."""
    code = """
        import base64
        import time

        def access_ticket(order_id):
            payload = f"{order_id}|{int(time.time())}"
            return base64.b64encode(payload.encode()).decode()

        def new_ticket_number(queue):
            return f"{queue}-{int(time.time())}"
        """
    assert _pins(code) == [
        (6, 12, "return value of access_ticket() is made from an encoding of guessable "
                "input, which an attacker can predict"),
    ]


def test_the_key_of_a_stored_record_sent_in_a_link_is_its_credential() -> None:
    """The value keys a record in the store and is handed out in a URL (line 6): whoever
    has the URL reads the record. Only stored (line 11) or only linked (line 16), it is
    an id."""
    code = """
        import numpy as np
        from .auth import require_token
        from .stores import kv

        def publish(report_id):
            ref = np.random.bytes(20).hex()
            kv.set(f"published-report:{ref}", report_id)
            return f"https://reports.example.com/p/{ref}"

        def queue_job(report_id):
            ref = np.random.bytes(20).hex()
            kv.set(f"job:{ref}", report_id)
            return ref

        def job_page(report_id):
            ref = np.random.bytes(20).hex()
            return f"https://reports.example.com/jobs/{ref}"
        """
    assert _pins(code) == [
        (6, 11, "the key of a stored record, sent in a link is made from numpy.random.bytes(), "
                "which an attacker can predict"),
    ]


def test_a_finding_is_fixable_when_the_fix_rewrites_its_whole_line() -> None:
    """Line 6's join replaces the randint inside it; line 9 holds two uuid1 calls, one
    finding, which one rewrite would only half fix; line 12's seeded generator and line
    15's hash of input would change meaning (reproduced, recomputed)."""
    code = """
        import hashlib
        import random
        import uuid

        def new_api_key():
            return "".join(random.choice("abcdef") for _ in range(random.randint(30, 40)))

        def new_client_secret():
            return uuid.uuid1().hex + uuid.uuid1().hex

        def invite_code(seed):
            return "%x" % random.Random(seed).getrandbits(64)

        def activation_code(user):
            return hashlib.sha1(user.email.encode()).hexdigest()
        """
    findings = scan_snippet(textwrap.dedent(code).lstrip("\n"), "app/tokens.py", [RULE])
    assert [(f.span.line, f.fixable) for f in findings] == [
        (6, True), (9, False), (12, False), (15, False)]


def test_a_file_without_a_weak_call_is_not_parsed_for_tw201() -> None:
    # `timestamp` and a token are spelled (the prefilter lets the file in), but no call
    # can be a weak source: the ast screen leaves the libcst tree unbuilt.
    from tokenward.config import Config
    from tokenward.scanner.engine import FileTask, scan_file

    code = "def reset_token(user):\n    token = user.timestamp_field\n    return token\n"
    result = scan_file(FileTask("app/tokens.py", code.encode()), Config(), [RULE])
    assert (result.findings, result.parsed) == ((), False)
    # The same file making its token from the time (after an import): line 3 fires.
    weak = code.replace("user.timestamp_field", "str(time.time())")
    assert lines("import time\n" + weak) == [3]


def test_weak_values_that_reach_no_token_leave_the_file_unparsed() -> None:
    # Timings, a jitter, an identifier, a digest of a secret, a coin toss: the screen
    # follows each value to where it ends and builds no libcst tree.
    code = """
        import hashlib
        import random
        import time
        import uuid

        def refresh_token_cache(entries, api_token):
            started = time.monotonic()
            delay = random.uniform(0.5, 1.5)
            cache_id = uuid.uuid1().hex
            digest = hashlib.sha256(api_token.encode()).hexdigest()
            if random.random() > 0.5:
                entries.clear()
            time.sleep(delay)
            return {"elapsed": time.monotonic() - started, "id": cache_id, "digest": digest}
        """
    assert through_screen(RULE, code) == ([], False)


def test_a_counter_only_looped_over_leaves_the_file_unparsed() -> None:
    # Home Assistant's script helper: `itertools.count(1)` numbers a loop's iterations
    # (line 5). No name keeps the counter nor calls it, so no `next(counter)` can make a
    # token: the libcst tree stays unbuilt.
    code = ("import itertools\n"                                                   # 1
            "import random\n"                                                      # 2
            "def repeat(action, token):\n"                                         # 3
            "    wait = random.uniform(0.5, 1.5)\n"                                # 4
            "    for iteration in itertools.count(1):\n"                           # 5
            "        action(token, iteration, wait)\n")                            # 6
    assert through_screen(RULE, code) == ([], False)
    # A counter kept under a name (line 7, read at line 9) and a generator called on the
    # spot (line 10) make tokens: both are judged, and reported.
    kept = code + ("_seq = itertools.count()\n"                                    # 7
                   "def next_token():\n"                                           # 8
                   "    reset_token = next(_seq)\n"                                # 9
                   "    api_token = random.Random(7).getrandbits(64)\n"           # 10
                   "    return reset_token, api_token\n")                          # 11
    findings, parsed = through_screen(RULE, kept)
    assert parsed and [line for line, _, _ in findings] == [9, 10]


def test_a_weak_value_passed_through_helpers_to_a_token_is_parsed_and_fires() -> None:
    code = """
        import random
        import time

        def refresh(entries):
            started = time.monotonic()
            entries.clear()
            return time.monotonic() - started

        def _pin(size):
            digits = [str(random.randrange(10)) for _ in range(size)]
            return "".join(digits)

        def enrol(user):
            user.save(login_pin=_pin(6))
        """
    findings, parsed = through_screen(RULE, code)
    assert parsed and [line for line, _, _ in findings] == [10]


def test_a_name_based_uuid_is_as_predictable_as_its_name() -> None:
    """``uuid3``/``uuid5`` hash a namespace and a name: a vendor's login makes a guessable
    key (line 4); Superset's metastore cache derives its key from the key it is given
    (extensions/metastore_cache.py:72, line 7): nothing guessable, no finding."""
    code = """
        import uuid

        def vendor_key(vendor):
            return uuid.uuid5(uuid.NAMESPACE_URL, vendor.login).hex

        def get_key(namespace, key):
            return uuid.uuid3(namespace, key)
        """
    assert [pin[0] for pin in _pins(code)] == [4]


def test_a_guessable_value_signed_into_a_token_is_no_weak_token() -> None:
    # Libcloud's common/google.py:629: a service account's JWT assertion, its claims (the
    # time in them) then its RSA signature; the same claims with no signature still fire.
    code = """
        import base64, json, time

        def signed(self, key):
            claims = {"iss": self.user_id, "exp": int(time.time()) + 3600}
            claim_set_enc = base64.urlsafe_b64encode(json.dumps(claims).encode())
            message = b".".join((b"e30", claim_set_enc))
            signature = key.sign(data=message)
            signature = base64.urlsafe_b64encode(signature)
            jwt = b".".join((message, signature))
            return {"assertion": jwt}

        def unsigned(self):
            claims = {"iss": self.user_id, "exp": int(time.time()) + 3600}
            claim_set_enc = base64.urlsafe_b64encode(json.dumps(claims).encode())
            jwt = b".".join((b"e30", claim_set_enc, b""))
            return {"assertion": jwt}
        """
    assert lines(code) == [14]


def test_a_weak_value_beside_a_strong_one_is_weak_unless_both_make_one_value() -> None:
    # A tuple of two codes is two values: the first, picked out, is still guessable
    # (line 5); joined with a random part it is not (line 9).
    code = """
        import random
        import secrets

        def pair(user):
            codes = (str(random.getrandbits(32)), secrets.token_hex(16))
            user.reset_code = codes[0]

        def joined(user):
            user.reset_code = "-".join((str(random.getrandbits(32)), secrets.token_hex(16)))
        """
    assert lines(code) == [5]


def test_a_sigv4_credential_scope_is_public() -> None:
    # Libcloud's storage/drivers/s3.py:1296: the access key id and the date, not a token.
    code = """
        from datetime import datetime
        from hashlib import sha1

        def presign(self, ex_expiry):
            now = datetime.utcnow()
            credparts = (self.key, now.strftime("%Y%m%d"), self.region, "s3", "aws4_request")
            params_to_sign = {
                "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
                "X-Amz-Credential": "/".join(credparts),
                "X-Amz-Date": now.strftime("%Y%m%dT%H%M%SZ"),
            }
            return params_to_sign
        """
    assert lines(code) == []
