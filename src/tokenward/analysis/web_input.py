"""What a server reads from the URL query string of the request it handles.

One answer for "does this route take ``name`` from the query?", for the three shapes a
Python web server takes query input in:

- a FastAPI route's parameter (``@router.post("/login")``): ``Query(...)`` as its default
  or in ``Annotated[...]``, or a plain scalar parameter that is not in the path template
  (FastAPI takes those from the query string, whatever the HTTP method);
- the query mapping of the framework's request object: Flask's ``request.args``, Django's
  ``request.GET``, Starlette's ``request.query_params``, aiohttp's ``request.query``;
- a mapping parsed from a query string in the same file (``parse_qs(urlparse(url).query)``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from tokenward.analysis.python import dotted_name, last_name, string_value
from tokenward.analysis.vocabulary import names_cookie_setter
from tokenward.records import record

if TYPE_CHECKING:
    import libcst as cst

    from tokenward.analysis.source import Source
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import cst

_ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "options", "head",
                            "api_route"})
# FastAPI's markers for where else a parameter comes from: the query is not it.
_QUERY_MARKER = "Query"
# Annotations FastAPI reads from the query when nothing else is said (not a body model).
_SCALARS = frozenset({"str", "int", "float", "bool", "bytes", "SecretStr", "Optional",
                      "Union", "None", "list", "List", "Annotated", "UUID"})
_REQUESTS = frozenset({"request", "req"})
_QUERY_MAPPINGS = frozenset({"args", "GET", "query_params", "query"})
_QUERY_PARSERS = ("parse_qs", "parse_qsl")


@record(slots=True)
class QueryInput:
    """A value a server takes from the query string: its parameter name and the node that
    reads it (a route's ``Param``, or the subscript/``.get`` call on the query mapping)."""

    name: str
    node: cst.CSTNode


def query_inputs(source: Source) -> Iterator[QueryInput]:
    """Every query parameter a server reads in this Python file, in source order of kind."""
    index = source.index
    if index is None:
        return
    if _imports_fastapi(source):
        for definition in index.of(cst.FunctionDef):
            yield from _route_parameters(source, definition)
    for subscript in index.of(cst.Subscript):
        key = _key(subscript.slice[0].slice) if len(subscript.slice) == 1 else None
        if key is not None and _is_query_mapping(source, subscript.value) \
                and not _names_a_cookie(source, subscript) and not _only_refused(source, subscript):
            yield QueryInput(key, subscript)
    for call in index.of(cst.Call):
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in ("get", "getlist") \
                and call.args and _is_query_mapping(source, func.value) \
                and not _names_a_cookie(source, call) and not _only_refused(source, call):
            key = string_value(call.args[0].value)
            if key is not None:
                yield QueryInput(key, call)


def _names_a_cookie(source: Source, read: cst.CSTNode) -> bool:
    """``if token := request.args.get("token"): response.set_cookie(token, "done")``
    (Superset's export endpoints): the value is bound to a name that is only ever the
    name of a cookie the response sets, a client's marker, not a credential."""
    uses = source.analysis.uses_of_value(read)
    return bool(uses) and all(_cookie_name_argument(source, use) for use in uses)


def _only_refused(source: Source, read: cst.CSTNode) -> bool:
    """``if request.GET.get("access_token") == token: return False`` (django-allauth's
    OIDC validator): the value is read only by the test of a branch that refuses the
    request, itself or through the name it is bound to: the server turns a credential in
    the query away, it does not take one there."""
    reads: list[cst.CSTNode] = list(source.analysis.uses_of_value(read)) or [read]
    return all(_tests_a_refusal(source, node) for node in reads)


def _tests_a_refusal(source: Source, node: cst.CSTNode) -> bool:
    """Whether ``node`` is (part of) the test of an ``if`` that holds when the value is
    there (the value itself, ``== x``, ``is not None``, joined by ``and``/``or``) and
    whose body starts by refusing: ``return``, ``return False``/``None``, or ``raise``.
    A test that holds when the value is missing or differs (``not``, ``!=``, ``is None``)
    refuses all but the right credential: it takes one from the query."""
    index = source.index
    assert index is not None
    test: cst.CSTNode = node
    parent = index.parent(test)
    while isinstance(parent, cst.Comparison | cst.ComparisonTarget | cst.BooleanOperation
                     | cst.UnaryOperation):
        if isinstance(parent, cst.UnaryOperation) or (
                isinstance(parent, cst.Comparison) and not all(
                    isinstance(c.operator, cst.Equal | cst.IsNot) for c in parent.comparisons)):
            return False
        test, parent = parent, index.parent(parent)
    if not isinstance(parent, cst.If) or parent.test is not test:
        return False
    first = parent.body.body[0] if parent.body.body else None
    statement = first.body[0] if isinstance(first, cst.SimpleStatementLine) else first
    if isinstance(statement, cst.Raise):
        return True
    return isinstance(statement, cst.Return) and (
        statement.value is None or (isinstance(statement.value, cst.Name)
                                    and statement.value.value in ("False", "None")))


def _cookie_name_argument(source: Source, name: cst.Name) -> bool:
    """``set_cookie(name, ...)`` or ``set_cookie(key=name, ...)``."""
    index = source.index
    arg = index.parent(name) if index is not None else None
    if index is None or not isinstance(arg, cst.Arg):
        return False
    call = index.parent(arg)
    if not isinstance(call, cst.Call) or not names_cookie_setter(last_name(call.func) or ""):
        return False
    if arg.keyword is not None:
        return arg.keyword.value == "key"
    return call.args[0] is arg


def query_input_names(source: Source) -> frozenset[str] | None:
    """Every name :func:`query_inputs` could yield for this Python file, read from its
    ``ast`` tree (None when ``ast`` cannot screen it): the parameters of every function
    when the file imports ``fastapi``, and every string used as a subscript or as an
    argument of a ``get``/``getlist`` call of a mapping that may be a query
    (:func:`_may_be_query_mapping`), whatever the route."""
    return source.fact(_query_input_names)


def _query_input_names(source: Source) -> frozenset[str] | None:
    tree = source.syntax
    if tree is None:
        return None
    fastapi = any(
        alias.name.split(".")[0] == "fastapi" for node in source.syntax_of(ast.Import)
        for alias in node.names) or any(
        node.level == 0 and (node.module or "").split(".")[0] == "fastapi"
        for node in source.syntax_of(ast.ImportFrom))
    parsed = any(parser in source.lowered for parser in _QUERY_PARSERS)
    names: set[str] = set()
    for node in source.syntax_of(ast.FunctionDef, ast.AsyncFunctionDef, ast.Subscript,
                                 ast.Call):
        if fastapi and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            arguments = node.args
            names.update(a.arg for a in (*arguments.posonlyargs, *arguments.args,
                                         *arguments.kwonlyargs))
        elif isinstance(node, ast.Subscript):
            if _may_be_query_mapping(node.value, parsed):
                names.update(_strings([node.slice]))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in ("get", "getlist") \
                and _may_be_query_mapping(node.func.value, parsed):
            names.update(_strings([*node.args, *(k.value for k in node.keywords)]))
    return frozenset(names)


def _may_be_query_mapping(node: ast.expr, parsed: bool) -> bool:
    """:func:`_is_query_mapping`, loosened: a query mapping's attribute (``args``,
    ``GET``, ...) of anything, or, where the file's text spells a query parser
    (``parsed``: every name it is called by holds ``parse_qs``), any name or attribute
    (it may be bound to what one returned). A form's ``cleaned_data["password"]`` or a
    header's ``META["HTTP_COOKIE"]`` is no query read."""
    if isinstance(node, ast.Attribute) and node.attr in _QUERY_MAPPINGS:
        return True
    return parsed and isinstance(node, ast.Name | ast.Attribute)


def _strings(nodes: list[ast.expr]) -> Iterator[str]:
    return (n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str))


