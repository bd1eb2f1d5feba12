"""[tool.tokenward.store] and TOKENWARD_STORE_BACKEND: every mistake named, none ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from tokenward.config import ConfigError, load_config
from tokenward.rules import RULES
from tokenward.store import settings
from tokenward.store.settings import StoreSettings, StoreSettingsError


def test_defaults_are_the_vault_and_no_readers() -> None:
    assert settings.parse_store_settings({}) == StoreSettings("vault", ())


def test_backend_and_readers_are_read() -> None:
    table = {"backend": "credential-manager", "readers": ["NT SERVICE\\MyApp", "DOM\\g"]}
    assert settings.parse_store_settings(table) == StoreSettings(
        "credential-manager", ("NT SERVICE\\MyApp", "DOM\\g"))


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(StoreSettingsError) as caught:
        settings.parse_store_settings({"backend": "keyring", "readers": "IIS AppPool\\X",
                                       "reader": []})
    assert str(caught.value) == (
        "store: unknown key 'reader' (known: backend, readers); store.backend: expected one of "
        "vault, credential-manager, got 'keyring'; store.readers: expected a list of Windows "
        "account names, such as [\"NT SERVICE\\\\MyApp\", \"IIS AppPool\\\\MyPool\"]")


def test_the_table_in_pyproject_reaches_the_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.tokenward.store]\nreaders = ["IIS AppPool\\\\MyPool"]\n')
    config = load_config(tmp_path, rules=RULES)
    assert config.store == StoreSettings("vault", ("IIS AppPool\\MyPool",))


def test_store_settings_do_not_change_the_scan_cache_digest(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / ".tokenward.toml").write_text('exclude = ["x"]\n')
    (tmp_path / "b" / ".tokenward.toml").write_text(
        'exclude = ["x"]\n[store]\nbackend = "credential-manager"\n')
    assert load_config(tmp_path / "a", rules=RULES).digest() == load_config(tmp_path / "b", rules=RULES).digest()


def test_a_mistake_in_the_table_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.tokenward.store]\nbackend = "valut"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path, rules=RULES)
    assert str(caught.value) == (
        f"{tmp_path / 'pyproject.toml'}: tool.tokenward.store.backend: expected one of vault, "
        "credential-manager, got 'valut'")


def test_the_environment_selects_the_backend_before_settings(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(settings.ENV_BACKEND, raising=False)
    assert settings.backend_name() == "vault"
    assert settings.backend_name("credential-manager") == "credential-manager"
    monkeypatch.setenv(settings.ENV_BACKEND, "vault")
    assert settings.backend_name("credential-manager") == "vault"
    monkeypatch.setenv(settings.ENV_BACKEND, "credman")
    with pytest.raises(StoreSettingsError, match=r"^unknown store backend 'credman' \(from "
                                                 r"TOKENWARD_STORE_BACKEND or"):
        settings.backend_name()


def test_get_asks_credential_manager_only_after_the_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from tokenward import store

    monkeypatch.setenv(settings.ENV_BACKEND, "credential-manager")
    monkeypatch.setenv("FROM_ENV", "environment-value")
    assert store.get("FROM_ENV") == "environment-value"
    with pytest.raises(OSError, match=r"^Windows Credential Manager is only available on Windows"):
        store.get("NOT_IN_ENV")
