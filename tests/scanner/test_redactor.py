"""The redactor: secrets masked by where they are spelled (exact outputs), the linear URL
password scan, control characters, and the line numbering spans rely on."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import scan_snippet
from tokenward.analysis.source import split_lines
from tokenward.model import Span
from tokenward.scanner.redaction import (
    Redactor,
    locate,
    mask_line,
    printable,
    printable_json,
)


def shown(text: str, path: str) -> list[str]:
    """Every line of ``text`` as the redactor of its scan shows it."""
    spans = [s for f in scan_snippet(text, path) for s in f.secret_spans]
    redactor = Redactor.of_text(text, spans)
    return [redactor.line(n) for n in range(1, len(redactor.lines) + 1)]


def test_an_escaped_literal_is_masked_as_spelled() -> None:
    # The old snippet replaced the decoded value (Zt9"Qm4vK8pL2x), absent from the source.
    text = 'API_TOKEN = "Zt9\\"Qm4vK8pL2x"\n'
    (finding,) = scan_snippet(text)
    assert finding.secret_spans == (Span(1, 14, 1, 29),)
    assert finding.snippet == 'API_TOKEN = "****(15 chars)"'


def test_an_implicit_concatenation_across_lines_is_masked_piece_by_piece() -> None:
    text = 'API_TOKEN = ("Zq8vN3xR7tK2"\n             "mW9pL4sY6bH1")\nx = 1\n'
    (finding,) = scan_snippet(text)
    assert finding.secret_spans == (Span(1, 15, 1, 27), Span(2, 15, 2, 27))
    assert shown(text, "a.py") == ['API_TOKEN = ("****(12 chars)"',
                                   '             "****(12 chars)")', "x = 1"]


def test_a_password_inside_a_url_keeps_the_url_readable() -> None:
    text = 'DB = "postgres://app:Qm4#vK8pL2x@db/app"\n'
    assert shown(text, "a.py") == ['DB = "postgres://app:****(11 chars)@db/app"']


@pytest.mark.parametrize(("path", "text", "expected"), [
    ("settings.json", '{"password": "Qx7\\"Lm2#Vb8!Kd"}\n',
     ['{"password": "****(15 chars)"}']),
    ("config.yaml", 'db:\n  password: "Pq3\\"Lm2#Vb8!Kd"  # prod\n',
     ["db:", '  password: "****(15 chars)"  # prod']),
    (".env", 'API_TOKEN="Mn5\\"Lm2#Vb8!Kd"\n', ['API_TOKEN="****(15 chars)"']),
    # A double-quoted value continued with a backslash: both lines are the value.
    (".env", 'SECRET_KEY="Rt6#Lm2Qx\\\n  Vb8!Kd9@Wq"\n',
     ['SECRET_KEY="****(10 chars)', '****(12 chars)"']),
])
def test_config_values_with_escapes_are_masked_as_spelled(path: str, text: str,
                                                          expected: list[str]) -> None:
    assert shown(text, path) == expected


def test_a_private_key_body_is_masked_to_its_end_line() -> None:
    body = ["MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7" + "a" * 12,
            "Zq8vN3xR/7tK2+mW9pL4sY6bH1Zq8vN3xR7tK2mW9pL4sY6bH1Zq8vN3xR7tK2mW9"]
    text = ("-----BEGIN PRIVATE KEY-----\n" + "\n".join(body)
            + "\n-----END PRIVATE KEY-----\nafter\n")
    lines = shown(text, "key.txt")
    assert lines[0] == "-----BEGIN PRIVATE KEY-----"
    assert lines[3:] == ["-----END PRIVATE KEY-----", "after"]
    assert all("****" in line and body[i][:8] not in line
               for i, line in enumerate(lines[1:3]))


def test_a_form_feed_does_not_shift_the_lines() -> None:
    # str.splitlines() breaks at a form feed; Python (and every span) does not: the
    # snippet of line 4 used to be line 3.
    text = 'import os\n\x0c\nx = 1\nAPI_TOKEN = "Zq8vN3xR7tK2mW9p"\n'
    (finding,) = scan_snippet(text)
    assert finding.span.line == 4
    assert finding.snippet == 'API_TOKEN = "****(16 chars)"'
    assert split_lines("a\x0cb\r\nc\rd\n") == ["a\x0cb", "c", "d"]
    assert split_lines("a\x0cb\r\nc", keepends=True) == ["a\x0cb\r\n", "c"]


def test_a_diff_is_masked_on_old_context_and_new_lines() -> None:
    lines = ['TOKEN = "Zt9\\"Qm4vK8pL2x"  # old: Zt9\\"Qm4vK8pL2x', 'PW = "Pa$$Lm2#Vb"']
    redactor = Redactor.of(lines, [Span(1, 10, 1, 25), Span(2, 7, 2, 17)])
    diff = ("--- a/a.py\n+++ b/a.py\n@@ -1,2 +1,2 @@\n"
            f"-{lines[0]}\n"
            '+TOKEN = os.environ["TOKEN"]  # old: Zt9\\"Qm4vK8pL2x\n'
            f" {lines[1]}\n")
    assert redactor.diff(diff) == (
        "--- a/a.py\n+++ b/a.py\n@@ -1,2 +1,2 @@\n"
        '-TOKEN = "****(15 chars)"  # old: ****(15 chars)\n'
        '+TOKEN = os.environ["TOKEN"]  # old: ****(15 chars)\n'
        ' PW = "****(10 chars)"\n')
    # A removed line that starts with "--" is a line, not a file header.
    assert redactor.diff(f"--- a/a.py\n+++ b/a.py\n@@ -2 +2 @@\n---{lines[1]}\n") == (
        '--- a/a.py\n+++ b/a.py\n@@ -2 +2 @@\n---PW = "****(10 chars)"\n')
    # Moved values are masked too, wherever a fix re-spelled them.
    assert redactor.with_values(["Kd9@Wq3z"]).text('x = "Kd9@Wq3z"') == 'x = "****(8 chars)"'


def test_locate_finds_escaped_spellings_else_keeps_the_whole_span() -> None:
    line = 'k = "Zt9\\"Qm4vK8pL2x"'
    assert locate([line], Span(1, 5, 1, 22), 'Zt9"Qm4vK8pL2x') == (Span(1, 6, 1, 21),)
    assert locate([line], Span(1, 5, 1, 22), "elsewhere") == (Span(1, 5, 1, 22),)


def test_known_masks_only_known_spellings() -> None:
    redactor = Redactor.of(['x = "Qm4vK8pL2x"'], [Span(1, 6, 1, 16)])
    assert redactor.known("bound to Qm4vK8pL2x and module.sub2.attr3") == (
        "bound to ****(10 chars) and module.sub2.attr3")


def test_control_characters_are_shown_as_escapes() -> None:
    assert printable("a\x1b]52;c;eA==\x07b\tc\x0c\x9b\u202e\n") == (
        "a\\x1b]52;c;eA==\\x07b\tc\\x0c\\x9b\\u202e\\x0a")
    assert printable_json('"a\x9b\u202e\x7f"') == '"a\\u009b\\u202e\\u007f"'


# The URL-password pattern as it was: quadratic on `http://a.a.a....`, kept here to prove
# the linear scan finds exactly the same passwords.
_OLD_URL_PASSWORD = re.compile(
    r"(?P<head>[a-z][a-z0-9+.\-]*://[^:/@\s'\"]*:)(?P<pw>[^@\s'\"/]+)(?=@)", re.IGNORECASE)


def _old_mask(line: str) -> str:
    line = _OLD_URL_PASSWORD.sub(lambda m: m.group("head") + "<" + m.group("pw") + ">", line)
    return line


def _new_mask(line: str) -> str:
    from tokenward.scanner.redaction import _url_passwords

    out, done = [], 0
    for start, end in _url_passwords(line):
        out += [line[done:start], "<", line[start:end], ">"]
        done = end
    return "".join(out) + line[done:]


@pytest.mark.parametrize("line", [
    'DB = "postgres://app:s3cr3tpw@db:5432/x"',
    "redis://:Zq8vN3xR@cache:6379/0 and amqp://u:p4ss@mq//",
    "1http://u:pw@h x+y://a:b@c HTTP://U:PW@H",
    "git+ssh://git:tok3n@host/repo.git",
    "no url here: a:b@c",
    "http://a.a.a.a.a.a",
    "://u:p@h a://:@b s://u:p:q@h",
    "mailto:x@y http://user@host:pw@x",
])
def test_the_linear_url_password_scan_matches_the_old_pattern(line: str) -> None:
    assert _new_mask(line) == _old_mask(line)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aH1+.-:/@ '\"h", max_size=40))
def test_the_linear_url_password_scan_matches_the_old_pattern_on_anything(line: str) -> None:
    assert _new_mask(line) == _old_mask(line)


def test_url_password_masking_is_unchanged() -> None:
    assert mask_line('DB = "postgres://app:s3cr3tpw@db:5432/x"') == (
        'DB = "postgres://app:****(8 chars)@db:5432/x"')


@pytest.mark.parametrize(("line", "expected"), [
    ('os.environ["GITHUB_API_TOKEN_2"]', 'os.environ["GITHUB_API_TOKEN_2"]'),
    ("def handler_v2_for_long_names():", "def handler_v2_for_long_names():"),
    ("import tokenward.scanner.engine2", "import tokenward.scanner.engine2"),
    ('x = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"', 'x = "sk_l****(32 chars)"'),
    ('x = "a1b2c3d4e5f6a7b8c9d0"', 'x = "****(20 chars)"'),
])
def test_the_token_mask_spares_names_of_words(line: str, expected: str) -> None:
    assert mask_line(line) == expected
