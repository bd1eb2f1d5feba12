"""Reporters turn a ScanResult into text for people or machines. Pure: they return strings.

Each reporter is ``render(result, options) -> str``; the CLI picks one by ``--format``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import field
from typing import TYPE_CHECKING

from tokenward.model import ScanResult, Severity
from tokenward.records import record

if TYPE_CHECKING:
    from tokenward.fix.diffs import Replacement


@record
class StaleEntry:
    """A baseline entry whose finding no longer exists (``scan --report-stale``)."""

    fingerprint: str
    rule_id: str
    path: str


@record
class ReportOptions:
    """How a report is written: colour, the gate's threshold, extras for SARIF."""

    color: bool = False
    fail_on: Severity = Severity.LOW
    tool_version: str = ""
    stale: tuple[StaleEntry, ...] = ()
    # fingerprint -> the changes `tokenward fix` would make (SARIF `fixes`).
    fixes: Mapping[str, tuple[Replacement, ...]] = field(default_factory=dict)
    # Whether files not fully analysed fail the run, and who turned that off (if anyone).
    fail_on_unscanned: bool = False
    unscanned_choice: str = ""


Reporter = Callable[[ScanResult, ReportOptions], str]

# --format value -> the module holding its ``render``; imported only when used (hook latency).
_MODULES = {
    "text": "tokenward.reporters.text",
    "json": "tokenward.reporters.json_report",
    "sarif": "tokenward.reporters.sarif",
    "github": "tokenward.reporters.github",
    "junit": "tokenward.reporters.junit",
}

FORMATS = tuple(_MODULES)


def get_reporter(name: str) -> Reporter:
    """The reporter for a ``--format`` value; KeyError for an unknown one."""
    module = importlib.import_module(_MODULES[name])
    render: Reporter = module.render
    return render
