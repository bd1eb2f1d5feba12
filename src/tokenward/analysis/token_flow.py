"""Is this value used as a token? Data flow within one file, for the TW2xx rules.

Starting from an expression (``random.choice(...)``), walk up through value-preserving
wrappers (``"".join(...)``, f-strings, ``str()``, ``.hex()``, hashing, comprehensions,
concatenation) to where the value is consumed, and judge that place with the vocabulary in
:mod:`tokenward.analysis.vocabulary`:

- an assignment to a token-like name (``reset_token = ...``, ``user.api_key = ...``,
  ``headers["X-Api-Key"] = ...``); a plain local variable is followed to its later uses;
- a dict key or keyword argument named like a token (``{"token": ...}``,
  ``User(reset_code=...)``);
- the return value of a function named like a token maker (``def generate_otp()``), or of
  any function whose calls in the same file are used as tokens;
- a sink: a call that stores or sends a token (``store_token(...)``,
  ``send_reset_email(...)``), a cookie or cache key named like a token, a URL parameter
  such as ``?token=`` or a path such as ``/reset/`` in an f-string.

Anything else (comparisons, conditions, sleeps, list indices, arguments of unrelated
calls) ends the walk: not a token.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import field
from itertools import islice
from typing import TYPE_CHECKING, Any

from tokenward.analysis import syntax_flow
from tokenward.analysis.python import call_name, last_name, string_value, subtree
from tokenward.analysis.source import Source
from tokenward.analysis.sql import STATEMENT_RUNNERS
from tokenward.analysis.vocabulary import (
    cookie_holds_token,
    function_builds_url,
    function_consumes_token,
    function_makes_token,
    key_text_is_token,
    names_existing_items,
    names_identifier,
    names_nonce,
    names_token,
    sql_names_token,
    states_lifetime,
    text_before_marks_token,
)
from tokenward.lazy import lazy_regex
from tokenward.records import record

if TYPE_CHECKING:
    import libcst as cst
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import cst

MAX_DEPTH = 3
# Later uses of one variable, and calls of one function, examined: keeps the walk linear
# on generated files with thousands of them.
MAX_USES = 64

# Calls that pass their argument's randomness (or predictability) on to their result.
_TRANSFORMS = frozenset({
    "join", "format", "str", "int", "hex", "bytes", "bytearray", "b64encode",
    "urlsafe_b64encode", "b32encode", "b16encode", "b85encode", "hexlify", "encode", "decode",
    "md5", "sha1", "sha224", "sha256", "sha384", "sha512", "blake2b", "blake2s", "sha3_256",
    "new", "zfill", "rjust", "ljust", "upper", "lower", "strip", "rstrip", "lstrip", "replace",
    "to_bytes", "from_bytes", "digest", "hexdigest", "quote", "quote_plus", "list", "tuple",
    "map", "repr", "abs", "round", "UUID", "f", "__str__", "base_encode", "int_to_base36",
    "b36encode", "base36", "base62", "encode_base62",
})
# Calls that set a cookie, cache or store entry: ``(key, value)`` positional pairs.
_KEYED_SINKS = frozenset({"set_cookie", "set", "setex", "psetex", "hset", "add", "set_many",
                          "setdefault", "put", "set_signed_cookie"})
# Calls that show a value to the user: in a function that makes a token (a CLI command
# ``def temp_password(): typer.echo(...)``), what it shows is the token it makes.
_OUTPUT_CALLS = frozenset({"print", "echo", "secho", "write"})
# printf-style conversions (``%s``, ``%032x``, ``%(name)s``); ``%%`` is a literal percent.
_CONVERSION = lazy_regex(r"%(?:%|(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[a-zA-Z])")


class _Walker:
    """Walks from a value to where it is consumed; the moves between statements (a
    variable's later reads, a function's call sites) are the file's analysis."""

    def __init__(self, source: Source, *, time_value: bool = False,
                 secrecy: bool = False) -> None:
        # Following a timestamp: shifted by a number it is a point in time (an expiry,
        # ``now + expires_in``), not token material any more.
        self.time_value = time_value
        # Only uses that need secrecy: a nonce needs to be unique, which a short random
        # value is (HTTP digest's ``cnonce``).
        self.secrecy = secrecy
        self.source = source
        self.analysis = source.analysis
        self.index = source.analysis.index

    # -- the walk ------------------------------------------------------------------
    def use(self, expr: cst.CSTNode, depth: int) -> str | None:
        node = expr
        while True:
            parent = self.index.parent(node)
            if parent is None:
                return None
            verdict = self._judge(parent, node, depth)
            if verdict is _CONTINUE:
                # Through an argument of a transform: the value is now the call's result.
                up = self.index.parent(parent) if isinstance(parent, cst.Arg) else parent
                if up is None:
                    return None
                node = up
                continue
            return verdict if isinstance(verdict, str) else None

    def _judge(self, parent: cst.CSTNode, node: cst.CSTNode, depth: int) -> str | object | None:
        if self.time_value and _shifts_in_time(parent, node):
            return None
        if self._combined_with_secret(parent, node):
            return None
        if isinstance(parent, cst.BinaryOperation | cst.Element) \
                and (text := self._printf_text_before(parent, node)) is not None:
            return "a token in a URL or header" if text_before_marks_token(text) else _CONTINUE
        if isinstance(parent, cst.BinaryOperation | cst.UnaryOperation | cst.ConcatenatedString
                      | cst.FormattedString | cst.List | cst.Tuple | cst.Element
                      | cst.StarredElement | cst.IfExp | cst.SubscriptElement | cst.Index
                      | cst.Slice):
            return _CONTINUE
        if isinstance(parent, cst.Subscript):
            # ``HEX[np.random.randint(0, 16, size=40)]``: items picked by a random index are
            # random, unless the collection holds existing items (``words[randint(...)]``).
            return _CONTINUE if parent.value is node or not names_existing_items(
                last_name(parent.value)) else None
        if isinstance(parent, cst.FormattedStringExpression):
            return self._fstring_part(parent)
        if isinstance(parent, cst.GeneratorExp | cst.ListComp | cst.SetComp):
            return _CONTINUE if node is parent.elt or node is parent.for_in else None
        if isinstance(parent, cst.CompFor):
            # ``str(d) for d in np.random.randint(0, 10, size=6)``: elements of a random
            # iterable are random.
            return _CONTINUE if node is parent.iter else None
        if isinstance(parent, cst.Attribute):
            return _CONTINUE if parent.value is node else None
        if isinstance(parent, cst.Call):
            return _CONTINUE if parent.func is node else None
        if isinstance(parent, cst.Arg):
            return self._argument(parent, depth)
        if isinstance(parent, cst.DictElement):
            if parent.value is not node:
                return None
            key = string_value(parent.key)
            return f"dict key '{key}'" if key and names_token(key) else None
        if isinstance(parent, cst.Assign | cst.AnnAssign | cst.AugAssign):
            return self._assignment(parent, depth)
        if isinstance(parent, cst.AssignTarget):
            return None
        if isinstance(parent, cst.Return):
            return self._returned(parent, depth)
        return None

    def _combined_with_secret(self, parent: cst.CSTNode, node: cst.CSTNode) -> bool:
        """Whether the value is combined (joined, added, formatted) with an unpredictable
        part: a JWT's claims then its signature (Libcloud's service-account assertion) is
        no guessable token, whatever the claims are made of."""
        # Here, not at the top: randomness reads this module's token uses.
        from tokenward.analysis.randomness import holds_unpredictable_part

        if isinstance(parent, cst.Element):
            # Only the parts of one value: a sequence joined or %-formatted, not a tuple
            # of separate values (``codes = (weak, strong)`` then ``codes[0]``).
            container = self.index.parent(parent)
            if not self._joined(container):
                return False
            others = [e.value for e in getattr(container, "elements", ()) if e is not parent]
        elif isinstance(parent, cst.BinaryOperation) \
                and isinstance(parent.operator, cst.Add | cst.Modulo):
            others = [parent.right if parent.left is node else parent.left]
        elif isinstance(parent, cst.FormattedStringExpression):
            fstring = self.index.parent(parent)
            others = [p.expression for p in getattr(fstring, "parts", ())
                      if isinstance(p, cst.FormattedStringExpression) and p is not parent]
        else:
            return False
        return any(holds_unpredictable_part(self.source, other) for other in others)

    def _joined(self, container: cst.CSTNode | None) -> bool:
        """Whether a list or tuple literal is made one value: ``sep.join((a, b))``,
        ``"%s.%s" % (a, b)``."""
        holder = self.index.parent(container) if container is not None else None
        if isinstance(holder, cst.BinaryOperation):
            return isinstance(holder.operator, cst.Modulo) and holder.right is container
        call = self.index.parent(holder) if isinstance(holder, cst.Arg) else None
        return isinstance(call, cst.Call) and last_name(call.func) == "join"

    def _fstring_part(self, part: cst.FormattedStringExpression) -> str | object:
        fstring = self.index.parent(part)
        if isinstance(fstring, cst.FormattedString) \
                and text_before_marks_token(_text_before(fstring, part)):
            return "a token in a URL or header"
        return _CONTINUE

    def _argument(self, arg: cst.Arg, depth: int) -> str | object | None:
        call = self.index.parent(arg)
        if not isinstance(call, cst.Call):
            return None
        if arg.keyword is not None:
            word = arg.keyword.value
            if self._names(word) or self._names_field_token(call, word):
                return f"argument {word}="
            if function_builds_url(last_name(call.func) or "") \
                    and text_before_marks_token(f"?{word}="):
                return "a token in a URL or header"   # ``url_for(..., key=value)``
            if depth < MAX_DEPTH and (found := self._field_reads(call, word, depth)):
                return found
            if word in {"value", "data"} and self._keyed_sink(call) is not None:
                return self._keyed_sink(call)
            return None
        callee = last_name(call.func) or ""
        if callee in _TRANSFORMS or callee == "":
            return _CONTINUE
        if callee in _KEYED_SINKS:
            return self._keyed_sink(call)
        if callee in STATEMENT_RUNNERS and call.args and call.args[0] is not arg:
            sql = literal_text(call.args[0].value)
            if sql is not None and sql_names_token(sql):
                return "a token column in SQL"
            return None
        if function_consumes_token(callee):
            return f"argument of {callee}()"
        if callee in _OUTPUT_CALLS:
            func = self.analysis.function(call)
            if func is not None and function_makes_token(func.name.value):
                return f"output of {func.name.value}()"
        qualified = call_name(self.source, call) or ""
        if qualified.startswith(("hashlib.", "base64.", "binascii.")):
            return _CONTINUE
        return None

    def _keyed_sink(self, call: cst.Call) -> str | None:
        key_arg = call.args[0] if call.args else None
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value in {"key", "name"}:
                key_arg = arg
        if key_arg is None:
            return None
        text = literal_text(key_arg.value)
        if text is None:  # ``set_cookie(COOKIE_NAME, ...)``: the constant's value
            constant = self.analysis.constant(key_arg.value)
            text = constant if isinstance(constant, str) else None
        callee = last_name(call.func) or ""
        if text is None:
            return None
        if "cookie" in callee:
            return f"cookie '{text}'" if cookie_holds_token(text) else None
        return f"key '{text}'" if key_text_is_token(text) else None

    def _assignment(self, stmt: cst.Assign | cst.AnnAssign | cst.AugAssign,
                    depth: int) -> str | None:
        targets: list[cst.BaseExpression]
        if isinstance(stmt, cst.Assign):
            targets = [t.target for t in stmt.targets]
        else:
            targets = [stmt.target]
        for target in targets:
            name = last_name(target)
            if name and self._names(name):
                return name
            if isinstance(target, cst.Attribute) and self._stored_with_expiry(target):
                return f"{name} (stored with an expiry)"
        if any(isinstance(t, cst.Name) and names_identifier(t.value) for t in targets):
            # ``key_id = uuid4().hex[:8]``: an identifier, public by purpose, even where it
            # is later put beside a secret (``f"{key_id}.{secret}"``).
            return None
        if depth >= MAX_DEPTH:
            return None
        for target in targets:
            if isinstance(target, cst.Name):
                found = self._later_uses(target, depth)
                if found:
                    return found
        return None

    def _field_reads(self, call: cst.Call, word: str, depth: int) -> str | None:
        """``ticket = Ticket(guest_key=value)``: the value is read back as
        ``ticket.guest_key``; follow those reads."""
        if not (last_name(call.func) or "")[:1].isupper():
            return None
        assign = self.index.parent(call)
        if not isinstance(assign, cst.Assign) or len(assign.targets) != 1 \
                or not isinstance(assign.targets[0].target, cst.Name):
            return None
        binding = self.analysis.binding_of(assign.targets[0].target)
        if binding is None:
            return None
        for load in islice(self.analysis.uses(binding), MAX_USES):
            read = self.index.parent(load)
            if isinstance(read, cst.Attribute) and read.value is load and read.attr.value == word:
                found = self.use(read, depth + 1)
                if found:
                    return found
        return None

    def _names(self, name: str) -> bool:
        """``name`` holds a token (one that must be secret, when asked for secrecy)."""
        return names_token(name) and not (self.secrecy and names_nonce(name))

    @staticmethod
    def _names_field_token(call: cst.Call, word: str) -> bool:
        """``GiftCard(code=...)``: a keyword of a class is a field of that class, named by
        both (``gift_card_code``)."""
        cls = last_name(call.func) or ""
        return cls[:1].isupper() and names_token(f"{cls}_{word}")

    def _stored_with_expiry(self, target: cst.Attribute) -> bool:
        """``rx.status_code = code`` beside ``rx.status_code_expires_at = ...`` in the same
        function: a value given an expiry is a credential, whatever it is called."""
        func = self.analysis.function(target)
        owner = self.source.code(target.value)
        stem = target.attr.value + "_"
        if func is None:
            return False
        for node in subtree(func):
            if isinstance(node, cst.AssignTarget) and isinstance(node.target, cst.Attribute):
                attr = node.target.attr.value
                if attr.startswith(stem) and states_lifetime(attr[len(stem):]) \
                        and self.source.code(node.target.value) == owner:
                    return True
        return False

    def _printf_text_before(self, parent: cst.CSTNode, node: cst.CSTNode) -> str | None:
        """The literal text before the conversion that formats ``node`` in ``"..." % x`` or
        ``"..." % (a, x)``; None when ``node`` is not formatted by a literal that way."""
        position, operand = 0, node
        operation: cst.CSTNode | None = parent
        if isinstance(parent, cst.Element):
            tuple_node = self.index.parent(parent)
            if not isinstance(tuple_node, cst.Tuple):
                return None
            position = next(i for i, e in enumerate(tuple_node.elements) if e is parent)
            operation, operand = self.index.parent(tuple_node), tuple_node
        elif isinstance(node, cst.Tuple):
            return None  # judged at its element, where the position is known
        if not isinstance(operation, cst.BinaryOperation) or operation.right is not operand \
                or not isinstance(operation.operator, cst.Modulo):
            return None
        template = string_value(operation.left)
        if template is None:
            return None
        conversions = [m for m in _CONVERSION.finditer(template) if m.group() != "%%"]
        if position >= len(conversions):
            return None
        return template[:conversions[position].start()]

    def _later_uses(self, target: cst.Name, depth: int) -> str | None:
        binding = self.analysis.binding_of(target)
        if binding is None:
            return None
        uses = list(islice(self.analysis.uses(binding), MAX_USES))
        for use in uses:
            found = self.use(use, depth + 1)
            if found:
                return found
        return self._capability_link(uses)

    def _capability_link(self, uses: Sequence[cst.CSTNode]) -> str | None:
        """``kv.hset(f"archive-link:{value}", ...)`` and ``f"https://host/archive/{value}"``:
        the value is the key of a stored record and is handed out in a URL, so whoever holds
        the URL reaches the record. It is that record's credential, whatever it is called."""
        keyed = linked = False
        for use in uses:
            part = self.index.parent(use)
            fstring = self.index.parent(part)
            if not isinstance(part, cst.FormattedStringExpression) or part.expression is not use \
                    or not isinstance(fstring, cst.FormattedString):
                continue
            before = _text_before(fstring, part)
            arg = self.index.parent(fstring)
            call = self.index.parent(arg)
            if isinstance(arg, cst.Arg) and isinstance(call, cst.Call) and call.args[0] is arg \
                    and last_name(call.func) in _KEYED_SINKS and NAMESPACED_KEY.fullmatch(before):
                keyed = True
            linked = linked or before.startswith(("https://", "http://"))
        return "the key of a stored record, sent in a link" if keyed and linked else None

    def _returned(self, ret: cst.Return, depth: int) -> str | None:
        func = self.analysis.function(ret)
        if func is None:
            return None
        if function_makes_token(func.name.value, func.get_docstring() or "") and not (
                self.secrecy and names_nonce(func.name.value)):
            return f"return value of {func.name.value}()"
        if depth >= MAX_DEPTH:
            return None
        for call in self.analysis.calls_named(func.name.value)[:MAX_USES]:
            found = self.use(call, depth + 1)
            if found:
                return f"{found} via {func.name.value}()"
        return None


