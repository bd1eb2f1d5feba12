"""One vocabulary: what a name says about the value it holds, judged once for every rule.

A name (variable, attribute, dict key, keyword, config key, env var, header, cookie) is
split into words by one tokenizer (:func:`words`: snake, camel, SCREAMING, dotted, dashed,
and run-together compounds such as ``PGPASSWORD`` or ``csrftoken``), then given one
:class:`Role`:

- ``CREDENTIAL``: holds a value that grants access by itself: passwords, API keys,
  access/refresh/bearer tokens, JWTs, client secrets, signing/encryption/private keys,
  webhook secrets, connection strings, ``Authorization`` values, session cookie values,
  incoming-webhook URLs (``slack_webhook_url``: whoever has the URL can post).
- ``ONE_TIME``: a per-use secret minted for a user action: reset, verification,
  confirmation, activation and invitation codes and links, OTPs, magic links, session ids,
  remember-me values, gift-card and voucher codes.
- ``UNGUESSABLE``: must be unpredictable but grants nothing alone: nonces, CSRF tokens,
  OAuth ``state``.
- ``ABOUT``: names something about a secret: its URL, id, name, type, length, count,
  expiry or ``*_at`` timestamp, header or field name, hash, file, scope, algorithm,
  validator, store, flags (``is_*``, ``*_enabled``), messages (``token_url``, ``key_id``,
  ``token_type``, ``max_tokens``, ``SECRET_KEY_NAME``, ``password_incorrect``).
- ``DECODED``: what a token carries, read: claims, payloads, JWT headers, introspection
  results (``claims``, ``jwt_header``, ``decoded_token``, ``token_info``).
- ``STAND_IN``: marked as fake (``test_password``, ``dummy_key``, ``example_token``).
- ``PUBLIC``: the public half (``public_key``, ``publishable_key``).
- ``NONE``: anything else (``tokens``, ``tokenizer``, ``cache_key``, ``secrets``, ``salt``).

How a role is decided, in order: a public or stand-in marker anywhere wins; trailing
neutral words are dropped (``token_value`` is a token); a leading flag or action word
(``is_``, ``has_``, ``get_``, ``max_``, ``num_``) makes the name about something; then the
head noun (the last word) and the word before it decide: a secret word or pair
(``token``, ``password``, ``api key``, ``client secret``) is a credential, a qualified code
(``reset code``, ``session id``, ``magic link``) is one-time, ``nonce``/``csrf``/``oauth
state`` are unguessable, a describing head (``url``, ``id``, ``type``, ``at``) is about.

Rules ask the views, never the tables: :func:`secret_kind` / :func:`holds_secret` (a
literal bound here is a hard-coded secret), :func:`carries_credential` (a value flowing
under this name at run time is a credential: logging or sending it in clear exposes one),
:func:`names_token` (a value made under this name must be unpredictable and expire),
:func:`only_looks_tokenish`. The golden table in ``tests/analysis/data/`` pins them.

The other questions rules ask about names are answered here too, each by one view: whose
lifetime a setting states (:func:`lifetime_name`), whether scopes are granted under a name
(:func:`names_scope_grant`), whether a URL parameter carries a credential
(:func:`url_param_credential`), hash names, the purposes of a signed value, the inputs of a
hash, what a function makes or does. Prefilter words (:data:`SECRET_KEYWORDS`,
:func:`mentions_credentials`, :func:`mentions_tokens`) are generated from the tables. A test
fails on a list of words kept anywhere else in ``rules/`` or ``analysis/``.
"""

from __future__ import annotations

import enum
import itertools
import keyword
import re
import string
from collections.abc import Iterator
from functools import lru_cache

from tokenward.analysis.literals import occurrences as literal_occurrences
from tokenward.analysis.literals import spells_any
from tokenward.lazy import lazy_regex
from tokenward.records import record

# --- the tokenizer ------------------------------------------------------------------------

_WORD = lazy_regex(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")

# Run-together words, spelled out: ``apikey`` is ``api key``, ``csrftoken`` is ``csrf token``.
_COMPOUNDS: dict[str, tuple[str, ...]] = {
    "apikey": ("api", "key"), "apitoken": ("api", "token"), "accesskey": ("access", "key"),
    "accesstoken": ("access", "token"), "authtoken": ("auth", "token"),
    "authkey": ("auth", "key"), "secretkey": ("secret", "key"),
    "privatekey": ("private", "key"), "publickey": ("public", "key"),
    "clientsecret": ("client", "secret"), "clientid": ("client", "id"),
    "sessionid": ("session", "id"), "sessionkey": ("session", "key"),
    "csrftoken": ("csrf", "token"), "xsrftoken": ("xsrf", "token"),
    "refreshtoken": ("refresh", "token"), "idtoken": ("id", "token"),
    "bearertoken": ("bearer", "token"), "rememberme": ("remember", "me"),
    "passphrase": ("passphrase",), "passcode": ("passcode",), "keyid": ("key", "id"),
    "tokenurl": ("token", "url"), "webhookurl": ("webhook", "url"),
    "connectionstring": ("connection", "string"), "connstr": ("conn", "str"),
    "userpass": ("user", "pass"), "dbpass": ("db", "pass"), "privkey": ("private", "key"),
    "pubkey": ("public", "key"), "pkey": ("private", "key"), "hostkey": ("host", "key"),
    "phpsessid": ("php", "session", "id"), "passkey": ("passkey",),
    "csrfmiddlewaretoken": ("csrf", "middleware", "token"),
}
# A longer word ending in one of these is two words: ``pgpassword`` -> pg, password.
_SPLIT_SUFFIXES = ("password", "passwd", "secret", "token")


def name_words(name: str) -> tuple[str, ...]:
    """``githubApiToken``, ``GITHUB_API_TOKEN``, ``github-api-token``,
    ``settings.GITHUB_API_TOKEN`` -> ("github", "api", "token"); ``PGPASSWORD`` -> ("pg",
    "password"). Lower case; trailing digits dropped (``token2``, ``oauth2``)."""
    out: list[str] = []
    for raw in _WORD.findall(name):
        word = raw.lower()
        stripped = word.rstrip("0123456789")
        word = stripped or word
        out.extend(_spell_out(word))
    return tuple(out)


@lru_cache(maxsize=8192)
def _spell_out(word: str) -> tuple[str, ...]:
    if word in _COMPOUNDS:
        return _COMPOUNDS[word]
    for suffix in _SPLIT_SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix) + 1 and word not in _KNOWN:
            return (*_spell_out(word[: -len(suffix)]), suffix)
    return (word,)


# --- the word tables ----------------------------------------------------------------------

# A head word that holds a credential -> what it is called in messages.
_CREDENTIAL_HEADS: dict[str, str] = {
    "token": "token", "secret": "secret", "password": "password", "passwd": "password",
    "pwd": "password", "pass": "password", "pw": "password", "passphrase": "password",
    "credential": "credential", "creds": "credential", "cred": "credential",
    "bearer": "bearer token", "dsn": "connection string", "auth": "credential",
    "authorization": "credential", "pat": "token", "jwt": "token", "passkey": "passkey",
    "cookie": "cookie", "pin": "PIN",
}
# Cookies that carry a preference, not a session.
_PLAIN_COOKIES = frozenset({"language", "lang", "locale", "theme", "consent", "tracking",
                            "analytics", "preference", "preferences", "timezone", "tz",
                            "currency", "country", "region", "banner", "cart"})
_PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "pass", "pw", "passphrase"})
# A qualified plural is judged as its singular (``access_tokens``, ``recovery_codes``); a
# bare one names a collection of something else (NLP ``tokens``, the ``secrets`` module).
_PLURALS = {"tokens": "token", "secrets": "secret", "keys": "key", "codes": "code",
            "nonces": "nonce", "passwords": "password", "credentials": "credential",
            "cookies": "cookie", "headers": "header", "links": "link", "jwts": "jwt"}
_BARE_PLURAL_CREDENTIALS = frozenset({"passwords", "credentials", "cookies", "nonces"})
# Qualifiers of a plural that count something: LLM and NLP tokens.
_COUNTED = frozenset({"input", "output", "prompt", "completion", "reasoning", "cached",
                      "special", "stop", "added", "unknown", "word", "sub"})

