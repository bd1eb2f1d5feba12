"""``tokenward init``: edits .pre-commit-config.yaml as text without losing anything."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import yaml

from tests.hooks.conftest import MARK, ProbeRun, init_repo
from tokenward.hooks.init import InitError, add_hook, install_hook, write_settings

URL, REV = "https://example.com/tokenward", "v9.9.9"
BLOCK = (f"  - repo: {URL}\n    rev: {REV}\n    hooks:\n      - id: tokenward\n")

EXISTING = """\
# Our hooks. Keep this comment.
default_stages: [pre-commit]
repos:
  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v4.6.0  # pinned
    hooks:
      - id: trailing-whitespace

  # formatting
  - repo: https://github.com/psf/black
    rev: 24.4.2
    hooks:
      - id: black
ci:
  autofix_prs: false
"""


def test_creates_a_new_config() -> None:
    assert add_hook(None, URL, REV) == "repos:\n" + BLOCK


def test_adds_to_an_existing_config_keeping_everything() -> None:
    out = add_hook(EXISTING, URL, REV)
    assert out == EXISTING.replace("      - id: black\n", "      - id: black\n" + BLOCK)
    assert yaml.safe_load(out)["ci"] == {"autofix_prs": False}


def test_indentless_lists_keep_their_style() -> None:
    text = "repos:\n- repo: local\n  hooks:\n  - id: x\n    name: x\n    entry: x\n" \
           "    language: system\n"
    out = add_hook(text, URL, REV)
    assert out == text + f"- repo: {URL}\n  rev: {REV}\n  hooks:\n    - id: tokenward\n"


def test_empty_flow_list_and_crlf() -> None:
    assert add_hook("repos: []\r\nfail_fast: true\r\n", URL, REV) == (
        "repos:\r\n" + BLOCK.replace("\n", "\r\n") + "fail_fast: true\r\n")


def test_second_run_changes_nothing() -> None:
    once = add_hook(EXISTING, URL, REV)
    assert once is not None and add_hook(once, URL, REV) is None


def test_flow_style_is_refused_with_the_block_to_paste(tmp_path: Path) -> None:
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: [{repo: local, hooks: []}]\n")
    with pytest.raises(InitError) as caught:
        install_hook(tmp_path, URL, REV)
    assert "cannot edit safely (the repos list is written in flow style ([...]))" in str(
        caught.value)
    assert str(caught.value).endswith(BLOCK.rstrip("\n"))
    assert (tmp_path / ".pre-commit-config.yaml").read_text() == \
        "repos: [{repo: local, hooks: []}]\n"


def test_settings_appended_to_pyproject_once(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\n')
    change = write_settings(tmp_path)
    assert change is not None and change.what == "added [tool.tokenward] defaults"
    data = tomllib.loads((tmp_path / "pyproject.toml").read_text())
    assert data["project"] == {"name": "app"}
    assert data["tool"]["tokenward"] == {"fail_on": "low",
                                         "baseline": ".tokenward-baseline.json", "exclude": []}
    assert write_settings(tmp_path) is None


def test_settings_file_when_there_is_no_pyproject(tmp_path: Path) -> None:
    change = write_settings(tmp_path)
    assert change is not None and change.path == tmp_path / ".tokenward.toml"


def test_init_command_is_idempotent_and_creates_the_baseline(tmp_path: Path,
                                                             probe: ProbeRun) -> None:
    repo = init_repo(tmp_path / "repo")
    (repo / ".pre-commit-config.yaml").write_text(EXISTING)
    (repo / "app.py").write_text(f'KEY = "{MARK}"\n')
    first = probe(repo, "TW901", "init", "--repo", URL, "--rev", REV, "--baseline")
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[:4] == [
        "tokenward: .tokenward-baseline.json: created with 1 entry",
        "tokenward: .gitattributes: baseline merges as a union",
        "tokenward: .pre-commit-config.yaml: added the tokenward hook",
        "tokenward: .tokenward.toml: created with [tool.tokenward] defaults",
    ]
    snapshot = {p.name: p.read_bytes() for p in repo.iterdir() if p.is_file()}
    second = probe(repo, "TW901", "init", "--repo", URL, "--rev", REV, "--baseline")
    assert second.returncode == 0
    assert second.stdout.splitlines()[0] == "tokenward: already set up; nothing changed"
    assert {p.name: p.read_bytes() for p in repo.iterdir() if p.is_file()} == snapshot
    # The baseline now hides the known finding.
    scan = probe(repo, "TW901", "scan", ".")
    assert (scan.returncode, scan.stdout) == (
        0, "tokenward: 0 findings in 0 files (4 scanned); 1 suppressed\n")