_CONTINUE = object()
# ``reset:`` / ``team-invite:`` / ``app:session:``: the namespace of a Redis-style key, the
# literal text before its first interpolation.
NAMESPACED_KEY = lazy_regex(r"^[A-Za-z][\w\-]*(?::[\w\-]+)*:")


def _text_before(fstring: cst.FormattedString, part: cst.FormattedStringExpression) -> str:
    """The literal text of ``fstring`` between the previous hole and ``part``."""
    before = ""
    for piece in fstring.parts:
        if piece is part:
            break
        before = before + piece.value if isinstance(piece, cst.FormattedStringText) else ""
    return before


def literal_text(node: cst.BaseExpression) -> str | None:
    """The literal text of a string, f-string (holes dropped) or ``"a" + x`` key."""
    value = string_value(node)
    if value is not None:
        return value
    if isinstance(node, cst.FormattedString):
        return "".join(p.value if isinstance(p, cst.FormattedStringText) else " "
                       for p in node.parts)
    if isinstance(node, cst.BinaryOperation):
        left = literal_text(node.left) or ""
        right = literal_text(node.right) or ""
        return (left + " " + right).strip() or None
    if isinstance(node, cst.Call) and last_name(node.func) == "format":
        func = node.func
        if isinstance(func, cst.Attribute):
            return string_value(func.value)
    return None


