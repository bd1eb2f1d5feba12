"""Inline suppressions: ``# tokenward: ignore[TW101] reason`` and detect-secrets' pragma.

The comment goes on the offending line, on any line of a multi-line finding, or on a
comment-only line directly above it. Suppressed findings are kept and counted, never
silently dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tokenward.lazy import lazy_regex
from tokenward.model import Span, Suppression

_IGNORE = lazy_regex(
    r"tokenward:\s*ignore(?:\[(?P<ids>[A-Za-z0-9_,\s-]*)\])?(?P<reason>[^\n]*)", re.IGNORECASE
)
_PRAGMA = lazy_regex(r"pragma:\s*allowlist[ -]secret", re.IGNORECASE)
_PRAGMA_NEXT = lazy_regex(r"pragma:\s*allowlist[ -]nextline[ -]secret", re.IGNORECASE)
_COMMENT_ONLY = lazy_regex(r"^\s*(#|//|;|--)")


def _match(line: str, rule_id: str, rule_name: str) -> Suppression | None:
    if "tokenward" in line.lower():
        for m in _IGNORE.finditer(line):
            ids = m.group("ids")
            wanted = {i.strip().upper() for i in ids.split(",")} if ids else set()
            if not ids or rule_id.upper() in wanted or rule_name.upper() in wanted:
                reason = m.group("reason").strip(" :-#")
                return Suppression("inline", reason)
    if "pragma" in line and _PRAGMA.search(line):
        return Suppression("inline", "pragma: allowlist secret")
    return None


def find_suppression(lines: Sequence[str], span: Span, rule_id: str,
                     rule_name: str) -> Suppression | None:
    """The inline suppression that covers a finding, if any."""
    last = min(span.end_line, len(lines))
    for number in range(span.line, last + 1):
        found = _match(lines[number - 1], rule_id, rule_name)
        if found:
            return found
    above = span.line - 1
    if above >= 1:
        line = lines[above - 1]
        if _PRAGMA_NEXT.search(line):
            return Suppression("inline", "pragma: allowlist nextline secret")
        if _COMMENT_ONLY.match(line):
            return _match(line, rule_id, rule_name)
    return None
