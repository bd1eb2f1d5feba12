"""TW301: a JWT minted without an ``exp`` claim."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from tokenward.analysis.context import reports_only_proven
from tokenward.analysis.lifetimes import JWT_ENCODERS, jwt_encoder
from tokenward.analysis.source import Source
from tokenward.model import Category, Hit, Severity
from tokenward.rules.base import PYTHON, Example, Expected, Rule, RuleDocs

if TYPE_CHECKING:
    import libcst as cst

    from tokenward.analysis import dict_flow, issuers, python
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import cst, lazy_module

    dict_flow = lazy_module("tokenward.analysis.dict_flow")
    issuers = lazy_module("tokenward.analysis.issuers")
    python = lazy_module("tokenward.analysis.python")


def _detect(source: Source) -> Iterator[Hit]:
    if source.index is None or reports_only_proven(source):
        return
    for call in source.index.of(cst.Call):
        encoder = jwt_encoder(source, call)
        if encoder is None:
            continue
        name, by_module = encoder
        position, word = JWT_ENCODERS[name]
        arg = python.argument(call, position, word)
        if arg is None:
            continue
        facts = dict_flow.resolve_dict(source, arg.value, call)
        if facts is None or not facts.complete or "exp" in facts.keys:
            continue
        yield Hit(
            span=source.span(call),
            target=name,
            detail=source.code(arg.value) if len(source.code(arg.value)) <= 40 else "payload",
            code=source.code(call),
            fixable=by_module and facts.literal is not None,
        )
    yield from _through_issuers(source)


def _through_issuers(source: Source) -> Iterator[Hit]:
    """``security.create_access_token(data)``, whose ``expires_delta=None`` default leaves
    out the ``exp`` it sets only when given (that function in this file or, found by the
    project join, in another)."""
    for found in issuers.defaulted_calls(source, issuers.JWT):
        yield Hit(
            span=source.span(found.call),
            target=source.code(found.call.func),
            detail=f"{found.parameter.parameter}=None by default, {found.where}",
            code=source.code(found.call),
            fixable=False,
        )


RULE = Rule(
    id="TW301",
    name="jwt-without-expiry",
    title="JWT minted without an expiry",
    category=Category.MISSING_EXPIRY,
    severity=Severity.HIGH,
    cwe=(613,),
    message="{target}() mints a token whose claims ({detail}) have no 'exp': it never expires",
    hint='Add an expiry: "exp": datetime.now(timezone.utc) + timedelta(minutes=15)',
    docs=RuleDocs(
        what="Finds PyJWT, python-jose, authlib and joserfc `encode` calls whose claims have "
             "no `exp`. The claims are followed through local variables: dict literals, "
             "`dict(...)`, `{**base, ...}`, and later `payload[\"exp\"] = ...`, "
             "`payload.update(exp=...)` or `payload.setdefault(\"exp\", ...)` before the call "
             "(any of which makes the call fine). Also calls of the repository's own "
             "issuer that leave its lifetime at a default under which no `exp` is set "
             "(`def create_access_token(data, expires_delta=None)` that sets `exp` only "
             "`if expires_delta is not None:` or `if expires_delta:`, with no `else`, on "
             "claims that are a dict literal or the caller's), "
             "in the same file or, across files, where another file of the scan imports it "
             "(`from ..core import security` then `security.create_access_token(data)`; "
             "relative imports, and absolute ones by the path they end in when one "
             "scanned file has it). The issuer is found by name (one that makes a token) "
             "and signature (a lifetime parameter, default `None`).",
        why="A JWT without `exp` is valid forever: a leaked token (logs, browser history, a "
            "backup) grants access until the signing key is rotated, and logout or a "
            "password change cannot end it.",
        how="Add an `exp` claim, short for access tokens (15 minutes) and bounded for "
            "everything else, and make the verifier require it "
            "(`options={\"require\": [\"exp\"]}`).",
        not_flagged="Claims the rule cannot see completely: function parameters, values "
                    "returned by other functions, `**extra` from unknown sources and "
                    "`payload.update(extra)`; tokens minted by frameworks that add `exp` "
                    "themselves (flask-jwt-extended `create_access_token`, simplejwt); test "
                    "code. Across files: issuers the scan did not read (`--staged`, "
                    "`--diff-base` and the pre-commit hook join only the files they scan; "
                    "a full scan joins the tree), an issuer reached through a variable, an "
                    "instance or `*args`/`**kwargs`, and one whose default is replaced "
                    "before use.",
        references=("https://cwe.mitre.org/data/definitions/613.html",
                    "https://datatracker.ietf.org/doc/html/rfc7519#section-4.1.4",
                    "https://pyjwt.readthedocs.io/en/stable/usage.html#expiration-time-claim-exp"),
        fix_safety="The fix adds `\"exp\": datetime.now(timezone.utc) + timedelta(minutes=15)` "
                   "to the claims dict literal and imports `datetime`, `timedelta` and "
                   "`timezone` from `datetime`. Tokens then expire after 15 minutes: clients "
                   "that kept tokens for longer must refresh them. Claims built elsewhere "
                   "are left for you to change by hand.",
    ),
    detect=_detect,
    kinds=PYTHON,
    fix="add-exp-claim",
    reads_imported=True,
    keywords=("jwt", "jose"),
    bad=(
        Example(
            """
            import jwt

            def login(uid, key):
                return jwt.encode({"sub": uid}, key, algorithm="HS256")
            """,
            expect=(
                Expected(4, 12, 'jwt.encode() mints a token whose claims ({"sub": uid}) have no '
                                "'exp': it never expires"),
            ),
            fixed="""
            from datetime import datetime, timedelta, timezone

            import jwt

            def login(uid, key):
                return jwt.encode(
                    {"sub": uid, "exp": datetime.now(timezone.utc) + timedelta(minutes=15)},
                    key,
                    algorithm="HS256",
                )
            """,
        ),
        Example(
            """
            import jwt

            def issue(user, key):
                payload = {
                    "sub": user.id,
                    "scope": "read",
                }
                payload["iat"] = 1700000000
                token = jwt.encode(payload, key, algorithm="HS256")
                return token
            """,
            expect=(
                Expected(9, 13, "jwt.encode() mints a token whose claims (payload) have no "
                                "'exp': it never expires"),
            ),
            fixed="""
            from datetime import datetime, timedelta, timezone

            import jwt

            def issue(user, key):
                payload = {
                    "sub": user.id,
                    "scope": "read",
                    "exp": datetime.now(timezone.utc) + timedelta(minutes=15),
                }
                payload["iat"] = 1700000000
                token = jwt.encode(payload, key, algorithm="HS256")
                return token
            """,
        ),
        Example(
            """
            from jose import jwt as jose_jwt
            from authlib.jose import jwt

            def tokens(user, key):
                base = dict(sub=user.id)
                claims = {**base, "email": user.email}
                a = jose_jwt.encode(claims, key)
                b = jwt.encode({"alg": "RS256"}, {"sub": user.id}, key)
                return a, b
            """,
            expect=(
                Expected(7, 9, "jose.jwt.encode() mints a token whose claims (claims) have no "
                               "'exp': it never expires"),
                Expected(8, 9, 'authlib.jose.jwt.encode() mints a token whose claims ({"sub": '
                               "user.id}) have no 'exp': it never expires"),
            ),
        ),
        Example(
            """
            import jwt

            def create_access_token(data, expires_delta=None):
                to_encode = dict(data)
                if expires_delta is not None:
                    to_encode["exp"] = datetime.now(timezone.utc) + expires_delta
                return jwt.encode(to_encode, KEY, algorithm="HS256")

            def client_token(client):
                return create_access_token({"sub": client.id})
            """,
            expect=(
                Expected(10, 12, "create_access_token() mints a token whose claims "
                                 "(expires_delta=None by default, line 3) have no 'exp': it "
                                 "never expires"),
            ),
        ),
    ),
    good=(
        Example(
            """
            import jwt
            from datetime import datetime, timedelta, timezone

            def login(user, key):
                payload = {"sub": user.id}
                payload["exp"] = datetime.now(timezone.utc) + timedelta(minutes=15)
                return jwt.encode(payload, key, algorithm="HS256")

            def refresh(user, key):
                claims = dict(sub=user.id)
                claims.update(exp=datetime.now(timezone.utc) + timedelta(days=7))
                return jwt.encode(claims, key, algorithm="HS256")

            def inline(user, key):
                return jwt.encode({"sub": user.id, "exp": 1700000900}, key)
            """,
        ),
        Example(
            """
            import jwt

            def sign(claims, key):
                return jwt.encode(claims, key, algorithm="HS256")

            def sign_extra(user, key, extra):
                payload = {"sub": user.id, **extra}
                return jwt.encode(payload, key)

            def text(value):
                return value.encode("utf-8")
            """,
        ),
    ),
)
