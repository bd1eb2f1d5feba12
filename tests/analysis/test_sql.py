"""analysis/sql.py: which column an INSERT fills with each value given to it."""

from __future__ import annotations

import pytest

from tokenward.analysis.sql import insert_columns, inserts_credential


@pytest.mark.parametrize(("statement", "columns"), [
    # vulpy's bad/db_init.py: quoted %-placeholders, one per column.
    ("INSERT INTO users (username, password, failures, mfa_enabled, mfa_secret) VALUES "
     "('%s', '%s', '%d', '%d', '%s')",
     ["username", "password", "failures", "mfa_enabled", "mfa_secret"]),
    # dsvpwa's server.py: a NULL id first, ``?`` for the rest, over lines.
    ("INSERT INTO users(id, username, password, session)\n VALUES(NULL, ?, ?, ?)",
     ["username", "password", "session"]),
    # vulpy's libposts.py: a function call among the values takes no parameter.
    ("INSERT INTO posts (username, text, date) VALUES (?, ?, DateTime('now'))",
     ["username", "text"]),
    ('insert or replace into "tokens" ("name", "value") values ({}, {})', ["name", "value"]),
])
def test_each_placeholder_fills_the_column_at_its_place(statement: str,
                                                        columns: list[str]) -> None:
    assert insert_columns(statement) == columns


@pytest.mark.parametrize("statement", [
    "INSERT INTO comments VALUES(NULL, ?, ?)",            # no column list: unknown
    "INSERT INTO users (username, password) VALUES (?)",  # the lists do not pair up
    "SELECT password FROM users WHERE username = ?",
    "insert the token into the form",
])
def test_a_statement_without_paired_lists_names_no_column(statement: str) -> None:
    assert insert_columns(statement) is None


def test_a_credential_column_is_what_the_screens_look_for() -> None:
    assert inserts_credential("INSERT INTO users (username, password) VALUES (?, ?)")
    assert not inserts_credential("INSERT INTO posts (username, text) VALUES (?, ?)")
