from __future__ import annotations

from tests.helpers import fired, scan_snippet, spans
from tokenward.config import Config
from tokenward.rules.ci_write_all_permissions import RULE
from tokenward.scanner.engine import FileTask, scan_file


def lines(code: str, path: str = ".github/workflows/ci.yml") -> list[int]:
    return fired(scan_snippet(code, path, [RULE]), RULE.id)


def test_write_all_at_job_level_and_read_all_silent() -> None:
    code = (
        "on: push\n"
        "permissions: read-all\n"
        "jobs:\n"
        "  a:\n"
        "    runs-on: ubuntu-latest\n"
        "    permissions: write-all\n"
        "    steps: []\n"
        "  b:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps: []\n"
    )
    assert lines(code) == [6]


def test_workflow_level_writes_only_with_several_jobs() -> None:
    one_job = "on: push\npermissions:\n  contents: write\njobs:\n  a:\n    runs-on: x\n"
    assert lines(one_job) == []
    two_jobs = one_job + "  b:\n    runs-on: x\n"
    assert lines(two_jobs) == [3]
    assert scan_snippet(two_jobs, ".github/workflows/ci.yml", [RULE])[0].message == (
        "GitHub Actions token granted contents: write (every job of the workflow): any step, "
        "action or dependency that runs can push code, publish packages and change the "
        "repository")


def test_quoted_write_all_and_non_workflow_yaml() -> None:
    assert lines("on: push\npermissions: 'write-all'\njobs:\n  a: {}\n", "w.yml") == [2]
    assert lines("permissions: write-all\n", "app/config.yml") == []



def test_flow_style_workflow_permissions_are_read_by_the_parser() -> None:
    code = ("on: push\n"
            "permissions: {contents: write, pages: write}\n"
            "jobs:\n"
            "  a: {runs-on: x}\n"
            "  b: {runs-on: x}\n")
    assert spans(scan_snippet(code, ".github/workflows/ci.yml", [RULE])) == [
        (2, 15, 2, 30), (2, 32, 2, 44)]


def test_an_action_input_named_permissions_is_not_the_job_token() -> None:
    code = ("on: push\n"
            "jobs:\n"
            "  a:\n"
            "    steps:\n"
            "      - uses: some/action@v1\n"
            "        with:\n"
            "          permissions: write-all\n"
            "  b:\n"
            "    permissions: write-all\n")
    assert spans(scan_snippet(code, ".github/workflows/ci.yml", [RULE])) == [(9, 18, 9, 27)]


def test_a_workflow_that_does_not_parse_is_read_line_by_line() -> None:
    code = ("on: push\n"
            "jobs:\n"
            "  a:\n"
            "    permissions: write-all\n"
            "    steps:\n"
            "      - run: echo: broken: here\n"
            "  b:\n"
            "    permissions: 'write-all'\n")
    result = scan_file(FileTask(".github/workflows/ci.yml", code.encode()), Config(), [RULE])
    assert [e.message for e in result.errors] == [
        "YAML does not parse: mapping values are not allowed in this context (line 6, "
        "column 18); read line by line instead"]
    assert [(f.span.line, f.span.column) for f in result.findings] == [(4, 18), (8, 19)]
