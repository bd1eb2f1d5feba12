"""TW302 expiry-verification-disabled."""

from __future__ import annotations

import textwrap

from tests.helpers import fired, scan_snippet, through_screen
from tokenward.rules.expiry_verification_disabled import RULE


def lines(code: str, path: str = "app/example.py") -> list[int]:
    return fired(scan_snippet(textwrap.dedent(code).lstrip("\n"), path, [RULE]), RULE.id)


def test_disabled_checks_fire_on_the_option() -> None:
    code = """
        import jwt

        OPTS = {"verify_exp": False}

        def a(token, key):
            return jwt.decode(token, key, algorithms=["HS256"], options=OPTS)

        def b(token):
            return jwt.decode(
                token,
                options={
                    "verify_aud": False,
                    "verify_signature": False,
                },
            )

        def c(token, key):
            return jwt.decode(token, key, options=dict(verify_exp=False))
        """
    assert lines(code) == [3, 13, 18]


def test_peek_then_verify_and_routing_claims_are_fine() -> None:
    code = """
        import jwt

        def a(token, keys):
            header = jwt.decode(token, options={"verify_signature": False})
            return jwt.decode(token, keys[header["iss"]], algorithms=["RS256"])

        def b(token):
            return jwt.decode(token, options={"verify_signature": False}).get("kid")

        def read_unverified_claims(token):
            return jwt.decode(token, options={"verify_signature": False})

        def c(token, key):
            return jwt.decode(token, key, algorithms=["HS256"], options={"verify_exp": True})
        """
    assert lines(code) == []


def test_peek_exemption_does_not_cover_verify_exp() -> None:
    code = """
        import jwt

        def a(token, key):
            jwt.decode(token, key, algorithms=["HS256"])
            return jwt.decode(token, key, algorithms=["HS256"], options={"verify_exp": False})
        """
    assert lines(code) == [5]


def test_authlib_without_validate() -> None:
    code = """
        from authlib.jose import jwt

        def user(token, key):
            return jwt.decode(token, key)["sub"]
        """
    assert lines(code) == [4]
    assert lines(code + "\ndef check(c):\n    c.validate()\n") == []


def test_message() -> None:
    code = 'import jwt\njwt.decode(t, k, options={"verify_exp": False})\n'
    findings = scan_snippet(code, "app.py", [RULE])
    assert [(f.line, f.span.column, f.message) for f in findings] == [
        (2, 27, 'jwt.decode() accepts expired tokens: "verify_exp": False')
    ]


def test_authlib_instance_validated_per_function() -> None:
    code = textwrap.dedent("""
        from authlib.jose import JsonWebToken

        verifier = JsonWebToken(["RS256"])

        def checked(token, key):
            claims = verifier.decode(token, key)
            claims.validate()
            return claims

        def unchecked(token, key):
            return verifier.decode(token, key)
        """).lstrip("\n")
    findings = scan_snippet(code, "app/sso.py", [RULE])
    assert [(f.span.line, f.span.column, f.message) for f in findings] == [
        (11, 12, "authlib.jose.jwt.decode() accepts expired tokens: claims never validated "
                 "(claims.validate() checks exp)")]


def test_long_leeway_and_config_switches() -> None:
    code = textwrap.dedent("""
        from datetime import timedelta

        import jwt

        def lenient(token, key):
            return jwt.decode(token, key, algorithms=["HS256"], leeway=timedelta(hours=12))

        def skewed(token, key):
            return jwt.decode(token, key, algorithms=["HS256"], leeway=60)
        """).lstrip("\n")
    findings = scan_snippet(code, "app/tokens.py", [RULE])
    assert [(f.span.line, f.span.column, f.message) for f in findings] == [
        (6, 57, "jwt.decode() accepts expired tokens: leeway=12 hours (longer than an access "
                "token may live)")]
    config = ("routes:\n  - auth:\n      verify_expiry: false\n"
              "  - auth:\n      verify_expiry: true\n")
    findings = scan_snippet(config, "gateway.yaml", [RULE])
    assert [(f.span.line, f.span.column, f.message) for f in findings] == [
        (3, 22, "JWT verification accepts expired tokens: verify_expiry is false")]


_SCREENED_OUT = """
import base64

def read(codec, token):
    return codec.decode(base64.b64decode(token), verify=False)
"""


def _scanned(code: str) -> tuple[list[tuple[int, int, str]], bool]:
    return through_screen(RULE, code)


def test_a_file_calling_no_jwt_decoder_is_not_parsed_for_tw302() -> None:
    # ``verify`` is spelled (the prefilter lets the file in), but no call can be a decoder
    # the rule judges: the ast screen keeps the file from libcst.
    assert _scanned(_SCREENED_OUT) == ([], False)


def test_the_screen_reads_a_decoder_through_the_imports() -> None:
    # The import makes line 4's call PyJWT's decode, and the rule reports it.
    assert _scanned(_SCREENED_OUT + "import jwt as codec\n") == (
        [(4, 50, "jwt.decode() accepts expired tokens: verify=False")], True)
    # A module-level authlib instance: its class is what the screen finds called.
    authlib = ("from authlib.jose import JsonWebToken\n"
               "codec = JsonWebToken(['HS256'])\n")
    module_level = _SCREENED_OUT.replace("read(codec, token)", "read(token)")
    assert _scanned(module_level) == ([], False)
    assert _scanned(module_level + authlib) == ([(4, 12, (
        "authlib.jose.jwt.decode() accepts expired tokens: claims never validated "
        "(claims.validate() checks exp)"))], True)


def test_a_client_reading_its_own_tokens_expiry_unverified_trusts_nothing() -> None:
    """twilio auth_strategy/token_auth_strategy.py:40 decodes the token it was given only to
    read ``exp`` (line 3, no finding); line 8 keeps the unverified claims for a user: the
    expiry of what it trusts is never checked."""
    code = """
        def is_token_expired(token):
            decoded = jwt.decode(token, options={"verify_signature": False})
            exp = decoded.get("exp")
            return exp is None or exp < time.time()

        def current_user(token):
            claims = jwt.decode(token, options={"verify_signature": False})
            exp = claims["exp"]
            return claims["sub"]
    """
    assert lines("import jwt, time\n" + textwrap.dedent(code).lstrip("\n")) == [8]
