"""TW601: a token, secret or Authorization header written to a log, stdout or an exception."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tokenward.analysis.literals import matches_from
from tokenward.analysis.source import FileKind, Source
from tokenward.analysis.vocabulary import (
    carries_credential,
    described_as_credential,
    function_builds_url,
    function_redacts,
    function_translates,
    has_token_word,
    is_credential_key,
    mentions_credentials,
    names_bare_token,
    names_generic_holder,
    names_identifier,
    names_pin,
    speaks_of_board_pins,
)
from tokenward.lazy import lazy_regex
from tokenward.model import Category, Hit, Severity
from tokenward.records import record
from tokenward.rules.base import PYTHON, Example, Expected, Rule, RuleDocs

if TYPE_CHECKING:
    import libcst as cst

    from tokenward.analysis import config_text, credentials, public_parts, python, syntax_flow
    from tokenward.analysis import flow as dataflow
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import cst, lazy_module

    config_text = lazy_module("tokenward.analysis.config_text")
    credentials = lazy_module("tokenward.analysis.credentials")
    public_parts = lazy_module("tokenward.analysis.public_parts")
    dataflow = lazy_module("tokenward.analysis.flow")
    python = lazy_module("tokenward.analysis.python")
    syntax_flow = lazy_module("tokenward.analysis.syntax_flow")

_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception",
                          "critical", "fatal", "log", "msg", "trace", "success"})
_PRINTERS = frozenset({"print", "pprint", "pprint.pprint", "warnings.warn", "sys.stdout.write",
                       "sentry_sdk.capture_message", "sentry_sdk.add_breadcrumb",
                       "sys.stderr.write", "click.echo", "click.secho", "typer.echo",
                       "typer.secho", "rich.print", "logging.log"})
_CONSOLE_METHODS = frozenset({"print", "log", "write"})
# Database calls whose statement a connection's trace callback writes out.
_QUERY_METHODS = frozenset({"execute", "executemany", "executescript"})
# Modules whose loggers write every method's message; receivers that are a console.
_LOGGING_MODULES = ("logging", "structlog", "loguru")
_CONSOLES = frozenset({"console", "stdout", "stderr"})
# Lookups whose first argument names what they return (a header, a key, a variable).
_KEYED_LOOKUPS = frozenset({"get", "pop", "getenv", "get_secret", "getheader"})
_ENVIRONMENT_LOOKUPS = frozenset({"os.getenv", "os.environ.get"})
# Methods that put their arguments' text into their result.
_FORMATTERS = frozenset({"format", "join", "format_map"})
# Calls whose result carries the argument's text on: look inside them.
_PASS_THROUGH = frozenset({"str", "repr", "format", "dict", "list", "tuple", "set", "json.dumps",
                           "pformat", "pprint.pformat", "bytes", "vars"})
_PASS_METHODS = frozenset({"format", "join", "decode", "encode", "strip", "lstrip", "rstrip",
                           "upper", "lower", "replace", "get_secret_value", "format_map",
                           "to_dict", "dict", "model_dump", "json"})
# Logging keyword arguments that are not part of the message.
_LOG_CONTROL = frozenset({"exc_info", "stack_info", "stacklevel", "file", "flush", "sep",
                          "end", "category", "err", "nl", "fg", "bg", "style"})
# Names of libraries whose ``token`` means a word or a lexer token, not a credential.
_TEXT_LIBRARIES = ("nltk", "spacy", "transformers", "tiktoken", "tokenize", "tokenizers",
                   "sentencepiece", "jieba", "pygments", "lark", "ply", "sly", "gensim",
                   "stanza", "torchtext", "keras")
_MAX_SAFE_SLICE = 8


def _detect(source: Source) -> Iterator[Hit]:
    if source.kind is not FileKind.PYTHON:
        yield from _detect_shell(source)
        return
    # The screen first: no message that could carry a credential, no libcst tree to build.
    if not _may_write_credential(source) or source.index is None:
        return
    plain = _plain_names(source)
    for call in source.index.of(cst.Call):
        sink = _sink(source, call)
        if sink is None:
            continue
        for node in _message_parts(call, sink):
            found = _sensitive(source, node, plain)
            if found is not None:
                yield Hit(span=source.span(call), target=_describe(source, found),
                          detail=sink, code=source.code(call))
                break
    for raise_node in source.index.of(cst.Raise):
        exc = raise_node.exc
        if not isinstance(exc, cst.Call):
            continue
        for arg in exc.args:
            if source.analysis.kept_as_attribute(exc, arg):
                continue  # handed to the handler as an attribute, not in the message
            found = _sensitive(source, arg.value, plain)
            if found is not None:
                name = python.dotted_name(exc.func) or "exception"
                yield Hit(span=source.span(exc), target=_describe(source, found),
                          detail=f"an exception message ({name})", code=source.code(exc))
                break


def _plain_names(source: Source) -> Callable[[str], bool]:
    """Which credential names this file uses for something else: a bare ``token`` in
    text-processing code (a word), a ``pin`` in code that drives a board's pins (a pin
    number: 15 findings in Home Assistant's Firmata and aREST integrations)."""
    words = _uses_text_library(source)
    pins = speaks_of_board_pins(source.lowered)
    return lambda name: (words and names_bare_token(name)) or (pins and names_pin(name))


def _uses_text_library(source: Source) -> bool:
    names = source.analysis.imports.names.values()
    return any(n.split(".")[0] in _TEXT_LIBRARIES for n in names)