def _key(node: cst.BaseSlice) -> str | None:
    return string_value(node.value) if isinstance(node, cst.Index) else None


def _imports_fastapi(source: Source) -> bool:
    return any(n.split(".")[0] == "fastapi" for n in source.analysis.imports.names.values())


def _route_parameters(source: Source, func: cst.FunctionDef) -> Iterator[QueryInput]:
    template = _route_path(func)
    if template is None:
        return
    params = func.params
    for param in (*params.params, *params.kwonly_params):
        name = param.name.value
        if "{" + name + "}" in template or "{" + name + ":" in template:
            continue  # a path parameter
        if _from_query(source, param):
            yield QueryInput(name, param)


def _route_path(func: cst.FunctionDef) -> str | None:
    """The path template of ``@app.get("/users/{id}")`` (``""`` when not given), or None
    when the function is no route."""
    for decorator in func.decorators:
        call = decorator.decorator
        if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) \
                and call.func.attr.value in _ROUTE_METHODS:
            first = call.args[0].value if call.args and call.args[0].keyword is None else None
            return string_value(first) or ""
    return None


def _from_query(source: Source, param: cst.Param) -> bool:
    """``Query(...)`` in the default or the ``Annotated`` metadata; else no other marker
    (``Body``, ``Form``, ``Header``, ``Depends``) and a scalar annotation, or none."""
    markers = list(_marker_calls(param))
    if markers:
        return any(_marker_name(source, call) == _QUERY_MARKER for call in markers)
    annotation = param.annotation.annotation if param.annotation is not None else None
    return annotation is None or all(n in _SCALARS for n in _annotation_names(annotation))


