"""The report for people: ``path:line:col``, rule, redacted snippet, fix hint, summary."""

from __future__ import annotations

from tokenward.model import Context, Finding, ScanResult, Severity
from tokenward.reporters import ReportOptions
from tokenward.reporters.history import history_lines, scope_summary
from tokenward.reporters.summary import summarize
from tokenward.scanner.redaction import printable

_COLORS = {
    Severity.CRITICAL: "\033[1;31m",
    Severity.HIGH: "\033[31m",
    Severity.MEDIUM: "\033[33m",
    Severity.LOW: "\033[36m",
}
_DIM = "\033[2m"
_BOLD = "\033[1m"
_RESET = "\033[0m"


def _paint(text: str, code: str, color: bool) -> str:
    return f"{code}{text}{_RESET}" if color else text


def render_finding(finding: Finding, color: bool = False) -> list[str]:
    from tokenward.rules import RULES_BY_ID

    rule = RULES_BY_ID.get(finding.rule_id)
    # Every field can hold file content (a name, a comment, a merged report's snippet):
    # shown with control characters escaped, so nothing drives the terminal.
    location = f"{printable(finding.path)}:{finding.span.line}:{finding.span.column}"
    severity = _paint(finding.severity.value, _COLORS[finding.severity], color)
    where = "" if finding.context is Context.PRODUCTION else f" ({finding.context.value})"
    head = (f"{_paint(location, _BOLD, color)}: {printable(finding.rule_id)} [{severity}] "
            f"{printable(finding.message)}{where}")
    lines = [head, f"    {_paint(printable(finding.snippet), _DIM, color)}"]
    steps = history_lines(finding)
    lines.extend(f"    {step}" for step in steps)
    gone = finding.history is not None and not finding.history.present_at_head
    if rule is not None and rule.hint and not (gone and len(steps) > 1):
        fixable = " (tokenward fix can do this)" if finding.fixable else ""
        lines.append(f"    fix: {rule.hint}{fixable}")
    if finding.suppression is not None:
        reason = (f": {printable(finding.suppression.reason)}" if finding.suppression.reason
                  else "")
        lines[0] += f" (suppressed{reason})"
    return lines


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _where(result: ScanResult) -> str:
    """``2 files (5 scanned)``: the files with findings, then how many were looked at."""
    if result.history is not None:
        return scope_summary(result.history)
    with_findings = len({finding.path for finding in result.active})
    return f"{_plural(with_findings, 'file')} ({result.files_scanned} scanned)"


def summary_line(result: ScanResult, options: ReportOptions) -> str:
    """``tokenward: 2 findings in 1 file (5 scanned): 1 critical, 1 high; 1 suppressed``."""
    summary = summarize(result, options.fail_on)
    parts = [f"{_plural(len(result.active), 'finding')} in {_where(result)}"]
    by_severity = summary["by_severity"]
    assert isinstance(by_severity, dict)
    if by_severity:
        parts[0] += ": " + ", ".join(f"{n} {s}" for s, n in by_severity.items())
    gone = sum(1 for f in result.active if f.history and not f.history.present_at_head)
    if gone:
        parts.append(f"{gone} only in history")
    if result.suppressed:
        parts.append(f"{len(result.suppressed)} suppressed")
    if result.hidden:
        parts.append(f"{len(result.hidden)} hidden by the context policy (--all-contexts "
                     "shows them)")
    skipped = summary["skipped"]
    assert isinstance(skipped, dict)
    if skipped:
        parts.append("skipped " + ", ".join(f"{n} {reason}" for reason, n in skipped.items()))
    if result.errors:
        parts.append(_plural(len(result.errors), "error"))
    if result.unscanned:
        parts.append(f"{len(result.unscanned)} not fully scanned ({_unscanned_note(options)})")
    if options.stale:
        count = len(options.stale)
        parts.append(f"{count} stale baseline {'entry' if count == 1 else 'entries'}")
    return "tokenward: " + "; ".join(parts)


def _unscanned_note(options: ReportOptions) -> str:
    if options.fail_on_unscanned:
        return "fails the gate"
    if options.unscanned_choice:
        return f"not failing: {options.unscanned_choice}"
    return "--fail-on-unscanned to fail on it"


def render(result: ScanResult, options: ReportOptions) -> str:
    out: list[str] = []
    for finding in result.active:
        out.extend(render_finding(finding, options.color))
    for error in result.errors:
        label = "internal error" if error.internal else "error"
        out.append(f"{printable(error.path)}: "
                   f"{_paint(label, _COLORS[Severity.HIGH], options.color)}: "
                   f"{printable(error.message)}")
    for stale in options.stale:
        out.append(f"{printable(stale.path)}: stale baseline entry {printable(stale.rule_id)} "
                   f"{printable(stale.fingerprint)}: "
                   "no longer found (run `tokenward baseline update`)")
    if out:
        out.append("")
    out.append(summary_line(result, options))
    return "\n".join(out) + "\n"
