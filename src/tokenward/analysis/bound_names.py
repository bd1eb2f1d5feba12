"""The names a Python file's string literals can be bound to (with the literal, where it
is a plain string bound to one name), read with Python's own parser.

A screen for the rules that judge a literal by the name it is bound to (TW101, TW104):
when no such name is a secret's, the libcst tree (several times the cost of ``ast``) need
not be built for them. It is a superset of what the rules' ``_binding`` finds, and a name
counts only where a literal can be bound to it: an assignment target, keyword, dictionary
key or parameter whose value is a literal, a string addition, an f-string, a tuple or list
(unpacked, or an auth pair) or a call or dict holding a ``value`` slot (the construct is
named by its target); the left side of ``==``/``!=`` against such a value; a naming slot
(``name="API_KEY"``); the variable of an environment lookup and the options of
``add_argument`` given a literal default. ``ConfigAttribute("SECRET_KEY")`` or
``x = settings.SECRET_KEY`` name nothing a literal is bound to.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING

from tokenward.analysis.syntax_flow import (
    dotted,
    import_table,
    positional,
    qualified,
    qualified_names,
    string_value,
)
from tokenward.analysis.vocabulary import (
    names_value_slot,
    naming_slots,
    reads_environment,
    secret_kind,
)

if TYPE_CHECKING:
    from tokenward.analysis.source import Source


Binding = tuple[str, str | None]


def bound_literals(source: Source) -> frozenset[Binding] | None:
    """Every name a literal of ``source`` may be bound to, with the literal when it is a
    plain string bound to that name alone (``API_KEY = "..."``, ``password="..."``, a
    dictionary value, a parameter's default; else None: a tuple, an f-string, a construct,
    a comparison), or None when the file cannot be screened so (``ast`` rejects it, or
    libcst would not parse it and the rules read its lines as text instead): computed once
    per file, from its shared ``ast`` tree."""
    return source.fact(_bound_literals)


def _bound_literals(source: Source) -> frozenset[Binding] | None:
    tree = source.syntax
    return None if tree is None else frozenset(_bindings(source.syntax_of(
        ast.Assign, ast.AnnAssign, ast.arguments, ast.keyword, ast.Dict, ast.Call, ast.Compare),
        import_table(source)))


def _bindings(nodes: list[ast.AST], imports: Mapping[str, frozenset[str]]
              ) -> Iterator[Binding]:
    slots = naming_slots()
    for node in nodes:
        if isinstance(node, ast.Assign):
            if holds_literal(node.value):
                for target in node.targets:
                    yield from _named(_target_names(target), node.value)
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None and holds_literal(node.value):
                yield from _named(_target_names(node.target), node.value)
        elif isinstance(node, ast.arguments):
            yield from _defaulted(node)
        elif isinstance(node, ast.keyword) and node.arg is not None:
            if holds_literal(node.value):
                yield node.arg, string_value(node.value)
        elif isinstance(node, ast.Dict):
            slotted = _fills_value_slot(zip(map(_string_value, node.keys), node.values,
                                            strict=True))
            for key, held in zip(node.keys, node.values, strict=True):
                if slotted and key is not None and _string_value(key) in slots:
                    yield from _named(_string(held), None)
                if holds_literal(held):
                    yield from _named(_target_names(key), held)
        elif isinstance(node, ast.Call):
            yield from _call_names(node, imports)
            if _fills_value_slot((k.arg, k.value) for k in node.keywords):
                # ``V1EnvVar(name="API_KEY", value=...)``
                for keyword in node.keywords:
                    if keyword.arg in slots:
                        yield from _named(_string(keyword.value), None)
        elif isinstance(node, ast.Compare):  # ``if password == "..."``
            yield from _compared(node)


def _compared(node: ast.Compare) -> Iterator[Binding]:
    """The name a comparison checks against a literal, with each plain string it is
    compared with: the search judges that string as if bound to the name (a word such as
    ``token == "COLLATE"`` is no secret)."""
    names = list(_target_names(node.left))
    for op, other in zip(node.ops, node.comparators, strict=True):
        if isinstance(op, ast.Eq | ast.NotEq) and holds_literal(other):
            yield from ((name, string_value(other)) for name in names)


def _named(names: Iterable[str], value: ast.expr | None) -> Iterator[Binding]:
    """Each name with ``value`` when it is a plain string (the one kind of binding a screen
    judges whole)."""
    plain = string_value(value)
    return ((name, plain) for name in names)


def _fills_value_slot(pairs: Iterable[tuple[str | None, ast.expr]]) -> bool:
    """Whether a ``value``/``initial`` slot of a call or dict holds a literal: only then
    does a sibling ``name``/``key`` name it."""
    return any(names_value_slot(key) and holds_literal(held) for key, held in pairs)


def _defaulted(arguments: ast.arguments) -> Iterator[Binding]:
    """The parameters whose default is a literal."""
    positional = [*arguments.posonlyargs, *arguments.args]
    paired = [*zip(positional[len(positional) - len(arguments.defaults):], arguments.defaults,
                   strict=True), *zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)]
    yield from ((arg.arg, string_value(default)) for arg, default in paired
                if default is not None and holds_literal(default))


def _call_names(call: ast.Call, imports: Mapping[str, frozenset[str]]) -> Iterator[Binding]:
    """The two calls the search reads a literal default of: argparse options
    (``add_argument("--secret-key", default="...")``, every option named) and environment
    lookups (``getenv("SECRET_KEY", "...")``: the variable, when
    :func:`~tokenward.analysis.vocabulary.reads_environment` says so of any name the
    callee may have)."""
    plain = positional(call)
    default = next((k.value for k in call.keywords if k.arg == "default"), None)
    if isinstance(call.func, ast.Attribute) and call.func.attr == "add_argument":
        if default is not None and holds_literal(default):
            for argument in plain:
                for value in _string(argument):
                    yield value, None
                    yield value.lstrip("-").replace("-", "_"), None
        return
    variable = _string_value(plain[0]) if plain else None
    if variable is None or len(plain) < 2 or default is not None \
            or not holds_literal(plain[1]):
        return  # the search reads a default given second, by position, only
    callees = qualified(call.func, imports) or {""}
    if any(reads_environment(callee, variable) for callee in callees):
        yield variable, None  # (judged by its name: the search reads it unlike a binding)


def holds_literal(value: ast.expr) -> bool:
    """Whether a literal the rules judge can be bound through ``value``: it is one (a
    string, bytes, an f-string, an addition of them), holds one to unpack or pair (a tuple or a
    list, at any depth), or is a construct with a ``value`` slot its target names."""
    if isinstance(value, ast.Constant):
        return isinstance(value.value, str | bytes)
    if isinstance(value, ast.BinOp):
        # The search binds an addition to its target only when it is all strings (one
        # literal split over lines): ``PREFIX + make_key()`` binds nothing.
        return _all_strings(value)
    if isinstance(value, ast.JoinedStr):
        return True
    if isinstance(value, ast.Tuple | ast.List):
        return any(holds_literal(element) for element in value.elts)
    if isinstance(value, ast.Dict | ast.Call):
        return any(names_value_slot(node.arg) if isinstance(node, ast.keyword) else any(
            names_value_slot(_string_value(key)) for key in node.keys)
            for node in ast.walk(value) if isinstance(node, ast.keyword | ast.Dict))
    return False


def _all_strings(addition: ast.BinOp) -> bool:
    """Whether every operand of an addition chain is a string (or bytes) literal or an
    f-string. Iterative: a long chain must not recurse."""
    stack: list[ast.expr] = [addition]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.BinOp) and isinstance(current.op, ast.Add):
            stack += (current.left, current.right)
        elif not (isinstance(current, ast.JoinedStr) or (
                isinstance(current, ast.Constant) and isinstance(current.value, str | bytes))):
            return False
    return True


def _target_names(node: ast.expr | None) -> Iterator[str]:
    """The last name of a target or key (``self.api_key``, ``config["SECRET_KEY"]``), for
    each element of a tuple of them."""
    if isinstance(node, ast.Tuple | ast.List):
        for element in node.elts:
            yield from _target_names(element)
    elif isinstance(node, ast.Starred):
        yield from _target_names(node.value)
    elif isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, ast.Attribute):
        yield node.attr
        name = dotted(node)  # ``session.auth``: a pair's name is judged whole
        if name is not None:
            yield name
    elif isinstance(node, ast.Subscript):
        yield from _string(node.slice)
    else:
        yield from _string(node)


def _string(node: ast.expr | None) -> Iterator[str]:
    """A string literal's value, whole and after its last dot (``app.secret_key``)."""
    value = _string_value(node)
    if value is not None:
        yield value
        yield value.rsplit(".", 1)[-1]


