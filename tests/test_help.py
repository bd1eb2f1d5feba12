"""`--help` reads right: value names instead of typer's types, ranges in words, every option
described, each command's first sentence whole, `train --help` listing `check`."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import typer

from tokenward.cli import app, main
from tokenward.config import max_cli_jobs


def _help(capsys: pytest.CaptureFixture[str], *command: str) -> str:
    assert main([*command, "--help"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out


def _commands() -> Iterator[tuple[tuple[str, ...], typer.core.TyperCommand]]:
    """Every command of the CLI, as its group hands it out (what --help shows)."""
    root = typer.main.get_command(app)

    def walk(group: typer.core.TyperGroup, context: typer.Context, path: tuple[str, ...]
             ) -> Iterator[tuple[tuple[str, ...], typer.core.TyperCommand]]:
        for name in group.list_commands(context):
            command = group.get_command(context, name)
            assert command is not None
            if isinstance(command, typer.core.TyperGroup):
                yield from walk(command, typer.Context(command, parent=context,
                                                       info_name=name), (*path, name))
            else:
                yield (*path, name), command

    return walk(root, typer.Context(root, info_name="tokenward"), ())


COMMANDS = sorted((" ".join(path), command) for path, command in _commands())


def test_scan_help_names_values_as_people_do(capsys: pytest.CaptureFixture[str]) -> None:
    lines = _help(capsys, "scan").splitlines()
    assert lines[0] == "Usage: tokenward scan [OPTIONS] [PATHS]..."
    assert "  PATHS  Files and folders to scan (default: the current folder); with" in lines
    assert "  -f, --format [text|json|sarif|github|junit]" in lines
    assert "  -o, --output FILE               Write the report to FILE instead of standard" in lines
    assert ("  -j, --jobs N                    Worker processes [default: the CPU count; at"
            in lines)
    assert f"                                  most 4 per CPU].  [1 to {max_cli_jobs()}]" in lines
    assert ("  --exclude GLOB                  Skip paths matching GLOB (repeatable; adds"
            in lines)
    assert "  --rule ID                       Only run this rule (id or name; repeatable)." in lines
    assert "                                  commits.  [at least 1]" in lines


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_every_option_is_described_with_a_readable_value_name(
        name: str, command: typer.core.TyperCommand, capsys: pytest.CaptureFixture[str]) -> None:
    undescribed = [param.name for param in command.params if not param.help]
    assert undescribed == []
    text = _help(capsys, *name.split())
    # typer's own spelling of types and ranges: <list[str]>, <int range>, [x>=1], [1<=x<=8]
    typer_types = r"<(?:list\[[^>]*\]|int|float|str|path|file|dir)(?: range)?>"
    assert re.findall(typer_types + r"|\bx[<>]=|<=x\b|\{[A-Z]+\}", text) == []


def test_top_level_descriptions_are_whole_sentences(capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(capsys)
    assert ("  fix                 Rewrite findings: secrets become environment or store\n"
            "                      lookups, weak code is fixed.\n") in text
    assert ("  init                Set this repository up: the pre-commit hook,\n"
            "                      [tool.tokenward] defaults, a baseline.\n") in text
    assert "..." not in text.partition("Commands:")[2]


def test_train_help_lists_check(capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(capsys, "train")
    assert text.startswith("Usage: tokenward train [OPTIONS] [PATHS]...\n")
    assert text.endswith("Commands:\n"
                         "  check  Grade the exercises: scan each file and say which pass (exit 0 "
                         "when\n         all pass).\n")
    assert "  -o, --out DIR        Folder to write the session to (new, empty, or an\n" in text


def test_token_help_shows_durations_and_ids(capsys: pytest.CaptureFixture[str]) -> None:
    assert ("  --ttl DURATION         Access token lifetime [default: 15m; at most 366d].\n"
            in _help(capsys, "token", "issue"))
    audit = _help(capsys, "token", "audit")
    assert "  --id ID                Only this token id.\n" in audit
    assert "  -s, --subject SUBJECT  Only this subject.\n" in audit
    assert "  --limit N              At most this many (the latest); 0: all.  [default: 0;\n" \
        in audit
