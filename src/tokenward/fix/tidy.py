"""What a rewrite leaves behind: a local variable only the replaced code read, and the
imports only that variable or the replaced code used (ruff's F841 and F401).

``alphabet = string.ascii_letters + string.digits`` feeding a ``random.choice`` join that
became ``secrets.token_urlsafe(32)`` goes, and so do ``import string`` and ``import
random`` when nothing else uses them. Only names whose uses the rewrite reduced are
considered; a variable goes only when every occurrence left in the file is one of its own
plain assignments inside functions and each assigned value has no side effect (names,
attributes, literals and operators; never a call). The imports are handed to libcst's
``RemoveImportsVisitor``, which removes one only when scope analysis finds no use left.
"""

from __future__ import annotations

from collections import Counter

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import RemoveImportsVisitor

from tokenward.analysis.python import dotted_name

_PURE = (cst.Name, cst.Attribute, cst.SimpleString, cst.ConcatenatedString, cst.Integer,
         cst.Float, cst.Imaginary, cst.BinaryOperation, cst.UnaryOperation, cst.Tuple,
         cst.List, cst.Set, cst.Element, cst.BaseBinaryOp, cst.BaseUnaryOp, cst.LeftParen,
         cst.RightParen,
         cst.LeftSquareBracket, cst.RightSquareBracket, cst.LeftCurlyBrace,
         cst.RightCurlyBrace, cst.Comma, cst.Dot, cst.BaseParenthesizableWhitespace,
         cst.TrailingWhitespace, cst.EmptyLine, cst.Newline, cst.Comment)


def name_counts(tree: cst.CSTNode) -> Counter[str]:
    """How often each name is written in the code, outside imports (an attribute's own
    name and a keyword argument's name are not uses of a variable)."""
    counts: Counter[str] = Counter()
    stack: list[cst.CSTNode] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Import | cst.ImportFrom):
            continue
        if isinstance(node, cst.Name):
            counts[node.value] += 1
        elif isinstance(node, cst.Attribute | cst.Arg):
            stack.append(node.value)
        else:
            stack.extend(node.children)
    return counts


def _pure(node: cst.CSTNode) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if not isinstance(current, _PURE):
            return False
        stack.extend(current.children)
    return True


def _plain_target(line: cst.BaseStatement) -> str | None:
    """``name = <value without side effects>`` alone on its line: the name."""
    if not (isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1):
        return None
    assign = line.body[0]
    if not (isinstance(assign, cst.Assign) and len(assign.targets) == 1
            and isinstance(assign.targets[0].target, cst.Name) and _pure(assign.value)):
        return None
    return assign.targets[0].target.value


class _DropAssignments(cst.CSTTransformer):
    """Removes the plain assignments to ``names`` inside function bodies."""

    def __init__(self, names: set[str]) -> None:
        super().__init__()
        self.names = names
        self.depth = 0
        self.dropped = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.depth += 1
        return True

    def leave_FunctionDef(self, original_node: cst.FunctionDef,
                          updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self.depth -= 1
        return updated_node

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock,
                            updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        if self.depth == 0:
            return updated_node
        kept = [line for line in updated_node.body if _plain_target(line) not in self.names]
        if len(kept) == len(updated_node.body) or not kept:
            return updated_node
        self.dropped += len(updated_node.body) - len(kept)
        return updated_node.with_changes(body=kept)


def _assignments_in_functions(tree: cst.Module) -> Counter[str]:
    """Plain assignments inside function bodies, by target name."""
    found: Counter[str] = Counter()
    stack: list[tuple[cst.CSTNode, bool]] = [(tree, False)]
    while stack:
        node, inside = stack.pop()
        if isinstance(node, cst.IndentedBlock) and inside:
            found.update(n for n in map(_plain_target, node.body) if n is not None)
        inside = inside or isinstance(node, cst.FunctionDef)
        stack.extend((child, inside) for child in node.children)
    return found


def _imported(tree: cst.Module) -> dict[str, tuple[str, str | None, str | None]]:
    """Local name -> (module, name, alias) of each top-level import, as RemoveImportsVisitor
    takes them."""
    bound: dict[str, tuple[str, str | None, str | None]] = {}
    for line in tree.body:
        if not isinstance(line, cst.SimpleStatementLine):
            continue
        for statement in line.body:
            if isinstance(statement, cst.Import):
                for alias in statement.names:
                    full = dotted_name(alias.name) or ""
                    asname = alias.evaluated_alias
                    bound[asname or full.split(".")[0]] = (full, None, asname)
            elif isinstance(statement, cst.ImportFrom) and not statement.relative and \
                    statement.module is not None and \
                    not isinstance(statement.names, cst.ImportStar):
                module = dotted_name(statement.module) or ""
                for alias in statement.names:
                    name = dotted_name(alias.name) or ""
                    asname = alias.evaluated_alias
                    bound[asname or name] = (module, name, asname)
    return bound


def drop_orphans(before: cst.Module, after: cst.Module, context: CodemodContext
                 ) -> cst.Module:
    """``after`` without the local variables the rewrite from ``before`` left unused; the
    imports it left unused are scheduled for removal in ``context``."""
    original = name_counts(before)
    reduced: set[str] = set()
    for _ in range(4):  # a removed assignment may orphan the names its value used
        now = name_counts(after)
        reduced |= {name for name, count in original.items() if now[name] < count}
        assigned = _assignments_in_functions(after)
        orphans = {name for name in reduced if assigned[name] and now[name] == assigned[name]}
        if not orphans:
            break
        dropper = _DropAssignments(orphans)
        after = after.visit(dropper)
        if not dropper.dropped:
            break
    imports = _imported(after)
    for name in sorted(reduced & set(imports)):
        module, obj, asname = imports[name]
        RemoveImportsVisitor.remove_unused_import(context, module, obj, asname)
    return after
