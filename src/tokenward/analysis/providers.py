"""The provider catalogue: every token format tokenward knows, loaded once from data.

``analysis/catalogue.py`` holds one row per format (provider, kind, shape,
keywords, validator, severity, documentation, revocation page, and where the provider
documents the format). This module turns each row into a :class:`Provider`: its regular
expression is *built* from the row's shape, so the pattern, the prefilter's anchors and the
tests' generated samples all come from one description.

A shape is literal text with three kinds of holes::

    ghp_{b62:36}              a charset (see CHARSETS) repeated 36 times
    glpat-{b64url:20-300}     ... or between 20 and 300 times
    {sk|rk}_live_{b62:24-247} one of a few literals

The pattern gets boundaries of its own: no word character (nor any character of the
charset at that end) may touch it on either side, so a longer run that merely contains the
shape is not taken for a token. ``before`` is an optional context regex that must precede
the token (``AccountKey=``) and is not part of the secret.

Matching all rows in one pass is :mod:`tokenward.analysis.provider_matcher`'s job.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from collections.abc import Callable
from functools import cache, cached_property

from tokenward.analysis.literals import spelled
from tokenward.records import record

Validator = Callable[[str], bool]

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_WORD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"

CHARSETS: dict[str, str] = {
    "digit": "0123456789",
    "hex": "0123456789abcdef",
    "HEX": "0123456789ABCDEF",
    "xhex": "0123456789abcdefABCDEF",
    "lower": "abcdefghijklmnopqrstuvwxyz",
    "upper": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "alpha": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "lnum": "abcdefghijklmnopqrstuvwxyz0123456789",
    "unum": "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    "b62": _BASE62,
    "word": _WORD,
    "b64": _BASE62 + "+/",
    "b64url": _BASE62 + "_-",
    "b32": "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
    "lb32": "abcdefghijklmnopqrstuvwxyz234567",
    "bech32": "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L",
    # Entra ID (Azure AD) client secrets: [A-Za-z0-9_~.-].
    "entra": _BASE62 + "_~.-",
    # Opaque bearer values (RFC 6750's b64token).
    "b64token": _BASE62 + "-._~+/",
    # A password on a command line (no brackets, bars or quotes: they end a shell word).
    "password": _BASE62 + "!#$%&*+,-./;=?@^_~",
    # Base64 inside a URL query, percent-encoded (an Azure SAS signature).
    "pct64": _BASE62 + "%+/",
}

_HOLE = re.compile(r"\{([^{}]*)\}")
_COUNT = re.compile(r"^(\d+)(?:-(\d+))?$")


@record
class Part:
    """One piece of a shape: a literal (``chars`` empty), a charset run, or a choice."""

    literal: str = ""
    chars: str = ""
    low: int = 0
    high: int = 0
    choices: tuple[str, ...] = ()

    def regex(self) -> str:
        if self.choices:
            return "(?:" + "|".join(re.escape(c) for c in self.choices) + ")"
        if self.chars:
            count = f"{{{self.low}}}" if self.low == self.high else f"{{{self.low},{self.high}}}"
            return _char_class(self.chars) + count
        return re.escape(self.literal)

    def edge(self, side: int) -> str:
        """Characters at this side (0: first, -1: last) that, touching the token there,
        would make it part of a longer run."""
        if self.chars:
            # Base64 ends with its = padding: a fixed-length run of a base64 alphabet
            # followed by '=' is the head of a longer base64 value, not a token of its
            # own. (A variable-length body may end in padding the shape does not spell.)
            padded = side == -1 and self.low == self.high and _is_base64_alphabet(self.chars)
            return self.chars + ("=" if padded else "")
        options = self.choices or (self.literal,)
        return _word_edge("".join(o[side] for o in options if o))

    @property
    def longest(self) -> int:
        if self.choices:
            return max(len(c) for c in self.choices)
        return self.high if self.chars else len(self.literal)


def _is_base64_alphabet(chars: str) -> bool:
    return set(_BASE62) <= set(chars)


def parse_shape(shape: str) -> tuple[Part, ...]:
    """``ghp_{b62:36}`` -> (literal "ghp_", 36 base62 characters). Raises ValueError."""
    parts: list[Part] = []
    position = 0
    for hole in _HOLE.finditer(shape):
        if hole.start() > position:
            parts.append(Part(literal=shape[position:hole.start()]))
        body = hole.group(1)
        if ":" in body:
            name, _, count = body.partition(":")
            counted = _COUNT.match(count)
            if name not in CHARSETS or counted is None:
                raise ValueError(f"bad hole {{{body}}} in shape {shape!r}")
            low = int(counted.group(1))
            high = int(counted.group(2) or low)
            parts.append(Part(chars=CHARSETS[name], low=low, high=high))
        else:
            parts.append(Part(choices=tuple(body.split("|"))))
        position = hole.end()
    if position < len(shape):
        parts.append(Part(literal=shape[position:]))
    return tuple(parts)


@cache  # a few dozen distinct alphabets, asked for about a thousand times by the catalogue
def _char_class(chars: str) -> str:
    return "[" + re.escape("".join(sorted(set(chars)))) + "]"


def shape_regex(parts: tuple[Part, ...], *, bounded: bool = True) -> str:
    body = "".join(part.regex() for part in parts)
    if not bounded:
        return body
    left = _char_class(_WORD + parts[0].edge(0))
    right = _char_class(_WORD + parts[-1].edge(-1))
    return f"(?<!{left}){body}(?!{right})"


def _word_edge(chars: str) -> str:
    # A literal edge only extends the boundary when it is itself a word-like character
    # (``-`` of ``glpat-``, ``=`` of base64 padding): punctuation such as ``/`` or ``"``
    # that closes a URL or a header must not forbid what follows it.
    return "".join(c for c in chars if c in _WORD or c in "-=+/")


# --- validators ----------------------------------------------------------------------


def base62_checksum(body: str) -> str:
    """CRC32 (zlib, IEEE) of ``body`` in base62 (0-9A-Za-z), left-padded with 0 to 6 chars."""
    number = zlib.crc32(body.encode("ascii"))
    digits = ""
    while number:
        number, rest = divmod(number, 62)
        digits = _BASE62[rest] + digits
    return digits.rjust(6, "0")


def has_valid_checksum(token: str) -> bool:
    """GitHub classic (``ghp_`` ...) and npm (``npm_``) tokens: prefix, 30 random base62
    characters, then the base62 CRC32 of those 30 characters (6 characters).

    github.blog "Behind GitHub's new authentication token formats" (2021-04-05): "a 32-bit
    checksum in the last 6 digits"; npm's granular tokens use the same scheme.
    """
    _, sep, rest = token.rpartition("_")
    if not sep or len(rest) != 36 or not rest.isascii() or not rest.isalnum():
        return False
    return base62_checksum(rest[:30]) == rest[30:]


def jwt_is_signed(token: str) -> bool:
    """Three parts, a JSON header whose ``alg`` is not ``none``, a non-trivial signature."""
    parts = token.split(".")
    if len(parts) != 3 or len(parts[2]) < 16:
        return False
    header = _json_part(parts[0])
    return isinstance(header, dict) and str(header.get("alg", "none")).lower() != "none"


# RFC 7519, section 4.1: the registered claim names.
_REGISTERED_CLAIMS = frozenset({"iss", "sub", "aud", "exp", "nbf", "iat", "jti"})


def jwt_with_claims(token: str) -> bool:
    """A signed JWT (:func:`jwt_is_signed`) whose payload decodes to a JSON object holding
    one of RFC 7519's registered claims (``iss``, ``sub``, ``exp`` ...): a JOSE header and a
    claims set, which no other text is by chance. Such a token is one wherever it stands,
    with or without a credential word beside it."""
    if not jwt_is_signed(token):
        return False
    claims = _json_part(token.split(".")[1])
    return isinstance(claims, dict) and not _REGISTERED_CLAIMS.isdisjoint(claims)


def _json_part(part: str) -> object:
    try:
        return json.loads(_b64decode(part))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def pypi_macaroon(token: str) -> bool:
    """A PyPI API token is ``pypi-`` and a base64url macaroon (libmacaroons' v2 binary
    format: version byte 2, then a location field, type 1, naming the index)."""
    try:
        raw = _b64decode(token.removeprefix("pypi-"))
    except (ValueError, binascii.Error):
        return False
    if len(raw) < 4 or raw[0] != 2 or raw[1] != 1:
        return False
    length = raw[2]
    return raw[3:3 + length] in (b"pypi.org", b"test.pypi.org")


def json_token(token: str) -> bool:
    """A token whose body after the prefix starts with base64 JSON (1Password service
    accounts, Sentry organisation tokens, Grafana Cloud tokens): the JSON must decode to
    an object. A secret part may follow the JSON after ``_`` or ``.``."""
    body = token.split("_", 1)[-1]
    candidates = (body, body.split(".")[0], body.rsplit("_", 1)[0])
    return any(isinstance(_json_part(c), dict) for c in candidates)


def _is_issued_token(token: str) -> bool:
    """tokenward's own issuer format: prefix, id and CRC32 checksum must all hold."""
    # Imported on first use: the format module brings in `secrets` (and `random`), about
    # 2 ms of the pre-commit hook's start-up, for a check that seldom runs.
    from tokenward.store.token_format import parse_token

    return parse_token(token) is not None


