"""TW305: a token written to Redis or a cache with no time to live."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from tokenward.analysis.context import reports_only_proven
from tokenward.analysis.source import Source, breadth_first
from tokenward.analysis.vocabulary import key_text_is_token, mentions_tokens, names_token
from tokenward.lazy import lazy_regex
from tokenward.model import Category, Hit, Severity
from tokenward.rules.base import PYTHON, Example, Expected, Rule, RuleDocs

if TYPE_CHECKING:
    import libcst as cst

    from tokenward.analysis import flow as dataflow
    from tokenward.analysis import python, syntax_flow, token_flow
    from tokenward.analysis import stores as store_facts
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import cst, lazy_module

    dataflow = lazy_module("tokenward.analysis.flow")
    python = lazy_module("tokenward.analysis.python")
    store_facts = lazy_module("tokenward.analysis.stores")
    syntax_flow = lazy_module("tokenward.analysis.syntax_flow")
    token_flow = lazy_module("tokenward.analysis.token_flow")

# Redis writes that can carry a TTL argument, and those that never can (they need EXPIRE).
_TTL_KEYWORDS = ("ex", "px", "exat", "pxat", "keepttl")
_WRITES_WITH_TTL = frozenset({"set"})
# Set, list and sorted-set members are registries of ids, not token records: not judged.
_WRITES_WITHOUT_TTL = frozenset({"setnx", "hset", "hmset", "hsetnx", "mset", "msetnx",
                                 "getset"})
_EXPIRES = frozenset({"expire", "pexpire", "expireat", "pexpireat"})
_REDIS_FACTORIES = ("redis.", "aioredis.", "django_redis.get_redis_connection",
                    "walrus.", "coredis.")
_MEMCACHE_FACTORIES = ("pymemcache.", "memcache.Client", "pylibmc.Client", "bmemcached.Client",
                       "aiomcache.Client")
_MEMCACHE_WRITES = frozenset({"set", "add", "replace", "cas"})
_CACHE_WRITES = frozenset({"set", "set_many", "add"})
# The text of a call of one of them, of an empty dict (a literal bound, ``dict()`` or
# ``OrderedDict()`` anywhere), of an item assigned; lower case, with what Python allows
# between the parts: spaces, comments, parentheses, continued lines.
_GAP = r"(?:[\s\\]|#[^\n]*+)*+"  # possessive: a comment runs to its line's end
_WRITE_CALL = lazy_regex(r"\." + _GAP + "(?:" + "|".join(sorted(
    _MEMCACHE_WRITES | _CACHE_WRITES | _WRITES_WITH_TTL | _WRITES_WITHOUT_TTL))
    + r")(?:[\s)\\]|#[^\n]*+)*+\(")
_ITEM_ASSIGNED = lazy_regex(r"\](?:[\s)\\]|#[^\n]*+)*+=(?!=)")
# Targets bound to an empty dict, as ``_empty_dict_names`` reads the value: ``{}``, or
# ``dict()``/``OrderedDict()`` called with nothing, maybe in parentheses; an annotation
# or a walrus between; a chain of targets (``a = self.b = {}``). Group 1: the targets, of
# which :data:`_TARGET` finds the plain names.
_CHAINED = rf"[a-z_][\w.]*+(?:\[[^\]\n]*+\])*+{_GAP}(?::[^=\n]*+)?=(?!=)"
_EMPTY_STORE = lazy_regex(
    rf"(?<![\w.])((?:{_CHAINED}(?:[\s\\(]|#[^\n]*+)*+)++)"
    rf"(?:\{{{_GAP}\}}|(?:[a-z_]\w*+\.)*+(?:ordered)?dict{_GAP}\({_GAP}\))")
_TARGET = lazy_regex(rf"(?<![\w.])([a-z_]\w*+){_GAP}(?::[^=\n]*+)?=")
# What may stand between a subscripted name and its ``[``: ``(store)[key] = ...``.
_SUBSCRIPT_AFTER = lazy_regex(r"(?:[\s)\\]|#[^\n]*+)*+\[")
_PIPELINES = frozenset({"pipeline", "client"})


def _receivers(source: Source, factory: Callable[[str, cst.Call], bool]) -> frozenset[str]:
    """Dotted names bound to a call that ``factory(qualified name, call)`` accepts."""
    found: set[str] = set()
    for binding in source.analysis.bindings:
        value = binding.value
        if binding.kind is dataflow.Kind.ASSIGN and isinstance(value, cst.Call) and isinstance(
                binding.target, cst.Name | cst.Attribute) and factory(
                source.analysis.qualified(value.func) or "", value):
            found.add(binding.name)
    return frozenset(found)


def _is_memcache_factory(name: str, call: cst.Call) -> bool:
    return name.startswith(_MEMCACHE_FACTORIES)


def _is_redis_factory(name: str, call: cst.Call) -> bool:
    """A Redis client or pipeline: ``redis.Redis()``, ``r.pipeline()``."""
    is_pipeline = isinstance(call.func, cst.Attribute) and call.func.attr.value in _PIPELINES
    return name.startswith(_REDIS_FACTORIES) or is_pipeline


def _memcache_hit(source: Source, call: cst.Call, method: str) -> Hit | None:
    """pymemcache ``set(key, value, expire=0)`` and python-memcached ``set(key, value,
    time=0)``: 0, the default, means never."""
    ttl = (python.keyword(call, "expire") or python.keyword(call, "time")
           or python.positional(call, 2))
    if ttl is not None and not (isinstance(ttl.value, cst.Integer) and ttl.value.value == "0"):
        return None
    key_arg = python.argument(call, 0, "key")
    value_arg = python.argument(call, 1, "value")
    if key_arg is None or not (_tokenish(key_arg.value) or (
            value_arg is not None and _tokenish_value(value_arg.value))):
        return None
    return Hit(span=source.span(call), target=f"memcache {method}()",
               detail="no expire: memcached keeps it until evicted", code=source.code(call),
               fixable=False)


def _is_redis(receiver: cst.BaseExpression, bound: frozenset[str], source: Source,
              key: cst.BaseExpression | None) -> bool:
    dotted = python.dotted_name(receiver)
    if dotted in bound:
        return True
    if key is not None and _imported_store(source, receiver) \
            and store_facts.key_prefix(source, key):
        # A client bound in another module, written with a Redis-style key: only the key
        # can say the record is a token, by what is interpolated in it or its purpose (a
        # "webhook:{id}" record keeping a signing secret is configuration, not a token).
        return _tokenish(key, text=False) or store_facts.key_names_purpose(source, key) or \
            store_facts.key_interpolates_generated(source, key)
    if isinstance(receiver, cst.Call):  # redis.Redis().set(...), get_redis().set(...)
        name = python.call_name(source, receiver) or python.last_name(receiver.func) or ""
        return name.startswith(_REDIS_FACTORIES) or "redis" in name.lower()
    last = (python.last_name(receiver) or "").lower()
    return "redis" in last or (last in {"pipe", "pipeline"} and bool(bound))


def _imported_store(source: Source, receiver: cst.BaseExpression) -> bool:
    """``from .extensions import store``: a name imported from elsewhere (what it is, the
    other module says; the key written to it says it is a key-value store), never a cache
    (whose default timeout expires entries) nor something bound in this file."""
    if not isinstance(receiver, cst.Name) or "cache" in receiver.value.lower():
        return False
    binding = source.analysis.binding_at(receiver)
    return binding is not None and binding.kind is dataflow.Kind.IMPORT


def _token_key(source: Source, key: cst.BaseExpression) -> bool:
    """A key that names a token record: by its names, its namespace, or a value just
    generated in it."""
    return (_tokenish(key) or store_facts.key_names_purpose(source, key)
            or store_facts.key_interpolates_generated(source, key))


def _tokenish(node: cst.BaseExpression | None, *, text: bool = True) -> bool:
    """The node names a token: its literal text (unless ``text`` is False) or the names in
    it."""
    if node is None:
        return False
    literal = token_flow.literal_text(node) if text else None
    if literal is not None and key_text_is_token(literal):
        return True
    stack: list[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name | cst.Attribute):
            name = python.last_name(current)
            if name and names_token(name):
                return True
            if isinstance(current, cst.Attribute):
                continue  # user.reset_token checked above; do not split user / reset_token
        if isinstance(current, cst.Call):
            if isinstance(current.func, cst.Attribute):
                stack.append(current.func)
            stack.extend(a.value for a in current.args)
            continue
        stack.extend(c for c in current.children if isinstance(c, cst.CSTNode))
    return False


def _expire_calls(source: Source) -> list[cst.Call]:
    assert source.index is not None
    return [c for c in source.index.of(cst.Call) if isinstance(c.func, cst.Attribute)
            and c.func.attr.value in _EXPIRES and c.args]


def _expired_later(source: Source, call: cst.Call, key: cst.BaseExpression,
                   expires: list[cst.Call]) -> bool:
    """An ``expire(key, ...)`` on the same key in the same function."""
    assert source.index is not None
    scope = source.analysis.function(call)
    key_code = source.code(key)
    return any(source.analysis.function(other) is scope
               and source.code(other.args[0].value) == key_code for other in expires)


def _redis_hits(source: Source, call: cst.Call, method: str,
                expires: list[cst.Call]) -> Hit | None:
    key_arg = python.argument(call, 0, "name")
    if key_arg is None:
        return None
    if method in _WRITES_WITH_TTL:
        ttls = [arg for arg in (python.keyword(call, k) for k in _TTL_KEYWORDS) if arg is not None]
        if ttls:
            if not all(isinstance(t.value, cst.Name) and t.value.value == "None" for t in ttls):
                return None
        elif python.positional(call, 2) is not None:
            return None
    value_nodes = [a.value for a in call.args[1:]]
    keys = [key_arg.value]
    if method == "mset" and call.args:
        value_nodes = [call.args[0].value]
        keys = _mapping_keys(call.args[0].value)
    if not (any(_token_key(source, k) for k in keys)
            or any(_tokenish_value(v) for v in value_nodes)):
        return None
    if _expired_later(source, call, key_arg.value, expires):
        return None
    return Hit(span=source.span(call), target=f"{method}()",
               detail="Redis keeps it until deleted", code=source.code(call), fixable=False)


def _mapping_keys(mapping: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The keys ``mset`` writes: a dict literal's or a comprehension's."""
    if isinstance(mapping, cst.DictComp):
        return [mapping.key]
    if isinstance(mapping, cst.Dict):
        return [e.key for e in mapping.elements if isinstance(e, cst.DictElement)]
    return []