def _sink(source: Source, call: cst.Call) -> str | None:
    """What the call writes to, or None when it is not a log/print/warn call."""
    name = python.call_name(source, call) or ""
    if name in _PRINTERS:
        return f"output ({python.dotted_name(call.func)})"
    func = call.func
    if not isinstance(func, cst.Attribute):
        return None
    method = func.attr.value
    receiver = func.value
    if method in _QUERY_METHODS:
        tracer = _query_tracer(source, call)
        return None if tracer is None else f"output (the connection's trace callback, {tracer})"
    if method in _LOG_METHODS:
        if isinstance(receiver, cst.Call):  # logging.getLogger(__name__).info(...)
            inner = python.call_name(source, receiver) or ""
            if "log" in inner.lower():
                return f"a log ({method})"
            return None
        full = source.analysis.qualified(receiver) or ""
        last = (python.last_name(receiver) or "").lower()
        if "log" in last or full.startswith(_LOGGING_MODULES) \
                or _assigned_logger(source, receiver):
            return f"a log ({python.dotted_name(func) or method})"
    if method in _CONSOLE_METHODS:
        last = (python.last_name(receiver) or "").lower()
        if last in _CONSOLES:
            return f"output ({python.dotted_name(func) or method})"
    return None


def _query_tracer(source: Source, call: cst.Call) -> str | None:
    """``conn.set_trace_callback(print)`` in the function that runs the query (sqlite3
    passes every statement, values included, to the callback): the printer's name."""
    analysis = source.analysis
    scope, order = analysis.function(call), analysis.index.order(call)
    for setter in analysis.calls_named("set_trace_callback"):
        tracer = setter.args[0].value if setter.args else None
        name = python.dotted_name(tracer) or ""
        if analysis.function(setter) is scope and analysis.index.order(setter) < order and (
                name in _PRINTERS or name.rpartition(".")[2] in _LOG_METHODS):
            return name
    return None


def _assigned_logger(source: Source, receiver: cst.BaseExpression) -> bool:
    """``std = logging.getLogger("svc")`` then ``std.info(...)``."""
    if not isinstance(receiver, cst.Name | cst.Attribute):
        return False
    value = source.analysis.resolve(receiver)
    if not isinstance(value, cst.Call):
        return False
    name = (python.call_name(source, value) or "").lower()
    return "getlogger" in name or "get_logger" in name or name.endswith("logger")


def _message_parts(call: cst.Call, sink: str) -> Iterator[cst.BaseExpression]:
    for arg in call.args:
        if arg.keyword is None:
            yield arg.value
            continue
        kw = arg.keyword.value
        if kw in _LOG_CONTROL:
            continue
        if kw == "extra" or not sink.startswith("output"):
            yield arg.value
        if carries_credential(kw) and not _is_constant(arg.value):
            yield arg.value if _is_reference(arg.value) else cst.Name(kw)


def _is_constant(node: cst.BaseExpression) -> bool:
    """Fixed text: a literal, a list of them, or a translated message (``_("Invalid")``)."""
    if isinstance(node, cst.List | cst.Tuple):
        return all(isinstance(e, cst.Element) and _is_constant(e.value) for e in node.elements)
    if isinstance(node, cst.Call):
        return function_translates(python.dotted_name(node.func) or "") \
            and all(_is_constant(a.value) for a in node.args)
    return isinstance(node, cst.SimpleString | cst.Integer | cst.Float | cst.ConcatenatedString) \
        or (isinstance(node, cst.Name) and node.value in ("None", "True", "False"))


def _is_reference(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name | cst.Attribute | cst.Subscript | cst.Call)


def _describe(source: Source, node: cst.CSTNode) -> str:
    code = source.code(node).strip()
    return code if len(code) <= 40 else code[:37] + "..."


def _sensitive(source: Source, node: cst.BaseExpression, plain: Callable[[str], bool],
               depth: int = 0) -> cst.CSTNode | None:
    """The first sub-expression that puts a credential's text into the message."""
    if depth > 12:
        return None

    def recurse(inner: cst.BaseExpression) -> cst.CSTNode | None:
        return _sensitive(source, inner, plain, depth + 1)

    if isinstance(node, cst.Name):
        return node if _secret_variable(source, node, plain, depth) else None
    if isinstance(node, cst.Attribute):
        name = node.attr.value
        if name == "headers" and (python.last_name(node.value) or "") in ("request", "req"):
            return node
        if carries_credential(name) and not plain(name) \
                and not public_parts.made_of_public_parts(source, node):
            return node
        return None
    if isinstance(node, cst.Subscript):
        if _is_short_slice(node):
            return None
        key = python.last_name(node)
        if key is not None and isinstance(node.slice[0].slice, cst.Index) and \
                python.string_value(node.slice[0].slice.value) is not None:
            return node if is_credential_key(key) else None
        return None
    if isinstance(node, cst.Call):
        return _sensitive_call(source, node, recurse)
    if isinstance(node, cst.FormattedString):
        before = ""
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                before = part.value
                continue
            if isinstance(part, cst.FormattedStringExpression):
                found = recurse(part.expression)
                if found is None and _named_by_text(before, part.expression):
                    found = part.expression
                if found is not None:
                    return found
        return None
    if isinstance(node, cst.BinaryOperation):
        return recurse(node.left) or recurse(node.right)
    if isinstance(node, cst.BooleanOperation):
        return recurse(node.left) or recurse(node.right)
    if isinstance(node, cst.IfExp):
        return recurse(node.body) or recurse(node.orelse)
    if isinstance(node, cst.Tuple | cst.List | cst.Set):
        for element in node.elements:
            found = recurse(element.value)
            if found is not None:
                return found
        return None
    if isinstance(node, cst.Dict):
        for item in node.elements:
            if not isinstance(item, cst.DictElement):
                continue
            key = python.string_value(item.key)
            if is_credential_key(key) and not _is_constant(item.value) \
                    and not _is_harmless(item.value):
                return item
            found = recurse(item.value)
            if found is not None:
                return found
        return None
    return None


