"""One analysis per Python file: scopes, bindings, imports, constants and data flow.

Every rule that asks "what is this name bound to?", "what is this call's qualified name?",
"what number is this?" or "where does this value go next?" asks here (``source.analysis``),
the way ruff's rules ask its semantic model. It is built lazily from the file's shared
:class:`~tokenward.analysis.source.NodeIndex`, once per file, and freed with the source.

Decisions, documented once here:

- **Scopes** are functions, lambdas, classes and the module. A class body is not visible
  from its methods; comprehensions belong to the function around them.
- **Bindings** are indexed in one pass: assignments (multi-target, annotated, augmented,
  unpacking, walrus; ``x``, ``self.x``, ``obj.attr`` and ``d["key"]`` targets), ``for``,
  ``with ... as``, ``except ... as``, parameters with their defaults, ``def``/``class``,
  imports, ``return`` values (bound to their function) and dict-literal keys.
- **Which binding a name sees**: in its own scope the last binding before it (a name bound
  only later in its function is unknown: Python would not read a global); else the
  enclosing function scopes, then the module. Seen from inside a function, which runs
  later, the last binding of an outer scope counts; at module and class level, the last
  one before. Control flow is not modelled: of two branches the later one wins.
- ``self.x`` / ``cls.x`` is the last ``self.x = ...`` before it in the same method, else
  the first in its class, else the class attribute.
- **The walker** (:meth:`Analysis.resolve`) follows a value through locals, module
  constants, ``self`` attributes, ``with`` targets (a session's ``__enter__`` returns
  itself) and, when asked, the single return value of a same-module helper, at most
  ``MAX_DEPTH`` hops. An augmented assignment keeps its origin (``url += "/x"`` is still
  the URL it started as). Loop variables, parameters and anything unknown end the walk.
  Forward, :meth:`Analysis.uses` gives the loads a binding reaches.
- **Constants** (:meth:`Analysis.constant`) fold literals, arithmetic, names bound to
  constants and ``timedelta``/``relativedelta`` (a :class:`Duration`).
"""

from __future__ import annotations

import bisect
import enum
from collections import defaultdict
from collections.abc import Iterator
from functools import cached_property
from typing import TYPE_CHECKING, Union

from tokenward.analysis.python import ImportTable, dotted_name, int_value, string_value
from tokenward.records import record

if TYPE_CHECKING:
    import libcst as cst

    from tokenward.analysis.source import NodeIndex
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import cst

# Hops the walker takes before it gives up: enough for ``a = b = CONSTANT`` chains, and a
# bound on every question whatever the file.
MAX_DEPTH = 4

Scope = Union["cst.FunctionDef", "cst.Lambda", "cst.ClassDef", "cst.Module"]


class Kind(enum.Enum):
    ASSIGN = "assign"  # x = v, a = b = v, (x := v)
    ANNOTATED = "annotated"  # x: T = v
    AUGMENTED = "augmented"  # x += v (value: the right-hand side)
    UNPACKED = "unpacked"  # a, b = v (value: the matching element of a literal, else None)
    LOOP = "loop"  # for x in v
    WITH = "with"  # with v as x (value: v)
    EXCEPT = "except"  # except E as x
    PARAMETER = "parameter"  # def f(x=v) (value: the default)
    DEFINITION = "definition"  # def x / class x (target: the definition)
    IMPORT = "import"  # import x / from m import x
    RETURN = "return"  # return v (name: the function's name, scope: the function)
    DICT_KEY = "dict key"  # {"k": v} (name: the key's text)


# Bindings made by an assignment statement: ``x = v``, ``x: T = v``, ``a, b = v``.
ASSIGNMENTS = frozenset({Kind.ASSIGN, Kind.ANNOTATED, Kind.UNPACKED})
# Kinds whose value is what the name holds afterwards: the walker follows these.
_FOLLOWED = frozenset({Kind.ASSIGN, Kind.ANNOTATED, Kind.UNPACKED, Kind.WITH})
# Kinds that end what a name held before (an augmented assignment builds on it).
_REBINDS = frozenset(Kind) - {Kind.AUGMENTED, Kind.RETURN, Kind.DICT_KEY}


@record(eq=False)
class Binding:
    """One place where a value is bound to a name (or a dict key, or a function's result).

    ``name`` is the dotted name of the target (``token``, ``self.session``), the container of
    a subscript target with ``key`` its literal key (``headers`` and ``"X-Api-Key"``), a
    dict key's text, or the function's name for a return. ``value`` is None when the code
    does not say (a loop variable, a parameter without default, an unpacked call).
    """

    name: str
    kind: Kind
    target: cst.CSTNode
    value: cst.BaseExpression | None
    statement: cst.CSTNode
    scope: Scope
    order: int
    key: str | None = None

    @property
    def holds_value(self) -> bool:
        """Whether ``value`` is what the target holds afterwards (an assignment or a
        ``with`` target, not a default, a loop variable or an augmented assignment)."""
        return self.kind in _FOLLOWED

    @property
    def last(self) -> str:
        """The last part of what is bound: ``api_key`` for ``self.api_key`` or
        ``config["api_key"]``."""
        if isinstance(self.target, cst.Subscript):
            return self.key or ""  # d[k] = v: no name to judge
        return self.name.rpartition(".")[2]