def _tokenish_value(node: cst.BaseExpression) -> bool:
    """A value that is a token: ``token``, ``user.api_key``, ``{"refresh_token": ...}``."""
    name = python.last_name(node)
    if name is not None and names_token(name):
        return True
    return isinstance(node, cst.Dict) and any(
        isinstance(e, cst.DictElement) and _tokenish(e.key) for e in node.elements)


def _cache_hit(source: Source, call: cst.Call, method: str) -> Hit | None:
    """Django's ``cache.set(key, value, timeout=None)`` and flask-caching's ``timeout=0``
    keep the entry forever; their defaults expire."""
    table = source.analysis.imports.names.values()
    django = any(n.startswith("django") for n in table)
    # A Flask app's cache is flask-caching's even when bound in another module
    # (``from .extensions import cache``): 0 is its "never".
    flask_caching = any(n.startswith(("flask_caching", "flask")) for n in table) and not django
    timeout = python.argument(call, 2, "timeout")
    if timeout is None:
        return None
    value = timeout.value
    forever = (django and isinstance(value, cst.Name) and value.value == "None") or (
        flask_caching and isinstance(value, cst.Integer) and value.value == "0")
    if not forever:
        return None
    key_arg = python.argument(call, 0, "key")
    value_arg = python.argument(call, 1, "value")
    if key_arg is None or not (_token_key(source, key_arg.value) or (
            value_arg is not None and _tokenish_value(value_arg.value))):
        return None
    return Hit(span=source.span(call), target=f"cache.{method}()",
               detail=f"timeout={source.code(value)} keeps it forever", code=source.code(call),
               fixable=False)


