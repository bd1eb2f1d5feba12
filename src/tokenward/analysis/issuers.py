"""A repository's own token-issuing functions, and the lifetimes their callers give them.

Missing expiry often hides behind a helper: ``def create_access_token(data,
expires_delta=None)`` sets ``exp`` only ``if expires_delta is not None``, and the caller,
in another file, leaves it out; ``LabKey.issue(owner, expires_at=None)`` stores
``expires_at`` as the key's expiry; ``request_token(ns, sa, seconds)`` passes ``seconds``
on as a ``TokenRequest``'s ``expiration_seconds`` and a caller gives it ten years.

A file's :class:`Summary` is what it exports to the others (computed in the worker with
the file's other findings, cached with it, picklable and JSON-able): the functions whose
lifetime parameter defaults to ``None`` and means "no expiry" there
(:class:`LifetimeParameter`). The scanner's project join (:mod:`tokenward.scanner.project`)
resolves the token-named calls of the files that spell an issuer's name
(:func:`outgoing`) against the summaries and scans each calling file again with what it
found (``Source.imported``). Within one file the same facts are read directly.

Functions are found by name and signature, as a reviewer would: a name that makes a token
(``create_access_token``, ``new_api_key``) or a method of a class that names a credential
(``LabIntegrationKey.issue``), a parameter that states a lifetime (``expires_delta``,
``expires_at``, ``ttl``) defaulting to ``None``, and a body where ``None`` means no expiry:
every ``exp`` claim of its JWT is set only under ``if <parameter> is not None:`` (or ``if
<parameter>:``) without an ``else``, on claims that are a dict literal or the caller's (a
parameter, its ``.copy()``), or the parameter is handed unchanged as the lifetime of a
credential record (``cls.objects.create(..., expires_at=expires_at)``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from tokenward.analysis.flow import Kind
from tokenward.analysis.lifetimes import JWT_ENCODERS, jwt_encoder
from tokenward.analysis.python import argument, dotted_name, last_name
from tokenward.analysis.vocabulary import function_makes_token, names_token, states_lifetime
from tokenward.records import record

if TYPE_CHECKING:
    import libcst as cst

    from tokenward.analysis.source import Source
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import cst

JWT = "jwt"  # an 'exp' claim set only when the parameter is given (TW301)
RECORD = "record"  # stored as a credential record's expiry (TW306)


@record
class LifetimeParameter:
    """A function of this file whose lifetime ``parameter`` defaults to ``None``, meaning
    the token it issues never expires. ``function`` is its name in the module
    (``create_access_token``, ``LabKey.issue``); ``position`` its index among the
    arguments a caller passes by position (``self``/``cls`` skipped; None: keyword-only);
    ``line`` where the parameter is declared."""

    function: str
    parameter: str
    position: int | None
    sink: str
    line: int


@record
class Summary:
    """What a Python file tells the others: the token issuers it defines."""

    issuers: tuple[LifetimeParameter, ...] = ()

    def to_json(self) -> list[list[str | int | None]]:
        return [[p.function, p.parameter, p.position, p.sink, p.line] for p in self.issuers]

    @classmethod
    def from_json(cls, data: list[list[Any]]) -> Summary:
        """The summary :meth:`to_json` wrote (a cache row; a malformed one raises
        ValueError, TypeError or KeyError, which the cache treats as a bad row)."""
        return cls(tuple(LifetimeParameter(str(f), str(p), None if n is None else int(n),
                                           str(s), int(line))
                         for f, p, n, s, line in data))

    def names(self) -> set[str]:
        """What a file that calls one of these issuers must spell: the function's name,
        or the class whose method it is."""
        return {p.function.partition(".")[0] for p in self.issuers}


@record
class ImportedIssuer:
    """An issuer of another file, under the qualified name a calling file uses for it."""

    qualified: str
    parameter: LifetimeParameter
    path: str


def token_named(qualified: str) -> bool:
    """Whether a call's qualified name could be a repository's own token issuer: a part
    that makes a token (``create_access_token``) or a class naming a credential."""
    return any(function_makes_token(part) or (part[:1].isupper() and names_token(part))
               for part in qualified.split(".") if part)


def may_own_issuers(source: Source, sink: str) -> bool:
    """Whether the file may define an issuer of ``sink`` (:func:`own_issuers`) or the
    project join handed it one of another file: a screen, read from the shared ``ast``
    tree before the libcst tree is asked for. :func:`own_issuers`' first tests, loosened:
    a function whose name, or its class's, :func:`token_named` judges a token's, with a
    parameter that states a lifetime and defaults to ``None``. A file ``ast`` cannot
    screen, or whose tree is built, goes through."""
    return any(i.parameter.sink == sink for i in source.imported) or _may_define(source)


def _may_define(source: Source) -> bool:
    """The screen of the file's own issuers (the project join's summary asks it too: on
    Django's source the text test passed 4 files, none defining an issuer, which were
    parsed only for the summary: 0.8 s of CPU in libcst)."""
    return source.screened(_may_define_issuers)


def _may_define_issuers(source: Source) -> bool:
    tree = source.syntax
    assert tree is not None
    stack: list[tuple[ast.AST, str]] = [(tree, "")]
    while stack:
        node, owner = stack.pop()  # owner: the innermost class around ``node``
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and (
                token_named(node.name) or (owner and token_named(owner))) and any(
                states_lifetime(arg.arg) for arg in _none_defaulted(node.args)):
            return True
        inner = node.name if isinstance(node, ast.ClassDef) else owner
        stack.extend((child, inner) for field in _BLOCKS for child in getattr(node, field, ()))
    return False


# The fields that hold statements (and the except clauses and match cases that hold them):
# a definition stands only there, never inside an expression, so the walk reads no
# expression (it went through every node of the file: a twentieth of a scan of Django).
_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


def _none_defaulted(arguments: ast.arguments) -> Iterator[ast.arg]:
    """The parameters whose default is ``None``."""
    positional = [*arguments.posonlyargs, *arguments.args]
    paired = [*zip(positional[len(positional) - len(arguments.defaults):], arguments.defaults,
                   strict=True), *zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)]
    return (arg for arg, default in paired
            if isinstance(default, ast.Constant) and default.value is None)


def summary(source: Source) -> Summary:
    """The file's summary (empty for a file that does not parse)."""
    if not _may_define(source) or source.index is None:
        return Summary()
    return Summary(own_issuers(source))


