from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenward.cli.store import store_app, token_app
from tokenward.store.vault import Vault

from .conftest import FakeClock

SECRET = "cli-secret-value-7788"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"TOKENWARD_VAULT": str(tmp_path / "v.json"),
            "TOKENWARD_KEY_FILE": str(tmp_path / "v.key"),
            "TOKENWARD_TOKEN_DB": str(tmp_path / "t.db"),
            "TOKENWARD_AUDIT_LOG": str(tmp_path / "audit.jsonl")}


@pytest.fixture
def runner(env: dict[str, str]) -> CliRunner:
    return CliRunner(env=env)


def _vault(env: dict[str, str], clock: FakeClock | None = None) -> Vault:
    if clock is None:
        return Vault(Path(env["TOKENWARD_VAULT"]), key_file=Path(env["TOKENWARD_KEY_FILE"]))
    return Vault(Path(env["TOKENWARD_VAULT"]), key_file=Path(env["TOKENWARD_KEY_FILE"]),
                 clock=clock)


# ---- tokenward store ---------------------------------------------------------------------


def test_set_reads_stdin_and_never_echoes(runner: CliRunner, env: dict[str, str]) -> None:
    result = runner.invoke(store_app, ["set", "DB_PASSWORD"], input=SECRET + "\n")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == f"stored: DB_PASSWORD in {env['TOKENWARD_VAULT']}\n"
    assert _vault(env).get("DB_PASSWORD") == SECRET  # exactly one trailing newline dropped


def test_set_refuses_the_value_as_an_argument(runner: CliRunner, env: dict[str, str]) -> None:
    result = runner.invoke(store_app, ["set", "DB_PASSWORD", SECRET])
    assert result.exit_code == 2
    assert "Got unexpected extra argument" in result.output
    assert not Path(env["TOKENWARD_VAULT"]).exists()


def test_set_refuses_empty_input(runner: CliRunner) -> None:
    result = runner.invoke(store_app, ["set", "DB_PASSWORD"], input="")
    assert (result.exit_code, result.stderr) == (
        2, "tokenward: error: no value for DB_PASSWORD given (empty input)\n")


def test_set_with_empty_input_keeps_the_names_case(runner: CliRunner) -> None:
    result = runner.invoke(store_app, ["set", "MY_KEY"], input="")
    assert (result.exit_code, result.stderr) == (
        2, "tokenward: error: no value for MY_KEY given (empty input)\n")


def test_set_does_not_replace_a_different_value_without_force(runner: CliRunner,
                                                              env: dict[str, str]) -> None:
    runner.invoke(store_app, ["set", "A"], input="first\n")
    result = runner.invoke(store_app, ["set", "A"], input="second\n")
    assert result.exit_code == 1
    assert result.stderr == ("tokenward: error: secret 'A' already holds a different value; use "
                             "`tokenward store rotate A` to replace it (or pass --force to "
                             "overwrite it without a grace period)\n")
    assert runner.invoke(store_app, ["set", "A", "--force"], input="second\n").exit_code == 0
    assert _vault(env).get("A") == "second"


def test_get_hides_the_value_unless_revealed(runner: CliRunner, env: dict[str, str]) -> None:
    runner.invoke(store_app, ["set", "API_KEY"], input=SECRET)
    rotated = _vault(env).info("API_KEY").rotated_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    hidden = runner.invoke(store_app, ["get", "API_KEY"])
    assert hidden.exit_code == 0
    assert hidden.stdout == (f"API_KEY is set, from the vault {env['TOKENWARD_VAULT']} "
                             f"(rotated {rotated}); pass --reveal to print it\n")
    shown = runner.invoke(store_app, ["get", "API_KEY", "--reveal"])
    assert (shown.exit_code, shown.stdout) == (0, SECRET + "\n")


def test_get_reports_the_environment_first(runner: CliRunner, env: dict[str, str]) -> None:
    result = runner.invoke(store_app, ["get", "API_KEY"], env={**env, "API_KEY": "from-env"})
    assert result.stdout == ("API_KEY is set, from the environment variable (it takes "
                             "precedence over the vault); pass --reveal to print it\n")


