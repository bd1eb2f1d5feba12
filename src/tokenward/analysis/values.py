"""Does a literal look like a real secret? The false-positive controls of TW101-TW103.

Every rule that reports a hard-coded secret asks :func:`why_not_secret` about the value,
with the name it is bound to when there is one.
Each reason a value is let go has a code and a documented explanation in :data:`REASONS`;
the rules' ``not_flagged`` docs are built from the same table, so the docs cannot drift
from the code.

Context changes the answer on purpose: a 32-character hex string or a UUID bound to
``api_key`` is a secret (Datadog and Heroku keys look exactly like that), while the same
value with no secret-like name is a digest or an identifier.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from typing import TypeGuard

from tokenward.analysis.literals import matches_from
from tokenward.analysis.literals import occurrences as literal_occurrences
from tokenward.analysis.vocabulary import (
    holds_secret,
    is_password_name,
    name_words,
    names_hash,
    secret_kind,
    value_names_itself,
    value_spells_name,
)
from tokenward.lazy import lazy_regex
from tokenward.records import record

# code -> what is not flagged, and why (rendered into every secret rule's docs).
REASONS: dict[str, str] = {
    "empty": "Empty values.",
    "vendor-example": (
        "Vendors' documented example keys, such as AWS's `AKIAIOSFODNN7EXAMPLE` and "
        "`wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`, the jwt.io example token, and famous "
        "example passwords (`hunter2`, `correct horse battery staple`): they are published."
    ),
    "placeholder": (
        "Placeholders and references: `changeme`, `xxx`, `<your-token>`, `${VAR}`, `$VAR`, "
        "`{{ templated }}`, `%(name)s`, `{name}`, encrypted values (SOPS `ENC[...]`, "
        "Ansible Vault), values marked example/dummy/fake/sample/"
        "test/placeholder/todo, `your-api-key-here`, and values made only of words such as "
        "`my-secret-password`. Environment lookups (`os.environ[...]`, `getenv`) are not "
        "literals and never reach the check."
    ),
    "words-only": (
        "Values made only of filler words (`my-secret-password`, `SuperSecretToken`) under a "
        "name that is not a password's; under a password name in production code they are "
        "reported (a weak password is still a password)."
    ),
    "redacted": "Redacted or masked values: `****`, `xxxxxxxx`, `••••`, `...`.",
    "public-key": (
        "Public keys and certificates (`-----BEGIN PUBLIC KEY-----`, "
        "`-----BEGIN CERTIFICATE-----`, `ssh-rsa AAAA...`): they are meant to be shared."
    ),
    "password-hash": (
        "Password hashes (bcrypt `$2b$`, `$argon2id$`, `pbkdf2_sha256$`, crypt `$6$`, "
        "`{SSHA}`): a hash is not the credential."
    ),
    "sri": "Subresource-integrity values (`sha384-...`).",
    "commit-pin": "Commit pins (a 40-hex commit after `@`, as in `uses: org/action@<sha>`).",
    "public-identifier": (
        "Public identifiers: Stripe publishable keys (`pk_live_`, `pk_test_`), OAuth client "
        "ids (`*.apps.googleusercontent.com`), UUIDs such as tenant and subscription ids "
        "(a UUID bound to a secret-like name such as `api_key` is still flagged: some "
        "providers issue UUID keys)."
    ),
    "hash": (
        "Hex digests and checksums (32, 40, 64 or 128 hex digits) that are not bound to a "
        "secret-like name, or are bound to a hash-like one (`sha256`, `checksum`, `etag`). "
        "A hex value bound to `api_key` or `SECRET_KEY` is still flagged."
    ),
    "regex": (
        "Regular expressions that describe a token format (`ghp_[A-Za-z0-9]{36}`, "
        "`^sk_live_\\w+$`)."
    ),
    "path": "File paths (`/etc/ssl/private/server.key`, `./secrets/token.txt`, `C:\\keys`).",
    "url": "URLs without credentials (a URL with `user:password@` is flagged for the password).",
    "version": (
        "Version numbers and ranges (`5.0.0-1667386184.dfbbb54`, `^7.1.96`, `>=2.0,<3`, "
        "`v1.4.2+build.7`): dependency pins in `package.json`, `pyproject.toml` and the like."
    ),
    "dotted-name": "Dotted import paths (`django.contrib.auth.hashers.PBKDF2PasswordHasher`).",
    "identifier": (
        "Identifiers: lower-case words (and whole numbers) joined by `_`, `.`, `-` or `:`, "
        "optionally after `#` or `@` "
        "(`_auth_user_id`, `admin:login`, `0001_initial`), under a name that is not a "
        "password's also camelCase field names (`batteryLevel`) and words numbered at "
        "their end (`echarge1`), and upper-case acronyms (`LDAP`, "
        "`OIDC`: sentinels that mark how an account logs in). Under a password name a single "
        "lower-case word is still flagged (`sunshine` is a weak but real password)."
    ),
    "sentence": (
        "Human text: values with spaces (`Enter your password`), one capitalised word ending "
        "a sentence (`'Password': 'Updated.'`), and one capitalised word under a name that "
        "is not a password's (a header value or an enum member: `Suppress`)."
    ),
    "rate-limit": "Rate limits (`5/m/user`, `100/h`, `10/minute`).",
    "boolean": (
        "Booleans (`true`, `no`, `off`): a flag under a password name (`lock_passwd: true`)."
    ),
    "describes-secret": (
        "Values that name a secret instead of being one: `password_field = \"password\"`, "
        "`SECRET_KEY_NAME = \"SECRET_KEY\"`, environment-variable names, header names "
        "(`Authorization`), and values equal to or containing the name they are bound to."
    ),
    "numeric": "Values made only of digits (ids, ports, account numbers).",
    "too-short": (
        "Values shorter than 8 characters; under a name that clearly holds a password "
        "(`password`, `passwd`, `pwd`) values from 6 characters are flagged when they mix "
        "letters with digits or symbols (`hunter2`), since such passwords are real, and in "
        "production code every password of 4 characters and more is (`admin`)."
    ),
    "low-entropy": (
        "Low-entropy values (Shannon entropy under 2 bits per character, such as "
        "`aaaaaaaa` or `abababab`); a value with no secret-like name (a provider-format "
        "match in free text) needs 3 bits per character."
    ),
    "sequential": (
        "Sequential and keyboard runs (`abcdef`, `123456`, `qwerty`) covering at least half "
        "of the value: the shape of made-up examples."
    ),
}


def not_flagged_doc(*extra: str) -> str:
    """The shared false-positive controls as a Markdown list (for ``RuleDocs.not_flagged``)."""
    items = [*extra, *REASONS.values()]
    return "\n".join(f"- {item}" for item in items if item != REASONS["empty"])


_VENDOR_EXAMPLES = (
    "AKIAIOSFODNN7EXAMPLE",
    # AWS's documented example secret key; its first 30 characters also mark the
    # example with its ending edited (``...bPxRfiCYTESTKEY``).
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCY",
    "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
    "AKIAI44QH8DHBEXAMPLE",
    "ASIAIOSFODNN7EXAMPLE",
    "ghp_16C7e42F292c6912E7710c838347Ae178B4a",  # GitHub docs
    "xoxb-not-a-real-token-this-will-not-work",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",  # Stripe docs
    "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
    "SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI",  # Google Maps docs
    "AC00000000000000000000000000000000",
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",  # the jwt.io example token's signature
    # The bot token BotFather shows in Telegram's docs (core.telegram.org/bots/features).
    "110201543:AAHdqTcvCH1vGWJxfSe1ofSAs0K5PALDsaw",
)
# Passwords famous from jokes and comics: always examples.
_FAMOUS_EXAMPLES = frozenset({"hunter2", "correcthorsebatterystaple",
                              "correct horse battery staple", "Tr0ub4dor&3"})

_TEMPLATE = lazy_regex(
    r"\$\{|\$\(|\{\{|\{%|%\([\w.]+\)[sdr]|^\$[A-Za-z_]\w*$|<[^<>]*[A-Za-z][^<>]*>|"
    r"(?<![A-Za-z0-9])%[sd](?![A-Za-z0-9])|\{[A-Za-z_][\w.]*\}|\{\d*\}|"
    r"os\.environ|getenv|\benv\(|^env:|^vault:|^secret:|^ssm:|^arn:|"
    r"^ENC\[|\$ANSIBLE_VAULT|^!vault|"
    # A reference to another string of a UI catalogue (``[%key:common::config::api_key%]``).
    r"\[%key:",
)
_REDACTED = lazy_regex(r"\*{3,}|•{3,}|x{4,}|X{4,}|\.{3,}|#{4,}|\?{3,}|…")
# A run of underscores blanks a value out (``sk_live_____________``, ``ghp_______abcd``),
# except inside a base64url body (RFC 4648 section 5 spells the 6-bit value 63 ``_``: a
# run of all-ones bits, a -1 in a binary structure, is a short run of them): a run shorter
# than a mask, with data on both sides longer than what a mask leaves visible, is data.
_UNDERSCORES = lazy_regex(r"_{5,}")
_B64URL_BEFORE = lazy_regex(r"[A-Za-z0-9_-]{8}$")
_B64URL_AFTER = lazy_regex(r"[A-Za-z0-9_-]{8}")
_LONGEST_DATA_RUN = 7
_SUBSTRING_MARKERS = (
    "example", "dummy", "placeholder", "changeme", "change_me", "change-me", "changethis",
    "change_this", "change-this", "redacted", "replaceme", "replace_me", "replace-me",
    "replace_with", "replace-with", "notasecret", "not_a_secret", "not-a-secret",
    "notreal", "not_real", "not-real", "fake", "sample", "your_", "your-", "yourapi",
    "yourtoken", "yoursecret", "yourpassword", "yourkey", "lorem", "foobar", "insert_",
    "insert-", "put_your", "put-your", "enter_your", "enter-your", "goes_here", "goes-here",
    "_here", "-here", "<", ">",
)
_SEGMENT_MARKERS = frozenset({
    "test", "testing", "tests", "demo", "mock", "mocked", "foo", "bar", "baz", "qux", "todo",
    "tbd", "fixme", "none", "null", "nil", "undefined", "invalid", "unused", "dev", "here",
    "xyz", "abc", "secret", "password", "passwd", "example",
})
# Words real passwords are made of too (``SuperSecret``): alone they make a value words.
_PLACEHOLDER_MARKERS = _SEGMENT_MARKERS - {"secret", "password", "passwd"}
# Words that on their own make a value a description or a placeholder, not a secret:
# "my-secret-password", "super_secret_key", "defaultpassword".
_FILLER_WORDS = frozenset({
    "my", "your", "our", "the", "a", "an", "super", "very", "top", "secret", "secrets",
    "password", "passwd", "pass", "pwd", "key", "keys", "token", "tokens", "api", "value",
    "here", "default", "dev", "local", "app", "application", "is", "changeme", "change",
    "me", "this", "it", "not", "real", "some", "random", "string",
    "test", "prod", "production", "staging", "private", "access", "auth", "client",
    "session", "signing", "jwt", "bearer", "hidden", "sensitive", "confidential", "long",
    "strong", "unique", "insecure", "dummy", "fake", "example", "sample", "placeholder",
    "for", "of", "to", "in", "and", "with", "only", "do", "use", "set", "new", "foo", "bar",
})
_PUBLIC_KEY = lazy_regex(
    r"BEGIN (?:RSA |EC |DSA |SSH2 |PGP )?PUBLIC KEY|BEGIN CERTIFICATE|BEGIN X509|"
    r"^(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-\w+|sk-ssh-ed25519@openssh\.com) AAAA"
)
# Also an htpasswd line (``user:$apr1$...``): a user name, then the hash.
_PASSWORD_HASH = lazy_regex(
    r"^(?:[\w.@-]{1,64}:)?(?:\$2[abxy]?\$\d\d\$|\$apr1\$|\$argon2(?:id|i|d)\$|\$[1256][ay]?\$)|"
    r"^pbkdf2_sha\d+\$|"
    r"^(?:sha1|md5|bcrypt|scrypt|bcrypt_sha256|argon2)\$|^\{(?:SSHA|SHA|SMD5|MD5|CRYPT|SSHA512)\}|"
    r"^\$pbkdf2-sha\d+\$|^\$scrypt\$|^\$y\$"
)
_SRI = lazy_regex(r"^sha(?:256|384|512)-[A-Za-z0-9+/]{40,}={0,2}$")
_COMMIT_PIN = lazy_regex(r"@[0-9a-f]{40}(?![0-9a-zA-Z])")
_HEX_DIGEST = lazy_regex(r"^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{128}|"
                         r"[0-9A-F]{32}|[0-9A-F]{40}|[0-9A-F]{64}|[0-9A-F]{128})$")
_UUID = lazy_regex(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_PUBLIC_ID = lazy_regex(r"^pk_(?:live|test)_|\.apps\.googleusercontent\.com$|^pub-[0-9a-f]{32}")
_REGEX = lazy_regex(
    r"\\[dwsSDWb]|\{\d+(?:,\d*)?\}|\(\?[:P<=!i]|\.[*+]\??|^\^.*\$$|\[\^"
)
# A character class with a range or class escape: found first, then looked into (one
# regex for both backtracked quadratically on "[a-za-z..." with no closing bracket).
_CHAR_CLASS = lazy_regex(r"\[([^\[\]]*+)\]")
_CLASS_RANGE = lazy_regex(r"A-Z|a-z|0-9|\\w|\\d")
_PATH = lazy_regex(
    r"^(?:~|\.{1,2})?/[\w.\-/ ]*$|^[A-Za-z]:\\|^\.{1,2}\\|"
    r"\.(?:pem|key|crt|cer|p12|pfx|jks|json|ya?ml|txt|env|ini|cfg|toml|gpg|asc|der|pub)$"
)
_URL = lazy_regex(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://")
# Lower-case words (and whole numbers) joined by separators: 0001_initial, admin:login.
_IDENTIFIER = lazy_regex(r"^[#@]?_*[a-z]+(?:[_.:\-]+(?:[a-z]+|[0-9]+))*_*$"
                         r"|^[0-9]+(?:[_.:\-]+[a-z]+)+$")
# Lower-case words numbered at their end: a field of an API's data (``echarge1``, ``ppv2``),
# as ``iChargePV1`` is in camelCase. Two digits at most, after words with a vowel: a random
# string seldom keeps its digits to its last two characters.
_NUMBERED_WORDS = lazy_regex(r"^(?=[a-z_.\-]*[aeiouy])[a-z]+(?:[_.\-][a-z]+)*[0-9]{1,2}$")
# A camelCase name: a field of an API's data (``batteryLevel``, ``eBatChargeToday``,
# ``iChargePV1``). Words have vowels: a random base62 string seldom puts lower-case letters
# after every capital, and seldom a vowel in each such hump (``_camel_identifier``).
_CAMEL_IDENTIFIER = lazy_regex(r"^[a-z][a-z0-9]*(?:[A-Z][a-z]+[0-9]*|[A-Z]{2,3}[0-9]*)+$")
_CAMEL_HUMP = lazy_regex(r"[A-Z][a-z]+")
_VOWELS = frozenset("aeiouyAEIOUY")
_LONGEST_CAMEL_NAME = 40
# A note in parentheses (``Token (optional)``, read without its scheme word): UI text.
_ANNOTATION = lazy_regex(r"^\([A-Za-z][\w\s\-]*\)$")
_SEPARATED = lazy_regex(r"[_.:]")
# An upper-case acronym: a sentinel that marks an account (``"password": "LDAP"``).
_ACRONYM = lazy_regex(r"^[A-Z]{2,6}$")
_BOOLEAN = lazy_regex(r"^(?:true|false|yes|no|on|off)$", re.IGNORECASE)
_RATE_LIMIT = lazy_regex(r"^\d+/(?:\d*[smhd]|sec|second|min|minute|hour|day)(?:/\w+)?$")
# One word of human text: a status (``Updated.``), a header value or an enum member.
_PROSE_WORD = lazy_regex(r"^[A-Z][a-z]+[.!]$")
_CAPITALISED_WORD = lazy_regex(r"^[A-Z][a-z]+$")
_DOTTED = lazy_regex(r"^[A-Za-z_]\w{0,30}(?:\.[A-Za-z_]\w{0,30}){2,}$")
_ENV_NAME = lazy_regex(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
_HEADER_NAME = lazy_regex(r"^(?:X-)?[A-Z][a-z]+(?:-[A-Z][a-z]+)+$|"
                          r"^(?:Authorization|Cookie|Bearer|Token|Basic)$")
_AUTH_SCHEME = lazy_regex(r"^(?:Bearer|Token|Basic|Bot|token|bearer|Digest)\s+(?=\S)")
_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "0123456789",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx3edc",
)


def shannon_entropy(value: str) -> float:
    """Bits per character of the value's own character distribution."""
    if not value:
        return 0.0
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in Counter(value).values())