@record
class Duration:
    """A folded ``timedelta(...)``, in seconds."""

    seconds: float


Constant = int | float | str | Duration

_TIMEDELTA_UNITS = {"days": 86400.0, "seconds": 1.0, "microseconds": 1e-6,
                    "milliseconds": 1e-3, "minutes": 60.0, "hours": 3600.0, "weeks": 604800.0,
                    # relativedelta's calendar units, at their usual lengths
                    "years": 365 * 86400.0, "months": 30 * 86400.0}
_TIMEDELTA_ORDER = ("days", "seconds", "microseconds", "milliseconds", "minutes", "hours",
                    "weeks")
# A power with a larger exponent is no lifetime or length anyone writes: not folded.
_MAX_EXPONENT = 64


class Analysis:
    """The semantic model of one parsed file. Everything is computed on first use."""

    def __init__(self, module: cst.Module, index: NodeIndex) -> None:
        self.module = module
        self.index = index
        self._scopes: dict[cst.CSTNode, Scope] = {}

    @classmethod
    def build(cls, module: cst.Module, index: NodeIndex) -> Analysis:
        """An analysis with everything computed up front (for measuring): the bindings,
        the imports, every load and the scope of every node they touched."""
        analysis = cls(module, index)
        _ = analysis.bindings, analysis.imports, analysis._loads, analysis._by_name
        return analysis

    # --- scopes ---------------------------------------------------------------------------

    def scope(self, node: cst.CSTNode) -> Scope:
        """The function, lambda, class or module whose body holds ``node`` (a definition's
        own scope is the one around it)."""
        found = self._scopes.get(node)
        if found is not None:
            return found
        path: list[cst.CSTNode] = []
        current = node
        while found is None:
            up = self.index.parent(current)
            if up is None:
                found = self.module
                break
            path.append(current)
            if isinstance(up, cst.FunctionDef | cst.Lambda | cst.ClassDef):
                found = up
            else:
                found = self._scopes.get(up)
                current = up
        for step in path:  # every node passed on the way shares the answer
            self._scopes[step] = found
        return found

    def function(self, node: cst.CSTNode) -> cst.FunctionDef | None:
        """The innermost function around ``node`` (through lambdas and classes)."""
        scope = self.scope(node)
        while not isinstance(scope, cst.FunctionDef | cst.Module):
            scope = self.scope(scope)
        return scope if isinstance(scope, cst.FunctionDef) else None

    def _class_of(self, node: cst.CSTNode) -> cst.ClassDef | None:
        scope = self.scope(node)
        while not isinstance(scope, cst.ClassDef | cst.Module):
            scope = self.scope(scope)
        return scope if isinstance(scope, cst.ClassDef) else None

    def _outer(self, scope: Scope) -> Scope | None:
        return None if isinstance(scope, cst.Module) else self.scope(scope)

    # --- imports --------------------------------------------------------------------------

    @cached_property
    def imports(self) -> ImportTable:
        return ImportTable.of(self.index)

    def qualified(self, node: cst.BaseExpression | None) -> str | None:
        """The qualified dotted name of an expression through the file's imports
        (``np.random.choice`` -> ``numpy.random.choice``)."""
        return self.imports.resolve(node)

    # --- the binding index ------------------------------------------------------------------

    @cached_property
    def bindings(self) -> tuple[Binding, ...]:
        """Every binding of the file, in source order."""
        found: list[Binding] = []
        for assign in self.index.of(cst.Assign):
            for target in assign.targets:
                self._bind(found, target.target, assign.value, assign, Kind.ASSIGN)
        for ann in self.index.of(cst.AnnAssign):
            if ann.value is not None:
                self._bind(found, ann.target, ann.value, ann, Kind.ANNOTATED)
        for aug in self.index.of(cst.AugAssign):
            self._bind(found, aug.target, aug.value, aug, Kind.AUGMENTED)
        for walrus in self.index.of(cst.NamedExpr):
            self._bind(found, walrus.target, walrus.value, walrus, Kind.ASSIGN)
        for loop in self.index.of(cst.For):
            self._bind(found, loop.target, None, loop, Kind.LOOP)
        for item in self.index.of(cst.WithItem):
            if item.asname is not None:
                self._bind(found, item.asname.name, item.item, item, Kind.WITH)
        for handler in self.index.of(cst.ExceptHandler):
            if handler.name is not None:
                self._bind(found, handler.name.name, None, handler, Kind.EXCEPT)
        for param in self.index.of(cst.Param):
            default = param.default
            found.append(self._binding(param.name.value, Kind.PARAMETER, param.name, default,
                                       param))
        definitions: list[cst.FunctionDef | cst.ClassDef] = [*self.index.of(cst.FunctionDef),
                                                             *self.index.of(cst.ClassDef)]
        for definition in definitions:
            found.append(self._binding(definition.name.value, Kind.DEFINITION, definition,
                                       None, definition))
        found.extend(self._import_bindings())
        for ret in self.index.of(cst.Return):
            func = self.function(ret)
            if func is not None and self.scope(ret) is func:
                found.append(Binding(func.name.value, Kind.RETURN, ret, ret.value, ret, func,
                                     self.index.order(ret)))
        for element in self.index.of(cst.DictElement):
            key = string_value(element.key)
            if key is not None:
                found.append(self._binding(key, Kind.DICT_KEY, element.key, element.value,
                                           element))
        found.sort(key=lambda b: b.order)
        return tuple(found)

    def _binding(self, name: str, kind: Kind, target: cst.CSTNode,
                 value: cst.BaseExpression | None, statement: cst.CSTNode,
                 key: str | None = None) -> Binding:
        scope = self.scope(statement)
        if name in self._globals.get(scope, ()):
            scope = self.module  # ``global X`` then ``X = ...``: the module's X
        return Binding(name, kind, target, value, statement, scope, self.index.order(target),
                       key)

    def _bind(self, found: list[Binding], target: cst.BaseExpression,
              value: cst.BaseExpression | None, statement: cst.CSTNode, kind: Kind) -> None:
        if isinstance(target, cst.Tuple | cst.List):
            elements = None
            if isinstance(value, cst.Tuple | cst.List) and len(value.elements) == len(
                    target.elements) and not any(isinstance(e, cst.StarredElement)
                                                 for e in (*value.elements, *target.elements)):
                elements = [e.value for e in value.elements]
            for place, element in enumerate(target.elements):
                inner = element.value
                self._bind(found, inner, None if elements is None else elements[place],
                           statement, Kind.UNPACKED if kind is Kind.ASSIGN else kind)
            return
        if isinstance(target, cst.StarredElement):
            self._bind(found, target.value, None, statement, kind)
            return
        if isinstance(target, cst.Subscript):
            container = dotted_name(target.value)
            key = None
            if len(target.slice) == 1 and isinstance(target.slice[0].slice, cst.Index):
                key = string_value(target.slice[0].slice.value)
            found.append(self._binding(container or "", kind, target, value, statement, key))
            return
        name = dotted_name(target)
        if name is not None:
            found.append(self._binding(name, kind, target, value, statement))

    def _import_bindings(self) -> Iterator[Binding]:
        for imp in self.index.of(cst.Import):
            for alias in imp.names:
                full = dotted_name(alias.name) or ""
                local = alias.evaluated_alias or full.split(".")[0]
                yield self._binding(local, Kind.IMPORT, alias, None, imp)
        for imp_from in self.index.of(cst.ImportFrom):
            if isinstance(imp_from.names, cst.ImportStar):
                continue
            for alias in imp_from.names:
                local = alias.evaluated_alias or dotted_name(alias.name) or ""
                yield self._binding(local, Kind.IMPORT, alias, None, imp_from)

    @cached_property
    def _globals(self) -> dict[Scope, frozenset[str]]:
        declared: dict[Scope, set[str]] = defaultdict(set)
        for statement in self.index.of(cst.Global):
            declared[self.scope(statement)].update(item.name.value for item in statement.names)
        return {scope: frozenset(names) for scope, names in declared.items()}

    @cached_property
    def _by_name(self) -> dict[tuple[Scope, str], list[Binding]]:
        """Name and attribute bindings (not subscripts, returns or dict keys) by scope."""
        table: dict[tuple[Scope, str], list[Binding]] = defaultdict(list)
        for binding in self.bindings:
            if binding.kind not in (Kind.RETURN, Kind.DICT_KEY) and binding.key is None \
                    and not isinstance(binding.target, cst.Subscript) and binding.name:
                table[binding.scope, binding.name].append(binding)
        return dict(table)

    @cached_property
    def _items(self) -> dict[tuple[Scope, str], list[Binding]]:
        """Subscript bindings (``d["k"] = v``) by scope and container."""
        table: dict[tuple[Scope, str], list[Binding]] = defaultdict(list)
        for binding in self.bindings:
            if isinstance(binding.target, cst.Subscript) and binding.name:
                table[binding.scope, binding.name].append(binding)
        return dict(table)

    @cached_property
    def _by_target(self) -> dict[cst.CSTNode, Binding]:
        return {b.target: b for b in self.bindings}

    @cached_property
    def _attributes(self) -> dict[tuple[cst.ClassDef, str], list[Binding]]:
        """``self.x = ...`` / ``cls.x = ...`` bindings by class and attribute."""
        table: dict[tuple[cst.ClassDef, str], list[Binding]] = defaultdict(list)
        for binding in self.bindings:
            target = binding.target
            if (isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name)
                    and target.value.value in ("self", "cls")
                    and binding.kind in _FOLLOWED | {Kind.AUGMENTED}):
                klass = self._class_of(target)
                if klass is not None:
                    table[klass, target.attr.value].append(binding)
        return dict(table)

    @cached_property
    def _returns(self) -> dict[cst.FunctionDef, list[Binding]]:
        table: dict[cst.FunctionDef, list[Binding]] = defaultdict(list)
        for binding in self.bindings:
            if binding.kind is Kind.RETURN and isinstance(binding.scope, cst.FunctionDef):
                table[binding.scope].append(binding)
        return dict(table)

    @cached_property
    def _by_callee(self) -> dict[str, list[Binding]]:
        table: dict[str, list[Binding]] = defaultdict(list)
        for binding in self.bindings:
            if isinstance(binding.value, cst.Call) and binding.kind in _FOLLOWED:
                name = self.qualified(binding.value.func)
                if name:
                    table[name].append(binding)
        return dict(table)

    def binding_of(self, target: cst.CSTNode) -> Binding | None:
        """The binding whose target is ``target`` (a Name, Attribute, Subscript, Param name,
        definition, import alias, return or dict key)."""
        return self._by_target.get(target)

    def bindings_in(self, scope: Scope, name: str) -> list[Binding]:
        """The bindings of a (dotted) name in one scope, in source order."""
        return self._by_name.get((scope, name), [])

    def items(self, scope: Scope, name: str) -> list[Binding]:
        """The subscript bindings ``name[key] = value`` in one scope, in source order."""
        return self._items.get((scope, name), [])

    def bound_by_call(self, qualified: str) -> list[Binding]:
        """Bindings whose value is a call of ``qualified`` (``x = random.Random()``,
        ``with requests.Session() as s``)."""
        return self._by_callee.get(qualified, [])

    def returns(self, func: cst.FunctionDef) -> list[Binding]:
        """The ``return`` statements of ``func`` itself (not of functions nested in it)."""
        return self._returns.get(func, [])

    # --- which binding a load sees --------------------------------------------------------

    def binding_at(self, node: cst.Name) -> Binding | None:
        """The binding the name ``node`` reads, by the rules in this module's docstring."""
        name = node.value
        scope = self.scope(node)
        # Reading from inside a function: the outer scopes have run by then.
        deferred = name in self._globals.get(scope, ())
        if deferred:
            scope = self.module
        order = self.index.order(node)
        start = scope
        current: Scope | None = scope
        while current is not None:
            if current is start or not isinstance(current, cst.ClassDef):
                entries = self.bindings_in(current, name)
                if current is start:
                    seen = self._before(entries, node, order)
                    if seen is not None:
                        return seen
                    if entries and isinstance(current, cst.FunctionDef | cst.Lambda):
                        return None  # a local bound only later: unknown here
                elif entries:
                    return entries[-1] if deferred else self._before(entries, node, order)
            deferred = deferred or isinstance(current, cst.FunctionDef | cst.Lambda)
            current = self._outer(current)
        return None

    def _before(self, entries: list[Binding], node: cst.CSTNode, order: int
                ) -> Binding | None:
        """The last of ``entries`` bound before ``node`` and not around it (``x = f(x)``
        reads the earlier ``x``)."""
        at = bisect.bisect_left(entries, order, key=_order_of)
        for binding in reversed(entries[:at]):
            if not self._reads_before(binding, node):
                return binding
        return None

    def _reads_before(self, binding: Binding, node: cst.CSTNode) -> bool:
        """Whether ``node`` is evaluated before ``binding`` takes effect (it sits in the
        value being bound, a loop's iterable or a ``with`` item)."""
        if binding.kind in (Kind.PARAMETER, Kind.DEFINITION, Kind.IMPORT, Kind.EXCEPT):
            return False
        statement = binding.statement
        container: cst.CSTNode | None = statement
        if isinstance(statement, cst.For):
            container = statement.iter
        elif isinstance(statement, cst.WithItem):
            container = statement.item
        return container is not None and self._inside(node, container)

    def _inside(self, node: cst.CSTNode, container: cst.CSTNode) -> bool:
        """Whether ``node`` is ``container`` or below it (stops once past it in source
        order, so this costs the depth between the two at most)."""
        limit = self.index.order(container)
        current: cst.CSTNode | None = node
        while current is not None and self.index.order(current) >= limit:
            if current is container:
                return True
            current = self.index.parent(current)
        return False

    def attribute_binding(self, node: cst.Attribute) -> Binding | None:
        """The binding ``self.x`` / ``cls.x`` reads (see the module docstring)."""
        if not (isinstance(node.value, cst.Name) and node.value.value in ("self", "cls")):
            return None
        klass = self._class_of(node)
        if klass is None:
            return None
        attr = node.attr.value
        entries = self._attributes.get((klass, attr), [])
        method = self.function(node)
        order = self.index.order(node)
        same = [b for b in entries if self.function(b.statement) is method]
        seen = self._before(same, node, order)
        if seen is not None:
            return seen
        if entries:
            return entries[0]
        in_class = [b for b in self.bindings_in(klass, attr) if b.kind in _FOLLOWED]
        return in_class[0] if in_class else None

    def attribute_bindings(self, node: cst.Attribute) -> list[Binding]:
        """Every binding of the attribute ``node`` reads, in the class that binds it:
        ``self.x``/``cls.x`` in the class it is written in, ``bot.x`` where ``bot =
        Bot(...)`` makes an instance of a class of this file."""
        klass = self._owner_class(node.value)
        return [] if klass is None else list(self._attributes.get((klass, node.attr.value), []))

    def _owner_class(self, value: cst.BaseExpression) -> cst.ClassDef | None:
        if isinstance(value, cst.Name) and value.value in ("self", "cls"):
            return self._class_of(value)
        made = self.resolve(value)
        if isinstance(made, cst.Call) and isinstance(made.func, cst.Name):
            binding = self.binding_at(made.func)
            if binding is not None and binding.kind is Kind.DEFINITION \
                    and isinstance(binding.target, cst.ClassDef):
                return binding.target
        return None

    def definition(self, func: cst.BaseExpression) -> cst.FunctionDef | None:
        """The same-module function a callee names: ``helper`` or ``self.helper``."""
        binding: Binding | None = None
        if isinstance(func, cst.Name):
            binding = self.binding_at(func)
        elif isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) \
                and func.value.value in ("self", "cls"):
            klass = self._class_of(func)
            entries = self.bindings_in(klass, func.attr.value) if klass is not None else []
            binding = entries[-1] if entries else None
        if binding is not None and isinstance(binding.target, cst.FunctionDef):
            return binding.target
        return None

    def returned(self, call: cst.Call) -> list[cst.BaseExpression]:
        """What a same-module helper returns (``def _auth(): return {...}``), in order."""
        func = self.definition(call.func)
        if func is None:
            return []
        return [b.value for b in self.returns(func) if b.value is not None]

    def kept_as_attribute(self, call: cst.Call, arg: cst.Arg) -> bool:
        """``raise TokenUpdated(token)`` where the same-module class's ``__init__`` only
        stores the argument (``self.token = token``) and has no ``__str__``/``__repr__``:
        the value is handed to whoever catches it, never put in the message."""
        binding = self.binding_at(call.func) if isinstance(call.func, cst.Name) else None
        klass = binding.target if binding is not None else None
        if not isinstance(klass, cst.ClassDef):
            return False
        init = self._method(klass, "__init__")
        if init is None or self._method(klass, "__str__") or self._method(klass, "__repr__"):
            return False
        param = _parameter_for(init, call, arg)
        return param is not None and all(
            _stored_on_self(self.index.parent(load), load)
            for load in self.loads(init, param))

    def _method(self, klass: cst.ClassDef, name: str) -> cst.FunctionDef | None:
        entries = self.bindings_in(klass, name)
        target = entries[-1].target if entries else None
        return target if isinstance(target, cst.FunctionDef) else None

    # --- the walker -------------------------------------------------------------------------

    def source_binding(self, node: cst.BaseExpression) -> Binding | None:
        """The binding a name or ``self`` attribute reads, an augmented assignment passed
        through to the binding it builds on."""
        binding: Binding | None = None
        if isinstance(node, cst.Name):
            binding = self.binding_at(node)
        elif isinstance(node, cst.Attribute):
            binding = self.attribute_binding(node)
        seen: set[Binding] = set()
        while binding is not None and binding.kind is Kind.AUGMENTED:
            if binding in seen:  # self.n += 1 is the class's only binding of self.n
                return None
            seen.add(binding)
            binding = self._previous(binding)
        return binding

    def _previous(self, binding: Binding) -> Binding | None:
        """What an augmented binding builds on: the binding its target reads."""
        target = binding.target
        if isinstance(target, cst.Name):
            return self.binding_at(target)
        if isinstance(target, cst.Attribute):
            return self.attribute_binding(target)
        return None

    def resolve(self, node: cst.BaseExpression, *, calls: bool = False
                ) -> cst.BaseExpression:
        """Follow names, ``self`` attributes (and with ``calls``, helpers that return one
        value) to the value last bound; ``node`` itself when nothing is known."""
        for _ in range(MAX_DEPTH):
            following: cst.BaseExpression | None = None
            if isinstance(node, cst.Name | cst.Attribute):
                binding = self.source_binding(node)
                if binding is not None and binding.kind in _FOLLOWED:
                    following = binding.value
            elif calls and isinstance(node, cst.Call):
                values = self.returned(node)
                following = values[0] if len(values) == 1 else None
            if following is None:
                return node
            node = following
        return node

    # --- forward: where a binding's value is read -----------------------------------------

    @cached_property
    def _loads(self) -> dict[tuple[Scope, str], list[cst.Name]]:
        """Every Name that reads a variable, by scope and name, in source order."""
        stored = {b.target for b in self.bindings if isinstance(b.target, cst.Name)}
        skipped = self._names_not_read()
        table: dict[tuple[Scope, str], list[cst.Name]] = defaultdict(list)
        for name in self.index.of(cst.Name):
            if name in stored or name in skipped:
                continue
            parent = self.index.parent(name)
            if (isinstance(parent, cst.Attribute) and parent.attr is name) or (
                    isinstance(parent, cst.Arg) and parent.keyword is name) or isinstance(
                    parent, cst.FunctionDef | cst.ClassDef | cst.NameItem | cst.AsName
                    | cst.ImportAlias | cst.Param):
                continue
            table[self.scope(name), name.value].append(name)
        return dict(table)

    def _names_not_read(self) -> set[cst.CSTNode]:
        """Names in import statements and comprehension targets: written, never read."""
        skipped: set[cst.CSTNode] = set()
        roots: list[cst.CSTNode] = [*self.index.of(cst.Import), *self.index.of(cst.ImportFrom)]
        roots.extend(comp.target for comp in self.index.of(cst.CompFor))
        for root in roots:
            stack = [root]
            while stack:
                node = stack.pop()
                if isinstance(node, cst.Name):
                    skipped.add(node)
                elif isinstance(node, cst.Attribute | cst.Tuple | cst.List | cst.Element
                                | cst.StarredElement | cst.Import | cst.ImportFrom
                                | cst.ImportAlias | cst.AsName):
                    stack.extend(_parts(node))
        return skipped

    def loads(self, scope: Scope, name: str) -> list[cst.Name]:
        """The Names that read ``name`` in ``scope``, in source order."""
        return self._loads.get((scope, name), [])

    @cached_property
    def _loads_by_name(self) -> dict[str, list[cst.Name]]:
        table: dict[str, list[cst.Name]] = defaultdict(list)
        for (_, name), loads in self._loads.items():
            table[name].extend(loads)
        return dict(table)

    def loads_named(self, name: str) -> list[cst.Name]:
        """The Names that read ``name`` anywhere in the file (scope by scope)."""
        return self._loads_by_name.get(name, [])

    def uses(self, binding: Binding) -> Iterator[cst.Name]:
        """The loads that can read ``binding``, in source order: later in its scope, up to
        where the name is bound again in the same block (a rebinding in a branch may not
        run; a load in the rebinding's own value still reads the old value)."""
        if not isinstance(binding.target, cst.Name):
            return
        block = self._block(binding.statement)
        later = self.bindings_in(binding.scope, binding.name)
        stop: Binding | None = next(
            (b for b in later[bisect.bisect_right(later, binding.order, key=_order_of):]
             if b.kind in _REBINDS and self._block(b.statement) is block), None)
        loads = self.loads(binding.scope, binding.name)
        for name in loads[bisect.bisect_right(loads, binding.order, key=self.index.order):]:
            if self._reads_before(binding, name):
                continue
            if stop is not None and self.index.order(name) > stop.order \
                    and not self._reads_before(stop, name):
                return
            yield name

    def uses_of_value(self, value: cst.CSTNode) -> list[cst.Name]:
        """The loads that read the plain name ``value`` is bound to (``x = value``, ``(x :=
        value)``), in source order; none when it is bound to no single name."""
        parent = self.index.parent(value)
        target: cst.CSTNode | None = None
        if isinstance(parent, cst.NamedExpr) and parent.value is value:
            target = parent.target
        elif isinstance(parent, cst.Assign) and parent.value is value \
                and len(parent.targets) == 1:
            target = parent.targets[0].target
        binding = self.binding_of(target) if isinstance(target, cst.Name) else None
        return list(self.uses(binding)) if binding is not None else []

    def row_bindings(self, value: cst.CSTNode) -> list[Binding]:
        """The loop variables that take ``value``: a cell of a row (a tuple or list literal)
        of a table (a list, tuple or set literal of rows) that ``for a, b in table:`` walks,
        written there or bound to a name; the target at the cell's position in each such
        loop (``users = [("admin", "s3cr3t")]`` then ``for user, pw in users:``: ``pw``)."""
        cell = self.index.parent(value)
        row = self.index.parent(cell) if isinstance(cell, cst.Element) else None
        if not isinstance(row, cst.Tuple | cst.List):
            return []
        entry = self.index.parent(row)
        table = self.index.parent(entry) if isinstance(entry, cst.Element) else None
        loops = self._walked_tables.get(table) if table is not None else None
        if not loops:
            return []
        position = next(i for i, e in enumerate(row.elements) if e is cell)
        found: list[Binding] = []
        for target in loops:
            taken = target.elements[position].value if position < len(target.elements) \
                else None
            binding = self.binding_of(taken) if isinstance(taken, cst.Name) else None
            if binding is not None:
                found.append(binding)
        return found

    @cached_property
    def _walked_tables(self) -> dict[cst.CSTNode, list[cst.Tuple | cst.List]]:
        """Table literal -> the unpacking targets of the loops that walk it (asked for every
        cell of every table: each loop's iterable is resolved once)."""
        walked: dict[cst.CSTNode, list[cst.Tuple | cst.List]] = defaultdict(list)
        for loop in self.index.of(cst.For):
            target = loop.target
            if not isinstance(target, cst.Tuple | cst.List) or any(
                    isinstance(e, cst.StarredElement) for e in target.elements):
                continue
            table = self.resolve(loop.iter)
            if isinstance(table, cst.List | cst.Tuple | cst.Set):
                walked[table].append(target)
        return dict(walked)

    def _block(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """The block (module or indented body) a statement sits in."""
        for up in self.index.ancestors(node):
            if isinstance(up, cst.IndentedBlock | cst.Module | cst.SimpleStatementSuite):
                return up
        return None

    @cached_property
    def _calls_by_name(self) -> dict[str, list[cst.Call]]:
        table: dict[str, list[cst.Call]] = defaultdict(list)
        for call in self.index.of(cst.Call):
            func = call.func
            name = func.value if isinstance(func, cst.Name) else (
                func.attr.value if isinstance(func, cst.Attribute) else None)
            if name:
                table[name].append(call)
        return dict(table)

    def calls_named(self, name: str) -> list[cst.Call]:
        """Calls whose callee's last name is ``name`` (``f()``, ``obj.f()``), in order."""
        return self._calls_by_name.get(name, [])

    # --- constants --------------------------------------------------------------------------

    def constant(self, node: cst.BaseExpression | None, depth: int = 0) -> Constant | None:
        """The value of a constant expression: literals, arithmetic, names bound to
        constants, ``timedelta(...)``; None when it is not known."""
        if node is None or depth > MAX_DEPTH * 3:
            return None
        if isinstance(node, cst.Integer):
            return int_value(node)
        if isinstance(node, cst.Float):
            try:
                return float(node.value.replace("_", ""))
            except ValueError:
                return None
        if isinstance(node, cst.SimpleString | cst.ConcatenatedString):
            return string_value(node)
        if isinstance(node, cst.UnaryOperation):
            inner = self.constant(node.expression, depth + 1)
            if isinstance(inner, int | float) and isinstance(node.operator, cst.Minus):
                return -inner
            return inner if isinstance(inner, int | float) and isinstance(
                node.operator, cst.Plus) else None
        if isinstance(node, cst.BinaryOperation):
            return _arithmetic(node.operator, self.constant(node.left, depth + 1),
                               self.constant(node.right, depth + 1))
        if isinstance(node, cst.Call):
            return self._timedelta(node, depth)
        if isinstance(node, cst.Name | cst.Attribute):
            return self._bound_constant(node, depth)
        return None

    def integer(self, node: cst.BaseExpression | None) -> int | None:
        """:meth:`constant`, when it is an integer (a length, a number of bits)."""
        value = self.constant(node)
        return value if isinstance(value, int) else None

    def _bound_constant(self, node: cst.Name | cst.Attribute, depth: int) -> Constant | None:
        binding: Binding | None = (self.binding_at(node) if isinstance(node, cst.Name)
                                   else self.attribute_binding(node))
        if binding is None:
            return None
        if binding.kind is Kind.AUGMENTED:  # TTL = 60; TTL *= 60
            target = binding.target
            before = self.constant(target, depth + 1) if isinstance(
                target, cst.Name | cst.Attribute) else None
            statement = binding.statement
            operator = _binary_of(statement.operator) if isinstance(
                statement, cst.AugAssign) else None
            if operator is None:
                return None
            return _arithmetic(operator, before, self.constant(binding.value, depth + 1))
        if binding.kind not in _FOLLOWED:
            return None
        return self.constant(binding.value, depth + 1)

    def _timedelta(self, call: cst.Call, depth: int) -> Duration | None:
        name = self.qualified(call.func) or ""
        if not name.endswith(("timedelta", "relativedelta")):
            return None
        total = 0.0
        positional = iter(_TIMEDELTA_ORDER)
        for arg in call.args:
            if arg.star:
                return None
            unit = arg.keyword.value if arg.keyword is not None else next(positional, "")
            value = self.constant(arg.value, depth + 1)
            if unit not in _TIMEDELTA_UNITS or not isinstance(value, int | float):
                return None
            total += value * _TIMEDELTA_UNITS[unit]
        return Duration(total)


def _parameter_for(init: cst.FunctionDef, call: cst.Call, arg: cst.Arg) -> str | None:
    """The ``__init__`` parameter a call's argument binds (``self`` skipped)."""
    params = init.params
    if arg.keyword is not None:
        named = [p for p in (*params.params, *params.kwonly_params)
                 if p.name.value == arg.keyword.value]
        return named[0].name.value if named else None
    if arg.star:
        return None
    position = [a for a in call.args if a.keyword is None].index(arg) + 1
    positional = [*params.posonly_params, *params.params]
    return positional[position].name.value if position < len(positional) else None


def _stored_on_self(parent: cst.CSTNode | None, load: cst.Name) -> bool:
    """``self.token = token``: the load is the whole value of an assignment to ``self``."""
    return isinstance(parent, cst.Assign) and parent.value is load and all(
        isinstance(t.target, cst.Attribute) and dotted_name(t.target.value) == "self"
        for t in parent.targets)


def _order_of(binding: Binding) -> int:
    return binding.order


def _parts(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The children of the few node types an import or a comprehension target is made of."""
    if isinstance(node, cst.Attribute):
        return [node.value, node.attr]
    if isinstance(node, cst.Tuple | cst.List):
        return list(node.elements)
    if isinstance(node, cst.Element | cst.StarredElement):
        return [node.value]
    if isinstance(node, cst.Import):
        return list(node.names)
    if isinstance(node, cst.ImportFrom):
        parts: list[cst.CSTNode] = [] if node.module is None else [node.module]
        return parts + ([] if isinstance(node.names, cst.ImportStar) else list(node.names))
    if isinstance(node, cst.ImportAlias):
        return [node.name] + ([node.asname] if node.asname is not None else [])
    if isinstance(node, cst.AsName):
        return [node.name]
    return []


def _number(value: Constant | None) -> int | float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _arithmetic(operator: cst.BaseBinaryOp, left: Constant | None,
                right: Constant | None) -> Constant | None:
    """``left <operator> right`` for numbers, durations and string concatenation."""
    if left is None or right is None:
        return None
    if isinstance(left, Duration) or isinstance(right, Duration):
        return _duration_arithmetic(operator, left, right)
    if isinstance(left, str) or isinstance(right, str):
        if isinstance(left, str) and isinstance(right, str) and isinstance(operator, cst.Add):
            return left + right
        return None
    a, b = _number(left), _number(right)
    if a is None or b is None:
        return None
    try:
        if isinstance(operator, cst.Add):
            return a + b
        if isinstance(operator, cst.Subtract):
            return a - b
        if isinstance(operator, cst.Multiply):
            return a * b
        if isinstance(operator, cst.Divide):
            return a / b
        if isinstance(operator, cst.FloorDivide):
            return a // b
        if isinstance(operator, cst.Modulo):
            return a % b
        if isinstance(operator, cst.Power) and b < _MAX_EXPONENT:
            result = a ** b
            return result if isinstance(result, int | float) else None
    except (ZeroDivisionError, OverflowError):
        return None
    return None


def _duration_arithmetic(operator: cst.BaseBinaryOp, left: Constant,
                         right: Constant) -> Duration | None:
    if isinstance(left, Duration) and isinstance(right, Duration):
        if isinstance(operator, cst.Add):
            return Duration(left.seconds + right.seconds)
        if isinstance(operator, cst.Subtract):
            return Duration(left.seconds - right.seconds)
        return None
    duration, number = (left, _number(right)) if isinstance(left, Duration) else (
        right, _number(left))
    if not isinstance(duration, Duration) or number is None:
        return None
    if isinstance(operator, cst.Multiply):
        return Duration(duration.seconds * number)
    if isinstance(operator, cst.Divide | cst.FloorDivide) and isinstance(left, Duration) \
            and number:
        return Duration(duration.seconds / number)
    return None


_AUGMENTED = (("AddAssign", "Add"), ("SubtractAssign", "Subtract"),
              ("MultiplyAssign", "Multiply"), ("DivideAssign", "Divide"),
              ("FloorDivideAssign", "FloorDivide"), ("ModuloAssign", "Modulo"),
              ("PowerAssign", "Power"))


def _binary_of(operator: cst.BaseAugOp) -> cst.BaseBinaryOp | None:
    """The operator ``x op= y`` applies: ``+`` for ``+=``."""
    kind = type(operator).__name__
    binary = next((b for a, b in _AUGMENTED if a == kind), None)
    return None if binary is None else getattr(cst, binary)()