# What removes entries from an in-process store (a purge, an expiry sweep, a consume).
_REMOVALS = frozenset({"pop", "popitem", "clear", "remove", "discard"})


def _module_stores(source: Source) -> frozenset[str]:
    """Module-level dicts (``PENDING: dict[str, int] = {}``) that nothing in the file ever
    removes an entry from: what is put in them stays for the process's life."""
    assert source.index is not None
    empty = {b.name for b in source.analysis.bindings
             if b.kind in (dataflow.Kind.ASSIGN, dataflow.Kind.ANNOTATED)
             and isinstance(b.target, cst.Name)
             and source.analysis.function(b.statement) is None and _empty_dict(b.value)}
    removed = {python.dotted_name(target.value) for delete in source.index.of(cst.Del)
               for target in python.subtree(delete.target, limit=50)
               if isinstance(target, cst.Subscript)}
    removed |= {python.dotted_name(call.func.value) for call in source.index.of(cst.Call)
                if isinstance(call.func, cst.Attribute) and call.func.attr.value in _REMOVALS}
    return frozenset(empty - removed)


def _empty_dict(value: cst.BaseExpression | None) -> bool:
    return (isinstance(value, cst.Dict) and not value.elements) or (
        isinstance(value, cst.Call) and python.last_name(value.func) in {"dict", "OrderedDict"}
        and not value.args)


