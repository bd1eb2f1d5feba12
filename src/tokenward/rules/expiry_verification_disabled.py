"""TW302: a JWT accepted without checking its expiry."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from tokenward.analysis.context import reports_only_proven
from tokenward.analysis.lifetimes import (
    AUTHLIB_JWT_CLASSES,
    LIMITS,
    authlib_instance_call,
    human,
    seconds_of,
)
from tokenward.analysis.source import FileKind, Source
from tokenward.analysis.vocabulary import function_reads_unverified
from tokenward.model import Category, Hit, Severity
from tokenward.rules.base import CONFIG, PYTHON, Example, Expected, Rule, RuleDocs

if TYPE_CHECKING:
    import libcst as cst

    from tokenward.analysis import bound_names, config_pairs, dict_flow, python
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import cst, lazy_module

    bound_names = lazy_module("tokenward.analysis.bound_names")
    config_pairs = lazy_module("tokenward.analysis.config_pairs")
    dict_flow = lazy_module("tokenward.analysis.dict_flow")
    python = lazy_module("tokenward.analysis.python")

DECODERS = frozenset({"jwt.decode", "jwt.api_jwt.decode", "jose.jwt.decode"})
AUTHLIB_DECODERS = frozenset({"authlib.jose.jwt.decode", "joserfc.jwt.decode"})
# Claims read from an unverified decode to pick the key or route the token.
_ROUTING_CLAIMS = frozenset({"iss", "kid", "alg", "aud", "tid", "typ"})
# Claims a client reads from a token it was just given, to learn when to refresh it
# (twilio's is_token_expired, Home Assistant's Flick login): reading them unverified trusts
# nothing.
_PEEKED_CLAIMS = _ROUTING_CLAIMS | {"exp", "iat", "nbf"}


def _is_false(node: cst.BaseExpression | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "False"


def _disabled_options(source: Source, call: cst.Call) -> Iterator[tuple[cst.CSTNode, str]]:
    """(node to report, what is off) for each expiry check turned off in ``call``."""
    verify = python.keyword(call, "verify")
    if verify is not None and _is_false(verify.value):
        yield verify, "verify=False"
    options = python.keyword(call, "options")
    if options is None:
        return
    facts = dict_flow.resolve_dict(source, options.value, call)
    if facts is None:
        return
    for key in ("verify_exp", "verify_signature"):
        value = facts.value(key)
        if _is_false(value):
            assert value is not None
            element = source.index.parent(value) if source.index else None
            yield (element if element is not None else options), f'"{key}": False'


def _peeks(source: Source, call: cst.Call) -> bool:
    """``options={"verify_signature": False}`` to read the header or issuer before a real,
    verified decode in the same function is a legitimate pattern."""
    assert source.index is not None
    func = source.analysis.function(call)
    if func is not None and function_reads_unverified(func.name.value):
        return True
    if _routing_claim_only(source, call):
        return True
    for other in source.index.of(cst.Call):
        if other is call or python.call_name(source, other) not in DECODERS:
            continue
        if source.analysis.function(other) is func and not list(
                _disabled_options(source, other)):
            return True
    return False


def _routing_claim_only(source: Source, call: cst.Call) -> bool:
    """``jwt.decode(t, options={"verify_signature": False})["iss"]`` / ``.get("kid")``, or
    the decoded claims bound to a name that is only ever read for such a claim or for the
    token's own lifetime (``decoded = jwt.decode(...)``; ``exp = decoded.get("exp")``)."""
    assert source.index is not None
    if _reads_claim(source, call, _ROUTING_CLAIMS):
        return True
    uses = source.analysis.uses_of_value(call)
    return bool(uses) and all(_reads_claim(source, use, _PEEKED_CLAIMS) for use in uses)


def _reads_claim(source: Source, claims: cst.BaseExpression, names: frozenset[str]) -> bool:
    """``claims["iss"]`` or ``claims.get("iss")``, for a claim of ``names``."""
    assert source.index is not None
    parent = source.index.parent(claims)
    if isinstance(parent, cst.Subscript) and parent.value is claims and len(parent.slice) == 1:
        index = parent.slice[0].slice
        return isinstance(index, cst.Index) and python.string_value(index.value) in names
    if isinstance(parent, cst.Attribute) and parent.value is claims and parent.attr.value == "get":
        outer = source.index.parent(parent)
        return (isinstance(outer, cst.Call) and bool(outer.args)
                and python.string_value(outer.args[0].value) in names)
    return False


