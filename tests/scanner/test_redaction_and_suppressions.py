from __future__ import annotations

from tokenward.model import Span
from tokenward.scanner.redaction import mask_line, redact, snippet
from tokenward.scanner.suppressions import find_suppression

GH = "ghp_" + "Zx8Kq2Lm9Np4Rs7Tv1Wy3Ab6Cd0Ef5Gh2Jk4"


def test_redact_shows_only_a_providers_documented_prefix_and_the_length() -> None:
    assert redact(GH) == "ghp_****(40 chars)"
    assert redact("xoxb-" + "1234567890-" * 2 + "Zx8Kq2Lm9Np4Rs7Tv1Wy3Ab6") == \
        "xoxb****(51 chars)"
    # Not a provider's format: nothing but the length. A prefix of a guessable key
    # ("dictionary words", "one repeated character") narrows the guess or is the key.
    assert redact("Hq3Lz8Vm") == "****(8 chars)"
    assert redact("abc") == "****(3 chars)"
    assert redact("aaaaaaa") == "****(7 chars)"
    assert redact("MYSUPERSECRETKEY") == "****(16 chars)"
    assert redact("ghp_short") == "****(9 chars)"  # the prefix alone is not the format


def test_snippet_replaces_the_secret_and_masks_other_token_shapes() -> None:
    line = f'    headers = {{"A": "{GH}", "B": "Qm9vZ2llV29vZ2llMTIzNDU2Nzg5"}}'
    assert snippet(line, GH) == (
        'headers = {"A": "ghp_****(40 chars)", "B": "****(28 chars)"}'
    )


def test_url_passwords_are_masked() -> None:
    assert mask_line('DB = "postgres://app:s3cr3tpw@db:5432/x"') == (
        'DB = "postgres://app:****(8 chars)@db:5432/x"'
    )


def test_dotted_names_are_not_masked() -> None:
    assert mask_line("from tokenward.scanner.engine2 import x") == (
        "from tokenward.scanner.engine2 import x"
    )


def _sup(lines: list[str], line: int, end: int | None = None) -> object:
    return find_suppression(lines, Span(line, 1, end or line, 2), "TW101", "hardcoded-secret")


def test_inline_ignore_with_rule_and_reason() -> None:
    found = _sup(['k = "x"  # tokenward: ignore[TW101] test fixture, not real'], 1)
    assert found is not None and found.reason == "test fixture, not real"  # type: ignore[attr-defined]


def test_ignore_for_another_rule_does_not_apply() -> None:
    assert _sup(['k = "x"  # tokenward: ignore[TW201]'], 1) is None


def test_comment_line_above_a_multiline_construct() -> None:
    lines = ["# tokenward: ignore[hardcoded-secret] rotated", "call(", '  "x")']
    assert _sup(lines, 2, 3) is not None
    assert _sup(["x = 1", 'k = "y"'], 2) is None


def test_detect_secrets_pragma_is_honoured() -> None:
    assert _sup(['k = "x"  # pragma: allowlist secret'], 1) is not None
    assert _sup(["# pragma: allowlist nextline secret", 'k = "x"'], 2) is not None
