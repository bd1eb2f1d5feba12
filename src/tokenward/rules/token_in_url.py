"""TW602: a token, API key or password put in a URL's query string."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from tokenward.analysis.providers import key_required_in_query
from tokenward.analysis.source import FileKind, Source
from tokenward.analysis.vocabulary import (
    carries_credential,
    has_secret_word,
    names_harmless_token,
    url_param_credential,
)
from tokenward.lazy import lazy_regex
from tokenward.model import Category, Hit, Severity, Span
from tokenward.rules import examples
from tokenward.rules.base import CONFIG, PYTHON, Rule, RuleDocs

if TYPE_CHECKING:
    import libcst as cst

    from tokenward.analysis import config_text, credentials, python, syntax_flow
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import cst, lazy_module

    config_text = lazy_module("tokenward.analysis.config_text")
    credentials = lazy_module("tokenward.analysis.credentials")
    python = lazy_module("tokenward.analysis.python")
    syntax_flow = lazy_module("tokenward.analysis.syntax_flow")

# One-time links are designed to carry their token in the URL.
_ONE_TIME_LINK = lazy_regex(
    r"reset|verif|confirm|activat|invit|unsubscribe|magic|signup|sign-up|register|"
    r"onboard|email-link|emaillink|one-time|onetime", re.IGNORECASE)
_PARAM_AT_END = lazy_regex(r"[?&]([A-Za-z][\w\-]*)=$")
_PARAM_TEMPLATE = lazy_regex(r"[?&]([A-Za-z][\w\-]*)=(\{[^}]*\}|%s|%\(\w+\)s)")


def _detect(source: Source) -> Iterator[Hit]:
    if source.kind is FileKind.PYTHON:
        yield from _detect_python(source)
    else:
        yield from _detect_config(source)


# --- Python -------------------------------------------------------------------------------

def _detect_python(source: Source) -> Iterator[Hit]:
    # The screen first: no query parameter a credential could fill, no libcst tree to build.
    if not _may_put_in_query(source):
        return
    index = source.index
    if index is None:
        return
    for fstring in index.of(cst.FormattedString):
        yield from _fstring_hits(source, fstring)
    for string in index.of(cst.SimpleString):
        hit = _template_hit(source, string)
        if hit is not None:
            yield hit
    for call in index.of(cst.Call):
        yield from _params_hits(source, call)


# Every ``?name=`` / ``&name=`` a string spells: where the rule's patterns (``_PARAM_AT_END``,
# ``_PARAM_TEMPLATE``) match, this matches the same name.
_ANY_PARAM = lazy_regex(r"[?&]([A-Za-z][\w\-]*)=")


def _may_put_in_query(source: Source) -> bool:
    """The screen (``ast``): a string that spells a query parameter named like a credential
    (``url_param_credential``: an f-string's text, a template, a left operand of ``+``,
    whichever; Python's parser joins implicit concatenations, which only adds), or a
    ``params=`` whose dict may hold such a key (``SyntaxFlow.dict_keys``). Values, one-time
    links and providers that require a key in the query are not looked at. A tree already
    built is read instead; a file ``ast`` cannot screen goes through."""
    return source.screened(_screen)


def _screen(source: Source) -> bool:
    flow = syntax_flow.syntax_flow(source)
    if flow is None:
        return True
    for node in source.syntax_of(ast.Constant, ast.Call):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if "=" in node.value and any(url_param_credential(m.group(1).lower()) is not None
                                         for m in _ANY_PARAM.finditer(node.value)):
                return True
        elif isinstance(node, ast.Call) and any(
                k.arg == "params" and any(url_param_credential(key.lower()) is not None
                                          for key in flow.dict_keys(k.value))
                for k in node.keywords):
            return True
    return False


def _url_text(source: Source, node: cst.CSTNode) -> str:
    return source.code(node)


def _fstring_hits(source: Source, fstring: cst.FormattedString) -> Iterator[Hit]:
    parts = list(fstring.parts)
    text = _url_text(source, fstring)
    if _ONE_TIME_LINK.search(text.split("?", 1)[0]):
        return
    for i, part in enumerate(parts[:-1]):
        if not isinstance(part, cst.FormattedStringText):
            continue
        match = _PARAM_AT_END.search(part.value)
        following = parts[i + 1]
        if match is None or not isinstance(following, cst.FormattedStringExpression):
            continue
        param = match.group(1)
        url = "".join(p.value for p in parts[:i + 1] if isinstance(p, cst.FormattedStringText))
        if key_required_in_query(url, param):
            continue
        if _credential_param(source, param, following.expression):
            yield Hit(span=source.span(fstring), target=param, detail="query string",
                      code=source.code(fstring))
            return


def _template_hit(source: Source, string: cst.SimpleString) -> Hit | None:
    """A query template filled in later: by ``.format``, ``%`` or ``+``."""
    text = python.string_value(string)
    if text is None or "=" not in text or _ONE_TIME_LINK.search(text.split("?", 1)[0]):
        return None
    assert source.index is not None
    parent = source.index.parent(string)
    value: cst.BaseExpression | None = None
    match = _PARAM_AT_END.search(text)
    if match is not None and isinstance(parent, cst.BinaryOperation) \
            and isinstance(parent.operator, cst.Add) and parent.left is string:
        value = parent.right
    else:
        match = _PARAM_TEMPLATE.search(text)
        if match is None:
            return None
        value = _template_argument(source, string)
    if match is None or key_required_in_query(text, match.group(1)) \
            or not _credential_param(source, match.group(1), value):
        return None
    node = parent if isinstance(parent, cst.BinaryOperation) else string
    return Hit(span=source.span(node), target=match.group(1), detail="query string",
               code=source.code(node))


def _template_argument(source: Source, string: cst.SimpleString) -> cst.BaseExpression | None:
    """The first argument a ``.format`` / ``%`` template is filled with (or None)."""
    assert source.index is not None
    parent = source.index.parent(string)
    if isinstance(parent, cst.Attribute) and parent.attr.value == "format":
        call = source.index.parent(parent)
        if isinstance(call, cst.Call):
            for arg in call.args:
                if arg.keyword is not None and carries_credential(arg.keyword.value):
                    return arg.value
            return call.args[-1].value if call.args else None
    if isinstance(parent, cst.BinaryOperation) and isinstance(parent.operator, cst.Modulo):
        right = parent.right
        if isinstance(right, cst.Tuple) and right.elements:
            return right.elements[-1].value
        return right
    return None


def _credential_param(source: Source, param: str, value: cst.BaseExpression | None) -> bool:
    if value is not None and python.string_value(value) is not None:
        return False  # a literal: a hard-coded value is TW1xx's business
    if names_harmless_token(python.last_name(value) if value is not None else None):
        return False
    carries = url_param_credential(param.lower())
    if carries == "if_secret" and value is not None:
        return _secretish_value(source, value)
    return carries == "always"


def _secretish_value(source: Source, value: cst.BaseExpression) -> bool:
    name = python.last_name(value) or ""
    if carries_credential(name) or url_param_credential(name.lower()) is not None:
        return True
    resolved = source.analysis.resolve(value)
    if isinstance(resolved, cst.Subscript | cst.Call):
        key = python.last_name(resolved) if isinstance(resolved, cst.Subscript) else None
        if isinstance(resolved, cst.Call) and resolved.args:
            key = python.string_value(resolved.args[0].value)
        return has_secret_word(key)
    return False


def _params_hits(source: Source, call: cst.Call) -> Iterator[Hit]:
    """``requests.get(url, params={"api_key": key})``: params always go into the URL,
    whatever the method."""
    arg = python.keyword(call, "params")
    if arg is None or not credentials.is_http_call(source, call):
        return
    url = python.string_value(call.args[0].value) if call.args and call.args[0].keyword is None \
        else None
    for key, key_node, value in credentials.dict_items(source, arg.value):
        if key_required_in_query(url or "", key):
            continue
        if _credential_param(source, key, value):
            inline = isinstance(arg.value, cst.Dict)
            node = key_node if inline else arg
            yield Hit(span=source.span(node), target=key, detail="params=",
                      code=source.code(node))


# --- config files, shell scripts, CI YAML ----------------------------------------------------

_CONFIG_URL = lazy_regex(
    r"""https?://[^\s"'<>`]*?[?&]([A-Za-z][\w\-]*)=([^&\s"'#<>`]+)""")
_VARIABLE = lazy_regex(r"""^\$\{\{\s*[\w.]+\s*\}\}|^\$\{?\w+\}?""")


def _detect_config(source: Source) -> Iterator[Hit]:
    for number, line in enumerate(source.lines, start=1):
        if "://" not in line or config_text.is_comment(line, source.kind):
            continue
        for match in _CONFIG_URL.finditer(line):
            param, value = match.group(1).lower(), match.group(2)
            url = match.group(0)
            if _ONE_TIME_LINK.search(url.split("?", 1)[0]) or key_required_in_query(url, param):
                continue
            is_variable = bool(_VARIABLE.match(value))
            carries = url_param_credential(param)
            if carries == "always":
                ok = is_variable or len(value) >= 8
            elif carries == "if_secret":
                var = re.sub(r"[^\w]", " ", value).split()
                ok = (is_variable and any(carries_credential(v) or has_secret_word(v)
                                          for v in var)) or (
                    not is_variable and len(value) >= 20 and value.isascii()
                    and re.fullmatch(r"[\w\-]+", value) is not None)
            else:
                ok = False
            if ok:
                yield Hit(span=Span(number, match.start(1) + 1, number, match.end(2) + 1),
                          target=match.group(1), detail="query string",
                          code=f"{match.group(1)}=…")


_QUERY_PARAM = lazy_regex(r"[?&]([a-z][\w\-]*)=")
_PARAMS_ARGUMENT = lazy_regex(r"params\s*=")
_IDENTIFIER = lazy_regex(r"[a-z_][\w\-]*")
# Where the dict given to ``params=`` is written: inline after it, or built just before.
_BEFORE, _AFTER = 1000, 300


def _may_build_query(text: str) -> bool:
    """File prefilter (lower-cased text): a query parameter that carries a credential, or a
    ``params=`` with such a name close to it. Most files have neither, and are then not
    parsed for this rule."""
    if "?" in text or "&" in text:
        for match in _QUERY_PARAM.finditer(text):
            if url_param_credential(match.group(1)) is not None:
                return True
    if "params" in text:
        for match in _PARAMS_ARGUMENT.finditer(text):
            window = text[max(0, match.start() - _BEFORE) : match.end() + _AFTER]
            if any(url_param_credential(name) is not None
                   for name in _IDENTIFIER.findall(window)):
                return True
    return False


_BAD, _GOOD = examples.load("token_in_url")

RULE = Rule(
    id="TW602",
    name="token-in-url",
    title="Token passed in a URL query string",
    category=Category.TOKEN_EXPOSURE,
    severity=Severity.MEDIUM,
    cwe=(598,),
    message="Credential in a URL query string ({target}=): URLs end up in server and proxy "
            "logs, browser history and Referer headers",
    hint="Send the token in a header (Authorization: Bearer …, X-Api-Key) or a POST body; "
         "never in the query string.",
    docs=RuleDocs(
        what="A credential placed in a URL's query string: f-strings, `.format`/`%` "
             "templates and concatenations that fill a parameter named like a "
             "credential (`?access_token=`, `token=`, `api_key=`, `client_secret=`, "
             "`password=`, `auth=`, `pat=`, a session id ...) with a value, or `key=`/"
             "`appid=` with a secret-named value or an environment lookup; `params={...}` "
             "with such a key on `requests`/`httpx`/`aiohttp` calls and sessions (params "
             "always go into the URL, whatever the HTTP method); and URLs with such "
             "parameters in config files, shell scripts and CI YAML (`curl "
             "\"https://…?token=${TOKEN}\"`).",
        why="Query strings are logged by web servers, load balancers and proxies, kept in "
            "browser history and sent onward in `Referer` headers; a token there is copied "
            "to places nobody audits (CWE-598).",
        how="Send credentials in the `Authorization` header (or the provider's API-key "
            "header) or in a POST body. For browser redirects, hand over a one-time code "
            "the client exchanges server-side, not the access token.",
        not_flagged="One-time links that are designed to carry a single-use token "
                    "(password reset, email verification/confirmation, invitations, "
                    "unsubscribe and magic links: the URL's path names them), OAuth "
                    "authorization `code=`/`state=` redirects, pagination tokens "
                    "(`page_token`, `next_token`, `cursor`), `signature=` of pre-signed "
                    "URLs, tokens in the URL path, query strings without a credential "
                    "parameter, and literal values (hard-coded secrets are TW1xx's "
                    "business).",
        references=("https://cwe.mitre.org/data/definitions/598.html",
                    "https://datatracker.ietf.org/doc/html/rfc6750#section-2.3"),
    ),
    detect=_detect,
    kinds=PYTHON | CONFIG,
    screens=True,
    keywords=("=",),
    prefilter=_may_build_query,
    bad=_BAD,
    good=_GOOD,
)
