"""``tokenward merge``: put the reports of parallel jobs (shards, several repositories)
back into one, each finding once (deduplicated by fingerprint).

Reads tokenward's JSON reports and SARIF reports (tokenward's own, which carry every field
in ``properties``; for other SARIF producers the basic fields are read from the standard
places).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from tokenward.model import (
    Category,
    Finding,
    Provenance,
    ScanError,
    ScanResult,
    Severity,
    SkippedFile,
    Span,
    Suppression,
    finding_from_dict,
    spans_from_list,
)

_LEVEL_SEVERITY = {"error": Severity.HIGH, "warning": Severity.MEDIUM, "note": Severity.LOW,
                   "none": Severity.LOW}


class ReportError(ValueError):
    """A report that cannot be read; the message names the file and the problem."""


def _json_report(data: Mapping[str, Any], where: str) -> ScanResult:
    try:
        findings = tuple(finding_from_dict(f) for f in data["findings"])
        errors = tuple(ScanError(str(e["path"]), str(e["message"]), bool(e.get("internal")))
                       for e in data.get("errors", []))
        skipped = tuple(SkippedFile(str(s["path"]), str(s["reason"]))
                        for s in data.get("skipped", []))
        scanned = int(data.get("summary", {}).get("files_scanned", 0))
    except (KeyError, TypeError, ValueError) as exc:
        raise ReportError(f"{where}: not a tokenward JSON report ({exc})") from None
    return ScanResult(findings, errors, skipped, scanned)


def _uri_path(location: Mapping[str, Any]) -> str:
    artifact = location.get("physicalLocation", {}).get("artifactLocation", {})
    uri = str(artifact.get("uri", ""))
    if uri.startswith("file:"):
        return unquote(urlparse(uri).path)
    return unquote(uri)


def _sarif_finding(result: Mapping[str, Any]) -> Finding:
    props = result.get("properties", {})
    location = result["locations"][0]
    region = location["physicalLocation"].get("region", {})
    line = int(region.get("startLine", 1))
    column = int(region.get("startColumn", 1))
    severity = (Severity(props["severity"]) if "severity" in props
                else _LEVEL_SEVERITY[result.get("level", "warning")])
    suppression = None
    for sup in result.get("suppressions", []):
        kind = sup.get("properties", {}).get(
            "tokenwardKind", "inline" if sup.get("kind") == "inSource" else "baseline")
        suppression = Suppression(str(kind), str(sup.get("justification", "")))
    fingerprints = result.get("partialFingerprints", {})
    fingerprint = fingerprints.get("tokenward/v1") or next(iter(fingerprints.values()), None)
    if not fingerprint:
        raise KeyError("partialFingerprints")
    return Finding(
        rule_id=str(result["ruleId"]),
        rule=str(props.get("rule", result["ruleId"])),
        category=Category(props.get("category", "hardcoded-secret")),
        severity=severity,
        path=str(props.get("path") or _uri_path(location)),
        span=Span(line, column, int(region.get("endLine", line)),
                  int(region.get("endColumn", column))),
        message=str(result["message"]["text"]).removesuffix("."),
        snippet=str(region.get("snippet", {}).get("text", "")),
        fingerprint=str(fingerprint),
        fixable=bool(props.get("fixable", False)),
        suppression=suppression,
        target=props.get("target"),
        secret_spans=spans_from_list(props.get("secretSpans")),
        history=(Provenance(str(props["commit"]), str(props.get("authorDate", "")),
                            props.get("presentAtHead") is True) if "commit" in props else None),
    )


def _sarif_report(data: Mapping[str, Any], where: str) -> ScanResult:
    findings: list[Finding] = []
    errors: list[ScanError] = []
    skipped: list[SkippedFile] = []
    scanned = 0
    try:
        for run in data["runs"]:
            findings.extend(_sarif_finding(r) for r in run.get("results", []))
            for invocation in run.get("invocations", []):
                for note in invocation.get("toolExecutionNotifications", []):
                    if note.get("level") != "error":
                        continue
                    props = note.get("properties", {})
                    path = props.get("path") or (_uri_path(note["locations"][0])
                                                 if note.get("locations") else "")
                    text = props.get("text") or note["message"]["text"]
                    errors.append(ScanError(str(path), str(text), bool(props.get("internal"))))
            props = run.get("properties", {})
            scanned += int(props.get("filesScanned", 0))
            skipped.extend(SkippedFile(str(s["path"]), str(s["reason"]))
                           for s in props.get("skipped", []))
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ReportError(f"{where}: not a SARIF report tokenward can read ({exc!r})") from None
    return ScanResult(tuple(findings), tuple(errors), tuple(skipped), scanned)


def read_report(path: Path) -> ScanResult:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"{path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path}: not JSON (line {exc.lineno}: {exc.msg})") from None
    if isinstance(data, dict) and "runs" in data:
        return _sarif_report(data, str(path))
    if isinstance(data, dict) and "findings" in data:
        return _json_report(data, str(path))
    raise ReportError(f"{path}: neither a tokenward JSON report nor a SARIF report")


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
