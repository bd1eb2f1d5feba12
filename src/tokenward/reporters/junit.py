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


def _case(suite: ET.Element, finding: Finding) -> ET.Element:
    return ET.SubElement(suite, "testcase", {
        "classname": finding.path,
        "name": f"{finding.rule_id} {finding.rule} at {finding.span.line}:{finding.span.column}",
        "file": finding.path,
        "line": str(finding.span.line),
    })


def _details(finding: Finding) -> str:
    return (f"{finding.path}:{finding.span.line}:{finding.span.column}: {finding.rule_id} "
            f"[{finding.severity.value}] {finding.message}\n    {finding.snippet}\n")


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
            ET.SubElement(case, "skipped", {"message": f"suppressed: {reason}"})
        elif finding.severity >= options.fail_on:
            failures += 1
            failure = ET.SubElement(case, "failure", {"message": finding.message,
                                                      "type": finding.rule_id})
            failure.text = _details(finding)
        else:
            ET.SubElement(case, "system-out").text = _details(finding)
    for error in result.errors:
        tests += 1
        errors += 1
        case = ET.SubElement(suite, "testcase", {"classname": error.path, "name": "scan",
                                                 "file": error.path})
        kind = "internal error" if error.internal else "error"
        ET.SubElement(case, "error", {"message": error.message, "type": kind})
    for stale in options.stale:
        tests += 1
        failures += 1
        case = ET.SubElement(suite, "testcase", {"classname": stale.path,
                                                 "name": f"baseline {stale.rule_id}"})
        ET.SubElement(case, "failure", {"message": f"stale baseline entry {stale.fingerprint}",
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