def test_get_missing_exits_1_with_how_to_set_it(runner: CliRunner, env: dict[str, str]) -> None:
    result = runner.invoke(store_app, ["get", "NOPE"])
    assert result.exit_code == 1
    assert result.stderr == ("tokenward: error: secret 'NOPE' not found: set the environment "
                             "variable NOPE, or store it with `tokenward store set NOPE` "
                             f"(vault: {env['TOKENWARD_VAULT']})\n")


def test_invalid_name_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(store_app, ["get", "not valid"])
    assert result.exit_code == 2
    assert result.stderr.startswith("tokenward: error: invalid secret name 'not valid'")


def test_list_shows_names_and_dates_never_values(runner: CliRunner, env: dict[str, str]) -> None:
    clock = FakeClock()
    _vault(env, clock).set("B_TOKEN", SECRET)
    _vault(env, clock).set("A_KEY", SECRET)
    table = runner.invoke(store_app, ["list"])
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["NAME", "ROTATED", "AGE", "PREVIOUS", "VALUE", "KEPT", "UNTIL"]
    assert [line.split()[:2] for line in lines[1:]] == [["A_KEY", "2026-01-01T12:00:00Z"],
                                                         ["B_TOKEN", "2026-01-01T12:00:00Z"]]
    as_json = json.loads(runner.invoke(store_app, ["list", "--json"]).stdout)
    assert as_json == [
        {"name": "A_KEY", "created_at": "2026-01-01T12:00:00Z",
         "rotated_at": "2026-01-01T12:00:00Z", "previous_until": None},
        {"name": "B_TOKEN", "created_at": "2026-01-01T12:00:00Z",
         "rotated_at": "2026-01-01T12:00:00Z", "previous_until": None}]
    assert SECRET not in table.output


def test_delete_asks_unless_yes(runner: CliRunner, env: dict[str, str]) -> None:
    runner.invoke(store_app, ["set", "A"], input=SECRET)
    refused = runner.invoke(store_app, ["delete", "A"])
    assert (refused.exit_code, refused.stderr) == (
        2, "tokenward: error: refusing to delete without --yes when not run from a terminal\n")
    assert runner.invoke(store_app, ["delete", "A", "--yes"]).exit_code == 0
    missing = runner.invoke(store_app, ["delete", "A", "--yes"])
    assert (missing.exit_code, missing.stderr) == (
        1, f"tokenward: error: secret 'A' is not in {env['TOKENWARD_VAULT']}\n")


def test_rotate_keeps_the_old_value_for_the_grace(runner: CliRunner, env: dict[str, str]) -> None:
    runner.invoke(store_app, ["set", "A"], input="old-value")
    result = runner.invoke(store_app, ["rotate", "A", "--grace", "2h"], input="new-value")
    assert result.exit_code == 0
    assert result.stderr == "rotated: A; the previous value stays readable for 2h\n"
    assert _vault(env).values("A") == ("new-value", "old-value")
    missing = runner.invoke(store_app, ["rotate", "NOPE"], input="x")
    assert missing.exit_code == 1


def test_due_exits_1_when_something_is_due(runner: CliRunner, env: dict[str, str]) -> None:
    old = FakeClock()
    old.now -= timedelta(days=400)
    _vault(env, old).set("OLD", SECRET)
    _vault(env).set("NEW", SECRET)
    result = runner.invoke(store_app, ["due", "--max-age", "90d"])
    assert result.exit_code == 1
    assert result.stdout.startswith("OLD: last rotated ")
    assert result.stdout.count("\n") == 1
    assert runner.invoke(store_app, ["due", "--max-age", "5000d"]).exit_code == 0
    bad = runner.invoke(store_app, ["due", "--max-age", "ninety days"])
    assert (bad.exit_code, bad.stderr) == (2, "tokenward: error: invalid duration 'ninety "
                                              "days': use e.g. 90d, 12h, 15m, 1h30m, 2w, 45s\n")


