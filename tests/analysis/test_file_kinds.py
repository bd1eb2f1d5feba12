"""File kinds are an enum: which rules run on a file is decided by members, not strings."""

from __future__ import annotations

from dataclasses import replace
from pathlib import PurePosixPath

import pytest

from tokenward.analysis.source import FileKind, kind_of, name_of, suffix_of
from tokenward.rules import RULES
from tokenward.rules.base import check_rule_shape


@pytest.mark.parametrize(("path", "head", "kind"), [
    ("app/settings.py", b"", FileKind.PYTHON),
    ("stubs/x.pyi", b"", FileKind.PYTHON),
    (".env", b"", FileKind.ENV),
    (".env.production", b"", FileKind.ENV),
    ("deploy/prod.env", b"", FileKind.ENV),
    ("Dockerfile", b"", FileKind.DOCKERFILE),
    ("build/api.dockerfile", b"", FileKind.DOCKERFILE),
    ("Containerfile", b"", FileKind.DOCKERFILE),
    ("home/.netrc", b"", FileKind.NETRC),
    (".npmrc", b"", FileKind.INI),
    ("setup.cfg", b"", FileKind.INI),
    ("k8s/binding.YAML", b"", FileKind.YAML),
    (".github/workflows/ci.yml", b"", FileKind.YAML),
    ("policy.json", b"", FileKind.JSON),
    ("pyproject.toml", b"", FileKind.TOML),
    ("main.tf", b"", FileKind.HCL),
    ("policy.hcl", b"", FileKind.HCL),
    ("bin/deploy", b"#!/usr/bin/env python3\nimport os\n", FileKind.PYTHON),
    ("bin/run", b"#!/bin/bash\nset -e\n", FileKind.SHELL),
    ("README.md", b"", FileKind.TEXT),
    ("conf/settings.xml", b"", FileKind.XML),
    ("App.config", b"", FileKind.XML),
    # A text file named for the credentials it holds is read as `name: value` pairs.
    ("Tiredful-API/client_cred.txt", b"", FileKind.INI),
    ("secrets.txt", b"", FileKind.INI),
    ("client_cred.txt", b"\nclient-id:ALGG\nclient-secret: mWM7\n", FileKind.INI),
    # A word list (vulpy good/leaked_passwords.txt) holds one value a line, no names.
    ("good/leaked_passwords.txt", b"123456\npassword\npassword=09=09$\n", FileKind.TEXT),
    ("API_KEYS.txt", b"", FileKind.INI),
    ("README.txt", b"", FileKind.TEXT),
    ("templates/email/password_reset.txt", b"", FileKind.TEXT),
    ("bin/tool", b"\x7fELF", FileKind.TEXT),
])
def test_kind_of(path: str, head: bytes, kind: FileKind) -> None:
    assert kind_of(path, head) is kind


@pytest.mark.parametrize("path", [
    "app/settings.py", "settings.py", ".env", "a/.env", "a/.env.local", "archive.tar.gz",
    "a/b.", "a/..b", "a/...", "a//b.py", "a/b.py/", "noext", "a.b/c", "dir.d/.hidden.yml",
    "..", "a/..", "x.PY", "weird name .txt", "a/b\\c.ini",
])
def test_names_and_suffixes_read_as_pathlib_reads_them(path: str) -> None:
    assert (name_of(path), suffix_of(path)) == (PurePosixPath(path).name,
                                                PurePosixPath(path).suffix)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_every_rule_declares_file_kind_members(rule) -> None:  # type: ignore[no-untyped-def]
    assert rule.kinds
    assert all(isinstance(kind, FileKind) for kind in rule.kinds), rule.kinds


def test_a_misspelt_kind_is_a_declaration_problem() -> None:
    # What the enum prevents: a string (here misspelt) that no file kind ever equals.
    rule = replace(RULES[0], kinds=frozenset({"ymal"}))  # type: ignore[arg-type]
    assert f"{rule.id}: file kind 'ymal' is not a FileKind" in list(check_rule_shape(rule))


def test_text_in_a_rules_kinds_means_every_text_file() -> None:
    provider = next(r for r in RULES if r.id == "TW103")
    assert [k for k in FileKind if provider.applies_to(k)] == list(FileKind)
    iam = next(r for r in RULES if r.id == "TW403")
    assert [k for k in FileKind if iam.applies_to(k)] == [
        FileKind.PYTHON, FileKind.YAML, FileKind.JSON, FileKind.HCL]
