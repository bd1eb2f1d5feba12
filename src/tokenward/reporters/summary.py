"""Counts shared by every reporter."""

from __future__ import annotations

from collections import Counter

from tokenward.model import ScanResult, Severity


def summarize(result: ScanResult, fail_on: Severity) -> dict[str, object]:
    active = result.active
    by_severity = Counter(f.severity.value for f in active)
    by_category = Counter(f.category.value for f in active)
    skipped = Counter(s.reason for s in result.skipped)
    return {
        "files_scanned": result.files_scanned,
        "findings": len(active),
        "failing": sum(1 for f in active if f.severity >= fail_on),
        "suppressed": len(result.suppressed),
        "hidden_by_context": len(result.hidden),
        "by_severity": {s.value: by_severity[s.value] for s in reversed(Severity)
                        if by_severity[s.value]},
        "by_category": dict(sorted(by_category.items())),
        "skipped": dict(sorted(skipped.items())),
        "errors": len(result.errors),
        "internal_errors": sum(1 for e in result.errors if e.internal),
        "fail_on": fail_on.value,
    }