def outgoing(source: Source) -> tuple[str, ...]:
    """The qualified names of the token-named calls the file makes through its imports
    (``..core.security.create_access_token``), for the project join to resolve."""
    if source.index is None:
        return ()
    imports = source.analysis.imports.names
    found: set[str] = set()
    for call in source.index.of(cst.Call):
        head = dotted_name(call.func)
        if head is None or head.partition(".")[0] not in imports:
            continue
        qualified = source.analysis.qualified(call.func)
        if qualified and token_named(qualified):
            found.add(qualified)
    return tuple(sorted(found))


def own_issuers(source: Source) -> tuple[LifetimeParameter, ...]:
    return source.fact(_own_issuers)


def _own_issuers(source: Source) -> tuple[LifetimeParameter, ...]:
    assert source.index is not None
    found: list[LifetimeParameter] = []
    for func, name, positional in _functions(source):
        if not token_named(name):
            continue
        for param in (*func.params.posonly_params, *func.params.params,
                      *func.params.kwonly_params):
            word = param.name.value
            default = param.default
            if not (isinstance(default, cst.Name) and default.value == "None"
                    and states_lifetime(word)):
                continue
            sink = JWT if _exp_only_when_given(source, func, word) else (
                RECORD if _stored_as_expiry(source, func, param) else None)
            if sink is not None:
                position = positional.index(param) if param in positional else None
                found.append(LifetimeParameter(name, word, position, sink,
                                               source.span(param).line))
    return tuple(found)


def _functions(source: Source) -> Iterator[tuple[cst.FunctionDef, str, list[cst.Param]]]:
    """Module-level functions and methods of module-level classes: the definition, its
    name in the module and the parameters a caller fills by position."""
    assert source.index is not None
    analysis = source.analysis
    for func in source.index.of(cst.FunctionDef):
        scope = analysis.scope(func)
        positional = [*func.params.posonly_params, *func.params.params]
        if isinstance(scope, cst.Module):
            yield func, func.name.value, positional
        elif isinstance(scope, cst.ClassDef) and isinstance(analysis.scope(scope), cst.Module):
            static = any(last_name(d.decorator) == "staticmethod" for d in func.decorators)
            yield func, f"{scope.name.value}.{func.name.value}", (
                positional if static else positional[1:])


def _inside(source: Source, node: cst.CSTNode, func: cst.FunctionDef) -> bool:
    return source.analysis.function(node) is func


def _exp_only_when_given(source: Source, func: cst.FunctionDef, param: str) -> bool:
    """The function encodes a JWT, and every ``exp`` it sets is under ``if param is not
    None:`` / ``if param:`` with no ``else``."""
    assert source.index is not None
    encoders = [call for call in source.index.of(cst.Call)
                if _inside(source, call, func) and jwt_encoder(source, call) is not None]
    if not encoders or not all(_claims_known(source, func, call) for call in encoders):
        return False
    exp_nodes: list[cst.CSTNode] = [
        b.statement for b in source.analysis.bindings
        if ((b.kind is Kind.DICT_KEY and b.name == "exp")
            or (b.key == "exp" and isinstance(b.target, cst.Subscript)))
        and _inside(source, b.statement, func)]
    exp_nodes.extend(arg for arg in source.index.of(cst.Arg)
                     if arg.keyword is not None and arg.keyword.value == "exp"
                     and _inside(source, arg, func))
    return bool(exp_nodes) and all(_guarded_by(source, node, func, param)
                                   for node in exp_nodes)