def _string_value(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in node.values):
        return "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
    return None


def called_names(source: Source) -> frozenset[str] | None:
    """Every qualified name a call of ``source`` may have (``ImportTable.resolve`` over
    ``ast``: the call's dotted name, and that name through each import that binds its
    head), or None when ``ast`` cannot screen the file. A superset: where imports rebind a
    name, every one of them is taken."""
    return source.fact(_called_names)


def may_call(source: Source, names: AbstractSet[str]) -> bool:
    """The screen of a rule whose every finding starts from a call of one of ``names``
    (qualified): the file calls one, read through its imports (:func:`called_names`, a
    superset of what ``call_name`` answers). A tree already built is read instead; a file
    ``ast`` cannot screen goes through."""
    if "module" in source.__dict__:
        return True
    called = called_names(source)
    return called is None or not called.isdisjoint(names)


def literal_arguments(source: Source, callees: AbstractSet[str]
                      ) -> frozenset[tuple[str, int | str]] | None:
    """Where a call of one of ``callees`` (qualified) may be passed a literal: (qualified
    name, position) for a positional argument, (qualified name, keyword) for a keyword
    one, read through its imports as :func:`called_names` reads them. An argument counts
    when it holds a literal (as a bound name's value does) or is a plain name, which may be
    followed to one (``key = b"..."`` then ``Fernet(key)``). None when ``ast`` cannot
    screen the file. Every call's arguments are read only in a file that calls a callee
    (most files call none: the distinct names they call are checked first)."""
    called = called_names(source)
    if called is None:
        return None
    if called.isdisjoint(callees):
        return frozenset()
    return frozenset(slot for slot in source.fact(_literal_arguments) if slot[0] in callees)


