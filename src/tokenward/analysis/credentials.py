"""Where credentials travel in Python code: shared by the transport (TW5xx) and exposure
(TW6xx) rules.

Decisions, documented once here (which names and headers carry a credential is the
vocabulary's answer: :func:`tokenward.analysis.vocabulary.carries_credential`):

- A call *carries credentials* when it has ``auth=``, ``cookies=``, a credential header in
  ``headers=``, a secret-named key in ``params=``/``data=``/``json=``, a token in the
  URL's query or user-info, or goes through a session whose headers/auth were set with one
  in the same file.
- A host is *local* (a token sent there does not cross a network): ``localhost`` and
  ``*.localhost``, 127.0.0.0/8, ``::1``, ``0.0.0.0``, link-local 169.254.0.0/16 (cloud
  metadata) and single-label names (``http://api:8000``: a docker-compose or sidecar
  service on the same host or private bridge). ``*.local``, ``*.internal``, private
  RFC 1918 addresses and every other name are *not* local: a LAN or a VPC is still a
  network someone can listen to. The option ``local_hosts`` (a list of host names or
  ``.suffix`` entries) adds more.
"""

from __future__ import annotations

import ast
import ipaddress
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tokenward.analysis.python import (
    call_name,
    dotted_name,
    keyword,
    last_name,
    positional,
    string_value,
)
from tokenward.analysis.source import Source
from tokenward.analysis.syntax_flow import (
    dotted,
    import_table,
    last_identifier,
    qualified_names,
    syntax_flow,
)
from tokenward.analysis.syntax_flow import positional as ast_positional
from tokenward.analysis.vocabulary import (
    carries_credential,
    is_credential_key,
    name_words,
)
from tokenward.lazy import lazy_regex
from tokenward.records import record

if TYPE_CHECKING:
    import libcst as cst
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import cst


def is_local_host(host: str, extra: Sequence[str] = ()) -> bool:
    host = host.strip("[]").rstrip(".").lower()
    if not host or host == "localhost" or host.endswith(".localhost") or ("." not in host \
            and ":" not in host):
        return True
    for entry in extra:
        entry = entry.lower()
        if host == entry or (entry.startswith(".") and host.endswith(entry)):
            return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified or address.is_link_local


_URL = lazy_regex(r"http://[^\s\"'<>`]*", re.IGNORECASE)
# A template placeholder standing for the host: the real host is unknown, so no finding.
_PLACEHOLDER_HOST = lazy_regex(r"[{$%<]")


def cleartext_host(url: str, extra: Sequence[str] = ()) -> str | None:
    """The non-local host of an ``http://`` URL (prefix), or None."""
    if not url.lower().startswith("http://"):
        return None
    rest = url[7:]
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if not authority:
        return None
    if _PLACEHOLDER_HOST.search(authority):
        # http://status.{app}.example.com is still example.com; http://{host}:80 is unknown
        host_part = authority.rsplit("@", 1)[-1].split(":", 1)[0]
        tail = re.split(r"\{[^}]*\}|\$\{?\w*\}?|%\(?\w*\)?s|<[^>]*>", host_part)[-1]
        if "." not in tail.strip(".") or not re.search(r"[A-Za-z]{2,}$", tail):
            return None
        authority = re.sub(r"\{[^}]*\}|\$\{?\w*\}?|%\(?\w*\)?s|<[^>]*>", "x", authority)
    try:
        host = urlsplit("http://" + authority).hostname or ""
    except ValueError:
        return None
    if not host or is_local_host(host, extra):
        return None
    return host


def http_urls(text: str) -> Iterator[re.Match[str]]:
    return _URL.finditer(text)


# --- values ------------------------------------------------------------------------------

