from __future__ import annotations

from tests.helpers import fired, scan_snippet
from tokenward.rules.ci_write_all_permissions import RULE


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