def test_options_override_environment_paths(runner: CliRunner, tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    result = runner.invoke(store_app, ["set", "A", "--vault", str(other), "--key-file",
                                       str(tmp_path / "other.key")], input=SECRET)
    assert result.exit_code == 0
    assert other.exists() and (tmp_path / "other.key").exists()
    assert not (tmp_path / "v.json").exists()


def test_corrupt_vault_is_a_clean_error(runner: CliRunner, env: dict[str, str]) -> None:
    Path(env["TOKENWARD_VAULT"]).write_text('{"format": "tokenward-vault", "sch')
    for args in (["get", "A"], ["list"], ["set", "A"]):
        result = runner.invoke(store_app, args, input=SECRET)
        assert result.exit_code == 2
        assert result.stderr.startswith(f"tokenward: error: vault {env['TOKENWARD_VAULT']} is "
                                        "unreadable (truncated or corrupt JSON at byte")
        assert "Traceback" not in result.output
    assert Path(env["TOKENWARD_VAULT"]).read_text() == '{"format": "tokenward-vault", "sch'


# ---- tokenward token ---------------------------------------------------------------------


def _issue(runner: CliRunner, *extra: str) -> list[str]:
    assert runner.invoke(token_app, ["grant", "alice", "--scope", "read write"]).exit_code == 0
    result = runner.invoke(token_app, ["issue", "-s", "alice", "--scope", "read", *extra])
    assert result.exit_code == 0, result.output
    return result.stdout.split()


def test_issue_prints_tokens_on_stdout_and_ids_on_stderr(runner: CliRunner) -> None:
    access, refresh = _issue(runner, "--refresh")
    assert access.startswith("tw_at_") and refresh.startswith("tw_rt_")
    result = runner.invoke(token_app, ["issue", "-s", "alice", "--scope", "read", "--json",
                                       "--ttl", "1h"])
    (issued,) = json.loads(result.stdout)
    assert sorted(issued) == ["expires_at", "id", "kind", "scope", "subject", "token"]
    assert (issued["kind"], issued["scope"], issued["subject"]) == ("access", "read", "alice")


def test_verify_reads_stdin_and_exits_by_validity(runner: CliRunner) -> None:
    (access,) = _issue(runner)
    ok = runner.invoke(token_app, ["verify", "--scope", "read"], input=access + "\n")
    assert ok.exit_code == 0
    assert ok.stdout.startswith("active: ") and " subject=alice scope=read " in ok.stdout
    narrow = runner.invoke(token_app, ["verify", "--scope", "write"], input=access)
    assert (narrow.exit_code, narrow.stderr) == (1, "invalid: token lacks scope write\n")
    bogus = runner.invoke(token_app, ["verify"], input="tw_at_nope")
    assert (bogus.exit_code, bogus.stderr) == (1, "invalid: token is not active (malformed)\n")


def test_revoke_names_the_token_id_or_says_nothing_was_revoked(runner: CliRunner) -> None:
    (access,) = _issue(runner)
    token_id = json.loads(runner.invoke(token_app, ["introspect"], input=access).stdout)["jti"]
    assert (runner.invoke(token_app, ["revoke"], input=access).stderr
            == f"revoked: {token_id}\n")
    unknown = runner.invoke(token_app, ["revoke"], input="tw_at_not-one-of-ours")
    assert (unknown.exit_code, unknown.stderr) == (
        0, "nothing revoked: not a token of this issuer (not an error, as in RFC 7009)\n")


def test_issue_without_a_grant_is_a_refusal_exit_1(runner: CliRunner) -> None:
    result = runner.invoke(token_app, ["issue", "-s", "bob", "--scope", "read"])
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, "", "tokenward: error: subject 'bob' has no grant; grant scopes first\n")
    _issue(runner)
    wider = runner.invoke(token_app, ["issue", "-s", "alice", "--scope", "read admin"])
    assert (wider.exit_code, wider.stderr) == (
        1, "tokenward: error: scopes admin exceed the grant of 'alice'\n")
    malformed = runner.invoke(token_app, ["issue", "-s", "alice", "--scope", "*"])
    assert malformed.exit_code == 2  # a usage error, not a refusal


def test_issue_ttl_too_long_names_the_value_given(runner: CliRunner) -> None:
    _issue(runner)
    result = runner.invoke(token_app, ["issue", "-s", "alice", "--scope", "read",
                                       "--ttl", "500d"])
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "tokenward: error: an access token lifetime of 500d is not allowed: it must "
               "be positive and at most 366d\n")