def _named_by_text(before: str, expression: cst.BaseExpression) -> bool:
    """``f"malformed Authorization header: {header}"``: the message says what the bare
    value is."""
    return isinstance(expression, cst.Name) and described_as_credential(expression.value,
                                                                        before)


def _is_harmless(node: cst.BaseExpression) -> bool:
    """A value that shows nothing of the secret: a comparison, a slice, a length..."""
    return isinstance(node, cst.Comparison | cst.UnaryOperation) or (
        isinstance(node, cst.Subscript) and _is_short_slice(node)) or (
        isinstance(node, cst.Call) and python.dotted_name(node.func) not in (None, "str", "repr")
        and not _is_pass_call(node))


def _is_pass_call(call: cst.Call) -> bool:
    name = python.dotted_name(call.func) or ""
    if name in _PASS_THROUGH:
        return True
    return isinstance(call.func, cst.Attribute) and call.func.attr.value in _PASS_METHODS


def _sensitive_call(source: Source, call: cst.Call,
                    recurse: Callable[[cst.BaseExpression], cst.CSTNode | None]
                    ) -> cst.CSTNode | None:
    func = call.func
    name = python.call_name(source, call) or ""
    if isinstance(func, cst.Attribute):
        method = func.attr.value
        # headers.get("Authorization"), os.getenv("API_TOKEN"), data.pop("access_token")
        if method in _KEYED_LOOKUPS and call.args:
            key = python.string_value(call.args[0].value)
            if key is not None:
                return call if is_credential_key(key) else None
        if method == "get_secret_value":
            return call
        if method in _PASS_METHODS:
            found = recurse(func.value)
            if found is not None:
                return found
            if method in _FORMATTERS:
                for arg in call.args:
                    found = recurse(arg.value)
                    if found is not None:
                        return found
            return None
    if name in _ENVIRONMENT_LOOKUPS and call.args:
        key = python.string_value(call.args[0].value)
        return call if key is not None and is_credential_key(key) else None
    if isinstance(func, cst.Name) and credentials.returned_dict(source, call) is not None \
            and credentials.has_credential_items(source, call):
        return call  # _headers() returning {"Authorization": ...}
    if function_builds_url(name):
        for arg in call.args:
            if arg.keyword is not None and carries_credential(arg.keyword.value):
                found = recurse(arg.value)
                if found is not None:
                    return found
    if name in _PASS_THROUGH or name.endswith(".dumps"):
        for arg in call.args:
            found = recurse(arg.value)
            if found is not None:
                return found
    # Anything else transforms the value (len, hash, redact, mask, a lookup): not a leak.
    return None


def _is_short_slice(node: cst.Subscript) -> bool:
    """``token[:4]``, ``key[-4:]``: a prefix or suffix short enough to show safely."""
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Slice):
        return False
    piece = node.slice[0].slice
    lower, upper = _int(piece.lower), _int(piece.upper)
    if piece.lower is None or lower == 0:
        return upper is not None and 0 < upper <= _MAX_SAFE_SLICE
    return piece.upper is None and lower is not None and -_MAX_SAFE_SLICE <= lower < 0


def _int(node: cst.BaseExpression | None) -> int | None:
    if isinstance(node, cst.Integer):
        return int(node.value)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus) \
            and isinstance(node.expression, cst.Integer):
        return -int(node.expression.value)
    return None


def _secret_variable(source: Source, node: cst.Name, plain: Callable[[str], bool],
                     depth: int) -> bool:
    name = node.value
    if carries_credential(name):
        if plain(name):
            return False
        return not (_loop_variable(source, node) or _bound_to_harmless(source, node)
                    or _used_as_object(source, node)
                    or public_parts.made_of_public_parts(source, node))
    value = source.analysis.resolve(node)
    if value is node:
        return False
    # headers = {"Authorization": ...}; log.debug("sending %s", headers)
    if isinstance(value, cst.Dict):
        return credentials.has_credential_items(source, value)
    # tokens = resp.json() at a token endpoint: the whole token response; content =
    # r.text of a login that sent the password: the session or token it grants
    if has_token_word(name) and isinstance(value, cst.Call) \
            and isinstance(value.func, cst.Attribute) and value.func.attr.value == "json":
        return True
    if credentials.is_credential_exchange(source, value):
        return True
    # url = f"...?token={token}"; link = url_for(..., token=token); access = str(t.access_token)
    if isinstance(value, cst.FormattedString | cst.BinaryOperation | cst.Call | cst.Subscript
                  | cst.Attribute):
        # names followed through assignments count against the same depth budget, so
        # ``msg = f"{msg}!"`` cannot loop
        return _sensitive(source, value, plain, depth + 4) is not None
    return False


def _loop_variable(source: Source, node: cst.Name) -> bool:
    """``for token in tokens:`` (a lexer, an NLP pipeline) is not a credential; a name
    unpacked in a loop (``for name, password in creds.items()``) may well be one."""
    analysis = source.analysis
    scope = analysis.function(node) or analysis.module
    return any(isinstance(b.statement, cst.For) and b.statement.target is b.target
               for b in analysis.bindings_in(scope, node.value))


# What a credential string is used for; any other attribute makes the name an object.
_STRING_ATTRIBUTES = frozenset({
    "strip", "lstrip", "rstrip", "encode", "decode", "lower", "upper", "split", "rsplit",
    "startswith", "endswith", "replace", "format", "removeprefix", "removesuffix", "partition",
    "hex", "casefold", "title", "join", "find", "count",
})


