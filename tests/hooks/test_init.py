"""``tokenward init``: edits .pre-commit-config.yaml as text without losing anything, and
writes the hook entry that resolves for how tokenward was installed."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import yaml

from tests.hooks.conftest import MARK, ProbeRun, init_repo
from tokenward import __version__
from tokenward.hooks.init import (
    DEFAULT_REPO,
    HookSource,
    InitError,
    add_hook,
    choose_source,
    install_hook,
    retarget,
    source_for,
    write_settings,
)

URL, REV = "https://example.com/tokenward", "v9.9.9"
REMOTE = HookSource(URL, REV)
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
    assert add_hook(None, REMOTE) == "repos:\n" + BLOCK


def test_adds_to_an_existing_config_keeping_everything() -> None:
    out = add_hook(EXISTING, REMOTE)
    assert out == EXISTING.replace("      - id: black\n", "      - id: black\n" + BLOCK)
    assert yaml.safe_load(out)["ci"] == {"autofix_prs": False}


def test_indentless_lists_keep_their_style() -> None:
    text = "repos:\n- repo: local\n  hooks:\n  - id: x\n    name: x\n    entry: x\n" \
           "    language: system\n"
    out = add_hook(text, REMOTE)
    assert out == text + f"- repo: {URL}\n  rev: {REV}\n  hooks:\n    - id: tokenward\n"


def test_empty_flow_list_and_crlf() -> None:
    assert add_hook("repos: []\r\nfail_fast: true\r\n", REMOTE) == (
        "repos:\r\n" + BLOCK.replace("\n", "\r\n") + "fail_fast: true\r\n")


def test_second_run_changes_nothing() -> None:
    once = add_hook(EXISTING, REMOTE)
    assert once is not None and add_hook(once, REMOTE) is None


def test_flow_style_is_refused_with_the_block_to_paste(tmp_path: Path) -> None:
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: [{repo: local, hooks: []}]\n")
    with pytest.raises(InitError) as caught:
        install_hook(tmp_path, REMOTE)
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
        "tokenward: .pre-commit-config.yaml: added the tokenward hook "
        f"({URL} at {REV}: --repo/--rev)",
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


# -- where pre-commit gets tokenward ------------------------------------------------------

LOCAL_BLOCK = """\
  - repo: local
    hooks:
      - id: tokenward
        name: tokenward (API-token mistakes)
        # runs in the environment you commit from: install tokenward[scan] there
        entry: tokenward-hook
        language: system
        types: [file]
        require_serial: true
