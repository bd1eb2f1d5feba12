"""Rotation reminders: a moved secret was in the code, so it must be replaced at its source."""

from __future__ import annotations

from typing import Any

GENERIC_HINT = ("revoke it where it was issued and create a new one; treat the old value "
                "as public")


def _providers() -> Any | None:
    import importlib

    try:
        return importlib.import_module("tokenward.rules.providers")
    except ImportError:  # the provider table ships with the hard-coded secret rules
        return None


def provider_hint(secret: str) -> tuple[str, str] | None:
    """(provider name, how to rotate) for a token whose shape names its provider."""
    providers = _providers()
    if providers is None:
        return None
    match = getattr(providers, "match_provider", None) or getattr(providers, "identify", None)
    if match is None:
        return None
    found = match(secret)
    if found is None:
        return None
    name = getattr(found, "name", None) or getattr(found, "provider", None)
    hint = getattr(found, "rotation", None) or getattr(found, "rotation_hint", None)
    if not isinstance(name, str) or not isinstance(hint, str):
        return None
    return name, hint


def reminder(name: str, secret: str, where: str) -> str:
    """One line per moved secret: it was exposed, rotate it (and how, when we know)."""
    known = provider_hint(secret)
    how = f"{known[0]}: {known[1]}" if known else GENERIC_HINT
    return (f"{name} (from {where}) was exposed in the code and its version history: "
            f"rotate it. {how}")