VALIDATORS: dict[str, Validator] = {
    "github-crc32": has_valid_checksum,
    "tokenward-crc32": _is_issued_token,
    "jwt": jwt_is_signed,
    "jwt-claims": jwt_with_claims,
    "pypi-macaroon": pypi_macaroon,
    "json-body": json_token,
}

# --- private keys --------------------------------------------------------------------

_KEY_BODY = re.compile(r"[A-Za-z0-9+/=]{40,}")


def private_key_body(text: str, end: int) -> str | None:
    """The start of the key body after a private-key header ending at ``end``, or None when
    there is none (a parser's constant). Used as the finding's secret: it tells keys apart."""
    window = text[end : end + 400]
    # Bodies come as real lines, as "\n"-escaped literals, or as concatenated strings.
    window = re.sub(r"\\n|\\r|[\"'\s+,]|Proc-Type:[^\n]*|DEK-Info:[^\n]*", "", window)
    match = _KEY_BODY.match(window)
    return match.group(0)[:64] if match else None


_KEY_LAYOUT = re.compile(r"\\n|\\r|[\"'\s+,]|Proc-Type:[^\n]*|DEK-Info:[^\n]*")
_JOINED_PIECES = re.compile(r"[\"']\s*\+?\s*[\"']")
_BASE64_LAYOUT = re.compile(r"\\n|\\r|[\"'\s,]")
_WHOLE_KEY_BODY = re.compile(r"[A-Za-z0-9+/=]{64,}")
_MAX_KEY_BODY = 16384