# (word before, head) -> credential kind, for heads that hold nothing alone (``key``).
_CREDENTIAL_PAIRS: dict[tuple[str, str], str] = {
    **{(q, "key"): "API key" for q in ("api", "auth", "app", "application", "developer",
                                       "subscription", "integration")},
    **{(q, "key"): "access key" for q in ("account", "storage", "sas", "shared")},
    **{(q, "key"): "signing key" for q in ("signing", "sign", "hmac", "jwt", "jws", "mac")},
    **{(q, "key"): "encryption key" for q in ("encryption", "encrypt", "crypto", "aes",
                                              "cipher", "fernet", "master",
                                              "wrapped", "encrypted", "decryption")},
    **{(q, "key"): "private key" for q in ("private", "priv", "ssh", "deploy", "rsa", "ec",
                                           "ecdsa", "dsa", "ed", "ca", "gpg", "pgp",
                                           "prepared", "raw", "ephemeral", "signer")},
    ("secret", "key"): "secret key", ("session", "key"): "session key",
    ("license", "key"): "license key", ("owner", "key"): "token",
    ("recovery", "key"): "recovery key",
    ("otp", "key"): "OTP seed", ("totp", "key"): "OTP seed", ("mfa", "key"): "OTP seed",
    ("otpauth", "url"): "OTP seed", ("otpauth", "uri"): "OTP seed",
    ("webhook", "key"): "webhook secret", ("webhook", "secret"): "webhook secret",
    ("client", "secret"): "client secret", ("consumer", "secret"): "client secret",
    ("signing", "secret"): "signing secret",
    ("connection", "string"): "connection string", ("conn", "str"): "connection string",
    ("conn", "string"): "connection string", ("auth", "string"): "credential",
    ("auth", "header"): "credential", ("authorization", "header"): "credential",
    ("bearer", "header"): "credential",
    ("token", "response"): "token", ("token", "json"): "token",
    ("erlang", "cookie"): "Erlang cookie",
}
# A ``data_key`` alone is the key a value is looked up by in some data (``data[data_key]``,
# an entity description's ``data_key="batteryLevel"``: 82 findings in Home Assistant, none
# a key); envelope encryption's data key (KMS) is named with its state.
_ENVELOPE_WORDS = frozenset({"plaintext", "encrypted", "wrapped", "kms", "envelope"})
# Incoming-webhook URLs are credentials: whoever has the URL can post. A callback named by
# an event or phase (``pre_webhook_url``, ``status_webhook_url``) is only an address.
_WEBHOOK_CALLBACKS = frozenset({"pre", "post", "status", "callback", "event", "events",
                                "delivery", "failure", "fallback"})

# Heads that are per-use secrets on their own, and the words that make a code, link, key or
# URL one after them (``reset_code``, ``magic_link``, ``invite_url``).
_ONE_TIME_HEADS: dict[str, str] = {"otp": "one-time code", "totp": "one-time code",
                                   "hotp": "one-time code", "passcode": "one-time code"}
_ONE_TIME_QUALIFIERS = frozenset({
    "reset", "verification", "verify", "confirm", "confirmation", "activation", "activate",
    "invite", "invitation", "magic", "login", "signin", "signup", "otp", "sms", "mfa",
    "twofa", "2fa", "security", "recovery", "backup", "unlock", "onetime", "email", "auth",
    "authorization", "gift", "voucher", "redeem", "redemption", "device", "user", "pairing",
    "approval", "registration", "enrollment", "enrolment", "mf", "card", "access", "checkin",
    "share",
})
# (A ticket alone is a support ticket; a ``login_ticket`` or ``share_ticket`` is a bearer
# value, as CAS and Kerberos tickets are.)
_ONE_TIME_HEADS_QUALIFIED = frozenset({"code", "key", "link", "digits", "ticket"})
# A URL that is the emailed one-time link itself (noun phrases, not endpoints).
_ONE_TIME_URL_QUALIFIERS = frozenset({"reset", "invite", "invitation", "activation",
                                      "verification", "confirmation", "magic", "link",
                                      "unlock"})
_SESSION_WORDS = frozenset({"session", "sess", "connect", "php"})
# Qualified phrases that still name no secret.
_NOT_ONE_TIME = frozenset({("email", "key"), ("login", "key"), ("user", "key"),
                           ("access", "key"),     # AWS's access key is the public half
                           ("device", "key"), ("security", "key"), ("backup", "key"),
                           ("email", "link"), ("user", "link"), ("device", "link"),
                           ("login", "link"), ("security", "link")})

# (``authenticity``: Rails names its CSRF form field ``authenticity_token``.)
_UNGUESSABLE_WORDS = frozenset({"nonce", "csrf", "xsrf", "cnonce", "authenticity"})
_STATE_QUALIFIERS = frozenset({"oauth", "csrf", "xsrf", "auth", "authorization", "login",
                               "sso", "oidc", "pkce"})

# A head noun that makes the name describe a secret instead of holding one.
_ABOUT_HEADS = frozenset({
    "url", "uri", "urls", "endpoint", "host", "hostname", "domain", "path", "paths", "file",
    "filename", "files", "dir", "folder", "name", "names", "id", "ids", "kid", "sid",
    "accessor", "type", "types", "kind", "header", "field", "fields", "param", "params",
    "parameter", "parameters", "arg", "args", "kwargs", "placement", "prefix", "suffix",
    "length", "len", "count", "counts", "counter", "size", "min", "max", "limit", "ttl",
    "expiry", "expires", "expiration", "exp", "expire", "timeout", "lifetime", "age",
    "period", "interval", "window", "delay", "duration", "live", "seconds", "secs",
    "minutes", "mins", "hours", "days", "weeks", "ms", "millis", "format", "fmt", "pattern",
    "regex", "regexp", "re", "env", "var", "variable", "label", "hint", "policy", "policies",
    "rule", "rules", "mode", "version", "provider", "providers", "class", "cls", "classes",
    "schema", "template", "validator", "validators", "display", "placeholder", "hash",
    "hashed", "digest", "checksum", "fingerprint", "enabled", "required", "status",
    "reset", "store", "storage", "manager", "service", "handler", "backend", "backends",
    "generator", "factory", "maker", "helper", "context", "ctx", "prompt", "message",
    "messages", "msg", "error", "errors", "text", "location", "cache", "source", "attr",
    "attribute", "column", "col", "index", "idx", "pos", "chars", "characters", "alphabet",
    # an exception about a credential (``yl_auth_err``), a file of them (``SECRET_YAML``)
    "err", "exc", "exception", "exceptions", "yaml", "yml", "toml", "ini", "cfg",
    "charset", "bits", "entropy", "strength", "rotation", "rotated", "ref", "reference",
    "arn", "key", "scope", "scopes", "method", "methods", "algorithm", "algorithms", "alg",
    "algo", "lookup", "getter", "setter", "callback", "fn", "func", "function", "model",
    "form", "widget", "input", "view", "route", "event", "events", "log", "logger", "option",
    "options", "config", "settings", "setting", "flag", "mask", "masked", "redacted",
    "exists", "valid", "invalid", "validity", "changed", "change", "check", "title",
    "description", "doc", "docs", "help", "usage", "keyword", "keywords", "encoding",
    "audience", "issuer", "subject", "user", "username", "owner", "email", "account",
    "date", "time", "timestamp", "at", "on", "retries", "attempts", "num", "list", "set",
    "dict", "map", "table", "queue", "pool", "registry", "used", "uses", "hasher",
    "hashers", "serializer", "serializers", "encoder", "decoder", "request", "response",
    "revoked", "created", "sent", "expired", "ok", "tokenizer", "budget", "meta", "metadata",
    "strategy", "scheme", "schemes", "realm", "mechanism", "mechanisms", "bucket", "rate",
    "refill", "pair", "object", "obj", "instance", "client", "session", "shares",
    "threshold", "blacklist", "denylist", "allowlist", "whitelist", "through", "secure",
    "httponly", "samesite", "protect", "claim", "challenge", "device", "signer",
    "authenticator", "salt", "signature", "iv", "seed",
})
# Words anywhere that make the name a message or an error about a secret.
_ERROR_WORDS = frozenset({"invalid", "incorrect", "wrong", "bad", "missing", "mismatch", "too",
                          "malformed", "unknown", "required", "requires", "needed"})
# Words anywhere that make the name a switch about a secret (``CSRF_USE_SESSIONS``).
_SWITCH_WORDS = frozenset({"use", "uses", "exempt", "protect", "protected", "enabled",
                           "disabled", "enforce", "enforced"})
# Words anywhere that count (``token_num_uses``, ``SECRET_KEY_MIN_UNIQUE_CHARACTERS``).
_COUNT_WORDS = frozenset({"max", "min", "num", "count", "total"})
_DECODED_ALONE = frozenset({"claims", "decoded", "userinfo", "introspection"})
_DECODED_WORDS = frozenset({"claims", "payload", "decoded", "unverified", "userinfo",
                            "introspection", "info", "data", "body", "contents", "content",
                            "parsed"})
# A JWT's header or data is decoded content; an ``Authorization`` header is a credential.
_TOKEN_FORMATS = frozenset({"jwt", "jws", "jwe", "jose", "token", "id", "access", "refresh",
                            "bearer"})

_NEUTRAL_TAILS = frozenset({"value", "val", "str", "string", "hex", "bytes", "raw", "plain",
                            "b", "urlsafe", "tmp", "temp", "generated", "candidate", "part",
                            "s", "bin"})
