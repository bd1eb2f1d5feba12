import random
import string

_rng = random.Random()


def recovery_codes(count):
    return ["%016x" % _rng.getrandbits(64) for _ in range(count)]


def invite_codes(count):
    chars = string.ascii_uppercase + string.digits
    return ["".join(_rng.choice(chars) for _ in range(10)) for _ in range(count)]
# output
import random
import secrets

_rng = random.Random()


def recovery_codes(count):
    return [secrets.token_hex(32) for _ in range(count)]


def invite_codes(count):
    return [secrets.token_urlsafe(32) for _ in range(count)]