def _in_process(source: Source) -> Iterator[Hit]:
    """``PENDING[token] = user_id`` in a function, into a module-level dict nothing purges."""
    stores = _module_stores(source)
    if not stores:
        return
    assert source.index is not None
    for assign in source.index.of(cst.Assign):
        for target in assign.targets:
            node = target.target
            if not (isinstance(node, cst.Subscript) and isinstance(node.value, cst.Name)
                    and node.value.value in stores and len(node.slice) == 1):
                continue
            index = node.slice[0].slice
            if not isinstance(index, cst.Index) or source.analysis.function(assign) is None:
                continue
            if _token_key(source, index.value):
                yield Hit(span=source.span(assign), target=f"{node.value.value}[...]",
                          detail="nothing ever removes it from this module-level dict",
                          code=source.code(assign), fixable=False)


def _first_key(call: cst.Call) -> cst.BaseExpression | None:
    """The key a write names (``mset``: the first key of its mapping)."""
    first = python.argument(call, 0, "name")
    if first is None:
        return None
    keys = _mapping_keys(first.value)
    return keys[0] if keys else first.value


def _detect(source: Source) -> Iterator[Hit]:
    if reports_only_proven(source) or not _may_store(source) or source.index is None:
        return
    bound = _receivers(source, _is_redis_factory)
    memcaches = _receivers(source, _is_memcache_factory)
    expires = _expire_calls(source)
    for call in source.index.of(cst.Call):
        func = call.func
        if not isinstance(func, cst.Attribute):
            continue
        method = func.attr.value
        if python.dotted_name(func.value) in memcaches:
            if method not in _MEMCACHE_WRITES:
                continue
            hit = _memcache_hit(source, call, method)
        elif method in _WRITES_WITH_TTL | _WRITES_WITHOUT_TTL and _is_redis(
                func.value, bound, source, _first_key(call)):
            hit = _redis_hits(source, call, method, expires)
        elif method in _CACHE_WRITES and "cache" in (
                python.last_name(func.value) or "").lower():
            hit = _cache_hit(source, call, method)
        else:
            continue
        if hit:
            yield hit
    yield from _in_process(source)


