"""Fingerprints: stable under unrelated edits, so baselines survive moving code around.

Built from the project-relative path, the rule id, what the finding is about and an
occurrence number; never from line numbers, and never from a secret value: fingerprints
are published (JSON, SARIF, baselines in git), and anything derived from a secret there is
a dictionary attack away from the secret. A secret finding is about what the secret is
bound to (``GITHUB_TOKEN``), or, when nothing names it, the code around it with the
literal masked. Other findings are about their normalised offending code.

A fingerprint alone would let an old baseline entry cover a *different* secret put in the
same place, so baseline entries for secrets also carry a :func:`value_check`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from tokenward.lazy import lazy_regex
from tokenward.model import Span
from tokenward.scanner import redaction

_SPACE = lazy_regex(r"\s+")
SECRET_MASK = "<secret>"

# value_check: scrypt (memory-hard, ~5-15 ms a guess) salted by the fingerprint, so every
# entry costs an attacker a separate search, cut to 8 bits. Few bits on purpose: a
# dictionary of D words leaves about D/256 candidates besides the secret, so even a small
# targeted list (1,600 words: ~6 candidates) cannot single it out, while a changed secret
# still fails the check 255 times in 256. 16 bits would single out the secret from any
# list under ~65,000 words.
VALUE_CHECK_BITS = 8
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**12, 8, 1


def normalise_code(code: str) -> str:
    return _SPACE.sub(" ", code).strip()


def fingerprint(path: str, rule_id: str, material: str, occurrence: int = 0) -> str:
    """``occurrence`` tells identical findings in one file apart (the 2nd, the 3rd ...)."""
    blob = "\0".join((path, rule_id, material, str(occurrence))).encode("utf-8", "surrogatepass")
    return hashlib.sha256(blob).hexdigest()[:24]


def secret_material(target: str | None, lines: Sequence[str], span: Span, secret: str) -> str:
    """What a secret finding's fingerprint is built from: never the secret.

    The target when there is one. Otherwise the lines of the finding with its span (the
    literal, however it is spelled) and every other spelling of the value masked, and
    anything token-shaped masked as in snippets: the material shows no more than the
    published snippet does.
    """
    if target:
        return "target:" + target
    chosen = list(lines[span.line - 1 : span.end_line])
    if not chosen:
        return "code:" + SECRET_MASK
    head = chosen[0][: span.column - 1]
    tail = chosen[-1][span.end_column - 1 :]
    code = head + SECRET_MASK + tail
    if secret:
        code = code.replace(secret, SECRET_MASK)
    return "code:" + normalise_code(redaction.mask_line(code))


def value_check(secret: str, fingerprint: str) -> str:
    """A few bits that change when the secret at this place changes (see the top)."""
    digest = hashlib.scrypt(secret.encode("utf-8", "surrogatepass"),
                            salt=fingerprint.encode("ascii"),
                            n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=4)
    return digest.hex()[: VALUE_CHECK_BITS // 4]


# value_check by the secret's keyed hash (never the secret itself) and the fingerprint: a
# history scan meets the same secret at the same place in many versions of a file, and each
# check is a scrypt (~10 ms). Bounded: emptied when full.
_KNOWN_CHECKS: dict[tuple[str, str], str] = {}
_KNOWN_CHECKS_MAX = 4096


def known_value_check(secret: str, secret_hash: str, fingerprint: str) -> str:
    """:func:`value_check`, computed once per (``secret_hash``, ``fingerprint``) in a
    process; ``secret_hash`` is :func:`redaction.secret_hash` of ``secret``."""
    key = (secret_hash, fingerprint)
    check = _KNOWN_CHECKS.get(key)
    if check is None:
        if len(_KNOWN_CHECKS) >= _KNOWN_CHECKS_MAX:
            _KNOWN_CHECKS.clear()
        check = _KNOWN_CHECKS[key] = value_check(secret, fingerprint)
    return check
