"""The store's settings: ``[tool.tokenward.store]`` (read by ``tokenward.config``) and the
environment variable that selects the backend at run time.

    [tool.tokenward.store]
    backend = "vault"                      # or "credential-manager" (Windows, user scope)
    readers = ["NT SERVICE\\MyApp", "IIS AppPool\\MyPool"]   # Windows, machine scope

The store itself reads no settings file (it installs and runs without the scanner): the
command line passes these on, and code that calls ``tokenward.store.get`` selects its backend
with ``TOKENWARD_STORE_BACKEND``, the same value as ``backend`` here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from tokenward.store.errors import StoreError

ENV_BACKEND = "TOKENWARD_STORE_BACKEND"
VAULT = "vault"
CREDENTIAL_MANAGER = "credential-manager"
BACKENDS = (VAULT, CREDENTIAL_MANAGER)
_KEYS = ("backend", "readers")


class StoreSettingsError(StoreError, ValueError):
    """``[tool.tokenward.store]`` or TOKENWARD_STORE_BACKEND holds something unusable."""


@dataclass(frozen=True)
class StoreSettings:
    """``backend``: where secrets live; ``readers``: Windows accounts that may read a
    machine-scope vault besides its owner and SYSTEM (names, resolved when used)."""

    backend: str = VAULT
    readers: tuple[str, ...] = ()


def parse_store_settings(table: object) -> StoreSettings:
    """The ``[tool.tokenward.store]`` table, every problem reported at once."""
    if not isinstance(table, dict):
        raise StoreSettingsError("store: expected a table, [tool.tokenward.store]")
    problems = [f"store: unknown key {key!r} (known: {', '.join(_KEYS)})"
                for key in sorted(set(table) - set(_KEYS))]
    backend = table.get("backend", VAULT)
    if backend not in BACKENDS:
        problems.append(f"store.backend: expected one of {', '.join(BACKENDS)}, got {backend!r}")
    readers = table.get("readers", [])
    if not isinstance(readers, list) or not all(isinstance(r, str) and r.strip()
                                                for r in readers):
        problems.append("store.readers: expected a list of Windows account names, such as "
                        "[\"NT SERVICE\\\\MyApp\", \"IIS AppPool\\\\MyPool\"]")
        readers = []
    if problems:
        raise StoreSettingsError("; ".join(problems))
    return StoreSettings(str(backend), tuple(readers))


def backend_name(configured: str | None = None) -> str:
    """The backend in use: TOKENWARD_STORE_BACKEND, else ``configured`` (settings), else
    the vault. An unknown name is an error naming it, never a silent fallback."""
    chosen = os.environ.get(ENV_BACKEND) or configured or VAULT
    if chosen not in BACKENDS:
        raise StoreSettingsError(f"unknown store backend {chosen!r} (from {ENV_BACKEND} or "
                                 f"[tool.tokenward.store] backend); use one of "
                                 f"{', '.join(BACKENDS)}")
    return chosen