def _validated(source: Source, call: cst.Call) -> bool:
    """authlib claims are checked where they are decoded: a ``.validate(...)`` call in
    the same function (a registry's or the claims' own), or ``validate_exp``."""
    assert source.index is not None
    if "validate_exp" in source.text:
        return True
    scope = source.analysis.function(call)
    return any(isinstance(other.func, cst.Attribute) and other.func.attr.value == "validate"
               and source.analysis.function(other) is scope
               for other in source.index.of(cst.Call))


def _leeway(source: Source, call: cst.Call) -> Iterator[tuple[cst.CSTNode, str]]:
    """``leeway=timedelta(days=365)``: a clock-skew allowance longer than an access token
    may live accepts expired tokens for that long."""
    arg = python.keyword(call, "leeway")
    seconds = seconds_of(source, arg.value, 1) if arg is not None else None
    limit = LIMITS["access"].value(source.config)
    if arg is not None and seconds is not None and seconds > limit:
        yield arg, f"leeway={human(seconds)} (longer than an access token may live)"


# Settings that check a JWT's expiry, in gateway and proxy configuration files.
_VERIFY_EXPIRY_KEYS = frozenset({"verify_exp", "verify_expiry", "verify_expiration",
                                 "validate_exp", "validate_expiry", "check_exp",
                                 "check_expiry", "verifyexpiry", "validateexpiry"})


def _config(source: Source) -> Iterator[Hit]:
    """``verify_expiry: false`` in YAML, TOML, JSON, INI and .env files."""
    for pair in config_pairs.pairs(source.text, source.kind):
        key = pair.key.rpartition(".")[2].lower().replace("-", "_")
        if key in _VERIFY_EXPIRY_KEYS and pair.value.strip("\"'").lower() in {"false", "no",
                                                                              "off", "0"}:
            yield Hit(span=pair.value_span, target="JWT verification",
                      detail=f"{pair.key} is {pair.value}", code=f"{pair.key}: {pair.value}",
                      fixable=False)


def _detect(source: Source) -> Iterator[Hit]:
    if reports_only_proven(source):
        return
    if source.kind is not FileKind.PYTHON:
        yield from _config(source)
        return
    if not _may_decode(source) or source.index is None:
        return
    for call in source.index.of(cst.Call):
        name = python.call_name(source, call)
        if authlib_instance_call(source, call, "decode"):
            name = "authlib.jose.jwt.decode"
        if name in DECODERS:
            for node, what in (*_disabled_options(source, call), *_leeway(source, call)):
                if "verify_signature" in what and _peeks(source, call):
                    continue
                if what == "verify=False" and _peeks(source, call):
                    continue
                yield Hit(span=source.span(node), target=f"{name}()", detail=what,
                          code=source.code(node), fixable=what == '"verify_exp": False')
            continue
        elif name in AUTHLIB_DECODERS and not _validated(source, call):
            yield Hit(span=source.span(call), target=f"{name}()",
                      detail="claims never validated (claims.validate() checks exp)",
                      code=source.code(call), fixable=False)


# What a file must call for the rule to report in it: a decoder it judges, or the class of
# an authlib instance whose ``decode`` it judges (``authlib_instance_call``).
_SCREENED_CALLS = DECODERS | AUTHLIB_DECODERS | AUTHLIB_JWT_CLASSES


def _may_decode(source: Source) -> bool:
    """The screen (``ast``): the file calls one of ``_SCREENED_CALLS``."""
    return bound_names.may_call(source, _SCREENED_CALLS)


