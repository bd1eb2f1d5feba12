"""TW201: a token, password, OTP or reset code made from a predictable source."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from tokenward.analysis.context import reports_only_proven
from tokenward.analysis.source import Source
from tokenward.analysis.vocabulary import (
    function_makes_non_secret,
    function_makes_token,
    mentions_tokens,
)
from tokenward.model import Category, Hit, Severity
from tokenward.rules.base import PYTHON, Example, Expected, Rule, RuleDocs

if TYPE_CHECKING:
    import libcst as cst

    from tokenward.analysis import python, randomness, secrets_rewrite, token_flow
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import cst, lazy_module

    python = lazy_module("tokenward.analysis.python")
    randomness = lazy_module("tokenward.analysis.randomness")
    secrets_rewrite = lazy_module("tokenward.analysis.secrets_rewrite")
    token_flow = lazy_module("tokenward.analysis.token_flow")


def _in_non_token_function(source: Source, call: cst.Call) -> bool:
    """A function named for an identifier or another non-secret value makes that, whatever
    its local variables are called (``def generate_package_id(): token = md5(name)``)."""
    assert source.index is not None
    func = source.analysis.function(call)
    return func is not None and not function_makes_token(func.name.value) \
        and function_makes_non_secret(func.name.value)


# Sources: "random." / "import random" (not "random", which is in every
# "get_random_string"); "time.time(" / "from time import" (not "time(", which is in every
# "datetime("); a datetime-based token goes through "timestamp(" or a hash; counters only
# as "itertools.count" (``from itertools import count`` is everywhere in ORM code).
# Words, never a spelling of '(' or '=': `import os, random as rnd` and `time.time ()`
# pass this prefilter too (tests/rules/test_prefilter_spelling.py varies the spacing).
_SOURCE_MARKERS = ("random.", "import random", "from random", "random as", "numpy", "uuid1",
                   "uuid3", "uuid5", "time.time", "from time", "time_ns", "timestamp",
                   "monotonic", "perf_counter", "itertools.count", "hashlib", "b64encode",
                   "b32encode", "b16encode", "b85encode", "a85encode")


_HASHED = "a hash of guessable input"
_ENCODED = "an encoding of guessable input"


def _detect(source: Source) -> Iterator[Hit]:
    # The screen first: no call that can be a weak source, no libcst tree to build.
    if reports_only_proven(source) or not (
            "module" in source.__dict__ or randomness.may_make_weak_value(source)) \
            or source.index is None:
        return
    seen_lines: set[int] = set()
    found: list[tuple[cst.Call, str, str]] = []
    for call in source.index.of(cst.Call):
        detail = randomness.weak_source(source, call)
        if detail is None and randomness.predictable_hash(source, call):
            detail = _HASHED
        if detail is None and randomness.predictable_encoding(source, call):
            detail = _ENCODED
        if detail is None:
            continue
        use = token_flow.token_use(source, call, time_value=detail == "a timestamp")
        if use is None or _in_non_token_function(source, call) \
                or python.in_dead_import_fallback(source, call):
            continue
        found.append((call, detail, use))
    # A time hashed or encoded into the token is that derivation's input, not a second
    # mistake: reported once, where the token is made.
    derived = {id(t) for call, detail, _ in found if detail in (_HASHED, _ENCODED)
               for t in randomness.derived_timestamps(source, call)}
    by_line: dict[int, list[cst.Call]] = {}  # the reported calls of each line
    for call, _, _ in found:
        if id(call) not in derived:
            by_line.setdefault(source.span(call).line, []).append(call)
    for call, detail, use in found:
        if id(call) in derived:
            continue
        span = source.span(call)
        if span.line in seen_lines:
            continue  # one finding per line: f"{randint()}{randint()}" is one mistake
        seen_lines.add(span.line)
        yield Hit(span=span, target=use, detail=detail, code=source.code(call),
                  fixable=_fixable(source, call, [c for c in by_line[span.line]
                                                  if c is not call]))


def _fixable(source: Source, call: cst.Call, others: list[cst.Call]) -> bool:
    """Whether the use-secrets fix rewrites the line's mistake whole: the rewrite of
    ``call`` also replaces the other weak calls of its line (``"".join(choice(...) for _ in
    range(randint(8, 12)))``); ``uuid1().hex + uuid1().hex`` would be half fixed."""
    rewrite = secrets_rewrite.secrets_rewrite(source, call)
    if not isinstance(rewrite, secrets_rewrite.Rewrite):
        return False
    assert source.index is not None
    return all(rewrite.node in source.index.ancestors(other) for other in others)


RULE = Rule(
    id="TW201",
    name="weak-token-generation",
    title="Token made from a predictable source",
    category=Category.WEAK_GENERATION,
    severity=Severity.HIGH,
    cwe=(330, 338),
    message="{target} is made from {detail}, which an attacker can predict",
    hint="Use the secrets module: secrets.token_urlsafe(32), secrets.randbelow(n), "
         "secrets.choice(seq)",
    docs=RuleDocs(
        what="Finds values used as a token, password, API key, nonce, OTP, session id, reset "
             "or verification code that come from a non-cryptographic or guessable source: "
             "the `random` module (and `random.Random()` instances), `numpy.random`, "
             "`uuid.uuid1()`/`uuid3()`/`uuid5()`, timestamps, `itertools.count()` counters, "
             "or a hash (md5, sha1, sha256 ...) or base64 encoding of guessable input such as "
             "an email, a username, a user id or the time (local variables are followed to "
             "their values). \"Used as a token\" is decided from the data flow visible in "
             "the file, through formatting (f-strings, `%` conversions, joins, hex, base64, "
             "slices, items picked by a random index): the name the value is assigned to, "
             "the dict key or keyword it is passed as (a class's keyword is named by the "
             "class too: `GiftCard(code=...)`, and followed to where the object's field is "
             "read back), an attribute given an expiry beside it (`x.code` and "
             "`x.code_expires_at`), the name of the function that returns it (or how that "
             "function's result is used) or prints it (a noun phrase ending in `key`, "
             "`attachment_key()`, names the key it makes; a qualified `ticket` such as "
             "`login_ticket` is a bearer value), a value that keys a stored record "
             "(`kv.set(f\"share:{value}\", ...)`) and is also handed out in a URL, and "
             "sinks such as cookies and cache "
             "keys (names read from module constants too), `?token=` URLs, `url_for(..., "
             "key=...)`, text before a `%s` such as `SESSIONID=`, and calls like "
             "`store_token()` or `send_reset_email()`.",
        why="`random` is a Mersenne Twister: 624 outputs reveal its whole state, and its "
            "seed defaults to the time. Time- and counter-based values and hashes of known "
            "data can be recomputed by anyone who knows (or guesses) the input. A "
            "predictable reset code or session id is an account takeover.",
        how="Use the `secrets` module: `secrets.token_urlsafe(32)` for tokens and links, "
            "`secrets.randbelow(10**6)` for numeric codes, `secrets.choice` to pick "
            "characters, and at least 32 bytes for anything that is not typed by a human.",
        not_flagged="`random` used for shuffling, sampling, jitter and backoff, simulations, "
                    "games, A/B buckets and colours; picks from a collection of existing "
                    "items named like tokens, words or samples (`random.choice(vocab)` in NLP "
                    "code); ids that are not secrets (request, trace "
                    "and correlation ids, file names, cache and idempotency keys); "
                    "`uuid.uuid4()`, `secrets`, `os.urandom` and `random.SystemRandom()`; "
                    "hashes keyed with a secret (HMAC, `SECRET_KEY` in the input) or of a "
                    "random value; a guessable value combined with a signature, an HMAC "
                    "or a random part (a JWT's claims, then its signature); values only "
                    "compared or checked; anything in test code "
                    "(`tests/`, `test_*.py`, `*_test.py`, `conftest.py`), which makes test "
                    "data; values made inside a function named for an identifier or other "
                    "non-secret (`..._id`, `..._name`, `..._hash`, `..._checksum`, "
                    "`..._filename` ...) whatever its local variables are called; a value "
                    "first bound to an identifier's name (`key_id`, `prefix`), which is "
                    "public by purpose even when printed beside a secret; a function named "
                    "only for a `key` whose docstring calls it a cache (or other lookup) key. "
                    "Promo, referral and coupon codes and salts are not tokens here.",
        references=("https://cwe.mitre.org/data/definitions/330.html",
                    "https://cwe.mitre.org/data/definitions/338.html",
                    "https://docs.python.org/3/library/secrets.html",
                    "https://peps.python.org/pep-0506/"),
        fix_safety="The fix replaces the weak call by its `secrets` equivalent, with at "
                   "least 32 bytes, and adds `import secrets` once. A string built from "
                   "`random.choice`/`choices`/`sample` (also of a `random.Random()` instance, "
                   "also in a comprehension) becomes `secrets.token_urlsafe(32)` (43 URL-safe "
                   "characters: check column sizes and any validation of the alphabet); "
                   "hex text (`\"%032x\" % random.getrandbits(128)`, `f\"{...:016x}\"`, "
                   "`str(uuid.uuid1())`, `uuid.uuid1().hex`) becomes `secrets.token_hex(32)` "
                   "(64 characters); `numpy.random.bytes(n)` and `random.randbytes(n)` become "
                   "`secrets.token_bytes(32)`; a bare `getrandbits(k)` becomes "
                   "`secrets.randbits(256)`; `random.randint(a, b)` becomes "
                   "`secrets.randbelow(b - a + 1) + a` (same range: `str(randint(100000, "
                   "999999))` stays a six-digit code); `random.choice` becomes "
                   "`secrets.choice`; a timestamp or counter that is the whole text token "
                   "(`str(int(time.time()))`) becomes `secrets.token_urlsafe(32)`. "
                   "The call is left for you where a rewrite would change what the value "
                   "means: a "
                   "generator seeded with a value (`random.seed(x)`, `random.Random(x)`: the "
                   "same seed gives the same token, which code may rely on to make it again); "
                   "`uuid3`/`uuid5`, hashes and encodings of input (such a token is usually "
                   "recomputed to verify it: an activation code `sha1(pk + email)` is checked "
                   "by recomputing it, so a random value would break the check; store a "
                   "random token instead); a time or count that is one part of the value (the "
                   "rest may be read back); a number or a UUID object (its type may matter).",
    ),
    detect=_detect,
    kinds=PYTHON,
    screens=True,
    fix="use-secrets",
    keywords=_SOURCE_MARKERS,
    prefilter=mentions_tokens,  # a weak source is not enough: tokens must be mentioned
    bad=(
        Example(
            """
            import random
            import string


            def generate_reset_token():
                alphabet = string.ascii_letters + string.digits
                return "".join(random.choice(alphabet) for _ in range(20))
            """,
            expect=(
                Expected(7, 20, "return value of generate_reset_token() is made from "
                                "random.choice(), which an attacker can predict"),
            ),
            fixed="""
            import secrets


            def generate_reset_token():
                return secrets.token_urlsafe(32)
            """,
        ),
        Example(
            """
            import random

            def send_login_code(user, mailer):
                otp = random.randint(100000, 999999)
                mailer.send(user.email, f"Your code is {otp}")
                user.otp = otp
            """,
            expect=(
                Expected(4, 11, "otp is made from random.randint(), which an attacker can "
                                "predict"),
            ),
            fixed="""
            import secrets


            def send_login_code(user, mailer):
                otp = secrets.randbelow(900000) + 100000
                mailer.send(user.email, f"Your code is {otp}")
                user.otp = otp
            """,
        ),
        Example(
            """
            import hashlib
            import time

            def make_verification_link(user):
                digest = hashlib.md5(f"{user.email}{time.time()}".encode()).hexdigest()
                return f"https://example.com/verify?token={digest}"
            """,
            expect=(
                Expected(5, 14, "a token in a URL or header is made from a hash of guessable "
                                "input, which an attacker can predict"),
            ),
        ),
        Example(
            """
            import uuid
            from random import Random

            _rng = Random()

            def new_session(response):
                response.set_cookie("session_id", str(uuid.uuid1()))
                api_key = "".join(_rng.choices("abcdef0123456789", k=32))
                return api_key
            """,
            expect=(
                Expected(7, 43, "cookie 'session_id' is made from uuid.uuid1() (predictable), "
                                "which an attacker can predict"),
                Expected(8, 23, "api_key is made from a seeded generator (choices()), which an "
                                "attacker can predict"),
            ),
            fixed="""
            import secrets
            from random import Random

            _rng = Random()

            def new_session(response):
                response.set_cookie("session_id", secrets.token_hex(32))
                api_key = secrets.token_urlsafe(32)
                return api_key
            """,
        ),
        Example(
            """
            import numpy as np

            def issue(user, db):
                code = "".join(str(d) for d in np.random.randint(0, 10, size=6))
                db.execute("UPDATE users SET code = ?", (code,))
                send_verification_sms(user.phone, code)
            """,
            expect=(
                Expected(4, 36, "argument of send_verification_sms() is made from "
                                "numpy.random.randint(), which an attacker can predict"),
            ),
        ),
        Example(
            """
            import random

            def random_string(n):
                return "".join(random.choice("abcdefghijklmnop") for _ in range(n))

            def invite(user):
                user.invite_code = random_string(12)
            """,
            expect=(
                Expected(4, 20, "invite_code via random_string() is made from random.choice(), "
                                "which an attacker can predict"),
            ),
        ),
    ),
    good=(
        Example(
            """
            import random
            import time

            def backoff(attempt):
                delay = min(30, 2 ** attempt) + random.uniform(0, 1)
                time.sleep(delay)

            def pick_variant(user):
                return random.choice(["control", "treatment"])

            def sample_rows(rows):
                random.shuffle(rows)
                return random.sample(rows, 10)
            """,
        ),
        Example(
            """
            import random
            import secrets
            import uuid

            request_id = uuid.uuid1().hex
            trace_id = random.getrandbits(64)
            reset_token = secrets.token_urlsafe(32)
            session_id = str(uuid.uuid4())
            password_length = random.randint(12, 20)
            rng = random.SystemRandom()
            pin = "".join(rng.choice("0123456789") for _ in range(6))
            """,
        ),
        Example(
            """
            import hashlib
            import hmac

            def token_for(user, secret_key):
                return hmac.new(secret_key, user.email.encode(), hashlib.sha256).hexdigest()

            def store(raw_token):
                token_hash = hashlib.sha256(raw_token.encode()).hexdigest()
                return token_hash
            """,
        ),
        Example(
            """
            import random

            def make_token():
                return "x" * 32
            """,
            path="tests/test_tokens.py",
        ),
        Example(
            """
            import random

            def make_fake_user():
                password = "".join(random.choice("abc") for _ in range(12))
                return {"name": "x", "password": password}
            """,
            path="tests/factories.py",
        ),
        Example(
            """
            import random

            def check(token, expected):
                if token == expected and random.random() < 0.01:
                    audit(token)
            """,
        ),
    ),
)