def token_use(source: Source, expr: cst.CSTNode, *, time_value: bool = False,
              secrecy: bool = False) -> str | None:
    """How the value of ``expr`` is used as a token in this file, or None when it is not.
    ``time_value``: ``expr`` is a timestamp, which stops being token material where it is
    shifted by a number (``now + expires_in`` is when the token expires). ``secrecy``: only
    uses whose strength is their secrecy (not nonces, which need only be unique)."""
    return _Walker(source, time_value=time_value, secrecy=secrecy).use(expr, 0)


def _shifts_in_time(parent: cst.CSTNode, node: cst.CSTNode) -> bool:
    """``now + 3600``, ``now + int(resp["expires_in"])``, ``now - timedelta(...)``: a time
    shifted by a duration (a number, a ``timedelta``, or a value whose name states a
    lifetime) is a point in time."""
    if not isinstance(parent, cst.BinaryOperation) \
            or not isinstance(parent.operator, cst.Add | cst.Subtract):
        return False
    other = parent.right if parent.left is node else parent.left
    if isinstance(other, cst.Integer | cst.Float):
        return True
    for part in subtree(other):
        if isinstance(part, cst.Call) and last_name(part.func) == "timedelta":
            return True
        text = (string_value(part) if isinstance(part, cst.SimpleString)
                else last_name(part) if isinstance(part, cst.Name | cst.Attribute) else None)
        if text and states_lifetime(text):
            return True
    return False