def _literal_arguments(source: Source) -> frozenset[tuple[str, int | str]]:
    assert source.syntax is not None  # asked after called_names, which read it
    imports = import_table(source)
    found: set[tuple[str, int | str]] = set()
    for node in source.syntax_of(ast.Call):
        slots: list[int | str] = [i for i, a in enumerate(positional(node))
                                  if _may_pass_literal(a)]
        slots += [k.arg for k in node.keywords
                  if k.arg is not None and _may_pass_literal(k.value)]
        if slots:
            found.update((name, slot) for name in qualified(node.func, imports)
                         for slot in slots)
    return frozenset(found)


def _may_pass_literal(value: ast.expr) -> bool:
    """A literal, or a plain name the call search may follow to one: not a name of a
    secret, which the search reports where it is bound (``make_password(raw_password)``
    in Django's own user model passes nothing it could read)."""
    if isinstance(value, ast.Name):
        return not secret_kind(value.id)
    return holds_literal(value)


def _called_names(source: Source) -> frozenset[str] | None:
    tree = source.syntax
    if tree is None:
        return None
    imports = import_table(source)
    called = {name for node in source.syntax_of(ast.Call)
              for name in [dotted(node.func)] if name is not None}
    return frozenset().union(*(qualified_names(name, imports) for name in called))
