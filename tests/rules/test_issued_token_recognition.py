"""The scanner recognises tokens minted by tokenward's own issuer, and only valid ones."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import fired, scan_snippet
from tokenward.rules import provider_token
from tokenward.store.token_format import checksum, generate_token

RULE = [provider_token.RULE]


def test_an_issued_token_in_code_fires_on_its_line() -> None:
    token = generate_token("rt")
    findings = scan_snippet(f'import x\nREFRESH = "{token}"\n', "client.py", RULE)
    assert fired(findings) == [2]
    assert findings[0].message == "tokenward-issued token in clear text"
    assert token not in findings[0].snippet


BASE62 = string.digits + string.ascii_letters


@settings(max_examples=200, deadline=None)
@given(
    token_id=st.text(alphabet="abcdefghijklmnopqrstuvwxyz234567", min_size=16, max_size=16),
    secret=st.text(alphabet=BASE62, min_size=43, max_size=43),
    crc=st.text(alphabet=BASE62, min_size=6, max_size=6),
)
def test_a_token_shaped_string_with_a_wrong_checksum_never_fires(token_id: str, secret: str,
                                                                 crc: str) -> None:
    body = f"tw_at_{token_id}_{secret}"
    if crc == checksum(body):
        return  # astronomically unlikely: that would be a valid token
    assert fired(scan_snippet(f'T = "{body}{crc}"\n', "x.txt", RULE)) == []
