"""The issuer: mints, verifies, refreshes, rotates and revokes the application's own tokens.

One SQLite file in WAL mode. Only an HMAC-SHA256 of each token is stored (the key lives in
the vault), so a copy of the database does not yield usable tokens. Every write runs in a
``BEGIN IMMEDIATE`` transaction, so concurrent processes serialise on the database.

Practices implemented (OAuth 2.0 Security BCP, RFC 9700; RFC 7009; RFC 7662):

- every token expires (access: 15 minutes by default; refresh: an idle lifetime and an
  absolute cap per family); ``expires_at == now`` is expired;
- refresh tokens are single-use and rotate on use; presenting a used one revokes its whole
  family and logs ``reuse_detected``; a refresh never widens scope;
- requested scopes must be a non-empty subset of the subject's grant, without wildcards;
  narrowing a grant narrows (or, left with no scope, revokes) the tokens already issued;
- revocation is immediate and idempotent; revoking a refresh token revokes its family;
- verification does the same work (one lookup yielding one record, a decoy's for an unknown
  id; one HMAC; one constant-time compare) whether or not the id exists;
- a rotated access token's successor stays in its refresh family.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from tokenward.store import access, paths
from tokenward.store.access import Kind
from tokenward.store.audit import AuditEvent, AuditLog, audit_time
from tokenward.store.durations import format_duration
from tokenward.store.errors import (
    GrantRefused,
    InsufficientScope,
    InvalidToken,
    ScopeError,
    TokenError,
    TokenStoreError,
)
from tokenward.store.fileio import open_private, private_dir
from tokenward.store.token_format import ID_ALPHABET, ID_LENGTH, generate_token, parse_token

FORMAT = "tokenward-tokens"
SCHEMA_VERSION = 1
HMAC_KEY_NAME = "TOKENWARD_ISSUER_HMAC_KEY"
MAX_TOKEN_CHARS = 512
_ID_RE = re.compile(f"[{ID_ALPHABET}]{{{ID_LENGTH}}}\\Z")
_SCOPE_RE = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]{1,64}\Z")  # RFC 6749 scope-token, bounded
MAX_SCOPES = 64
# Set in meta once every issued token has been cut down to its subject's grant.
_WITHIN_GRANTS = "tokens_within_grants"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

TokenKind = Literal["access", "refresh"]
_KIND_OF_PREFIX: dict[str, TokenKind] = {"at": "access", "rt": "refresh"}
_PREFIX_OF_KIND = {"access": "at", "refresh": "rt"}
Clock = Callable[[], datetime]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS grants (
    subject TEXT PRIMARY KEY, scopes TEXT NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    digest BLOB NOT NULL,
    subject TEXT NOT NULL,
    scopes TEXT NOT NULL,
    family TEXT NOT NULL,
    parent TEXT,
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    family_expires_at INTEGER NOT NULL,
    used_at INTEGER,
    revoked_at INTEGER,
    revoke_reason TEXT,
    rotated_to TEXT);
CREATE INDEX IF NOT EXISTS tokens_family ON tokens (family);
CREATE INDEX IF NOT EXISTS tokens_expires ON tokens (expires_at);
"""


def utc_now() -> datetime:
    return datetime.now(UTC)


def _micros(moment: datetime) -> int:
    """Exact integer microseconds since the epoch (no float rounding at expiry boundaries)."""
    if moment.tzinfo is None:
        raise ValueError("the clock must return timezone-aware datetimes")
    return (moment - _EPOCH) // _MICROSECOND


def _moment(micros: int) -> datetime:
    return _EPOCH + micros * _MICROSECOND


@dataclass(frozen=True)
class Policy:
    """Lifetimes. Every token expires; nothing here can be unlimited."""

    access_ttl: timedelta = timedelta(minutes=15)
    refresh_ttl: timedelta = timedelta(days=1)
    refresh_max_lifetime: timedelta = timedelta(days=30)
    # An upper bound for lifetimes callers ask for explicitly (API tokens); the default
    # access token lives 15 minutes.
    max_access_ttl: timedelta = timedelta(days=366)  # tokenward: ignore[TW304] a cap, not a default

    def __post_init__(self) -> None:
        for name in ("access_ttl", "refresh_ttl", "refresh_max_lifetime", "max_access_ttl"):
            if getattr(self, name) <= timedelta(0):
                raise ValueError(f"{name} must be positive")