def _used_as_object(source: Source, node: cst.Name) -> bool:
    """``token.lineno``, ``token.display_name``: a parser's or a library's token object, not
    a credential's text. An object with a credential attribute (``token.access_token``)
    still counts as a credential. A parameter's type is not known in its function: how the
    file uses the name elsewhere is the evidence then (a template parser's ``token``)."""
    analysis = source.analysis
    verdict = _attributes_read(analysis, analysis.loads(analysis.scope(node), node.value))
    if verdict is None:
        bound = analysis.binding_at(node)
        if bound is not None and bound.kind is dataflow.Kind.PARAMETER:
            verdict = _attributes_read(analysis, analysis.loads_named(node.value))
    return bool(verdict)


def _attributes_read(analysis: dataflow.Analysis, loads: Iterable[cst.Name]) -> bool | None:
    """True when an attribute no string has is read from these names (an object); False
    when a credential attribute is, or only string methods are; None when no attribute
    is read at all."""
    verdict: bool | None = None
    for load in loads:
        attribute = analysis.index.parent(load)
        if not (isinstance(attribute, cst.Attribute) and attribute.value is load):
            continue
        name = attribute.attr.value
        if carries_credential(name):
            return False
        verdict = verdict or name not in _STRING_ATTRIBUTES
    return verdict


def _bound_to_harmless(source: Source, node: cst.Name) -> bool:
    """``token = mask(raw)`` or ``api_key = key[:4] + '...'``: what is logged is redacted;
    ``token = self.id``: what is logged is an object's public id."""
    binding = source.analysis.source_binding(node)
    if binding is not None and isinstance(binding.value, cst.Name | cst.Attribute) \
            and names_identifier(python.last_name(binding.value)):
        return True
    value = source.analysis.resolve(node)
    if value is node:
        return False
    if isinstance(value, cst.Call):
        return function_redacts(python.last_name(value.func) or "")
    if isinstance(value, cst.Subscript):
        return _is_short_slice(value)
    if isinstance(value, cst.BinaryOperation) and isinstance(value.left, cst.Subscript):
        return _is_short_slice(value.left)
    return _is_constant(value)


# --- the screen: the rule's own tests over ``ast``, loosened --------------------------------

# Steps a screen may take following names before it gives up and lets the file through.
_SCREEN_BUDGET = 20_000


def _may_write_credential(source: Source) -> bool:
    """Whether some message this file writes could carry a credential: a call that may be a
    sink (``_sink``) or a raised exception built by a call, one of whose arguments may be
    sensitive (``_sensitive``), judged on the shared ``ast`` tree with every doubt let
    through (names followed to every value bound to them anywhere, calls' names through
    every import, no redaction or object use looked at). A tree already built is read
    instead; a file ``ast`` cannot screen goes through."""
    return source.screened(_screen)


def _screen(source: Source) -> bool:
    flow = syntax_flow.syntax_flow(source)
    if flow is None:
        return True
    messages = _Messages(source, flow)
    try:
        for node in source.syntax_of(ast.Raise, ast.Call):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) \
                    and messages.carries(node.exc):
                return True
            if isinstance(node, ast.Call) and messages.may_sink(node) \
                    and messages.carries(node):
                return True
    except _OverBudget:
        return True
    return False


class _OverBudget(Exception):
    """Too many names to follow: the screen lets the file through."""


