"""tokenward: find, fix, gate and teach API-token mistakes.

The public API::

    from tokenward import scan, Finding, RULES
    result = scan(["src"])
    for finding in result.active:
        print(finding.path, finding.line, finding.rule_id, finding.message)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from tokenward.model import Category, Finding, ScanError, ScanResult, Severity, Span

if TYPE_CHECKING:
    from tokenward.rules import RULES
    from tokenward.scanner.pipeline import scan

__all__ = [
    "RULES",
    "Category",
    "Finding",
    "ScanError",
    "ScanResult",
    "Severity",
    "Span",
    "__version__",
    "scan",
]


def __getattr__(name: str) -> Any:
    # Lazy: `import tokenward` must stay cheap (the pre-commit hook's latency budget).
    if name == "scan":
        from tokenward.scanner.pipeline import scan

        return scan
    if name == "RULES":
        from tokenward.rules import RULES

        return RULES
    raise AttributeError(name)