# A first word that makes the name an operation (no value: ``set_password``) ...
_LEADING_VERBS = frozenset({
    "get", "set", "make", "generate", "gen", "create", "issue", "decode", "encode", "revoke",
    "rotate", "delete", "remove", "store", "save", "send", "fetch", "load", "read", "hash",
    "check", "validate", "parse", "update", "count", "clear", "find", "compare", "mint",
    "obtain", "exchange", "introspect",
})
# ... a flag, a switch or a count (``is_token_valid``, ``use_csrf``, ``max_tokens``), or
# the name of a setting or an attribute (``CONF_API_KEY = "api_key"``,
# ``ATTR_ACCESS_TOKEN = "access_token"``: Home Assistant's and its integrations' constants).
_LEADING_FLAGS = frozenset({
    "is", "has", "should", "use", "uses", "enable", "enabled", "allow", "require",
    "requires", "show", "hide", "no", "can", "must", "needs", "need", "want", "skip",
    "disable", "include", "exclude", "max", "min", "num", "n", "total", "len", "header",
    "headers", "hashed", "masked", "redacted", "conf", "attr",
})
# Operations on words that are also kinds of token: ``reset_token`` is a token,
# ``reset_password`` an operation, ``next_token`` a pagination cursor.
_VERB_QUALIFIERS = frozenset({"reset", "verify", "activate", "invite", "unlock"})
_CURSOR_WORDS = frozenset({"next", "page", "continuation", "cursor", "sync", "prev",
                           "previous", "pagination"})
_STAND_IN_WORDS = frozenset({"test", "testing", "mock", "mocked", "fake", "dummy", "example",
                             "examples", "sample", "placeholder", "stub", "fixture", "bogus",
                             "demo"})
_PUBLIC_WORDS = frozenset({"public", "publishable", "pub", "verifying", "site"})
# (AWS Signature V4's ``X-Amz-Credential`` is the credential's scope: the access key id,
# the date, the region and the service, all public; its signature is ``X-Amz-Signature``.)
_PUBLIC_PAIRS = frozenset({("host", "key"), ("site", "key"), ("amz", "credential")})

# Words judged as they are: never split into a prefix and a secret word.
_KNOWN = frozenset({*_CREDENTIAL_HEADS, *_ABOUT_HEADS, "bypass", "compass", "surpass",
                    "trespass", "overpass"})


# --- the judgement ------------------------------------------------------------------------


class Role(enum.Enum):
    CREDENTIAL = "credential"
    ONE_TIME = "one_time"
    UNGUESSABLE = "unguessable"
    ABOUT = "about"
    DECODED = "decoded"
    STAND_IN = "stand_in"
    PUBLIC = "public"
    NONE = "none"


@record
class Judgement:
    """What one name says: its words, its role and (for secrets) what it is called."""

    words: tuple[str, ...]
    role: Role
    kind: str | None = None

    @property
    def is_password(self) -> bool:
        """Holds a password (a real one, or a stand-in for one)."""
        if self.role is Role.STAND_IN:
            return bool(self.words) and self.words[-1] in _PASSWORD_WORDS
        return self.role is Role.CREDENTIAL and self.kind == "password"


@lru_cache(maxsize=16384)
def judge(name: str | None) -> Judgement:
    """The one judgement of a name (cached: rules ask about the same names again and again)."""
    all_words = name_words(name or "")
    return Judgement(all_words, *_role(all_words))


def _role(all_words: tuple[str, ...]) -> tuple[Role, str | None]:
    if not all_words:
        return Role.NONE, None
    if all_words[0] in _STAND_IN_WORDS and len(all_words) > 1:
        return Role.STAND_IN, None
    if _PUBLIC_WORDS & set(all_words) or any(p in _PUBLIC_PAIRS
                                            for p in itertools.pairwise(all_words)):
        return Role.PUBLIC, None
    ws = _trimmed(all_words)
    if ws is None:
        return Role.NONE, None
    head, before = ws[-1], (ws[-2] if len(ws) > 1 else None)
    if (len(ws) > 1 and (ws[0] in _LEADING_FLAGS or _SWITCH_WORDS & set(ws))) \
            or _ERROR_WORDS & set(ws) or _COUNT_WORDS & set(ws[:-1]) or "in" in ws[1:-1]:
        return Role.ABOUT, None
    if _is_operation(ws):
        return Role.NONE, None
    for judged in (_webhook, _paired, _decoded, _unguessable, _one_time, _credential):
        found = judged(ws)
        if found is not None:
            return found
    if any(w in _CREDENTIAL_HEADS or w in _UNGUESSABLE_WORDS for w in ws) or (
            "key" in ws and head in _ABOUT_HEADS and head != "key") or before == "session":
        return Role.ABOUT, None
    return Role.NONE, None


def _trimmed(all_words: tuple[str, ...]) -> list[str] | None:
    """Trailing neutral words dropped, a qualified plural made singular; None for a bare
    plural of something else, or a plural that counts (``prompt_tokens``)."""
    ws = list(all_words)
    while len(ws) > 1 and ws[-1] in _NEUTRAL_TAILS and (ws[-2], ws[-1]) not in _CREDENTIAL_PAIRS:
        ws.pop()
    head = ws[-1]
    if head in _PLURALS:
        if (len(ws) == 1 and head not in _BARE_PLURAL_CREDENTIALS) or (
                len(ws) > 1 and ws[-2] in _COUNTED):
            return None
        ws[-1] = _PLURALS[head]
    return ws


def _is_operation(ws: list[str]) -> bool:
    first, head = ws[0], ws[-1]
    if len(ws) == 1:
        return False
    if first in _LEADING_VERBS:
        return ws != ["set", "cookie"]      # the Set-Cookie header carries the cookie
    if first in _CURSOR_WORDS and head == "token":
        return True
    # ``reset_password``: a password is never "a reset password"; ``reset_token`` is a token.
    return first in _VERB_QUALIFIERS and len(ws) == 2 and head in _PASSWORD_WORDS


Found = tuple[Role, str | None]


def _webhook(ws: list[str]) -> Found | None:
    if ws[-1] in ("url", "uri", "webhook", "hook") and ("webhook" in ws or "hook" in ws[:-1]) \
            and not _WEBHOOK_CALLBACKS & set(ws):
        return Role.CREDENTIAL, "webhook URL"
    return None


def _paired(ws: list[str]) -> Found | None:
    if len(ws) < 2:
        return None
    pair = (ws[-2], ws[-1])
    if pair == ("session", "key") and len(ws) > 2 and (
            ws[-3] in _CREDENTIAL_HEADS or ws[-3] in _UNGUESSABLE_WORDS):
        return Role.ABOUT, None      # ``CSRF_SESSION_KEY``: the session slot it is kept in
    if pair == ("session", "key"):
        return Role.ONE_TIME, "session id"   # Django's session key is the session id
    if pair in _CREDENTIAL_PAIRS:
        return Role.CREDENTIAL, _CREDENTIAL_PAIRS[pair]
    if pair == ("data", "key") and _ENVELOPE_WORDS & set(ws[:-2]):
        return Role.CREDENTIAL, "encryption key"  # ``plaintext_data_key`` (KMS)
    return None


def _decoded(ws: list[str]) -> Found | None:
    head = ws[-1]
    if head == "header" and len(ws) > 1 and ws[-2] in _TOKEN_FORMATS - {"token", "id"}:
        return Role.DECODED, None
    if head in _DECODED_ALONE or (ws[0] in ("decoded", "unverified") and len(ws) > 1):
        return Role.DECODED, None
    if head in _DECODED_WORDS and any(w in _TOKEN_FORMATS for w in ws[:-1]):
        return Role.DECODED, None
    return None


# A value whose job is to be unique, not secret (a name's head word).
_NONCE_HEADS = frozenset({"nonce", "cnonce"})


def _unguessable(ws: list[str]) -> Found | None:
    head = ws[-1]
    before = ws[-2] if len(ws) > 1 else None
    if head in _NONCE_HEADS:
        return Role.UNGUESSABLE, "nonce"
    if (head in _UNGUESSABLE_WORDS or _UNGUESSABLE_WORDS & set(ws[:-1])) \
            and head not in _ABOUT_HEADS:
        return Role.UNGUESSABLE, "CSRF token"
    if (before in _STATE_QUALIFIERS and head == "state") or ("state" in ws[:-1] and head in (
            "token", "jwt")):
        return Role.UNGUESSABLE, "OAuth state"
    if head == "verifier" and before in ("code", "pkce"):
        return Role.UNGUESSABLE, "PKCE verifier"
    return None


def _one_time(ws: list[str]) -> Found | None:
    head = ws[-1]
    before = ws[-2] if len(ws) > 1 else None
    if head in _ONE_TIME_HEADS:
        return Role.ONE_TIME, _ONE_TIME_HEADS[head]
    if head == "token" and before in _ONE_TIME_HEADS:
        return Role.ONE_TIME, "one-time code"     # ``otp_token``: a one-time password
    if (head == "sid" and (before is None or before in _SESSION_WORDS | {"login", "auth"})) or (
            head == "id" and before in _SESSION_WORDS):
        return Role.ONE_TIME, "session id"
    if head == "verifier" and before == "oauth":
        return Role.ONE_TIME, "OAuth verifier"
    if head in ("url", "uri") and before in _ONE_TIME_URL_QUALIFIERS:
        return Role.ONE_TIME, "one-time link"
    if head in _ONE_TIME_HEADS_QUALIFIED and ("one", "time") in itertools.pairwise(ws[:-1]):
        return Role.ONE_TIME, "one-time code"     # ``one_time_download_code``
    if before in _ONE_TIME_QUALIFIERS and head in _ONE_TIME_HEADS_QUALIFIED \
            and (before, head) not in _NOT_ONE_TIME:
        return Role.ONE_TIME, f"{before} link" if head == "link" else f"{before} code"
    return None


