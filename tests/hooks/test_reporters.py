"""SARIF, GitHub annotations and JUnit from hand-built findings: exact output, and SARIF
checked against the official schema and Microsoft's SARIF multitool (GitHub's rules)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.hooks.conftest import make_finding
from tokenward.model import ScanError, ScanResult, Severity, Suppression
from tokenward.reporters import FORMATS, ReportOptions, StaleEntry, get_reporter
from tokenward.reporters.sarif import to_document

SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json")
                    .read_text(encoding="utf-8"))
MULTITOOL_DEFAULT = Path("/opt/sarif-multitool/bin/sarif")

RESULT = ScanResult(
    findings=(
        make_finding("app/settings.py", 3, fingerprint="a" * 24),
        make_finding("app/odd name%.py", 7, fingerprint="b" * 24, severity=Severity.LOW,
                     suppression=Suppression("baseline", "baseline: accepted: test key")),
        make_finding("app/other.py", 2, fingerprint="c" * 24, severity=Severity.MEDIUM,
                     suppression=Suppression("inline", "fixture")),
    ),
    errors=(ScanError("broken.py", "cannot read: Permission denied"),),
    files_scanned=4,
)


def sarif(result: ScanResult = RESULT, **options: Any) -> dict[str, Any]:
    return to_document(result, ReportOptions(tool_version="0.1.0", **options))


def test_every_format_is_registered() -> None:
    assert FORMATS == ("text", "json", "sarif", "github", "junit")
    for name in FORMATS:
        assert callable(get_reporter(name))


def test_sarif_validates_against_the_official_schema() -> None:
    validator = jsonschema.Draft4Validator(SCHEMA)
    errors = sorted(validator.iter_errors(sarif()), key=str)
    assert errors == []


def test_sarif_schema_check_can_fail() -> None:
    broken = sarif()
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"][
        "startLine"] = 0
    assert not jsonschema.Draft4Validator(SCHEMA).is_valid(broken)


def test_sarif_result_fields() -> None:
    run = sarif()["runs"][0]
    first = run["results"][0]
    assert first["ruleId"] == "TW901"
    assert first["level"] == "error"
    assert first["message"] == {"text": "marker found in API_KEY."}
    assert first["partialFingerprints"] == {"tokenward/v1": "a" * 24}
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "app/settings.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 3, "startColumn": 11, "endLine": 3, "endColumn": 31,
                   "snippet": {"text": 'API_KEY = "SECR****(17 chars)"'}},
    }
    assert "suppressions" not in first
    odd = run["results"][1]
    assert odd["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "app/odd%20name%25.py"
    assert odd["level"] == "note"
    assert odd["suppressions"] == [{"kind": "external", "status": "accepted",
                                    "justification": "baseline: accepted: test key",
                                    "properties": {"tokenwardKind": "baseline"}}]
    assert run["results"][2]["suppressions"][0]["kind"] == "inSource"
    assert run["invocations"][0]["executionSuccessful"] is True
    assert run["invocations"][0]["toolExecutionNotifications"][0]["message"] == {
        "text": "cannot read: Permission denied."}


def test_sarif_marks_an_internal_error_as_unsuccessful() -> None:
    result = ScanResult(errors=(ScanError("a.py", "internal error in rule TW903",
                                          internal=True),))
    assert sarif(result)["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_sarif_describes_every_registered_rule() -> None:
    from tokenward.rules import RULES

    driver = sarif()["runs"][0]["tool"]["driver"]
    ids = [r["id"] for r in driver["rules"]]
    assert ids[: len(RULES)] == [r.id for r in RULES]
    # TW901 is not registered here: described from the finding, so ruleIndex stays valid.
    assert ids[-1] == "TW901"
    assert sarif()["runs"][0]["results"][0]["ruleIndex"] == len(ids) - 1
    for descriptor, rule in zip(driver["rules"], RULES, strict=False):
        props = descriptor["properties"]
        assert descriptor["helpUri"] == rule.help_uri
        assert descriptor["help"]["markdown"].startswith(f"# {rule.id} {rule.name}")
        assert props["security-severity"] in {"9.5", "8.0", "5.5", "3.0"}
        assert {f"CWE-{n}" for n in rule.cwe} <= set(props["tags"])
        assert {f"external/cwe/cwe-{n}" for n in rule.cwe} <= set(props["tags"])


def test_sarif_rule_help_never_shows_a_token_shaped_value() -> None:
    from tests.scanner.probe_rules import TEXT_MARK
    from tokenward.reporters.sarif import rule_descriptor

    descriptor = rule_descriptor(TEXT_MARK)
    assert "SECRET-abcdefgh12" not in json.dumps(descriptor)
    assert "x = '****(17 chars)'" in descriptor["help"]["markdown"]
    assert descriptor["name"] == "ProbeTextMark"


def _multitool() -> Path | None:
    configured = os.environ.get("TOKENWARD_SARIF_MULTITOOL")
    if configured:
        return Path(configured)
    if MULTITOOL_DEFAULT.exists():
        return MULTITOOL_DEFAULT
    found = shutil.which("sarif")
    return Path(found) if found else None


def _run_multitool(tool: Path, report: Path, tmp_path: Path) -> list[tuple[str, str, list[str]]]:
    out = tmp_path / "validation.sarif"
    env = {**os.environ, "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1"}
    subprocess.run([str(tool), "validate", "--rule-kind", "Gh;Sarif", "--level",
                    "Error;Warning;Note", str(report), "-o", str(out)],
                   capture_output=True, check=False, env=env, timeout=300)
    assert out.exists(), "the multitool wrote no validation log"
    log = json.loads(out.read_text(encoding="utf-8-sig"))
    return [(r.get("level", "warning"), r["ruleId"], r["message"].get("arguments", []))
            for r in log["runs"][0].get("results", [])]


@pytest.fixture(scope="module")
def multitool() -> Path:
    tool = _multitool()
    if tool is None:
        if os.environ.get("TOKENWARD_REQUIRE_TOOLS") == "1":
            pytest.fail("SARIF multitool missing (TOKENWARD_REQUIRE_TOOLS=1): run "
                        ".ci/setup.d/30-sarif-multitool.sh")
        pytest.skip("SARIF multitool not installed (.ci/setup.d/30-sarif-multitool.sh)")
    return tool


def test_sarif_passes_the_multitool_with_githubs_rules(multitool: Path, tmp_path: Path) -> None:
    report = tmp_path / "out.sarif"
    report.write_text(get_reporter("sarif")(RESULT, ReportOptions(
        stale=(StaleEntry("d" * 24, "TW901", "gone.py"),))), encoding="utf-8")
    problems = _run_multitool(multitool, report, tmp_path)
    assert [p for p in problems if p[0] == "error"] == []
    # It really ran the rules: notes (advice) are there, e.g. no versionControlProvenance.
    assert any(rule == "SARIF2003" for _, rule, _ in problems)


def test_multitool_catches_a_broken_report(multitool: Path, tmp_path: Path) -> None:
    broken = sarif()
    location = broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    location["artifactLocation"] = {"uri": "/absolute/app.py"}
    report = tmp_path / "broken.sarif"
    report.write_text(json.dumps(broken), encoding="utf-8")
    errors = [p for p in _run_multitool(multitool, report, tmp_path) if p[0] == "error"]
    assert ("error", "SARIF1004", ["runs[0].results[0].locations[0].physicalLocation"
                                   ".artifactLocation.uri", "/absolute/app.py"]) in errors


def test_github_annotations_exact() -> None:
    out = get_reporter("github")(RESULT, ReportOptions(fail_on=Severity.HIGH, stale=(
        StaleEntry("d" * 24, "TW901", "gone.py"),)))
    assert out.splitlines() == [
        "::error file=app/settings.py,line=3,col=11,endLine=3,endColumn=31,"
        "title=TW901 probe-text-mark (high)::marker found in API_KEY%0A"
        'API_KEY = "SECR****(17 chars)"',
        "::error file=broken.py,title=tokenward error::cannot read: Permission denied",
        "::warning file=gone.py,title=tokenward stale baseline entry::TW901 "
        + "d" * 24 + " is no longer found",
        "tokenward: 1 finding in 1 file (4 scanned): 1 high; 2 suppressed; 1 error; "
        "1 stale baseline entry",
    ]


def test_github_escapes_what_could_end_or_forge_a_command() -> None:
    finding = make_finding("a,b:c.py", 1, message="bad\n::error::forged 100%")
    out = get_reporter("github")(ScanResult(findings=(finding,), files_scanned=1),
                                 ReportOptions(fail_on=Severity.CRITICAL))
    first = out.splitlines()[0]
    assert first.startswith("::warning file=a%2Cb%3Ac.py,line=1,")
    assert "::bad%0A::error::forged 100%25%0A" in first


def test_junit_structure() -> None:
    out = get_reporter("junit")(RESULT, ReportOptions(fail_on=Severity.HIGH))
    root = ET.fromstring(out.split("\n", 1)[1])
    suite = root.find("testsuite")
    assert suite is not None
    assert suite.attrib == {"name": "tokenward", "tests": "4", "failures": "1", "errors": "1",
                            "skipped": "2"}
    cases = suite.findall("testcase")
    assert [c.attrib["name"] for c in cases] == [
        "TW901 probe-text-mark at 3:11", "TW901 probe-text-mark at 7:11",
        "TW901 probe-text-mark at 2:11", "scan"]
    failure = cases[0].find("failure")
    assert failure is not None and failure.attrib == {"message": "marker found in API_KEY",
                                                      "type": "TW901"}
    assert cases[1].find("skipped") is not None
    error = cases[3].find("error")
    assert error is not None and error.attrib["message"] == "cannot read: Permission denied"


def test_junit_clean_run_is_one_passing_case() -> None:
    out = get_reporter("junit")(ScanResult(files_scanned=3), ReportOptions())
    root = ET.fromstring(out.split("\n", 1)[1])
    assert [(c.attrib["name"], list(c)) for c in root.iter("testcase")] == [("scan", [])]
    assert root.attrib == {"name": "tokenward", "tests": "1", "failures": "0", "errors": "0"}


def _example_sarif(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """The real CLI on the example app, as a CI job would run it."""
    import shutil as sh

    from tokenward.cli import main

    app = tmp_path / "app"
    sh.copytree(Path(__file__).resolve().parents[2] / "examples" / "vulnerable_app", app)
    report = tmp_path / "example.sarif"
    old = os.getcwd()
    os.chdir(app)
    try:
        code = main(["scan", ".", "--no-cache", "--format", "sarif", "-o", str(report)])
    finally:
        os.chdir(old)
    assert code == 1
    return report, json.loads(report.read_text(encoding="utf-8"))


def test_sarif_fixes_are_what_tokenward_fix_writes(tmp_path: Path) -> None:
    report, document = _example_sarif(tmp_path)
    assert sorted(jsonschema.Draft4Validator(SCHEMA).iter_errors(document), key=str) == []
    fixes = {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]):
             r["fixes"][0]["artifactChanges"][0]["replacements"]
             for r in document["runs"][0]["results"] if "fixes" in r}
    # The client's token moves to the environment: `import os` is added (a section of its
    # own before the third-party one, as isort puts it), the line rewritten.
    assert fixes[("TW101", 9)] == [
        {"deletedRegion": {"startLine": 7, "startColumn": 1, "endLine": 7, "endColumn": 1},
         "insertedContent": {"text": "import os\n\n"}},
        {"deletedRegion": {"startLine": 9, "startColumn": 1, "endLine": 10, "endColumn": 1},
         "insertedContent": {"text": 'GITHUB_TOKEN = os.environ["GITHUB_TOKEN"]\n'}},
    ]
    # Only fixable findings carry fixes; a broad scope is a judgement call.
    assert all(rule in ("TW101", "TW201", "TW202", "TW301", "TW302") for rule, _ in fixes)
    assert "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" not in report.read_text(encoding="utf-8")


def test_sarif_with_fixes_passes_the_multitool(multitool: Path, tmp_path: Path) -> None:
    report, _ = _example_sarif(tmp_path)
    problems = _run_multitool(multitool, report, tmp_path)
    assert [p for p in problems if p[0] == "error"] == []
