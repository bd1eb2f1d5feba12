"""Rotation reminders: a moved secret was in the code, so it must be replaced at its source."""

from __future__ import annotations

from tokenward.analysis.providers import Provider, by_key, provider_of

GENERIC_HINT = ("Revoke it where it was issued and create a new one; treat the old value "
                "as public.")


def provider(secret: str) -> Provider | None:
    """The provider whose token format the secret is (validated), if any; a private key's
    PEM block is the catalogue's private-key row."""
    try:
        if secret.startswith("-----BEGIN ") and "PRIVATE KEY" in secret[:64]:
            return by_key("private-key")
        return provider_of(secret)
    except Exception:  # a reminder must never fail a run that has already moved secrets
        return None


def reminder(name: str, secret: str, where: str) -> str:
    """One line per moved secret: it was exposed, rotate it (and how, when we know)."""
    found = provider(secret)
    how = f"{found.label}: {found.rotation}" if found else GENERIC_HINT
    return (f"{name} (from {where}) was exposed in the code and its version history: "
            f"rotate it. {how}")
