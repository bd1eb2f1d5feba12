"""Hard-coded secret -> environment or store lookup; the value moves out of the code.

``GITHUB_TOKEN = "ghp_..."`` becomes ``GITHUB_TOKEN = os.environ["GITHUB_TOKEN"]`` (or
``tokenward.store.get("GITHUB_TOKEN")`` with ``--to store``). A secret inside a longer
string (``f"Bearer ghp_..."``, ``"token ghp_..."``) keeps the string's shape around the
lookup. Existing imports are reused (``import os as _os`` -> ``_os.environ``, ``from os
import environ`` -> ``environ``); otherwise one import is added through libcst's
``AddImportsVisitor``.
"""

from __future__ import annotations

import ast
import itertools
import re

import libcst as cst

from tokenward.analysis.providers import private_key_body
from tokenward.fix import names
from tokenward.fix.base import (
    Edit,
    FindingCodemod,
    FixNotPossible,
    Plan,
    replace_with,
)
from tokenward.fix.imports import NeededImport
from tokenward.fix.rotation import provider
from tokenward.fix.services import Destination, MovedSecret
from tokenward.model import Finding
from tokenward.records import record
from tokenward.scanner import redaction

# Where a secret may sit inside a longer string: split on what separates words in headers,
# URLs and connection strings. Each candidate costs one (slow, salted) hash.
_SEPARATORS = re.compile(r"[\s:=@/?&;,'\"()\[\]<>|]+")
_PAIR_SEPARATORS = re.compile(r"[\s;&,]+")
_MAX_CANDIDATES = 64


@record
class _Lookup:
    """How this file reaches the lookup: the callable or mapping, and an import if needed."""

    base: str  # "os.environ", "_os.environ", "environ", "tokenward.store.get", "store.get"
    call: bool  # store: base("NAME"); env: base["NAME"]
    needs: NeededImport | None

    def code(self, name: str, quote: str) -> str:
        key = f"{quote}{name}{quote}"
        return f"{self.base}({key})" if self.call else f"{self.base}[{key}]"


def _module_imports(module: cst.Module) -> list[cst.Import | cst.ImportFrom]:
    found: list[cst.Import | cst.ImportFrom] = []
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            found.extend(s for s in statement.body if isinstance(s, cst.Import | cst.ImportFrom))
    return found


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _alias_name(alias: cst.ImportAlias) -> str | None:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return None


def lookup_for(module: cst.Module, destination: Destination) -> _Lookup:
    """Reuse what the module already imports at its top level, else ask for an import."""
    imports = _module_imports(module)
    if destination is Destination.ENV:
        for imp in imports:
            if isinstance(imp, cst.Import):
                for alias in imp.names:
                    full, asname = _dotted(alias.name), _alias_name(alias)
                    if full == "os" and asname:
                        return _Lookup(f"{asname}.environ", False, None)
                    if asname is None and (full == "os" or full.startswith("os.")):
                        return _Lookup("os.environ", False, None)
            elif _dotted(imp.module or cst.Name("_")) == "os" and not imp.relative and \
                    not isinstance(imp.names, cst.ImportStar):
                for alias in imp.names:
                    if _dotted(alias.name) == "environ":
                        return _Lookup(_alias_name(alias) or "environ", False, None)
        return _Lookup("os.environ", False, NeededImport("os"))
    for imp in imports:
        if isinstance(imp, cst.Import):
            for alias in imp.names:
                full, asname = _dotted(alias.name), _alias_name(alias)
                if full == "tokenward.store":
                    return _Lookup(f"{asname or 'tokenward.store'}.get", True, None)
        elif _dotted(imp.module or cst.Name("_")) == "tokenward" and not imp.relative and \
                not isinstance(imp.names, cst.ImportStar):
            for alias in imp.names:
                if _dotted(alias.name) == "store":
                    return _Lookup(f"{_alias_name(alias) or 'store'}.get", True, None)
    return _Lookup("tokenward.store.get", True, NeededImport("tokenward.store"))


def _static_string(node: cst.BaseExpression) -> str | None:
    """The value of a string expression made only of literals, else None."""
    if isinstance(node, cst.SimpleString | cst.ConcatenatedString):
        try:
            value = node.evaluated_value
        except Exception:
            return None
        return value if isinstance(value, str) else None
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        left, right = _static_string(node.left), _static_string(node.right)
        return None if left is None or right is None else left + right
    return None