def test_audit_timestamps_end_in_z(runner: CliRunner, env: dict[str, str]) -> None:
    from tokenward.store.audit import AuditEvent, AuditLog

    # An entry an earlier version wrote with +00:00 is shown in the same form as new ones.
    AuditLog(Path(env["TOKENWARD_AUDIT_LOG"])).append(AuditEvent(
        time="2026-01-01T00:00:00.250000+00:00", event="gc", outcome="ok"))
    _issue(runner)
    lines = runner.invoke(token_app, ["audit"]).stdout.splitlines()
    assert lines[0] == "2026-01-01T00:00:00Z  gc              ok      -                 -  []"
    assert all(re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  ", line) for line in lines)
    written = [json.loads(line)["time"] for line in
               runner.invoke(token_app, ["audit", "--json"]).stdout.splitlines()[1:]]
    assert len(written) == 2  # grant, issue
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", t) for t in written)


def test_refresh_reuse_and_audit(runner: CliRunner) -> None:
    access, refresh = _issue(runner, "--refresh")
    rotated = runner.invoke(token_app, ["refresh"], input=refresh)
    assert rotated.exit_code == 0
    new_access, new_refresh = rotated.stdout.split()
    reused = runner.invoke(token_app, ["refresh"], input=refresh)
    assert (reused.exit_code, reused.stderr) == (1, "invalid: token is not active (reused)\n")
    assert runner.invoke(token_app, ["verify"], input=new_access).exit_code == 1
    audit = runner.invoke(token_app, ["audit", "--event", "reuse_detected", "--json"])
    (event,) = [json.loads(line) for line in audit.stdout.splitlines()]
    assert (event["event"], event["outcome"], event["subject"]) == \
        ("reuse_detected", "denied", "alice")
    everything = runner.invoke(token_app, ["audit"]).stdout
    for token in (access, refresh, new_access, new_refresh):
        assert token not in everything
    unknown = runner.invoke(token_app, ["audit", "--event", "nope"])
    assert unknown.exit_code == 2


def test_revoke_introspect_list_gc(runner: CliRunner) -> None:
    (access,) = _issue(runner)
    info = json.loads(runner.invoke(token_app, ["introspect"], input=access).stdout)
    assert (info["active"], info["sub"], info["scope"]) == (True, "alice", "read")
    listed = runner.invoke(token_app, ["list"])
    assert listed.stdout.startswith(info["jti"] + "  access   active ")
    revoke = runner.invoke(token_app, ["revoke"], input=access)
    assert (revoke.exit_code, revoke.stderr) == (0, f"revoked: {info['jti']}\n")
    assert runner.invoke(token_app, ["introspect"], input=access).stdout == '{"active": false}\n'
    assert runner.invoke(token_app, ["list"]).stderr == \
        "no active tokens (--all shows inactive ones)\n"
    assert "revoked" in runner.invoke(token_app, ["list", "--all"]).stdout
    by_id = runner.invoke(token_app, ["revoke", "--id", "aaaaaaaaaaaaaaaa"])
    assert (by_id.exit_code, by_id.stderr) == (
        1, "tokenward: error: no token with id 'aaaaaaaaaaaaaaaa'\n")
    gc = runner.invoke(token_app, ["gc"])
    assert (gc.exit_code, gc.stdout) == (0, "removed 0 expired token records\n")


def test_rotate_and_due(runner: CliRunner) -> None:
    _issue(runner, "--ttl", "30d")
    due = runner.invoke(token_app, ["due", "--max-age", "0s", "--json"])
    assert due.exit_code == 1
    (entry,) = json.loads(due.stdout)
    rotated = runner.invoke(token_app, ["rotate", entry["id"], "--overlap", "10m"])
    assert rotated.exit_code == 0
    assert rotated.stdout.startswith("tw_at_")
    assert runner.invoke(token_app, ["due", "--max-age", "1d"]).exit_code == 0


def test_malformed_scopes_are_usage_errors(runner: CliRunner) -> None:
    # Scopes beyond the grant are refusals (exit 1): test_issue_without_a_grant_is_...
    wildcard = runner.invoke(token_app, ["grant", "bob", "--scope", "*"])
    assert (wildcard.exit_code, wildcard.stderr) == (
        2, "tokenward: error: wildcard scope '*' refused: name each scope explicitly\n")