def strip_auth_scheme(value: str) -> str:
    """``Bearer abc`` -> ``abc``: the credential in an Authorization header value."""
    match = _AUTH_SCHEME.match(value)
    return value[match.end():] if match else value


@lru_cache(maxsize=8192)
def why_not_secret(value: str, name: str | None = None) -> str | None:
    """The :data:`REASONS` code for which ``value`` is not a secret, or None if it is one."""
    value = value.strip()
    if not value:
        return "empty"
    for check in _CHECKS:
        reason = check(value, name)
        if reason is not None:
            return reason
    return None


def could_be_secret(value: str, *, password: bool = True) -> bool:
    """A lenient judgement for prefilters: False only when no secret-like name (of the
    password kind, or of any other kind) could make ``value`` a secret. It may be asked
    about lower-cased text: every check it relies on is either case-blind or accepts more
    in lower case."""
    reason = why_not_secret(strip_auth_scheme(value), "password" if password else "token")
    return reason in (None, "describes-secret", "low-entropy") or (
        password and reason in SHAPE_REASONS)


# Reasons that speak only of a value's shape. A password of such a shape is still a
# password, a weak one: in production code it is reported (the context policy hides it in
# tests, docs and examples, where it would be a made-up value).
SHAPE_REASONS = frozenset({"too-short", "numeric", "low-entropy", "sequential", "words-only"})
# Shorter than this, a "password" is a flag or a mode (``"on"``, ``"no"``), not a secret.
_SHORTEST_PASSWORD = 4


