"""Where the store keeps its files: options first, then environment variables, then defaults.

Defaults follow the platform's conventions: ``%APPDATA%`` on Windows, the XDG base
directories elsewhere. Key material lives in the config directory, data in the data directory.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ENV_VAULT = "TOKENWARD_VAULT"
ENV_KEY_FILE = "TOKENWARD_KEY_FILE"
ENV_TOKEN_DB = "TOKENWARD_TOKEN_DB"  # nosec B105 - a variable name, not a secret
ENV_AUDIT_LOG = "TOKENWARD_AUDIT_LOG"
ENV_DPAPI_ENTROPY_FILE = "TOKENWARD_DPAPI_ENTROPY_FILE"


def config_dir() -> Path:
    if sys.platform == "win32":
        base = os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
        return Path(base) / "tokenward"
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "tokenward"


def data_dir() -> Path:
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "tokenward"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "tokenward"


def machine_dir() -> Path:
    """Where ``tokenward store init --machine`` keeps a store that services share: outside
    every user profile (``%ProgramData%\\tokenward``), with its own DACL."""
    base = os.environ.get("PROGRAMDATA") or "C:\\ProgramData"
    return Path(base) / "tokenward"


def _from_env(variable: str, default: Path) -> Path:
    value = os.environ.get(variable)
    return Path(value).expanduser() if value else default


def vault_path() -> Path:
    return _from_env(ENV_VAULT, data_dir() / "vault.json")


def key_file_path() -> Path:
    return _from_env(ENV_KEY_FILE, config_dir() / "vault.key")


def dpapi_entropy_path() -> Path:
    return _from_env(ENV_DPAPI_ENTROPY_FILE, config_dir() / "vault.entropy")


def token_db_path() -> Path:
    return _from_env(ENV_TOKEN_DB, data_dir() / "tokens.sqlite3")


def audit_log_path(token_db: Path | None = None) -> Path:
    """The audit log sits beside the token database unless configured elsewhere."""
    db = token_db if token_db is not None else token_db_path()
    return _from_env(ENV_AUDIT_LOG, db.with_name(db.name + ".audit.jsonl"))