def is_whole_private_key(text: str, end: int) -> bool:
    """Whether the private-key header ending at ``end`` starts a whole key: an END line
    follows and everything between is key material (at least the 64 characters of the
    smallest key, an Ed25519 one), laid out as lines, escapes or string pieces, that
    decodes to a key's structure. A key shown cut short in documentation (``MIIEpQ...``,
    ``<key body>``) or a body of filler text proves nothing."""
    stop = text.find("-----END", end, end + _MAX_KEY_BODY)
    if stop < 0:
        return False
    if _WHOLE_KEY_BODY.fullmatch(_KEY_LAYOUT.sub("", text[end:stop])) is None:
        return False
    header = text[max(0, end - 60):end]
    if "PGP" in header or "Proc-Type:" in text[end:stop]:
        return True  # an armoured PGP block, an encrypted PEM body: no DER to check
    # '+' is base64 here, except between the quotes of concatenated string pieces.
    return _is_key_structure(_BASE64_LAYOUT.sub("", _JOINED_PIECES.sub("", text[end:stop])))


_OPENSSH_MAGIC = b"openssh-key-v1\x00"


def _is_key_structure(body: str) -> bool:
    """Whether a key body decodes (base64) to what a key is: an OpenSSH key's magic, or
    one DER SEQUENCE whose length is exactly the body's (PKCS#1, PKCS#8, SEC 1, DSA).
    ``s3cr3ts3cr3t...`` in a documentation page decodes to noise and is no key."""
    try:
        data = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        return False
    if data.startswith(_OPENSSH_MAGIC):
        return True
    if len(data) < 2 or data[0] != 0x30:
        return False
    size = data[1]
    if size < 0x80:
        return 2 + size == len(data)
    count = size & 0x7F
    if not 1 <= count <= 4 or len(data) < 2 + count:
        return False
    return 2 + count + int.from_bytes(data[2:2 + count], "big") == len(data)


# --- the rows ------------------------------------------------------------------------

SEVERITIES = ("critical", "high", "medium", "low")


