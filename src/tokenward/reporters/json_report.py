"""The JSON report: the stable machine interface (``tokenward scan --format json``)."""

from __future__ import annotations

import json

from tokenward import __version__
from tokenward.model import ScanResult, finding_to_dict
from tokenward.reporters import ReportOptions
from tokenward.reporters.summary import summarize
from tokenward.scanner.redaction import printable_json


def to_document(result: ScanResult, options: ReportOptions) -> dict[str, object]:
    summary = {**summarize(result, options.fail_on), "unscanned": len(result.unscanned),
               "fail_on_unscanned": options.fail_on_unscanned}
    return {
        "version": __version__,
        "findings": [finding_to_dict(f) for f in result.findings],
        "errors": [{"path": e.path, "message": e.message, "internal": e.internal,
                    "unscanned": e.unscanned} for e in result.errors],
        "skipped": [{"path": s.path, "reason": s.reason} for s in result.skipped],
        "unscanned": list(result.unscanned),
        "summary": summary,
        **({"stale_baseline": [{"fingerprint": s.fingerprint, "rule_id": s.rule_id,
                                "path": s.path} for s in options.stale]}
           if options.stale else {}),
        **({"history": _history(result)} if result.history is not None else {}),
    }


def _history(result: ScanResult) -> dict[str, object]:
    """What a history scan covered (each finding has its ``commit``, ``author_date`` and
    ``present_at_head``)."""
    scope = result.history
    assert scope is not None
    return {"revisions": list(scope.revisions), "head": scope.head, "commits": scope.commits,
            "blobs": scope.blobs, "shallow": scope.shallow,
            "only_in_history": sum(1 for f in result.active
                                   if f.history and not f.history.present_at_head)}


def render(result: ScanResult, options: ReportOptions) -> str:
    return printable_json(json.dumps(to_document(result, options), indent=2,
                                     ensure_ascii=False)) + "\n"
