"""Known provider token formats: how to find them, check them offline, and rotate them.

Two kinds of entries:

- formats tokenward finds itself (``pattern`` set): the ones detect-secrets lacks
  (fine-grained GitHub tokens, new OpenAI and Anthropic keys, Google API keys, npm
  ``npm_`` tokens) or gets wrong (GitHub classic tokens without their checksum, Stripe
  keys cut off after 24 characters, private-key headers without a key body, GitLab tokens
  reported as their prefix only, JWTs matched without their signature);
- formats found by detect-secrets' plugins (``ds_type`` set, see
  ``analysis/secrets_adapter.py``), listed here for their description and rotation hint.

``anchors`` are literal substrings at least one of which every match contains: a file
without any of them is never searched with the regex. ``rotation`` tells the fix engine
and the reports where a leaked token of this kind is revoked.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from tokenward.store.token_format import TOKEN_RE, parse_token

Validator = Callable[[str], bool]

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


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

    Confirmed against github.blog "Behind GitHub's new authentication token formats"
    (2021-04-05) as implemented by public scanners (CredSweeper's ValueGitHubCheck, a Rust
    GithubTokenChecksum validator with real test vectors) and npm's token announcement.
    """
    _, sep, rest = token.rpartition("_")
    if not sep or len(rest) != 36 or not rest.isascii() or not rest.isalnum():
        return False
    return base62_checksum(rest[:30]) == rest[30:]


_BEGIN_PRIVATE = re.compile(r"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----")
_KEY_BODY = re.compile(r"[A-Za-z0-9+/=]{40,}")


def private_key_body(text: str, end: int) -> str | None:
    """The start of the key body after a private-key header ending at ``end``, or None when
    there is none (a parser's constant). Used as the finding's secret: it tells keys apart."""
    window = text[end : end + 400]
    # Bodies come as real lines, as "\n"-escaped literals, or as concatenated strings.
    window = re.sub(r"\\n|\\r|[\"'\s+,]|Proc-Type:[^\n]*|DEK-Info:[^\n]*", "", window)
    match = _KEY_BODY.match(window)
    return match.group(0)[:64] if match else None


def private_key_has_body(text: str, end: int) -> bool:
    return private_key_body(text, end) is not None


def jwt_is_signed(token: str) -> bool:
    """Three parts, a JSON header whose ``alg`` is not ``none``, a non-trivial signature."""
    parts = token.split(".")
    if len(parts) != 3 or len(parts[2]) < 16:
        return False
    try:
        padded = parts[0] + "=" * (-len(parts[0]) % 4)
        header = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return False
    return isinstance(header, dict) and str(header.get("alg", "none")).lower() != "none"


@dataclass(frozen=True)
class Provider:
    key: str
    label: str
    rotation: str
    pattern: re.Pattern[str] | None = None
    anchors: tuple[str, ...] = ()
    validator: Validator | None = None
    ds_type: str | None = None
    # Whether the shared value checks (placeholders, entropy ...) apply to the match.
    check_value: bool = True
    # Whether the match counts only in a credential context (a JWT next to "token").
    needs_context: bool = False
    # For a generic-looking format: lower-case words one of which must be on the match's
    # line (a PagerDuty key is 32 hex digits, like any MD5, unless "routing_key" is there).
    line_keywords: tuple[str, ...] = ()
    # The name a match is judged under by the shared value checks (a hex key is a digest
    # unless it is bound to a secret-like name).
    value_name: str | None = None


def _github(prefix: str, label: str) -> Provider:
    return Provider(
        key=f"github-{prefix}",
        label=label,
        rotation="Revoke it at https://github.com/settings/tokens (or the app's settings) and "
                 "create a new one; GitHub also revokes leaked tokens it finds in public repos.",
        pattern=re.compile(rf"(?<![A-Za-z0-9_]){prefix}_[A-Za-z0-9]{{36}}(?![A-Za-z0-9_])"),
        anchors=(f"{prefix}_",),
        validator=has_valid_checksum,
    )


_WORD_END = r"(?![A-Za-z0-9_\-])"


def _is_issued_token(token: str) -> bool:
    """tokenward's own issuer format: prefix, id and CRC32 checksum must all hold."""
    return parse_token(token) is not None