def _credential(ws: list[str]) -> Found | None:
    head = ws[-1]
    if head == "cookie" and _PLAIN_COOKIES & set(ws):
        return Role.NONE, None
    if head in _CREDENTIAL_HEADS:
        return Role.CREDENTIAL, _CREDENTIAL_HEADS[head]
    if head == "key" and {"secret", "private"} & set(ws[:-1]):
        return Role.CREDENTIAL, "secret key"     # ``AWS_SECRET_ACCESS_KEY``
    if head == "salt" and _last_credential_kind(ws) is not None:
        return Role.CREDENTIAL, "secret salt"    # Flask-Security keeps its salt secret
    # A secret word earlier and a head that describes nothing: ``SECRET_KEY_BASE``,
    # ``GITHUB_TOKEN_PROD``, ``SECURITY_PASSWORD_SALT`` (Flask-Security keeps it secret).
    earlier = _last_credential_kind(ws)
    if earlier is not None and (head not in _ABOUT_HEADS or head == "salt") \
            and head not in _DECODED_WORDS:
        return Role.CREDENTIAL, earlier
    return None


def _last_credential_kind(ws: list[str]) -> str | None:
    for index in range(len(ws) - 1, -1, -1):
        if index > 0 and (ws[index - 1], ws[index]) in _CREDENTIAL_PAIRS:
            return _CREDENTIAL_PAIRS[(ws[index - 1], ws[index])]
        if ws[index] in _CREDENTIAL_HEADS:
            return _CREDENTIAL_HEADS[ws[index]]
    return None


# --- the views ----------------------------------------------------------------------------


def marked_stand_in(text: str) -> bool:
    """Whether a path or a name marks what it holds as made up: a word (or its plural) of
    test, fake, example, fixture ... (``tests/keys/rsa.pem``, ``dummy_private_key``)."""
    return any(word in _STAND_IN_WORDS or word.removesuffix("s") in _STAND_IN_WORDS
               for part in re.split(r"[^A-Za-z0-9_]+", text) for word in name_words(part))


def secret_kind(name: str | None) -> str | None:
    """What secret a name holds ("password", "API key", "token" ...): a literal bound to
    it is a hard-coded credential. None for any other name."""
    judgement = judge(name)
    return judgement.kind if judgement.role is Role.CREDENTIAL else None


def names_secret_file(name: str) -> bool:
    """Whether a plain text file's name (its stem: ``client_cred``, ``passwords``,
    ``api_keys``) says it holds credentials: a store of secrets, not documentation. A
    bare plural counts as its singular here (``secrets.txt`` holds secrets, where a
    ``secrets`` variable is the module)."""
    return holds_secret(name) or holds_secret(_PLURALS.get(name.lower()))


def holds_secret(name: str | None) -> bool:
    return judge(name).role is Role.CREDENTIAL


def is_password_name(name: str | None) -> bool:
    """A name that clearly holds a password (short values are still secrets there)."""
    return judge(name).is_password


def carries_credential(name: str | None) -> bool:
    """A value flowing under this name at run time is a credential: logging it, or sending
    it in clear, exposes one (credentials and per-use secrets such as reset codes)."""
    return judge(name).role in (Role.CREDENTIAL, Role.ONE_TIME)


def names_token(name: str | None) -> bool:
    """A value made under this name must be unpredictable (and expire): credentials,
    per-use secrets, nonces and CSRF tokens. A bare cookie is a container that may carry a
    session, not the name of a token being made (``session_cookie`` is one)."""
    judgement = judge(name)
    return judgement.role in (Role.CREDENTIAL, Role.ONE_TIME, Role.UNGUESSABLE) \
        and judgement.kind != "cookie"


def only_looks_tokenish(name: str | None) -> bool:
    """Token words in a name that holds no secret: ``token_url``, ``expires_at``,
    ``jwt_header``, ``max_tokens``, ``public_key``."""
    judgement = judge(name)
    return judgement.role in (Role.ABOUT, Role.DECODED, Role.STAND_IN, Role.PUBLIC) or (
        judgement.role is Role.NONE and bool(set(judgement.words) & _TOKENISH))


_TOKENISH = frozenset({*_CREDENTIAL_HEADS, *_UNGUESSABLE_WORDS, "key", "tokens", "secrets"})

# --- names of things that are not values: functions, cookies, cache keys, URLs, SQL ----------

_MAKER_VERBS = frozenset({"make", "generate", "gen", "create", "new", "issue", "mint", "random",
                          "rand", "build", "rotate", "regenerate", "get", "init", "compute",
                          "produce"})
_LOOKUP_KEYS = frozenset({"cache", "sort", "lookup", "dict", "map", "idempotency", "partition",
                          "row", "primary", "foreign", "unique", "object", "s", "storage",
                          "file", "redis", "bucket", "group", "shard", "index", "hash",
                          "order", "join", "ordering", "public", "dedup", "dedupe", "lock",
                          "route", "routing", "event", "message", "metric", "feature"})
_NOT_MINTED_FIRST = frozenset({"request", "trace", "correlation", "span", "idempotency",
                               "cache", "file", "upload", "filename"})


def function_makes_token(name: str, doc: str = "") -> bool:
    """``generate_token``, ``make_reset_code``, ``new_api_key``, ``random_password``,
    ``make_test_key``, ``attachment_key`` (a maker verb or a noun phrase, and ``key``, not a
    lookup key by its name or by its docstring ``doc``)."""
    ws = name_words(name)
    if not ws or ws[0] in _NOT_MINTED_FIRST:
        return False
    if len(ws[-1]) > 3 and ws[-1].endswith("gen"):   # ``keygen``: generate a key
        ws = ("gen", *ws[:-1], ws[-1][:-3])
    body = ws[1:] if ws[0] in _MAKER_VERBS and len(ws) > 1 else ws
    if names_token("_".join(body)):
        return True
    if len(ws) < 2 or ws[-1] != "key" or describes_lookup_key(doc):
        return False
    if ws[0] in _MAKER_VERBS:
        return not set(ws[1:-1]) & _LOOKUP_KEYS
    # A noun phrase names what the function returns: ``attachment_key()`` makes the key of
    # an attachment (not an operation, a flag, a lookup key or a public half).
    return ws[0] not in _LEADING_VERBS | _LEADING_FLAGS and not set(ws[:-1]) & _LOOKUP_KEYS \
        and (ws[-2], "key") not in _NOT_ONE_TIME


_IDENTIFIER_HEADS = frozenset({"id", "ids", "pk", "uuid", "guid", "prefix", "suffix",
                               "serial"})


def names_identifier(name: str | None) -> bool:
    """``key_id``, ``account_pk``, ``request_uuid``, ``key_prefix``, ``serial_number``: an
    object's id or a visible part of one, public by purpose (a session id is a credential,
    not one of these)."""
    ws = name_words(name or "")
    return (bool(ws) and (ws[-1] in _IDENTIFIER_HEADS or ws[-2:] == ("serial", "number"))
            and not names_token(name) and not carries_credential(name))


def names_nonce(name: str | None) -> bool:
    """``cnonce``, ``_get_client_nonce``: a value (or what makes it) whose job is to be
    unique, not secret. The head word as the judgement reads it, also for a maker's name
    (which the judgement of a value's name leaves to ``function_makes_token``)."""
    ws = name_words(name or "")
    return bool(ws) and ws[-1] in _NONCE_HEADS


def describes_lookup_key(text: str) -> bool:
    """Prose that says a value is a lookup key and names no secret: ``"a 4 character
    string to be used as a cache key"``."""
    ws = name_words(text)
    return any(a in _LOOKUP_KEYS and b == "key" for a, b in itertools.pairwise(ws)) \
        and not any(names_token(w) for w in ws)


_CONSUMER_WORDS = frozenset({"token", "password", "otp", "secret", "nonce", "csrf"})
_NOT_CONSUMERS = frozenset({"verify", "check", "validate", "is", "has", "get", "find", "lookup",
                            "compare", "count", "len", "print", "log"})


def function_consumes_token(name: str) -> bool:
    """A callee whose arguments are tokens: ``store_token``, ``send_reset_email``,
    ``set_password``, ``save_otp``. Checks and lookups (``verify_``, ``check_``, ``get_``)
    are not consumers."""
    ws = name_words(name)
    if not ws or ws[0] in _NOT_CONSUMERS:
        return False
    if any(w in _CONSUMER_WORDS for w in ws) or ("api", "key") in itertools.pairwise(ws):
        return True
    return any(a in {"reset", "verification", "activation", "invite", "magic"} and b in
               {"email", "link", "mail", "sms", "message", "code"}
               for a, b in itertools.pairwise(ws))


_COOKIE_WORDS = frozenset({"session", "sess", "sid", "auth", "remember", "login", "token",
                           "jwt", "csrf", "xsrf", "identity", "me"})


def cookie_holds_token(name: str) -> bool:
    """``forum_session``, ``shop_sid``, ``remember_me``, ``auth``, ``csrftoken``."""
    return names_token(name) or bool(set(name_words(name)) & _COOKIE_WORDS)


