"""Patterns used by the log scrubber to redact credentials before logs are shipped."""
from __future__ import annotations

import re

SECRET_PATTERNS = {
    "github": re.compile(r"gh[pousr]_[A-Za-z0-9]{36}"),
    "aws_access_key": re.compile(r"(?:AKIA|ASIA)[0-9A-Z]{16}"),
    "aws_secret": re.compile(r"(?i)aws_secret_access_key\s*=\s*[A-Za-z0-9/+=]{40}"),
    "slack": re.compile(r"xox[baprs]-[0-9A-Za-z-]{10,72}"),
    "stripe": re.compile(r"[rs]k_live_[0-9a-zA-Z]{24,99}"),
    "openai": re.compile(r"sk-(?:proj-)?[A-Za-z0-9_-]{20,}"),
    "sendgrid": re.compile(r"SG\.[\w-]{22}\.[\w-]{43}"),
    "google": re.compile(r"AIza[0-9A-Za-z_-]{35}"),
    "private_key": re.compile(r"-----BEGIN (?:RSA |EC |OPENSSH )?PRIVATE KEY-----"),
    "jwt": re.compile(r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"),
    "password_kv": re.compile(r"(?i)(password|passwd|pwd)\s*[:=]\s*\S+"),
}
REDACTED = "[REDACTED]"
PASSWORD_KEYS = frozenset({"password", "passwd", "secret", "token", "api_key"})


def scrub(line: str) -> str:
    for pattern in SECRET_PATTERNS.values():
        line = pattern.sub(REDACTED, line)
    return line
