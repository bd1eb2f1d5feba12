"""TW301 jwt-without-expiry: claims followed through local variables and constants."""

from __future__ import annotations

import textwrap

from tests.helpers import fired, pinned, scan_snippet
from tokenward.rules.jwt_without_expiry import RULE


def lines(code: str, path: str = "app/example.py") -> list[int]:
    return fired(scan_snippet(textwrap.dedent(code).lstrip("\n"), path, [RULE]), RULE.id)


def test_claims_without_exp_fire() -> None:
    code = """
        import jwt
        from jwt import encode

        BASE = {"iss": "billing"}

        def a(uid, key):
            return jwt.encode({**BASE, "sub": uid}, key)

        def b(uid, key):
            claims: dict = {"sub": uid}
            claims["scope"] = "read"
            return encode(payload=claims, key=key)

        def c(uid, key):
            payload = dict(sub=uid, role="admin")
            payload.update({"aud": "api"})
            return jwt.encode(payload, key, algorithm="HS256")
        """
    assert lines(code) == [7, 12, 17]


def test_exp_added_any_way_is_fine() -> None:
    code = """
        import jwt

        BASE = {"iss": "billing", "exp": 1700000000}

        def a(uid, key):
            return jwt.encode({**BASE, "sub": uid}, key)

        def b(uid, key, expiry):
            claims = {"sub": uid}
            claims.setdefault("exp", expiry)
            return jwt.encode(claims, key)

        def c(uid, key, expiry):
            payload = {"sub": uid}
            payload |= {"exp": expiry}
            return jwt.encode(payload, key)

        def d(uid, key, expiry):
            return jwt.encode(dict({"sub": uid}, exp=expiry), key)
        """
    assert lines(code) == []


def test_unknown_claims_are_not_guessed() -> None:
    code = """
        import jwt

        def a(claims, key):
            return jwt.encode(claims, key)

        def b(uid, key, extra):
            payload = {"sub": uid}
            payload.update(extra)
            return jwt.encode(payload, key)

        def c(uid, key):
            return jwt.encode(build_claims(uid), key)

        def d(BASE, key):
            return jwt.encode({**BASE}, key)
        """
    assert lines(code) == []


def test_reassignment_uses_the_latest_value() -> None:
    code = """
        import jwt

        def a(uid, key, expiry):
            payload = {"sub": uid}
            payload = {"sub": uid, "exp": expiry}
            return jwt.encode(payload, key)

        def b(uid, key, expiry):
            payload = {"sub": uid, "exp": expiry}
            payload = {"sub": uid}
            return jwt.encode(payload, key)
        """
    assert lines(code) == [11]


def test_libraries_and_lookalikes() -> None:
    code = """
        import jose.jwt
        from authlib.jose import jwt as authlib_jwt
        from joserfc import jwt as rfc_jwt

        def tokens(uid, key, text):
            a = jose.jwt.encode({"sub": uid}, key)
            b = authlib_jwt.encode({"alg": "HS256"}, {"sub": uid}, key)
            c = rfc_jwt.encode({"alg": "HS256"}, {"sub": uid}, key)
            d = text.encode({"sub": uid})
            return a, b, c, d
        """
    assert lines(code) == [6, 7, 8]


def test_fixable_only_for_literal_claims() -> None:
    code = textwrap.dedent("""
        import jwt

        BASE = {"iss": "x"}

        def a(uid, key):
            return jwt.encode({"sub": uid}, key)

        def b(uid, key):
            return jwt.encode(dict(sub=uid), key)
        """).lstrip("\n")
    findings = scan_snippet(code, "app.py", [RULE])
    assert [(f.line, f.message) for f in findings] == [
        (6, "jwt.encode() mints a token whose claims ({\"sub\": uid}) have no 'exp': it "
            "never expires"),
        (9, "jwt.encode() mints a token whose claims (dict(sub=uid)) have no 'exp': it never "
            "expires"),
    ]


def _found(code: str) -> list[tuple[int, int, str, bool]]:
    findings = scan_snippet(textwrap.dedent(code).lstrip("\n"), "app/example.py", [RULE])
    return [(f.span.line, f.span.column, f.message, f.fixable) for f in findings
            if f.rule_id == RULE.id]


def test_authlib_instance_and_joserfc_take_claims_second() -> None:
    code = """
        import time
        from authlib.jose import JsonWebToken
        from joserfc import jwt as rfc

        signer = JsonWebToken(["ES256"])

        def tokens(user, key):
            header = {"alg": "ES256"}
            good = signer.encode(header, {"sub": user.id, "exp": int(time.time()) + 60}, key)
            bad = signer.encode(header, {"sub": user.id}, key)
            also_bad = rfc.encode(header, {"sub": user.id}, key)
            return good, bad, also_bad
        """
    assert _found(code) == [
        (10, 11, 'authlib.jose.jwt.encode() mints a token whose claims ({"sub": user.id}) have '
                 "no 'exp': it never expires", False),
        (11, 16, 'joserfc.jwt.encode() mints a token whose claims ({"sub": user.id}) have no '
                 "'exp': it never expires", True),
    ]


def test_claims_from_a_helper() -> None:
    code = """
        import jwt

        def _claims(uid):
            return {"sub": uid, "iss": "me"}

        def link(uid, key):
            claims = _claims(uid)
            claims.update({"scope": "read"})
            return jwt.encode(claims, key)

        def session(uid, key):
            claims = _claims(uid)
            claims["exp"] = 1700000900
            return jwt.encode(claims, key)
        """
    assert _found(code) == [(9, 12, "jwt.encode() mints a token whose claims (claims) have no "
                                    "'exp': it never expires", False)]


def test_a_call_that_leaves_the_issuers_lifetime_at_none() -> None:
    from tests.scanner.test_project import SECURITY

    code = SECURITY + """
    def client_token(client):
        return create_access_token({"sub": client.id})

    def device_token(device, extra):
        a = create_access_token({"sub": device.id}, timedelta(minutes=30))
        b = create_access_token({"sub": device.id}, expires_delta=timedelta(minutes=5))
        c = create_access_token({"sub": device.id}, **extra)
        return a, b, c
    """
    text = textwrap.dedent(code).lstrip("\n")
    assert pinned(scan_snippet(text, "app/security.py", [RULE])) == [
        (10, 12, "create_access_token() mints a token whose claims (expires_delta=None by "
                 "default, line 3) have no 'exp': it never expires"),
    ]
