"""The provider catalogue, row by row, with samples generated from each row's own shape.

No token is stored here: every positive sample is built at run time from the row's shape
(prefix, charset, length; a valid checksum or structure where the row has a validator),
and every negative from the same shape with one thing wrong: the checksum, the length,
the charset, placeholder text, or (for a generic-looking format) the keyword. Each is
scanned by TW103 in a Python file, a YAML file, a ``.env`` file and a plain-text file.
"""

from __future__ import annotations

import base64
import json
import random
import zlib

import pytest

from tests.helpers import scan_snippet
from tokenward.analysis import provider_matcher
from tokenward.analysis.literals import PythonAhoCorasick
from tokenward.analysis.providers import (
    CHARSETS,
    Part,
    Provider,
    base62_checksum,
    catalogue,
    fails_validation,
    may_hold_proof,
    proof_anchors,
    provider_of,
)
from tokenward.analysis.secrets_adapter import PLUGINS
from tokenward.rules.provider_token import RULE
from tokenward.store.token_format import format_token

ROWS = catalogue()
DETECT_SECRETS_ROWS = {spec.row for spec in PLUGINS}

# The context a ``before`` row's token needs in front of it (and after it), as the
# provider's documentation writes it.
CONTEXT = {
    "azure-storage": ("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=", ""),
    "azure-shared-access-key": ("Endpoint=sb://ns.servicebus.windows.net/;"
                                "SharedAccessKeyName=send;SharedAccessKey=", ""),
    "azure-sas": ("https://acct.blob.core.windows.net/c?sv=2022-11-02&sp=r&sig=", ""),
    "npm-legacy": ("//registry.npmjs.org/:_authToken=", ""),
    "curl-basic": ("curl -u deploy:", " https://api.internal"),
    "curl-basic-user-key": ("curl -u ", ": https://api.internal"),
    "curl-authorization": ("curl -H 'Authorization: Bearer ", "' https://api.internal"),
    "curl-credential-header": ("curl -H 'X-Api-Key: ", "' https://api.internal"),
    "sidekiq-url": ("source 'https://", "@enterprise.contribsys.com/'"),
    "akamai-client-secret": ("client_secret = ", ""),
}
OUTSIDE = ("g", "G", "_", "!", "~", "#", " ")


def _rng(row: Provider, salt: str = "") -> random.Random:
    return random.Random(zlib.crc32(f"{row.key}{salt}".encode()))


def _fill(parts: tuple[Part, ...], rng: random.Random, lengths: dict[int, int] | None = None,
          char: str | None = None) -> str:
    out = []
    for number, part in enumerate(parts):
        if part.choices:
            out.append(rng.choice([c for c in part.choices if c] or [""]))
        elif part.chars:
            length = (lengths or {}).get(number, rng.randint(part.low, part.high))
            if char is not None:
                out.append((char if char in part.chars else part.chars[0]) * length)
            else:
                out.append("".join(rng.choice(part.chars) for _ in range(length)))
        else:
            out.append(part.literal)
    return "".join(out)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _jwt(rng: random.Random, alg: str = "HS256") -> str:
    header = _b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    claims = _b64url(json.dumps({"sub": str(rng.randrange(10**9)), "iat": 1700000000}).encode())
    return f"{header}.{claims}.{''.join(rng.choice(CHARSETS['b64url']) for _ in range(43))}"


