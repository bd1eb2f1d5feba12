"""Attacks on the issuer (issue 15, item 16): each test performs the attack and names the
exact outcome that must hold."""

from __future__ import annotations

import contextlib
import secrets
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

import tokenward.store.tokens as tokens
from tokenward.store.audit import AuditLog
from tokenward.cli.store import token_app
from tokenward.store.errors import InsufficientScope, InvalidToken, TokenError
from tokenward.store.token_format import format_token, generate_token, new_secret, parse_token
from tokenward.store.tokens import Issuer


@pytest.fixture
def issuer(tmp_path: Path) -> Iterator[Issuer]:
    with Issuer(tmp_path / "tokens.db", secrets.token_bytes(32),
                audit=AuditLog(tmp_path / "audit.jsonl")) as opened:
        opened.grant("alice", ["read", "admin"])
        yield opened


def _reason(issuer: Issuer, token: str) -> str:
    with pytest.raises(InvalidToken) as error:
        issuer.verify(token)
    return error.value.reason


# ---- (a) a rotated access token must stay in its refresh family ---------------------------


def test_refresh_reuse_revokes_the_successor_of_a_rotated_access_token(issuer: Issuer) -> None:
    login = issuer.issue("alice", ["read"], with_refresh=True)
    assert login.refresh is not None
    successor = issuer.rotate(login.access.info.token_id, timedelta(minutes=1))
    issuer.refresh(login.refresh.token)  # the legitimate client refreshes
    with pytest.raises(InvalidToken, match=r"\(reused\)"):
        issuer.refresh(login.refresh.token)  # the thief replays the stolen refresh token
    assert _reason(issuer, successor.token) == "revoked"
    assert successor.info.family == login.refresh.info.family


def test_revoking_the_refresh_token_revokes_the_rotated_successor(issuer: Issuer) -> None:
    login = issuer.issue("alice", ["read"], with_refresh=True)
    assert login.refresh is not None
    successor = issuer.rotate(login.access.info.token_id, timedelta(0))
    issuer.revoke(login.refresh.token)
    assert _reason(issuer, successor.token) == "revoked"


def test_a_successor_cannot_outlive_its_family(issuer: Issuer) -> None:
    # Rotation must not become a way to extend a login past the family's absolute cap.
    login = issuer.issue("alice", ["read"], with_refresh=True)
    assert login.refresh is not None
    successor = issuer.rotate(login.access.info.token_id, timedelta(0))
    assert successor.info.expires_at <= login.refresh.info.family_expires_at
    assert successor.info.family_expires_at == login.refresh.info.family_expires_at


def test_a_standalone_api_token_still_rotates_to_a_full_lifetime(issuer: Issuer) -> None:
    old = issuer.issue("alice", ["read"], ttl=timedelta(days=90)).access
    successor = issuer.rotate(old.info.token_id, timedelta(hours=1))
    assert successor.info.expires_at - successor.info.issued_at == timedelta(days=90)
    assert successor.info.family == successor.info.token_id  # its own family, as before


# ---- (b) narrowing a grant reaches tokens already issued ----------------------------------


def test_narrowing_a_grant_takes_the_scope_from_an_issued_long_lived_token(
        issuer: Issuer) -> None:
    api_key = issuer.issue("alice", ["read", "admin"], ttl=timedelta(days=366)).access
    issuer.grant("alice", ["read"])  # the administrator withdraws admin
    with pytest.raises(InsufficientScope, match="token lacks scope admin"):
        issuer.verify(api_key.token, ["admin"])
    assert issuer.verify(api_key.token, ["read"]).scopes == frozenset({"read"})
    assert issuer.introspect(api_key.token)["scope"] == "read"


def test_a_token_left_without_any_granted_scope_is_revoked(issuer: Issuer) -> None:
    admin_only = issuer.issue("alice", ["admin"], ttl=timedelta(days=366)).access
    issuer.grant("alice", ["read"])
    assert _reason(issuer, admin_only.token) == "revoked"
    info = issuer.get_info(admin_only.info.token_id)
    assert info is not None and info.revoke_reason == "grant-narrowed"
    grants = [e for e in issuer.audit.read() if e.event == "grant"]
    assert (grants[-1].subject, grants[-1].scopes, grants[-1].reason) == \
        ("alice", ("read",), "issued tokens: 0 narrowed, 1 revoked")


def test_widening_the_grant_again_does_not_give_the_scope_back(issuer: Issuer) -> None:
    api_key = issuer.issue("alice", ["read", "admin"], ttl=timedelta(days=366)).access
    issuer.grant("alice", ["read"])
    issuer.grant("alice", ["read", "admin"])
    with pytest.raises(InsufficientScope, match="token lacks scope admin"):
        issuer.verify(api_key.token, ["admin"])


def test_narrowing_reaches_a_refresh_family(issuer: Issuer) -> None:
    login = issuer.issue("alice", ["read", "admin"], with_refresh=True)
    assert login.refresh is not None
    issuer.grant("alice", ["read"])
    with pytest.raises(InsufficientScope):
        issuer.verify(login.access.token, ["admin"])
    assert issuer.refresh(login.refresh.token).access.info.scopes == frozenset({"read"})


