"""JUnit XML, for CI dashboards that read test reports (GitLab, Jenkins, Azure DevOps).

One test case per finding that fails the run (``<failure>``), per finding below
``--fail-on`` (passed, the details in ``<system-out>``), per suppressed finding
(``<skipped>``) and per file error (``<error>``). A clean run is one passing test case,
so the dashboard shows a green check rather than an empty suite.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tokenward.model import Finding, ScanResult
from tokenward.reporters import ReportOptions
from tokenward.scanner.redaction import printable as _x

# Every value from a file (names, messages, snippets) goes through _x: XML 1.0 cannot hold
# most control characters even as references, and ElementTree writes them raw.


def _case(suite: ET.Element, finding: Finding) -> ET.Element:
    case = ET.SubElement(suite, "testcase", {
        "classname": _x(finding.path),
        "name": _x(f"{finding.rule_id} {finding.rule} at {finding.span.line}:"
                   f"{finding.span.column}"),
        "file": _x(finding.path),
        "line": str(finding.span.line),
    })
    properties = ET.SubElement(case, "properties")
    ET.SubElement(properties, "property", {"name": "context", "value": finding.context.value})
    return case


def _details(finding: Finding) -> str:
    return (f"{_x(finding.path)}:{finding.span.line}:{finding.span.column}: "
            f"{_x(finding.rule_id)} [{finding.severity.value}] {_x(finding.message)}\n"
            f"    {_x(finding.snippet)}\n")


def render(result: ScanResult, options: ReportOptions) -> str:
    root = ET.Element("testsuites", {"name": "tokenward"})
    suite = ET.SubElement(root, "testsuite", {"name": "tokenward"})
    failures = errors = skipped = tests = 0
    for finding in result.findings:
        case = _case(suite, finding)
        tests += 1
        if finding.suppression is not None:
            skipped += 1
            reason = finding.suppression.reason or finding.suppression.kind
            ET.SubElement(case, "skipped", {"message": _x(f"suppressed: {reason}")})
        elif finding.severity >= options.fail_on:
            failures += 1
            failure = ET.SubElement(case, "failure", {"message": _x(finding.message),
                                                      "type": _x(finding.rule_id)})
            failure.text = _details(finding)
        else:
            ET.SubElement(case, "system-out").text = _details(finding)
    for error in result.errors:
        tests += 1
        errors += 1
        case = ET.SubElement(suite, "testcase", {"classname": _x(error.path), "name": "scan",
                                                 "file": _x(error.path)})
        kind = "internal error" if error.internal else "error"
        ET.SubElement(case, "error", {"message": _x(error.message), "type": kind})
    for stale in options.stale:
        tests += 1
        failures += 1
        case = ET.SubElement(suite, "testcase", {"classname": _x(stale.path),
                                                 "name": _x(f"baseline {stale.rule_id}")})
        ET.SubElement(case, "failure", {"message": _x(f"stale baseline entry "
                                                      f"{stale.fingerprint}"),
                                        "type": "stale-baseline"})
    if tests == 0:
        tests = 1
        ET.SubElement(suite, "testcase", {"classname": "tokenward", "name": "scan"})
    counts = {"tests": str(tests), "failures": str(failures), "errors": str(errors),
              "skipped": str(skipped)}
    suite.attrib.update(counts)
    root.attrib.update({k: v for k, v in counts.items() if k != "skipped"})
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, "unicode") + "\n"
