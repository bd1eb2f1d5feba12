from __future__ import annotations

import base64
import contextlib
import hmac
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from hashlib import sha256
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenward.store.errors import (
    InsufficientScope,
    InvalidToken,
    ScopeError,
    TokenError,
    TokenStoreError,
)
from tokenward.store.token_format import format_token, generate_token, parse_token
from tokenward.store.tokens import HMAC_KEY_NAME, Issuer, Policy, normalise_scopes
from tokenward.store.vault import Vault

from .conftest import START, FakeClock, all_bytes_under


def _events(issuer: Issuer) -> list[tuple[str, str, str | None, str | None]]:
    return [(e.event, e.outcome, e.token_id, e.reason) for e in issuer.audit.read()]


# ---- issuing -----------------------------------------------------------------------------


def test_issued_token_has_the_format_and_default_lifetime(issuer: Issuer) -> None:
    pair = issuer.issue("alice", ["read"])
    parsed = parse_token(pair.access.token)
    assert parsed is not None and parsed.kind == "at"
    assert parsed.token_id == pair.access.info.token_id
    assert pair.refresh is None
    assert pair.access.info.issued_at == START
    assert pair.access.info.expires_at == START + timedelta(minutes=15)
    assert "token=" not in repr(pair.access) and pair.access.token not in repr(pair)


def test_only_an_hmac_of_the_token_is_stored(issuer: Issuer, vault: Vault) -> None:
    pair = issuer.issue("alice", ["read"], with_refresh=True)
    key = base64.b64decode(vault.get(HMAC_KEY_NAME))
    with sqlite3.connect(issuer.db_path) as db:
        rows = dict(db.execute("SELECT id, digest FROM tokens").fetchall())
    for issued in (pair.access, pair.refresh):
        assert issued is not None
        assert rows[issued.info.token_id] == hmac.new(key, issued.token.encode(), sha256).digest()


def test_token_never_reaches_database_wal_or_audit_log(issuer: Issuer, tmp_path: Path,
                                                        clock: FakeClock) -> None:
    pair = issuer.issue("alice", ["read"], with_refresh=True)
    assert pair.refresh is not None
    issuer.verify(pair.access.token)
    rotated = issuer.rotate(pair.access.info.token_id, timedelta(minutes=1))
    again = issuer.refresh(pair.refresh.token)
    with pytest.raises(InvalidToken):
        issuer.refresh(pair.refresh.token)  # reuse
    issuer.revoke(again.access.token)
    clock.advance(hours=1)
    with pytest.raises(InvalidToken):
        issuer.verify(rotated.token)
    issued = [pair.access.token, pair.refresh.token, rotated.token, again.access.token]
    assert again.refresh is not None
    issued.append(again.refresh.token)
    everything = all_bytes_under(tmp_path)  # db, -wal, -shm, audit log, vault, key
    for token in issued:
        secret = token.split("_")[3]
        assert token.encode() not in everything
        assert secret[:20].encode() not in everything


def test_scopes_must_be_a_non_empty_subset_of_the_grant(issuer: Issuer) -> None:
    with pytest.raises(ScopeError, match="scopes billing exceed the grant of 'alice'"):
        issuer.issue("alice", ["read", "billing"])
    with pytest.raises(ScopeError, match="an empty scope set is refused"):
        issuer.issue("alice", [])
    with pytest.raises(ScopeError, match="wildcard scope 'read:\\*' refused"):
        issuer.issue("alice", ["read:*"])
    with pytest.raises(ScopeError, match="subject 'bob' has no grant"):
        issuer.issue("bob", ["read"])


def test_grant_refuses_wildcards_and_empty_sets(issuer: Issuer) -> None:
    with pytest.raises(ScopeError, match="wildcard scope '\\*' refused"):
        issuer.grant("bob", ["*"])
    with pytest.raises(ScopeError, match="empty scope set"):
        issuer.grant("bob", "")


scope_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz:.", min_size=1, max_size=12)


@pytest.fixture(scope="module")
def shared_issuer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Issuer]:
    """One database for all hypothesis examples (a new one per example is needlessly slow)."""
    directory = tmp_path_factory.mktemp("scopes")
    with Issuer(directory / "t.db", b"k" * 32, clock=FakeClock()) as issuer:
        yield issuer