PROVIDERS: tuple[Provider, ...] = (
    Provider(
        key="tokenward",
        label="tokenward-issued token",
        rotation="Revoke it with `tokenward token revoke` (a refresh token revokes its whole "
                 "family) and issue a new one.",
        pattern=TOKEN_RE,
        anchors=("tw_at_", "tw_rt_"),
        validator=_is_issued_token,
    ),
    _github("ghp", "GitHub personal access token"),
    _github("gho", "GitHub OAuth access token"),
    _github("ghu", "GitHub user-to-server token"),
    _github("ghs", "GitHub server-to-server token"),
    _github("ghr", "GitHub refresh token"),
    Provider(
        key="github-fine-grained",
        label="GitHub fine-grained personal access token",
        rotation="Revoke it at https://github.com/settings/tokens?type=beta and create a new one.",
        pattern=re.compile(r"(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}"
                           r"(?![A-Za-z0-9_])"),
        anchors=("github_pat_",),
    ),
    Provider(
        key="stripe-secret",
        label="Stripe secret key",
        rotation="Roll the key at https://dashboard.stripe.com/apikeys.",
        pattern=re.compile(r"(?<![A-Za-z0-9_])[rs]k_live_[0-9a-zA-Z]{24,247}(?![0-9a-zA-Z])"),
        anchors=("k_live_",),
    ),
    Provider(
        key="openai",
        label="OpenAI API key",
        rotation="Delete the key at https://platform.openai.com/api-keys and create a new one.",
        pattern=re.compile(r"(?<![A-Za-z0-9_\-])sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{40,}"
                           + _WORD_END),
        anchors=("sk-proj-", "sk-svcacct-", "sk-admin-"),
    ),
    Provider(
        key="anthropic",
        label="Anthropic API key",
        rotation="Delete the key at https://console.anthropic.com/settings/keys.",
        pattern=re.compile(r"(?<![A-Za-z0-9_\-])sk-ant-[a-z]{3,6}\d{2}-[A-Za-z0-9_\-]{32,}"
                           + _WORD_END),
        anchors=("sk-ant-",),
    ),
    Provider(
        key="google-api-key",
        label="Google API key",
        rotation="Delete or restrict the key at "
                 "https://console.cloud.google.com/apis/credentials.",
        pattern=re.compile(r"(?<![A-Za-z0-9_\-])AIza[0-9A-Za-z_\-]{35}" + _WORD_END),
        anchors=("AIza",),
    ),
    Provider(
        key="npm",
        label="npm access token",
        rotation="Revoke it with `npm token revoke` or at https://www.npmjs.com/settings/tokens.",
        pattern=re.compile(r"(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9_])"),
        anchors=("npm_",),
        validator=has_valid_checksum,
    ),
    Provider(
        key="private-key",
        label="private key",
        rotation="Generate a new key pair, replace the public key wherever it is trusted, and "
                 "destroy the old private key.",
        pattern=_BEGIN_PRIVATE,
        anchors=("PRIVATE KEY-----",),
        check_value=False,
    ),
    Provider(
        key="gitlab",
        label="GitLab token",
        rotation="Revoke it in GitLab (User settings > Access tokens) and create a new one.",
        pattern=re.compile(r"(?<![A-Za-z0-9_\-])(?:glpat|gldt|glft|glsoat|glrt|glcbt|glimt|glptt"
                           r"|glagent|gloas)-[A-Za-z0-9_\-]{20,}" + _WORD_END),
        anchors=("glpat-", "gldt-", "glft-", "glsoat-", "glrt-", "glcbt-", "glimt-", "glptt-",
                 "glagent-", "gloas-"),
    ),
    Provider(
        key="jwt",
        label="signed JSON Web Token",
        rotation="Rotate the signing key or revoke the session the token belongs to; JWTs "
                 "stay valid until they expire.",
        pattern=re.compile(r"(?<![A-Za-z0-9_\-])eyJ[A-Za-z0-9_\-]{5,}\.eyJ[A-Za-z0-9_\-]{2,}"
                           r"\.[A-Za-z0-9_\-]{16,}" + _WORD_END),
        anchors=("eyJ",),
        validator=jwt_is_signed,
        needs_context=True,
    ),
    Provider(
        key="discord-webhook",
        label="Discord webhook URL",
        rotation="Delete the webhook in the channel's settings (Integrations > Webhooks) and "
                 "create a new one.",
        pattern=re.compile(r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/"
                           r"\d{5,30}/[A-Za-z0-9_\-]{50,100}"),
        anchors=("/api/webhooks/",),
        check_value=False,
    ),
    Provider(
        key="pagerduty-integration",
        label="PagerDuty integration key",
        rotation="Regenerate the integration key of the service's Events API v2 integration "
                 "in PagerDuty (Service > Integrations).",
        pattern=re.compile(r"(?<![A-Za-z0-9_])[0-9a-f]{32}(?![A-Za-z0-9_])"),
        anchors=("routing_key", "integration_key", "routingkey", "integrationkey"),
        line_keywords=("routing_key", "integration_key", "routingkey", "integrationkey"),
        value_name="integration_key",
    ),
    # Found by detect-secrets' plugins (analysis/secrets_adapter.py).
    Provider("aws", "AWS access key", "Deactivate and delete the key in IAM "
             "(https://console.aws.amazon.com/iam/) and create a new one.",
             ds_type="AWS Access Key"),
    Provider("azure-storage", "Azure storage account key", "Rotate the account key in the "
             "Azure portal (Storage account > Access keys).",
             ds_type="Azure Storage Account access key"),
    Provider("discord", "Discord bot token", "Reset the token in the Discord developer portal.",
             ds_type="Discord Bot Token"),
    Provider("mailchimp", "Mailchimp API key", "Disable the key in Mailchimp "
             "(Account > Extras > API keys).", ds_type="Mailchimp Access Key"),
    Provider("npm-legacy", "npm access token", "Revoke it with `npm token revoke`.",
             ds_type="NPM tokens"),
    Provider("openai-legacy", "OpenAI API key", "Delete the key at "
             "https://platform.openai.com/api-keys.", ds_type="OpenAI Token"),
    Provider("pypi", "PyPI API token", "Remove the token at "
             "https://pypi.org/manage/account/token/.", ds_type="PyPI Token"),
    Provider("sendgrid", "SendGrid API key", "Delete the key at "
             "https://app.sendgrid.com/settings/api_keys.", ds_type="SendGrid API Key"),
    Provider("slack", "Slack token or webhook", "Revoke the token (or regenerate the webhook) "
             "at https://api.slack.com/apps.", ds_type="Slack Token"),
    Provider("square", "Square OAuth secret", "Replace the secret in the Square developer "
             "dashboard.", ds_type="Square OAuth Secret"),
    Provider("telegram", "Telegram bot token", "Revoke it with @BotFather (/revoke).",
             ds_type="Telegram Bot Token"),
    Provider("twilio", "Twilio API key or account SID", "Delete the API key in the Twilio "
             "console and create a new one.", ds_type="Twilio API Key"),
)

