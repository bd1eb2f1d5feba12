"""Scan a snippet of code as if it were a file, the way every rule test does."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

from tokenward.config import Config, from_mapping
from tokenward.model import Finding
from tokenward.rules.base import Rule
from tokenward.scanner.engine import FileTask, scan_file


def scan_snippet(text: str, path: str = "example.py", rules: Sequence[Rule] | None = None,
                 config: Config | None = None) -> list[Finding]:
    from tokenward.rules import RULES

    config = config or Config()
    result = scan_file(FileTask(path, text.encode("utf-8")), config, rules or RULES)
    internal = [e.message for e in result.errors if e.internal]
    assert not internal, internal
    return list(result.findings)


def fired(findings: Sequence[Finding], rule_id: str | None = None) -> list[int]:
    """The lines that fired (for one rule, or any), sorted."""
    return sorted(f.span.line for f in findings if rule_id is None or f.rule_id == rule_id)


def settings(data: Mapping[str, object]) -> Config:
    """``[tool.tokenward]`` as a table, checked like a settings file (``settings.toml``)."""
    from tokenward.rules import RULES

    return from_mapping(data, root=Path("."), source_file="settings.toml", rules=RULES)


def spans(findings: Sequence[Finding]) -> list[tuple[int, int, int, int]]:
    """Where the findings are: (line, column, end line, end column), sorted."""
    return sorted((f.span.line, f.span.column, f.span.end_line, f.span.end_column)
                  for f in findings)


def pinned(findings: Sequence[Finding]) -> list[tuple[int, int, str]]:
    """(line, column, message) of every finding, in order: what a rule test pins."""
    return [(f.span.line, f.span.column, f.message) for f in findings]


def through_screen(rule: Rule, code: str, path: str = "app/tokens.py",
                   config: Config | None = None) -> tuple[list[tuple[int, int, str]], bool]:
    """``rule`` alone on ``code`` (dedented) whose text passes the rule's prefilter, so its
    ``ast`` screen decides: the pinned findings, and whether libcst parsed the file."""
    text = textwrap.dedent(code).lstrip("\n")
    assert rule.wants(text.lower())  # the rule runs: its screen decides
    result = scan_file(FileTask(path, text.encode()), config or Config(), [rule])
    return pinned(result.findings), result.parsed