def key_text_is_token(text: str) -> bool:
    """A cache/redis key or cookie name literal that holds a token: ``"reset:{uid}"``,
    ``"session_id"``, ``"otp:" + phone``."""
    return any(part and names_token(part) for part in re.split(r"[:/.\s{}]+", text))


_SQL_WORDS = lazy_regex(r"[A-Za-z_][A-Za-z0-9_]*")


def sql_names_token(sql: str) -> bool:
    """An INSERT/UPDATE whose statement names a token column: ``UPDATE users SET
    verification_code = ?``."""
    lowered = sql.lower()
    if not any(verb in lowered for verb in ("insert", "update", "replace", "upsert")):
        return False
    return any(names_token(word) for word in _SQL_WORDS.findall(sql))


_URL_PARAM = lazy_regex(r"[?&;]([A-Za-z_][\w\-]*)=$")
_URL_PATH_WORDS = ("/reset", "/verify", "/activate", "/confirm", "/invite", "/magic", "/login/",
                   "/unsubscribe", "/token", "/password")
_KEY_BEFORE = lazy_regex(r"([A-Za-z_][\w\-]*)[:=]$")


def text_before_marks_token(text: str) -> bool:
    """The literal text just before an interpolated value marks that value as a token:
    ``...?token=``, ``...&code=``, ``/reset/``, ``Bearer ``, ``session:``."""
    tail = text[-80:]
    match = _URL_PARAM.search(tail)
    if match:
        param = match.group(1).lower()
        return param in {"code", "key", "sig"} or names_token(param)
    lowered = tail.lower()
    if lowered.endswith(("bearer ", "token ", "basic ")):
        return True
    if lowered.rstrip("/").endswith(_URL_PATH_WORDS) or any(
            lowered.endswith(w + "/") for w in _URL_PATH_WORDS):
        return True
    key = _KEY_BEFORE.search(tail)
    return bool(key and names_token(key.group(1)))


# Headers whose value is a credential (beside any header whose name holds a secret).
CREDENTIAL_HEADERS = frozenset({
    "authorization", "proxy-authorization", "cookie", "x-api-key", "api-key", "apikey",
    "x-auth-token", "x-access-token", "private-token", "x-vault-token", "x-gitlab-token",
    "x-auth-key", "x-api-token", "x-token", "token", "x-secret", "x-client-secret",
    "x-functions-key", "ocp-apim-subscription-key", "x-figma-token", "x-shopify-access-token",
})


def is_credential_key(key: str | None) -> bool:
    """A header, parameter or dict key whose value is a credential."""
    if not key:
        return False
    return key.strip().lower() in CREDENTIAL_HEADERS or carries_credential(key)


# --- what else a name says: lifetimes, scopes, URL parameters, hashes, purposes ------------
# The questions below are asked about names too, by one or two rules each; their words live
# here so that no rule keeps a list of its own.

# Words that make a name state how long something lives (``max_age``, ``expires``, ``ttl``).
_LIFETIME_WORDS = frozenset({"expires", "expire", "expiry", "expiration", "lifetime", "ttl",
                             "age", "timeout", "exp", "validity", "duration", "delta", "life",
                             "lifespan", "expiring"})
# What the lifetime is of, tried in this order: a refresh token before the access token it
# renews, a reset link before the token it carries. Words of the name and its context count.
_LIFETIME_OF_RESET = frozenset({"reset", "verification", "verify", "confirm", "confirmation",
                                "activation", "activate", "magic", "otp", "signup"})
# An invitation waits for someone who has not signed up yet, so it lives for days, not the
# hours a reset link does: its own limit.
_LIFETIME_OF_INVITE = frozenset({"invite", "invites", "invitation", "invitations"})
_LIFETIME_OF_ACCESS = frozenset({"access", "jwt", "bearer", "id"})
# Not "cookie" alone: LANGUAGE_COOKIE_AGE, CSRF_COOKIE_AGE are not sessions.
_LIFETIME_OF_SESSION = frozenset({"session", "sid", "remember"})
_LIFETIME_OF_TOKEN = frozenset({"token", "tokens", "auth", "api", "knox"})
# Lifetimes of things that are not tokens: caches, locks, connections, CSRF cookies, leeway.
_NOT_TOKEN_LIFETIMES = frozenset({
    "csrf", "cache", "lock", "connect", "connection", "read", "write", "request", "http",
    "socket", "db", "database", "leeway", "idle", "poll", "retry", "min", "celery", "task",
    "redis", "query", "statement", "upload", "hsts", "preflight", "cors", "static", "media",
    "file", "keepalive", "lease", "warning", "grace", "lockout", "throttle"})
# The unit a name gives its number in (``ACCESS_TOKEN_EXPIRE_MINUTES``), in seconds.
_NAME_UNITS: dict[str, float] = {
    "ms": 0.001, "millis": 0.001, "milliseconds": 0.001, "seconds": 1, "secs": 1, "sec": 1,
    "minutes": 60, "minute": 60, "mins": 60, "hours": 3600, "hour": 3600, "hrs": 3600,
    "days": 86400, "day": 86400, "weeks": 604800, "week": 604800}


@record
class LifetimeName:
    """What a setting's name says about a lifetime: whose (access | refresh | reset | invite |
    session) and the unit of a bare number (seconds per unit)."""

    kind: str
    unit: float


# Words that, just before a lifetime word, turn it off (``allow_non_expiring``,
# ``NEVER_EXPIRE``, ``disable_expiry``).
_EXPIRY_NEGATIONS = frozenset({"non", "never", "no", "disable", "disabled", "skip", "without"})


def switches_expiry_off(name: str) -> bool:
    """``allow_non_expiring``, ``tokens_never_expire``, ``disable_expiry``: a switch that,
    when true, lets tokens live forever."""
    ws = name_words(name)
    return any(a in _EXPIRY_NEGATIONS and b in _LIFETIME_WORDS
               for a, b in itertools.pairwise(ws))


def states_lifetime(name: str) -> bool:
    """``max_age``, ``expires``, ``ttl``: a name that states a lifetime."""
    return bool(set(name_words(name)) & _LIFETIME_WORDS)


def lifetime_name(name: str, context: str = "") -> LifetimeName | None:
    """``ACCESS_TOKEN_EXPIRE_MINUTES`` -> (access, 60); ``SESSION_COOKIE_AGE`` -> (session,
    1); ``max_age`` with context ``refresh_token`` -> (refresh, 1); None when the name is
    not a token's lifetime."""
    words = name_words(name)
    if not set(words) & _LIFETIME_WORDS:
        return None
    every = set(words) | set(name_words(context))
    if every & _NOT_TOKEN_LIFETIMES:
        return None
    unit = next((_NAME_UNITS[w] for w in reversed(words) if w in _NAME_UNITS), 1.0)
    if "refresh" in every:
        kind = "refresh"
    elif every & _LIFETIME_OF_INVITE:
        kind = "invite"
    elif every & _LIFETIME_OF_RESET:
        kind = "reset"
    elif every & _LIFETIME_OF_ACCESS and (every & _LIFETIME_OF_TOKEN or "jwt" in every
                                          or "access" in every):
        kind = "access"
    elif every & _LIFETIME_OF_SESSION:
        kind = "session"
    elif every & _LIFETIME_OF_TOKEN:
        kind = "refresh"  # long-lived API tokens: the refresh-token limit
    else:
        return None
    return LifetimeName(kind, unit)


# Words that make a list of scopes a check or a catalogue, not a grant: FORBIDDEN_SCOPES,
# required_scopes, ALLOWED_SCOPES, scope_help ...
_NOT_GRANTED = frozenset({
    "forbidden", "forbid", "denied", "deny", "blocked", "block", "blocklist", "blacklist",
    "disallowed", "banned", "required", "require", "requires", "needed", "need", "expected",
    "allowed", "allow", "valid", "known", "available", "supported", "dangerous", "broad",
    "risky", "sensitive", "help", "description", "descriptions", "check", "missing",
    "granted", "current", "has", "actual", "min", "minimum", "doc", "docs",
})


def names_scope_grant(name: str | None) -> bool:
    """A name under which scopes are requested or granted (``SCOPES``, ``user_scope``,
    ``token.scopes``), not checked or listed (``REQUIRED_SCOPES``, ``scope_help``)."""
    words = name_words(name or "")
    return bool(words) and words[-1] in ("scope", "scopes") and not _NOT_GRANTED & set(words)


# Words of a callee that checks or declares a requirement instead of acting on it
# (``requires_scope``, ``has_permission``; FastAPI's ``Security``, ``Depends``, ``HTTPBearer``).
_CHECK_WORDS = frozenset({"require", "requires", "required", "check", "has", "verify",
                          "validate", "ensure", "assert", "security", "bearer", "permission",
                          "permissions", "depends"})


def function_checks(name: str) -> bool:
    """A callee that checks scopes or permissions rather than requesting them."""
    return bool(_CHECK_WORDS & set(name_words(name)))


def function_reads_unverified(name: str) -> bool:
    """``get_unverified_claims``, ``peekUnverified``: a function that announces a
    deliberate look at a token it has not verified."""
    return "unverified" in name_words(name)