def _may_store(source: Source) -> bool:
    """Whether :func:`_detect` could report in this file, read from its ``ast`` tree (the
    libcst tree costs several times more): False only when no call and no assignment of
    the file passes the first tests :func:`_detect` puts it to, so each test here is one
    of the rule's own, loosened:

    - a memcache write (``_MEMCACHE_WRITES``) with no time or a time of 0 on a receiver
      the file assigns a call of one of ``_MEMCACHE_FACTORIES`` (:class:`_Clients`);
    - a Redis write (``_WRITES_WITH_TTL``/``_WRITES_WITHOUT_TTL``) with a key, a ``set``
      only with no TTL or a TTL of None, where the text names a Redis module (a factory of
      ``_REDIS_FACTORIES``, a receiver or call named ``redis``), or the file makes a
      pipeline or client (``_PIPELINES``), or on a plain name an import binds, with a key
      that may be namespaced (:class:`_Clients`);
    - a cache write (``_CACHE_WRITES``) to a receiver named ``cache`` whose timeout is
      None or 0;
    - an item assigned, in a function, into a plain name that is bound to an empty dict
      outside every function (``_in_process``: what removes entries is not looked at).

    A tree already built is read instead (the screen would cost more than it saves).
    Before the ``ast`` tree is parsed, the text must spell one of those writes or an item
    assigned beside an empty dict (:func:`_may_store_text`)."""
    if "module" not in source.__dict__ and not _may_store_text(source.lowered):
        return False
    return source.screened(_screen)


def _may_store_text(lowered: str) -> bool:
    """What :func:`_screen` (and :func:`_detect`) look for, as the text spells it: a call
    of a write method (``.set(``, with the spaces, parentheses and line continuations
    Python allows between), or an item assigned (``x[k] =``) into a plain name that is
    bound to an empty dict somewhere (:func:`_may_keep_in_process_text`). The keywords
    let through every file with a ``{}`` and a token's name: 2,136 Python files of Home
    Assistant's wheel, 751 of which spell neither."""
    return _WRITE_CALL.search(lowered) is not None or _may_keep_in_process_text(lowered)


def _may_keep_in_process_text(lowered: str) -> bool:
    """:func:`_may_keep_in_process` as the text spells it, loosened: an item assigned
    somewhere, and a name bound to an empty dict (anywhere, not only outside functions)
    that is subscripted somewhere. An empty dict and an item assignment alone let 1,051
    of Home Assistant's modules through to an ``ast`` tree, most for a local ``data = {}``
    filled as ``self._data[k] = v`` or ``result["x"] = ...`` of another name."""
    if _ITEM_ASSIGNED.search(lowered) is None:
        return False
    names = {name for match in _EMPTY_STORE.finditer(lowered)
             for name in _TARGET.findall(match.group(1))}
    return any(_subscripted(lowered, name) for name in names)


def _subscripted(lowered: str, name: str) -> bool:
    """Whether the plain name ``name`` (not an attribute) is followed by ``[`` somewhere."""
    start = 0
    while (at := lowered.find(name, start)) >= 0:
        start = at + 1
        before = lowered[at - 1] if at else " "
        if before.isalnum() or before in "_.":
            continue
        if _SUBSCRIPT_AFTER.match(lowered, at + len(name)):
            return True
    return False


def _screen(source: Source) -> bool:
    lowered = source.lowered
    memcache = any(f.split(".")[0].lower() in lowered for f in _MEMCACHE_FACTORIES)
    redis = "redis" in lowered or any(f.split(".")[0] in lowered for f in _REDIS_FACTORIES)
    calls = source.syntax_of(ast.Call)
    redis = redis or any(isinstance(c.func, ast.Attribute) and c.func.attr in _PIPELINES
                         for c in calls)
    clients = _Clients(source, memcache=memcache, redis=redis)
    keys = _TokenKeys(source)
    return any(_may_write(call, call.func, clients) and any(
        keys.may_hold_token(argument) for argument in (*call.args, *(
            k.value for k in call.keywords))) for call in calls
        if isinstance(call.func, ast.Attribute)) or _may_keep_in_process(source, keys)