def url_prefix(source: Source, node: cst.BaseExpression | None, depth: int = 0) -> str | None:
    """The literal text of a URL expression, following simple constants: ``"http://x"``,
    ``f"{BASE}/v1"``, ``BASE + "/v1"``, ``urljoin(BASE, p)``, ``"{}/v1".format(BASE)``,
    and a same-module helper that returns one URL (``api_url("/users")``). Parts that
    cannot be resolved become ``{}``; None when nothing is known."""
    if node is None or depth > 6:
        return None
    text = string_value(node)
    if text is not None:
        return text
    if isinstance(node, cst.FormattedString):
        out = ""
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                out += part.value
            elif isinstance(part, cst.FormattedStringExpression):
                inner = url_prefix(source, part.expression, depth + 1)
                out += "{}" if inner is None else inner
        return out
    if isinstance(node, cst.BinaryOperation):
        if isinstance(node.operator, cst.Add):
            left = url_prefix(source, node.left, depth + 1)
            if left is None:
                return None
            right = url_prefix(source, node.right, depth + 1)
            return left + ("{}" if right is None else right)
        if isinstance(node.operator, cst.Modulo):
            return url_prefix(source, node.left, depth + 1)
        return None
    if isinstance(node, cst.Call):
        name = dotted_name(node.func) or ""
        if name.endswith("urljoin") or name.endswith("urlunsplit"):
            first = positional(node, 0)
            return None if first is None else url_prefix(source, first.value, depth + 1)
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "format":
            return url_prefix(source, node.func.value, depth + 1)
    if isinstance(node, cst.Name | cst.Attribute | cst.Call):
        value = source.analysis.resolve(node, calls=True)
        return None if value is node else url_prefix(source, value, depth + 1)
    return None


def may_hold_cleartext_url(source: Source, extra: Sequence[str] = ()) -> bool:
    """The screen of :func:`url_prefix` and :func:`cleartext_host` over ``ast``: whether
    some URL the file builds may start with ``http://`` and a host that is not local. A
    URL's text starts with the text of a literal (``{}`` stands for what is unknown), so
    some literal must start it: a whole ``http://`` URL whose host it ends (judged as
    :func:`cleartext_host` judges it), one whose host may go on in the next piece, or a
    start of ``http://`` itself (``"http"`` + ``"://..."``). Only the literals
    ``url_prefix`` may start with are read (:func:`_url_pieces`)."""
    return any(_may_start_cleartext(text, exact, extra) for text, exact in
               source.fact(_url_pieces))


def _may_start_cleartext(text: str, exact: bool, extra: Sequence[str]) -> bool:
    lowered = text.lower()
    if not lowered.startswith("http://"):
        return bool(text) and "http://".startswith(lowered)
    if not exact or _AUTHORITY_END.search(text, 7) is None:
        return True  # the host may go on, or libcst reads other text
    return cleartext_host(text, extra) is not None


_AUTHORITY_END = lazy_regex(r"[/?#]")


def _url_pieces(source: Source) -> tuple[tuple[str, bool], ...]:
    """The text of every literal ``url_prefix`` may start a URL's text with, read from
    ``ast``: a URL is an argument of a call a request may be (``request_url``,
    ``endpoint_argument``: the first of a list); from there ``url_prefix`` reads an
    f-string's parts and their expressions, both sides of ``+``, the left of ``%``, the
    first argument of ``urljoin``/``urlunsplit`` and the receiver of ``.format``, and
    follows what ``Analysis.resolve`` follows: a name or attribute to the values bound to
    it (an assignment, ``with`` item), a helper's call to what a function so named returns
    (the file's ``SyntaxFlow``, by identifier: a superset). A URL assigned but never handed
    to such a call is not read. Each text with whether libcst reads it so: an f-string's
    text part is decoded by ``ast``, kept as written by libcst (escapes, doubled braces)."""
    pieces: list[tuple[str, bool]] = []
    seen: set[int] = set()
    imports = import_table(source)
    flow = syntax_flow(source)
    assert flow is not None  # a screen runs only where ast has a tree
    stack = list(_url_roots(source.syntax_of(ast.Call), imports))
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            pieces.append((node.value, True))
        elif isinstance(node, ast.JoinedStr):
            for part in node.values:
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    pieces.append((part.value, False))
                elif isinstance(part, ast.FormattedValue):
                    stack.append(part.value)
        elif isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Add):
                stack.extend((node.left, node.right))
            elif isinstance(node.op, ast.Mod):
                stack.append(node.left)
        elif isinstance(node, ast.Call):
            stack.extend(_url_call_parts(node))
            stack.extend(flow.returns.get(last_identifier(node.func) or "", ()))
        elif isinstance(node, ast.Name | ast.Attribute):
            stack.extend(flow.reachable(node))
        elif isinstance(node, ast.List):
            stack.extend(node.elts)
    return tuple(pieces)


def _url_roots(calls: list[ast.Call], imports: Mapping[str, frozenset[str]]
               ) -> Iterator[ast.expr]:
    for call in calls:
        if not _may_take_url(call, imports):
            continue  # DeviceInfo(configuration_url="http://..."): no request
        yield from ast_positional(call)
        yield from (k.value for k in call.keywords if k.arg is not None)