# Query parameters named by providers for an API key. ``access_key`` (ipstack, Mediastack)
# is the key itself; ``key`` (Google APIs), ``appid`` (OpenWeatherMap) and
# ``signature_key`` carry a credential only when their value is one.
_KEY_PARAMS: dict[tuple[str, ...], str] = {
    ("access", "key"): "always", ("key",): "if_secret", ("appid",): "if_secret",
    ("signature", "key"): "if_secret"}


@lru_cache(maxsize=4096)
def url_param_credential(param: str) -> str | None:
    """Does a URL query parameter carry a credential? ``"always"`` for a credential's name
    (``access_token``, ``api_key``, ``password``, ``pat``) or a session id
    (``sessionid``), ``"if_secret"`` for names that carry one only when the value is one,
    None for any other parameter (``code``, ``state``, ``page_token``, ``csrf_token``)."""
    judgement = judge(param)
    if judgement.role is Role.CREDENTIAL or (
            judgement.kind == "session id" and "session" in judgement.words):
        return "always"
    return _KEY_PARAMS.get(judgement.words)


_HARMLESS_TOKEN_WORDS = _CURSOR_WORDS | _UNGUESSABLE_WORDS


def names_harmless_token(name: str | None) -> bool:
    """A token that grants nothing: a pagination cursor (``next_page_token``, ``cursor``)
    or an anti-forgery value (``csrf_token``, ``nonce``)."""
    return bool(set(name_words(name or "")) & _HARMLESS_TOKEN_WORDS)


def has_secret_word(name: str | None) -> bool:
    """A secret word anywhere in the name (``MAPS_KEY``, ``secrets.X``, ``token_url``):
    weaker than :func:`holds_secret`, for a value already sitting where a credential goes."""
    return bool(set(name_words(name or "")) & _TOKENISH)


def names_bare_token(name: str | None) -> bool:
    """The name is ``token`` and nothing else: in NLP and lexer code, a word."""
    return name_words(name or "") == ("token",)


def names_pin(name: str | None) -> bool:
    """``pin``, ``self._pin``, ``pin_code``: a PIN, or, in code that drives a board, one of
    its pins (:func:`speaks_of_board_pins`)."""
    judgement = judge(name)
    return judgement.role is Role.CREDENTIAL and judgement.kind == "PIN"


# What code that drives a board's pins says (GPIO, Arduino over Firmata or aREST, a
# Raspberry Pi): there a ``pin`` is a pin number, not a PIN.
_BOARD_PIN_TEXT = lazy_regex(r"gpio|\bpwm|pin_?mode|(?:digital|analog)(?:_?pin|_?read|_?write|"
                             r" i/o|_?input|_?output)|pull_?(?:up|down)\b")


def speaks_of_board_pins(lowered: str) -> bool:
    """Whether a file's lower-cased text speaks of a board's pins."""
    return _BOARD_PIN_TEXT.search(lowered) is not None


def has_token_word(name: str | None) -> bool:
    """``tokens``, ``token_data``, ``new_token``: the name is about tokens."""
    return bool({"token", "tokens"} & set(name_words(name or "")))


# Heads of names for hashes and digests: their values are hash-shaped, not secrets
# (``etag``, ``file_md5``, ``sha256``; ``md5`` and ``sha256`` read as ``md`` and ``sha``).
_HASH_WORDS = frozenset({"hash", "digest", "checksum", "sha", "md", "etag", "fingerprint",
                         "crc", "integrity", "commit", "rev", "revision", "sum"})


def names_hash(name: str | None) -> bool:
    """``etag``, ``file_md5``, ``token_hash``, ``commit``: a name for a hash or digest."""
    return bool(set(name_words(name or "")) & _HASH_WORDS)


# What a function named for an identifier or another non-secret value makes, whatever its
# local variables are called (``def generate_package_id(): token = md5(name) ...``):
# identifiers, hashes, and the everyday uses of randomness.
_NON_SECRET_PRODUCTS = _HASH_WORDS | frozenset({
    "id", "ids", "name", "names", "filename", "path", "slug", "label", "tag", "suffix",
    "prefix", "color", "colour", "sample", "shuffle", "jitter", "delay", "backoff", "seed"})


def function_makes_non_secret(name: str) -> bool:
    """``generate_package_id``, ``random_color``, ``file_checksum``, ``backoff_delay``."""
    words = name_words(name)
    return bool(words) and words[-1] in _NON_SECRET_PRODUCTS


# Callee words of a transformation that hides the secret (``mask(token)``, ``redact``,
# ``fingerprint``, ``sha256``): what it returns can be shown.
_REDACTING_WORDS = _HASH_WORDS | frozenset({"mask", "masked", "redact", "redacted",
                                            "obfuscate", "sanitize", "scrub", "censor",
                                            "preview"})


def function_redacts(name: str) -> bool:
    """``mask``, ``redact_token``, ``fingerprint``, ``sha256``: its result can be shown."""
    return bool(_REDACTING_WORDS & set(name_words(name)))


# The last word of a name that holds an identifier: an object's public id, not a secret.
# Callees that look a fixed message up in a translation catalogue (``_("Invalid value")``).
_TRANSLATORS = frozenset({"_", "gettext", "gettext_lazy", "ugettext", "ugettext_lazy",
                          "pgettext", "pgettext_lazy", "ngettext", "ngettext_lazy",
                          "lazy_gettext", "lazy_pgettext"})


def function_translates(name: str) -> bool:
    """``_``, ``gettext_lazy``, ``flask_babel.lazy_gettext``: its result is fixed text."""
    return name.rpartition(".")[2] in _TRANSLATORS


def function_builds_url(name: str) -> bool:
    """``url_for``, ``build_reset_link``, ``reverse``, ``urlencode`` (the last dotted part)."""
    words = name_words(name.rpartition(".")[2])
    return bool({"url", "link", "reverse", "urlencode"} & set(words))


def names_plain_http(name: str | None) -> bool:
    """``SCHEME_HTTP``, ``HTTP``: a constant naming the plain-HTTP scheme (not HTTPS)."""
    words = name_words(name or "")
    return bool(words) and words[-1] == "http" and set(words) <= {"scheme", "http", "url"}


def names_cookie_setter(name: str) -> bool:
    """``response.set_cookie``, ``delete_cookie``: its first argument names a cookie."""
    return name_words(name.rpartition(".")[2]) in (("set", "cookie"), ("delete", "cookie"))


# What a callee does to its arguments when it only puts them into a form: a path, a URL,
# a formatted or joined string (``async_generate_path``, ``format_mac``, ``os.path.join``).
_FORMATTING_WORDS = frozenset({"path", "format", "join", "replace", "lower", "upper", "strip",
                               "lstrip", "rstrip", "quote", "str"})


def function_formats(name: str) -> bool:
    """``webhook.async_generate_path``, ``format_mac``, ``str.replace``, ``url_for``: what it
    returns is its arguments in another form (public when they are)."""
    words = name_words(name.rpartition(".")[2])
    return function_builds_url(name) or bool(_FORMATTING_WORDS & set(words))


# Words of what a credential is an id of: a ``webhook_id`` or a ``session_id`` is the
# secret part of what it names.
_SECRET_ID_WORDS = frozenset({*_TOKENISH, "webhook", "hook", "session", "auth", "access",
                              "refresh", "client", "api"})


def names_public_identifier(name: str | None) -> bool:
    """``unique_id``, ``entry_id``, ``serial_prefix``: an object's id, public by purpose,
    not the id of something a caller must keep secret (``webhook_id``, ``session_id``)."""
    return names_identifier(name) and not _SECRET_ID_WORDS & set(name_words(name or ""))


# The head nouns of a name for where a service is reached.
_ADDRESS_HEADS = frozenset({"host", "hostname", "server", "url", "uri", "endpoint", "addr",
                            "address", "href"})


def names_address(name: str | None) -> bool:
    """``DB_HOST``, ``LDAP_SERVER_URL``, ``baseUrl``, ``url``: a name whose value says
    where a service is reached (a host or a URL)."""
    words = name_words(name or "")
    return bool(words) and words[-1] in _ADDRESS_HEADS


def names_example(key: str | None) -> bool:
    """``example``, ``examples``, ``x-example``, ``response_example``: a key or keyword
    whose value shows an example (OpenAPI's and JSON Schema's ``example``/``examples``,
    pydantic's ``Field(examples=[...])``), written to be read in generated API docs. A
    dotted key is a host or a path (``registry.corp.example``), never that keyword."""
    if not key or not _IDENTIFIER_KEY.fullmatch(key):
        return False
    words = name_words(key)
    return bool(words) and words[-1].removesuffix("s") == "example"


_IDENTIFIER_KEY = lazy_regex(r"[A-Za-z_][\w\-]*")


# Words that say a signed value authenticates someone or something (a salt, a serializer,
# the function that signs): ``"password-reset"``, ``confirm_email``, ``login_serializer``.
_AUTH_PURPOSES = frozenset({
    "reset", "password", "confirm", "confirmation", "activation", "activate", "verify",
    "verification", "login", "auth", "session", "token", "invite", "invitation", "magic",
    "remember", "access", "signin", "signup", "api", "otp", "account", "recover", "recovery",
})