RULE = Rule(
    id="TW302",
    name="expiry-verification-disabled",
    title="JWT accepted without checking its expiry",
    category=Category.MISSING_EXPIRY,
    severity=Severity.HIGH,
    cwe=(613, 347),
    message="{target} accepts expired tokens: {detail}",
    hint="Remove the option that turns verification off; tokens must be checked for expiry",
    docs=RuleDocs(
        what="Finds JWT decoding that does not check expiry: PyJWT and python-jose `decode` "
             "with `options={\"verify_exp\": False}` or `{\"verify_signature\": False}` "
             "(which turns off every check, expiry included), PyJWT 1.x `verify=False`, and "
             "authlib/joserfc `jwt.decode` (also on a `JsonWebToken([...])` instance of the "
             "file) in a function that never calls `.validate()` (authlib checks `exp` only "
             "there). Options are followed through local "
             "variables.",
        why="An expired token is a token that was meant to be dead: a leaked or revoked-by-"
            "expiry token keeps working, and with the signature unchecked anyone can forge "
            "one.",
        how="Drop the option. To read claims before verifying (for `kid` or `iss`), use "
            "`jwt.get_unverified_header()` and then a verifying `decode`.",
        not_flagged="An unverified decode followed by a verifying decode in the same "
                    "function, one whose result is only read for a routing claim "
                    "(`[\"iss\"]`, `.get(\"kid\")`), or one in a function whose name says "
                    "`unverified`; "
                    "`jwt.get_unverified_header()` and `jose.jwt.get_unverified_claims()`; "
                    "`leeway` values; decoders the rule cannot resolve; test code.",
        references=("https://cwe.mitre.org/data/definitions/613.html",
                    "https://cwe.mitre.org/data/definitions/347.html",
                    "https://pyjwt.readthedocs.io/en/stable/api.html#jwt.decode"),
        fix_safety="The fix removes `\"verify_exp\": False` (and the `options=` argument when "
                   "it becomes empty). Expired tokens are then rejected with "
                   "`ExpiredSignatureError`; callers that relied on accepting them must "
                   "handle it. `verify_signature` and `verify=False` are left for you to "
                   "change by hand (the call may need a key and algorithms).",
    ),
    detect=_detect,
    kinds=PYTHON | CONFIG,
    screens=True,
    fix="remove-verify-exp-off",
    keywords=("verify_exp", "verify_signature", "verify", "authlib", "joserfc",
              "leeway", "validate_exp", "check_exp", "verifyexp"),
    bad=(
        Example(
            """
            import jwt

            def current_user(token, key):
                claims = jwt.decode(token, key, algorithms=["HS256"], options={"verify_exp": False})
                return claims["sub"]
            """,
            expect=(
                Expected(4, 68, 'jwt.decode() accepts expired tokens: "verify_exp": False'),
            ),
            fixed="""
            import jwt

            def current_user(token, key):
                claims = jwt.decode(token, key, algorithms=["HS256"])
                return claims["sub"]
            """,
        ),
        Example(
            """
            import jwt
            from jose import jwt as jose_jwt

            OPTIONS = {"verify_aud": False}

            def user_from(token, key):
                opts = {"verify_signature": False}
                return jwt.decode(token, options=opts)["sub"]

            def legacy(token, key):
                return jwt.decode(token, key, verify=False)

            def jose_user(token, key):
                opts = {"verify_aud": False, "verify_exp": False}
                return jose_jwt.decode(token, key, options=opts)
            """,
            expect=(
                Expected(7, 13, 'jwt.decode() accepts expired tokens: "verify_signature": False'),
                Expected(11, 35, "jwt.decode() accepts expired tokens: verify=False"),
                Expected(14, 34, 'jose.jwt.decode() accepts expired tokens: "verify_exp": False'),
            ),
        ),
        Example(
            """
            from authlib.jose import jwt

            def user_from(token, key):
                claims = jwt.decode(token, key)
                return claims["sub"]
            """,
            expect=(
                Expected(4, 14, "authlib.jose.jwt.decode() accepts expired tokens: claims never "
                                "validated (claims.validate() checks exp)"),
            ),
        ),
    ),
    good=(
        Example(
            """
            import jwt

            def user_from(token, jwks):
                unverified = jwt.decode(token, options={"verify_signature": False})
                key = jwks.key_for(unverified["iss"])
                return jwt.decode(token, key, algorithms=["RS256"], audience="api")

            def get_unverified_issuer(token):
                return jwt.decode(token, options={"verify_signature": False})["iss"]

            def strict(token, key):
                return jwt.decode(token, key, algorithms=["HS256"], options={"require": ["exp"]})
            """,
        ),
        Example(
            """
            from authlib.jose import jwt

            def user_from(token, key):
                claims = jwt.decode(token, key)
                claims.validate()
                return claims["sub"]
            """,
        ),
    ),
)