@dataclass
class _Messages:
    """The loosened ``_sink`` and ``_sensitive`` over one file's :class:`SyntaxFlow`."""

    source: Source
    flow: syntax_flow.SyntaxFlow
    _following: set[str] = field(default_factory=set)
    _steps: int = 0

    def __post_init__(self) -> None:
        calls = self.source.syntax_of(ast.Call)
        # ``_query_tracer``: a connection that writes its statements out, anywhere.
        self.tracer = any(
            isinstance(c.func, ast.Attribute | ast.Name)
            and syntax_flow.last_identifier(c.func) == "set_trace_callback" for c in calls)
        # ``is_credential_exchange``: some call sends a credential in its body.
        self.exchange = any(k.arg in ("data", "json") and any(
            is_credential_key(key) for key in self.flow.dict_keys(k.value))
            for c in calls for k in c.keywords)

    def may_sink(self, call: ast.Call) -> bool:
        if self.flow.qualified(call.func) & _PRINTERS:
            return True
        func = call.func
        if not isinstance(func, ast.Attribute):
            return False
        method, receiver = func.attr, func.value
        if method in _QUERY_METHODS and self.tracer:
            return True
        if method in _LOG_METHODS and self._may_be_logger(receiver):
            return True
        return method in _CONSOLE_METHODS \
            and (syntax_flow.last_name(receiver) or "").lower() in _CONSOLES

    def _may_be_logger(self, receiver: ast.expr) -> bool:
        if isinstance(receiver, ast.Call):
            return any("log" in n.lower() for n in self.flow.qualified(receiver.func))
        if "log" in (syntax_flow.last_name(receiver) or "").lower() or any(
                n.startswith(_LOGGING_MODULES)
                for n in self.flow.qualified(receiver)):
            return True
        # ``_assigned_logger``: bound to a call of a logger factory.
        return isinstance(receiver, ast.Name | ast.Attribute) and any(
            isinstance(value, ast.Call) and any(
                "getlogger" in n.lower() or "get_logger" in n.lower()
                or n.lower().endswith("logger") for n in self.flow.qualified(value.func))
            for value in self.flow.reachable(receiver))

    def carries(self, call: ast.Call) -> bool:
        """``_message_parts`` of a sink (every argument, loosened), or a raise's arguments."""
        for keyword in call.keywords:
            name = keyword.arg
            if name is not None and name not in _LOG_CONTROL and carries_credential(name) \
                    and not _may_be_constant(keyword.value):
                return True
        return any(self.exposes(value) for value in
                   (*call.args, *(k.value for k in call.keywords)))

    def exposes(self, node: ast.expr) -> bool:
        """``_sensitive``, loosened."""
        self._steps += 1
        if self._steps > _SCREEN_BUDGET:
            raise _OverBudget
        if isinstance(node, ast.Name):
            if carries_credential(node.id):  # ``_secret_variable``: the name is judged
                return not self._objects().surely(node)
            return self._bound_exposes(node)
        if isinstance(node, ast.Attribute):
            return carries_credential(node.attr) or (
                node.attr == "headers" and syntax_flow.last_name(node.value) in ("request", "req"))
        if isinstance(node, ast.Subscript):
            return is_credential_key(syntax_flow.string_value(node.slice))
        if isinstance(node, ast.Call):
            return self._call_exposes(node)
        if isinstance(node, ast.JoinedStr):
            return self._fstring_exposes(node)
        if isinstance(node, ast.Starred):
            return self.exposes(node.value)
        return any(self.exposes(inner) for inner in _operands(node)) or (
            isinstance(node, ast.Dict) and _dict_exposes(node))

    def _objects(self) -> _ObjectUse:
        return self.source.fact(_object_use)

    def _bound_exposes(self, name: ast.Name) -> bool:
        """``_secret_variable`` past its name: every value the name may be bound to."""
        if name.id in self._following:
            return False  # being followed already, further up: its values are seen there
        self._following.add(name.id)
        try:
            token_word = has_token_word(name.id)
            for value in self.flow.reachable(name):
                if isinstance(value, ast.Dict) and any(
                        is_credential_key(k) for k in self.flow.dict_keys(value)):
                    return True
                if _calls_json(value) and (token_word or self.exchange):
                    return True
                if isinstance(value, ast.Attribute) and value.attr in ("text", "content") \
                        and self.exchange:
                    return True
                if isinstance(value, ast.JoinedStr | ast.BinOp | ast.Call | ast.Subscript
                              | ast.Attribute) and self.exposes(value):
                    return True
            return False
        finally:
            self._following.discard(name.id)

    def _call_exposes(self, call: ast.Call) -> bool:
        """``_sensitive_call``, loosened: every branch that could find a value is tried."""
        func = call.func
        if isinstance(func, ast.Attribute):
            method = func.attr
            if method in _KEYED_LOOKUPS \
                    and is_credential_key(_first_argument_string(call)):
                return True
            if method == "get_secret_value":
                return True
            if method in _PASS_METHODS and self.exposes(func.value):
                return True
            if method in _FORMATTERS and self._arguments_expose(call):
                return True
        names = self.flow.qualified(func)
        if names & _ENVIRONMENT_LOOKUPS \
                and is_credential_key(_first_argument_string(call)):
            return True
        if isinstance(func, ast.Name) and any(
                is_credential_key(k) for k in self.flow.returned_dict_keys(call)):
            return True  # _headers() returning {"Authorization": ...}
        if any(function_builds_url(n) for n in names) and any(
                k.arg is not None and carries_credential(k.arg) and self.exposes(k.value)
                for k in call.keywords):
            return True
        return any(n in _PASS_THROUGH or n.endswith(".dumps") for n in names) \
            and self._arguments_expose(call)

    def _arguments_expose(self, call: ast.Call) -> bool:
        return any(self.exposes(value) for value in
                   (*call.args, *(k.value for k in call.keywords)))

    def _fstring_exposes(self, node: ast.JoinedStr) -> bool:
        before = ""
        for part in node.values:
            if isinstance(part, ast.Constant):
                before = str(part.value)
            elif isinstance(part, ast.FormattedValue) and (
                    self.exposes(part.value) or self._named_by_text(before, part.value, node)):
                return True
        return False

    def _named_by_text(self, before: str, expression: ast.expr, fstring: ast.JoinedStr
                       ) -> bool:
        """``_named_by_text``. libcst reads the text as written, ``ast`` as it means: where
        they may differ (an escape, a doubled brace, a ``{name=}``), a generic holder's
        name is let through whatever the text says."""
        if not isinstance(expression, ast.Name) or not names_generic_holder(expression.id):
            return False
        if described_as_credential(expression.id, before):
            return True
        end = fstring.end_lineno or fstring.lineno
        written = "\n".join(self.source.lines[fstring.lineno - 1 : end])
        return any(mark in written for mark in ("\\", "{{", "}}", "="))


# Where a name is read with attributes, over ``ast``: ``_used_as_object`` for the screen.
_Scoped = tuple[int, str]  # (scope number, name)


@record
class _ObjectUse:
    """Which names ``_used_as_object`` surely calls objects, from one walk of the ``ast``
    tree. Its scopes are the flow's (``Analysis.scope``: a function, lambda or class, or
    the module; comprehensions belong to the function around them). A definition's
    header (decorators, defaults, annotations, bases) belongs to it there, and is kept
    apart here; what the screen counts is never more than the rule sees: the attributes
    read in a scope's body (every attribute of a name counted against its whole scope);
    a credential attribute read anywhere makes a name no object; and a parameter's type
    is taken from the whole file only when nothing else binds the name in its function."""

    scope_of: dict[int, int]  # id(a Name read in a scope's body) -> its scope
    # (scope, name) -> whether an attribute no string has is read from it in the body (a
    # key only when some attribute is).
    body: dict[_Scoped, bool]
    header: frozenset[_Scoped]  # read with an attribute in the scope's header
    credential: frozenset[str]  # read with a credential attribute somewhere
    objects: frozenset[str]  # read with an attribute no string has, in some body
    parameters: frozenset[_Scoped]  # a parameter of its function, bound nowhere else there

    def surely(self, node: ast.Name) -> bool:
        """``_used_as_object`` is true of this read of a credential-named name."""
        scope, name = self.scope_of.get(id(node)), node.id
        if scope is None or name in self.credential:
            return False
        read = self.body.get((scope, name))
        if read is not None:
            return read
        if (scope, name) in self.header:
            return False  # the rule's verdict may come from there: not known here
        return (scope, name) in self.parameters and name in self.objects