@dataclass(frozen=True)
class TokenInfo:
    """A token's record without its digest."""

    token_id: str
    kind: TokenKind
    subject: str
    scopes: frozenset[str]
    family: str
    parent: str | None
    issued_at: datetime
    expires_at: datetime
    family_expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None
    revoke_reason: str | None
    rotated_to: str | None

    def status(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.used_at is not None:
            return "used"
        if now >= self.expires_at or now >= self.family_expires_at:
            return "expired"
        return "active"

    def is_active(self, now: datetime) -> bool:
        return self.status(now) == "active"


@dataclass(frozen=True)
class IssuedToken:
    """A freshly minted token: the only moment the token exists in clear."""

    token: str = field(repr=False)
    info: TokenInfo


@dataclass(frozen=True)
class TokenPair:
    access: IssuedToken
    refresh: IssuedToken | None


def normalise_scopes(scopes: Iterable[str] | str) -> frozenset[str]:
    """Scopes from a list or a space-separated string; refuses empty sets and wildcards."""
    items = scopes.split() if isinstance(scopes, str) else list(scopes)
    result = frozenset(items)
    if not result:
        raise ScopeError("at least one scope is required (an empty scope set is refused)")
    if len(result) > MAX_SCOPES:
        raise ScopeError(f"at most {MAX_SCOPES} scopes")
    for scope in sorted(result):
        if not isinstance(scope, str) or not _SCOPE_RE.match(scope):
            raise ScopeError(f"invalid scope {scope!r}: printable ASCII without spaces, "
                             "quotes or backslashes, at most 64 characters")
        if "*" in scope:
            raise ScopeError(f"wildcard scope {scope!r} refused: name each scope explicitly")
    return result


def _scope_text(scopes: frozenset[str]) -> str:
    return " ".join(sorted(scopes))


class Issuer:
    """The token issuer over one SQLite database. Safe to share between threads."""

    def __init__(self, db_path: Path, hmac_key: bytes, *, audit: AuditLog | None = None,
                 clock: Clock = utc_now, policy: Policy | None = None) -> None:
        if len(hmac_key) < 32:
            raise ValueError("the HMAC key must be at least 32 bytes")
        self.db_path = Path(db_path)
        self._key = hmac_key
        self.audit = audit if audit is not None else AuditLog(paths.audit_log_path(self.db_path))
        self._clock = clock
        self.policy = policy or Policy()
        self._lock = threading.RLock()
        self._db = self._connect()

    @classmethod
    def open(cls, db_path: Path | None = None, *, vault: Any = None,
             audit_path: Path | None = None, clock: Clock = utc_now,
             policy: Policy | None = None) -> Issuer:
        """The issuer with its HMAC key from the vault (created there on first use)."""
        from tokenward.store.vault import Vault

        db = Path(db_path) if db_path is not None else paths.token_db_path()
        store: Vault = vault if vault is not None else Vault.default()
        encoded = store.setdefault(HMAC_KEY_NAME,
                                   base64.b64encode(secrets.token_bytes(32)).decode("ascii"))
        key = base64.b64decode(encoded)
        audit = AuditLog(audit_path if audit_path is not None else paths.audit_log_path(db))
        return cls(db, key, audit=audit, clock=clock, policy=policy)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Issuer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- database ------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        private_dir(self.db_path.parent)
        existed = self.db_path.exists() and self.db_path.stat().st_size > 0
        if not self.db_path.exists():
            # Create it owner-only; SQLite gives its -wal and -shm files the same mode.
            os.close(open_private(self.db_path, os.O_WRONLY, Kind.TOKEN_DB))
        try:
            db = sqlite3.connect(self.db_path, timeout=30.0, isolation_level=None,
                                 check_same_thread=False)
        except sqlite3.Error as error:
            raise TokenStoreError(f"cannot open token database {self.db_path}: {error}") from None
        try:
            if existed:
                self._check_existing(db)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            self._initialise(db)  # its first write creates the -wal file
            self._secure_sidecars()
            _create_decoy(db)
        except sqlite3.DatabaseError as error:
            db.close()
            raise TokenStoreError(
                f"token database {self.db_path} is corrupt or not a tokenward database "
                f"({error}); it was left untouched: restore it from a backup or move it aside"
            ) from None
        except TokenStoreError:
            db.close()
            raise
        return db

    def _secure_sidecars(self) -> None:
        """Windows: SQLite creates ``-wal`` and ``-shm`` (again after every last close) with
        the folder's permissions; give them the database's own. POSIX copies its mode."""
        if not access.uses_dacls():
            return
        for suffix in ("-wal", "-shm"):
            sidecar = self.db_path.with_name(self.db_path.name + suffix)
            if sidecar.exists():
                access.secure_new(sidecar, Kind.TOKEN_DB)

    def _check_existing(self, db: sqlite3.Connection) -> None:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "meta" not in tables:
            raise TokenStoreError(f"{self.db_path} is an SQLite database but not a tokenward "
                                  "token database; it was left untouched")
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("format") != FORMAT:
            raise TokenStoreError(f"{self.db_path} is not a tokenward token database")
        if meta.get("schema") != str(SCHEMA_VERSION):
            raise TokenStoreError(f"token database {self.db_path} has schema "
                                  f"{meta.get('schema')}; this tokenward reads {SCHEMA_VERSION}")

    def _initialise(self, db: sqlite3.Connection) -> None:
        key_id = hashlib.sha256(b"tokenward-hmac-key-id\x00" + self._key).hexdigest()[:16]
        db.execute("BEGIN IMMEDIATE")
        try:
            # executescript() would commit first; run the statements one by one instead.
            for statement in filter(str.strip, _SCHEMA.split(";")):
                db.execute(statement)
            db.executemany("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                           [("format", FORMAT), ("schema", str(SCHEMA_VERSION)),
                            ("hmac_key_id", key_id)])
            stored = db.execute("SELECT value FROM meta WHERE key='hmac_key_id'").fetchone()[0]
            if stored == key_id:
                self._bring_tokens_within_grants(db)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        if stored != key_id:
            raise TokenStoreError(
                f"token database {self.db_path} was created with HMAC key {stored}, but the "
                f"vault holds key {key_id}: tokens cannot be verified with another key"
            )

    def _bring_tokens_within_grants(self, db: sqlite3.Connection) -> None:
        """Once per database: narrow tokens whose grant was narrowed before ``grant`` did it."""
        if db.execute("SELECT 1 FROM meta WHERE key=?", (_WITHIN_GRANTS,)).fetchone():
            return
        now = self._now()
        for subject, text in db.execute("SELECT subject, scopes FROM grants").fetchall():
            self._narrow_issued(db, subject, frozenset(text.split()), now)
        db.execute("INSERT INTO meta (key, value) VALUES (?, '1')", (_WITHIN_GRANTS,))

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that holds SQLite's write lock from the start."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                raise TokenStoreError(f"token database {self.db_path} is busy: {error}") from None
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _digest(self, token: str) -> bytes:
        return hmac.new(self._key, token.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()

    def _now(self) -> datetime:
        return self._clock()

    def _event(self, event: str, outcome: str, info: TokenInfo | None = None, *,
               token_id: str | None = None, reason: str | None = None,
               successor: str | None = None, subject: str | None = None,
               scopes: frozenset[str] = frozenset()) -> None:
        self.audit.append(AuditEvent(
            time=audit_time(self._now()),
            event=event, outcome=outcome,
            token_id=info.token_id if info else token_id,
            kind=info.kind if info else None,
            subject=info.subject if info else subject,
            scopes=tuple(sorted(info.scopes if info else scopes)),
            family=info.family if info else None,
            reason=reason, successor=successor,
        ))

    # ---- grants --------------------------------------------------------------------------

    def grant(self, subject: str, scopes: Iterable[str] | str) -> frozenset[str]:
        """Set what ``subject`` may be issued (replacing any previous grant).

        A narrower grant reaches the tokens already issued, in the same transaction: each
        loses the scopes withdrawn, and one left with none is revoked. Widening the grant
        later gives nothing back to them.
        """
        _check_subject(subject)
        allowed = normalise_scopes(scopes)
        now = self._now()
        with self._write() as db:
            db.execute("INSERT INTO grants (subject, scopes, updated_at) VALUES (?, ?, ?) "
                       "ON CONFLICT (subject) DO UPDATE SET scopes=excluded.scopes, "
                       "updated_at=excluded.updated_at",
                       (subject, _scope_text(allowed), _micros(now)))
            narrowed, revoked = self._narrow_issued(db, subject, allowed, now)
        reason = (f"issued tokens: {narrowed} narrowed, {revoked} revoked"
                  if narrowed or revoked else None)
        self._event("grant", "ok", subject=subject, scopes=allowed, reason=reason)
        return allowed

    def _narrow_issued(self, db: sqlite3.Connection, subject: str, allowed: frozenset[str],
                       now: datetime) -> tuple[int, int]:
        """Cut the subject's unrevoked tokens down to ``allowed``: (narrowed, revoked)."""
        narrowed = revoked = 0
        rows = db.execute("SELECT id, scopes FROM tokens WHERE subject=? AND revoked_at IS NULL",
                          (subject,)).fetchall()
        for token_id, text in rows:
            held = frozenset(text.split())
            kept = held & allowed
            if kept == held:
                continue
            if kept:
                db.execute("UPDATE tokens SET scopes=? WHERE id=?", (_scope_text(kept), token_id))
                narrowed += 1
            else:
                db.execute("UPDATE tokens SET revoked_at=?, revoke_reason='grant-narrowed' "
                           "WHERE id=?", (_micros(now), token_id))
                revoked += 1
        return narrowed, revoked

    def granted(self, subject: str) -> frozenset[str]:
        with self._lock:
            row = self._db.execute("SELECT scopes FROM grants WHERE subject=?",
                                   (subject,)).fetchone()
        return frozenset(row[0].split()) if row else frozenset()

    def _check_subset(self, requested: frozenset[str], allowed: frozenset[str],
                      what: str) -> None:
        extra = requested - allowed
        if extra:
            raise GrantRefused(f"scopes {', '.join(sorted(extra))} exceed {what}")

    # ---- issuing -------------------------------------------------------------------------

    def issue(self, subject: str, scopes: Iterable[str] | str, *, ttl: timedelta | None = None,
              with_refresh: bool = False) -> TokenPair:
        """An access token (and optionally a refresh token) for a subset of the grant."""
        _check_subject(subject)
        requested = normalise_scopes(scopes)
        lifetime = self.policy.access_ttl if ttl is None else ttl
        if not timedelta(0) < lifetime <= self.policy.max_access_ttl:
            raise ValueError(f"an access token lifetime of {format_duration(lifetime)} is not "
                             f"allowed: it must be positive and at most "
                             f"{format_duration(self.policy.max_access_ttl)}")
        now = self._now()
        with self._write() as db:
            allowed = self._granted_in(db, subject)
            if not allowed:
                raise GrantRefused(f"subject {subject!r} has no grant; grant scopes first")
            self._check_subset(requested, allowed, f"the grant of {subject!r}")
            refresh = None
            family = None
            family_expires = now + self.policy.refresh_max_lifetime
            if with_refresh:
                refresh = self._insert(db, "refresh", subject, requested, now,
                                       min(now + self.policy.refresh_ttl, family_expires),
                                       family=None, parent=None, family_expires=family_expires)
                family = refresh.info.family
            access_expires = now + lifetime
            access = self._insert(db, "access", subject, requested, now, access_expires,
                                  family=family, parent=None,
                                  family_expires=access_expires if family is None
                                  else family_expires)
        self._event("issue", "ok", access.info)
        if refresh is not None:
            self._event("issue", "ok", refresh.info)
        return TokenPair(access, refresh)

    def _granted_in(self, db: sqlite3.Connection, subject: str) -> frozenset[str]:
        row = db.execute("SELECT scopes FROM grants WHERE subject=?", (subject,)).fetchone()
        return frozenset(row[0].split()) if row else frozenset()

    def _insert(self, db: sqlite3.Connection, kind: TokenKind, subject: str,
                scopes: frozenset[str], now: datetime, expires: datetime, *,
                family: str | None, parent: str | None, family_expires: datetime) -> IssuedToken:
        token = generate_token(_PREFIX_OF_KIND[kind])
        parsed = parse_token(token)
        if parsed is None:  # pragma: no cover - generate_token always formats a valid token
            raise TokenError("internal error: generated an invalid token")
        token_id = parsed.token_id
        family_id = family or token_id
        db.execute(
            "INSERT INTO tokens (id, kind, digest, subject, scopes, family, parent, issued_at, "
            "expires_at, family_expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (token_id, kind, self._digest(token), subject, _scope_text(scopes), family_id,
             parent, _micros(now), _micros(expires), _micros(family_expires)),
        )
        info = TokenInfo(token_id, kind, subject, scopes, family_id, parent, now, expires,
                         family_expires, None, None, None, None)
        return IssuedToken(token, info)

    # ---- authenticating a presented token ------------------------------------------------

    def _authenticate(self, db: sqlite3.Connection, token: object
                      ) -> tuple[TokenInfo | None, str | None, str | None]:
        """(record, failure reason, public id): the same work whether or not the id exists.

        One lookup that always yields one row, one record decoded (the decoy's when the id is
        unknown), one HMAC, one constant-time compare; the outcome is decided only after.
        """
        text = token if isinstance(token, str) and len(token) <= MAX_TOKEN_CHARS else ""
        parsed = parse_token(text) if text else None
        row = db.execute(_LOOKUP, (parsed.token_id if parsed else "",)).fetchone()
        known, record = row[0], row[1:]
        info = _info(record)
        matches = hmac.compare_digest(self._digest(text), record[-1])
        if parsed is None:
            return None, "malformed", None
        authentic = matches and _PREFIX_OF_KIND[info.kind] == parsed.kind
        if not (known and authentic):
            return None, "bad-secret" if known else "unknown", parsed.token_id
        return info, None, parsed.token_id

    # ---- verifying -----------------------------------------------------------------------

    def verify(self, token: str, required_scopes: Iterable[str] = ()) -> TokenInfo:
        """The access token's record if it is active and carries every required scope.

        Raises :class:`InvalidToken` (respond 401) or :class:`InsufficientScope` (403).
        """
        now = self._now()
        with self._lock:
            info, reason, token_id = self._authenticate(self._db, token)
        if info is not None:
            if info.kind != "access":
                reason = "not-an-access-token"
            elif (status := info.status(now)) != "active":
                reason = status
        if reason is not None or info is None:
            failure = reason or "unknown"
            self._event("verify_failure", "denied", info, token_id=token_id, reason=failure)
            raise InvalidToken(failure)
        missing = frozenset(required_scopes) - info.scopes
        if missing:
            self._event("verify_failure", "denied", info, reason="insufficient-scope")
            raise InsufficientScope(f"token lacks scope {', '.join(sorted(missing))}")
        return info

    # ---- refreshing ----------------------------------------------------------------------

    def refresh(self, refresh_token: str, scopes: Iterable[str] | str | None = None
                ) -> TokenPair:
        """Exchange a refresh token for a new access token and a new refresh token.

        The presented token is used up. Presenting it again revokes the family.
        ``scopes`` may narrow the family's scopes, never widen them.
        """
        now = self._now()
        reuse: TokenInfo | None = None
        failure: tuple[TokenInfo | None, str, str | None] | None = None
        pair: TokenPair | None = None
        with self._write() as db:
            info, reason, token_id = self._authenticate(db, refresh_token)
            if info is None or reason is not None:
                failure = (None, reason or "unknown", token_id)
            elif info.kind != "refresh":
                failure = (info, "not-a-refresh-token", token_id)
            elif info.used_at is not None:
                self._revoke_family(db, info.family, now, "reuse-detected")
                reuse = info
            elif (status := info.status(now)) != "active":
                failure = (info, status, token_id)
            else:
                family_scopes = info.scopes & self._granted_in(db, info.subject)
                requested = family_scopes if scopes is None else normalise_scopes(scopes)
                if not family_scopes:
                    failure = (info, "grant-withdrawn", token_id)
                else:
                    self._check_subset(requested, family_scopes, "the refreshed token's scopes")
                    pair = self._rotate_refresh(db, info, requested, now)
        if reuse is not None:
            self._event("reuse_detected", "denied", reuse, reason="used refresh token presented; "
                        "family revoked")
            raise InvalidToken("reused")
        if failure is not None or pair is None:
            record, why, token_id = failure or (None, "unknown", None)
            self._event("refresh_failure", "denied", record, token_id=token_id, reason=why)
            raise InvalidToken(why)
        if pair.refresh is None:  # pragma: no cover - _rotate_refresh always issues one
            raise TokenError("internal error: refresh produced no refresh token")
        self._event("refresh", "ok", pair.refresh.info,
                    reason=f"replaces {pair.refresh.info.parent}")
        self._event("issue", "ok", pair.access.info)
        return pair

    def _rotate_refresh(self, db: sqlite3.Connection, used: TokenInfo, scopes: frozenset[str],
                        now: datetime) -> TokenPair:
        refresh = self._insert(db, "refresh", used.subject, scopes, now,
                               min(now + self.policy.refresh_ttl, used.family_expires_at),
                               family=used.family, parent=used.token_id,
                               family_expires=used.family_expires_at)
        db.execute("UPDATE tokens SET used_at=?, rotated_to=? WHERE id=?",
                   (_micros(now), refresh.info.token_id, used.token_id))
        access_expires = min(now + self.policy.access_ttl, used.family_expires_at)
        access = self._insert(db, "access", used.subject, scopes, now, access_expires,
                              family=used.family, parent=used.token_id,
                              family_expires=used.family_expires_at)
        return TokenPair(access, refresh)

    def _revoke_family(self, db: sqlite3.Connection, family: str, now: datetime,
                       reason: str) -> int:
        return db.execute("UPDATE tokens SET revoked_at=?, revoke_reason=? "
                          "WHERE family=? AND revoked_at IS NULL",
                          (_micros(now), reason, family)).rowcount

    # ---- revoking ------------------------------------------------------------------------

    def revoke(self, token: str) -> str | None:
        """RFC 7009: revoke if the token is ours; anything else is silently accepted.

        Returns the public id of the token revoked, None when it was not ours."""
        now = self._now()
        with self._write() as db:
            info, reason, token_id = self._authenticate(db, token)
            if info is not None:
                self._revoke_record(db, info, now)
        if info is None:
            self._event("revoke", "ignored", token_id=token_id, reason=reason)
            return None
        self._event("revoke", "ok", info, reason="already revoked" if info.revoked_at
                    else ("family" if info.kind == "refresh" else "token"))
        return info.token_id

    def revoke_id(self, token_id: str) -> bool:
        """Administrative revocation by public id; returns whether the id exists."""
        _check_token_id(token_id)
        now = self._now()
        with self._write() as db:
            row = db.execute(_SELECT + " WHERE id=?", (token_id,)).fetchone()
            info = _info(row) if row else None
            if info is not None:
                self._revoke_record(db, info, now)
        if info is None:
            self._event("revoke", "ignored", token_id=token_id, reason="unknown")
            return False
        self._event("revoke", "ok", info, reason="by id")
        return True

    def _revoke_record(self, db: sqlite3.Connection, info: TokenInfo, now: datetime) -> None:
        if info.kind == "refresh":
            self._revoke_family(db, info.family, now, "revoked")
        else:
            db.execute("UPDATE tokens SET revoked_at=?, revoke_reason='revoked' "
                       "WHERE id=? AND revoked_at IS NULL", (_micros(now), info.token_id))

    # ---- introspection -------------------------------------------------------------------

    def introspect(self, token: str) -> dict[str, Any]:
        """RFC 7662 shaped; exactly ``{"active": False}`` for anything inactive."""
        now = self._now()
        with self._lock:
            info, reason, _ = self._authenticate(self._db, token)
        if info is None or reason is not None or not info.is_active(now):
            return {"active": False}
        return {
            "active": True,
            "scope": _scope_text(info.scopes),
            "sub": info.subject,
            "token_type": f"{info.kind}_token",
            "exp": int(info.expires_at.timestamp()),
            "iat": int(info.issued_at.timestamp()),
            "jti": info.token_id,
        }

    # ---- rotation of long-lived access tokens --------------------------------------------

    def rotate(self, token_id: str, overlap: timedelta) -> IssuedToken:
        """Issue a successor to an active access token and cut the old one to ``overlap``."""
        _check_token_id(token_id)
        if overlap < timedelta(0):
            raise ValueError("the overlap cannot be negative")
        now = self._now()
        with self._write() as db:
            row = db.execute(_SELECT + " WHERE id=?", (token_id,)).fetchone()
            if row is None:
                raise TokenError(f"no token with id {token_id!r}")
            old = _info(row)
            if old.kind != "access":
                raise TokenError("refresh tokens rotate on use; rotate access tokens only")
            if not old.is_active(now) or old.rotated_to:
                raise TokenError(f"token {token_id} is not active ({old.status(now)}"
                                 f"{', already rotated' if old.rotated_to else ''})")
            scopes = old.scopes & self._granted_in(db, old.subject)
            if not scopes:
                raise GrantRefused(f"subject {old.subject!r} no longer has any of these scopes")
            lifetime = min(old.expires_at - old.issued_at, self.policy.max_access_ttl)
            # An access token from a login stays in its refresh family, so reuse detection and
            # revoking the refresh token reach the successor, which cannot outlive the family.
            in_family = old.family != old.token_id
            family_expires = old.family_expires_at if in_family else now + lifetime
            successor = self._insert(db, "access", old.subject, scopes, now,
                                     min(now + lifetime, family_expires),
                                     family=old.family if in_family else None,
                                     parent=old.token_id, family_expires=family_expires)
            db.execute("UPDATE tokens SET expires_at=MIN(expires_at, ?), "
                       "family_expires_at=MIN(family_expires_at, ?), rotated_to=? WHERE id=?",
                       (_micros(now + overlap), _micros(now + overlap),
                        successor.info.token_id, old.token_id))
        self._event("rotate", "ok", old, successor=successor.info.token_id,
                    reason=f"old token expires in {overlap}")
        self._event("issue", "ok", successor.info)
        return successor

    def due_for_rotation(self, max_age: timedelta) -> list[TokenInfo]:
        """Active, not yet rotated access tokens issued at least ``max_age`` ago."""
        now = self._now()
        cutoff = _micros(now - max_age)
        with self._lock:
            rows = self._db.execute(
                _SELECT + " WHERE kind='access' AND revoked_at IS NULL AND rotated_to IS NULL "
                "AND issued_at<=? AND expires_at>? ORDER BY issued_at",
                (cutoff, _micros(now))).fetchall()
        return [_info(row) for row in rows]

    # ---- listing and housekeeping --------------------------------------------------------

    def get_info(self, token_id: str) -> TokenInfo | None:
        with self._lock:
            row = self._db.execute(_SELECT + " WHERE id=?", (token_id,)).fetchone()
        return _info(row) if row else None

    def list_tokens(self, *, subject: str | None = None,
                    include_inactive: bool = False) -> list[TokenInfo]:
        now = self._now()
        with self._lock:
            if subject is None:
                rows = self._db.execute(_SELECT + " ORDER BY issued_at, id").fetchall()
            else:
                rows = self._db.execute(_SELECT + " WHERE subject=? ORDER BY issued_at, id",
                                        (subject,)).fetchall()
        infos = [_info(row) for row in rows]
        return infos if include_inactive else [i for i in infos if i.is_active(now)]

    def gc(self) -> int:
        """Delete records that can no longer matter; returns how many.

        Revoked and expired access tokens go once past their expiry. Refresh tokens are kept
        until their family's absolute lifetime ends, so that a used one presented late is
        still recognised as reuse.
        """
        now = _micros(self._now())
        with self._write() as db:
            removed = db.execute(
                "DELETE FROM tokens WHERE expires_at<=? AND (kind='access' OR "
                "family_expires_at<=?)", (now, now)).rowcount
        self._event("gc", "ok", reason=f"removed {removed} records")
        return int(removed)


