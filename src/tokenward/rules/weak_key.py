"""TW104 weak-key: a hard-coded signing or encryption key that can be guessed."""

from __future__ import annotations

from collections.abc import Iterator

from tokenward.analysis.assignments import CODE_KINDS
from tokenward.analysis.source import FileKind, Source
from tokenward.model import Category, Hit, Severity
from tokenward.rules import examples
from tokenward.rules.base import PAIRED, PYTHON, Rule, RuleDocs
from tokenward.rules.hardcoded_secret import KEY_CALLS, key_hits, may_bind_weak_key
from tokenward.rules.hardcoded_secret_config import text_hits


def _detect(source: Source) -> Iterator[Hit]:
    # The same search as TW101 (Python and other languages' sources) and TW102
    # (configuration files), the other verdict: the literals they leave to this rule.
    if source.kind in PAIRED:
        return text_hits(source, weak=True)
    if source.kind is FileKind.PYTHON and not may_bind_weak_key(source):
        return iter(())  # no name of a key to bind a literal to: no tree needed
    return key_hits(source, weak=True)


_BAD, _GOOD = examples.load("weak_key")

RULE = Rule(
    id="TW104",
    name="weak-key",
    title="Hard-coded signing or encryption key that can be guessed",
    category=Category.HARDCODED_SECRET,
    severity=Severity.CRITICAL,
    cwe=(798, 521),
    message="Guessable key bound to {target} ({detail}): anyone can forge the sessions "
            "and tokens it signs",
    hint="Generate a key (python -c \"import secrets; print(secrets.token_urlsafe(32))\"), "
         "keep it in the environment or tokenward's store, read it at start-up, and fail "
         "when it is missing; then log everyone out (the old key forged sessions too).",
    kinds=PYTHON | PAIRED | CODE_KINDS,
    fix="move-secret",
    keywords=("secret", "_key", "jwt", *KEY_CALLS),
    detect=_detect,
    screens=True,
    docs=RuleDocs(
        what=(
            "A literal signing, encryption or session key (`SECRET_KEY`, "
            "`app.secret_key`, `app.config[\"SECRET_KEY\"]`, `JWT_SECRET`, "
            "`WTF_CSRF_SECRET_KEY`, `signing_key`, `jwt.encode(payload, \"secret\")`, "
            "`Fernet(b\"...\")`, itsdangerous `URLSafeTimedSerializer(\"...\")`, the "
            "default of `os.environ.get(\"SECRET_KEY\", \"dev\")`) whose value can be "
            "guessed: shorter than 16 characters, one repeated character, a phrase, "
            "dictionary words (`secret`, `changeme`, `MYSUPERSECRETKEY`), words joined by "
            "separators (`the-app-secret-key`), only digits, low entropy (under 3 bits a "
            "character), or Django's own `django-insecure-` key. Configuration files are read as "
            "TW102 reads them (`.env`, YAML, JSON, TOML, INI, XML), other languages' sources as "
            "TW101 reads them (JS/TS, HTML, Go, Java, Ruby, PHP, C#). TW101 and TW102 "
            "leave these values to this rule: one finding per value, the more severe one."
        ),
        why=(
            "Whoever knows the key can sign their own session cookie, CSRF token or JWT "
            "and be any user, the administrator included; with an encryption key they read "
            "and forge what it protects. A guessable key needs no leak: attackers try the "
            "framework defaults and word lists against a captured cookie offline "
            "(flask-unsign, jwt_tool), and published scans find thousands of sites whose "
            "keys fall this way. CWE-798 (hard-coded credentials), CWE-521 (weak "
            "credentials)."
        ),
        how=(
            "Generate a key with a cryptographic generator (`secrets.token_urlsafe(32)`, "
            "`Fernet.generate_key()`), keep it outside the code (the environment, a secret "
            "manager, `tokenward.store`), read it at start-up and refuse to start without "
            "it: no literal fallback. Then replace the committed value everywhere it ran, "
            "which signs every user out."
        ),
        not_flagged=(
            "- Keys that are long and random enough (16 characters and more, varied "
            "characters): TW101 and TW102 report them as hard-coded secrets.\n"
            "- References and masks (`${SECRET_KEY}`, `os.environ[\"SECRET_KEY\"]`, "
            "`********`).\n"
            "- Passwords and API tokens: a weak password is TW101's finding; this rule "
            "judges the keys that sign or encrypt.\n"
            "- Test code, docs and examples: the context policy hides values that do not "
            "prove themselves real there (`--all-contexts` shows them)."
        ),
        references=(
            "https://cwe.mitre.org/data/definitions/798.html",
            "https://cwe.mitre.org/data/definitions/521.html",
            "https://flask.palletsprojects.com/en/stable/config/#SECRET_KEY",
            "https://docs.djangoproject.com/en/stable/ref/settings/#secret-key",
        ),
        fix_safety=(
            "The fix moves the value out of the code as TW101's does (`--to env` or "
            "`--to store`). A guessable key stays guessable wherever it is kept: replace "
            "it with a generated one after moving it."
        ),
    ),
    bad=_BAD,
    good=_GOOD,
)