def _claims_known(source: Source, func: cst.FunctionDef, call: cst.Call) -> bool:
    """The claims encoded are a dict literal or the caller's (a parameter, or its
    ``.copy()``/``dict(...)``), not ones kept elsewhere that may hold an ``exp`` already
    (``self.payload.copy()``)."""
    encoder = jwt_encoder(source, call)
    arg = argument(call, *JWT_ENCODERS[encoder[0]]) if encoder is not None else None
    if arg is None:
        return False
    value = source.analysis.resolve(arg.value)
    if isinstance(value, cst.Call) and value.args == () and isinstance(
            value.func, cst.Attribute) and value.func.attr.value == "copy":
        value = value.func.value  # data.copy()
    elif isinstance(value, cst.Call) and last_name(value.func) == "dict" and len(
            value.args) == 1 and value.args[0].keyword is None and not value.args[0].star:
        value = value.args[0].value  # dict(data)
    if isinstance(value, cst.Dict):
        return True
    bound = source.analysis.binding_at(value) if isinstance(value, cst.Name) else None
    return bound is not None and bound.kind is Kind.PARAMETER and bound.scope is func


def _guarded_by(source: Source, node: cst.CSTNode, func: cst.FunctionDef, param: str) -> bool:
    assert source.index is not None
    child: cst.CSTNode = node
    for up in source.index.ancestors(node):
        if up is func:
            return False
        if isinstance(up, cst.If) and child is up.body and up.orelse is None \
                and _tests_given(up.test, param):
            return True
        child = up
    return False


def _tests_given(test: cst.BaseExpression, param: str) -> bool:
    """``param`` / ``param is not None``."""
    if isinstance(test, cst.Name):
        return test.value == param
    return (isinstance(test, cst.Comparison) and isinstance(test.left, cst.Name)
            and test.left.value == param and len(test.comparisons) == 1
            and isinstance(test.comparisons[0].operator, cst.IsNot)
            and isinstance(test.comparisons[0].comparator, cst.Name)
            and test.comparisons[0].comparator.value == "None")


def _stored_as_expiry(source: Source, func: cst.FunctionDef, param: cst.Param) -> bool:
    """``cls.objects.create(..., expires_at=expires_at)`` / ``ApiKey(expires_at=...)``:
    the parameter, unchanged, is the lifetime of a credential record the function makes."""
    assert source.index is not None
    analysis = source.analysis
    owner = analysis.scope(func)
    for load in analysis.loads(func, param.name.value):
        arg = source.index.parent(load)
        if not (isinstance(arg, cst.Arg) and arg.value is load and arg.keyword is not None
                and states_lifetime(arg.keyword.value)):
            continue
        bound = analysis.binding_at(load)
        if bound is None or bound.kind is not Kind.PARAMETER:
            continue  # reassigned first (``expires_at = expires_at or default``)
        call = source.index.parent(arg)
        if isinstance(call, cst.Call) and (makes_credential(call) or (
                isinstance(owner, cst.ClassDef) and names_token(owner.name.value)
                and _root_name(call.func) in {"cls", "self"})):
            return True
    return False


def _root_name(node: cst.BaseExpression) -> str | None:
    name = dotted_name(node)
    return name.partition(".")[0] if name else None


def makes_credential(call: cst.Call) -> bool:
    """``ApiKey(...)``, ``PersonalAccessToken.objects.create(...)``,
    ``LabKey.issue(...)``: the class called or whose method is called names a
    credential."""
    func = call.func
    while isinstance(func, cst.Attribute):
        if credential_class(func.attr.value):
            return True
        func = func.value
    return isinstance(func, cst.Name) and credential_class(func.value)


def credential_class(name: str) -> bool:
    """``ApiKey``, ``PersonalAccessToken``: a class (capitalised) that names a credential
    (asked of each name of a call's chain, over libcst's tree and over ``ast``'s)."""
    return name[:1].isupper() and names_token(name)


# -- call sites ---------------------------------------------------------------------------

@record
class DefaultedCall:
    """A call that leaves an issuer's lifetime parameter at its no-expiry default; ``where``
    is the definition (``app/core/security.py:25``, or ``line 25`` in the same file)."""

    call: cst.Call
    parameter: LifetimeParameter
    where: str


