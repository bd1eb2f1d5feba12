"""``tokenward merge``: put the reports of parallel jobs (shards, several repositories)
back into one, each finding once (deduplicated by fingerprint).

Reports (JSON or SARIF) are read by the one reader, :mod:`tokenward.reporters.reader`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from tokenward.model import Finding, ScanError, ScanResult, SkippedFile
from tokenward.reporters.reader import read_report


def merge_results(results: Iterable[ScanResult]) -> ScanResult:
    """One result: each fingerprint once (the first report wins), errors and skipped
    files from every report, scanned-file counts added up."""
    findings: dict[str, Finding] = {}
    errors: list[ScanError] = []
    skipped: dict[tuple[str, str], SkippedFile] = {}
    scanned = 0
    for result in results:
        for finding in result.findings:
            findings.setdefault(finding.fingerprint, finding)
        errors.extend(e for e in result.errors if e not in errors)
        for item in result.skipped:
            skipped.setdefault((item.path, item.reason), item)
        scanned += result.files_scanned
    ordered = tuple(sorted(findings.values(), key=Finding.sort_key))
    return ScanResult(ordered, tuple(sorted(errors, key=lambda e: (e.path, e.message))),
                      tuple(skipped[k] for k in sorted(skipped)), scanned)


def merge_reports(paths: Sequence[Path]) -> ScanResult:
    return merge_results(read_report(p) for p in paths)