@settings(max_examples=100, deadline=None)
@given(granted=st.frozensets(scope_names, min_size=1, max_size=6),
       requested=st.frozensets(scope_names, max_size=6))
def test_issue_succeeds_exactly_for_non_empty_subsets(shared_issuer: Issuer,
                                                      granted: frozenset[str],
                                                      requested: frozenset[str]) -> None:
    shared_issuer.grant("s", granted)
    if requested and requested <= granted:
        pair = shared_issuer.issue("s", requested, with_refresh=True)
        assert pair.access.info.scopes == requested
        assert pair.refresh is not None
        # A refresh that asks for anything beyond the token's scopes is refused too.
        wider = requested | (granted - requested)
        if wider != requested:
            with pytest.raises(ScopeError):
                shared_issuer.refresh(pair.refresh.token, wider)
    else:
        with pytest.raises(ScopeError):
            shared_issuer.issue("s", requested)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=8), max_size=5))
def test_normalise_scopes_never_accepts_wildcards_or_blank(scopes: list[str]) -> None:
    try:
        result = normalise_scopes(scopes)
    except ScopeError:
        return
    assert result and all("*" not in s and s.strip() == s and s for s in result)


# ---- verifying ---------------------------------------------------------------------------


def test_verify_checks_scopes(issuer: Issuer) -> None:
    token = issuer.issue("alice", ["read", "write"]).access.token
    assert issuer.verify(token, ["read"]).subject == "alice"
    with pytest.raises(InsufficientScope, match="token lacks scope admin"):
        issuer.verify(token, ["read", "admin"])


def test_expiry_is_exclusive_expires_equal_now_is_expired(issuer: Issuer,
                                                          clock: FakeClock) -> None:
    pair = issuer.issue("alice", ["read"])
    clock.advance(minutes=14, seconds=59, microseconds=999_999)
    issuer.verify(pair.access.token)
    clock.advance(microseconds=1)
    assert clock.now == pair.access.info.expires_at
    with pytest.raises(InvalidToken, match=r"token is not active \(expired\)"):
        issuer.verify(pair.access.token)
    assert issuer.introspect(pair.access.token) == {"active": False}


def test_verify_failures_are_distinguished_in_the_audit_log_only(issuer: Issuer) -> None:
    good = issuer.issue("alice", ["read"], with_refresh=True)
    assert good.refresh is not None
    parsed = parse_token(good.access.token)
    assert parsed is not None
    forged = format_token("at", parsed.token_id, "A" * 43)  # right id, wrong secret
    unknown = generate_token("at")
    cases = {"malformed": "not-a-token", "unknown": unknown, "bad-secret": forged,
             "not-an-access-token": good.refresh.token}
    for reason, token in cases.items():
        with pytest.raises(InvalidToken) as error:
            issuer.verify(token)
        assert error.value.reason == reason
        assert token not in str(error.value)
    failures = [(e.reason, e.token_id) for e in issuer.audit.read() if e.event == "verify_failure"]
    assert failures == [("malformed", None), ("unknown", parse_token(unknown).token_id),  # type: ignore[union-attr]
                        ("bad-secret", parsed.token_id),
                        ("not-an-access-token", good.refresh.info.token_id)]