def credential_verdict(value: str, name: str | None) -> str | None:
    """Why ``value``, bound to ``name`` in code or configuration, is not reported as a
    hard-coded credential, or None when it is. :func:`why_not_secret`, except that a
    password is reported whatever its shape (``admin``, ``MyPassword``, ``12345678``)."""
    reason = why_not_secret(value, name)
    if (reason in SHAPE_REASONS and is_password_name(name)
            and len(value.strip()) >= _SHORTEST_PASSWORD
            and not _names_credential(value.strip(), name or "")):
        return None
    return reason


def _names_credential(value: str, name: str) -> bool:
    """The value is a credential's name, not one: its own name (``password = "password"``)
    or a credential word (``"passwd": "password"`` in a table of names)."""
    return value_spells_name(value, name) or (
        value.isalpha() and value.islower() and secret_kind(value) is not None)


def _vendor_example(value: str, name: str | None) -> str | None:
    if (any(example in value for example in _VENDOR_EXAMPLES) or value.endswith("EXAMPLEKEY")
            or value in _FAMOUS_EXAMPLES):
        return "vendor-example"
    return None


def _placeholder(value: str, name: str | None) -> str | None:
    if _TEMPLATE.search(value):
        return "placeholder"
    if _REDACTED.search(value) or _masked_by_underscores(value) or len(set(value)) == 1:
        return "redacted"
    lowered = value.lower()
    if any(marker in lowered for marker in _SUBSTRING_MARKERS):
        return "placeholder"
    segments = [s for s in re.split(r"[^A-Za-z0-9]+", value) if s]
    if _marked(segments, _PLACEHOLDER_MARKERS):
        return "placeholder"
    # Words alone (``SuperSecret``, ``my-secret-password``): a description under most
    # names, a weak password under a password's (SHAPE_REASONS).
    if segments and all(_only_filler(s.lower()) for s in segments):
        return "words-only"
    if _marked(segments, _SEGMENT_MARKERS):
        return "placeholder"
    return None