def defaulted_calls(source: Source, sink: str) -> Iterator[DefaultedCall]:
    """Calls of this file that leave a ``sink`` issuer's lifetime at ``None``: issuers of
    the same file, and those the project join found in the files it imports from."""
    if source.index is None:
        return
    analysis = source.analysis
    local = {p.function: p for p in own_issuers(source) if p.sink == sink}
    imported = {i.qualified: i for i in source.imported if i.parameter.sink == sink}
    if not local and not imported:
        return
    for call in source.index.of(cst.Call):
        name = dotted_name(call.func)
        if name is None:
            continue
        head = name.partition(".")[0]
        found: DefaultedCall | None = None
        if name in local and _defined_here(source, call, head):
            found = DefaultedCall(call, local[name], f"line {local[name].line}")
        qualified = analysis.qualified(call.func) if imported else None
        if qualified in imported:
            other = imported[qualified]
            found = DefaultedCall(call, other.parameter, f"{other.path}:{other.parameter.line}")
        if found is not None and not given(call, found.parameter):
            yield found


def _defined_here(source: Source, call: cst.Call, head: str) -> bool:
    """The callee's first name is this module's own function or class."""
    node = call.func
    while isinstance(node, cst.Attribute):
        node = node.value
    if not isinstance(node, cst.Name) or node.value != head:
        return False
    bound = source.analysis.binding_at(node)
    return bound is not None and bound.kind is Kind.DEFINITION


def given(call: cst.Call, parameter: LifetimeParameter) -> bool:
    """Whether ``call`` passes ``parameter`` (or may, through ``*args``/``**kwargs``)."""
    positional = 0
    for arg in call.args:
        if arg.star:
            return True
        if arg.keyword is None:
            positional += 1
        elif arg.keyword.value == parameter.parameter:
            return True
    return parameter.position is not None and positional > parameter.position


# -- lifetimes handed through a parameter (one file) --------------------------------------

@record
class ForwardedLifetime:
    """``request_token(ns, sa, seconds=TEN_YEARS)`` where ``request_token`` passes
    ``seconds`` on as ``V1TokenRequestSpec(expiration_seconds=seconds)``: ``value`` is what
    the caller gives, ``origin`` where that value is written (a module constant's value,
    else ``value`` itself), ``sink`` the keyword and callee it ends in."""

    call: cst.Call
    value: cst.BaseExpression
    origin: cst.BaseExpression
    keyword: str
    callee: str


def forwarded_lifetimes(source: Source) -> Iterator[ForwardedLifetime]:
    """Values this file's calls give to a parameter that its callee (a function of the same
    file) passes on, unchanged, as the lifetime of a credential it makes."""
    if source.index is None:
        return
    analysis = source.analysis
    for func, name, positional in _functions(source):
        for param in (*positional, *func.params.kwonly_params):
            sink = _lifetime_sink(source, func, param)
            if sink is None:
                continue
            position = positional.index(param) if param in positional else None
            wanted = LifetimeParameter(name, param.name.value, position, "", 0)
            for call in analysis.calls_named(func.name.value):
                if analysis.definition(call.func) is not func:
                    continue
                value = _argument(call, wanted)
                if value is not None:
                    yield ForwardedLifetime(call, value, _origin(source, value), *sink)


def _lifetime_sink(source: Source, func: cst.FunctionDef, param: cst.Param
                   ) -> tuple[str, str] | None:
    """The keyword and callee the parameter is passed to, unchanged, as a credential's
    lifetime (``expiration_seconds`` of ``V1TokenRequestSpec``)."""
    assert source.index is not None
    for load in source.analysis.loads(func, param.name.value):
        arg = source.index.parent(load)
        if not (isinstance(arg, cst.Arg) and arg.value is load and arg.keyword is not None
                and states_lifetime(arg.keyword.value)):
            continue
        call = source.index.parent(arg)
        bound = source.analysis.binding_at(load)
        if not isinstance(call, cst.Call) or bound is None or bound.kind is not Kind.PARAMETER:
            continue
        callee = last_name(call.func) or ""
        if makes_credential(call) or function_makes_token(callee):
            return arg.keyword.value, callee
    return None


def _argument(call: cst.Call, parameter: LifetimeParameter) -> cst.BaseExpression | None:
    positional = [a for a in call.args if a.keyword is None and not a.star]
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == parameter.parameter:
            return arg.value
    if parameter.position is not None and parameter.position < len(positional):
        return positional[parameter.position].value
    return None


def _origin(source: Source, value: cst.BaseExpression) -> cst.BaseExpression:
    """A module constant's value (``TEN_YEARS = 10 * 365 * 24 * 3600``): the lifetime is
    written there, and every call that hands it on shares that one place to fix."""
    if not isinstance(value, cst.Name):
        return value
    bound = source.analysis.binding_at(value)
    if bound is not None and bound.holds_value and bound.value is not None \
            and isinstance(bound.scope, cst.Module) \
            and len(source.analysis.bindings_in(bound.scope, bound.name)) == 1:
        return bound.value
    return value
