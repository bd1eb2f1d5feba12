"""The store's error messages and audit log never carry a secret passed by mistake where a
name or a public id belongs (issue 15: no secret in clear in errors or logs)."""

from __future__ import annotations

import secrets
import string
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenward import store
from tokenward.cli.store import store_app
from tokenward.store.errors import InvalidName, SecretNotFound
from tokenward.store.vault import Vault


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never the real user's vault: every default path points into tmp_path."""
    for variable in ("TOKENWARD_VAULT", "TOKENWARD_KEY_FILE", "TOKENWARD_TOKEN_DB",
                     "TOKENWARD_AUDIT_LOG"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


def fake_github_token() -> str:
    """A GitHub-shaped token with a valid CRC32 checksum, made at run time (issue 15's helper)."""
    body = "".join(secrets.choice(_BASE62) for _ in range(30))
    number, checksum = zlib.crc32(body.encode()), ""
    while number:
        number, digit = divmod(number, 62)
        checksum = _BASE62[digit] + checksum
    return "ghp_" + body + checksum.rjust(6, "0")


def test_get_with_the_secret_instead_of_its_name_does_not_echo_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    token = fake_github_token()
    monkeypatch.setenv("GITHUB_TOKEN", token)
    with pytest.raises(SecretNotFound) as error:
        store.get(token)  # meant store.get("GITHUB_TOKEN")
    message = str(error.value)
    assert token not in message and token[4:20] not in message
    assert message.startswith(f"secret 'ghp_…' ({len(token)} characters) not found: it looks "
                              "like a secret value, not a name;")


@pytest.mark.parametrize("value", [
    "sk-live-" + secrets.token_hex(16),  # not a name: the dashes
    "xoxb-" + secrets.token_hex(8) + "-" + secrets.token_hex(12),
])
def test_an_invalid_name_that_is_a_secret_is_not_echoed(value: str) -> None:
    with pytest.raises(InvalidName) as error:
        store.get(value)
    assert value not in str(error.value) and value[8:24] not in str(error.value)
    assert str(error.value).startswith(f"invalid secret name '{value[:4]}…' ({len(value)} "
                                       "characters): it looks like a secret value, not a name;")


def test_a_control_character_in_a_pasted_value_is_escaped() -> None:
    value = "\x1b[2J" + secrets.token_hex(16)  # clears the screen if printed raw
    with pytest.raises(InvalidName) as error:
        store.get(value)
    assert "\x1b" not in str(error.value)
    assert str(error.value).startswith(f"invalid secret name '\\x1b[2J…' ({len(value)} ")


def test_ordinary_names_are_still_named(tmp_path: Path) -> None:
    vault = Vault(tmp_path / "vault.json", key_file=tmp_path / "vault.key")
    with pytest.raises(InvalidName, match=r"invalid secret name 'DB-PASSWORD': use letters"):
        vault.get("DB-PASSWORD")
    with pytest.raises(SecretNotFound, match=r"secret 'DATABASE_URL_2024_PRIMARY' not found"):
        vault.get("DATABASE_URL_2024_PRIMARY")


def test_the_cli_does_not_echo_a_secret_given_as_a_name(tmp_path: Path) -> None:
    token = fake_github_token()
    runner = CliRunner(env={"TOKENWARD_VAULT": str(tmp_path / "v.json"),
                            "TOKENWARD_KEY_FILE": str(tmp_path / "v.key")})
    runner.invoke(store_app, ["set", "OTHER"], input="value\n")
    for command in (["get", token], ["delete", token, "--yes"], ["rotate", token]):
        result = runner.invoke(store_app, command, input="new\n")
        assert result.exit_code in (1, 2)
        assert token[4:] not in result.output
