import random
import secrets
import string

SYMBOLS = "!#%+-=?@^_"
POOL = string.ascii_letters + string.digits + SYMBOLS


def service_password(length: int = 24) -> str:
    return "".join(secrets.choice(POOL) for _ in range(length))


def replica_password() -> str:
    rng = random.Random()
    return "".join(rng.choice(POOL) for _ in range(20))


def bootstrap_admin_password() -> str:
    sysrand = random.SystemRandom()
    chars = [sysrand.choice(POOL) for _ in range(28)]
    sysrand.shuffle(chars)
    return "".join(chars)


def recovery_codes(count: int = 10) -> list[str]:
    rng = random.Random()
    return ["%016x" % rng.getrandbits(64) for _ in range(count)]


def pick_maintenance_window(windows: list[str]) -> str:
    return random.choice(windows)