def test_a_grant_narrowed_before_this_fix_reaches_its_tokens_on_the_next_open(
        tmp_path: Path) -> None:
    key = secrets.token_bytes(32)
    audit = AuditLog(tmp_path / "audit.jsonl")
    with Issuer(tmp_path / "tokens.db", key, audit=audit) as old:
        old.grant("alice", ["read", "admin"])
        api_key = old.issue("alice", ["read", "admin"], ttl=timedelta(days=366)).access
    # What an earlier tokenward's grant() did: change the grant row, nothing else.
    with contextlib.closing(sqlite3.connect(tmp_path / "tokens.db")) as db, db:
        db.execute("UPDATE grants SET scopes='read' WHERE subject='alice'")
        db.execute("DELETE FROM meta WHERE key='tokens_within_grants'")
    with Issuer(tmp_path / "tokens.db", key, audit=audit) as upgraded, \
            pytest.raises(InsufficientScope, match="token lacks scope admin"):
        upgraded.verify(api_key.token, ["admin"])


def test_narrowing_leaves_other_subjects_alone(issuer: Issuer) -> None:
    issuer.grant("bob", ["read", "admin"])
    bobs = issuer.issue("bob", ["admin"], ttl=timedelta(days=30)).access
    issuer.grant("alice", ["read"])
    assert issuer.verify(bobs.token, ["admin"]).subject == "bob"



# ---- (c) an unknown id costs what a known id with a wrong secret costs --------------------


def _work_for(issuer: Issuer, token: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The SQL statements run and the records decoded while verifying ``token``."""
    work: list[str] = []
    real_info = tokens._info

    def counting_info(row: tuple[object, ...]) -> tokens.TokenInfo:
        work.append("decode record")
        return real_info(row)

    with monkeypatch.context() as patch:
        patch.setattr(tokens, "_info", counting_info)
        issuer._db.set_trace_callback(work.append)
        try:
            with contextlib.suppress(InvalidToken):
                issuer.verify(token)
        finally:
            issuer._db.set_trace_callback(None)
    parsed = parse_token(token)
    # The statement text names the id; what matters is that the work is the same.
    return [line.replace(parsed.token_id, "<id>") if parsed else line for line in work]


def test_unknown_id_and_wrong_secret_do_the_same_lookups_and_decoding(
        issuer: Issuer, monkeypatch: pytest.MonkeyPatch) -> None:
    known = parse_token(issuer.issue("alice", ["read"]).access.token)
    assert known is not None
    wrong_secret = format_token("at", known.token_id, new_secret())
    unknown = generate_token("at")
    known_work = _work_for(issuer, wrong_secret, monkeypatch)
    unknown_work = _work_for(issuer, unknown, monkeypatch)
    assert "decode record" in known_work
    assert known_work == unknown_work


# ---- a whole token where a public id belongs ----------------------------------------------


def test_a_token_given_as_an_id_stays_out_of_errors_and_the_audit_log(
        issuer: Issuer, tmp_path: Path) -> None:
    token = issuer.issue("alice", ["read"]).access.token
    secret = token.split("_")[3]
    for attempt in (lambda: issuer.revoke_id(token),
                    lambda: issuer.rotate(token, timedelta(0))):
        with pytest.raises(TokenError) as error:
            attempt()
        assert str(error.value) == (
            "that is a whole token, not a token id: pass its id, the 16 characters after "
            "`tw_at_` or `tw_rt_` (to revoke by token, pass the token on stdin: "
            "`tokenward token revoke < token.txt`)")
    assert secret[:20] not in (tmp_path / "audit.jsonl").read_text()
    issuer.verify(token)  # and nothing happened to it


def test_a_malformed_id_is_refused_without_being_echoed(issuer: Issuer, tmp_path: Path) -> None:
    pasted = "sk_live_" + secrets.token_hex(12)
    with pytest.raises(TokenError) as error:
        issuer.revoke_id(pasted)
    assert str(error.value) == "not a token id: an id is 16 characters of lowercase base32"
    assert pasted not in (tmp_path / "audit.jsonl").read_text()


def test_the_cli_does_not_echo_or_log_a_token_given_to_revoke_id(tmp_path: Path) -> None:
    env = {"TOKENWARD_VAULT": str(tmp_path / "v.json"),
           "TOKENWARD_KEY_FILE": str(tmp_path / "v.key"),
           "TOKENWARD_TOKEN_DB": str(tmp_path / "t.db"),
           "TOKENWARD_AUDIT_LOG": str(tmp_path / "audit.jsonl")}
    runner = CliRunner(env=env)
    assert runner.invoke(token_app, ["grant", "alice", "--scope", "read"]).exit_code == 0
    token = runner.invoke(token_app, ["issue", "-s", "alice", "--scope", "read"]).stdout.strip()
    result = runner.invoke(token_app, ["revoke", "--id", token])
    assert result.exit_code == 2
    assert token.split("_")[3][:20] not in result.output
    assert token.split("_")[3][:20] not in (tmp_path / "audit.jsonl").read_text()
