"""Reporters turn a ScanResult into text for people or machines. Pure: they return strings.

Each reporter is ``render(result, options) -> str``; the CLI picks one by ``--format``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from tokenward.model import ScanResult, Severity


@dataclass(frozen=True)
class StaleEntry:
    """A baseline entry whose finding no longer exists (``scan --report-stale``)."""

    fingerprint: str
    rule_id: str
    path: str


@dataclass(frozen=True)
class ReportOptions:
    color: bool = False
    fail_on: Severity = Severity.LOW
    tool_version: str = ""
    stale: tuple[StaleEntry, ...] = ()


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