# --- the same question, asked of the ast tree (TW201's screen) ------------------------------


def may_be_token_use(source: Source, call: ast.Call) -> bool:
    """Whether :func:`token_use` could find a use as a token for the value of ``call`` (a
    node of ``source.syntax``), read from the file's ``ast`` tree before any libcst tree is
    built. The walk is the walker's, loosened: every step up where it may go on is taken,
    each verdict it may give is asked of the same vocabulary (or granted where it reads
    what ``ast`` spells differently: a keyed sink's key, SQL text, an f-string holding an
    escape), and the moves between statements follow every load of an identifier and every
    call of a function's name anywhere in the file, at any depth. False only where the
    walker surely finds nothing."""
    return any_may_be_token_use(source, [call])


def any_may_be_token_use(source: Source, calls: Iterable[ast.Call]) -> bool:
    """:func:`may_be_token_use` of any of ``calls``, in one walk: where an identifier's
    loads or a function's calls lead is explored once for them all (from every call
    again, a generated file's thousands of uses of one name made the screen quadratic)."""
    uses = source.fact(_syntax_uses)
    followed: set[tuple[str, str]] = set()
    for call in calls:
        todo: list[ast.AST] = [call]
        while todo:
            if _climb(uses, todo.pop(), todo, followed):
                return True
    return False