_COLUMNS = ("id", "kind", "subject", "scopes", "family", "parent", "issued_at", "expires_at",
            "family_expires_at", "used_at", "revoked_at", "revoke_reason", "rotated_to", "digest")
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM tokens"
# (known, record): exactly one row of real values for any id, the decoy's when the id is
# unknown. "No row", or a row of NULLs, would take measurably shorter paths through SQLite
# and sqlite3 than a found record, and tell an attacker which ids exist.
_LOOKUP = (f"SELECT t.id IS NOT NULL, "
           f"{', '.join(f'COALESCE(t.{column}, d.{column})' for column in _COLUMNS)} "
           "FROM temp.decoy AS d LEFT JOIN tokens AS t ON t.id = ?")


def _create_decoy(db: sqlite3.Connection) -> None:
    """The decoy record, in this connection's memory only (never in the database file).

    Its nullable columns are NULL, so ``COALESCE`` keeps a real record's NULLs as they are.
    """
    now = _micros(utc_now())
    decoy = ("a" * ID_LENGTH, "access", "decoy", "decoy", "a" * ID_LENGTH, None, now, now, now,
             None, None, None, None, secrets.token_bytes(32))
    db.execute("PRAGMA temp_store=MEMORY")
    db.execute(f"CREATE TEMP TABLE decoy ({', '.join(_COLUMNS)})")
    db.execute(f"INSERT INTO temp.decoy VALUES ({', '.join('?' * len(_COLUMNS))})", decoy)


