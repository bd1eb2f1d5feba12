"""``--diff-base``: only lines added or changed since the merge base, all of a new file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hooks.conftest import MARK, ProbeRun, commit_all, git, init_repo, make_finding
from tokenward.scanner.diff import ChangedFile, on_changed_lines, parse_diff, unquote_path
from tokenward.scanner.git import GitError

PATCH = b"""diff --git a/app.py b/app.py
index 1111111..2222222 100644
--- a/app.py
+++ b/app.py
@@ -3 +3 @@ x
-old
+new
@@ -10,0 +11,2 @@ y
+added
+added
@@ -20,2 +21,0 @@ z
diff --git a/fresh.py b/fresh.py
new file mode 100644
index 0000000..3333333
--- /dev/null
+++ b/fresh.py
@@ -0,0 +1 @@
+hello
diff --git a/gone.py b/gone.py
deleted file mode 100644
--- a/gone.py
+++ /dev/null
@@ -1 +0,0 @@
-bye
diff --git "a/odd\\tname.py" "b/odd\\tname.py"
--- "a/odd\\tname.py"
+++ "b/odd\\tname.py"
@@ -1 +1 @@
-a
+b
"""


def test_parse_diff() -> None:
    assert parse_diff(PATCH) == {
        "app.py": (False, {3, 11, 12}),
        "fresh.py": (True, {1}),
        "odd\tname.py": (False, {1}),
    }


@pytest.mark.parametrize(("raw", "path"), [
    (b"b/plain.py", "b/plain.py"),
    (b'"b/tab\\there.py"', "b/tab\there.py"),
    (b'"b/\\303\\274.py"', "b/ü.py"),
    (b'"b/quote\\"d.py"', 'b/quote"d.py'),
])
def test_unquote_path(raw: bytes, path: str) -> None:
    assert unquote_path(raw) == path


def test_multi_line_finding_touching_a_changed_line_counts() -> None:
    changed = {"a.py": ChangedFile("a.py", lines=frozenset({5}))}
    inside = make_finding("a.py", 4)
    inside = inside.__class__(**{**inside.__dict__, "span": inside.span.__class__(4, 1, 6, 2)})
    assert on_changed_lines([inside, make_finding("a.py", 7), make_finding("b.py", 5)],
                            changed) == [inside]


@pytest.fixture
def feature(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """main has old.py with a token on line 2; the feature branch adds one on line 4,
    changes line 1, adds new.py with a token, and main moves on after the branch point."""
    repo = init_repo(tmp_path / "repo")
    (repo / "old.py").write_text(f'a = 1\nOLD = "{MARK}"\nb = 2\n')
    (repo / "moved.py").write_text(f'M = "{MARK}"\n')
    commit_all(repo, "base")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "old.py").write_text(f'a = 10\nOLD = "{MARK}"\nb = 2\nNEW = "{MARK}X"\n')
    (repo / "new.py").write_text(f'\n\nFRESH = "{MARK}Y"\n')
    git(repo, "mv", "moved.py", "renamed.py")
    commit_all(repo, "feature work")
    git(repo, "checkout", "-q", "main")
    (repo / "later.py").write_text(f'L = "{MARK}"\n')
    commit_all(repo, "main moves on")
    git(repo, "checkout", "-q", "feature")
    monkeypatch.chdir(repo)
    return repo


def test_gate_reports_only_added_lines_and_new_files(feature: Path, probe: ProbeRun) -> None:
    done = probe(feature, "TW901", "scan", "--diff-base", "main")
    assert done.returncode == 1
    assert [line for line in done.stdout.splitlines() if "TW901" in line] == [
        "new.py:3:10: TW901 [high] marker found in marker",
        "old.py:4:8: TW901 [high] marker found in marker",
    ]
    assert done.stdout.splitlines()[-1] == "tokenward: 2 findings in 2 files (2 scanned): 2 high"


def test_uncommitted_and_untracked_work_counts_too(feature: Path, probe: ProbeRun) -> None:
    (feature / "scratch.py").write_text(f'S = "{MARK}"\n')
    done = probe(feature, "TW901", "scan", "--diff-base", "main", "-f", "json")
    assert done.returncode == 1
    assert '"path": "scratch.py"' in done.stdout


def test_clean_feature_branch_passes(feature: Path, probe: ProbeRun) -> None:
    git(feature, "checkout", "-q", "-b", "tidy", "main")
    (feature / "docs.md").write_text("nothing secret\n")
    commit_all(feature, "docs")
    done = probe(feature, "TW901", "scan", "--diff-base", "main")
    assert (done.returncode, done.stdout) == (0, "tokenward: 0 findings in 0 files (1 scanned)\n")


def test_unknown_base_is_a_usage_error(feature: Path, probe: ProbeRun) -> None:
    done = probe(feature, "TW901", "scan", "--diff-base", "no-such-branch")
    assert done.returncode == 2
    assert done.stderr.startswith("tokenward: error: no merge base with 'no-such-branch': ")


def test_diff_base_outside_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tokenward.scanner.diff import changed_files

    monkeypatch.chdir(tmp_path)
    with pytest.raises(GitError, match="not inside a git repository"):
        changed_files("main")