def _masked_by_underscores(value: str) -> bool:
    return any(
        len(run.group()) > _LONGEST_DATA_RUN
        or not _B64URL_BEFORE.search(value, 0, run.start())
        or not _B64URL_AFTER.match(value, run.end())
        for run in _UNDERSCORES.finditer(value))


def _marked(segments: list[str], markers: frozenset[str]) -> bool:
    """Whether a segment, or a camelCase word of a short one, is one of ``markers`` (long
    random runs hold "Key" or "Foo" by chance)."""
    return any(s.lower() in markers for s in segments) or any(
        w in markers for s in segments if len(s) <= 16 and not _has_digit(s)
        for w in name_words(s))


def _has_digit(text: str) -> bool:
    return any(c.isdigit() for c in text)


@lru_cache(maxsize=4096)
def _only_filler(segment: str) -> bool:
    """Whether a segment is made only of filler words (``mysecretpassword``)."""
    if len(segment) > 40:
        return False
    if segment.isdigit():
        return len(segment) <= 4
    ok = [True] + [False] * len(segment)
    for end in range(1, len(segment) + 1):
        for start in range(max(0, end - 14), end):
            if ok[start] and (segment[start:end] in _FILLER_WORDS
                              or (segment[start:end].isdigit() and end - start <= 4)):
                ok[end] = True
                break
    return ok[-1]


