"""Whether a value is made only of public parts, so that a credential's name bound to it
holds no credential: ``self.webhook_url = f"{self.base_url}{TELEGRAM_WEBHOOK_URL}"`` (an
address and a fixed path), a webhook path made from a device's MAC address. A random id
(``webhook.async_generate_id()``), a value read from stored data or from a parameter is
not known to be public: the name is believed."""

from __future__ import annotations

import libcst as cst

from tokenward.analysis import python
from tokenward.analysis.source import Source
from tokenward.analysis.vocabulary import (
    carries_credential,
    function_formats,
    names_address,
    names_public_identifier,
)

# Steps followed through names, attributes and calls before the value counts as unknown.
_MAX_STEPS = 24


def made_of_public_parts(source: Source, node: cst.BaseExpression) -> bool:
    """Whether ``node``'s value, followed through the names and ``self`` attributes bound
    to it, is built only of literals and constants, addresses (a name that says so and
    is no credential's: ``base_url``), the public ids of objects (``unique_id``), and
    what formats them into a string, a path or a URL."""
    return _public(source, node, [_MAX_STEPS], top=True)


def _public(source: Source, node: cst.BaseExpression, budget: list[int], *,
            top: bool = False) -> bool:
    budget[0] -= 1
    if budget[0] < 0:
        return False
    if isinstance(node, cst.SimpleString | cst.ConcatenatedString | cst.Integer | cst.Float):
        return True
    if isinstance(node, cst.FormattedString):
        return all(_public(source, part.expression, budget) for part in node.parts
                   if isinstance(part, cst.FormattedStringExpression))
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator,
                                                            cst.Add | cst.Modulo):
        return _public(source, node.left, budget) and _public(source, node.right, budget)
    if isinstance(node, cst.Name) and node.value in ("None", "True", "False"):
        return True
    if isinstance(node, cst.Name | cst.Attribute):
        return _public_name(source, node, budget, top)
    if isinstance(node, cst.Call):
        return _public_call(source, node, budget)
    return False


def _public_name(source: Source, node: cst.Name | cst.Attribute, budget: list[int],
                 top: bool) -> bool:
    name = python.last_name(node) or ""
    credential = carries_credential(name)
    if not top and not credential and names_address(name):
        return True  # ``base_url``: where the service is, whatever built it
    if isinstance(node, cst.Attribute):
        # Every value the class binds to it: one random value among them is enough, and a
        # binding that is not a whole value (``self.url += token``) is not known public.
        bound = source.analysis.attribute_bindings(node)
        values = [b.value for b in bound if b.holds_value and b.value is not None]
        if bound:
            return len(values) == len(bound) and all(
                _public(source, value, budget) for value in values)
    value = source.analysis.resolve(node)
    if value is not node:
        return _public(source, value, budget)
    if source.analysis.constant(node) is not None:
        return True
    # Not bound in this file: believed by its name (a constant's, an object's id).
    return not credential and (names_public_identifier(name) or (
        name.isupper() and not top))


def _public_call(source: Source, call: cst.Call, budget: list[int]) -> bool:
    callee = python.last_name(call.func) or ""
    if not function_formats(callee):
        return False
    parts: list[cst.BaseExpression] = [arg.value for arg in call.args]
    receiver = call.func.value if isinstance(call.func, cst.Attribute) else None
    if receiver is not None and not _module_like(source, receiver):
        parts.append(receiver)  # ``self.unique_id.replace(":", "")``
    return all(_public(source, part, budget) for part in parts)


def _module_like(source: Source, node: cst.BaseExpression) -> bool:
    """``webhook`` in ``webhook.async_generate_path(id)``: an imported module, not a value
    the result is made from."""
    return isinstance(node, cst.Name) and node.value in source.analysis.imports.names
