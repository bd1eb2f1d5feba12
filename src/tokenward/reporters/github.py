"""GitHub Actions workflow commands: each finding becomes an annotation on the diff.

``::error file=app.py,line=3,col=11,endLine=3,endColumn=51,title=TW101 ...::message``.
Findings at or above ``--fail-on`` are errors, the others warnings. Values are escaped as
the runner expects (``%``, CR, LF everywhere; ``:`` and ``,`` inside properties too), so a
message can never end an annotation early or forge another command; other control
characters (ANSI, OSC 52) are shown as escapes, so none reaches the job log raw.
"""

from __future__ import annotations

from tokenward.model import Finding, ScanResult
from tokenward.reporters import ReportOptions
from tokenward.reporters.text import summary_line
from tokenward.scanner.redaction import printable


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(kind: str, properties: dict[str, object], message: str) -> str:
    """One workflow command; the message's own line breaks are kept (as ``%0A``)."""
    props = ",".join(f"{k}={escape_property(printable(str(v)))}"
                     for k, v in properties.items())
    text = escape_data("\n".join(printable(line) for line in message.split("\n")))
    return f"::{kind} {props}::{text}" if props else f"::{kind}::{text}"


def annotation(finding: Finding, options: ReportOptions) -> str:
    span = finding.span
    kind = "error" if finding.severity >= options.fail_on else "warning"
    return _command(kind, {
        "file": finding.path,
        "line": span.line,
        "col": span.column,
        "endLine": span.end_line,
        "endColumn": span.end_column,
        "title": f"{finding.rule_id} {finding.rule} ({finding.severity.value})",
    }, f"{finding.message}\n{finding.snippet}")


def render(result: ScanResult, options: ReportOptions) -> str:
    lines = [annotation(f, options) for f in result.active]
    for error in result.errors:
        label = "internal error" if error.internal else "error"
        lines.append(_command("error", {"file": error.path, "title": f"tokenward {label}"},
                              error.message))
    for stale in options.stale:
        lines.append(_command("warning", {"file": stale.path,
                                          "title": "tokenward stale baseline entry"},
                              f"{stale.rule_id} {stale.fingerprint} is no longer found"))
    # The plain summary last: the job log shows it, annotations show on the diff.
    lines.append(summary_line(result, options))
    return "\n".join(lines) + "\n"