def _public_material(value: str, name: str | None) -> str | None:
    if _PUBLIC_KEY.search(value):
        return "public-key"
    if _PASSWORD_HASH.search(value):
        return "password-hash"
    if _SRI.match(value):
        return "sri"
    if _COMMIT_PIN.search(value):
        return "commit-pin"
    if _PUBLIC_ID.search(value):
        return "public-identifier"
    hash_like_name = names_hash(name)
    if _UUID.match(value) and (not holds_secret(name) or hash_like_name):
        return "public-identifier"
    if _HEX_DIGEST.match(value) and (not holds_secret(name) or hash_like_name):
        return "hash"
    return None


def _regex(value: str, name: str | None) -> str | None:
    if _REGEX.search(value) or any(_CLASS_RANGE.search(m.group(1))
                                   for m in _CHAR_CLASS.finditer(value)):
        return "regex"
    return None


# A semantic version, or a range of them: three dot-separated numbers first, then the
# pre-release and build parts semver allows. No token a provider issues has this shape.
_VERSION = lazy_regex(r"(?:[\^~=<>!]=?|v)?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.\-]+)*"
                      r"(?:\s*,\s*(?:[\^~=<>!]=?)?\d+(?:\.\d+)*)*")


def _structure(value: str, name: str | None) -> str | None:
    if _URL.match(value):
        return "url"
    if _VERSION.fullmatch(value):
        return "version"
    if _PATH.search(value):
        return "path"
    if _DOTTED.match(value) and not value.startswith("eyJ"):
        return "dotted-name"
    if _RATE_LIMIT.match(value):
        return "rate-limit"
    if _BOOLEAN.match(value):
        return "boolean"
    if any(c.isspace() for c in value) or _PROSE_WORD.match(value) or _ANNOTATION.match(value):
        return "sentence"
    if _ACRONYM.match(value):
        return "identifier"
    if _IDENTIFIER.match(value) and (not is_password_name(name) or _SEPARATED.search(value)):
        return "identifier"
    if (_camel_identifier(value) or _NUMBERED_WORDS.match(value)) and not is_password_name(name):
        return "identifier"  # (``SuperSecret1`` under a password's name is a weak password)
    return None


def _camel_identifier(value: str) -> bool:
    return (len(value) <= _LONGEST_CAMEL_NAME and _CAMEL_IDENTIFIER.match(value) is not None
            and all(_VOWELS.intersection(hump) for hump in _CAMEL_HUMP.findall(value)))


def _describes_secret(value: str, name: str | None) -> str | None:
    if name and value_spells_name(value, name):
        return "describes-secret"
    if _ENV_NAME.match(value) or _HEADER_NAME.match(value):
        return "describes-secret"
    if holds_secret(value) and not any(c.isdigit() for c in value):
        return "describes-secret"
    return None


def _word(value: str, name: str | None) -> str | None:
    """One capitalised word under a name that is not a password's: a header value or an
    enum member (``"X-TFS-FedAuthRedirect": "Suppress"``). Under a password name it is a
    weak password."""
    if _CAPITALISED_WORD.match(value) and not is_password_name(name):
        return "sentence"
    return None


