"""tokenward's reference token store: a vault for secrets and an issuer for API tokens.

Fixed code reads its secrets with one call::

    from tokenward import store
    api_key = store.get("PAYMENT_API_KEY")

``get`` resolves the environment variable of that name first, then the encrypted local
vault (or Windows Credential Manager, if ``TOKENWARD_STORE_BACKEND=credential-manager``), and
otherwise raises :class:`SecretNotFound` (a ``KeyError``) saying how to set it.

Importing this package is cheap: the vault (json, cryptography) and the issuer (sqlite3)
are imported only when used, because the scanner imports ``store.token_format`` on its hot
path.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tokenward.store.errors import (
    InsufficientScope,
    InvalidName,
    InvalidToken,
    ScopeError,
    SecretExists,
    SecretNotFound,
    StoreError,
    TokenError,
    VaultError,
)

if TYPE_CHECKING:
    from tokenward.store.tokens import Issuer
    from tokenward.store.vault import Vault

__all__ = [
    "InsufficientScope",
    "InvalidName",
    "InvalidToken",
    "Issuer",
    "ScopeError",
    "SecretExists",
    "SecretNotFound",
    "StoreError",
    "TokenError",
    "Vault",
    "VaultError",
    "default_backend",
    "get",
    "set_secret",
]


def get(name: str) -> str:
    """The secret ``name``: the environment variable first, then the configured backend (the
    local vault, or Windows Credential Manager when TOKENWARD_STORE_BACKEND says so).

    An environment variable that is set but empty counts as unset (an empty secret is never
    valid), so the backend is consulted.
    """
    from tokenward.store.vault import check_name

    check_name(name)
    value = os.environ.get(name)
    if value:
        return value
    backend = default_backend()
    if isinstance(backend.path, Path) and not backend.path.exists():
        raise SecretNotFound(name, str(backend.path))
    result: str = backend.get(name)
    return result


def set_secret(name: str, value: str, *, overwrite: bool = False) -> None:
    """Store ``value`` under ``name`` in the configured backend (a vault is created on first
    use).

    Storing the same value again is a no-op. A different value already stored under the
    name raises :class:`SecretExists` unless ``overwrite`` is true, so moving secrets
    in never destroys one that was there.
    """
    default_backend().set(name, value, overwrite=overwrite)


def default_backend(configured: str | None = None) -> Any:
    """The default vault, or Credential Manager: see :func:`settings.backend_name`."""
    from tokenward.store.settings import CREDENTIAL_MANAGER, backend_name

    if backend_name(configured) == CREDENTIAL_MANAGER:
        from tokenward.store.credman import CredentialManager

        return CredentialManager()
    from tokenward.store.vault import Vault

    return Vault.default()


def __getattr__(name: str) -> object:
    # Lazy re-exports: `from tokenward.store import Vault` works without an eager import.
    if name == "Vault":
        from tokenward.store.vault import Vault

        return Vault
    if name == "Issuer":
        from tokenward.store.tokens import Issuer

        return Issuer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
