"""analysis/issuers.py: a file's own token issuers, and what it tells the project join."""

from __future__ import annotations

import textwrap

from tokenward.analysis.issuers import (
    JWT,
    RECORD,
    ImportedIssuer,
    LifetimeParameter,
    Summary,
    may_own_issuers,
    outgoing,
    summary,
)
from tokenward.analysis.source import FileKind, Source
from tokenward.analysis.vocabulary import may_define_issuers
from tokenward.config import Config


def source_of(code: str) -> Source:
    text = textwrap.dedent(code).lstrip("\n")
    return Source("app/security.py", text, FileKind.PYTHON, Config())


def summary_of(code: str) -> Summary:
    return summary(source_of(code))


def test_a_jwt_whose_exp_is_set_only_when_the_lifetime_is_given() -> None:
    found = summary_of("""
        import jwt

        def create_access_token(data, expires_delta=None):
            to_encode = data.copy()
            if expires_delta is not None:
                to_encode["exp"] = now() + expires_delta
            return jwt.encode(to_encode, KEY)

        def create_refresh_token(data, *, ttl=None):
            claims = dict(data)
            if ttl:
                claims.update(exp=now() + ttl)
            return jwt.encode(claims, KEY)
        """)
    assert found.issuers == (
        LifetimeParameter("create_access_token", "expires_delta", 1, JWT, 3),
        LifetimeParameter("create_refresh_token", "ttl", None, JWT, 9),
    )


def test_a_default_that_is_replaced_is_no_issuer() -> None:
    # The FastAPI template: no expires_delta means 15 minutes; an ``else`` that sets exp;
    # a name that makes no token; claims kept elsewhere, which may hold an exp already.
    found = summary_of("""
        import jwt

        def create_access_token(data, expires_delta=None):
            to_encode = data.copy()
            if expires_delta:
                expire = now() + expires_delta
            else:
                expire = now() + timedelta(minutes=15)
            to_encode.update({"exp": expire})
            return jwt.encode(to_encode, KEY)

        def create_user_token(uid, expires_delta=None):
            claims = {"sub": uid}
            if expires_delta is not None:
                claims["exp"] = now() + expires_delta
            else:
                claims["exp"] = now() + timedelta(minutes=5)
            return jwt.encode(claims, KEY)

        def sign_payload(data, expires_delta=None):
            if expires_delta is not None:
                data["exp"] = now() + expires_delta
            return jwt.encode(data, KEY)

        class Jwt:
            def to_jwt(self, ttl=None):
                payload = self.payload.copy()  # built with its own exp (twilio)
                if ttl:
                    payload["exp"] = int(time.time()) + ttl
                return jwt.encode(payload, self.secret_key)
        """)
    assert found.issuers == ()


def test_a_record_that_stores_the_lifetime_it_is_given() -> None:
    found = summary_of("""
        class LabIntegrationKey(models.Model):
            @classmethod
            def issue(cls, owner, name, expires_at=None):
                return cls.objects.create(owner=owner, name=name, expires_at=expires_at)

        class Reminder(models.Model):
            @classmethod
            def issue(cls, owner, expires_at=None):
                return cls.objects.create(owner=owner, expires_at=expires_at)

        def create_api_key(owner, expires_at=None):
            expires_at = expires_at or now() + timedelta(days=30)
            return ApiKey(owner=owner, expires_at=expires_at)

        def new_api_key(owner, expires_at=None):
            return ApiKey(owner=owner, expires_at=expires_at)
        """)
    assert found.issuers == (
        LifetimeParameter("LabIntegrationKey.issue", "expires_at", 2, RECORD, 3),
        LifetimeParameter("new_api_key", "expires_at", 1, RECORD, 15),
    )


def test_the_calls_it_makes_through_its_imports() -> None:
    found = outgoing(source_of("""
        from ..core import security
        from .models import LabIntegrationKey
        from flask_jwt_extended import create_access_token
        import helpers

        def login(user):
            security.create_access_token({"sub": user.id})
            LabIntegrationKey.issue(user)
            create_access_token(identity=user.id)
            helpers.format_name(user)
            local_helper(user)
        """))
    assert found == ("..core.security.create_access_token", ".models.LabIntegrationKey.issue",
                     "flask_jwt_extended.create_access_token")


def test_the_text_test_before_any_parse_and_the_json_round_trip() -> None:
    assert may_define_issuers("def f(data, expires_delta: timedelta | None = None):")
    assert may_define_issuers("def issue(cls, owner, expires_at=None):")
    assert not may_define_issuers("def f(data, parent=None, ttl=60):")
    assert not may_define_issuers("if expires_at == None or ttl != None or ttl >= None:")
    assert may_define_issuers("if ttl == None:\n    def f(expires_at =  None): ...")
    found = Summary((LifetimeParameter("LabKey.issue", "expires_at", 1, RECORD, 4),
                     LifetimeParameter("create_token", "ttl", None, JWT, 9)))
    assert Summary.from_json(found.to_json()) == found
    assert found.names() == {"LabKey", "create_token"}


def test_the_screen_skips_the_parse_when_no_token_named_function_takes_a_lifetime() -> None:
    # Django's cache backends: a lifetime defaulting to None, in nothing that makes a token.
    source = source_of("""
        class BaseCache:
            def set(self, key, value, timeout=None, version=None):
                self._cache[key] = (value, timeout)
        """)
    assert may_define_issuers(source.text)
    assert summary(source) == Summary()
    assert "module" not in source.__dict__


def test_the_screen_lets_through_an_issuer_defined_under_an_if() -> None:
    found = summary_of("""
        import jwt

        if jwt:
            def create_access_token(data, expires_delta=None):
                to_encode = dict(data)
                if expires_delta is not None:
                    to_encode["exp"] = now() + expires_delta
                return jwt.encode(to_encode, KEY)
        """)
    assert found.issuers == (LifetimeParameter("create_access_token", "expires_delta", 1, JWT, 4),)


def test_the_screen_before_the_libcst_tree_finds_each_issuer_it_may_define() -> None:
    # own_issuers' first tests over ast: a token-named function or class, a lifetime
    # parameter defaulting to None. The record issuer is found by the screen and by
    # own_issuers; the others are no issuer and leave the libcst tree unbuilt.
    issuer = """
        class PartnerApiKey(models.Model):
            @classmethod
            def issue(cls, partner, expires_at=None):
                return cls.objects.create(partner=partner, expires_at=expires_at)
        """
    source = source_of(issuer)
    assert may_own_issuers(source, RECORD)
    assert [p.function for p in summary(source).issuers] == ["PartnerApiKey.issue"]
    for other in (issuer.replace("PartnerApiKey", "Partner"),  # no token named
                  issuer.replace("expires_at=None", "expires_at=0"),  # not None
                  issuer.replace("expires_at", "region")):  # no lifetime
        source = source_of(other)
        assert not may_own_issuers(source, RECORD)
        assert "module" not in source.__dict__
    # An issuer the project join found in another file goes through whatever this says.
    handed = Source("app/views.py", "go()\n", FileKind.PYTHON, Config(), imported=(
        ImportedIssuer("app.keys.issue", LifetimeParameter("issue", "ttl", 1, RECORD, 3),
                       "app/keys.py"),))
    assert may_own_issuers(handed, RECORD)
    assert not may_own_issuers(handed, JWT)