def _shape(value: str, name: str | None) -> str | None:
    if value.isdigit():
        return "numeric"
    password = is_password_name(name)
    if len(value) < 6 or (len(value) < 8 and not (password and _mixed(value))):
        return "too-short"
    entropy = shannon_entropy(value)
    if entropy < 2.0 or (name is None and entropy < 3.0):
        return "low-entropy"
    if _sequential_share(value) >= 0.5:
        return "sequential"
    return None


def _mixed(value: str) -> bool:
    classes = (any(c.isalpha() for c in value), any(c.isdigit() for c in value),
               any(not c.isalnum() for c in value))
    return sum(classes) >= 2


def _sequential_share(value: str) -> float:
    """The share of the value's characters inside runs of 4+ sequential characters."""
    lowered = value.lower()
    covered = [False] * len(lowered)
    for seq in _SEQUENCES:
        for rev in (seq, seq[::-1]):
            i = 0
            while i < len(lowered):
                j = i
                while j + 1 < len(lowered) and _next_in(rev, lowered[j], lowered[j + 1]):
                    j += 1
                if j - i + 1 >= 4:
                    for k in range(i, j + 1):
                        covered[k] = True
                i = j + 1
    return sum(covered) / len(lowered) if lowered else 0.0


def _next_in(seq: str, a: str, b: str) -> bool:
    index = seq.find(a)
    return index >= 0 and index + 1 < len(seq) and seq[index + 1] == b


_CHECKS = (_vendor_example, _regex, _placeholder, _public_material, _structure, _describes_secret,
           _word, _shape)


# --- credentials in URLs -------------------------------------------------------------

_URL_CREDENTIALS = lazy_regex(
    r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.\-]{1,20})://(?P<user>[^\s:/@'\"`<>{}]*):"
    r"(?P<password>[^\s/@'\"`<>]+)@(?P<host>[^\s/:'\"`<>?#]+)"
)
# Hosts of documentation examples (exactly these: "db.corp.example" is a real-looking host).
_EXAMPLE_HOSTS = lazy_regex(r"^(?:(?:www\.)?example\.(?:com|org|net)|example|host|hostname|"
                            r"your[-_.]?host|domain\.com|server)$", re.IGNORECASE)


@record
class UrlCredential:
    """A password inside a URL: ``start``/``end`` are offsets of the password in the text."""

    scheme: str
    user: str
    password: str
    host: str
    start: int
    end: int


def url_credentials(text: str) -> Iterator[UrlCredential]:
    """Every ``scheme://user:password@host`` whose password looks real."""
    if "://" not in text or "@" not in text:
        return
    for match in _URL_CREDENTIALS.finditer(text):
        password = match.group("password")
        host = match.group("host")
        # postgres://postgres:postgres@... : a service's default, not a secret
        if _EXAMPLE_HOSTS.search(host) or password == match.group("user"):
            continue
        if why_not_secret(password, "password") is not None:
            continue
        yield UrlCredential(match.group("scheme"), match.group("user"), password, host,
                            match.start("password"), match.end("password"))


_CONNECTION_SECRET = lazy_regex(
    r"(?:^|[;\s])(?:password|passwd|pwd|accountkey|sharedaccesskey)\s*=\s*(?P<pw>[^;\s'\"]+)",
    re.IGNORECASE,
)
_CONNECTION_OTHER_KEY = lazy_regex(
    r"(?:^|[;\s])(?:host|server|dbname|database|user|uid|user id|data source|port|endpoint"
    r"|accountname|defaultendpointsprotocol)\s*=",
    re.IGNORECASE,
)


def connection_string_secrets(text: str) -> Iterator[tuple[str, int, int]]:
    """(secret, start, end) for ``Password=``/``AccountKey=`` parts of connection strings
    (libpq, ODBC/ADO.NET, Azure storage) that look real."""
    if "=" not in text or not _CONNECTION_OTHER_KEY.search(text):
        return
    for match in _CONNECTION_SECRET.finditer(text):
        secret = match.group("pw")
        if why_not_secret(secret, "password") is None:
            yield secret, match.start("pw"), match.end("pw")


# Secrets written inline in a longer string or command line: a query parameter
# (``?api_key=...``), a dotted or flag assignment (``--set db.password=...``), an
# Authorization header line, a server's password flag (``--requirepass``), mysql's ``-p``.
# Anchored on the secret word (a pattern that starts with a character class would be
# tried at every position of every file); the rest of the name is found backwards.
_INLINE_ASSIGNMENT = lazy_regex(
    r"(?:password|passwd|secret|token|api[_-]?key|apikey|access[_-]?key)[A-Za-z0-9_\-]*"
    r"=(?P<value>[^\s&#'\",;\]]+)",
    re.IGNORECASE,
)
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
_NAME_BOUNDARY = frozenset("?& \t\"'[,")


def _inline_name(text: str, match: re.Match[str]) -> str | None:
    """The whole name before ``=`` (``db.password``), or None when it is glued to more
    text (``xpassword=`` inside a word is not a name)."""
    start = match.start()
    while start > 0 and text[start - 1] in _NAME_CHARS:
        start -= 1
    if start > 0 and text[start - 1] not in _NAME_BOUNDARY:
        return None
    return text[start : match.start("value") - 1]


