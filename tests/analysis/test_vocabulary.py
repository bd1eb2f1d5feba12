"""The one vocabulary: its tokenizer, its views, and the golden table of real names."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tokenward.analysis.vocabulary import (
    Role,
    carries_credential,
    function_makes_token,
    judge,
    mentions_tokens,
    name_words,
    names_token,
    only_looks_tokenish,
    secret_kind,
)

GOLDEN = Path(__file__).with_name("data") / "vocabulary_golden.tsv"


@pytest.mark.parametrize(("name", "expected"), [
    ("githubApiToken", ("github", "api", "token")),
    ("GITHUB_API_TOKEN", ("github", "api", "token")),
    ("github-api-token", ("github", "api", "token")),
    ("settings.GITHUB_API_TOKEN", ("settings", "github", "api", "token")),
    ("X-API-Key", ("x", "api", "key")),
    ("PGPASSWORD", ("pg", "password")),
    ("apikey", ("api", "key")),
    ("csrftoken", ("csrf", "token")),
    ("sessionid", ("session", "id")),
    ("token2", ("token",)),
    ("OAuth2Token", ("o", "auth", "token")),
    ("bypass", ("bypass",)),
    ("keyboard", ("keyboard",)),
    ("", ()),
])
def test_one_tokenizer_for_every_spelling(name: str, expected: tuple[str, ...]) -> None:
    assert name_words(name) == expected


@pytest.mark.parametrize(("name", "role", "kind"), [
    ("RESET_TOKEN", Role.CREDENTIAL, "token"),         # was missed: "reset" counted as public
    ("JWT", Role.CREDENTIAL, "token"),
    ("SECRET_KEY_BASE", Role.CREDENTIAL, "secret key"),
    ("SECURITY_PASSWORD_SALT", Role.CREDENTIAL, "secret salt"),
    ("slack_webhook_url", Role.CREDENTIAL, "webhook URL"),
    ("auth_header", Role.CREDENTIAL, "credential"),
    ("reset_code", Role.ONE_TIME, "reset code"),
    ("session_id", Role.ONE_TIME, "session id"),
    ("magic_link", Role.ONE_TIME, "magic link"),
    ("csrf_token", Role.UNGUESSABLE, "CSRF token"),
    ("oauth_state", Role.UNGUESSABLE, "OAuth state"),
    ("token_url", Role.ABOUT, None),
    ("SECRET_KEY_NAME", Role.ABOUT, None),
    ("max_tokens", Role.ABOUT, None),
    ("password_reset_timeout", Role.ABOUT, None),
    ("jwt_header", Role.DECODED, None),
    ("id_token_claims", Role.DECODED, None),
    ("dummy_api_key", Role.STAND_IN, None),
    ("publishable_key", Role.PUBLIC, None),
    ("tokenizer", Role.NONE, None),
    ("cache_key", Role.NONE, None),
])
def test_one_judgement_per_name(name: str, role: Role, kind: str | None) -> None:
    assert (judge(name).role, judge(name).kind) == (role, kind)


def test_views_follow_the_role() -> None:
    assert secret_kind("PGPASSWORD") == "password"
    assert secret_kind("session_id") is None             # minted per login, never hard-coded
    assert carries_credential("session_id") and carries_credential("PGPASSWORD")
    assert not carries_credential("csrf_token")           # logging a CSRF token leaks nothing
    assert names_token("csrf_token") and names_token("nonce")
    assert only_looks_tokenish("expires_at") is False     # no token word at all
    assert only_looks_tokenish("token_type") and only_looks_tokenish("jwt_header")


def test_function_names() -> None:
    assert function_makes_token("generate_token") and function_makes_token("make_reset_code")
    assert function_makes_token("new_api_key") and function_makes_token("make_test_key")
    assert not function_makes_token("get_cache_key") and not function_makes_token("new_session")


@pytest.mark.parametrize(("text", "expected"), [
    ("otp = make()", True),
    ("user_pin = 1", True),
    ("self.apiKey = x", True),
    ("mapping = {}\n    pass\n", False),       # 'pin' inside a word, and the pass statement
    ("path = pattern", False),                 # 'pat' inside words
])
def test_prefilter_words_come_from_the_vocabulary(text: str, expected: bool) -> None:
    assert mentions_tokens(text.lower()) is expected


def _golden_rows() -> list[dict[str, str]]:
    with GOLDEN.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


# The roles the views tell apart; about, decoded, stand-in, public and none all hold
# nothing a rule acts on, so they are one class here (they differ only in explanations).
_VIEW_CLASS = {"credential": "credential", "one_time": "one_time",
               "unguessable": "unguessable"}


def test_golden_table_of_real_names() -> None:
    """Every real name gets the answer a reviewer gave it: the views a rule asks, and the
    password flag. (Rows the lead overruled say why in their note: 'reviewed (lead)'.)"""
    rows = _golden_rows()
    assert len(rows) >= 400
    wrong = [f"{r['name']}: expected {r['role']}, got {judge(r['name']).role.value}"
             for r in rows if _VIEW_CLASS.get(judge(r["name"]).role.value, "other")
             != _VIEW_CLASS.get(r["role"], "other")]
    wrong += [f"{r['name']}: password={r['password']}" for r in rows
              if (r["password"] == "yes") != judge(r["name"]).is_password]
    assert wrong == []


def test_golden_table_roles_mostly_exact() -> None:
    """The finer roles (about, decoded, public ...) agree on at least nine names in ten."""
    rows = _golden_rows()
    exact = sum(judge(r["name"]).role.value == r["role"] for r in rows)
    assert exact / len(rows) >= 0.9, f"{exact} of {len(rows)}"