class _Clients:
    """Which receivers a write of :func:`_detect` may be made on, over ``ast``, loosened:

    - a memcache client: a name or attribute bound to a call of one of
      ``_MEMCACHE_FACTORIES`` in the file (``_receivers``), where the text names one;
    - a Redis client: any receiver where the text names Redis, a factory or a pipeline
      (``_is_redis``: only then can a receiver be bound to a factory, or named or called
      ``redis``); elsewhere only a plain name an import binds, not named for a cache, with
      a key that may have a namespace (``_imported_store`` and ``stores.key_prefix``). A
      ``ContextVar``'s or a ``self``'s ``.set(value)`` is neither."""

    def __init__(self, source: Source, *, memcache: bool, redis: bool) -> None:
        self._source = source
        self.redis = redis
        self._memcache = memcache

    def memcache(self, receiver: ast.expr) -> bool:
        """``_receivers(source, _is_memcache_factory)``, loosened: a value bound to the
        receiver's identifier anywhere in the file (``SyntaxFlow.values``) is a call whose
        name may be a memcache client factory's."""
        if not self._memcache:
            return False
        flow = syntax_flow.syntax_flow(self._source)
        if flow is None:
            return True
        bound = flow.values.get(syntax_flow.last_identifier(receiver) or "", ())
        return any(isinstance(value, ast.Call) and any(
            name.startswith(_MEMCACHE_FACTORIES) for name in flow.qualified(value.func))
            for value in bound)

    def imported_store(self, call: ast.Call, receiver: ast.expr) -> bool:
        if not isinstance(receiver, ast.Name) or "cache" in receiver.id.lower() \
                or receiver.id not in syntax_flow.import_table(self._source):
            return False
        first = syntax_flow.argument(call, 0, "name")
        return first is not None and store_facts.may_be_namespaced(self._source, first)


class _TokenKeys:
    """Whether a write's argument may be what every branch of :func:`_detect` needs before
    it reports: a key that names a token record (``_token_key``: by its names or text,
    its namespace, a value just generated in it) or a value that is a token
    (``_tokenish_value``), loosened. Every name and string in the argument is asked; a
    key built by interpolation, ``+`` or a call, or a name bound to one anywhere in the
    file, may hold a generated value or a namespace: it may."""

    def __init__(self, source: Source) -> None:
        self._source = source

    def may_hold_token(self, argument: ast.expr) -> bool:
        # A key anywhere inside (``mset``'s dict, a tuple) is judged as the argument is.
        return any(self._may_name_token(inner) for inner in ast.walk(argument))

    def _may_name_token(self, node: ast.AST) -> bool:
        """``_tokenish``/``_tokenish_value`` (a name, an attribute or a string that names
        a token), or what ``_token_key`` reads more than names from: an interpolation, a
        ``+`` or a call (``.format``), here or bound to the name (the file's flow, built
        only for a file with a write to judge)."""
        if isinstance(node, _BUILT):
            return True
        if isinstance(node, ast.Constant):
            return isinstance(node.value, str) and key_text_is_token(node.value)
        if not isinstance(node, ast.Name | ast.Attribute):
            return False
        if names_token(node.id if isinstance(node, ast.Name) else node.attr):
            return True
        flow = syntax_flow.syntax_flow(self._source)
        return flow is None or any(isinstance(value, _BUILT) for value in flow.reachable(node))


# Keys ``_token_key`` reads more than names from: what an interpolation, a ``+`` or a call
# (``.format``) holds may have been generated, or say the record's namespace.
_BUILT = (ast.JoinedStr, ast.BinOp, ast.Call)