def _candidates(text: str) -> list[str]:
    seen: dict[str, None] = {text: None}
    for piece in _SEPARATORS.split(text):
        if len(piece) >= 4:
            seen.setdefault(piece, None)
    # key=value pairs (connection strings): the value keeps its own "=" (base64 padding).
    for piece in _PAIR_SEPARATORS.split(text):
        key, equals, value = piece.partition("=")
        if equals and key and len(value) >= 4:
            seen.setdefault(value, None)
    words = text.split()
    if words:
        seen.setdefault(words[-1], None)
    return list(seen)[:_MAX_CANDIDATES]


def find_secret(text: str, secret_hash: str | None) -> str | None:
    """The part of ``text`` that is the finding's secret (matched by its hash)."""
    if secret_hash is None:
        return text
    for candidate in _candidates(text):
        if redaction.secret_hash(candidate) == secret_hash:
            return candidate
    return None


class MoveSecret(FindingCodemod):
    DESCRIPTION = "Move hard-coded secrets to environment or store lookups."
    TARGET_TYPES = (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString,
                    cst.BinaryOperation)
    INSIDE = True

    _lookup: _Lookup | None = None

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        self._lookup = lookup_for(tree, self.services.destination)
        return super().transform_module_impl(tree)

    def plan(self, finding: Finding, node: cst.CSTNode) -> Plan:
        if isinstance(node, cst.FormattedString):
            return self._plan_fstring(finding, node)
        assert isinstance(node, cst.BaseExpression)
        if isinstance(node, cst.SimpleString) and "b" in node.prefix.lower():
            return self._plan_bytes(finding, node)
        value = _static_string(node)
        if value is None:
            raise FixNotPossible("not a plain string literal (computed)")
        # A private key's finding hashes the start of its body: the PEM block moves.
        block = private_key_block(value, finding.secret_hash)
        secret = block or find_secret(value, finding.secret_hash)
        if secret is None:
            raise FixNotPossible("cannot tell which part of the string is the secret")
        # The blank lines around a PEM block in a triple-quoted string are not part of it.
        whole = value.strip() == secret
        one_line = block is not None and self.services.destination is Destination.ENV
        if one_line and not whole:
            raise FixNotPossible("a private key inside a longer string: move the PEM block "
                                 "to a key file by hand, then replace the key pair")
        plan, name = self._start(finding, node, secret, whole=whole, text=value,
                                 one_line=one_line)
        leaf = node if whole else self._leaf_holding(node, secret)
        leaf_value = _static_string(leaf)
        if leaf_value is not None and leaf_value.strip() == secret:
            replacement = self._whole(leaf, name, one_line=one_line)
        elif isinstance(leaf, cst.SimpleString) and leaf_value is not None:
            replacement = self._split_simple(leaf, leaf_value, secret, name)
        else:
            raise FixNotPossible("the secret spans several literals; move it by hand")
        plan.edits.append((leaf, replace_with(replacement)))
        return plan

    def _start(self, finding: Finding, node: cst.CSTNode, secret: str, *, whole: bool,
               text: str, one_line: bool = False) -> tuple[Plan, str]:
        """The name the secret moves under, and a plan holding the move and the import."""
        assert self._lookup is not None
        name = self._name(finding, node, secret, whole=whole, text=text)
        stored = secret.replace("\n", "\\n") if one_line else secret
        move = MovedSecret(name, stored, finding.path, finding.line, finding.rule_id,
                           finding.target, one_line)
        needs = [self._lookup.needs] if self._lookup.needs else []
        return Plan(moves=[move], imports=needs), name

    def _plan_bytes(self, finding: Finding, node: cst.SimpleString) -> Plan:
        """``b"..."`` -> ``os.environ["NAME"].encode()`` (the value must be UTF-8 text)."""
        assert self._lookup is not None
        raw = node.evaluated_value
        try:
            value = raw.decode("utf-8") if isinstance(raw, bytes) else None
        except UnicodeDecodeError:
            value = None
        if value is None or find_secret(value, finding.secret_hash) != value:
            raise FixNotPossible("a bytes literal that is not a whole UTF-8 secret")
        plan, name = self._start(finding, node, value, whole=True, text=value)
        parent = self.parent(node)
        if isinstance(parent, cst.ConcatenatedString):
            raise FixNotPossible("a bytes literal inside a concatenation; move it by hand")
        replacement = cst.parse_expression(self._lookup.code(name, '"') + ".encode()")
        plan.edits.append((node, replace_with(replacement)))
        return plan

    def _plan_fstring(self, finding: Finding, node: cst.FormattedString) -> Plan:
        """A secret in an f-string's text keeps the string's shape around the lookup; a
        secret written as a literal inside ``{...}`` is replaced there."""
        assert self._lookup is not None
        inner = "'" if '"' in node.quote else '"'
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                secret = find_secret_in_raw(part.value, finding.secret_hash)
                if secret is not None:
                    text = "".join(p.value for p in node.parts
                                   if isinstance(p, cst.FormattedStringText))
                    plan, name = self._start(finding, node, secret, whole=False, text=text)
                    plan.edits.append((node, self._fstring_edit(part, secret, name, node)))
                    return plan
            elif isinstance(part, cst.FormattedStringExpression):
                literal = part.expression
                value = _static_string(literal)
                if value is not None and isinstance(literal, cst.SimpleString) and \
                        find_secret(value, finding.secret_hash) == value:
                    plan, name = self._start(finding, literal, value, whole=True, text=value)
                    lookup = cst.parse_expression(self._lookup.code(name, inner))
                    plan.edits.append((literal, replace_with(lookup)))
                    return plan
        raise FixNotPossible("cannot find the secret in this f-string; move it by hand")

    def _leaf_holding(self, node: cst.BaseExpression, secret: str) -> cst.BaseExpression:
        """The one literal of a concatenation (``"Bearer " + "..."``, ``"a" "b"``) that
        holds the whole secret; the node itself when none does."""
        leaves: list[cst.BaseExpression] = []
        stack: list[cst.BaseExpression] = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, cst.BinaryOperation | cst.ConcatenatedString):
                stack.extend((current.right, current.left))
            else:
                leaves.append(current)
        holding = [leaf for leaf in leaves if secret in (_static_string(leaf) or "")]
        return holding[0] if len(holding) == 1 else node

    def _name(self, finding: Finding, node: cst.CSTNode, secret: str, *, whole: bool,
              text: str) -> str:
        known = provider(secret)
        owner = known.key.split("-")[0].lower() if known else None
        bound = finding.target
        if known is not None and bound == known.key:  # TW103 reads names on the line only
            bound = self._assigned_name(node) or bound
        # Bound to no name in the code (TW103 saw none; a positional argument of a client,
        # ``Github("...")``): named after its provider, GITHUB_TOKEN.
        # Part of a longer string (a URL, a header): named after its provider too.
        if known is not None and (bound == known.key or self._positional(node) or not whole):
            target: str | None = names.provider_target(owner or "", known.kind)
        else:
            target = names.part_target(bound, text, secret, owner) if not whole else bound
        user = self._tuple_user(node)
        if user is not None:  # auth=("deploy", "...") is deploy's password
            target = f"{user}_password"
        base = names.env_name(target, self._context(node), owner)
        return self.services.names.claim(base, secret)

    def _assigned_name(self, node: cst.CSTNode) -> str | None:
        """``NAME = "..."`` (also over lines: ``KEY = \"\"\"\n-----BEGIN ...``)."""
        parent = self.parent(node)
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
            return _dotted(parent.targets[0].target) or None
        if isinstance(parent, cst.AnnAssign) and parent.value is node:
            return _dotted(parent.target) or None
        return None

    def _positional(self, node: cst.CSTNode) -> bool:
        parent = self.parent(node)
        return isinstance(parent, cst.Arg) and parent.keyword is None \
            and isinstance(self.parent(parent), cst.Call)

    def _tuple_user(self, node: cst.CSTNode) -> str | None:
        element = self.parent(node)
        pair = self.parent(element) if element is not None else None
        if not (isinstance(element, cst.Element) and isinstance(pair, cst.Tuple | cst.List)
                and len(pair.elements) == 2 and pair.elements[1] is element):
            return None
        user = _static_string(pair.elements[0].value)
        return user if user and user.replace("-", "_").replace(".", "_").isidentifier() \
            else None

    # -- the replacements ------------------------------------------------------------------

    def _whole(self, node: cst.CSTNode, name: str, *,
               one_line: bool = False) -> cst.BaseExpression:
        assert self._lookup is not None
        if one_line:  # the PEM block's line breaks, stored as \n in .env, put back
            return cst.parse_expression(
                self._lookup.code(name, '"') + '.replace("\\\\n", "\\n")')
        parent = self.parent(node)
        if isinstance(parent, cst.ConcatenatedString):
            # Implicit concatenation only joins string literals: keep it one.
            quote = node.quote if isinstance(node, cst.SimpleString) else '"'
            inner = "'" if '"' in quote else '"'
            return cst.parse_expression(
                f"f{quote}{{{self._lookup.code(name, inner)}}}{quote}")
        return cst.parse_expression(self._lookup.code(name, '"'))

    def _split_simple(self, node: cst.SimpleString, value: str, secret: str,
                      name: str) -> cst.BaseExpression:
        assert self._lookup is not None
        prefix = node.prefix.lower()
        if "b" in prefix:
            raise FixNotPossible("a bytes literal")
        raw = node.raw_value
        if raw.count(secret) != 1 or value.count(secret) != 1:
            raise FixNotPossible("the secret is written with escapes; move it by hand")
        before, after = raw.split(secret)
        quote = node.quote
        try:
            same = (ast.literal_eval(f"{prefix}{quote}{before}{quote}") + secret
                    + ast.literal_eval(f"{prefix}{quote}{after}{quote}")) == value
        except (SyntaxError, ValueError):
            same = False
        if not same:
            raise FixNotPossible("the secret is written with escapes; move it by hand")
        inner = "'" if '"' in quote else '"'
        new_prefix = ("r" if "r" in prefix else "") + "f"
        body = (_brace_escape(before) + "{" + self._lookup.code(name, inner) + "}"
                + _brace_escape(after))
        return cst.parse_expression(f"{new_prefix}{quote}{body}{quote}")

    def _fstring_edit(self, part: cst.FormattedStringText, secret: str, name: str,
                      node: cst.FormattedString) -> Edit:
        assert self._lookup is not None
        inner = "'" if '"' in node.quote else '"'
        expression = cst.parse_expression(self._lookup.code(name, inner))
        before, after = part.value.split(secret, 1)

        def edit(updated: cst.CSTNode) -> cst.CSTNode:
            assert isinstance(updated, cst.FormattedString)
            parts: list[cst.BaseFormattedStringContent] = []
            for original, current in zip(node.parts, updated.parts, strict=True):
                if original is not part:
                    parts.append(current)
                    continue
                if before:
                    parts.append(cst.FormattedStringText(before))
                parts.append(cst.FormattedStringExpression(expression))
                if after:
                    parts.append(cst.FormattedStringText(after))
            return updated.with_changes(parts=parts)

        return edit

    # -- naming context --------------------------------------------------------------------

    def _context(self, node: cst.CSTNode) -> list[str]:
        """Words saying whose secret it is: the callee of a keyword, the dict's owner, the
        class of a ``self.`` attribute."""
        chain = self.ancestors(node)
        for up, above in itertools.pairwise(chain):
            if isinstance(up, cst.Arg) and up.keyword is not None and isinstance(above, cst.Call):
                return names.callee_context(_dotted(above.func) or None)
            if isinstance(up, cst.Param):
                function = next((a for a in chain if isinstance(a, cst.FunctionDef)), None)
                return [] if function is None else names.callee_context(function.name.value)
            if isinstance(up, cst.Dict):
                owner = self._owner(above, chain)
                if owner:
                    return names.words(owner)
            if isinstance(up, cst.Assign | cst.AnnAssign):
                targets = ([t.target for t in up.targets] if isinstance(up, cst.Assign)
                           else [up.target])
                if any(isinstance(t, cst.Attribute) and _dotted(t.value) == "self"
                       for t in targets):
                    klass = next((a for a in chain if isinstance(a, cst.ClassDef)), None)
                    return [] if klass is None else names.words(klass.name.value)
                return []
        return []

    def _owner(self, above: cst.CSTNode, chain: list[cst.CSTNode]) -> str | None:
        if isinstance(above, cst.Assign):
            target = above.targets[0].target
            return _dotted(target).split(".")[-1] or None
        if isinstance(above, cst.AnnAssign):
            return _dotted(above.target).split(".")[-1] or None
        if isinstance(above, cst.Arg) and above.keyword is not None:
            index = chain.index(above)
            call = chain[index + 1] if index + 1 < len(chain) else None
            if isinstance(call, cst.Call):
                context = names.callee_context(_dotted(call.func) or None)
                return "_".join(context) or None
        return None


_PEM_BLOCK = re.compile(r"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----"
                        r".{0,8192}?-----END \1-----", re.DOTALL)


def private_key_block(text: str, secret_hash: str | None) -> str | None:
    """The private-key PEM block in ``text`` whose body starts as the hashed secret."""
    if secret_hash is None:
        return None
    for match in _PEM_BLOCK.finditer(text):
        body = private_key_body(text, match.start() + len(match.group(1)) + 16)
        if body is not None and redaction.secret_hash(body) == secret_hash:
            return match.group(0)
    return None


def find_secret_in_raw(raw: str, secret_hash: str | None) -> str | None:
    """Like find_secret, over a raw f-string text part (no escapes or braces inside the
    secret: those are not token characters)."""
    if secret_hash is None:
        return None
    secret = find_secret(raw, secret_hash)
    if secret is None or "\\" in secret or "{" in secret or "}" in secret:
        return None
    return secret if raw.count(secret) == 1 else None


def _brace_escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")