def _object_use(source: Source) -> _ObjectUse:
    tree = source.syntax
    assert tree is not None, "asked by the screen, which has the tree"
    walk = _ObjectWalk()
    walk.scope(tree.body, (), None)
    credential = {node.value.id for node in source.syntax_of(ast.Attribute)
                  if isinstance(node.value, ast.Name) and carries_credential(node.attr)}
    return _ObjectUse(
        walk.scope_of, walk.body, frozenset(walk.header), frozenset(credential),
        frozenset(name for (_, name), read in walk.body.items() if read),
        frozenset((scope, name) for scope, names in walk.parameters.items()
                  for name in names - walk.bound.get(scope, set())))


class _ObjectWalk:
    """One pass over a tree, scope by scope, collecting what :class:`_ObjectUse` holds."""

    def __init__(self) -> None:
        self.scope_of: dict[int, int] = {}
        self.body: dict[_Scoped, bool] = {}
        self.header: set[_Scoped] = set()
        self.parameters: dict[int, set[str]] = {}
        self.bound: dict[int, set[str]] = {}  # names bound in a scope, parameters aside
        self._count = 0

    def scope(self, body: Iterable[ast.AST], header: Iterable[ast.AST],
              arguments: ast.arguments | None) -> None:
        number = self._count
        self._count += 1
        if arguments is not None:
            self.parameters[number] = {a.arg for a in (
                *arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                *(a for a in (arguments.vararg, arguments.kwarg) if a is not None))}
        self._nodes(header, number, in_body=False)
        self._nodes(body, number, in_body=True)

    def _nodes(self, roots: Iterable[ast.AST], number: int, *, in_body: bool) -> None:
        stack = list(roots)
        while stack:
            node = stack.pop()
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                self._bind(number, node.name)
                self.scope(node.body, _header(node), node.args)
                continue
            if isinstance(node, ast.ClassDef):
                self._bind(number, node.name)
                self.scope(node.body, _header(node), None)
                continue
            if isinstance(node, ast.Lambda):
                self.scope((node.body,), _header(node), node.args)
                continue
            self._note(node, number, in_body)
            if isinstance(node, ast.comprehension):
                stack.extend((node.iter, *node.ifs))  # its target: bound, not read
                self._bind_all(node.target, number)
                continue
            stack.extend(ast.iter_child_nodes(node))

    def _note(self, node: ast.AST, number: int, in_body: bool) -> None:
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                if in_body:
                    self.scope_of[id(node)] = number
            else:
                self._bind(number, node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            key = (number, node.value.id)
            if not in_body:
                self.header.add(key)
            else:
                self.body[key] = self.body.get(key, False) or \
                    node.attr not in _STRING_ATTRIBUTES
        elif isinstance(node, ast.ExceptHandler) and node.name is not None:
            self._bind(number, node.name)
        elif isinstance(node, ast.alias):
            self._bind(number, (node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.Global | ast.Nonlocal):
            for name in node.names:
                self._bind(number, name)
        elif isinstance(node, ast.MatchAs | ast.MatchStar) and node.name is not None:
            self._bind(number, node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest is not None:
            self._bind(number, node.rest)

    def _bind(self, number: int, name: str) -> None:
        self.bound.setdefault(number, set()).add(name)

    def _bind_all(self, target: ast.AST, number: int) -> None:
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                self._bind(number, node.id)


def _header(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
            ) -> list[ast.AST]:
    """What a definition holds outside its body: decorators, defaults, annotations,
    bases and keywords (its flow scope, in the rule, is the definition's own)."""
    if isinstance(node, ast.ClassDef):
        return [*node.decorator_list, *node.bases, *node.keywords]
    parts: list[ast.AST] = [node.args]
    if not isinstance(node, ast.Lambda):
        parts.extend(node.decorator_list)
        if node.returns is not None:
            parts.append(node.returns)
    return parts


def _operands(node: ast.expr) -> list[ast.expr]:
    """The parts ``_sensitive`` looks into: both sides of an operation, both branches of a
    conditional, the elements of a collection, a dict's values."""
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.BoolOp):
        return list(node.values)
    if isinstance(node, ast.IfExp):
        return [node.body, node.orelse]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return list(node.elts)
    if isinstance(node, ast.Dict):
        return list(node.values)
    return []


def _dict_exposes(node: ast.Dict) -> bool:
    """A credential key whose value is not fixed text (redactions are not looked at)."""
    return any(key is not None and is_credential_key(syntax_flow.string_value(key))
               and not _may_be_constant(value) for key, value in zip(node.keys, node.values,
                                                                     strict=True))


# The literals ``_is_constant`` accepts (libcst's strings, integers and floats, and the
# named constants); an imaginary number is none of them.
_CONSTANT_TYPES = (str, bytes, int, float, bool, type(None))


def _may_be_constant(node: ast.expr) -> bool:
    """Certainly fixed text for ``_is_constant`` (anything less certain is not)."""
    return isinstance(node, ast.Constant) and isinstance(node.value, _CONSTANT_TYPES)


def _calls_json(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
        and node.func.attr == "json"


def _first_argument_string(call: ast.Call) -> str | None:
    """The string libcst's first argument (``call.args[0].value``) holds: the first in the
    source, positional or keyword (``f(key="x", *rest)`` puts a keyword first)."""
    given: list[tuple[tuple[int, int], ast.expr]] = [
        *(((a.lineno, a.col_offset), a.value if isinstance(a, ast.Starred) else a)
          for a in call.args),
        *(((k.lineno, k.col_offset), k.value) for k in call.keywords)]
    return syntax_flow.string_value(min(given, key=lambda pair: pair[0])[1]) if given else None


# --- echo/printf in shell scripts, Dockerfiles and CI YAML ----------------------------------

_SEGMENT_SPLIT = lazy_regex(r"&&|\|\||;|\|")
_ECHO = lazy_regex(r"(?:^|[\s'\"(])(echo|printf)(?=\s)")
_SUBSTITUTION = lazy_regex(r"\$\([^()]*\)|`[^`]*`")
_SHELL_VAR = lazy_regex(
    r"\$\{\{\s*(?:secrets|env|vars)\.(\w+)\s*\}\}|\$\{(\w+)(:[^}]*)?\}|\$(\w+)")
_REDIRECT_TO_FILE = lazy_regex(r"(?<![0-9&])>{1,2}\s*(?!&)")


def _detect_shell(source: Source) -> Iterator[Hit]:
    for logical in config_text.logical_lines(source):
        text = logical.text
        if "echo" not in text and "printf" not in text:
            continue
        if config_text.is_comment(text, source.kind) or "::add-mask::" in text:
            continue
        position = 0
        pieces = _SEGMENT_SPLIT.split(text)
        separators = _SEGMENT_SPLIT.findall(text)
        for i, piece in enumerate(pieces):
            start = text.find(piece, position)
            position = start + len(piece)
            piped = i < len(separators) and separators[i] == "|"
            echo = _ECHO.search(piece)
            if echo is None or piped or _REDIRECT_TO_FILE.search(piece[echo.end():]):
                continue
            body_start = start + echo.end()
            body = _SUBSTITUTION.sub(lambda m: " " * len(m.group(0)), text[body_start:position])
            for var in _SHELL_VAR.finditer(body):
                name = var.group(1) or var.group(2) or var.group(4)
                if var.group(3) or not carries_credential(name):
                    continue  # ${TOKEN:0:4} is a prefix
                begin = body_start + var.start()
                yield Hit(span=logical.span(begin, body_start + var.end()), target=name,
                          detail=f"the job log ({echo.group(1)})", code=var.group(0))
                break


# Where a message is written: log calls, prints, warnings, raises, echo in scripts. The
# lookahead names every first character a match can have: the search then skips the
# others at once instead of trying each branch there (over Django's source, 0.77 -> 0.30
# s; the same matches).
_SINK_MARKERS = lazy_regex(
    r"(?=[.pwerc])(?:"
    r"\.(?:debug|info|warning|warn|error|exception|critical|fatal|log|msg|write|print)\("
    r"|\b(?:p?print|warn|echo|printf)\b|\braise\s|capture_(?:message|exception)\()")
# What every match starts with (``_SINK_MARKERS`` is tried only there).
_SINK_STARTS = (*(f".{method}(" for method in ("debug", "info", "warning", "warn", "error",
                                                "exception", "critical", "fatal", "log",
                                                "msg", "write", "print")),
                "pprint", "print", "warn", "echo", "raise", "capture_message(",
                "capture_exception(")
# How far from a sink a credential word may stand and still be part of its message: the
# argument list after it, or the line or two above that built the message.
_AFTER, _BEFORE = 250, 160


# A name bound with ``=`` (not ``==``), and the names inside a sink's parentheses. The
# quantifiers are possessive: giving a character back cannot make a match (a shortened
# name is followed by a name's character, not by a space, ``:`` or ``=``), and trying
# cost time (over Django's source, 0.69 -> 0.41 s; the same matches).
_BOUND = lazy_regex(r"(?=[a-z_])\b([a-z_][a-z0-9_]{2,}+)\s*+(?::[^=\n]{0,60}+)?=(?!=)")
_NAME = lazy_regex(r"[a-z_][a-z0-9_]{2,}")
# How much of a binding's right-hand side (a dict literal spelled over lines) is read.
_BOUND_REACH = 600


def _mentions_credentials(text: str) -> bool:
    """File prefilter (lower-cased text): a credential's name, or ``headers``, near a place
    that writes a message, or where a name passed to it is bound (``log_data = {...,
    "authorization": ...}`` far above ``logger.info(log_data)``). Most files write
    messages about other things and are then not parsed."""
    if "set_trace_callback" in text and mentions_credentials(text):
        return True  # every query the connection runs is written out, wherever it is
    bound: dict[str, list[int]] | None = None
    # Name -> whether a value bound to it mentions a credential: asked once per name (a
    # message bound once is passed to many log calls).
    judged: dict[str, bool] = {}
    for match in matches_from(_SINK_MARKERS, text, _SINK_STARTS):
        if _mentions_credential(text[max(0, match.start() - _BEFORE) : match.end() + _AFTER]):
            return True
        if bound is None:
            bound = {}
            for found in _BOUND.finditer(text):
                bound.setdefault(found.group(1), []).append(found.end())
        passed = text[match.end() : match.end() + _AFTER].split(")", 1)[0]
        for name in set(_NAME.findall(passed)):
            if name not in judged:
                judged[name] = any(_mentions_credential(text[end : end + _BOUND_REACH])
                                   for end in bound.get(name, ())[:8])
            if judged[name]:
                return True
    return False


def _mentions_credential(text: str) -> bool:
    """A credential's name, or ``headers``, in a piece of the text."""
    return "headers" in text or mentions_credentials(text)


RULE = Rule(
    id="TW601",
    name="token-logged",
    title="Token written to a log, stdout or an exception message",
    category=Category.TOKEN_EXPOSURE,
    severity=Severity.MEDIUM,
    cwe=(532,),
    message="{target} is written to {detail}: logs are kept, shipped and read by many "
            "people, so the token leaks",
    hint="Log a redacted form instead (a short prefix such as token[:4] + '…', a hash, the "
         "token's id), never the value or the Authorization header.",
    docs=RuleDocs(
        what="A secret-named value (`token`, `access_token`, `api_key`, `client_secret`, "
             "`password`, `auth_header` ...), an `Authorization`/API-key header (by key: "
             "`headers['Authorization']`, `request.headers.get('X-Api-Key')`, a dict with "
             "such a key, or a local `headers` dict that holds one), the incoming "
             "`request.headers`, or `os.getenv('API_TOKEN')`, passed to a logging call "
             "(`logging.*`, `logger.*`, `log.*`, structlog/loguru, including `extra=` and "
             "structured keyword arguments), `print`/`pprint`, `sys.stdout/stderr.write`, "
             "`click.echo`, rich `console.print`, `warnings.warn`, or interpolated into "
             "the message of a raised exception, or put in a database statement run "
             "after `conn.set_trace_callback(print)` (or a log method) in the same "
             "function: sqlite3 writes every statement out. The value is followed through "
             "f-strings, `%`/`.format` formatting, concatenation, `str()`/`repr()`/"
             "`json.dumps()`. An exception whose same-module `__init__` only stores the "
             "value on `self` (no `__str__`) hands it over and is not a message.",
        why="Logs, terminal scroll-back, CI output and error trackers are copied, retained "
            "and readable by far more people and systems than the token store; a token "
            "written there is a token leaked (CWE-532).",
        how="Log an identifier or a redacted form: the token's id, `token[:4] + '…'`, a "
            "hash or fingerprint, or `len(token)`. Raise errors that name the problem, not "
            "the value. Add a logging filter that redacts `Authorization` headers.",
        not_flagged="A redacted form: a short prefix or suffix slice (at most 8 characters: "
                    "`token[:4]`, `key[-4:]`), `len()`, `hash()`/hashlib, any call that "
                    "transforms the value (`mask(token)`, `redact(...)`, `fingerprint(...)`), "
                    "comparisons and `is None` checks, and variables assigned from such a "
                    "redaction; names about a token rather than holding one (`token_id`, "
                    "`token_type`, `token_url`, `expires_at`, `max_tokens`, `tokens`, "
                    "`key_id`); attributes of a token object other than the secret "
                    "(`token.user`, `token.expires_at`); `for token in ...` loop variables "
                    "and bare `token` names in files that use NLP/lexer libraries (nltk, "
                    "spaCy, tokenize, tiktoken ...), and `pin` names in files that drive a "
                    "board's pins (GPIO, pin modes, digital I/O: a pin number); a value the "
                    "file builds only of public parts, whatever its name (a webhook URL made "
                    "of the base URL and a fixed path, or of a device's MAC address); string "
                    "literals (a hard-coded value is TW1xx's business); logging the "
                    "*response* headers.",
        references=("https://cwe.mitre.org/data/definitions/532.html",
                    "https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html"),
    ),
    detect=_detect,
    kinds=PYTHON | {FileKind.SHELL, FileKind.DOCKERFILE, FileKind.YAML},
    screens=True,
    keywords=("log", "print", "warn", "raise", "echo", "write", "sentry", "trace_callback"),
    prefilter=_mentions_credentials,
    bad=(
        Example(
            """
            import logging

            logger = logging.getLogger(__name__)

            def refresh(client):
                token = client.fetch_token()
                logger.info("refreshed token %s", token)
                logger.debug(f"calling API with {client.api_key}")
            """,
            expect=(
                Expected(7, 5, "token is written to a log (logger.info): logs are kept, shipped "
                               "and read by many people, so the token leaks"),
                Expected(8, 5, "client.api_key is written to a log (logger.debug): logs are "
                               "kept, shipped and read by many people, so the token leaks"),
            ),
        ),
        Example(
            """
            def call(session, token):
                headers = {"Authorization": f"Bearer {token}"}
                print("request headers:", headers)
                resp = session.get(URL, headers=headers)
                if resp.status_code == 401:
                    raise PermissionError(f"token {token} was rejected")
            """,
            expect=(
                Expected(3, 5, "headers is written to output (print): logs are kept, shipped "
                               "and read by many people, so the token leaks"),
                Expected(6, 15, "token is written to an exception message (PermissionError): "
                                "logs are kept, shipped and read by many people, so the token "
                                "leaks"),
            ),
        ),
        Example(
            """
            from flask import request
            import logging

            log = logging.getLogger("api")

            def view():
                log.warning("unauthorised: %s", request.headers.get("Authorization"))
            """,
            expect=(
                Expected(7, 5, 'request.headers.get("Authorization") is written to a log '
                               "(log.warning): logs are kept, shipped and read by many people, "
                               "so the token leaks"),
            ),
        ),
    ),
    good=(
        Example(
            """
            import logging

            logger = logging.getLogger(__name__)

            def refresh(client):
                token = client.fetch_token()
                logger.info("refreshed token %s… (%d chars)", token[:4], len(token))
                logger.info("token id=%s expires=%s", token.id, token.expires_at)
                logger.debug("have token: %s", token is not None)
                if "admin" in token.scopes:
                    logger.info("admin token for %s", token.user)
            """,
        ),
        Example(
            """
            import logging
            import nltk

            def show(text):
                for token in nltk.word_tokenize(text):
                    print(token)
                logging.info("max_tokens=%d", 512)
            """,
        ),
        Example(
            """
            import logging

            def report(token_id, api_key):
                logging.info("revoked token %s", token_id)
                logging.info("key fingerprint %s", fingerprint(api_key))
                raise ValueError("invalid token")
            """,
        ),
    ),
)
