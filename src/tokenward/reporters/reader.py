"""The one reader of reports tokenward wrote: JSON (``scan --format json``) and SARIF.

``merge`` puts reports of parallel jobs back together and ``train --findings`` builds
lessons from one; both read through :func:`read_report`. A SARIF report of tokenward's own
carries every field in ``properties``; for other SARIF producers the basic fields are read
from the standard places. A report is input: an error names the file and the entry, and
quotes nothing from it but escaped field names.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlparse

from tokenward.model import (
    Category,
    Context,
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
from tokenward.scanner.redaction import printable

_LEVEL_SEVERITY = {"error": Severity.HIGH, "warning": Severity.MEDIUM, "note": Severity.LOW,
                   "none": Severity.LOW}
HOW_TO_MAKE_ONE = "create one with `tokenward scan --format json -o FILE`"

T = TypeVar("T")


class ReportError(ValueError):
    """A report that cannot be read; the message names the file and the problem."""


def _entries(where: str, key: str, entry: str, items: object,
             read: Callable[[Any], T]) -> list[T]:
    """``read`` over the list ``key`` of a report; ReportError naming the first bad
    ``entry`` by its number."""
    if not isinstance(items, list):
        raise ReportError(f"{where}: {key} is not a list")
    out = []
    for number, item in enumerate(items, start=1):
        try:
            if not isinstance(item, dict):
                raise TypeError("not an object")
            out.append(read(item))
        except ReportError:
            raise
        except (KeyError, ValueError, TypeError, IndexError, AttributeError) as exc:
            why = (f"missing {printable(str(exc))}" if isinstance(exc, KeyError)
                   else printable(str(exc)))
            raise ReportError(f"{where}: {entry} {number} is malformed ({why})") from None
    return out


def _json_report(data: Mapping[str, Any], where: str) -> ScanResult:
    findings = _entries(where, "findings", "finding", data["findings"], finding_from_dict)
    errors = _entries(where, "errors", "error", data.get("errors", []), lambda e: ScanError(
        str(e["path"]), str(e["message"]), bool(e.get("internal"))))
    skipped = _entries(where, "skipped", "skipped file", data.get("skipped", []),
                       lambda s: SkippedFile(str(s["path"]), str(s["reason"])))
    summary = data.get("summary", {})
    scanned = summary.get("files_scanned", 0) if isinstance(summary, dict) else 0
    if not isinstance(scanned, int):
        raise ReportError(f"{where}: summary.files_scanned is not a number")
    return ScanResult(tuple(findings), tuple(errors), tuple(skipped), scanned)


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
        context=Context(props.get("context", Context.PRODUCTION.value)),
        validated=props.get("validated") is True,
    )


def _sarif_errors(invocation: Mapping[str, Any]) -> list[ScanError]:
    errors = []
    for note in invocation.get("toolExecutionNotifications", []):
        if note.get("level") != "error":
            continue
        props = note.get("properties", {})
        path = props.get("path") or (_uri_path(note["locations"][0])
                                     if note.get("locations") else "")
        text = props.get("text") or note["message"]["text"]
        errors.append(ScanError(str(path), str(text), bool(props.get("internal"))))
    return errors


def _sarif_run(run: Mapping[str, Any], where: str) -> ScanResult:
    findings = _entries(where, "results", "result", run.get("results", []),
                        _sarif_finding)
    invocations = _entries(where, "invocations", "invocation", run.get("invocations", []),
                           _sarif_errors)
    props = run.get("properties", {})
    skipped = _entries(where, "skipped", "skipped file", props.get("skipped", []),
                       lambda s: SkippedFile(str(s["path"]), str(s["reason"])))
    scanned = props.get("filesScanned", 0)
    if not isinstance(scanned, int):
        raise ReportError(f"{where}: properties.filesScanned is not a number")
    return ScanResult(tuple(findings), tuple(e for errors in invocations for e in errors),
                      tuple(skipped), scanned)


def _sarif_report(data: Mapping[str, Any], where: str) -> ScanResult:
    runs = _entries(where, "runs", "run", data["runs"], lambda run: _sarif_run(run, where))
    return ScanResult(tuple(f for r in runs for f in r.findings),
                      tuple(e for r in runs for e in r.errors),
                      tuple(s for r in runs for s in r.skipped),
                      sum(r.files_scanned for r in runs))


def read_report(path: Path) -> ScanResult:
    """A JSON or SARIF report tokenward wrote (suppressed findings included)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"{path}: no such file") from None
    except OSError as exc:
        raise ReportError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ReportError(f"{path}: not JSON (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path}: not JSON (line {exc.lineno}: {exc.msg})") from None
    if isinstance(data, dict) and "runs" in data:
        return _sarif_report(data, str(path))
    if isinstance(data, dict) and "findings" in data:
        return _json_report(data, str(path))
    raise ReportError(f"{path}: neither a tokenward JSON report nor a SARIF report; "
                      f"{HOW_TO_MAKE_ONE}")
