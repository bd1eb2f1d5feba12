"""The project join: facts that cross files, after the per-file pass.

Each Python file's result carries its :class:`~tokenward.analysis.issuers.Summary` (the
token issuers it defines), computed in the worker with its findings and cached with them.
Here, when the scan has issuers at all, the files whose bytes spell an issuer's name (a
substring test) are parsed for their token-named calls, which are resolved against the
summaries (``from ..core import security`` then ``security.create_token``: relative
imports from the caller's package, absolute ones by the path they end in when exactly one
scanned file has it); a file that calls an issuer of another is scanned again with those
issuers (``Source.imported``) so that its own rules report the calls, with every
finding's usual redaction, suppression and fingerprint.

Only the few files that name an issuer are parsed again, and their second pass is never
cached: a result that depends on another file is rebuilt every run from the summaries, so
a changed callee (a new summary, since its content changed) changes its callers' findings
even when they come from the cache.
Only the files of one scan are joined: ``--staged``, ``--diff-base`` and the pre-commit
hook see the issuers of the files they scan, a full-tree scan sees them all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from tokenward.analysis.source import FileKind, Source, decode, kind_of
from tokenward.config import Config
from tokenward.rules.base import Rule
from tokenward.scanner.engine import FileResult, FileTask, load, scan_file, unread

if TYPE_CHECKING:
    from tokenward.analysis.issuers import ImportedIssuer, LifetimeParameter, Summary

Module = tuple[str, ...]


def _module_of(path: str) -> Module:
    """``app/core/security.py`` -> ``("app", "core", "security")`` (a package's
    ``__init__.py`` is the package)."""
    parts = PurePosixPath(path).with_suffix("").parts
    parts = tuple(p for p in parts if p not in (".", ".."))
    return parts[:-1] if parts and parts[-1] == "__init__" else parts


class _Modules:
    """The scanned Python files by module path, for resolving a qualified name."""

    def __init__(self, summaries: dict[str, Summary]) -> None:
        self.issuers: dict[Module, tuple[str, dict[str, LifetimeParameter]]] = {}
        self.by_suffix: dict[Module, list[Module]] = defaultdict(list)
        for path, summary in summaries.items():
            if not summary.issuers:
                continue
            module = _module_of(path)
            self.issuers[module] = (path, {p.function: p for p in summary.issuers})
            for start in range(len(module)):
                self.by_suffix[module[start:]].append(module)

    def resolve(self, caller: str, qualified: str) -> ImportedIssuer | None:
        """The issuer a caller's qualified call name means, if one was scanned."""
        # The issuers' module is imported where a scan found issuers, not by every scan.
        from tokenward.analysis.issuers import ImportedIssuer

        dots = len(qualified) - len(qualified.lstrip("."))
        names = tuple(qualified[dots:].split("."))
        for split in range(len(names) - 1, 0, -1):
            for module in self._modules(caller, dots, names[:split]):
                path, issuers = self.issuers[module]
                found = issuers.get(".".join(names[split:]))
                if found is not None:
                    return ImportedIssuer(qualified, found, path)
        return None

    def _modules(self, caller: str, dots: int, names: Module) -> list[Module]:
        if dots:  # relative: from the caller's package, one level up per extra dot
            package = _module_of(caller)
            if PurePosixPath(caller).stem != "__init__":  # a package's own file is in it
                package = package[:-1]
            base = package[:len(package) - (dots - 1)] if dots - 1 <= len(package) else None
            module = None if base is None else base + names
            return [module] if module in self.issuers else []
        matches = self.by_suffix.get(names, [])
        return matches if len(matches) == 1 else []  # ambiguous: not guessed


def join(tasks: Sequence[FileTask], results: list[FileResult], config: Config,
         rules: Sequence[Rule]) -> list[FileResult]:
    """``results`` (one per task, in order) with every file that calls another file's
    issuer scanned again with those issuers."""
    summaries = {r.path: r.summary for r in results if r.summary is not None}
    modules = _Modules(summaries)
    if not modules.issuers:
        return results
    names = [name.encode() for summary in summaries.values() for name in summary.names()]
    joined = list(results)
    for index, (task, result) in enumerate(zip(tasks, results, strict=True)):
        if unread(task):  # answered by the cache from its stat: read for the test,
            if not _may_be_python(task.path):  # unless its name rules Python out
                continue
            task = load(task, config.max_file_size)
        data = task.data
        if data is None or result.skipped is not None or not any(n in data for n in names):
            continue  # the bytes must spell an issuer's name: most files end here
        imported = _imported(task.path, data, config, modules)
        if imported:
            again = scan_file(replace(task, imported=imported), config, rules)
            joined[index] = replace(again, cached=result.cached)
    return joined


def _imported(path: str, data: bytes, config: Config, modules: _Modules
              ) -> tuple[ImportedIssuer, ...]:
    """The issuers of other files that a Python file's calls name."""
    from tokenward.analysis.issuers import outgoing

    kind = kind_of(path, data[:200])
    if kind is not FileKind.PYTHON:
        return ()
    source = Source(path, decode(data, kind).text, kind, config)
    return tuple(found for call in outgoing(source)
                 if (found := modules.resolve(path, call)) is not None and found.path != path)


def _may_be_python(path: str) -> bool:
    """Python by its name, or a script without a suffix that a shebang may make Python:
    what a warm scan must read to test (every other file's kind is its name's)."""
    return kind_of(path) is FileKind.PYTHON or not PurePosixPath(path).suffix