@record
class Provider:
    """One row of the catalogue: a provider's token format, compiled."""

    key: str
    provider: str
    kind: str
    shape: tuple[Part, ...]
    # What the row's regular expression is built from (see ``regex``): the row's own
    # ``pattern`` if it has one, else its shape, with boundaries when ``bounded``; and the
    # context regex that must precede the token.
    explicit: str | None
    bounded: bool
    before: str
    # Literal substrings one of which every match contains (case-sensitive), or, for a
    # generic-looking format, the keywords that must be near it (case-insensitive).
    anchors: tuple[str, ...]
    anchors_are_keywords: bool
    # Lower-case words one of which must be on the match's line or within ``near``
    # characters of it (outside the match).
    keywords: tuple[str, ...]
    near: int
    validator: str | None
    severity: str
    docs: str
    revoke: str
    rotation: str
    source: str
    # Whether the shared value checks (placeholders, entropy ...) apply to the match.
    check_value: bool
    # The name a match is judged under by the shared value checks (a hex key is a digest
    # unless it is bound to a secret-like name).
    value_name: str | None
    # The longest text a match can span, from its anchor: how far the matcher looks.
    reach: int
    # The name in messages ("GitHub personal access token").
    label: str
    # Every match starts with one of the anchors (``ghp_``): tried at the hit itself.
    at_start: bool = False
    # Reported with its ``before`` context (``AccountKey=<key>``), the whole setting.
    with_context: bool = False
    # A stricter validator under which a match counts without any of its keywords (a JWT
    # whose claims decode: its structure says what it is).
    standalone: str | None = None
    # Lower-case words that, within ``PUBLIC_REACH`` characters of a match, make it an
    # identifier its provider documents as public (a Firebase web config's apiKey beside
    # its authDomain): not a secret.
    public_beside: tuple[str, ...] = ()
    # The ``before`` context captures a ``name`` (a header's): a match counts only where
    # the vocabulary judges that name a secret's (``Api-Token``, not ``Content-Type``).
    named_secret: bool = False

    @property
    def regex(self) -> str:
        """The row's regular expression (a ``token`` group when the row has a context
        before the token)."""
        body = self.explicit or shape_regex(self.shape, bounded=self.bounded)
        return f"(?:{self.before})(?P<token>{body})" if self.before else body

    # Built and compiled on first use: a file wakes few rows, and a process (the commit
    # hook's) that builds all 283 regexes spends more on them than on scanning 5 files.
    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(self.regex)

    @property
    def prefix(self) -> str:
        """The literal every match starts with ("" when the shape starts with a hole)."""
        first = self.shape[0]
        return first.literal if not first.chars and not first.choices else ""

    def validates(self, value: str) -> bool:
        return self.validator is None or VALIDATORS[self.validator](value)

    def stands_alone(self, value: str) -> bool:
        """Whether ``value`` counts without a keyword near it (see ``standalone``)."""
        return self.standalone is not None and VALIDATORS[self.standalone](value)

    @property
    def proves_itself(self) -> bool:
        """A match is real whatever the file: a checksum or a structure validates it, or
        the format is a live-mode key. (A signed JWT is not: tests sign their own.)"""
        return ((self.validator is not None and self.validator != "jwt")
                or "live" in self.prefix.lower())


_REQUIRED = ("provider", "kind", "shape", "docs", "revoke", "source")
_KNOWN = frozenset({*_REQUIRED, "key", "anchors", "keywords", "near", "validator", "severity",
                   "rotation", "before", "check_value", "value_name", "boundary", "pattern",
                   "label", "with_context", "standalone", "public_beside", "named_secret"})


