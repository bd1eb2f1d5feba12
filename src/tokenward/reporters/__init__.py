"""Reporters turn a ScanResult into text for people or machines. Pure: they return strings.

Each reporter is ``render(result, options) -> str``; the CLI picks one by ``--format``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tokenward.model import ScanResult, Severity


@dataclass(frozen=True)
class ReportOptions:
    color: bool = False
    fail_on: Severity = Severity.LOW
    tool_version: str = ""


Reporter = Callable[[ScanResult, ReportOptions], str]


def get_reporter(name: str) -> Reporter:
    """The reporter for a ``--format`` value; KeyError for an unknown one."""
    if name == "text":
        from tokenward.reporters.text import render as render_text

        return render_text
    if name == "json":
        from tokenward.reporters.json_report import render as render_json

        return render_json
    raise KeyError(name)


FORMATS = ("text", "json")