_INLINE_QUERY_KEY = lazy_regex(r"[?&](?P<name>key|auth|sig|signature)=(?P<value>[^\s&#'\"]+)")
_INLINE_HEADER = lazy_regex(
    r"Authorization\s*:\s*(?:Bearer|Token|Basic)\s+(?P<value>[A-Za-z0-9._~+/=\-]{8,})",
    re.IGNORECASE,
)
_INLINE_FLAG = lazy_regex(
    r"(?:^|[\s\"'\[,])--(?P<name>requirepass|masterauth|password|passwd|db-password|"
    r"api-key|token|secret)(?:=|[\s\"',]+)[\"']?(?P<value>[^\s\"',\]$]+)",
    re.IGNORECASE,
)
# Markup: ``<password>...</password>`` in seed data written into code (an XML user list).
_INLINE_ELEMENT = lazy_regex(
    r"<(?P<name>password|passwd|secret|token|api_?key)>(?P<value>[^<>\s]{1,256})</(?P=name)>",
    re.IGNORECASE)
_MYSQL_PASSWORD = lazy_regex(r"(?:^|[\s\"'\[,])-p[\"']?(?P<value>[^\s\"',\]$]{6,})")


@record
class InlineSecret:
    """A secret written inside a longer string: its name, value and offsets there."""

    name: str
    secret: str
    start: int
    end: int


def inline_secrets(text: str) -> Iterator[InlineSecret]:
    """Secrets written inside a longer string or command line (see the patterns above),
    each passing the same false-positive controls as any other value."""
    if "=" in text:
        for match in _INLINE_ASSIGNMENT.finditer(text):
            name = _inline_name(text, match)
            if name is not None:
                yield from _inline(match, name)
        if "?" in text or "&" in text:
            for match in _INLINE_QUERY_KEY.finditer(text):
                yield from _inline(match, "api_key")
    if "uthorization" in text:
        for match in _INLINE_HEADER.finditer(text):
            yield from _inline(match, "bearer")
    if "</" in text:
        for match in _INLINE_ELEMENT.finditer(text):
            yield from _inline(match, match.group("name").lower())
    if "--" in text:
        for match in _INLINE_FLAG.finditer(text):
            yield from _inline(match, match.group("name").replace("-", "_"))
    lowered = text.lower()
    if "-p" in text and ("mysql" in lowered or "mariadb" in lowered):
        for match in _MYSQL_PASSWORD.finditer(text):
            yield from _inline(match, "password")


def _inline(match: re.Match[str], name: str) -> Iterator[InlineSecret]:
    value = match.group("value")
    if why_not_secret(value, name) is None:
        yield InlineSecret(name, value, match.start("value"), match.end("value"))


_INLINE_WORDS = ("password", "passwd", "secret", "token", "api_key", "api-key", "apikey",
                 "access_key", "access-key")
# The same patterns for lower-cased text: without IGNORECASE, re's fast paths apply.
_LOWER_FLAG = lazy_regex(_INLINE_FLAG.pattern)
_LOWER_ELEMENT = lazy_regex(_INLINE_ELEMENT.pattern)
_LOWER_HEADER = lazy_regex(
    r"authorization\s*:\s*(?:bearer|token|basic)\s+(?P<value>[a-z0-9._~+/=\-]{8,})")


def has_inline_candidate(lowered: str) -> bool:
    """Cheap prefilter on lower-cased text: could :func:`inline_secrets` find anything?

    The secret words' occurrences in one pass (``literals.occurrences``; no word overlaps
    itself), then the pattern only where a word is: a regex searched over whole files was
    most of tokenward's prefilter time."""
    for position, _ in literal_occurrences(lowered, _INLINE_WORDS):
        match = _INLINE_ASSIGNMENT.match(lowered, position)
        if match is not None and could_be_secret(match.group("value")):
            return True
    patterns = [_LOWER_HEADER] if "uthorization" in lowered else []
    if "</" in lowered:
        patterns.append(_LOWER_ELEMENT)
    if "?" in lowered or "&" in lowered:
        patterns.append(_INLINE_QUERY_KEY)
    if any(could_be_secret(m.group("value")) for p in patterns for m in p.finditer(lowered)):
        return True
    # Tried only beside a ``--`` (the pattern starts with a whitespace class: slow to try
    # at every position, two thirds of this prefilter's time over Django's texts).
    return any(could_be_secret(m.group("value"))
               for m in matches_from(_LOWER_FLAG, lowered, ("--",), lead=1))


# --- guessable keys ----------------------------------------------------------------------

# Secrets that sign or encrypt (sessions, cookies, tokens, CSRF): one that can be guessed
# lets an attacker forge them, which a leaked password alone does not.
_KEY_KINDS = frozenset({"secret key", "secret", "signing key", "signing secret",
                        "encryption key", "session key"})
