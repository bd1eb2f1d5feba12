"""A provider token that validates (checksum or structure) is critical in every file kind,
and reports say so (issue 13 item 4, issue 16 item 4).

Tokens are generated here (the CRC32 checksum computed by the test): never real ones.
"""

from __future__ import annotations

import json
import random
import zlib
from pathlib import Path

import pytest

from tests.helpers import scan_snippet
from tokenward.cli import main
from tokenward.model import finding_from_dict, finding_to_dict
from tokenward.reporters.reader import read_report

_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _github_token(seed: int, *, valid: bool = True) -> str:
    rng = random.Random(seed)
    body = "".join(rng.choice(_B62) for _ in range(30))
    number, digits = zlib.crc32(body.encode()), ""
    while number:
        number, rest = divmod(number, 62)
        digits = _B62[rest] + digits
    checksum = digits.rjust(6, "0")
    if not valid:  # one character off: a made-up token
        checksum = checksum[:-1] + ("A" if checksum[-1] != "A" else "B")
    return f"ghp_{body}{checksum}"


TOKEN = _github_token(16)
MADE_UP = _github_token(16, valid=False)
_RNG = random.Random(4)
STRIPE = "sk_live_" + "".join(_RNG.choice(_B62) for _ in range(32))


def _seen(text: str, path: str) -> list[tuple[str, int, int, str, bool]]:
    return [(f.rule_id, f.line, f.span.column, f.severity.value, f.validated)
            for f in scan_snippet(text, path) if not f.suppressed]


@pytest.mark.parametrize(("path", "text", "expected"), [
    ("app.py", f'GITHUB_TOKEN = "{TOKEN}"\n', [("TW101", 1, 16, "critical", True)]),
    ("app.py", f'headers = {{"Authorization": "token {TOKEN}"}}\n',
     [("TW101", 1, 29, "critical", True)]),
    ("notes.txt", f"token {TOKEN}\n", [("TW103", 1, 7, "critical", True)]),
    ("settings.yaml", f"github_token: {TOKEN}\n", [("TW102", 1, 15, "critical", True)]),
    (".env", f"GITHUB_TOKEN={TOKEN}\n", [("TW102", 1, 14, "critical", True)]),
])
def test_a_validated_token_is_critical_in_every_file_kind(
        path: str, text: str, expected: list[tuple[str, int, int, str, bool]]) -> None:
    assert _seen(text, path) == expected


@pytest.mark.parametrize("path", ["app.py", "notes.txt", "settings.yaml"])
def test_a_token_whose_checksum_fails_is_not_reported(path: str) -> None:
    text = (f'GITHUB_TOKEN = "{MADE_UP}"\n' if path.endswith(".py")
            else f"github_token: {MADE_UP}\n")
    assert _seen(text, path) == []


def test_a_token_without_a_checksum_keeps_its_rule_severity() -> None:
    assert _seen(f'api_key = "{STRIPE}"\n', "app.py") == [("TW101", 1, 11, "high", False)]
    assert _seen(f"{STRIPE}\n", "notes.txt") == [("TW103", 1, 1, "critical", False)]


def test_json_carries_validated_and_reads_it_back() -> None:
    finding = scan_snippet(f'GITHUB_TOKEN = "{TOKEN}"\n', "app.py")[0]
    data = finding_to_dict(finding)
    assert (data["severity"], data["validated"]) == ("critical", True)
    assert finding_from_dict(data).validated is True
    plain = scan_snippet(f'api_key = "{STRIPE}"\n', "app.py")[0]
    assert finding_to_dict(plain)["validated"] is False


def _scan(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["scan", str(tmp_path / "app.py"), "--no-cache", *args])
    out, err = capsys.readouterr()
    assert TOKEN not in out + err  # no secret in clear in any output
    return code, out


def test_fail_on_critical_stops_a_validated_token_in_python(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "app.py").write_text(f'GITHUB_TOKEN = "{TOKEN}"\n', encoding="utf-8")
    code, out = _scan(tmp_path, capsys, "--fail-on", "critical", "--format", "json")
    assert code == 1
    [finding] = json.loads(out)["findings"]
    assert (finding["rule_id"], finding["severity"], finding["validated"]) == (
        "TW101", "critical", True)


def test_sarif_says_whether_the_token_was_validated(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "app.py").write_text(f'GITHUB_TOKEN = "{TOKEN}"\napi_key = "{STRIPE}"\n',
                                     encoding="utf-8")
    report = tmp_path / "report.sarif"
    _scan(tmp_path, capsys, "--format", "sarif", "--output", str(report))
    results = json.loads(report.read_text(encoding="utf-8"))["runs"][0]["results"]
    assert [(r["properties"]["severity"], r["properties"]["validated"], r["level"])
            for r in results] == [("critical", True, "error"), ("high", False, "error")]
    assert [f.validated for f in read_report(report).findings] == [True, False]