def _marker_calls(param: cst.Param) -> Iterator[cst.Call]:
    if isinstance(param.default, cst.Call):
        yield param.default
    annotation = param.annotation.annotation if param.annotation is not None else None
    if isinstance(annotation, cst.Subscript) and last_name(annotation.value) == "Annotated":
        for element in annotation.slice[1:]:
            inner = element.slice
            if isinstance(inner, cst.Index) and isinstance(inner.value, cst.Call):
                yield inner.value


def _marker_name(source: Source, call: cst.Call) -> str:
    qualified = source.analysis.qualified(call.func) or dotted_name(call.func) or ""
    return qualified.rpartition(".")[2]


def _annotation_names(node: cst.BaseExpression) -> Iterator[str]:
    """The type names in an annotation (``Optional[str]``, ``str | None``, ``uuid.UUID``);
    ``""`` for anything else (a forward reference in quotes)."""
    if isinstance(node, cst.Subscript):
        yield last_name(node.value) or ""
        elements = node.slice[:1] if last_name(node.value) == "Annotated" else node.slice
        for element in elements:
            if isinstance(element.slice, cst.Index):
                yield from _annotation_names(element.slice.value)
    elif isinstance(node, cst.BinaryOperation):
        yield from _annotation_names(node.left)
        yield from _annotation_names(node.right)
    else:
        yield last_name(node) or ""


def _is_query_mapping(source: Source, node: cst.BaseExpression) -> bool:
    """``request.args``, ``request.GET``, ``self.request.query_params``, or a name bound to
    ``parse_qs(...)`` / ``dict(parse_qsl(...))`` of the incoming request's query."""
    if isinstance(node, cst.Attribute) and node.attr.value in _QUERY_MAPPINGS:
        return (last_name(node.value) or "") in _REQUESTS
    if not isinstance(node, cst.Name | cst.Attribute):
        return False
    value = source.analysis.resolve(node)
    if isinstance(value, cst.Call) and dotted_name(value.func) == "dict" and value.args:
        value = value.args[0].value
    return isinstance(value, cst.Call) and value.args != () and (
        source.analysis.qualified(value.func) or dotted_name(value.func) or ""
    ).endswith(_QUERY_PARSERS) and _incoming(source, value.args[0].value)


def _incoming(source: Source, node: cst.BaseExpression, depth: int = 0) -> bool:
    """The request line a server handles: ``self.path`` of an ``http.server`` handler,
    anything of ``request``, ``environ["QUERY_STRING"]``, followed through
    ``urlparse(...).query`` and names. An outgoing URL a client builds is not one."""
    if depth > 4:
        return False
    node = source.analysis.resolve(node)
    if isinstance(node, cst.Attribute) and node.attr.value in ("query", "query_string"):
        return _incoming(source, node.value, depth + 1)
    if isinstance(node, cst.Call) and node.args:
        return _incoming(source, node.args[0].value, depth + 1)  # urlparse(...)
    if isinstance(node, cst.Subscript):
        key = _key(node.slice[0].slice) if len(node.slice) == 1 else None
        return key == "QUERY_STRING"
    dotted = dotted_name(node) or ""
    return dotted == "self.path" or dotted.split(".")[0] in _REQUESTS
