"""The stack, bottom to top, and a check that every import points down (or stays home).

A module may import its own package and any package of a lower layer; packages of one
layer never import each other. Imports inside functions and under TYPE_CHECKING count:
a lazy import is still an arrow in the picture.
"""

from __future__ import annotations

import ast
from pathlib import Path

import tokenward

PACKAGE = Path(tokenward.__file__).parent

# Top first. `tokenward/__init__.py` is the public facade (lazy re-exports) and is exempt.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"__main__"}),
    frozenset({"cli"}),
    frozenset({"hooks", "training"}),
    frozenset({"reporters"}),
    frozenset({"fix"}),
    frozenset({"scanner"}),
    frozenset({"rules"}),
    frozenset({"analysis"}),
    frozenset({"config"}),
    frozenset({"trust"}),
    frozenset({"model", "lazy", "safefs", "store", "notices"}),
    frozenset({"records"}),
)
RANK = {name: rank for rank, layer in enumerate(LAYERS) for name in layer}
# The store installs and imports without the scanner: of ours it imports only the
# standard-library-only safe writer.
SELF_CONTAINED = {"store": frozenset({"safefs"})}


def _package_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "tokenward":
        return None
    return parts[1] if len(parts) > 1 else ""


def _is_module(name: str) -> bool:
    return (PACKAGE / name).is_dir() or (PACKAGE / f"{name}.py").is_file()


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    here = ".".join(relative.parts)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")[: -node.level]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            if module == "tokenward":
                # `from tokenward import rules` names a package; `__version__` is the root's.
                found.extend((node.lineno, f"tokenward.{a.name}" if _is_module(a.name)
                              else "tokenward") for a in node.names)
            else:
                found.append((node.lineno, module))
    return found


def _violations() -> list[str]:
    problems: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative == Path("__init__.py"):
            continue
        home = relative.parts[0].removesuffix(".py")
        assert home in RANK, f"{relative}: package {home!r} is not placed in LAYERS"
        for line, module in _imports(path):
            target = _package_of(module)
            if target is None or target == home or target == "":
                continue
            where = f"{relative}:{line} imports {module}"
            if home in SELF_CONTAINED:
                if target not in SELF_CONTAINED[home]:
                    problems.append(f"{where}: {home} must import nothing else of tokenward")
            elif target not in RANK:
                problems.append(f"{where}: {target!r} is not placed in LAYERS")
            elif RANK[target] <= RANK[home]:
                kind = "a sideways" if RANK[target] == RANK[home] else "an upward"
                problems.append(f"{where}: {kind} arrow ({home} -> {target})")
    return problems


def test_every_import_points_down() -> None:
    assert _violations() == []


def test_every_package_is_placed() -> None:
    packages = {p.name.removesuffix(".py") for p in PACKAGE.iterdir()
                if (p.is_dir() and (p / "__init__.py").exists())
                or (p.suffix == ".py" and p.name != "__init__.py")}
    assert packages <= set(RANK), sorted(packages - set(RANK))
