"""SARIF 2.1.0, the format code-scanning services ingest (GitHub, Azure DevOps, GitLab).

Every rule is described in ``tool.driver.rules`` (ids, names, descriptions, Markdown help,
``helpUri``, CWE tags, ``security-severity``); each finding becomes a result with a
``partialFingerprints`` entry (our fingerprint: stable across edits, so the service tracks
an alert across commits) and a region with columns. Suppressed findings stay in the report
with ``suppressions``, as SARIF intends. Tool errors go to the invocation's notifications.
Help text is masked like snippets: a rule's bad examples must not put token-shaped strings
into an uploaded report.

Every value needed to rebuild a Finding is kept in ``result.properties`` so that
``tokenward merge`` can read SARIF reports back without loss; a history scan adds the
commit that introduced each finding there (``commit``, ``authorDate``, ``presentAtHead``)
and the repository and HEAD commit to the run's ``versionControlProvenance``.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from tokenward.model import (
    Finding,
    HistoryScope,
    ScanError,
    ScanResult,
    Severity,
    spans_to_list,
)
from tokenward.reporters import ReportOptions
from tokenward.rules.base import Rule
from tokenward.scanner.redaction import mask_line, printable_json

if TYPE_CHECKING:
    from tokenward.fix.diffs import Replacement

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/tokenward/tokenward"
FINGERPRINT_KEY = "tokenward/v1"
SRCROOT = "%SRCROOT%"

LEVELS = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
          Severity.LOW: "note"}
# GitHub ranks alerts by this score (CVSS-like, 0.0-10.0, as a string).
SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5",
                     Severity.LOW: "3.0"}


def _mask(text: str) -> str:
    return "\n".join(mask_line(line) for line in text.split("\n"))


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _plain_help(rule: Rule) -> str:
    docs = rule.docs
    return _mask("\n\n".join(part.strip() for part in (docs.what, docs.why, docs.how)))


def pascal_case(name: str) -> str:
    """SARIF tools expect rule names in PascalCase: ``hardcoded-secret`` -> ``HardcodedSecret``."""
    return "".join(part[:1].upper() + part[1:] for part in name.replace("_", "-").split("-"))


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    from tokenward.reporters.rule_docs import render_markdown

    cwe_tags = [f"external/cwe/cwe-{n}" for n in rule.cwe]
    return {
        "id": rule.id,
        "name": pascal_case(rule.name),
        "shortDescription": {"text": _sentence(rule.title)},
        "fullDescription": {"text": _mask(_sentence(rule.docs.what))},
        "help": {"text": _plain_help(rule), "markdown": _mask(render_markdown(rule))},
        "helpUri": rule.help_uri,
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "tags": ["security", rule.category.value, *rule.cwe_tags, *cwe_tags],
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "precision": "high",
            "problem.severity": LEVELS[rule.severity],
            "rule": rule.name,
            "category": rule.category.value,
            "severity": rule.severity.value,
            "fixable": rule.fixable,
        },
    }


def _descriptor_from_finding(finding: Finding) -> dict[str, Any]:
    """For a finding whose rule this tokenward does not know (a merged report)."""
    return {
        "id": finding.rule_id,
        "name": pascal_case(finding.rule),
        "shortDescription": {"text": _sentence(finding.rule)},
        "fullDescription": {"text": _sentence(finding.rule)},
        # GitHub requires help; this tokenward has no docs for a rule it does not know.
        "help": {"text": f"See `tokenward explain {finding.rule_id}` in the tokenward "
                         "version that reported it."},
        "defaultConfiguration": {"level": LEVELS[finding.severity]},
        "properties": {
            "tags": ["security", finding.category.value],
            "security-severity": SECURITY_SEVERITY[finding.severity],
            "category": finding.category.value,
            "severity": finding.severity.value,
        },
    }


def artifact_location(path: str) -> dict[str, str]:
    """Relative paths against %SRCROOT%, percent-encoded; absolute ones as file URIs."""
    if PurePosixPath(path).is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path, safe="/"), "uriBaseId": SRCROOT}


def _fix(finding: Finding, changes: tuple[Replacement, ...], hint: str) -> dict[str, Any]:
    """A SARIF ``fix``: whole-line replacements, as ``tokenward fix`` would write them."""
    return {
        "description": {"text": _sentence(hint or "Apply tokenward fix")},
        "artifactChanges": [{
            "artifactLocation": artifact_location(finding.path),
            "replacements": [{
                "deletedRegion": {"startLine": c.start_line, "startColumn": 1,
                                  "endLine": c.end_line, "endColumn": 1},
                **({"insertedContent": {"text": c.text}} if c.text else {}),
            } for c in changes],
        }],
    }


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    span = finding.span
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": _sentence(finding.message)},
        "locations": [{"physicalLocation": {
            "artifactLocation": artifact_location(finding.path),
            "region": {
                "startLine": span.line,
                "startColumn": span.column,
                "endLine": span.end_line,
                "endColumn": span.end_column,
                "snippet": {"text": finding.snippet},
            },
        }}],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {
            "rule": finding.rule,
            "category": finding.category.value,
            "severity": finding.severity.value,
            "path": finding.path,
            "fixable": finding.fixable,
            "context": finding.context.value,
            "validated": finding.validated,
            **({"target": finding.target} if finding.target else {}),
            **({"secretSpans": spans_to_list(finding.secret_spans)}
               if finding.secret_spans else {}),
            **({"commit": finding.history.commit, "authorDate": finding.history.author_date,
                "presentAtHead": finding.history.present_at_head}
               if finding.history is not None else {}),
        },
    }
    if finding.suppression is not None:
        sup = finding.suppression
        result["suppressions"] = [{
            "kind": "inSource" if sup.kind == "inline" else "external",
            "status": "accepted",
            "justification": sup.reason or f"suppressed by {sup.kind}",
            "properties": {"tokenwardKind": sup.kind},
        }]
    return result


def _notification(error: ScanError) -> dict[str, Any]:
    return {
        "level": "error",
        "message": {"text": _sentence(error.message)},
        "locations": [{"physicalLocation": {"artifactLocation": artifact_location(error.path)}}],
        "properties": {"internal": error.internal, "path": error.path, "text": error.message},
    }


def _with_fix(result: dict[str, Any], finding: Finding,
              options: ReportOptions) -> dict[str, Any]:
    changes = options.fixes.get(finding.fingerprint)
    if changes:
        from tokenward.rules import RULES_BY_ID

        rule = RULES_BY_ID.get(finding.rule_id)
        result["fixes"] = [_fix(finding, changes, rule.hint if rule else "")]
    return result


def to_document(result: ScanResult, options: ReportOptions,
                source_root: Path | None = None) -> dict[str, Any]:
    from tokenward import __version__
    from tokenward.rules import RULES

    descriptors = [rule_descriptor(rule) for rule in RULES]
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    for finding in result.findings:
        if finding.rule_id not in index:
            index[finding.rule_id] = len(descriptors)
            descriptors.append(_descriptor_from_finding(finding))
    notifications = [_notification(e) for e in result.errors]
    notifications += [{
        "level": "warning",
        "message": {"text": f"Stale baseline entry {s.rule_id} {s.fingerprint}: "
                            "the finding no longer exists."},
        "locations": [{"physicalLocation": {"artifactLocation": artifact_location(s.path)}}],
    } for s in options.stale]
    root = (source_root or Path.cwd()).resolve().as_uri().rstrip("/") + "/"
    version = options.tool_version or __version__
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "tokenward",
            "version": version,
            "semanticVersion": version,
            "informationUri": INFORMATION_URI,
            "rules": descriptors,
        }},
        "invocations": [{
            "executionSuccessful": not any(e.internal for e in result.errors),
            "toolExecutionNotifications": notifications,
        }],
        "originalUriBaseIds": {SRCROOT: {"uri": root}},
        "columnKind": "unicodeCodePoints",
        **({"versionControlProvenance": [_provenance(result.history, root)]}
           if result.history is not None else {}),
        "results": [_with_fix(_result(f, index[f.rule_id]), f, options) for f in result.findings],
        "properties": {
            "filesScanned": result.files_scanned,
            "skipped": [{"path": s.path, "reason": s.reason} for s in result.skipped],
        },
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _provenance(scope: HistoryScope, root: str) -> dict[str, Any]:
    """The repository a history scan read (its remote without credentials, else the
    folder) and the commit HEAD named, which "presentAtHead" is about."""
    details: dict[str, Any] = {"repositoryUri": scope.repository or root}
    if scope.head is not None:
        details["revisionId"] = scope.head
    return details


def render(result: ScanResult, options: ReportOptions) -> str:
    return printable_json(json.dumps(to_document(result, options), indent=2,
                                     ensure_ascii=False)) + "\n"