def _info(row: tuple[Any, ...]) -> TokenInfo:
    def optional(value: int | None) -> datetime | None:
        return None if value is None else _moment(value)

    kind: TokenKind = "access" if row[1] == "access" else "refresh"
    return TokenInfo(
        token_id=row[0], kind=kind, subject=row[2], scopes=frozenset(row[3].split()),
        family=row[4], parent=row[5], issued_at=_moment(row[6]), expires_at=_moment(row[7]),
        family_expires_at=_moment(row[8]), used_at=optional(row[9]),
        revoked_at=optional(row[10]), revoke_reason=row[11], rotated_to=row[12],
    )


def _check_token_id(token_id: object) -> None:
    """A public id, or an error that does not repeat what was given: it may be a token."""
    if isinstance(token_id, str) and _ID_RE.match(token_id):
        return
    if isinstance(token_id, str) and parse_token(token_id.strip()) is not None:
        raise TokenError("that is a whole token, not a token id: pass its id, the 16 characters "
                         "after `tw_at_` or `tw_rt_` (to revoke by token, pass the token on "
                         "stdin: `tokenward token revoke < token.txt`)")
    raise TokenError(f"not a token id: an id is {ID_LENGTH} characters of lowercase base32")


def _check_subject(subject: str) -> None:
    if not isinstance(subject, str) or not subject or len(subject) > 256 \
            or not subject.isprintable():
        raise ValueError("a subject must be 1 to 256 printable characters")