def _may_take_url(call: ast.Call, imports: Mapping[str, frozenset[str]]) -> bool:
    """Whether a call may be one a URL is read from (:func:`is_http_call`,
    :func:`is_client_factory`, :func:`has_credential_kwargs`), over ``ast``: loosened, a
    method named for an HTTP verb on any receiver, any ``headers=``, and each qualified
    name its imports may give it (``syntax_flow.qualified_names``)."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in _HTTP_VERBS:
        return True
    if any(k.arg == "headers" or carries_credential(k.arg) for k in call.keywords
           if k.arg is not None):
        return True
    spelt = dotted(func)
    return spelt is not None and any(_names_http_call(name)
                                     for name in qualified_names(spelt, imports))


def _names_http_call(name: str) -> bool:
    """A qualified callee :func:`is_http_call` or :func:`is_client_factory` accepts."""
    head, _, verb = name.rpartition(".")
    return name in _URLLIB_CALLS or name in _CLIENT_FACTORIES or (
        head in _HTTP_MODULES and verb in _HTTP_VERBS)


def _url_call_parts(call: ast.Call) -> Iterator[ast.expr]:
    name = dotted(call.func) or ""
    if name.endswith(("urljoin", "urlunsplit")):
        yield from ast_positional(call)[:1]
    elif isinstance(call.func, ast.Attribute) and call.func.attr == "format":
        yield call.func.value


# --- HTTP calls ----------------------------------------------------------------------------

_HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options",
                         "request", "stream", "send", "fetch", "urlopen", "open", "ws_connect"})
_HTTP_MODULES = ("requests", "httpx", "aiohttp", "urllib3", "urllib.request", "treq",
                 "grequests", "niquests")
_URLLIB_CALLS = frozenset({"urllib.request.Request", "urllib.request.urlopen", "urllib2.urlopen",
                           "urllib2.Request"})
_CLIENT_FACTORIES = ("requests.Session", "requests.session", "httpx.Client",
                     "httpx.AsyncClient", "aiohttp.ClientSession", "urllib3.PoolManager",
                     "requests.sessions.Session")


def is_client_factory(source: Source, call: cst.Call) -> bool:
    name = call_name(source, call) or ""
    return name in _CLIENT_FACTORIES


def _is_client_name(source: Source, receiver: cst.BaseExpression) -> bool:
    """A receiver that is an HTTP client: assigned from a client factory in this file, or
    named like one (``session``, ``client``, ``http``)."""
    name = last_name(receiver) or ""
    if isinstance(receiver, cst.Call):
        return is_client_factory(source, receiver)
    value = source.analysis.resolve(receiver)
    if isinstance(value, cst.Call) and is_client_factory(source, value):
        return True
    if isinstance(receiver, cst.Name | cst.Attribute) and _assigned_from_factory(source, name):
        return True
    parts = name_words(name)
    return bool(parts) and parts[-1] in ("session", "client", "http", "sess", "s", "api")


def _assigned_from_factory(source: Source, name: str) -> bool:
    return name in source.fact(_factory_names)


def _factory_names(source: Source) -> frozenset[str]:
    """Last names bound to a client factory's result: ``s = requests.Session()``,
    ``with httpx.Client() as client``."""
    analysis = source.analysis
    return frozenset(binding.last for factory in _CLIENT_FACTORIES
                     for binding in analysis.bound_by_call(factory) if binding.last)


def is_http_call(source: Source, call: cst.Call) -> bool:
    """``requests.get(...)``, ``session.post(...)``, ``httpx.request(...)``,
    ``urllib.request.urlopen(...)``, ``urllib.request.Request(...)`` and friends."""
    name = call_name(source, call) or ""
    head, _, verb = name.rpartition(".")
    if name in _URLLIB_CALLS:
        return True
    if head in _HTTP_MODULES and verb in _HTTP_VERBS:
        return True
    if isinstance(call.func, cst.Attribute) and call.func.attr.value in _HTTP_VERBS:
        return _is_client_name(source, call.func.value)
    return False


def request_url(source: Source, call: cst.Call) -> cst.BaseExpression | None:
    """The URL argument of an HTTP call."""
    name = call_name(source, call) or ""
    verb = name.rpartition(".")[2]
    arg = keyword(call, "url")
    if arg is None:
        arg = positional(call, 1 if verb in ("request", "stream") and _has_method_first(call)
                         else 0)
    return None if arg is None else arg.value


def _has_method_first(call: cst.Call) -> bool:
    first = positional(call, 0)
    text = string_value(first.value) if first is not None else None
    return text is None or not text.lower().startswith(("http://", "https://", "/"))


def dict_items(source: Source, node: cst.BaseExpression | None
               ) -> Iterator[tuple[str, cst.BaseExpression, cst.BaseExpression]]:
    """(key, key node, value) of a dict literal or ``dict(k=v)``, following a local name."""
    if node is None:
        return
    if isinstance(node, cst.Name | cst.Attribute):
        node = source.analysis.resolve(node)
    if isinstance(node, cst.Dict):
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                key = string_value(element.key)
                if key is not None:
                    yield key, element.key, element.value
    elif isinstance(node, cst.Call) and dotted_name(node.func) == "dict":
        for arg in node.args:
            if arg.keyword is not None:
                yield arg.keyword.value, arg.keyword, arg.value
    elif isinstance(node, cst.Call):
        returned = returned_dict(source, node)
        if returned is not None:
            yield from dict_items(source, returned)


def returned_dict(source: Source, call: cst.Call) -> cst.Dict | None:
    """The dict literal a same-module helper returns (``def _auth(): return {...}``)."""
    return next((v for v in source.analysis.returned(call) if isinstance(v, cst.Dict)), None)


def has_credential_items(source: Source, node: cst.BaseExpression | None) -> bool:
    return any(is_credential_key(key) for key, _, _ in dict_items(source, node))


_QUERY_SECRET = lazy_regex(
    r"[?&](?:access_token|token|auth_token|api_key|apikey|api-key|private_token|"
    r"client_secret|password|secret|refresh_token|id_token|jwt)=", re.IGNORECASE)


def url_carries_credentials(url: str) -> bool:
    """A token in the query string, or ``user:password@`` in the authority."""
    if _QUERY_SECRET.search(url):
        return True
    authority = re.split(r"[/?#]", url.split("://", 1)[-1], maxsplit=1)[0]
    return "@" in authority and ":" in authority.split("@", 1)[0]


def call_carries_credentials(source: Source, call: cst.Call) -> bool:
    """Does this HTTP call (or client construction) send a credential?"""
    for arg in call.args:
        if arg.keyword is None:
            continue
        kw = arg.keyword.value
        if kw in ("auth", "cookies") and not _is_none(arg.value):
            return True
        if kw == "headers" and has_credential_items(source, arg.value):
            return True
        if kw in ("params", "data", "json") and has_credential_items(source, arg.value):
            return True
    url = request_url(source, call)
    # requests.post(SLACK_WEBHOOK, ...): the URL itself is the credential
    if isinstance(url, cst.Name | cst.Attribute) and carries_credential(last_name(url)):
        return True
    text = url_prefix(source, url) if url is not None else None
    if text is not None and url_carries_credentials(text):
        return True
    # urlopen(req) where req = Request(url, headers={"Authorization": ...})
    first = positional(call, 0)
    if first is not None and isinstance(first.value, cst.Name):
        value = source.analysis.resolve(first.value)
        if isinstance(value, cst.Call) and value is not call and is_http_call(source, value):
            return call_carries_credentials(source, value)
    return isinstance(call.func, cst.Attribute) and \
        client_is_credentialed(source, call.func.value)


def is_credential_exchange(source: Source, node: cst.BaseExpression) -> bool:
    """``r.json()``, ``r.text`` or ``r.content`` of an HTTP call whose body sends a password
    or a client secret (``requests.post(url, json={"password": pw})``): a login or token
    exchange, whose response is the session or token it grants."""
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) \
            and node.func.attr.value == "json" and not node.args:
        receiver: cst.BaseExpression = node.func.value
    elif isinstance(node, cst.Attribute) and node.attr.value in ("text", "content"):
        receiver = node.value
    else:
        return False
    call = source.analysis.resolve(receiver)
    return isinstance(call, cst.Call) and is_http_call(source, call) and any(
        arg.keyword is not None and arg.keyword.value in ("data", "json")
        and has_credential_items(source, arg.value) for arg in call.args)


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


@record
class ClientKey:
    """Where a client variable lives: a plain name is local to its function (``function``
    None: the module), an attribute (``self.session``) belongs to the whole file."""

    function: cst.FunctionDef | None
    name: str
    attribute: bool = False

    def at_module(self) -> ClientKey | None:
        """The module-level variable of the same name, for a name local to a function."""
        if self.attribute or self.function is None:
            return None
        return ClientKey(None, self.name)


def client_key(source: Source, node: cst.CSTNode) -> ClientKey | None:
    if isinstance(node, cst.Name):
        return ClientKey(source.analysis.function(node), node.value)
    if isinstance(node, cst.Attribute):
        name = dotted_name(node)
        return None if name is None else ClientKey(None, name, attribute=True)
    return None


def _credentialed_clients(source: Source) -> frozenset[ClientKey]:
    """Clients whose default headers, auth or cookies were given a credential in this
    file: ``s.headers.update({"Authorization": ...})``, ``s.headers["X-Api-Key"] = k``,
    ``s.auth = (u, p)``, ``httpx.Client(headers={"Authorization": ...})``."""
    analysis = source.analysis
    keys: set[ClientKey | None] = set()
    for binding in analysis.bindings:
        value, t = binding.value, binding.target
        if value is None or not binding.holds_value:
            continue
        if isinstance(value, cst.Call) and is_client_factory(source, value) \
                and call_carries_credentials_shallow(source, value):
            keys.add(client_key(source, t))
        if isinstance(t, cst.Attribute) and t.attr.value in ("auth", "cookies") \
                and not _is_none(value):
            keys.add(client_key(source, t.value))
        if isinstance(t, cst.Attribute) and t.attr.value == "headers" \
                and has_credential_items(source, value):
            keys.add(client_key(source, t.value))
        if isinstance(t, cst.Subscript) and isinstance(t.value, cst.Attribute) \
                and t.value.attr.value == "headers" and is_credential_key(binding.key):
            keys.add(client_key(source, t.value.value))
    for call in analysis.index.of(cst.Call):
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value == "update" \
                and isinstance(func.value, cst.Attribute) \
                and func.value.attr.value in ("headers", "cookies"):
            first = positional(call, 0)
            if first is not None and (func.value.attr.value == "cookies"
                                      or has_credential_items(source, first.value)):
                keys.add(client_key(source, func.value.value))
    return frozenset(k for k in keys if k is not None)


def call_carries_credentials_shallow(source: Source, call: cst.Call) -> bool:
    """Credentials given directly to a client constructor (no session lookup)."""
    for arg in call.args:
        if arg.keyword is None:
            continue
        kw = arg.keyword.value
        if kw in ("auth", "cookies") and not _is_none(arg.value):
            return True
        if kw in ("headers", "params") and has_credential_items(source, arg.value):
            return True
    return False


def client_is_credentialed(source: Source, receiver: cst.CSTNode) -> bool:
    key = client_key(source, receiver)
    if key is None:
        return False
    clients = source.fact(_credentialed_clients)
    if key in clients:
        return True
    # a module-level client used inside a function that does not bind the name itself
    return key.at_module() in clients and isinstance(receiver, cst.Name) \
        and not _bound_locally(source, receiver)


def _bound_locally(source: Source, node: cst.Name) -> bool:
    analysis = source.analysis
    return bool(analysis.bindings_in(analysis.function(node) or analysis.module, node.value))


def has_credential_kwargs(source: Source, call: cst.Call) -> bool:
    """Any call given a credential by keyword, or a headers dict holding one."""
    for arg in call.args:
        if arg.keyword is None or _is_none(arg.value):
            continue
        kw = arg.keyword.value
        is_flag = isinstance(arg.value, cst.Name) and arg.value.value in ("False", "True")
        if carries_credential(kw) and not is_flag:
            return True
        if kw == "headers" and has_credential_items(source, arg.value):
            return True
    return False


def endpoint_argument(call: cst.Call) -> cst.BaseExpression | None:
    """The URL/host a client constructor is pointed at: ``url=``/``host=``/``base_url=``/
    ``hosts=`` or the first positional argument."""
    for name in ("url", "base_url", "host", "hosts", "endpoint", "server", "api_url"):
        arg = keyword(call, name)
        if arg is not None:
            value = arg.value
            if isinstance(value, cst.List) and value.elements:
                return value.elements[0].value
            return value
    first = positional(call, 0)
    return None if first is None else first.value