"""


@pytest.mark.parametrize(("direct_url", "repo", "rev"), [
    (None, DEFAULT_REPO, f"v{__version__}"),  # a package index: a published release
    ({"url": "https://git.example.com/tw.git",
      "vcs_info": {"vcs": "git", "commit_id": "0123abcd" * 5, "requested_revision": "main"}},
     "https://git.example.com/tw.git", "0123abcd" * 5),
    ({"url": "file:///home/dev/tokenward", "dir_info": {"editable": True}}, "local", None),
    ({"url": "file:///tmp/dist/tokenward-0.1.0-py3-none-any.whl", "archive_info": {}},
     "local", None),
])
def test_the_source_follows_how_tokenward_was_installed(
        direct_url: dict[str, object] | None, repo: str, rev: str | None) -> None:
    source = source_for(direct_url)  # type: ignore[arg-type]
    assert (source.repo, source.rev) == (repo, rev)


def test_a_source_tree_that_is_not_installed_gets_the_local_hook() -> None:
    assert source_for(None, installed=False).local


def test_the_local_hook_block() -> None:
    assert add_hook(None, HookSource()) == "repos:\n" + LOCAL_BLOCK
    assert yaml.safe_load(add_hook(EXISTING, HookSource()) or "")["repos"][-1] == {
        "repo": "local", "hooks": [{
            "id": "tokenward", "name": "tokenward (API-token mistakes)",
            "entry": "tokenward-hook", "language": "system", "types": ["file"],
            "require_serial": True}]}


def test_values_that_yaml_would_not_read_as_text_are_quoted() -> None:
    out = add_hook(None, HookSource("/srv/git/tokenward", "1234567"))
    assert out is not None and "    rev: '1234567'\n" in out
    assert yaml.safe_load(out)["repos"][0]["rev"] == "1234567"


LOCAL = HookSource(why="installed from a path")


@pytest.mark.parametrize(("repo", "rev", "current", "expected"), [
    (None, None, REMOTE, LOCAL),                   # no option: what the installation says
    ("local", None, REMOTE, HookSource()),
    (None, "v2.0.0", REMOTE, HookSource(URL, "v2.0.0")),  # --rev keeps the entry's repo
    (None, "v2.0.0", None, HookSource(DEFAULT_REPO, "v2.0.0")),
    ("https://mirror.example.com/tw", None, REMOTE,
     HookSource("https://mirror.example.com/tw", f"v{__version__}")),
    (URL, None, HookSource(URL, "v3.0.0"), HookSource(URL, "v3.0.0")),
])
def test_options_over_the_entry_and_the_installation(
        repo: str | None, rev: str | None, current: HookSource | None,
        expected: HookSource) -> None:
    chosen = choose_source(repo, rev, LOCAL, current)
    assert (chosen.repo, chosen.rev) == (expected.repo, expected.rev)


def test_rev_with_a_local_hook_is_refused() -> None:
    with pytest.raises(InitError, match=r"--rev does not apply to --repo local"):
        choose_source("local", "v1", LOCAL)


def test_retarget_changes_repo_and_rev_in_place_keeping_the_rest() -> None:
    text = EXISTING.replace("ci:\n", BLOCK.replace(f"rev: {REV}", f"rev: {REV}  # pinned")
                            + "ci:\n")
    out = retarget(text, HookSource("https://mirror.example.com/tw", "v2.0.0"))
    assert out == text.replace(f"- repo: {URL}", "- repo: https://mirror.example.com/tw") \
        .replace(f"rev: {REV}  # pinned", "rev: v2.0.0  # pinned")
    assert retarget(text, REMOTE) is None  # already there


def test_retarget_switches_between_the_local_and_the_remote_form() -> None:
    local = add_hook(EXISTING, HookSource())
    assert local is not None
    remote = retarget(local, REMOTE)
    assert remote == EXISTING.replace("ci:\n", BLOCK + "ci:\n")
    assert retarget(remote, HookSource()) == local
    assert retarget(local, HookSource()) is None


def test_switching_forms_never_drops_settings_of_the_entry() -> None:
    text = "repos:\n" + BLOCK + "        args: [--fail-on, high]\n"
    with pytest.raises(InitError, match="has settings of its own"):
        retarget(text, HookSource())


def test_init_rev_updates_an_existing_entry(tmp_path: Path, probe: ProbeRun) -> None:
    repo = init_repo(tmp_path / "repo")
    (repo / ".pre-commit-config.yaml").write_text("repos:\n" + BLOCK)
    done = probe(repo, "TW901", "init", "--rev", "v9.9.10")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == (
        f"tokenward: .pre-commit-config.yaml: the tokenward hook now uses {URL} at v9.9.10")
    assert (repo / ".pre-commit-config.yaml").read_text() == "repos:\n" + BLOCK.replace(
        REV, "v9.9.10")


def test_init_writes_the_hook_at_the_top_of_the_work_tree(tmp_path: Path,
                                                          probe: ProbeRun) -> None:
    repo = init_repo(tmp_path / "repo")
    (repo / "service").mkdir()
    done = probe(repo / "service", "TW901", "init", "--repo", URL, "--rev", REV)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == (
        f"tokenward: {repo}/.pre-commit-config.yaml: created with the tokenward hook "
        f"({URL} at {REV}: --repo/--rev)")
    assert (repo / ".pre-commit-config.yaml").read_text() == "repos:\n" + BLOCK


def test_init_outside_git_says_so_and_writes_nothing(tmp_path: Path, probe: ProbeRun) -> None:
    done = probe(tmp_path, "TW901", "init")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (f"tokenward: error: {tmp_path} is not in a git repository, and "
                           "pre-commit runs hooks from git: run `git init` first (nothing "
                           "was written)\n")
    assert list(tmp_path.iterdir()) == []