def _may_write(call: ast.Call, func: ast.Attribute, clients: _Clients) -> bool:
    method = func.attr
    receiver = func.value
    plain = syntax_flow.positional(call)
    keywords = {k.arg: k.value for k in call.keywords if k.arg is not None}
    if method in _MEMCACHE_WRITES and clients.memcache(receiver):
        ttl = keywords.get("expire") or keywords.get("time") or (
            plain[2] if len(plain) > 2 else None)
        if ttl is None or _is_int_zero(ttl):
            return True
    if method in _WRITES_WITH_TTL | _WRITES_WITHOUT_TTL and (plain or "name" in keywords) and (
            clients.redis or clients.imported_store(call, receiver)):
        ttls = [keywords[k] for k in _TTL_KEYWORDS if k in keywords]
        if method not in _WRITES_WITH_TTL or (
                all(_is_none(t) for t in ttls) if ttls else len(plain) <= 2):
            return True
    if method in _CACHE_WRITES and _names_cache(receiver):
        timeout = keywords.get("timeout") or (plain[2] if len(plain) > 2 else None)
        return timeout is not None and (_is_none(timeout) or _is_int_zero(timeout))
    return False


def _names_cache(receiver: ast.expr) -> bool:
    """``"cache" in last_name(receiver)``, loosened: a subscript's key is not read."""
    if isinstance(receiver, ast.Name):
        return "cache" in receiver.id.lower()
    if isinstance(receiver, ast.Attribute):
        return "cache" in receiver.attr.lower()
    return isinstance(receiver, ast.Subscript)


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _is_int_zero(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int and node.value == 0


def _may_keep_in_process(source: Source, keys: _TokenKeys) -> bool:
    """A plain name bound to an empty dict outside every function, assigned an item inside
    one under a key that may name a token (``_module_stores`` and ``_in_process``,
    without the removals).

    The bindings outside functions are found by a walk that does not enter one (most code
    is in functions); the items are every item assignment the walk did not see. Asked of
    all 2,822 Python files of Django's source: 2.27 -> 0.21 s of CPU (a walk that told
    each node's place, with ``ast.iter_child_nodes``)."""
    assert source.syntax is not None
    # Not into a function: its decorators and defaults count as inside, as its node holds them.
    outside = breadth_first(source.syntax, not_into=(ast.FunctionDef, ast.AsyncFunctionDef))
    stores = {name for node in outside if isinstance(node, ast.Assign | ast.AnnAssign
                                                      | ast.NamedExpr)
              for name in _empty_dict_names(node)}
    if not stores:
        return False
    seen = {id(node) for node in outside if isinstance(node, ast.Assign)}
    return any(name in stores and keys.may_hold_token(key)
               for node in source.syntax_of(ast.Assign) if id(node) not in seen
               for name, key in _item_targets(node))


def _item_targets(node: ast.Assign) -> Iterator[tuple[str, ast.expr]]:
    """The plain names ``node`` assigns an item of, with the key (``x[k] = v``; not a
    slice)."""
    return ((t.value.id, t.slice) for t in node.targets if isinstance(t, ast.Subscript)
            and isinstance(t.value, ast.Name) and not isinstance(t.slice, ast.Slice))


def _empty_dict_names(node: ast.AST) -> Iterator[str]:
    """The plain names ``node`` binds to an empty dict (``x = {}``, ``x: T = dict()``,
    ``(x := {})``), as ``_empty_dict`` judges the value."""
    value: ast.expr | None
    if isinstance(node, ast.Assign):
        targets, value = node.targets, node.value
    elif isinstance(node, ast.AnnAssign | ast.NamedExpr):
        targets, value = [node.target], node.value
    else:
        return
    if value is None or not (
            (isinstance(value, ast.Dict) and not value.keys) or (
            isinstance(value, ast.Call) and not value.args and not value.keywords
            and _last(value.func) in {"dict", "OrderedDict"})):
        return
    yield from (t.id for t in targets if isinstance(t, ast.Name))


def _last(node: ast.expr) -> str | None:
    """``last_name``, over ``ast``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return str(node.slice.value)
    return node.attr if isinstance(node, ast.Attribute) else None


RULE = Rule(
    id="TW305",
    name="token-stored-without-ttl",
    title="Token stored without a time to live",
    category=Category.MISSING_EXPIRY,
    severity=Severity.MEDIUM,
    cwe=(613,),
    message="{target} stores a token with no expiry: {detail}",
    hint="Give the entry a TTL: r.set(key, value, ex=900) or cache.set(key, value, 900)",
    docs=RuleDocs(
        what="Finds tokens, sessions and codes written to Redis without a TTL (`set` without "
             "`ex`/`px`/`exat`/`pxat`, and `setnx`, `hset`, `sadd`, `rpush` ... with no "
             "`expire` on the same key in the same function), and cache writes that keep an "
             "entry forever (Django `cache.set(..., timeout=None)`, flask-caching "
             "`timeout=0`, pymemcache/python-memcached `set` without `expire`/`time`). "
             "A write is about a token when its key (literal text or the names "
             "in it, e.g. `f\"reset:{token}\"`) or its value names a token. A client bound "
             "in another module and imported under any name (`from .extensions import "
             "store`) is judged by the key written: a Redis-style `prefix:` key whose "
             "namespace names a purpose (`session:`, `remember:`, `magic:`) or that holds a "
             "value just generated in the file (`code = _new_code()` from `random`, "
             "`secrets`, `numpy.random` ..., through locals and helpers). Also tokens put in "
             "a module-level dict in a function when nothing in the file ever removes an "
             "entry (`del`, `pop`, `clear`).",
        why="A token kept in the store without a TTL stays valid until someone deletes it: "
            "the server-side expiry that makes a short-lived token short-lived is missing.",
        how="Pass the lifetime with the write (`ex=`/`px=`, `setex`, a cache timeout), or "
            "call `expire` right after a write that cannot carry one.",
        not_flagged="Writes of data that is not a token (counters, caches, revocation "
                    "lists, rate limits); `setex`/`psetex`; writes followed by `expire` on "
                    "the same key expression in the same function; Django and flask-caching "
                    "writes that use the cache's default timeout; receivers the rule cannot "
                    "tell are Redis (an imported client written with a key that is not "
                    "namespaced, or whose key only names a record by id, such as a webhook "
                    "configuration holding its secret); module dicts something purges; test "
                    "code.",
        references=("https://cwe.mitre.org/data/definitions/613.html",
                    "https://redis.io/docs/latest/commands/set/",
                    "https://docs.djangoproject.com/en/stable/topics/cache/#basic-usage"),
    ),
    detect=_detect,
    kinds=PYTHON,
    screens=True,
    # The writes themselves too: a client bound in another module is imported under any
    # name (``from .extensions import store``).
    keywords=("redis", "memcache", "pylibmc", "django.core.cache", "flask_caching",
              "memcached", ".set(", ".hset(", ".mset(", ".setnx(", ".hmset(", "{}",
              "dict("),
    prefilter=mentions_tokens,
    bad=(
        Example(
            """
            import redis

            r = redis.Redis()

            def start_reset(user, token):
                r.set(f"reset:{token}", user.id)
                r.hset("sessions", user.session_id, user.id)
            """,
            expect=(
                Expected(6, 5, "set() stores a token with no expiry: Redis keeps it until "
                               "deleted"),
                Expected(7, 5, "hset() stores a token with no expiry: Redis keeps it until "
                               "deleted"),
            ),
        ),
        Example(
            """
            from django.core.cache import cache

            def remember(user, api_token):
                cache.set(f"user:{user.id}", api_token, timeout=None)
            """,
            expect=(
                Expected(4, 5, "cache.set() stores a token with no expiry: timeout=None keeps "
                               "it forever"),
            ),
        ),
    ),
    good=(
        Example(
            """
            import redis

            r = redis.Redis()

            def start_reset(user, token):
                r.set(f"reset:{token}", user.id, ex=900)
                r.setex(f"otp:{user.id}", 300, "123456")
                r.set(f"user:{user.id}:token_count", 3)
                r.sadd("revoked_jtis", "abc")
                key = f"session:{user.session_id}"
                r.hset(key, "user", user.id)
                r.expire(key, 3600)
            """,
        ),
        Example(
            """
            from django.core.cache import cache

            def remember(user, api_token):
                cache.set(f"user:{user.id}", api_token)
                cache.set("homepage", "<html>", timeout=None)
            """,
        ),
    ),
)
