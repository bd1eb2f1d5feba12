"""libcst's metadata providers against tokenward's own node index: speed and agreement.

    python benchmarks/speed/providers.py [PATH ...]     # default: Django's source (speed/run.py
                                                         # fetches it) and nothing else

For every Python file: the parse, ``NodeIndex`` (parents, types, source order), the
per-file ``Analysis`` (bindings, imports), and libcst's ``MetadataWrapper`` resolving
``ParentNodeProvider``, ``ScopeProvider`` and ``QualifiedNameProvider`` (each timed on its
own wrapper, ``unsafe_skip_copy`` as tokenward would use it). Then where they disagree:
the parent of every indexed node, and the qualified name of every call's callee.
Only the standard library and libcst are used; nothing is written.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import libcst as cst
from libcst.metadata import (
    MetadataWrapper,
    ParentNodeProvider,
    QualifiedNameProvider,
    QualifiedNameSource,
    ScopeProvider,
)
from libcst.metadata.base_provider import LazyValue

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from tokenward.analysis.flow import Analysis  # noqa: E402
from tokenward.analysis.source import NodeIndex  # noqa: E402


def _timed(times: Counter[str], key: str, work: Callable[[], Any]) -> Any:
    # CPU time: the machine this runs on is shared, wall time says more about the others.
    start = time.process_time()
    result = work()
    times[key] += time.process_time() - start
    return result


def _qualified_names(module: cst.Module, calls: list[cst.Call]) -> dict[cst.CSTNode, set[str]]:
    resolved = MetadataWrapper(module, unsafe_skip_copy=True).resolve(QualifiedNameProvider)
    out: dict[cst.CSTNode, set[str]] = {}
    for call in calls:  # the provider's values are lazy: asking is part of the cost
        value = resolved.get(call.func)
        names = value() if isinstance(value, LazyValue) else (value or ())
        # Only names that come from an import: the provider also qualifies locals
        # (``f.<locals>.x``), which tokenward leaves as written.
        out[call.func] = {q.name for q in names if q.source is QualifiedNameSource.IMPORT}
    return out


def _providers(module: cst.Module, calls: list[cst.Call],
               times: Counter[str]) -> tuple[Any, Any]:
    parents = _timed(times, "ParentNodeProvider", lambda: MetadataWrapper(
        module, unsafe_skip_copy=True).resolve(ParentNodeProvider))
    _timed(times, "ScopeProvider", lambda: MetadataWrapper(
        module, unsafe_skip_copy=True).resolve(ScopeProvider))
    names = _timed(times, "ScopeProvider+QualifiedNameProvider",
                   lambda: _qualified_names(module, calls))
    return parents, names


def _compare(index: NodeIndex, analysis: Analysis, parents: Any, names: Any,
             agree: Counter[str], samples: list[str]) -> None:
    for node_type in (cst.Name, cst.Call, cst.Assign, cst.Attribute, cst.SimpleString):
        for node in index.of(node_type):
            ours = index.parent(node)
            theirs = parents.get(node)
            # The index skips layout nodes, never a node a rule asks for: same parent.
            agree["parent same" if ours is theirs else "parent differs"] += 1
    for call in index.of(cst.Call):
        ours = analysis.qualified(call.func)
        theirs = names[call.func]
        if not theirs:
            agree["qualified: not imported (provider)"] += 1
            continue
        if ours in theirs:
            agree["qualified same"] += 1
        elif ours is None:
            # ``_("...").format``: the provider names a method of a call's result; no rule
            # asks for those (ours: not a dotted name, so no qualified name)
            agree["qualified: provider names a call's result"] += 1
        else:
            agree["qualified differs"] += 1
            if len(samples) < 12:
                samples.append(f"{ours!r} vs {sorted(theirs)!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args()
    roots = args.paths or [Path(tempfile.gettempdir()) / "tokenward-speed" / "django-src"]
    files = sorted(p for root in roots
                   for p in ([root] if root.is_file() else root.rglob("*.py")))
    if not files:
        print("no Python files (run benchmarks/speed/run.py once to fetch Django)")
        return 2
    times: Counter[str] = Counter()
    agree: Counter[str] = Counter()
    samples: list[str] = []
    lines = 0
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            module = _timed(times, "parse", lambda: cst.parse_module(text))
        except Exception:  # noqa: BLE001 - a file libcst cannot read is not measured
            continue
        lines += text.count("\n")
        index = _timed(times, "NodeIndex", lambda: NodeIndex(module))
        analysis = _timed(times, "Analysis (bindings, imports, loads)",
                          lambda: Analysis.build(module, index))
        parents, names = _providers(module, index.of(cst.Call), times)
        _compare(index, analysis, parents, names, agree, samples)
    print(f"{len(files)} files, {lines} lines (CPU seconds)")
    for key, seconds in times.items():
        print(f"  {key:40} {seconds:8.2f} s")
    for key, count in sorted(agree.items()):
        print(f"  {key:40} {count:8}")
    for sample in samples:
        print(f"    {sample}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
