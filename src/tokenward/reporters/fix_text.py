"""What ``tokenward fix`` shows: diffs, what moves where, what needs a hand, what failed.

Pure: returns strings. Diffs come already redacted (and control characters escaped) from
the engine; nothing here ever formats a secret value (moved secrets are shown by name
only), and every name or message from a file is shown with control characters escaped.
"""

from __future__ import annotations

from tokenward.fix.engine import FixPlan, FixReport, ManualFix, Problem, Proposal
from tokenward.fix.services import MovedSecret
from tokenward.scanner.redaction import printable as _p

_RED, _GREEN, _CYAN, _BOLD, _RESET = "\033[31m", "\033[32m", "\033[36m", "\033[1m", "\033[0m"


def color_diff(diff: str, color: bool) -> str:
    if not color:
        return diff
    out: list[str] = []
    for line in diff.splitlines(keepends=True):
        if line.startswith(("+++", "---")):
            out.append(f"{_BOLD}{line.rstrip(chr(10))}{_RESET}\n")
        elif line.startswith("@@"):
            out.append(f"{_CYAN}{line.rstrip(chr(10))}{_RESET}\n")
        elif line.startswith("+"):
            out.append(f"{_GREEN}{line.rstrip(chr(10))}{_RESET}\n")
        elif line.startswith("-"):
            out.append(f"{_RED}{line.rstrip(chr(10))}{_RESET}\n")
        else:
            out.append(line)
    return "".join(out)


def _moves(moves: list[MovedSecret], label: str, verb: str) -> list[str]:
    if not moves:
        return []
    lines = [f"Secrets {verb} {label} ({len(moves)}):"]
    width = max(len(f"{_p(m.path)}:{m.line}") for m in moves)
    for m in moves:
        where = f"{_p(m.path)}:{m.line}".ljust(width)
        note = "  (a PEM block, on one line: its breaks as \\n, put back by the code)" \
            if m.one_line else ""
        lines.append(f"  {where}  {m.rule_id}  -> {_p(m.name)}{note}")
    return lines


def _manual(manual: list[ManualFix]) -> list[str]:
    if not manual:
        return []
    lines = [f"Needs a fix by hand ({len(manual)}):"]
    for item in manual:
        f = item.finding
        lines.append(f"  {_p(f.path)}:{f.line}:{f.span.column}  {f.rule_id}  {_p(f.message)}")
        lines.append(f"      {_p(item.hint)}")
    return lines


def _problems(problems: list[Problem], title: str) -> list[str]:
    if not problems:
        return []
    lines = [f"{title} ({len(problems)}):"]
    for p in problems:
        rule = f"  {p.rule_id}" if p.rule_id else ""
        lines.append(f"  {_p(p.where())}{rule}  {_p(p.message)}")
    return lines


def _left_alone(plan: FixPlan) -> list[str]:
    """How many findings fix did not touch on purpose, and how to include the accepted."""
    parts = []
    if plan.baselined:
        parts.append(f"{len(plan.baselined)} baselined (--include-baselined fixes "
                     f"{'them' if len(plan.baselined) != 1 else 'it'})")
    if plan.suppressed:
        parts.append(f"{len(plan.suppressed)} suppressed in the code")
    return [f"Left alone: {', '.join(parts)}."] if parts else []


def _label(plan: FixPlan) -> str:
    return ".env" if plan.destination.value == "env" else "the tokenward vault"


def _block(parts: list[list[str]]) -> str:
    chunks = ["\n".join(p) + "\n" for p in parts if p]
    return "\n".join(chunks)


def render_plan(plan: FixPlan, *, color: bool = False) -> str:
    """The dry run: every diff, then what would move where, then the rest."""
    diffs = "".join(color_diff(f.diff, color) for f in plan.files)
    suggested = ""
    if plan.suggestions:
        suggested = ("Suggested changes (never applied by --write; review and apply by "
                     "hand):\n" + "".join(color_diff(f.diff, color) for f in plan.suggestions))
    count = len(plan.fixed)
    summary = (f"Dry run: {count} fix{'es' if count != 1 else ''} in {len(plan.files)} "
               f"file{'s' if len(plan.files) != 1 else ''}; run with --write to apply."
               if count else "Nothing to fix automatically.")
    body = _block([
        _moves(plan.moves, _label(plan), "that would move to"),
        _manual(plan.manual),
        _problems(plan.problems, "Cannot fix"),
        [summary, *_left_alone(plan)],
    ])
    return "".join(x + ("\n" if x else "") for x in (diffs.rstrip("\n"), suggested.rstrip("\n"))
                   ) + body


def render_report(plan: FixPlan, report: FixReport, *, color: bool = False) -> str:
    fixed = sum(len(f.applied) for f in report.written)
    head = (f"Fixed {fixed} finding{'s' if fixed != 1 else ''} in {len(report.written)} "
            f"file{'s' if len(report.written) != 1 else ''}.")
    suggested = ""
    if plan.suggestions:
        suggested = ("Suggested changes (not applied; review and apply by hand):\n"
                     + "".join(color_diff(f.diff, color) for f in plan.suggestions))
    rotate = []
    if report.reminders:
        rotate = ["Rotate these secrets now (moving them does not make them secret again):"]
        rotate += [f"  - {r}" for r in report.reminders]
    body = _block([
        [head, *_left_alone(plan)],
        _moves(report.moved, _label(plan), "moved to"),
        [f"  {note}" for note in report.notes],
        rotate,
        _manual(plan.manual),
        _problems(report.problems, "Not fixed"),
    ])
    return body + (("\n" + suggested) if suggested else "")


def render_proposal(proposal: Proposal, *, color: bool = False) -> str:
    f = proposal.finding
    lines = [f"{_p(f.path)}:{f.line}  {f.rule_id}  {_p(f.message)}"]
    text = "\n".join(lines) + "\n" + color_diff(proposal.diff, color)
    if proposal.moves:
        names = ", ".join(_p(m.name) for m in proposal.moves)
        text += f"(moves {names} to {proposal.destination})\n"
    return text