def names_auth_purpose(text: str | None) -> bool:
    """A salt, serializer or function named for authenticating: what it signs is a token."""
    return bool(set(name_words(text or "")) & _AUTH_PURPOSES)


# Links that only opt out (unsubscribe): meant to keep working, not credentials to expire.
_OPT_OUT_WORDS = frozenset({"unsubscribe", "unsub", "optout", "opt_out"})


def names_opt_out(text: str | None) -> bool:
    """A salt or function named for opting out (``newsletter-unsubscribe``): what it signs
    only stops mail, and is meant not to expire."""
    words = name_words(text or "")
    return bool(set(words) & _OPT_OUT_WORDS) or "opt_out" in "_".join(words)


# Hash inputs that make the hash keyed or already random (not predictable), and inputs an
# attacker can know or guess. (Not ``name`` or a bare ``id``: hashes of names and ids make
# identifiers far more often than tokens.)
_KEYING_WORDS = frozenset({"secret", "key", "pepper", "token", "password", "nonce", "random",
                           "urandom", "salt", "private", "hmac", "signing", "passphrase",
                           "seed", "entropy"})
_GUESSABLE_WORDS = frozenset({"email", "user", "username", "uid", "pk", "time", "timestamp",
                              "now", "phone", "login", "mail", "account", "counter"})


def names_keying_input(name: str) -> bool:
    """``SECRET_KEY``, ``salt``, ``os.urandom``: a hash of it is keyed or random."""
    return bool(set(name_words(name)) & _KEYING_WORDS)


def names_guessable_input(name: str) -> bool:
    """``user.email``, ``username``, ``time.time``: an attacker knows or guesses it."""
    return bool(set(name_words(name)) & _GUESSABLE_WORDS)


# Collections whose items exist already (NLP tokens, words, samples): picking one does not
# make a secret, ``random.choice(vocab)``. A collection of characters is what a token is
# drawn from (``TOKEN_ALPHABET``).
_EXISTING_ITEMS = frozenset({"token", "tokens", "vocab", "vocabulary", "word", "words",
                             "corpus", "sentence", "sentences", "text", "texts", "dataset",
                             "samples", "examples", "batch", "batches", "ngrams", "subwords"})
_CHARACTER_SETS = frozenset({"alphabet", "chars", "characters", "charset", "letters",
                             "digits", "symbols", "pool", "alnum"})


def names_existing_items(name: str | None) -> bool:
    """``vocab``, ``tokens``, ``sentences``: not ``TOKEN_CHARS`` or ``alphabet``."""
    words = name_words(name or "")
    return bool(words) and words[-1] not in _CHARACTER_SETS and bool(set(words) & _EXISTING_ITEMS)


# Containers of a login pair: ``auth = ("user", "pw")``, ``credentials``, ``basic``.
_LOGIN_PAIR_WORDS = frozenset(
    {w for w, kind in _CREDENTIAL_HEADS.items() if kind == "credential"}
    | {p for p, singular in _PLURALS.items() if _CREDENTIAL_HEADS.get(singular) == "credential"}
    | {"basic"})
_PAIR_TAILS = frozenset({*_NEUTRAL_TAILS, "tuple", "pair", "info", "data", "args"})


def names_login_pair(name: str | None) -> bool:
    """A name whose two-element tuple is (user, password): ``auth``, ``creds``,
    ``basic_auth``, ``credentials``, ``AUTH_PAIR``. The credential word is the name's head
    (neutral tails aside): ``v1.issuing_authorization.created`` names an event, and its
    tuple is a module path and a class name."""
    words = list(name_words(name or ""))
    while len(words) > 1 and words[-1] in _PAIR_TAILS:
        words.pop()
    return bool(words) and words[-1] in _LOGIN_PAIR_WORDS


# Slots that hold "the value" of something named elsewhere: ``{"name": "API_KEY",
# "value": "..."}``, ``V1EnvVar(name=..., value=...)``, a form field's
# ``attrs={"value": ...}`` or ``initial=``. The name is the sibling's, or the binding's.
_VALUE_SLOTS = frozenset({"value", "initial"})
_NAMING_SLOTS = ("name", "key")


def names_value_slot(name: str | None) -> bool:
    """``value``, ``initial``: a key or keyword that names no content of its own."""
    return (name or "").lower() in _VALUE_SLOTS


def naming_slots() -> tuple[str, ...]:
    """The sibling keys (``name``, ``key``) that say what a value slot holds."""
    return _NAMING_SLOTS


# Lookups of an environment variable: a literal default is a hard-coded fallback.
_ENV_LOOKUPS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault",
                          "environ.get", "os.getenvb"})


def reads_environment(qualified: str | None, variable: str) -> bool:
    """A call of ``qualified`` asked for ``variable`` reads the environment: ``os.getenv``
    and friends, and a project's own wrapper named for the environment and asked for an
    environment variable (healthchecks' ``envsecret("SECRET_KEY", "---")``,
    ``get_env("API_TOKEN", ...)``)."""
    if qualified in _ENV_LOOKUPS:
        return True
    callee = (qualified or "").rsplit(".", 1)[-1].lower()
    return (callee.startswith("env") or callee.endswith("env")) and variable.isupper()


# A value named only as a value or a header says nothing of what it is; so do credential
# containers. Prose just before it may say it: ``f"bad Authorization header: {header}"``.
_GENERIC_HOLDERS = frozenset({"value", "val", "raw", "header", "hdr", "key",
                              *(_LOGIN_PAIR_WORDS - {"basic"})})
# Credential heads that name a credential in prose as well: the short ones are ordinary
# words there (``token`` in parsers' "unexpected token", ``pass``, ``pin``, ``auth``).
_PROSE_CREDENTIALS = frozenset(w for w in _CREDENTIAL_HEADS if len(w) >= 6)


def names_generic_holder(name: str) -> bool:
    """``header``, ``value``, ``creds``: a name that says what holds a value, not what it
    is (only the text around it can say that: :func:`described_as_credential`)."""
    words = name_words(name)
    return bool(words) and words[-1] in _GENERIC_HOLDERS


def described_as_credential(name: str, text_before: str) -> bool:
    """A generically named value (``header``, ``value``, ``creds``) that the text before it
    names a credential: ``"malformed Authorization header: "``, ``"api key="``."""
    if not names_generic_holder(name):
        return False
    prose = [_PLURALS.get(w, w) for w in name_words(text_before[-40:])]
    return any(w in _PROSE_CREDENTIALS for w in prose) or any(
        pair in _CREDENTIAL_PAIRS for pair in itertools.pairwise(prose))


def value_spells_name(value: str, name: str) -> bool:
    """The value spells its own name or a part of it (``password = "password"``,
    ``API_TOKEN = "api-token"``, ``secret = "my-secret-value"``): it describes the secret."""
    flat = re.sub(r"[^a-z0-9]", "", value.lower())
    name_flat = re.sub(r"[^a-z0-9]", "", name.lower())
    words = name_words(name)
    if len(name_flat) >= 5 and name_flat in flat:
        return True
    return (bool(words) and flat == words[-1]) or (len(flat) >= 4 and flat in name_flat)


def value_names_itself(value: str, name: str) -> bool:
    """The value is the name it is bound to, not a key (:func:`value_spells_name`'s narrow
    sibling, for a key's value, where a secret word alone is a guessable key): a constant
    or an enum member that spells its name (``HARDCODED_SECRET = "hardcoded-secret"``), or
    the last words of it after the prefix that groups such constants
    (``STORAGE_OTA_SECRET = "ota_secret"``, ``DATA_SIGN_SECRET = "http.auth.sign_secret"``),
    or a form's label for the field (``"totp_secret": "TOTP Secret"``). Typed in lower
    case, the name's words as a phrase are a key (``SECRET_KEY = "secret key"``), and so is
    a secret word alone (``JWT_SECRET = "secret"``)."""
    spaced = any(c.isspace() for c in value)
    if not spaced and re.sub(r"[^a-z0-9]", "", value.lower()) == re.sub(
            r"[^a-z0-9]", "", name.lower()):
        return True
    label = value[:1].isupper() and (spaced or value[1:].islower())
    if spaced and not label:
        return False
    last = value if spaced or label else value.rsplit(".", 1)[-1]
    said = name_words(last) if not spaced else tuple(w.lower() for w in last.split())
    named = name_words(name)
    if not said or len(said) > len(named) or named[-len(said):] != said:
        return False
    return label or len(said) > 1 or not (holds_secret(said[0])
                                          or only_looks_tokenish(said[0]))


# --- prefilter words, generated from the tables ------------------------------------------

# Qualifiers too common in ordinary code to narrow anything down: their codes are still
# found through the head words (``_code``, ``code_``).
_COMMON_QUALIFIERS = frozenset({"email", "access", "device", "login", "security", "backup",
                                "claim", "approval", "registration", "signin", "signup",
                                "authorization", "enrollment", "enrolment", "pairing", "card",
                                "share"})


