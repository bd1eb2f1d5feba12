"""The issued token format: ``tw_<kind>_<id>_<secret><checksum>``.

Pure and stdlib-only: the scanner imports this on its hot path to recognise issued tokens.

- ``tw_``: the prefix, so a leaked token is recognisable (by tokenward and by humans).
- ``<kind>``: ``at`` (access) or ``rt`` (refresh).
- ``<id>``: 16 characters of lowercase base32 (80 bits), the public id the database is keyed on.
- ``<secret>``: 43 base62 characters from :mod:`secrets` (43 x log2(62) = 256.03 bits).
- ``<checksum>``: CRC32 of everything before it, 6 base62 characters, so a scanner can tell
  an issued token from a random string of the same shape with certainty
  (a random string passes with probability 2**-32), offline and without the key.

Example: ``tw_at_k3v5yq2m7d4hx6ab_3bN0...<43 chars>...Q8xYz1`` (72 characters in all).
"""

from __future__ import annotations

import re
import secrets
import zlib
from dataclasses import dataclass, field
from typing import Literal

PREFIX = "tw"
Kind = Literal["at", "rt"]
KINDS: tuple[Kind, ...] = ("at", "rt")

ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
ID_LENGTH = 16
SECRET_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"  # nosec B105
SECRET_LENGTH = 43
CHECKSUM_LENGTH = 6
TOKEN_LENGTH = len(PREFIX) + 1 + 2 + 1 + ID_LENGTH + 1 + SECRET_LENGTH + CHECKSUM_LENGTH

# Candidates in free text. Boundaries exclude word characters so that a longer identifier
# that merely contains the shape is not taken for a token.
TOKEN_RE = re.compile(
    r"(?<![A-Za-z0-9_])"
    r"tw_(?P<kind>at|rt)_(?P<id>[a-z2-7]{16})_(?P<secret>[0-9A-Za-z]{43})(?P<checksum>[0-9A-Za-z]{6})"
    r"(?![A-Za-z0-9_])"
)
_EXACT_RE = re.compile(TOKEN_RE.pattern.removeprefix("(?<![A-Za-z0-9_])")
                       .removesuffix("(?![A-Za-z0-9_])") + r"\Z")


@dataclass(frozen=True)
class ParsedToken:
    """A token whose prefix, id and checksum are valid. The secret is kept out of ``repr``."""

    kind: Kind
    token_id: str
    secret: str = field(repr=False)
    checksum: str = field(repr=False)

    @property
    def text(self) -> str:
        return format_token(self.kind, self.token_id, self.secret)


def _base62(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, digit = divmod(number, 62)
        digits.append(SECRET_ALPHABET[digit])
    return "".join(reversed(digits))


def checksum(body: str) -> str:
    """The 6-character base62 CRC32 of ``tw_<kind>_<id>_<secret>``."""
    return _base62(zlib.crc32(body.encode("ascii")), CHECKSUM_LENGTH)


def _check_parts(kind: str, token_id: str, secret: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"token kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if len(token_id) != ID_LENGTH or any(c not in ID_ALPHABET for c in token_id):
        raise ValueError(f"token id must be {ID_LENGTH} characters of lowercase base32")
    if len(secret) != SECRET_LENGTH or any(c not in SECRET_ALPHABET for c in secret):
        # Never echo the secret back.
        raise ValueError(f"token secret must be {SECRET_LENGTH} base62 characters")


def format_token(kind: str, token_id: str, secret: str) -> str:
    """Assemble a token from its parts, appending the checksum."""
    _check_parts(kind, token_id, secret)
    body = f"{PREFIX}_{kind}_{token_id}_{secret}"
    return body + checksum(body)


def parse_token(text: str) -> ParsedToken | None:
    """The parts of ``text`` if it is exactly one well-formed token with a valid checksum."""
    if len(text) != TOKEN_LENGTH:
        return None
    match = _EXACT_RE.match(text)
    if match is None:
        return None
    body = text[: -CHECKSUM_LENGTH]
    if not secrets.compare_digest(checksum(body), match["checksum"]):
        return None
    kind: Kind = "at" if match["kind"] == "at" else "rt"
    return ParsedToken(kind, match["id"], match["secret"], match["checksum"])


def find_tokens(text: str) -> list[ParsedToken]:
    """Every valid issued token in a piece of text (candidates with a bad checksum are dropped)."""
    found = []
    for match in TOKEN_RE.finditer(text):
        parsed = parse_token(match.group(0))
        if parsed is not None:
            found.append(parsed)
    return found


def new_token_id() -> str:
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))


def new_secret() -> str:
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_LENGTH))


def generate_token(kind: str) -> str:
    """A fresh token of ``kind`` with a random id and a 256-bit secret."""
    return format_token(kind, new_token_id(), new_secret())
