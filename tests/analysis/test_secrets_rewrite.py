"""analysis.secrets_rewrite: the exact secrets rewrite of a weak call, or why there is none.

The rules mark a finding fixable from this answer and the fix applies it (the golden files
under tests/fix_cases/ check the rewritten code); here, each call's answer is pinned."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from tokenward.analysis.secrets_rewrite import Rewrite, secrets_rewrite
from tokenward.analysis.source import FileKind, Source
from tokenward.config import Config


_NOT_WEAK = ("str", "int", "hexdigest", "encode")


def _answer(code: str, line: int) -> tuple[str, str] | str:
    """(replaced code, replacement) for the weak call on ``line`` (the call the finding
    points at: the innermost call that is not a conversion), or the reason."""
    source = Source("app.py", textwrap.dedent(code).lstrip("\n"), FileKind.PYTHON, Config())
    assert source.index is not None
    call = next(c for c in source.index.of(cst.Call) if source.span(c).line == line
                and source.code(c.func).split(".")[-1] not in _NOT_WEAK)
    answer = secrets_rewrite(source, call)
    return (source.code(answer.node), answer.code) if isinstance(answer, Rewrite) else answer


@pytest.mark.parametrize(("code", "line", "expected"), [
    ("import random\nkey = '%032x' % random.getrandbits(128)\n", 2,
     ("'%032x' % random.getrandbits(128)", "secrets.token_hex(32)")),
    ("import random\nkey = f'{random.getrandbits(64):016x}'\n", 2,
     ("f'{random.getrandbits(64):016x}'", "secrets.token_hex(32)")),
    ("import random\nkey = random.getrandbits(64)\n", 2,
     ("random.getrandbits(64)", "secrets.randbits(256)")),
    ("import numpy as np\nkey = np.random.bytes(8)\n", 2,
     ("np.random.bytes(8)", "secrets.token_bytes(32)")),
    ("import random\nrng = random.Random()\ncode = rng.randint(1000, 9999)\n", 3,
     ("rng.randint(1000, 9999)", "secrets.randbelow(9000) + 1000")),
    ("import uuid\nsid = str(uuid.uuid1())\n", 2,
     ("str(uuid.uuid1())", "secrets.token_hex(32)")),
    ("import time\ntoken = str(int(time.time()))\n", 2,
     ("str(int(time.time()))", "secrets.token_urlsafe(32)")),
    ("from django.utils.crypto import get_random_string\nkey = get_random_string(10)\n", 2,
     ("10", "43")),
])
def test_rewrites(code: str, line: int, expected: tuple[str, str]) -> None:
    assert _answer(code, line) == expected


@pytest.mark.parametrize(("code", "line", "expected"), [
    ("import random\nrng = random.Random(ticket.id)\ncode = rng.choice('abc')\n", 3,
     "a generator seeded with ticket.id: the same seed gives the same token, which code may "
     "rely on to make it again"),
    ("import random\nrandom.seed(7)\ncode = random.choice('abc')\n", 3,
     "a generator seeded with 7: the same seed gives the same token, which code may rely on "
     "to make it again"),
    ("import hashlib\ncode = hashlib.sha1(f'{user.pk}-{user.email}'.encode()).hexdigest()\n", 2,
     "hashlib.sha1() derives the token from its input, and such a token is usually "
     "recomputed from that input to verify it: a random value would break the check; store "
     "a random token instead"),
    ("import uuid\nkey = uuid.uuid3(uuid.NAMESPACE_DNS, name).hex\n", 2,
     "uuid.uuid3() derives the token from its input, and such a token is usually recomputed "
     "from that input to verify it: a random value would break the check; store a random "
     "token instead"),
    ("import uuid\nsession.key = uuid.uuid1()\n", 2,
     "a UUID object: a UUID column or type may depend on it; uuid.uuid4() keeps the type "
     "(122 random bits), or store secrets.token_hex(32) as text"),
    ("import time\ntoken = f'{user.id}-{int(time.time())}'\n", 2,
     "the time is one part of the value, and code may read the rest (or the time) back"),
    ("import time\ntoken = int(time.time())\n", 2,
     "a number made from the time: code may compare or count with it"),
    ("import random\ntoken = random.random()\n", 2,
     "no exact secrets equivalent for random.random()"),
])
def test_reasons_where_a_rewrite_would_change_meaning(code: str, line: int,
                                                     expected: str) -> None:
    assert _answer(code, line) == expected