@record
class _SyntaxUses:
    """What the moves of the walk read from the ``ast`` tree: parents, the loads of each
    identifier, the calls of each name, and the stems of the attributes stored to with a
    lifetime after them (``code`` of ``rx.code_expires_at``)."""

    source: Source
    parents: dict[int, ast.AST]
    loads: dict[str, list[ast.Name]]
    calls: dict[str, list[ast.Call]]
    expiring_stems: frozenset[str]
    imports: Mapping[str, frozenset[str]]
    # A dictionary value's key (None for ``**other``), by the value's id.
    dict_keys: dict[int, ast.expr | None]
    # What a template or an f-string's holes say, judged once each (node id -> verdict):
    # a generated file's thousands of holes must not make the walk quadratic.
    judged: dict[int, bool] = field(default_factory=dict)

    def parent(self, node: ast.AST) -> ast.AST | None:
        return self.parents.get(id(node))

    def function_of(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The innermost function around ``node`` (``Analysis.function``)."""
        up = self.parent(node)
        while up is not None and not isinstance(up, ast.FunctionDef | ast.AsyncFunctionDef):
            up = self.parent(up)
        return up


def _syntax_uses(source: Source) -> _SyntaxUses:
    parents: dict[int, ast.AST] = {}
    loads: dict[str, list[ast.Name]] = {}
    calls: dict[str, list[ast.Call]] = {}
    stored: set[str] = set()
    dict_keys: dict[int, ast.expr | None] = {}
    for node in source.syntax_nodes:
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
        if isinstance(node, ast.Dict):
            dict_keys.update((id(value), key) for key, value in zip(node.keys, node.values,
                                                                    strict=True))
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            loads.setdefault(node.id, []).append(node)
        elif isinstance(node, ast.Call):
            name = syntax_flow.last_name(node.func)
            if name:
                calls.setdefault(name, []).append(node)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            stored.add(node.attr)
    stems = {name[:cut] for name in stored for cut, char in enumerate(name)
             if char == "_" and states_lifetime(name[cut + 1:])}
    return _SyntaxUses(source, parents, loads, calls, frozenset(stems),
                       syntax_flow.import_table(source), dict_keys)


def _climb(uses: _SyntaxUses, node: ast.AST, todo: list[ast.AST],
           followed: set[tuple[str, str]]) -> bool:
    """From ``node`` up to where its value is consumed (``_Walker.use``)."""
    while True:
        parent = uses.parent(node)
        if parent is None:
            return False
        if isinstance(parent, ast.stmt):
            return _consumed_by(uses, parent, node, todo, followed)
        verdict = _judged_in(uses, parent, node, todo, followed)
        if verdict is not None:
            return verdict
        node = parent


def _consumed_by(uses: _SyntaxUses, statement: ast.stmt, node: ast.AST,
                 todo: list[ast.AST], followed: set[tuple[str, str]]) -> bool:
    if isinstance(statement, ast.Assign | ast.AnnAssign | ast.AugAssign) \
            and statement.value is node:
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        return _assigned(uses, targets, todo, followed)
    if isinstance(statement, ast.Return):
        function = uses.function_of(statement)
        if function is None:
            return False
        if function_makes_token(function.name):  # (no docstring: it only ever says no)
            return True
        _follow(uses.calls, "call", function.name, todo, followed)
    return False


def _assigned(uses: _SyntaxUses, targets: Sequence[ast.expr], todo: list[ast.AST],
              followed: set[tuple[str, str]]) -> bool:
    """``_Walker._assignment``; a stored-with-expiry sibling anywhere in the file."""
    for target in targets:
        if names_token(syntax_flow.last_name(target)):
            return True
        if isinstance(target, ast.Attribute) and target.attr in uses.expiring_stems:
            return True
    if any(isinstance(t, ast.Name) and names_identifier(t.id) for t in targets):
        return False
    for target in targets:
        if isinstance(target, ast.Name):
            loads = _follow(uses.loads, "load", target.id, todo, followed)
            if _may_link_capability(uses, loads):
                return True
    return False


def _may_link_capability(uses: _SyntaxUses, loads: Sequence[ast.Name]) -> bool:
    """``_Walker._capability_link``: a load formatted into a keyed sink's first argument,
    and a load formatted into an f-string (which may start a link)."""
    keyed = linked = False
    for load in loads:
        part = uses.parent(load)
        if not isinstance(part, ast.FormattedValue) or part.value is not load:
            continue
        linked = True
        fstring = uses.parent(part)
        call = uses.parent(fstring) if fstring is not None else None
        keyed = keyed or (isinstance(call, ast.Call) and bool(call.args)
                          and call.args[0] is fstring
                          and syntax_flow.last_name(call.func) in _KEYED_SINKS)
    return keyed and linked


def _follow(table: Mapping[str, list[Any]], kind: str, name: str, todo: list[ast.AST],
            followed: set[tuple[str, str]]) -> list[Any]:
    """Queue every node ``table`` holds under ``name``, once per name."""
    if (kind, name) in followed:
        return []
    followed.add((kind, name))
    nodes = table.get(name, [])
    todo.extend(nodes)
    return nodes


def _judged_in(uses: _SyntaxUses, parent: ast.AST, node: ast.AST, todo: list[ast.AST],
               followed: set[tuple[str, str]]) -> bool | None:
    """``_Walker._judge`` at an expression: True, False (the walk ends), None (up)."""
    if isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Mod) \
            and parent.right is node and _printf_marks_token(uses, parent.left):
        return True
    if isinstance(parent, ast.FormattedValue) and parent.value is node \
            and _fstring_marks_token(uses, parent):
        return True
    if isinstance(parent, ast.Dict):
        if id(node) not in uses.dict_keys:
            return False  # a key
        return names_token(syntax_flow.string_value(uses.dict_keys[id(node)]))
    if isinstance(parent, ast.keyword):
        call = uses.parent(parent)
        if not isinstance(call, ast.Call):
            return False  # a class's keyword (``metaclass=``)
        if parent.arg is None:  # ``**kwargs``: the walker reads it as a positional one
            return _positional_argument(uses, call)
        return _keyword_argument(uses, call, parent.arg, todo, followed)
    if isinstance(parent, ast.Call) and parent.func is not node:
        return _positional_argument(uses, parent)
    return None  # every other expression: the walker goes on, or stops


def _keyword_argument(uses: _SyntaxUses, call: ast.Call, word: str, todo: list[ast.AST],
                      followed: set[tuple[str, str]]) -> bool:
    callee = syntax_flow.last_name(call.func) or ""
    if names_token(word) or (callee[:1].isupper() and names_token(f"{callee}_{word}")):
        return True
    if function_builds_url(callee) and text_before_marks_token(f"?{word}="):
        return True
    if word in {"value", "data"}:
        return True  # a keyed sink's value: its key is judged by the walker only
    assign = uses.parent(call)
    if callee[:1].isupper() and isinstance(assign, ast.Assign) and len(assign.targets) == 1 \
            and isinstance(assign.targets[0], ast.Name):
        _follow(uses.loads, "load", assign.targets[0].id, todo, followed)  # obj.word reads
    return False


def _positional_argument(uses: _SyntaxUses, call: ast.Call) -> bool | None:
    callee = syntax_flow.last_name(call.func) or ""
    if callee in _TRANSFORMS or not callee:
        return None
    if callee in _KEYED_SINKS or callee in STATEMENT_RUNNERS or function_consumes_token(callee):
        return True
    if callee in _OUTPUT_CALLS:
        function = uses.function_of(call)
        if function is not None and function_makes_token(function.name):
            return True
    if any(name.startswith(("hashlib.", "base64.", "binascii."))
           for name in syntax_flow.qualified(call.func, uses.imports)):
        return None
    return False


def _printf_marks_token(uses: _SyntaxUses, template: ast.expr) -> bool:
    """The text before any conversion of a ``"..." % x`` template marks a token."""
    if id(template) not in uses.judged:
        text = syntax_flow.string_value(template)
        uses.judged[id(template)] = text is not None and any(
            text_before_marks_token(text[:conversion.start()])
            for conversion in _CONVERSION.finditer(text) if conversion.group() != "%%")
    return uses.judged[id(template)]


def _fstring_marks_token(uses: _SyntaxUses, part: ast.FormattedValue) -> bool:
    """The f-string's text before ``part`` marks a token; or the f-string holds an escape
    or a doubled brace, where libcst's text (as written) and ``ast``'s may differ."""
    fstring = uses.parent(part)
    if not isinstance(fstring, ast.JoinedStr):
        return False  # a hole of a format spec: the walker goes on
    if id(part) not in uses.judged:
        written = uses.source.syntax_segment(fstring)
        differs = "\\" in written or "{{" in written or "}}" in written
        before = ""
        for piece in fstring.values:  # every hole of this f-string, judged at once
            text = syntax_flow.string_value(piece)
            if text is None:
                uses.judged[id(piece)] = differs or text_before_marks_token(before)
            before = "" if text is None else before + text
    return uses.judged[id(part)]
