from __future__ import annotations

import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenward.store.token_format import (
    ID_ALPHABET,
    SECRET_ALPHABET,
    TOKEN_LENGTH,
    TOKEN_RE,
    checksum,
    find_tokens,
    format_token,
    generate_token,
    parse_token,
)

# A fixed, deliberately public example token (not issued by any store).
ID = "abcdefghijk23456"
SECRET = "0123456789ABCDEFGHIJabcdefghijklmnopqrstuvw"


def test_format_appends_crc32_in_six_base62_characters() -> None:
    token = format_token("at", ID, SECRET)
    body = f"tw_at_{ID}_{SECRET}"
    assert token.startswith(body)
    suffix = token[len(body):]
    value = 0
    for char in suffix:
        value = value * 62 + SECRET_ALPHABET.index(char)
    assert value == zlib.crc32(body.encode())
    assert len(token) == TOKEN_LENGTH == 72


def test_parse_returns_parts_and_hides_the_secret_in_repr() -> None:
    token = format_token("rt", ID, SECRET)
    parsed = parse_token(token)
    assert parsed is not None
    assert (parsed.kind, parsed.token_id, parsed.secret, parsed.text) == ("rt", ID, SECRET, token)
    assert repr(parsed) == f"ParsedToken(kind='rt', token_id='{ID}')"


def test_generated_tokens_carry_256_bits_of_secret() -> None:
    import math

    assert 43 * math.log2(len(SECRET_ALPHABET)) >= 256
    tokens = {generate_token("at") for _ in range(200)}
    assert len(tokens) == 200
    assert all(parse_token(token) is not None for token in tokens)


@pytest.mark.parametrize("text", [
    "",
    "tw_at_abcdefghijk23456_0123456789ABCDEFGHIJabcdefghijklmnopqrstuvw",  # no checksum
    "tw_xx_abcdefghijk23456_0123456789ABCDEFGHIJabcdefghijklmnopqrstuvw000000",  # bad kind
    "tw_at_ABCDEFGHIJK23456_0123456789ABCDEFGHIJabcdefghijklmnopqrstuvw000000",  # id case
    "tw_at_abcdefghijk23456_0123456789ABCDEFGHIJabcdefghijklmnopqrstuvw000000",  # bad crc
])
def test_parse_rejects(text: str) -> None:
    assert parse_token(text) is None


def test_parse_rejects_surrounding_text() -> None:
    token = format_token("at", ID, SECRET)
    assert parse_token(" " + token) is None
    assert parse_token(token + "\n") is None


def test_format_validates_parts_without_echoing_the_secret() -> None:
    with pytest.raises(ValueError, match="token secret must be 43 base62 characters") as error:
        format_token("at", ID, "short-secret-value")
    assert "short-secret-value" not in str(error.value)
    with pytest.raises(ValueError, match="kind must be one of at, rt"):
        format_token("xx", ID, SECRET)
    with pytest.raises(ValueError, match="token id must be 16 characters"):
        format_token("at", "ID", SECRET)


def test_token_re_finds_tokens_in_code_but_not_inside_longer_words() -> None:
    token = format_token("at", ID, SECRET)
    code = f'API_TOKEN = "{token}"\nother = "x{token}"\nthird = {token}_suffix\n'
    assert [m.group(0) for m in TOKEN_RE.finditer(code)] == [token]
    assert [p.token_id for p in find_tokens(code)] == [ID]


shape = st.tuples(
    st.sampled_from(["at", "rt"]),
    st.text(alphabet=ID_ALPHABET, min_size=16, max_size=16),
    st.text(alphabet=SECRET_ALPHABET, min_size=43, max_size=43),
    st.text(alphabet=SECRET_ALPHABET, min_size=6, max_size=6),
)


@settings(max_examples=300, deadline=None)
@given(shape)
def test_shape_with_a_wrong_checksum_is_never_accepted(parts: tuple[str, str, str, str]) -> None:
    kind, token_id, secret, crc = parts
    body = f"tw_{kind}_{token_id}_{secret}"
    candidate = body + crc
    assert TOKEN_RE.fullmatch(candidate) is not None  # it has the shape...
    expected = checksum(body)
    # ...and is accepted exactly when the checksum is right.
    assert (parse_token(candidate) is not None) == (crc == expected)
    assert find_tokens(f"key = '{candidate}'") == ([] if crc != expected
                                                   else [parse_token(candidate)])


@settings(max_examples=200, deadline=None)
@given(shape, st.integers(min_value=0, max_value=71), st.sampled_from(SECRET_ALPHABET))
def test_any_single_character_change_is_rejected(parts: tuple[str, str, str, str],
                                                 position: int, replacement: str) -> None:
    kind, token_id, secret, _ = parts
    token = format_token(kind, token_id, secret)
    mutated = token[:position] + replacement + token[position + 1:]
    if mutated != token:
        # CRC32 detects every single-symbol change of a short message.
        assert parse_token(mutated) is None


def test_twenty_thousand_random_wrong_checksums_are_all_rejected() -> None:
    """Beyond hypothesis' few hundred examples: a seeded bulk run over the same property."""
    import random

    rng = random.Random(20260101)
    accepted = 0
    for _ in range(20_000):
        kind = rng.choice(("at", "rt"))
        body = (f"tw_{kind}_{''.join(rng.choices(ID_ALPHABET, k=16))}_"
                f"{''.join(rng.choices(SECRET_ALPHABET, k=43))}")
        wrong = "".join(rng.choices(SECRET_ALPHABET, k=6))
        if wrong == checksum(body):
            continue
        accepted += parse_token(body + wrong) is not None
    assert accepted == 0
