"""Redaction: no secret leaves tokenward in clear.

A redacted value keeps a short prefix (enough to recognise ``ghp_`` or ``sk_live``, never
more than a quarter of the value) and its length. Snippets are additionally passed
through a mask for anything token-shaped, so a second secret on the same line that no rule
reported is not shown either.
"""

from __future__ import annotations

import hashlib
import re

SNIPPET_WIDTH = 120

# Long runs of token characters that mix letters and digits: what a key looks like.
_TOKENISH = re.compile(r"[A-Za-z0-9+/_\-.=~]{16,}")
# Passwords in URLs: scheme://user:PASSWORD@host
_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.\-]*://[^:/@\s'\"]*:)(?P<pw>[^@\s'\"/]+)(?=@)",
                           re.IGNORECASE)


def redact(value: str) -> str:
    """``ghp_****(40 chars)``: a short prefix and the length, never the value."""
    keep = min(4, len(value) // 4)
    return f"{value[:keep]}****({len(value)} chars)"


def secret_hash(value: str) -> str:
    """A keyed hash of a secret, to find the value again in a file without carrying it.

    HMAC-SHA256 under this user's local key (``scanner.userdata``), so it is worthless to
    anyone without that key; still it is never published: only the private result cache
    keeps it. Fingerprints and baselines hold no secret material at all.
    """
    import hmac

    from tokenward.scanner.userdata import local_key

    message = b"secret-hash\0" + value.encode("utf-8", "surrogatepass")
    return hmac.new(local_key(), message, hashlib.sha256).hexdigest()[:32]


def _looks_secret(run: str) -> bool:
    has_digit = any(c.isdigit() for c in run)
    has_alpha = any(c.isalpha() for c in run)
    if not (has_digit and has_alpha):
        return False
    # Dotted names (psycopg2.connect, module.sub.attr) are not secrets; a JWT's parts are
    # identifiers too, but long ones.
    parts = run.split(".")
    return not (len(parts) >= 2 and all(p.isidentifier() and len(p) <= 24 for p in parts))


def mask_line(line: str) -> str:
    """Mask every token-shaped run and URL password in a line of code."""
    line = _URL_PASSWORD.sub(lambda m: m.group("head") + redact(m.group("pw")), line)
    return _TOKENISH.sub(lambda m: redact(m.group(0)) if _looks_secret(m.group(0)) else m.group(0),
                         line)


def snippet(line: str, secret: str | None = None, *, column: int = 1) -> str:
    """The offending line, stripped, the secret replaced, anything token-shaped masked."""
    text = line
    if secret:
        text = text.replace(secret, redact(secret))
    text = mask_line(text).strip()
    if len(text) > SNIPPET_WIDTH:
        # Keep the part around the finding visible.
        start = max(0, min(column - 1 - (len(line) - len(line.lstrip())) - 20,
                           len(text) - SNIPPET_WIDTH))
        text = ("…" if start else "") + text[start : start + SNIPPET_WIDTH - 1] + "…"
    return text
