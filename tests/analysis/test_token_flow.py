"""token_flow's two answers to one question: is this value used as a token? ``token_use``
walks libcst's tree; ``may_be_token_use`` asks the same of the ``ast`` tree before any
libcst tree exists (TW201's screen) and must say yes wherever the walker finds a use."""

from __future__ import annotations

import ast
import textwrap

from tokenward.analysis.source import FileKind, Source
from tokenward.analysis.token_flow import may_be_token_use, token_use
from tokenward.config import Config
from tokenward.lazy import cst

CODE = textwrap.dedent('''
    import random
    import time

    def handler(user, db, cache, resp, log):
        link = "https://example.com/reset?token=%s" % random.getrandbits(64)
        url = f"https://example.com/verify/{random.random()}"
        odd = f"https://example.com/\\x3f{random.random()}"
        cache.set("reset:" + user.name, random.random())
        db.execute("UPDATE users SET api_token = %s", (random.random(),))
        user.otp = time.time()
        user.code = random.randint(0, 9)
        user.code_expires_at = time.time() + 600
        started = time.time()
        log.info("took %s", time.time() - started)
        if random.random() > 0.5:
            pass
        item_id = random.randint(0, 10)
        return link, url, odd, item_id

    def new_password():
        print(random.random())

    def _digits(n):
        value = "".join(str(random.randint(0, 9)) for _ in range(n))
        return value

    def enrol(user):
        pin = _digits(6)
        user.save(login_pin=pin)
    ''').lstrip("\n")

# The line of each call of ``random`` or ``time``, and whether the screen lets it through.
SCREENED = {
    5: True,    # printf after ?token=
    6: True,    # f-string after /verify/
    7: True,    # an escape in the f-string: ast's text is not libcst's, so it goes through
    8: True,    # a keyed sink (its key is judged by the walker only)
    9: True,    # a positional SQL argument
    10: True,   # stored under a token's name
    11: True,   # stored beside code_expires_at
    12: False,  # a time shifted into an expiry, stored under no token's name
    13: False,  # a start time, read back only into a log message's argument
    14: False,
    15: False,  # a condition
    17: False,  # an identifier
    21: True,   # printed by a function that makes a password
    24: True,   # returned, called, bound to pin, passed as login_pin=
}


def _weak_calls(source: Source) -> dict[int, ast.Call]:
    calls = {}
    for call in source.syntax_of(ast.Call):
        name = ast.unparse(call.func)
        if name.startswith(("random.", "time.")) and name != "time.sleep":
            calls.setdefault(call.lineno, call)
    return calls


def test_the_screen_follows_the_walk_and_stops_where_it_surely_ends() -> None:
    source = Source("app/handlers.py", CODE, FileKind.PYTHON, Config())
    calls = _weak_calls(source)
    assert {line: may_be_token_use(source, call) for line, call in calls.items()} == SCREENED


def test_every_use_the_walker_finds_goes_through_the_screen() -> None:
    walker = Source("app/handlers.py", CODE, FileKind.PYTHON, Config())
    assert walker.index is not None
    found = {walker.span(call).line for call in walker.index.of(cst.Call)
             if token_use(walker, call) is not None
             or token_use(walker, call, time_value=True) is not None}
    assert found == {5, 6, 9, 10, 11, 21, 24, 28}  # 28: _digits(6), bound to pin
    screen = Source("app/handlers.py", CODE, FileKind.PYTHON, Config())
    assert found <= {call.lineno for call in screen.syntax_of(ast.Call)
                     if may_be_token_use(screen, call)}


def test_a_class_keyword_and_unpacked_keywords_are_read_as_the_walker_reads_them() -> None:
    code = textwrap.dedent('''
        import random

        class Seeded(Base, seed=random.random()):
            pass

        def send(mailer, user):
            mailer.send_reset_email(user, **{"token": random.random()})
        ''').lstrip("\n")
    source = Source("app/mail.py", code, FileKind.PYTHON, Config())
    calls = _weak_calls(source)
    assert {line: may_be_token_use(source, call) for line, call in calls.items()} == {
        3: False, 7: True}