# Characters that mask a value rather than make one (``********``, ``xxxxxxxx``).
_MASK_CHARACTERS = frozenset("*•xX#_?.…")
# The shortest key that is not guessable on its face: 16 characters (about 96 bits of a
# random base64 string; Flask and Django generate 32 bytes and more).
_SHORTEST_KEY = 16
_WORD_SEGMENT = lazy_regex(r"[A-Z]?[a-z]{1,12}|[A-Z]{1,12}")
# A phrase typed as a key is a few words (``super secret key``, ``hard to guess string``);
# a longer one, or one punctuated as a sentence, is a description bound to a secret's name.
_LONGEST_PHRASE = 5
_PROSE_MARK = lazy_regex(r"[.,;:!?()`\"]")
# Words by which a value says it is not a real one (``test-secret-key-for-ci``,
# ``your-secret-key``, ``None``): a placeholder or a test's value, not a key anyone runs
# with. ``changeme`` and ``dev`` are not among them: those are the defaults that get
# deployed.
_UNREAL_MARKERS = frozenset({
    "test", "testing", "tests", "example", "sample", "dummy", "fake", "placeholder", "your",
    "mock", "mocked", "demo", "todo", "tbd", "fixme", "none", "null", "nil", "undefined",
    "invalid", "unused", "redacted", "notreal", "real",
})
# What a default says when it must be replaced (flattened: ``change-me``, ``CHANGE_ME``).
_CHANGE_ME = ("changeme", "changethis", "replaceme")
# A whole value that says a key was blanked out here (``data["secret"] = "hidden"``).
_MASK_WORDS = frozenset({"hidden", "redacted", "masked", "censored", "omitted", "removed",
                         "obfuscated"})
# Keys printed in frameworks' documentation, copied into code as they are: Flask's
# quickstart key (``b'_5#y2L"F4Q8z\n\xec]/'``, as TW101 reads bytes: latin-1).
_PUBLISHED_KEYS = frozenset({'_5#y2L"F4Q8z\n\xec]/'})


def _flat(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _asks_to_be_changed(value: str) -> bool:
    """``test-guest-key-change-me`` (the shape of Superset's default guest-token key,
    config.py:1714): a default that says to replace it ships when nobody does, whatever
    else it says."""
    flat = _flat(value)
    return any(marker in flat for marker in _CHANGE_ME)


def names_key(name: str | None) -> TypeGuard[str]:
    """Whether ``name`` names a signing or encryption key: the only names
    :func:`guessable_key` can find a value bound to guessable."""
    return bool(name) and secret_kind(name) in _KEY_KINDS


def guessable_key(value: str, name: str | None) -> str | None:
    """Why ``value``, bound to the name of a signing or encryption key (``SECRET_KEY``,
    ``JWT_SECRET``, ``signing_key``), can be guessed: a short value, one repeated
    character, a phrase or dictionary words, low entropy, Django's own insecure marker.
    None when it cannot be told guessable, when the name is not a key's, or when the value
    is a reference or a mask rather than a key (``${SECRET_KEY}``, ``********``)."""
    if not names_key(name):
        return None
    value = value.strip()
    if not value or _TEMPLATE.search(value) or set(value) <= _MASK_CHARACTERS:
        return None
    # Key material (PEM blocks, public keys) is judged by TW103 and the public-key rules.
    if "-----BEGIN" in value or _PUBLIC_KEY.search(value):
        return None
    if value in _PUBLISHED_KEYS:
        return "a key published in a framework's documentation"
    if not any(c.isascii() for c in value):
        return None  # a symbol (an emoji table's ``"secret": "㊙"``), not a typed key
    words = [s for s in re.split(r"[^A-Za-z0-9]+", value) if s]
    spaced = any(c.isspace() for c in value)
    # Its own name written as a name or a label, a value that says it is not real or
    # stands where a key was masked, a path to a key, or prose.
    unreal = _marked(words, _UNREAL_MARKERS) and not _asks_to_be_changed(value)
    if value_names_itself(value, name) or unreal \
            or value.lower() in _MASK_WORDS or _PATH.search(value) or _URL.match(value):
        return None
    if spaced and (len(words) > _LONGEST_PHRASE or _PROSE_MARK.search(value)):
        return None
    if value.lower().startswith("django-insecure-"):
        return "Django's generated key, which Django itself marks insecure"
    if len(set(value)) == 1:
        return "one repeated character"
    if any(c.isspace() for c in value):
        return "a phrase"
    if value.isdigit():
        return "only digits"
    segments = [s for s in re.split(r"[^A-Za-z0-9]+", value) if s]
    if segments and all(_only_filler(s.lower()) or s.lower() in _SEGMENT_MARKERS
                        or s.isdigit() for s in segments):
        return "made of dictionary words"
    # Words joined by separators (``the-flaskbb-secret-key``): a phrase, however long.
    if len(segments) >= 2 and all(_WORD_SEGMENT.fullmatch(s) for s in segments):
        return "words joined by separators"
    if len(value) < _SHORTEST_KEY:
        return f"only {len(value)} characters long"
    # A generated key of 16+ characters (hex, base64, token_urlsafe) mixes digits or
    # cases; letters of one case alone are words run together (``reallyhardtoguess``).
    if value.isalpha() and (value.islower() or value.isupper()):
        return "letters of one case only: words run together"
    if shannon_entropy(value) < 3.0:
        return "too little entropy"
    return None
