"""TW304: tokens, links and sessions configured to live too long, or forever."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from tokenward.analysis.context import reports_only_proven
from tokenward.analysis.lifetimes import (
    COOKIE_SETTERS,
    KIND_LABEL,
    LIMITS,
    NEVER,
    NEVER_KEYS,
    OPTIONS_RULE,
    from_now,
    human,
    keyword_lifetime,
    limits,
    seconds_of,
    until,
)
from tokenward.analysis.source import FileKind, Source
from tokenward.analysis.vocabulary import (
    LifetimeName,
    function_makes_token,
    lifetime_name,
    mentions_tokens,
    states_lifetime,
    switches_expiry_off,
)
from tokenward.lazy import lazy_regex
from tokenward.model import Category, Hit, Severity, Span
from tokenward.rules.base import CONFIG, PYTHON, Example, Expected, Rule, RuleDocs
from tokenward.store.durations import duration_seconds

if TYPE_CHECKING:
    import libcst as cst

    from tokenward.analysis import flow as dataflow
    from tokenward.analysis import issuers, python, syntax_flow
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import cst, lazy_module

    dataflow = lazy_module("tokenward.analysis.flow")
    issuers = lazy_module("tokenward.analysis.issuers")
    python = lazy_module("tokenward.analysis.python")
    syntax_flow = lazy_module("tokenward.analysis.syntax_flow")


def _judge(source: Source, key: LifetimeName, value: cst.BaseExpression,
           never_key: bool) -> float | None:
    if never_key and isinstance(value, cst.Name) and value.value in {"False", "None"}:
        return NEVER
    if isinstance(value, cst.Name | cst.Attribute):
        bound = source.analysis.source_binding(value)
        if bound is not None and lifetime_name(bound.last) is not None:
            return None  # a lifetime setting of its own: judged where it is bound
    return seconds_of(source, value, key.unit)


def _hit(source: Source, node: cst.CSTNode, label: str, kind: str,
           seconds: float, on: str | None = None) -> Hit | None:
    """``on``: the fixed date the token expires on, said instead of a lifetime."""
    if _within(source, kind, seconds):
        return None
    limit = limits(source.config)[kind]
    lifetime = f"until {on}" if on else human(seconds)
    detail = (f"{lifetime}; limit for {KIND_LABEL[kind]}: {human(limit)}"
              if seconds != NEVER else f"tokens never expire ({KIND_LABEL[kind]})")
    return Hit(span=source.span(node), target=label, detail=detail, code=source.code(node),
               fixable=False)


def _assignments(source: Source) -> Iterator[Hit]:
    for binding in source.analysis.bindings:
        if binding.kind not in dataflow.ASSIGNMENTS or binding.value is None:
            continue
        name = binding.last
        key = lifetime_name(name) if name else None
        if key is None:
            continue
        seconds = _judge(source, key, binding.value, name.lower() in NEVER_KEYS)
        if seconds is not None:
            hit = _hit(source, binding.value, name, key.kind, seconds)
            if hit:
                yield hit


def _dict_elements(source: Source) -> Iterator[Hit]:
    for binding in source.analysis.bindings:
        if binding.kind is not dataflow.Kind.DICT_KEY or binding.value is None:
            continue
        key_text = binding.name
        element = binding.statement
        if key_text == "exp" and isinstance(element, cst.DictElement):
            hit = _exp_claim(source, element, element.value)
            if hit:
                yield hit
            continue
        key = lifetime_name(key_text) if key_text else None
        if key is None:
            continue
        seconds = _judge(source, key, binding.value, key_text.lower() in NEVER_KEYS)
        if seconds is not None:
            hit = _hit(source, binding.value, key_text, key.kind, seconds)
            if hit:
                yield hit


def _exp_items(source: Source) -> Iterator[Hit]:
    """``claims["exp"] = now() + timedelta(days=3650)``."""
    for binding in source.analysis.bindings:
        if binding.kind in dataflow.ASSIGNMENTS and binding.key == "exp" and isinstance(
                binding.target, cst.Subscript) and binding.value is not None:
            hit = _exp_claim(source, binding.target, binding.value)
            if hit:
                yield hit


def _exp_claim(source: Source, element: cst.CSTNode, value: cst.BaseExpression) -> Hit | None:
    """``{"exp": datetime.now(timezone.utc) + timedelta(days=30)}`` or a fixed date
    (``datetime(2099, 1, 1)``): the claim's kind comes from the surrounding names
    (``refresh``, ``reset`` ...), access by default."""
    assert source.index is not None
    seconds, on = from_now(source, value), None
    if seconds is None:
        seconds, on = until(source, value) or (None, None)
    if seconds is None:
        return None
    context: list[str] = []
    func = source.analysis.function(element)
    if func is not None:
        context.append(func.name.value)
    owner = source.index.parent(element)
    holder = source.index.parent(owner)
    if isinstance(holder, cst.Assign):
        context.extend(python.last_name(t.target) or "" for t in holder.targets)
    if isinstance(owner, cst.Dict):
        for other in owner.elements:
            if isinstance(other, cst.DictElement) and python.string_value(other.key) in {
                    "type", "typ", "token_type", "scope", "purpose", "kind"}:
                context.append(python.string_value(other.value) or "")
    key = lifetime_name("exp", "_".join(context) + "_token")
    kind = key.kind if key else "access"
    return _hit(source, value, '"exp" claim', kind, seconds, on)


def _keyword_arguments(source: Source) -> Iterator[Hit]:
    assert source.index is not None
    for arg in source.index.of(cst.Arg):
        if arg.keyword is None or not states_lifetime(arg.keyword.value):
            continue
        call = source.index.parent(arg)
        if not isinstance(call, cst.Call):
            continue
        word = arg.keyword.value
        callee = python.last_name(call.func) or ""
        cookie = python.positional(call, 0) if callee in COOKIE_SETTERS else None
        cookie_name = python.string_value(cookie.value) if cookie else None
        stated = keyword_lifetime(word, callee, cookie_name, issuers.makes_credential(call))
        if stated is None:
            continue
        seconds, on = _judge(source, stated.key, arg.value, stated.never), None
        if seconds is None:
            seconds, on = from_now(source, arg.value), None
        if seconds is None:
            seconds, on = until(source, arg.value) or (None, None)
        if seconds is not None:
            hit = _hit(source, arg.value, f"{callee}({word}=)", stated.key.kind, seconds, on)
            if hit:
                yield hit


def _detect_python(source: Source) -> Iterator[Hit]:
    if reports_only_proven(source) or not _may_set_lifetime(source) or source.index is None:
        return
    yield from _assignments(source)
    yield from _dict_elements(source)
    yield from _exp_items(source)
    yield from _keyword_arguments(source)
    yield from _forwarded(source)


def _may_set_lifetime(source: Source) -> bool:
    """The screen (``ast``): whether some name in the file could be a lifetime the rule
    judges, each test one of the rule's own, on names only (values are not read):

    - an assignment target whose last name ``lifetime_name`` reads as a token's lifetime,
      or the ``"exp"`` item of a subscript (``_assignments``, ``_exp_items``);
    - a literal dict key that is ``"exp"`` or such a name (``_dict_elements``);
    - a keyword argument ``keyword_lifetime`` reads as one, or one stating a lifetime
      given to what makes a credential (``_keyword_arguments``; ``_forwarded``'s sinks).

    A tree already built is read instead; a file ``ast`` cannot screen goes through."""
    return source.screened(_lifetime_screen)


def _lifetime_screen(source: Source) -> bool:
    for node in source.syntax_of(ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.Dict,
                                 ast.Call):
        if isinstance(node, ast.Assign):
            if any(_may_name_lifetime(target) and not _within_limit(source, target, node.value)
                   for target in node.targets):
                return True
        elif isinstance(node, ast.AnnAssign | ast.NamedExpr):
            if node.value is not None and _may_name_lifetime(node.target) and not \
                    _within_limit(source, node.target, node.value):
                return True
        elif isinstance(node, ast.Dict):
            if any(_lifetime_key(syntax_flow.string_value(key)) for key in node.keys):
                return True
        elif isinstance(node, ast.Call) and any(
                _may_state_lifetime(source, node, k.arg, k.value) for k in node.keywords
                if k.arg is not None):
            return True
    return False


def _may_name_lifetime(target: ast.expr) -> bool:
    """An assignment target (each element of a tuple or list of them) as ``Binding.last``
    names it: a subscript by its literal key."""
    if isinstance(target, ast.Tuple | ast.List):
        return any(_may_name_lifetime(element) for element in target.elts)
    if isinstance(target, ast.Starred):
        return _may_name_lifetime(target.value)
    if isinstance(target, ast.Subscript):
        return _lifetime_key(syntax_flow.string_value(target.slice))
    name = syntax_flow.last_name(target)
    return name is not None and lifetime_name(name) is not None


def _within_limit(source: Source, target: ast.expr, value: ast.expr) -> bool:
    """A number bound to a lifetime's name that :func:`_assignments` judges within its
    limit (``API_TIMEOUT = 120``)."""
    if not isinstance(target, ast.Name | ast.Attribute):
        return False
    name = syntax_flow.last_name(target)
    key = lifetime_name(name) if name else None
    return key is not None and _number_within(source, key, value)


def _number_within(source: Source, key: LifetimeName, value: ast.expr) -> bool:
    """A number literal that, in ``key``'s unit, is at most the configured limit of its
    kind (or not above zero): what the rule reports nothing for. A name, a call or an
    operation may hold anything: not read here."""
    if not isinstance(value, ast.Constant) or isinstance(value.value, bool) or not isinstance(
            value.value, int | float):
        return False
    return _within(source, key.kind, value.value * key.unit)


def _within(source: Source, kind: str, seconds: float) -> bool:
    """A lifetime the rule does not report: not above zero, or at most the configured
    limit of its kind (:func:`_hit`, and the screen's :func:`_number_within`)."""
    return seconds <= 0 or seconds <= limits(source.config)[kind]


def _lifetime_key(key: str | None) -> bool:
    """A literal key (a dict's, a subscript's): the ``"exp"`` claim, or a lifetime."""
    return key is not None and (key == "exp" or lifetime_name(key) is not None)


def _may_state_lifetime(source: Source, call: ast.Call, word: str, value: ast.expr) -> bool:
    """A keyword :func:`_keyword_arguments` reads as a lifetime and may judge too long, or
    one given to what makes a credential (``_forwarded`` judges it by where it goes)."""
    if not states_lifetime(word):
        return False
    callee = syntax_flow.last_name(call.func) or ""
    plain = syntax_flow.positional(call)
    cookie = syntax_flow.string_value(plain[0]) if plain and callee in COOKIE_SETTERS else None
    issues = _may_make_credential(call.func)
    if issues or function_makes_token(callee):
        return True
    stated = keyword_lifetime(word, callee, cookie, issues)
    return stated is not None and not _number_within(source, stated.key, value)


def _may_make_credential(func: ast.expr) -> bool:
    """``issuers.makes_credential`` over ``ast``: a class of the call's chain names a
    credential."""
    while isinstance(func, ast.Attribute):
        if issuers.credential_class(func.attr):
            return True
        func = func.value
    return isinstance(func, ast.Name) and issuers.credential_class(func.id)


def _forwarded(source: Source) -> Iterator[Hit]:
    """``request_token(..., seconds=TEN_YEARS)`` where ``request_token`` hands ``seconds``
    on as ``V1TokenRequestSpec(expiration_seconds=seconds)``: judged like the keyword
    itself, reported where the value is written (a module constant once, whatever calls
    hand it on)."""
    reported: set[cst.CSTNode] = set()
    for found in issuers.forwarded_lifetimes(source):
        if found.origin in reported:
            continue
        key = lifetime_name(found.keyword, found.callee) or LifetimeName("refresh", 1)
        seconds = _judge(source, key, found.value, True)
        if seconds is None:
            continue
        callee = source.code(found.call.func)
        hit = _hit(source, found.origin, source.code(found.value), key.kind, seconds)
        if hit:
            reported.add(found.origin)
            line = source.span(found.call).line
            yield replace(hit, detail=f"{hit.detail} ({found.keyword} of {found.callee}, "
                                      f"through {callee}() on line {line})")


# -- config files ---------------------------------------------------------------------------
_CONFIG_PAIR = lazy_regex(
    r"""(?:^|(?<=[\s{,(]))["']?(?P<key>[A-Za-z_][\w.\-]*)["']?\s*[:=]\s*"""
    r"""(?P<value>"[^"\n]*"|'[^'\n]*'|[^\s,#;}\]]+)"""
)
# A TOML/INI section header: ``[auth.api_tokens]``.
_SECTION = lazy_regex(r"^\s*\[+\s*([^\]\s]+)\s*\]+\s*(?:[#;].*)?$")
# Dockerfile ``ENV NAME value`` (the old form without "=").
_DOCKER_ENV = lazy_regex(r"^\s*ENV\s+(?P<key>[A-Za-z_][\w.\-]*)\s+(?P<value>[^\s=]+)\s*$")


# Values that say "no expiry" whatever the setting (``token_ttl: never``).
_NEVER_WORDS = frozenset({"never", "forever", "infinite", "unlimited"})


def _never(key_name: str, text: str) -> bool:
    key, value = key_name.lower(), text.lower()
    if value in _NEVER_WORDS:
        return True
    if key == "token_ttl":  # knox: None means never, False is not a value it takes
        return value in {"none", "null", "~"}
    return key in NEVER_KEYS and value in {"false", "none", "null", "~"}


def _detect_config(source: Source) -> Iterator[Hit]:
    if reports_only_proven(source):
        return
    limit_of = limits(source.config)
    section = ""
    for number, line in enumerate(source.lines, start=1):
        header = _SECTION.match(line)
        if header:
            section = header.group(1)
            continue
        matches = list(_CONFIG_PAIR.finditer(line))
        docker = _DOCKER_ENV.match(line) if source.kind is FileKind.DOCKERFILE else None
        if docker:
            matches.append(docker)
        for match in matches:
            key_name = match.group("key").rpartition(".")[2]
            text = match.group("value").strip("\"'")
            switch = switches_expiry_off(key_name) and text.lower() in {"true", "yes", "on"}
            # A switch names what it is about through its section (``[auth.api_tokens]``).
            key = lifetime_name(key_name, section if switch else "")
            if key is None:
                continue
            seconds = NEVER if switch or _never(key_name, text) else duration_seconds(
                text, key.unit)
            if seconds is None or seconds <= 0:
                continue
            limit = limit_of[key.kind]
            if seconds <= limit:
                continue
            span = Span(number, match.start("value") + 1, number, match.end("value") + 1)
            detail = (f"{human(seconds)}; limit for {KIND_LABEL[key.kind]}: {human(limit)}"
                      if seconds != NEVER else f"tokens never expire ({KIND_LABEL[key.kind]})")
            yield Hit(span=span, target=key_name, detail=detail, code=f"{key_name}={text}",
                      fixable=False)


def _detect(source: Source) -> Iterator[Hit]:
    if source.kind is FileKind.PYTHON:
        yield from _detect_python(source)
    else:
        yield from _detect_config(source)


RULE = Rule(
    id="TW304",
    name=OPTIONS_RULE,
    title="Token lifetime beyond sane limits",
    category=Category.MISSING_EXPIRY,
    severity=Severity.MEDIUM,
    cwe=(613,),
    message="{target} lets tokens live too long: {detail}",
    hint="Shorten it: access tokens 15-60 minutes, refresh tokens 30 days at most, "
         "reset links a day at most",
    docs=RuleDocs(
        what="Finds token, link and session lifetimes beyond configurable limits, and "
             "settings that turn expiry off: flask-jwt-extended `JWT_ACCESS_TOKEN_EXPIRES` / "
             "`JWT_REFRESH_TOKEN_EXPIRES` and `expires_delta=` (False means never), "
             "simplejwt `SIMPLE_JWT` lifetimes, Django `PASSWORD_RESET_TIMEOUT`, "
             "`SESSION_COOKIE_AGE`, Flask `PERMANENT_SESSION_LIFETIME`, knox `TOKEN_TTL: None`, "
             "django-oauth-toolkit and djangorestframework-jwt settings, "
             "`ACCESS_TOKEN_EXPIRE_MINUTES`-style settings (the unit is read from the name), "
             "`max_age` of token and session cookies, `exp` claims (in a dict or set as "
             "`claims[\"exp\"] = ...`) set to now plus a long delta (now also through a "
             "same-module helper such as `_now()`; `timedelta`, dateutil `relativedelta`) or "
             "to a fixed date ten years or more ahead (`datetime(2099, 1, 1)`), and lifetimes "
             "given to what issues a credential: a class naming one (`ApiKey(...)`, "
             "`PersonalAccessToken(...)`, `LabKey.issue(expires_at=...)`) or a "
             "`create_api_token`-style function, where `expires_at=None` means never; "
             "also a lifetime handed through a parameter of a function of the same file "
             "that passes it on, unchanged, to such a call (`request_token(ns, sa, "
             "seconds=TEN_YEARS)` where `request_token` gives `seconds` as a "
             "`V1TokenRequestSpec`'s `expiration_seconds`), reported where the value is "
             "written: the module constant (once, whatever calls hand it on), else the "
             "argument. "
             "Values are read from literals, arithmetic, `timedelta(...)`, constants "
             "of the same file (`timedelta(days=DAYS)`; a lifetime setting bound to another "
             "is judged where that one is set), `os.getenv(name, default)` defaults, and in "
             "YAML, JSON, TOML, INI, .env, shell and Dockerfile lines (`7d`, `8760h`, "
             "`3600`; `never`, `forever`, `infinite` mean never; a switch such as "
             "`allow_non_expiring = true` turns expiry off for what its TOML/INI section "
             "names). The limits are the rule's options (below).",
        why="The longer a token lives, the longer a stolen one works. A reset link valid for "
            "a week outlives the mailbox compromise that leaked it; an access token valid for "
            "a year makes revocation meaningless.",
        how="Keep access tokens short (15 to 60 minutes) and renew them with rotating "
            "refresh tokens; expire reset and verification links within hours.",
        not_flagged="Lifetimes within the limits; names that are not about tokens (cache, "
                    "lock, HTTP, database and Celery timeouts, CSRF cookie age, JWT leeway); "
                    "cookies that do not hold a token or session; values the rule cannot "
                    "compute (names from other modules, parameters of functions called "
                    "from other files or reassigned before use); False/None for "
                    "settings where it does not mean \"never\"; test code.",
        references=("https://cwe.mitre.org/data/definitions/613.html",
                    "https://cheatsheetseries.owasp.org/cheatsheets/JSON_Web_Token_for_Java_Cheat_Sheet.html",
                    "https://flask-jwt-extended.readthedocs.io/en/stable/options.html"),
    ),
    detect=_detect,
    kinds=PYTHON | CONFIG,
    screens=True,
    options=tuple(LIMITS.values()),
    # "_ttl"/"ttl=" ..., not "ttl", which is in "little" and "settle".
    keywords=("expir", "lifetime", "ttl", "max_age", "cookie_age", "timeout", "\"exp\"", "'exp'"),
    prefilter=mentions_tokens,
    bad=(
        Example(
            """
            from datetime import timedelta

            JWT_ACCESS_TOKEN_EXPIRES = False
            SIMPLE_JWT = {
                "ACCESS_TOKEN_LIFETIME": timedelta(days=1),
                "REFRESH_TOKEN_LIFETIME": timedelta(days=30),
            }
            PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 7
            """,
            expect=(
                Expected(3, 28, "JWT_ACCESS_TOKEN_EXPIRES lets tokens live too long: tokens "
                                "never expire (access tokens)"),
                Expected(5, 30, "ACCESS_TOKEN_LIFETIME lets tokens live too long: 1 day; limit "
                                "for access tokens: 1 hour"),
                Expected(8, 26, "PASSWORD_RESET_TIMEOUT lets tokens live too long: 7 days; "
                                "limit for reset and verification links: 1 day"),
            ),
        ),
        Example(
            """
            from flask_jwt_extended import create_access_token

            def login(user, response):
                token = create_access_token(identity=user.id, expires_delta=False)
                response.set_cookie("refresh_token", token, max_age=60 * 60 * 24 * 365)
            """,
            expect=(
                Expected(4, 65, "create_access_token(expires_delta=) lets tokens live too long: "
                                "tokens never expire (access tokens)"),
                Expected(5, 57, "set_cookie(max_age=) lets tokens live too long: 1 year; limit "
                                "for refresh and API tokens: 30 days"),
            ),
        ),
        Example(
            """
            import os
            from datetime import datetime, timedelta, timezone

            class Settings:
                ACCESS_TOKEN_EXPIRE_MINUTES: int = int(os.getenv("TOKEN_MINUTES", 60 * 24 * 8))

            def access_token(user):
                return {"sub": user.id, "exp": datetime.now(timezone.utc) + timedelta(days=7)}
            """,
            expect=(
                Expected(5, 40, "ACCESS_TOKEN_EXPIRE_MINUTES lets tokens live too long: 8 days; "
                                "limit for access tokens: 1 hour"),
                Expected(8, 36, '"exp" claim lets tokens live too long: 7 days; limit for '
                                "access tokens: 1 hour"),
            ),
        ),
        Example(
            """
            auth:
              access_token_lifetime: 7d
              refresh_token_ttl: 90d
              reset_token_expire_hours: 48
            """,
            path="config.yaml",
            expect=(
                Expected(2, 26, "access_token_lifetime lets tokens live too long: 7 days; limit "
                                "for access tokens: 1 hour"),
                Expected(3, 22, "refresh_token_ttl lets tokens live too long: 90 days; limit "
                                "for refresh and API tokens: 30 days"),
                Expected(4, 29, "reset_token_expire_hours lets tokens live too long: 2 days; "
                                "limit for reset and verification links: 1 day"),
            ),
        ),
        Example(
            """
            JWT_ACCESS_TOKEN_EXPIRES=false
            SESSION_COOKIE_AGE=31536000
            """,
            path=".env",
            expect=(
                Expected(1, 26, "JWT_ACCESS_TOKEN_EXPIRES lets tokens live too long: tokens "
                                "never expire (access tokens)"),
                Expected(2, 20, "SESSION_COOKIE_AGE lets tokens live too long: 1 year; limit "
                                "for sessions: 30 days"),
            ),
        ),
        Example(
            """
            from kubernetes import client

            TEN_YEARS = 10 * 365 * 24 * 3600

            def request_token(namespace, account, seconds):
                spec = client.V1TokenRequestSpec(audiences=["api"], expiration_seconds=seconds)
                return client.AuthenticationV1TokenRequest(spec=spec)

            def monitoring_token(namespace):
                return request_token(namespace, "prometheus", seconds=TEN_YEARS)
            """,
            expect=(
                Expected(3, 13, "TEN_YEARS lets tokens live too long: 10 years; limit for "
                                "refresh and API tokens: 30 days (expiration_seconds of "
                                "V1TokenRequestSpec, through request_token() on line 10)"),
            ),
        ),
    ),
    good=(
        Example(
            """
            from datetime import timedelta

            JWT_ACCESS_TOKEN_EXPIRES = timedelta(minutes=15)
            JWT_REFRESH_TOKEN_EXPIRES = timedelta(days=14)
            PASSWORD_RESET_TIMEOUT = 3600
            SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
            CSRF_COOKIE_AGE = 60 * 60 * 24 * 365
            CACHE_TTL = 86400 * 30
            REQUEST_TIMEOUT = 30
            SESSION_EXPIRE_AT_BROWSER_CLOSE = False
            JWT_LEEWAY = timedelta(days=2)
            """,
        ),
        Example(
            """
            def remember(response, theme):
                response.set_cookie("theme", theme, max_age=60 * 60 * 24 * 365)

            def refresh_claims(user):
                return {"sub": user.id, "type": "refresh", "exp": time.time() + 86400 * 14}
            """,
        ),
        Example(
            """
            {"ACCESS_TOKEN_EXPIRE_MINUTES": 30, "cache_timeout": 604800,
             "REFRESH_TOKEN_EXPIRE_DAYS": 7}
            """,
            path="settings.json",
        ),
    ),
)