def test_unknown_id_costs_the_same_work(issuer: Issuer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Count the HMAC computations and constant-time comparisons per verification."""
    import tokenward.store.tokens as tokens

    calls: list[str] = []
    real_new, real_compare = tokens.hmac.new, tokens.hmac.compare_digest

    class CountingHmac:
        @staticmethod
        def new(*args: object, **kwargs: object) -> object:
            calls.append("hmac")
            return real_new(*args, **kwargs)  # type: ignore[arg-type]

        @staticmethod
        def compare_digest(a: bytes, b: bytes) -> bool:
            calls.append(f"compare:{len(a)}:{len(b)}")
            return real_compare(a, b)

    token = issuer.issue("alice", ["read"]).access.token
    monkeypatch.setattr(tokens, "hmac", CountingHmac)
    work = []
    for candidate in (token, generate_token("at"), "garbage"):
        calls.clear()
        with contextlib.suppress(InvalidToken):
            issuer.verify(candidate)
        work.append(list(calls))
    assert work[0] == work[1] == work[2] == ["hmac", "compare:32:32"]


# ---- refreshing --------------------------------------------------------------------------


def test_refresh_rotates_and_is_single_use(issuer: Issuer) -> None:
    first = issuer.issue("alice", ["read", "write"], with_refresh=True)
    assert first.refresh is not None
    second = issuer.refresh(first.refresh.token)
    assert second.refresh is not None
    assert second.refresh.info.family == first.refresh.info.family
    assert second.refresh.info.parent == first.refresh.info.token_id
    assert second.access.info.scopes == frozenset({"read", "write"})
    issuer.verify(second.access.token)
    third = issuer.refresh(second.refresh.token, ["read"])  # narrowing is allowed
    assert third.access.info.scopes == frozenset({"read"})


def test_refresh_never_widens_scope(issuer: Issuer) -> None:
    pair = issuer.issue("alice", ["read"], with_refresh=True)
    assert pair.refresh is not None
    with pytest.raises(ScopeError, match="scopes write exceed the refreshed token's scopes"):
        issuer.refresh(pair.refresh.token, ["read", "write"])
    narrowed = issuer.refresh(pair.refresh.token)  # the failed attempt did not use it up
    assert narrowed.access.info.scopes == frozenset({"read"})


def test_refresh_follows_a_narrowed_grant(issuer: Issuer) -> None:
    pair = issuer.issue("alice", ["read", "write"], with_refresh=True)
    assert pair.refresh is not None
    issuer.grant("alice", ["read"])
    assert issuer.refresh(pair.refresh.token).access.info.scopes == frozenset({"read"})


def test_reuse_revokes_the_whole_family_and_is_audited(issuer: Issuer) -> None:
    first = issuer.issue("alice", ["read"], with_refresh=True)
    assert first.refresh is not None
    second = issuer.refresh(first.refresh.token)
    assert second.refresh is not None
    other = issuer.issue("alice", ["read"], with_refresh=True)  # another family: untouched
    with pytest.raises(InvalidToken, match=r"\(reused\)"):
        issuer.refresh(first.refresh.token)
    for token in (first.access.token, second.access.token):
        with pytest.raises(InvalidToken, match=r"\(revoked\)"):
            issuer.verify(token)
    with pytest.raises(InvalidToken, match=r"\(revoked\)"):
        issuer.refresh(second.refresh.token)
    issuer.verify(other.access.token)
    reuse = [e for e in issuer.audit.read() if e.event == "reuse_detected"]
    assert [(e.token_id, e.family, e.subject, e.outcome) for e in reuse] == [
        (first.refresh.info.token_id, first.refresh.info.family, "alice", "denied")]


def test_refresh_family_has_an_absolute_lifetime_cap(tmp_path: Path, vault: Vault,
                                                     clock: FakeClock) -> None:
    policy = Policy(access_ttl=timedelta(minutes=15), refresh_ttl=timedelta(days=1),
                    refresh_max_lifetime=timedelta(days=3))
    with Issuer.open(tmp_path / "cap.db", vault=vault, clock=clock, policy=policy) as issuer:
        issuer.grant("alice", ["read"])
        pair = issuer.issue("alice", ["read"], with_refresh=True)
        assert pair.refresh is not None
        token = pair.refresh.token
        for _ in range(2):
            clock.advance(hours=23)
            refreshed = issuer.refresh(token)
            assert refreshed.refresh is not None
            token = refreshed.refresh.token
        # 46 h in: the new refresh token's idle life is cut to the family cap (72 h).
        assert refreshed.refresh.info.expires_at == START + timedelta(days=2, hours=22)
        clock.advance(hours=23)
        last = issuer.refresh(token)
        assert last.refresh is not None
        assert last.refresh.info.expires_at == START + timedelta(days=3)
        clock.now = START + timedelta(days=3)
        with pytest.raises(InvalidToken, match=r"\(expired\)"):
            issuer.refresh(last.refresh.token)


def test_expired_refresh_token_is_refused(issuer: Issuer, clock: FakeClock) -> None:
    pair = issuer.issue("alice", ["read"], with_refresh=True)
    assert pair.refresh is not None
    clock.now = pair.refresh.info.expires_at
    with pytest.raises(InvalidToken, match=r"\(expired\)"):
        issuer.refresh(pair.refresh.token)


def test_access_token_cannot_be_used_to_refresh(issuer: Issuer) -> None:
    pair = issuer.issue("alice", ["read"], with_refresh=True)
    with pytest.raises(InvalidToken, match="not-a-refresh-token"):
        issuer.refresh(pair.access.token)


# ---- revocation and introspection --------------------------------------------------------


def test_revocation_is_immediate_and_idempotent(issuer: Issuer) -> None:
    token = issuer.issue("alice", ["read"]).access.token
    issuer.revoke(token)
    with pytest.raises(InvalidToken, match=r"\(revoked\)"):
        issuer.verify(token)
    issuer.revoke(token)
    issuer.revoke(generate_token("at"))  # unknown: not an error (RFC 7009)
    issuer.revoke("garbage")
    outcomes = [(e.outcome, e.reason) for e in issuer.audit.read() if e.event == "revoke"]
    assert outcomes == [("ok", "token"), ("ok", "already revoked"), ("ignored", "unknown"),
                        ("ignored", "malformed")]


def test_revoke_needs_the_whole_token_not_just_the_public_id(issuer: Issuer) -> None:
    pair = issuer.issue("alice", ["read"])
    forged = format_token("at", pair.access.info.token_id, "B" * 43)
    issuer.revoke(forged)
    issuer.verify(pair.access.token)


def test_revoking_a_refresh_token_revokes_its_family(issuer: Issuer) -> None:
    pair = issuer.issue("alice", ["read"], with_refresh=True)
    assert pair.refresh is not None
    issuer.revoke(pair.refresh.token)
    with pytest.raises(InvalidToken, match=r"\(revoked\)"):
        issuer.verify(pair.access.token)
    assert issuer.introspect(pair.refresh.token) == {"active": False}


def test_revoke_by_id(issuer: Issuer) -> None:
    pair = issuer.issue("alice", ["read"])
    assert issuer.revoke_id(pair.access.info.token_id) is True
    assert issuer.revoke_id("aaaaaaaaaaaaaaaa") is False
    with pytest.raises(InvalidToken):
        issuer.verify(pair.access.token)


def test_introspect_is_rfc7662_shaped(issuer: Issuer) -> None:
    pair = issuer.issue("alice", ["write", "read"], with_refresh=True)
    assert pair.refresh is not None
    assert issuer.introspect(pair.access.token) == {
        "active": True, "scope": "read write", "sub": "alice", "token_type": "access_token",
        "exp": int((START + timedelta(minutes=15)).timestamp()), "iat": int(START.timestamp()),
        "jti": pair.access.info.token_id,
    }
    assert issuer.introspect(pair.refresh.token)["token_type"] == "refresh_token"
    for inactive in ("", "nonsense", generate_token("at")):
        assert issuer.introspect(inactive) == {"active": False}


def test_gc_removes_records_only_after_they_would_have_expired(issuer: Issuer,
                                                               clock: FakeClock) -> None:
    access = issuer.issue("alice", ["read"]).access
    pair = issuer.issue("alice", ["read"], with_refresh=True)
    assert pair.refresh is not None
    issuer.revoke(access.token)
    assert issuer.gc() == 0  # revoked, but not yet past its expiry
    assert issuer.get_info(access.info.token_id) is not None
    clock.now = access.info.expires_at
    assert issuer.gc() == 2  # both access tokens
    assert issuer.get_info(access.info.token_id) is None
    clock.now = pair.refresh.info.family_expires_at
    assert issuer.gc() == 1
    assert issuer.list_tokens(include_inactive=True) == []


def test_used_refresh_token_is_kept_for_reuse_detection_until_the_family_ends(
        issuer: Issuer, clock: FakeClock) -> None:
    pair = issuer.issue("alice", ["read"], with_refresh=True)
    assert pair.refresh is not None
    issuer.refresh(pair.refresh.token)
    clock.now = pair.refresh.info.expires_at + timedelta(hours=1)
    issuer.gc()
    with pytest.raises(InvalidToken, match=r"\(reused\)"):
        issuer.refresh(pair.refresh.token)


# ---- rotation ----------------------------------------------------------------------------


def test_rotate_issues_a_successor_and_shortens_the_old_token(issuer: Issuer,
                                                              clock: FakeClock) -> None:
    old = issuer.issue("alice", ["read"], ttl=timedelta(days=90)).access
    clock.advance(days=60)
    assert [i.token_id for i in issuer.due_for_rotation(timedelta(days=60))] == \
        [old.info.token_id]
    assert issuer.due_for_rotation(timedelta(days=61)) == []
    successor = issuer.rotate(old.info.token_id, timedelta(hours=1))
    assert successor.info.expires_at == clock.now + timedelta(days=90)
    assert successor.info.parent == old.info.token_id
    assert issuer.due_for_rotation(timedelta(days=60)) == []
    issuer.verify(old.token)
    clock.advance(hours=1)
    with pytest.raises(InvalidToken, match=r"\(expired\)"):
        issuer.verify(old.token)
    issuer.verify(successor.token)
    with pytest.raises(TokenError, match="already rotated"):
        issuer.rotate(old.info.token_id, timedelta(0))
    rotations = [(e.token_id, e.successor) for e in issuer.audit.read() if e.event == "rotate"]
    assert rotations == [(old.info.token_id, successor.info.token_id)]


def test_every_token_expires(issuer: Issuer) -> None:
    with pytest.raises(ValueError, match="lifetime of 367d is not allowed: it must be "
                                         "positive and at most 366d"):
        issuer.issue("alice", ["read"], ttl=timedelta(days=367))
    with pytest.raises(ValueError, match="lifetime of 0s is not allowed: it must be positive"):
        issuer.issue("alice", ["read"], ttl=timedelta(0))
    with pytest.raises(ValueError, match="access_ttl must be positive"):
        Policy(access_ttl=timedelta(0))


# ---- audit -------------------------------------------------------------------------------


def test_audit_log_records_the_lifecycle(issuer: Issuer) -> None:
    pair = issuer.issue("alice", ["read"], with_refresh=True)
    assert pair.refresh is not None
    issuer.refresh(pair.refresh.token)
    issuer.revoke(pair.access.token)
    events = [(e.event, e.outcome, e.subject, e.scopes) for e in issuer.audit.read()]
    assert events == [
        ("grant", "ok", "alice", ("admin", "read", "write")),
        ("issue", "ok", "alice", ("read",)),
        ("issue", "ok", "alice", ("read",)),
        ("refresh", "ok", "alice", ("read",)),
        ("issue", "ok", "alice", ("read",)),
        ("revoke", "ok", "alice", ("read",)),
    ]
    assert {e.time for e in issuer.audit.read()} == {"2026-01-01T12:00:00.000000Z"}


# ---- the database file -------------------------------------------------------------------


def test_database_uses_wal_and_owner_only_files(issuer: Issuer) -> None:
    issuer.issue("alice", ["read"])
    with sqlite3.connect(issuer.db_path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert issuer.db_path.stat().st_mode & 0o777 == 0o600
    assert issuer.audit.path.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(("content", "message"), [
    (b"SQLite format 3\x00" + b"\x00" * 50, "is corrupt or not a tokenward database"),
    (b"this is not a database at all" * 100, "is corrupt or not a tokenward database"),
])
def test_corrupt_database_gives_a_clear_error_and_is_untouched(tmp_path: Path, content: bytes,
                                                               message: str) -> None:
    path = tmp_path / "broken.db"
    path.write_bytes(content)
    with pytest.raises(TokenStoreError, match=message):
        Issuer(path, b"k" * 32)
    assert path.read_bytes() == content


def test_truncated_database_gives_a_clear_error_and_is_untouched(issuer: Issuer,
                                                                 vault: Vault) -> None:
    for _ in range(30):
        issuer.issue("alice", ["read"])
    issuer.close()
    raw = issuer.db_path.read_bytes()
    issuer.db_path.write_bytes(raw[: len(raw) // 3])
    truncated = issuer.db_path.read_bytes()
    with pytest.raises(TokenStoreError) as error, \
            Issuer.open(issuer.db_path, vault=vault) as reopened:
        reopened.list_tokens(include_inactive=True)
    assert "it was left untouched" in str(error.value)
    assert issuer.db_path.read_bytes() == truncated


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (body TEXT)")
    with pytest.raises(TokenStoreError, match="is an SQLite database but not a tokenward token "
                                              "database; it was left untouched"):
        Issuer(path, b"k" * 32)


def test_wrong_hmac_key_is_refused(issuer: Issuer) -> None:
    issuer.close()
    with pytest.raises(TokenStoreError, match=r"was created with HMAC key .* but the vault holds "
                                              r"key .*: tokens cannot be verified"):
        Issuer(issuer.db_path, b"x" * 32)
