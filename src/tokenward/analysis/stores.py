"""Key-value stores, for TW305: which writes keep a token, judged from the values written
rather than from the receiver's name (a Redis client is often bound in another module and
imported as ``store``, ``kv`` or ``r``).

- A *namespaced key* (``f"reset:{code}"``, ``"pwreset:{}".format(code)``,
  ``"otp:" + phone``) is the key convention of Redis-like stores: literal text ending in
  ``prefix:`` before the interpolated part.
- A key *names a token record* when its text or the names in it name a token, its prefix
  names an authentication purpose (``session:``, ``remember:``, ``magic:``), or the value
  interpolated in it was just generated (random or secure source, through locals and
  same-module helpers): such a key *is* the token.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from tokenward.analysis.python import call_name, subtree
from tokenward.analysis.randomness import STRONG_SOURCES, weak_source
from tokenward.analysis.source import Source
from tokenward.analysis.syntax_flow import syntax_flow
from tokenward.analysis.token_flow import NAMESPACED_KEY, literal_text
from tokenward.analysis.vocabulary import names_auth_purpose

if TYPE_CHECKING:
    import libcst as cst
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import cst

_MAX_HOPS = 4


def key_prefix(source: Source, key: cst.BaseExpression) -> str | None:
    """The namespace of a Redis-style key (``"reset"`` for ``f"reset:{code}"``), read from
    the literal text before the first interpolation; None when the key is not one."""
    text = _leading_text(source, key)
    match = NAMESPACED_KEY.match(text) if text else None
    return match.group(0).rstrip(":") if match else None


# Keys ``key_prefix`` may read a namespace from: the text before an interpolation, the
# left of a ``+``, a ``.format`` template; ``mset``'s mapping holds its first key.
_PREFIXED = (ast.JoinedStr, ast.BinOp, ast.Call, ast.Dict, ast.DictComp)


def may_be_namespaced(source: Source, key: ast.expr) -> bool:
    """:func:`key_prefix` over ``ast``, loosened (a screen's question): whether ``key``, or a
    value bound anywhere to a name in it (``SyntaxFlow.reachable``), is something
    ``_leading_text`` may read a namespace from."""
    if isinstance(key, _PREFIXED):
        return True
    if not isinstance(key, ast.Name):
        return False
    flow = syntax_flow(source)
    return flow is None or any(isinstance(value, _PREFIXED) for value in flow.reachable(key))


def _leading_text(source: Source, key: cst.BaseExpression) -> str | None:
    node = source.analysis.resolve(key) if isinstance(key, cst.Name) else key
    if isinstance(node, cst.FormattedString):
        first = node.parts[0] if node.parts else None
        return first.value if isinstance(first, cst.FormattedStringText) else None
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return literal_text(node.left)
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and \
            node.func.attr.value == "format":
        template = source.analysis.resolve(node.func.value)
        return literal_text(template) if isinstance(template, cst.BaseExpression) else None
    return None


def key_names_purpose(source: Source, key: cst.BaseExpression) -> bool:
    """``session:{sid}``, ``remember:{series}``: the key's namespace names an
    authentication purpose."""
    prefix = key_prefix(source, key)
    return prefix is not None and names_auth_purpose(prefix)


def generated(source: Source, node: cst.BaseExpression, depth: int = 0) -> bool:
    """The value was produced by a random or secure source in this file, followed through
    locals and same-module helpers (``code = _new_code()``, ``"%x" % getrandbits(96)``)."""
    if depth > _MAX_HOPS:
        return False
    for part in subtree(node, limit=200):
        if isinstance(part, cst.Name) and part is not node:
            continue  # names are followed below, once, through their binding
        if isinstance(part, cst.Call):
            name = call_name(source, part) or ""
            if name in STRONG_SOURCES or name.startswith("secrets.") or \
                    weak_source(source, part) is not None:
                return True
            returned = source.analysis.returned(part)
            if any(generated(source, value, depth + 1) for value in returned):
                return True
    for part in subtree(node, limit=200):
        if isinstance(part, cst.Name):
            bound = source.analysis.source_binding(part)
            if bound is not None and bound.value is not None and bound.value is not node \
                    and bound.holds_value and generated(source, bound.value, depth + 1):
                return True
    return False


def key_interpolates_generated(source: Source, key: cst.BaseExpression) -> bool:
    """``f"reset:{code}"`` where ``code`` was just generated: the key is the token."""
    node = source.analysis.resolve(key) if isinstance(key, cst.Name) else key
    if isinstance(node, cst.FormattedString):
        values: list[cst.BaseExpression] = [
            p.expression for p in node.parts if isinstance(p, cst.FormattedStringExpression)]
    elif isinstance(node, cst.BinaryOperation):
        values = [node.right]
    elif isinstance(node, cst.Call):
        values = [a.value for a in node.args]
    else:
        return False
    return any(generated(source, value) for value in values)
