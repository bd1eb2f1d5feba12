from __future__ import annotations

import json
import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest

import tokenward.store as store
from tokenward.store.errors import InvalidName, SecretExists, SecretNotFound, VaultError
from tokenward.store.protectors import AesGcmProtector
from tokenward.store.vault import Vault

from .conftest import FakeClock, all_bytes_under

SECRET = "s3cr3t-Value-for-tests-0042"


def test_set_then_get_round_trips(vault: Vault) -> None:
    assert vault.set("DB_PASSWORD", SECRET) is True
    assert vault.get("DB_PASSWORD") == SECRET
    assert Vault(vault.path, key_file=vault.key_file).get("DB_PASSWORD") == SECRET


def test_value_is_encrypted_at_rest(vault: Vault, tmp_path: Path) -> None:
    vault.set("DB_PASSWORD", SECRET)
    vault.rotate("DB_PASSWORD", SECRET + "-next")
    everything = all_bytes_under(tmp_path)
    assert SECRET.encode() not in everything
    document = json.loads(vault.path.read_text())
    assert document["schema"] == 1
    assert document["protector"]["kind"] == "aes-256-gcm"
    assert sorted(document["entries"]) == ["DB_PASSWORD"]


def test_files_are_owner_only(vault: Vault) -> None:
    vault.set("A", SECRET)
    assert stat.S_IMODE(vault.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(vault.key_file.stat().st_mode) == 0o600


def test_missing_name_raises_secret_not_found_which_is_a_key_error(vault: Vault) -> None:
    vault.set("A", SECRET)
    with pytest.raises(KeyError) as error:
        vault.get("MISSING")
    assert isinstance(error.value, SecretNotFound)
    assert str(error.value) == (
        "secret 'MISSING' not found: set the environment variable MISSING, or store it with "
        f"`tokenward store set MISSING` (vault: {vault.path})")


def test_invalid_names_are_refused(vault: Vault) -> None:
    for name in ("", "1ABC", "has space", "a-b", "x" * 129):
        with pytest.raises(InvalidName, match="invalid secret name"):
            vault.set(name, SECRET)


def test_empty_value_is_refused(vault: Vault) -> None:
    with pytest.raises(ValueError, match="non-empty string"):
        vault.set("A", "")


def test_set_without_overwrite_keeps_the_existing_value(vault: Vault) -> None:
    vault.set("A", SECRET)
    assert vault.set("A", SECRET, overwrite=False) is False  # same value: no-op
    with pytest.raises(SecretExists, match="already holds a different value"):
        vault.set("A", "different", overwrite=False)
    assert vault.get("A") == SECRET


def test_names_delete_and_list(vault: Vault) -> None:
    assert vault.names() == []
    vault.set("B", SECRET)
    vault.set("A", SECRET)
    assert vault.names() == ["A", "B"]
    assert vault.delete("A") is True
    assert vault.delete("A") is False
    assert vault.names() == ["B"]


def test_rotate_keeps_previous_value_for_the_grace_period(vault: Vault, clock: FakeClock) -> None:
    vault.set("API_KEY", "old-value")
    clock.advance(days=10)
    vault.rotate("API_KEY", "new-value", grace=timedelta(hours=1))
    assert vault.get("API_KEY") == "new-value"
    assert vault.values("API_KEY") == ("new-value", "old-value")
    info = vault.info("API_KEY")
    assert info.rotated_at == clock.now
    assert info.previous_until == clock.now + timedelta(hours=1)
    clock.advance(minutes=59, seconds=59)
    assert vault.values("API_KEY") == ("new-value", "old-value")
    clock.advance(seconds=1)  # the end of the grace period is exclusive
    assert vault.values("API_KEY") == ("new-value",)


def test_expired_previous_value_is_erased_from_the_file(vault: Vault, clock: FakeClock) -> None:
    vault.set("API_KEY", "old-value")
    vault.rotate("API_KEY", "new-value", grace=timedelta(minutes=5))
    before = json.loads(vault.path.read_text())["entries"]["API_KEY"]["previous"]
    assert before
    clock.advance(minutes=5)
    vault.set("OTHER", SECRET)  # any write prunes
    assert json.loads(vault.path.read_text())["entries"]["API_KEY"]["previous"] is None


def test_rotate_refuses_unknown_names_and_unchanged_values(vault: Vault) -> None:
    with pytest.raises(SecretNotFound):
        vault.rotate("NOPE", "x")
    vault.set("A", SECRET)
    with pytest.raises(ValueError, match="same as the current one"):
        vault.rotate("A", SECRET)


def test_due_lists_entries_at_or_past_max_age(vault: Vault, clock: FakeClock) -> None:
    vault.set("OLD", SECRET)
    clock.advance(days=30)
    vault.set("NEW", SECRET)
    clock.advance(days=60)
    assert [e.name for e in vault.due(timedelta(days=90))] == ["OLD"]  # exactly 90 days
    assert [e.name for e in vault.due(timedelta(days=91))] == []
    vault.rotate("OLD", "fresh")
    assert [e.name for e in vault.due(timedelta(days=60))] == ["NEW"]


def test_ciphertexts_are_bound_to_their_names(vault: Vault) -> None:
    vault.set("A", "value-a")
    vault.set("B", "value-b")
    document = json.loads(vault.path.read_text())
    entries = document["entries"]
    entries["A"]["value"], entries["B"]["value"] = entries["B"]["value"], entries["A"]["value"]
    vault.path.write_text(json.dumps(document))
    with pytest.raises(VaultError, match=r"cannot decrypt 'A'.*tampered with or encrypted with "
                                         "another key"):
        vault.get("A")


def test_a_vault_from_another_machine_fails_clearly(vault: Vault, tmp_path: Path) -> None:
    vault.set("A", SECRET)
    other_key = tmp_path / "other" / "vault.key"
    foreign = Vault(vault.path, key_file=other_key)
    AesGcmProtector.from_key_file(other_key, create=True)
    with pytest.raises(VaultError) as error:
        foreign.get("A")
    assert str(error.value).startswith(f"vault {vault.path} was encrypted with key ")
    assert "a vault from another machine or user needs its own key file" in str(error.value)


def test_missing_key_file_is_an_error_not_a_new_key(vault: Vault) -> None:
    vault.set("A", SECRET)
    vault.key_file.unlink()
    reopened = Vault(vault.path, key_file=vault.key_file)  # a new process, no cached key
    with pytest.raises(VaultError, match=r"key file .* does not exist; the vault cannot be "
                                         "decrypted without the key"):
        reopened.get("A")
    with pytest.raises(VaultError):
        reopened.set("B", SECRET)
    assert not vault.key_file.exists()


def test_key_file_readable_by_others_is_refused(vault: Vault) -> None:
    vault.set("A", SECRET)
    os.chmod(vault.key_file, 0o644)
    reopened = Vault(vault.path, key_file=vault.key_file)
    with pytest.raises(VaultError, match=r"is accessible by other users \(mode 0644\); "
                                         r"restrict it with `chmod 600"):
        reopened.get("A")


@pytest.mark.parametrize(("damage", "message"), [
    (lambda raw: raw[: len(raw) // 2], "truncated or corrupt JSON at byte"),
    (lambda raw: b"", "empty file"),
    (lambda raw: b"\xff\xfe garbage", "not UTF-8 text"),
    (lambda raw: b'{"hello": 1}', "not a tokenward vault"),
])
def test_damaged_vault_gives_a_clear_error_and_is_not_overwritten(
        vault: Vault, damage: object, message: str) -> None:
    vault.set("A", SECRET)
    damaged = damage(vault.path.read_bytes())  # type: ignore[operator]
    vault.path.write_bytes(damaged)
    for action in (lambda: vault.get("A"), lambda: vault.set("B", SECRET),
                   lambda: vault.delete("A"), vault.names):
        with pytest.raises(VaultError, match=message) as error:
            action()
        assert "it was left untouched" in str(error.value)
    assert vault.path.read_bytes() == damaged


def test_newer_schema_is_refused(vault: Vault) -> None:
    vault.set("A", SECRET)
    document = json.loads(vault.path.read_text())
    document["schema"] = 2
    vault.path.write_text(json.dumps(document))
    with pytest.raises(VaultError, match="has schema version 2; this tokenward reads version 1"):
        vault.get("A")


def test_error_messages_never_contain_the_secret(vault: Vault) -> None:
    vault.set("A", SECRET)
    messages = []
    for attempt in (lambda: vault.set("A", "x" + SECRET, overwrite=False),
                    lambda: vault.rotate("A", SECRET)):
        with pytest.raises(Exception) as error:
            attempt()
        messages.append(str(error.value))
    assert all(SECRET not in message for message in messages)


# ---- tokenward.store.get / set_secret ----------------------------------------------------


def test_get_prefers_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TOKENWARD_VAULT", str(tmp_path / "v.json"))
    monkeypatch.setenv("TOKENWARD_KEY_FILE", str(tmp_path / "k.key"))
    store.set_secret("SERVICE_TOKEN", "from-vault")
    assert store.get("SERVICE_TOKEN") == "from-vault"
    monkeypatch.setenv("SERVICE_TOKEN", "from-env")
    assert store.get("SERVICE_TOKEN") == "from-env"
    monkeypatch.setenv("SERVICE_TOKEN", "")  # set but empty counts as unset
    assert store.get("SERVICE_TOKEN") == "from-vault"


def test_get_without_vault_names_the_variable(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    monkeypatch.delenv("NOT_THERE", raising=False)
    with pytest.raises(store.SecretNotFound) as error:
        store.get("NOT_THERE")
    assert str(error.value) == (
        "secret 'NOT_THERE' not found: set the environment variable NOT_THERE, or store it "
        f"with `tokenward store set NOT_THERE` (vault: {tmp_path}/xdg-data/tokenward/vault.json)")


def test_set_secret_never_replaces_a_different_value(monkeypatch: pytest.MonkeyPatch) -> None:
    store.set_secret("MOVED", "first")
    store.set_secret("MOVED", "first")
    with pytest.raises(store.SecretExists):
        store.set_secret("MOVED", "second")
    assert store.get("MOVED") == "first"
    store.set_secret("MOVED", "second", overwrite=True)
    assert store.get("MOVED") == "second"


def test_default_paths_follow_xdg(tmp_path: Path) -> None:
    store.set_secret("X", SECRET)
    assert (tmp_path / "xdg-data" / "tokenward" / "vault.json").exists()
    key = tmp_path / "xdg-config" / "tokenward" / "vault.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700


def test_importing_the_store_stays_light() -> None:
    import subprocess
    import sys

    code = ("import sys, tokenward.store, tokenward.store.token_format, tokenward.store.dpapi;"
            "heavy = {'sqlite3', 'cryptography', 'json', 'typer'} & set(sys.modules);"
            "print(sorted(heavy))")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True).stdout
    assert out.strip() == "[]"