def _row(entry: dict[str, object], providers: dict[str, dict[str, str]]) -> Provider:
    """One row, merged with its provider's defaults, checked."""
    base = providers.get(str(entry.get("provider", "")), {})
    row = {**base, **entry, "provider": base.get("name", entry.get("provider"))}
    row.pop("name", None)
    unknown = set(row) - _KNOWN
    missing = [name for name in _REQUIRED if not row.get(name)]
    key = str(row.get("key", "?"))
    if unknown or missing:
        raise ValueError(f"catalogue row {key}: unknown {sorted(unknown)}, missing {missing}")
    try:
        shape = parse_shape(str(row["shape"]))
    except ValueError as error:
        raise ValueError(f"catalogue row {key}: {error}") from None
    explicit = row.get("pattern")
    before = str(row.get("before", ""))
    keywords = tuple(str(k).lower() for k in _list(row.get("keywords")))
    anchors = tuple(str(a) for a in _list(row.get("anchors")))
    at_start = False
    if not anchors:
        # A short literal (``s.``, ``00``) is everywhere: a row with keywords then
        # anchors on them instead.
        literal, first = _literal_anchor(shape)
        if literal and not (keywords and len(min(literal, key=len)) < 4):
            anchors = literal
            # The token starts at its anchor: the matcher tries the regex right there.
            at_start = first and not before and not explicit
    validator = row.get("validator")
    severity = str(row.get("severity", "critical"))
    standalone = row.get("standalone")
    for name in (validator, standalone):
        if name is not None and name not in VALIDATORS:
            raise ValueError(f"catalogue row {key}: unknown validator {name!r}")
    if severity not in SEVERITIES or not (anchors or keywords):
        raise ValueError(f"catalogue row {key}: bad severity or nothing to anchor on")
    revoke = str(row["revoke"])
    return Provider(
        key=key, provider=str(row["provider"]), kind=str(row["kind"]), shape=shape,
        explicit=str(explicit) if explicit else None, bounded=bool(row.get("boundary", True)),
        before=before, anchors=anchors or keywords, anchors_are_keywords=not anchors,
        keywords=keywords, near=int(str(row.get("near", 80))),
        validator=str(validator) if validator else None, severity=severity,
        docs=str(row["docs"]), revoke=revoke,
        rotation=str(row.get("rotation") or f"Revoke it at {revoke} and create a new one."),
        source=str(row["source"]), check_value=bool(row.get("check_value", True)),
        value_name=str(row["value_name"]) if row.get("value_name") else None,
        reach=min(4096, sum(part.longest for part in shape) + (200 if before else 0)),
        label=str(row.get("label") or f"{row['provider']} {row['kind']}"),
        at_start=at_start,
        with_context=bool(row.get("with_context", False)),
        standalone=str(standalone) if standalone else None,
        public_beside=tuple(str(w).lower() for w in _list(row.get("public_beside"))),
        named_secret=bool(row.get("named_secret", False)),
    )


