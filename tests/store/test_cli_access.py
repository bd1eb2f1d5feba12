"""``tokenward store init`` and ``tokenward store doctor`` on POSIX (Windows: the Wine suite
and test_windows_access.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenward.cli.store import store_app


@pytest.fixture
def paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    monkeypatch.chdir(tmp_path)  # settings are read from the current folder
    return {"vault": tmp_path / "data" / "vault.json", "key": tmp_path / "config" / "vault.key",
            "db": tmp_path / "data" / "tokens.db"}


@pytest.fixture
def runner(paths: dict[str, Path]) -> CliRunner:
    return CliRunner(env={"TOKENWARD_VAULT": str(paths["vault"]),
                          "TOKENWARD_KEY_FILE": str(paths["key"]),
                          "TOKENWARD_TOKEN_DB": str(paths["db"]), "TOKENWARD_AUDIT_LOG": None,
                          "TOKENWARD_STORE_BACKEND": None})


def test_init_creates_a_private_vault(runner: CliRunner, paths: dict[str, Path]) -> None:
    result = runner.invoke(store_app, ["init"])
    assert (result.exit_code, result.stderr) == (0, (
        f"created: vault {paths['vault']} (0600 in a 0700 folder, encrypted with the key file "
        f"{paths['key']})\n"))
    assert oct(paths["vault"].stat().st_mode & 0o777) == "0o600"
    assert oct(paths["vault"].parent.stat().st_mode & 0o777) == "0o700"
    assert json.loads(paths["vault"].read_text())["access"] == {"readers": []}
    again = runner.invoke(store_app, ["init"])
    assert (again.exit_code, again.stderr) == (0, (
        f"checked: vault {paths['vault']} (0600 in a 0700 folder, encrypted with the key file "
        f"{paths['key']})\n"))


def test_machine_scope_and_readers_are_windows_only(runner: CliRunner,
                                                    paths: dict[str, Path]) -> None:
    machine = runner.invoke(store_app, ["init", "--machine"])
    assert (machine.exit_code, machine.stderr) == (2, (
        "tokenward: error: machine scope is Windows DPAPI; on this platform the vault is encrypted with "
        "the key file, which only its owner may read\n"))
    reader = runner.invoke(store_app, ["init", "--machine", "--reader", "IIS AppPool\\MyPool"])
    assert reader.exit_code == 2
    assert reader.stderr.startswith("tokenward: error: readers name Windows accounts for a machine-scope "
                                    "vault; ")
    assert not paths["vault"].exists()


def test_readers_in_settings_are_used_and_checked(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.tokenward.store]\nreaders = ["NT SERVICE\\\\MyApp"]\nbackend = "vault"\n')
    result = runner.invoke(store_app, ["init"])
    assert result.exit_code == 2
    assert result.stderr.startswith("tokenward: error: readers name Windows accounts")
    (tmp_path / "pyproject.toml").write_text('[tool.tokenward.store]\nreader = []\n')
    typo = runner.invoke(store_app, ["doctor"])
    assert (typo.exit_code, typo.stderr) == (2, (
        f"tokenward: error: {tmp_path / 'pyproject.toml'}: tool.tokenward.store: unknown key 'reader' (known: backend, "
        "readers)\n"))


def test_doctor_shows_each_file_and_exits_by_what_it_found(
        runner: CliRunner, paths: dict[str, Path]) -> None:
    runner.invoke(store_app, ["init"])
    result = runner.invoke(store_app, ["doctor"])
    uid = os.geteuid()
    data, key = paths["vault"].parent, paths["key"]
    owner = result.stdout.split("owner ", 1)[1].split(";", 1)[0]
    assert owner.endswith(f"(uid {uid})")
    assert (result.exit_code, result.stdout) == (0, (
        f"ok       folder {data}: owner {owner}; mode 0700\n"
        f"ok       vault {data}/vault.json: owner {owner}; mode 0600\n"
        f"ok       key file {key}: owner {owner}; mode 0600\n"
        f"ok       lock file {data}/vault.json.lock: owner {owner}; mode 0600\n"
        f"absent   token database {data}/tokens.db\n"
        f"absent   token database {data}/tokens.db-wal\n"
        f"absent   token database {data}/tokens.db-shm\n"
        f"absent   audit log {data}/tokens.db.audit.jsonl\n"
        f"absent   lock file {data}/tokens.db.audit.jsonl.lock\n"))
    key.chmod(0o640)
    opened = runner.invoke(store_app, ["doctor"])
    assert opened.exit_code == 1
    assert (f"PROBLEM  key file {key}: owner {owner}; mode 0640\n"
            "         is accessible by other users (mode 0640)\n"
            f"         to fix: restrict it with `chmod 600 {key}`\n") in opened.stdout
    report = json.loads(runner.invoke(store_app, ["doctor", "--json"]).stdout)
    assert report["ok"] is False
    assert [f["kind"] for f in report["files"] if f["problems"]] == ["key file"]


def test_credential_manager_is_windows_only(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.tokenward.store]\nbackend = "credential-manager"\n')
    result = runner.invoke(store_app, ["get", "DB_PASSWORD"])
    assert (result.exit_code, result.stderr) == (
        2, "tokenward: error: Windows Credential Manager is only available on Windows\n")