def _prefilter_words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The words one of which a file must contain for a name above to be in it: (long
    words, found as substrings, so camelCase names count; short words, which must stand
    between non-letters, because a bare ``pin`` is in ``mapping`` and ``pat`` in ``path``).
    The ``password`` family shares ``passw``."""
    heads = {*_CREDENTIAL_HEADS, *_UNGUESSABLE_WORDS, *_ONE_TIME_HEADS, *_SESSION_WORDS,
             "remember", "code", "link", "key", "ticket", "cookie", "sid", "verifier",
             *_COMPOUNDS,
             *(w for w in _ONE_TIME_QUALIFIERS if w not in _COMMON_QUALIFIERS)}
    long_words = {("passw" if w.startswith("passw") else w) for w in heads if len(w) >= 5}
    short_words = {w for w in heads if len(w) < 5}
    return tuple(sorted(long_words)), tuple(sorted(short_words))


PREFILTER_WORDS, PREFILTER_SHORT_WORDS = _prefilter_words()


def _secret_stems() -> tuple[tuple[str, bool], ...]:
    """The shortest spellings of the credential heads (``pass`` covers ``password``,
    ``passwd``, ``passphrase``; ``cred`` covers ``credentials``), each with whether it
    names a password."""
    heads = sorted(_CREDENTIAL_HEADS, key=len)
    stems: list[str] = []
    for head in heads:
        if not any(stem in head for stem in stems):
            stems.append(head)
    return tuple((stem, stem in _PASSWORD_WORDS) for stem in stems)


SECRET_STEMS: tuple[tuple[str, bool], ...] = _secret_stems()
# Substrings one of which a file holds if a secret-holding name is in it (rules' keywords).
SECRET_KEYWORDS: tuple[str, ...] = (*(stem for stem, _ in SECRET_STEMS), "key")
# Words that make ``key`` a secret after them (``api_key``, ``signing-key``, ``SECRET_KEY``).
KEY_QUALIFIERS: frozenset[str] = frozenset(
    {a for (a, b) in _CREDENTIAL_PAIRS if b == "key"} | {"secret", "private"})
_WORD_BEFORE = lazy_regex(r"([a-z0-9]+)[_\-.]?$")


def secret_name_ends(lowered: str) -> Iterator[tuple[int, bool]]:
    """Where a name that may hold a secret ends in lower-cased text, and whether it names a
    password: the secret rules' prefilter, generated from the tables above. Every stem's
    occurrences in one pass (``literals.occurrences``: no stem overlaps itself, a test
    checks; over Django's 5,539 texts 0.45 -> 0.23 s against a ``str.find`` loop per
    stem), in no particular order; a short stem (``pw``, ``pat``) counts only between
    non-letters."""
    key = len(SECRET_STEMS)  # SECRET_KEYWORDS: the stems, then "key"
    for position, number in literal_occurrences(lowered, SECRET_KEYWORDS):
        if number == key:
            if _qualified_key_at(lowered, position):
                yield _word_end(lowered, position + 3), False
            continue
        stem, password = SECRET_STEMS[number]
        end = position + len(stem)
        if len(stem) < 4 and not _short_head_at(lowered, position, end):
            continue
        yield _word_end(lowered, end), password


def names_written_at(text: str, lowered: str, word: str) -> Iterator[str]:
    """Every name ``word`` (lower case; ``lowered`` is ``text`` lower-cased, the same
    length) may be part of in ``text``, as written, for a view to judge: the word around
    it (``signingKeyValue``), then with up to three more words before it joined by the
    separators of dotted names and settings (``app.signing_key``, ``"signing-key"``,
    ``"hmac signing key"``)."""
    for position in occurrences(lowered, word):
        end = position + len(word)
        while end < len(text) and (text[end].isalnum() or text[end] == "_"):
            end += 1
        start = position
        for _ in range(4):
            while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
                start -= 1
            yield text[start:end]
            if start < 2 or text[start - 1] not in "-. " or not (
                    text[start - 2].isalnum() or text[start - 2] == "_"):
                break
            start -= 1


def _qualified_key_at(text: str, position: int) -> bool:
    """The ``key`` at ``position`` follows a word that makes it a secret (``api_key``)."""
    before = _WORD_BEFORE.search(text, max(0, position - 24), position)
    return before is not None and before.group(1) in KEY_QUALIFIERS


def _short_head_at(text: str, start: int, end: int) -> bool:
    """A short stem is a word of its own there (``pw``/``pwd`` in ``db_pwd``, not ``pat`` in
    ``path``): no letter before, and the letters from it spell a credential head."""
    if start > 0 and text[start - 1].isalpha():
        return False
    while end < len(text) and text[end].isalpha():
        end += 1
    return text[start:end] in _CREDENTIAL_HEADS


def _word_end(text: str, index: int) -> int:
    while index < len(text) and (text[index].isalnum() or text[index] in "_-"):
        index += 1
    return index


def occurrences(text: str, needle: str) -> Iterator[int]:
    """Every position of ``needle`` in ``text`` (``str.find`` in a loop: fast)."""
    position = text.find(needle)
    while position >= 0:
        yield position
        position = text.find(needle, position + len(needle))


def mentions_tokens(lowered: str) -> bool:
    """Could this lower-cased text name a token at all? The lifecycle rules' prefilter:
    the long words in one multi-literal pass, then the short words where they stand alone
    (``str.find`` loops: one regex alternation of them took most of this prefilter's
    time)."""
    if spells_any(lowered, PREFILTER_WORDS):
        return True
    return any(_stands_alone(lowered, position, word) for word in PREFILTER_SHORT_WORDS
               for position in occurrences(lowered, word))


def _credential_words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The words one of which a name that holds a credential contains, split like
    :data:`PREFILTER_WORDS`: the credential heads, run-together compounds that spell one
    (``apikey``, ``privkey``), credential pairs (``connection_string``, ``otpauth-url``),
    credential header names and ``webhook``; a long word inside another long one stands for
    both. ``key`` pairs are found by :func:`_qualified_key_at` instead."""
    compounds = {c for c, ws in _COMPOUNDS.items() if holds_secret("_".join(ws))}
    pairs = {f"{a}{between}{b}" for (a, b) in _CREDENTIAL_PAIRS if b != "key"
             for between in ("_", "-", "")}
    words = {*_CREDENTIAL_HEADS, *compounds, *pairs, *CREDENTIAL_HEADERS, "webhook"}
    long_words = {("passw" if w.startswith("passw") else w) for w in words if len(w) >= 5}
    shortest = {w for w in long_words if not any(o != w and o in w for o in long_words)}
    return tuple(sorted(shortest)), tuple(sorted(w for w in words if len(w) < 5))


CREDENTIAL_WORDS, CREDENTIAL_SHORT_WORDS = _credential_words()


def mentions_credentials(lowered: str) -> bool:
    """Could this lower-cased text name a credential? The prefilter of rules about
    credentials written out or sent: long words as substrings, short ones only between
    non-letters (not ``auth`` in ``author``), ``key`` only after a word that makes it one.
    The long words in one multi-literal pass, ``str.find`` loops for the rest: a regex
    alternation is tried at every position."""
    if spells_any(lowered, CREDENTIAL_WORDS):
        return True
    if any(_stands_alone(lowered, position, word) for word in CREDENTIAL_SHORT_WORDS
           for position in occurrences(lowered, word)):
        return True
    return any(_qualified_key_at(lowered, position) for position in occurrences(lowered, "key"))


_URL_USERINFO = lazy_regex(r"://[^\s/@:'\"]+:[^\s/@'\"]+@")


def may_carry_credentials(lowered: str) -> bool:
    """File prefilter (lower-cased text) for rules about credentials in transit: they fire
    only where a credential's name (a header, a keyword, a variable, a webhook) or a URL's
    user:password is."""
    return mentions_credentials(lowered) or (
        "://" in lowered and _URL_USERINFO.search(lowered) is not None)


# ``expires_at=None`` / ``ttl: int | None = None``: what an issuer's signature has.
# (Not ``==``, ``!=``, ``<=``, ``>=``: told by the character before, outside the pattern,
# so the search can skip to each ``=``: twenty times faster than a look-behind first.)
_NONE_DEFAULT = lazy_regex(r"=[ \t]*None\b")


def may_define_issuers(text: str) -> bool:
    """A cheap test before any parse: a parameter that states a lifetime defaults to
    ``None`` somewhere in the text (the name before ``=``, its annotation cut off)."""
    for match in _NONE_DEFAULT.finditer(text):
        if match.start() and text[match.start() - 1] in "=!<>":
            continue
        start = max(text.rfind("\n", 0, match.start()) + 1, match.start() - 200)
        before = text[start:match.start()]
        cut = max(before.rfind(","), before.rfind("("))
        name = before[cut + 1:].partition(":")[0].strip()
        if name.isidentifier() and states_lifetime(name):
            return True
    return False


_ASCII_LETTERS = frozenset(string.ascii_lowercase)


def _stands_alone(text: str, start: int, word: str) -> bool:
    """The short word at ``start`` is a word of its own: no ASCII letter on either side (a
    bare ``pin`` is in ``mapping``, ``pat`` in ``path``); a Python keyword (``pass``), which
    stands alone in every file, only with an underscore beside it (``_pass``, ``pass_``)."""
    end = start + len(word)
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if keyword.iskeyword(word):
        return before == "_" or after == "_"
    return before not in _ASCII_LETTERS and after not in _ASCII_LETTERS