def _list(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


def _literal_anchor(shape: tuple[Part, ...]) -> tuple[tuple[str, ...], bool]:
    """The literals every match contains, as long as possible, and whether they start it:
    runs of literals and choices between charset holes, spelled out (``sk-{proj|admin}-``
    gives ``sk-proj-`` and ``sk-admin-``); the run whose shortest spelling is longest wins
    (2 characters at least)."""
    best: tuple[str, ...] = ()
    best_length = 1
    first = False
    runs: list[tuple[str, ...]] = []
    current: tuple[str, ...] = ("",)
    for part in (*shape, Part(chars="x")):
        if part.chars:
            runs.append(current)
            current = ("",)
            continue
        options = part.choices or (part.literal,)
        current = tuple(c + o for c in current for o in options)[:16]
    for number, run in enumerate(runs):
        shortest = min(len(o) for o in run)
        if shortest > best_length:
            best, best_length, first = tuple(dict.fromkeys(run)), shortest, number == 0
    return best, first


@cache
def catalogue() -> tuple[Provider, ...]:
    """Every row of ``analysis/catalogue.py``, checked and compiled once per process."""
    from tokenward.analysis.catalogue import FORMATS, PROVIDERS

    providers = dict(PROVIDERS)
    rows = tuple(_row(dict(entry), providers) for entry in FORMATS)
    keys = [row.key for row in rows]
    if len(set(keys)) != len(keys):
        raise ValueError("catalogue keys must be unique")
    return rows


def by_key(key: str) -> Provider:
    return next(row for row in catalogue() if row.key == key)


def provider_of(value: str) -> Provider | None:
    """The provider whose format ``value`` is (exactly), validated; used to name secrets."""
    from tokenward.analysis.provider_matcher import scan

    for match in scan(value, keywords=False):
        if match.valid and match.start == 0 and match.end == len(value):
            return match.provider
    return None


def validated(value: str) -> bool:
    """Whether ``value`` is exactly a token of a format that carries a checksum or a
    structure (GitHub's CRC32, a PyPI macaroon, a signed JWT ...) and that check holds:
    such a token is real, wherever it is written."""
    found = provider_of(value)
    return found is not None and found.validator is not None


def proves_itself(value: str) -> bool:
    """Whether ``value`` is exactly a token that is real wherever it is written (see
    :attr:`Provider.proves_itself`: a signed JWT validates but does not prove itself)."""
    found = provider_of(value)
    return found is not None and found.proves_itself


@cache
def _proof_rows() -> tuple[Provider, ...]:
    """The rows whose match proves itself real (see :attr:`Provider.proves_itself`), and
    the private-key row (a whole key proves itself)."""
    return tuple(row for row in catalogue()
                 if row.proves_itself or row.key == "private-key")


@cache
def proof_anchors() -> tuple[str, ...]:
    """The lower-cased anchors of every row of :func:`_proof_rows`: a text that spells none
    of them holds no value that proves itself. A row anchored on keywords (not on its
    value's own letters) would make that unsound: then the empty anchor, which every text
    holds."""
    rows = _proof_rows()
    if any(row.anchors_are_keywords for row in rows):
        return ("",)
    return tuple(sorted({anchor.lower() for row in rows for anchor in row.anchors}))


def may_hold_proof(text: str, lowered: str) -> bool:
    """Whether ``text`` (``lowered``: lower-cased) may hold a value that proves itself real:
    what a rule can report where the context policy reports only that (a test, docs ...).
    A row's anchor must be spelled and, but for a private key's header, its whole pattern
    must match (``live_`` alone is Django's ``self.live_server_url``). A token split over
    two literals (``"ghp_abc" "def..."``) is not seen so: a stand-in, not a leak."""
    anchors = proof_anchors()
    if anchors == ("",):
        return True
    # The anchors in one pass (a text in a test or docs is asked this before any rule runs:
    # one ``in`` per anchor of each row was a sixth of the scan of a translation catalogue).
    by_anchor = _proof_rows_by_anchor()
    rows = {row.key: row for number in spelled(lowered, anchors) for row in by_anchor[number]}
    return any(row.key == "private-key" or row.pattern.search(text) is not None
               for row in rows.values())


@cache
def _proof_rows_by_anchor() -> tuple[tuple[Provider, ...], ...]:
    """For each of :func:`proof_anchors`, the proof rows it anchors."""
    rows = _proof_rows()
    return tuple(tuple(row for row in rows if anchor in {a.lower() for a in row.anchors})
                 for anchor in proof_anchors())


# How many lines either side of a token its row's ``public_beside`` words are looked for:
# its neighbours in one configuration object (the Firebase console writes apiKey and then
# authDomain; a key two lines past the object's closing brace is another binding).
PUBLIC_LINES = 1


def is_public_beside(row: Provider, around: str) -> bool:
    """Whether ``around`` (the lower-cased lines around a match of ``row``) holds one of the
    words that make it an identifier its provider documents as public."""
    return any(word in around for word in row.public_beside)


def documented_public(value: str, lines: list[str], line: int) -> bool:
    """Whether ``value``, written on line ``line`` (1-based) of ``lines``, is exactly a
    token that its provider documents as public where it stands: a Firebase web config's
    ``apiKey`` (https://firebase.google.com/docs/projects/api-keys). Asked by the rules
    that judge a value by its name (TW101, TW102), as TW103's matcher asks it of every
    match."""
    found = provider_of(value)
    if found is None or not found.public_beside:
        return False
    around = "\n".join(lines[max(0, line - 1 - PUBLIC_LINES):line + PUBLIC_LINES])
    return is_public_beside(found, around.lower())


def fails_validation(value: str) -> bool:
    """A value in a format that carries a checksum or a structure, which does not hold:
    a made-up token."""
    from tokenward.analysis.provider_matcher import scan

    return any(not m.valid and m.start == 0 and m.end == len(value) for m in scan(value))


# --- keys a provider accepts only in the URL ------------------------------------------------

_URL_HOST = re.compile(r"https?://([A-Za-z0-9.\-]{1,253})(?=[/?#:]|$)")


def key_required_in_query(url: str, param: str) -> bool:
    """Whether ``param`` is the key the API at ``url`` accepts only as a query parameter
    (OpenWeatherMap's ``appid``, Last.fm's ``api_key``, Steam's ``key``)."""
    match = _URL_HOST.search(url)
    if match is None:
        return False
    return _query_only_keys().get(match.group(1).lower()) == param.lower()


@cache
def _query_only_keys() -> dict[str, str]:
    """Host -> the key parameter its API takes only in the query (the catalogue's
    ``query_key``/``query_hosts`` of a provider)."""
    from tokenward.analysis.catalogue import PROVIDERS

    return {host: facts["query_key"] for facts in PROVIDERS.values() if "query_key" in facts
            for host in facts["query_hosts"].split()}