def _json_body(row: Provider, rng: random.Random, valid: bool = True) -> str:
    """prefix + base64 JSON (+ the shape's parts after it): 1Password, Grafana, Sentry."""
    text = _fill(row.shape, rng)
    prefix = text[: text.index("eyJ")]
    standard = "b64" if any(p.chars == CHARSETS["b64"] for p in row.shape) else "b64url"
    segment = next(p for p in row.shape if p.chars and p.low >= 30)
    document = json.dumps({"k": "".join(rng.choice("abcdef0123456789") for _ in range(40)),
                           "n": "x" * max(0, (segment.low * 3) // 4 - 50)})
    body = base64.b64encode(document.encode()).decode().rstrip("=")
    if standard == "b64url":
        body = _b64url(document.encode())
    if not valid:
        body = "eyJ" + "".join(rng.choice(CHARSETS["b62"]) for _ in range(len(body) - 3))
    tail = text[len(prefix):]
    rest = tail.split("_", 1)[1] if "_" in tail[3:] and row.key == "sentry-org" else ""
    return prefix + body + (f"_{rest}" if rest else "")


def positive(row: Provider) -> str:
    rng = _rng(row)
    if row.validator == "github-crc32":
        body = "".join(rng.choice(CHARSETS["b62"]) for _ in range(30))
        return f"{row.shape[0].literal}{body}{base62_checksum(body)}"
    if row.validator == "tokenward-crc32":
        return format_token(rng.choice(("at", "rt")),
                            "".join(rng.choice(CHARSETS["lb32"]) for _ in range(16)),
                            "".join(rng.choice(CHARSETS["b62"]) for _ in range(43)))
    if row.validator == "jwt":
        return _jwt(rng)
    if row.validator == "pypi-macaroon":
        location = b"test.pypi.org" if "test" in row.key else b"pypi.org"
        raw = (b"\x02\x01" + bytes([len(location)]) + location + b"\x02\x20"
               + rng.randbytes(32) + b"\x00\x06\x20" + rng.randbytes(32))
        return "pypi-" + _b64url(raw)
    if row.validator == "json-body":
        return _json_body(row, rng)
    if row.key == "private-key":
        return "-----BEGIN RSA PRIVATE KEY-----"
    return _fill(row.shape, rng)


def _longest(row: Provider) -> int:
    return max((n for n, p in enumerate(row.shape) if p.chars),
               key=lambda n: (row.shape[n].low, n))


def negatives(row: Provider) -> dict[str, str]:
    rng = _rng(row, "negative")
    found: dict[str, str] = {}
    good = positive(row)
    if row.validator in ("github-crc32", "tokenward-crc32"):
        found["wrong checksum"] = good[:-1] + ("A" if good[-1] != "A" else "B")
    if row.validator == "jwt":
        found["unsigned"] = _jwt(rng, alg="none")
    if row.validator == "json-body":
        found["body is not JSON"] = _json_body(row, rng, valid=False)
    if row.key == "private-key":
        return found
    longest = _longest(row)
    part = row.shape[longest]
    if part.low >= 2 and row.validator is None:
        found["too short"] = _fill(row.shape, rng, {longest: part.low - 1})
    if part.low >= 4 and row.validator is None:
        # A run at its minimum length with one foreign character in the middle: neither
        # half is long enough on its own.
        head = _fill(row.shape[:longest], rng)
        run = "".join(rng.choice(part.chars) for _ in range(part.low))
        bad = next(c for c in OUTSIDE if c not in part.chars)
        middle = part.low // 2
        found["wrong charset"] = (head + run[:middle] + bad + run[middle + 1:]
                                  + _fill(row.shape[longest + 1:], rng))
    if row.check_value or row.validator:
        found["placeholder"] = _fill(row.shape, rng, char="x")
    return found


def contexts(row: Provider, token: str, keyword: bool = True) -> list[tuple[str, str, int]]:
    """(path, text, line of the token) in Python, YAML, .env and plain text."""
    before, after = CONTEXT.get(row.key, ("", ""))
    value = before + token + after
    body = token
    if row.key == "private-key":
        body = token + "\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
        return [("id_rsa", body, 1), ("key.txt", "key:\n" + body, 2)]
    note = row.keywords[0] if row.keywords and keyword else ""
    quoted = json.dumps(value)
    if row.near == 0:  # the keyword must be on the token's own line
        tail = f"  # {note}" if note else ""
        return [
            ("sample.py", f"item = {quoted}{tail}\n", 1),
            ("config.yaml", f"item: {quoted}{tail}\n", 1),
            (".env", f"ITEM={value}{tail}\n", 1),
            ("NOTES.txt", f"{note} {value}\n", 1),
        ]
    comment = f"# {note}\n" if note else ""
    line = 2 if note else 1
    return [
        ("sample.py", f"{comment}item = {quoted}\n", line),
        ("config.yaml", f"{comment}item: {quoted}\n", line),
        (".env", f"{comment}ITEM={value}\n", line),
        ("NOTES.txt", f"{note}\nitem {value}\n" if note else f"item {value}\n", line),
    ]


def _tw103(path: str, text: str) -> list[tuple[int, str]]:
    return [(f.span.line, f.message) for f in scan_snippet(text, path, [RULE])
            if f.rule_id == RULE.id]


def test_the_catalogue_has_at_least_250_documented_formats() -> None:
    assert len(ROWS) >= 250
    assert len({row.key for row in ROWS}) == len(ROWS)
    assert len({row.label for row in ROWS}) == len(ROWS)  # messages tell formats apart
    for row in ROWS:
        assert row.docs.startswith("https://"), row.key
        assert row.source and row.kind and row.provider, row.key
        assert row.revoke and row.rotation, row.key
        assert row.severity in ("critical", "high", "medium", "low"), row.key
    families = {"Hugging Face", "Azure", "Anthropic", "Snyk", "SonarQube", "Sidekiq", "Fly.io",
                "Sourcegraph", "1Password", "Cloudflare", "Notion", "OpenShift",
                "PlanetScale", "Shopify", "Square", "Stripe", "Okta", "Doppler", "Pulumi",
                "Postman", "Grafana", "Databricks", "Atlassian", "Linear", "Meta",
                "Telegram", "Discord", "Twitch", "HashiCorp Vault", "Slack", "curl"}
    assert families <= {row.provider for row in ROWS}


def test_every_context_row_has_its_context() -> None:
    assert {row.key for row in ROWS if "(?:" in row.pattern.pattern[:3]} <= set(CONTEXT)


@pytest.mark.parametrize("row", ROWS, ids=[row.key for row in ROWS])
def test_a_row_finds_its_positives_in_every_file_kind(row: Provider) -> None:
    token = positive(row)
    for path, text, line in contexts(row, token):
        assert [m.provider.key for m in provider_matcher.find_tokens(text)] == [row.key]
        assert _tw103(path, text) == [(line, f"{row.label} in clear text")], (path, text)


@pytest.mark.parametrize("row", ROWS, ids=[row.key for row in ROWS])
def test_a_row_finds_none_of_its_negatives(row: Provider) -> None:
    # Another row may still take a negative (a short Paystack key is a Stripe-shaped
    # one): what must not fire is this row.
    mine = f"{row.label} in clear text"
    for why, token in negatives(row).items():
        for path, text, _ in contexts(row, token):
            assert mine not in [m for _, m in _tw103(path, text)], (why, path, text)
    # detect-secrets' plugins still find Discord and Telegram bot tokens without a keyword.
    if row.keywords and row.anchors_are_keywords and row.key not in DETECT_SECRETS_ROWS:
        for path, text, _ in contexts(row, positive(row), keyword=False):
            assert mine not in [m for _, m in _tw103(path, text)], ("no keyword", path, text)


def test_validated_formats_name_the_secret_and_fail_when_made_up() -> None:
    for row in ROWS:
        if row.validator in ("github-crc32", "tokenward-crc32"):
            token = positive(row)
            found = provider_of(token)
            assert found is not None and found.key == row.key
            assert fails_validation(negatives(row)["wrong checksum"])


def test_every_value_that_proves_itself_spells_a_proof_anchor() -> None:
    """The engine runs the secret rules in a test or docs file only where the text spells
    a proof anchor (``providers.may_hold_proof``): sound only if every format that proves
    itself starts with one. The anchors of the GitHub classic, Stripe live and private-key
    rows are named; a text without any anchor (an AWS key) holds no proof."""
    proving = [row for row in ROWS if row.proves_itself]
    assert {"ghp_", "sk_live_", "private key-----"} <= set(proof_anchors())
    for row in proving:
        token = positive(row)
        assert may_hold_proof(token, token.lower()), row.key
    aws = 'key_id = "AKIAZ7QK2M4NB3XJ5VRT"'
    assert not may_hold_proof(aws, aws.lower())
    # Django's selenium tests spell GoCardless's anchor, not its token.
    live = "self.selenium.get(self.live_server_url + reverse('admin:index'))"
    assert not may_hold_proof(live, live.lower())


def test_the_pure_python_prefilter_finds_what_aho_corasick_finds() -> None:
    automaton = provider_matcher.compile_catalogue(ROWS, "aho-corasick")
    fallback = provider_matcher.compile_catalogue(ROWS, "python")
    assert isinstance(fallback.prefilter, PythonAhoCorasick)
    text = "\n".join(contexts(row, positive(row))[-1][1] for row in ROWS)
    lowered = text.lower()
    assert sorted(fallback.prefilter.hits(lowered)) == sorted(
        automaton.prefilter.hits(lowered))
    assert fallback.prefilter.spelled(lowered) == automaton.prefilter.spelled(lowered) == {
        number for _, number in automaton.prefilter.hits(lowered)}
    assert ([(m.provider.key, m.start) for m in provider_matcher.scan(text, table=fallback)]
            == [(m.provider.key, m.start) for m in provider_matcher.scan(text, table=automaton)])


def test_a_bad_row_is_refused_with_its_key() -> None:
    from tokenward.analysis.providers import _row

    with pytest.raises(ValueError, match="catalogue row broken"):
        _row({"key": "broken", "provider": "x", "kind": "y", "shape": "{nope:3}",
              "docs": "https://a", "revoke": "https://b", "source": "c"}, {})
    with pytest.raises(ValueError, match="unknown validator"):
        _row({"key": "v", "provider": "x", "kind": "y", "shape": "abc_{hex:3}",
              "docs": "https://a", "revoke": "https://b", "source": "c",
              "validator": "nope"}, {})


def test_a_keyword_counts_where_a_word_starts_not_inside_another_word() -> None:
    rng = random.Random(7)
    body = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
                   for _ in range(40))
    value = "00" + body  # Okta's documented shape, found only next to 'okta' or SSWS
    found = {line: [m.provider.key for m in provider_matcher.find_tokens(line)] for line in (
        f'okta_token = "{value}"', f'myOktaKey = "{value}"', f'hdr = "X-Okta {value}"',
        f'rookTable = "{value}"', f'BROOKTAIL = "{value}"')}
    assert found == {
        f'okta_token = "{value}"': ["okta"], f'myOktaKey = "{value}"': ["okta"],
        f'hdr = "X-Okta {value}"': ["okta"],
        # 'okta' inside 'rookTable' and 'BROOKTAIL' is no word of its own.
        f'rookTable = "{value}"': [], f'BROOKTAIL = "{value}"': []}
