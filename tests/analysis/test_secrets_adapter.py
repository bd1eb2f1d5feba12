# ruff: noqa: E501 (token samples are long)
"""The detect-secrets adapter: the candidate-line prefilter loses nothing, and
detect_secrets is imported only when a candidate line exists."""

from __future__ import annotations

import subprocess
import sys
import re
import textwrap
from pathlib import Path

from tokenward.analysis.secrets_adapter import (
    PLUGINS,
    PluginMatch,
    candidate_lines,
    run_plugins,
    scan_text,
)

SRC = Path(__file__).resolve().parents[2] / "src"

SAMPLE = textwrap.dedent('''
    # A sample with every plugin's format, near misses, and ordinary code.
    import os
    aws_id = "AKIAZ3MSJV4WQ7XK2PLN"
    aws_secret = "aws_secret_access_key = '9dK2mQ8vLz3Xr7Tp1Wc5Yb4Nf6Hj0Gs2Ke8Ua3Vq'"
    AccountKey=Zq8vK2mQ9Ls4Xw7RZq8vK2mQ9Ls4Xw7RZq8vK2mQ9Ls4Xw7RZq8vK2mQ9Ls4Xw7RZq8vK2mQ9Ls4Xw7RZq8vK2mQ==
    discord = "MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs"
    chimp = "0123456789abcdef0123456789abcdef-us12"
    //registry.npmjs.org/:_authToken=npm_abc123
    legacy = "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"
    pypi = "pypi-AgEIcHlwaS5vcmcCJDAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMAACJXsicGVybWlzc2lvbnMiOiAidXNlciJ9"
    sendgrid = "SG.Zq8vK2mQ9Ls4Xw7RkP3nAb.Zq8vK2mQ9Ls4Xw7RkP3nAbCdEfGhIjKlMnOpQrStUvWxYz0"
    slack = "xoxb-2210532981-3324908812-Xy8Kq2Lm9Vz3Rt7Wq4Pn6Bc1"
    SLACK = "XOXP-1234567890-abc"
    hook = "https://hooks.slack.com/services/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"
    square = "sq0csp-Zq8vK2mQ9Ls4Xw7RkP3nAbCdEfGhIjKlMnOpQrStUvW"
    telegram = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
    twilio = "SK9f8e7d6c5b4a39281706f5e4d3c2b1a0 AC9f8e7d6c5b4a39281706f5e4d3c2b1a0"
    near = "AKIA-not-a-key sk-short SG.x.y xox- :short"
    def f(a, b):
        return {"ratio": a / b, "url": "https://example.org/a:b@c"}
''')


def _key(match: object) -> tuple[object, ...]:
    return (match.secret_type, match.value, match.line)  # type: ignore[attr-defined]


def run_on_every_line(text: str) -> list[PluginMatch]:
    """The slow reference: every plugin on every line."""
    lines = re.split(r"\r\n|\r|\n", text)
    chosen = list(dict.fromkeys(spec.name for spec in PLUGINS))
    return run_plugins({name: list(enumerate(lines, 1)) for name in chosen})


def test_candidate_lines_lose_nothing_compared_to_every_line() -> None:
    everything = run_on_every_line(SAMPLE)
    assert {m.secret_type for m in everything} == {"Discord Bot Token", "Telegram Bot Token"}
    assert sorted(map(_key, scan_text(SAMPLE))) == sorted(map(_key, everything))


def test_candidate_lines_are_few() -> None:
    lines = {n for numbers in candidate_lines(SAMPLE).values() for n in numbers}
    assert 1 not in lines and 2 not in lines  # the comment and the import
    assert len(lines) < len(SAMPLE.splitlines())


def test_every_used_plugin_has_a_spec_and_no_keyword_or_entropy_plugin() -> None:
    names = {spec.name for spec in PLUGINS}
    assert not names & {"KeywordDetector", "Base64HighEntropyString", "HexHighEntropyString",
                        "IPPublicDetector"}


def _imports_detect_secrets(text: str) -> bool:
    code = ("import sys; from tokenward.analysis.secrets_adapter import scan_text; "
            f"scan_text({text!r}); print('detect_secrets' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"PYTHONPATH": str(SRC)}, check=True)
    return out.stdout.strip() == "True"


def test_detect_secrets_is_imported_only_for_candidate_lines() -> None:
    assert not _imports_detect_secrets("def f():\n    return {'a': 1}\n")
    assert _imports_detect_secrets('k = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"\n')


def test_transient_settings_leave_global_settings_untouched() -> None:
    from detect_secrets.settings import get_settings

    before = get_settings().json()
    scan_text('k = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"\n')
    assert get_settings().json() == before


def test_dotted_names_and_colon_values_are_no_candidates_without_the_plugins_lead() -> None:
    text = textwrap.dedent('''
        from django.contrib.auth.hashers import check_password_abcdefghijklmnopqrstuvwxyz
        x = settings.AUTHEN.TICATION_BACKENDS_ARE_READ_FROM_HERE_ONLY
        label: verbose_name_of_the_field_shown_in_the_admin_page_x
        short = "12345:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
    ''')
    assert candidate_lines(text) == {}
    assert scan_text(text) == []


def test_a_token_right_after_a_dotted_name_without_the_lead_is_still_a_candidate() -> None:
    # The dots of ``a.bcdefg.`` and the colon of ``ab:`` have no lead; the search goes on
    # from the next character, to the token's own.
    text = ('x = a.bcdefg.MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs\n'
            'y = 1\nz = ab:123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1\n')
    assert candidate_lines(text) == {"DiscordBotTokenDetector": [1],
                                     "TelegramBotTokenDetector": [3]}
    assert [(m.secret_type, m.line) for m in scan_text(text)] == [
        ("Discord Bot Token", 1), ("Telegram Bot Token", 3)]