BY_DS_TYPE: dict[str, Provider] = {p.ds_type: p for p in PROVIDERS if p.ds_type}
OWN: tuple[Provider, ...] = tuple(p for p in PROVIDERS if p.pattern is not None)


@dataclass(frozen=True)
class TokenMatch:
    provider: Provider
    value: str
    start: int
    end: int


def find_tokens(text: str) -> Iterator[TokenMatch]:
    """Every match of tokenward's own provider formats, validated where possible.

    Shared value checks (placeholders ...) are the caller's business.
    """
    for provider in OWN:
        assert provider.pattern is not None
        if not any(anchor in text for anchor in provider.anchors):
            continue
        for match in provider.pattern.finditer(text):
            value = match.group(0)
            if provider.validator is not None and not provider.validator(value):
                continue
            if provider.key == "private-key" and not private_key_has_body(text, match.end()):
                continue
            yield TokenMatch(provider, value, match.start(), match.end())


def provider_of(value: str) -> Provider | None:
    """The provider whose format ``value`` is (exactly), validated; used to name secrets."""
    for match in find_tokens(value):
        if match.start == 0 and match.end == len(value):
            return match.provider
    return None


def fails_validation(value: str) -> bool:
    """A value in a checksummed format whose checksum is wrong: a made-up token."""
    for provider in OWN:
        if provider.validator is None or provider.pattern is None:
            continue
        match = provider.pattern.fullmatch(value)
        if match is not None and not provider.validator(value):
            return True
    return False
