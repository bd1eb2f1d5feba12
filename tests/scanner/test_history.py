"""``scan --history`` on real git repositories built here: what was removed is found, at
the commit that introduced it, each blob read once, bad input handled."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import warnings
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from tests.hooks.conftest import commit_all, git, init_repo
from tokenward.cli import main
from tokenward.config import Config
from tokenward.model import Finding, ScanResult
from tokenward.rules import RULES
from tokenward.scanner import history
from tokenward.scanner.git import Blob, GitError
from tokenward.scanner.history import HistoryRange, HistoryWarning, scan_history

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def github_token(seed: str) -> str:
    """A GitHub classic token whose checksum holds (TW101 and TW103 take it as real)."""
    body = (seed * 30)[:30]
    number, digits = zlib.crc32(body.encode()), ""
    while number:
        number, rest = divmod(number, 62)
        digits = _BASE62[rest] + digits
    return "ghp_" + body + digits.rjust(6, "0")


TOKEN = github_token("aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0")
OTHER = github_token("Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0")
LINE = f'GITHUB_TOKEN = "{TOKEN}"\n'


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = init_repo(tmp_path / "repo")
    monkeypatch.chdir(path)
    return path


def write(repo: Path, name: str, text: str) -> None:
    (repo / name).parent.mkdir(parents=True, exist_ok=True)
    (repo / name).write_text(text)


def sha(repo: Path, rev: str = "HEAD") -> str:
    return git(repo, "rev-parse", rev).strip()


def scan(*revisions: str, **kw: object) -> ScanResult:
    return scan_history(HistoryRange(tuple(revisions), **kw), Config(), RULES,  # type: ignore[arg-type]
                        jobs=1, use_cache=False)


def where(findings: Sequence[Finding]) -> list[tuple[str, str, int, int, str, bool]]:
    """(rule, path, line, column, commit, present at HEAD) of each finding."""
    out = []
    for f in findings:
        assert f.history is not None
        out.append((f.rule_id, f.path, f.line, f.span.column, f.history.commit,
                    f.history.present_at_head))
    return out


def test_a_token_added_then_removed_is_found_at_the_commit_that_added_it(repo: Path) -> None:
    write(repo, "app.py", "import os\n")
    commit_all(repo, "start")
    write(repo, "app.py", "import os\n" + LINE)
    commit_all(repo, "add the token")
    added = sha(repo)
    write(repo, "app.py", "import os\nGITHUB_TOKEN = os.environ['GITHUB_TOKEN']\n")
    commit_all(repo, "remove it")
    result = scan()
    assert where(result.findings) == [("TW101", "app.py", 2, 16, added, False)]
    found = result.findings[0]
    assert found.history is not None
    assert found.history.author_date == git(repo, "log", "-1", "--format=%aI", added).strip()
    assert found.history.rotation is not None and "github.com/settings/tokens" in \
        found.history.rotation
    assert TOKEN not in repr(result)
    assert result.history is not None and result.history.commits == 3


def test_the_cli_says_only_in_history_and_the_steps_in_order(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo, "app.py", LINE)
    commit_all(repo, "add")
    added = sha(repo)
    write(repo, "app.py", "x = 1\n")
    commit_all(repo, "remove")
    assert main(["scan", "--history", "--no-cache"]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == ("app.py:1:16: TW101 [critical] Hard-coded GitHub personal access token "
                        "bound to GITHUB_TOKEN")
    assert lines[2].startswith(f"    commit {added[:12]} (")
    assert lines[2].endswith("): only in history: removed from the code since, still in "
                             "every clone")
    assert lines[3].startswith("    1. revoke and rotate it at the provider first: GitHub "
                               "personal access token: Revoke it at https://github.com/")
    assert lines[4].startswith("    2. then, only if the repository is private")
    assert "git filter-repo --replace-text FILE" in lines[4]
    assert lines[-1] == ("tokenward: 1 finding in 2 commits, 2 blobs: 1 critical; "
                         "1 only in history")
    assert TOKEN not in out


def test_json_and_sarif_carry_the_commit(repo: Path, capsys: pytest.CaptureFixture[str]
                                         ) -> None:
    git(repo, "remote", "add", "origin", "https://bot:s3cr3t-pass@example.com/team/app.git")
    write(repo, "app.py", LINE)
    commit_all(repo, "add")
    added = sha(repo)
    assert main(["scan", "--history", "--no-cache", "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    finding = doc["findings"][0]
    assert (finding["commit"], finding["present_at_head"]) == (added, True)
    assert finding["author_date"] == git(repo, "log", "-1", "--format=%aI").strip()
    assert doc["history"] == {"revisions": [], "head": added, "commits": 1, "blobs": 1,
                              "shallow": False, "only_in_history": 0}
    assert main(["scan", "--history", "--no-cache", "--format", "sarif"]) == 1
    out = capsys.readouterr().out
    run = json.loads(out)["runs"][0]
    assert run["versionControlProvenance"] == [
        {"repositoryUri": "https://example.com/team/app.git", "revisionId": added}]
    props = run["results"][0]["properties"]
    assert (props["commit"], props["presentAtHead"]) == (added, True)
    assert "s3cr3t" not in out and TOKEN not in out


def test_a_token_moved_between_files_is_one_finding_still_at_head(repo: Path) -> None:
    write(repo, "a.py", LINE)
    write(repo, "b.py", "import os\n")
    commit_all(repo, "a holds it")
    first = sha(repo)
    write(repo, "a.py", "import os\n")
    write(repo, "b.py", "import os\n" + LINE)
    commit_all(repo, "move it to b")
    assert where(scan().findings) == [("TW101", "a.py", 1, 16, first, True)]


def test_a_renamed_file_is_followed(repo: Path) -> None:
    write(repo, "old.py", "import os\n" + LINE + "x = 1\n" * 20)
    commit_all(repo, "add")
    first = sha(repo)
    git(repo, "mv", "old.py", "new.py")
    commit_all(repo, "rename")
    assert where(scan().findings) == [("TW101", "old.py", 2, 16, first, True)]


def test_a_merge_counts_what_the_branch_added_once_and_what_it_added_itself(repo: Path
                                                                            ) -> None:
    write(repo, "app.py", "a = 1\n")
    commit_all(repo, "base")
    git(repo, "checkout", "-q", "-b", "feature")
    write(repo, "feature.py", LINE)
    commit_all(repo, "feature adds a token")
    on_branch = sha(repo)
    git(repo, "checkout", "-q", "main")
    write(repo, "app.py", "a = 2\n")
    commit_all(repo, "main moves on")
    git(repo, "merge", "-q", "--no-ff", "--no-commit", "feature")
    write(repo, "app.py", f'a = 2\nAPI_TOKEN = "{OTHER}"\n')  # an evil merge
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "merge")
    merge = sha(repo)
    assert where(scan().findings) == [
        ("TW101", "app.py", 2, 13, merge, True),
        ("TW101", "feature.py", 1, 16, on_branch, True),
    ]


def test_a_deleted_branch_reachable_only_through_a_tag(repo: Path) -> None:
    write(repo, "app.py", "a = 1\n")
    commit_all(repo, "base")
    git(repo, "checkout", "-q", "-b", "experiment")
    write(repo, "app.py", "a = 1\n" + LINE)
    commit_all(repo, "experiment")
    tagged = sha(repo)
    git(repo, "tag", "old-experiment")
    git(repo, "checkout", "-q", "main")
    git(repo, "branch", "-q", "-D", "experiment")
    assert where(scan().findings) == [("TW101", "app.py", 2, 16, tagged, False)]
    assert scan("main").findings == ()


def test_a_pull_request_range_reports_only_what_its_commits_added(repo: Path) -> None:
    write(repo, "old.py", LINE)
    commit_all(repo, "an old finding on main")
    git(repo, "checkout", "-q", "-b", "pr")
    write(repo, "old.py", LINE + "x = 1\n")  # touches the file, adds no secret
    commit_all(repo, "edit")
    write(repo, "new.py", f'API_TOKEN = "{OTHER}"\n')
    commit_all(repo, "add a token")
    added = sha(repo)
    write(repo, "new.py", "x = 2\n")
    commit_all(repo, "and remove it again")
    assert where(scan("main..pr").findings) == [("TW101", "new.py", 1, 13, added, False)]


def test_since_and_max_count_narrow_the_commits(repo: Path) -> None:
    write(repo, "a.py", LINE)
    commit_all(repo, "old")
    os.environ["GIT_COMMITTER_DATE"] = "2030-01-01T00:00:00"
    try:
        write(repo, "b.py", f'API_TOKEN = "{OTHER}"\n')
        commit_all(repo, "new")
    finally:
        del os.environ["GIT_COMMITTER_DATE"]
    newest = sha(repo)
    assert [w[1] for w in where(scan(max_count=1).findings)] == ["b.py"]
    assert [w[4] for w in where(scan(since="2029-12-31").findings)] == [newest]
    assert len(scan().findings) == 2


def test_a_code_mistake_that_is_gone_is_not_reported(repo: Path) -> None:
    weak = "import random\n\ndef reset_token():\n    return str(random.random())\n"
    write(repo, "tokens.py", weak)
    commit_all(repo, "weak")
    first = sha(repo)
    assert [(w[0], w[4], w[5]) for w in where(scan().findings)] == [("TW201", first, True)]
    write(repo, "tokens.py", "import secrets\n\ndef reset_token():\n"
                             "    return secrets.token_urlsafe(32)\n")
    commit_all(repo, "fixed")
    assert scan().findings == ()


def test_old_versions_are_parsed_only_for_what_head_still_has(repo: Path) -> None:
    # A code finding counts only while HEAD has it: once HEAD's file has no finding of a
    # rule, its old versions are not parsed for that rule (nor at all, here).
    weak = "import random\n\ndef reset_token():\n    return str(random.random())\n"
    write(repo, "tokens.py", weak)
    write(repo, "gone.py", weak + "# another blob\n")
    commit_all(repo, "weak")
    first = sha(repo)
    assert scan().stats["parsed"] == 2
    write(repo, "tokens.py", weak + "\ndef other_token():\n    return str(random.random())\n")
    (repo / "gone.py").unlink()
    commit_all(repo, "another, and one file gone")
    result = scan()
    assert [(w[0], w[1], w[2], w[4]) for w in where(result.findings)] == [
        ("TW201", "tokens.py", 4, first), ("TW201", "tokens.py", 7, sha(repo))]
    assert result.stats["parsed"] == 2  # both versions of tokens.py, not gone.py
    # A size given by name: TW202 parses HEAD's file to fold it (a literal 32 it reads on
    # its ast screen).
    write(repo, "tokens.py", "import secrets\n\nSIZE = 32\n\ndef reset_token():\n"
                             "    return secrets.token_urlsafe(SIZE)\n")
    commit_all(repo, "fixed")
    result = scan()
    assert (result.findings, result.stats["parsed"]) == ((), 1)  # HEAD's tokens.py alone


def test_later_versions_are_not_parsed_for_a_line_an_earlier_one_added(repo: Path) -> None:
    weak = "import random\n\ndef reset_token():\n    return str(random.random())\n"
    write(repo, "tokens.py", weak)
    commit_all(repo, "weak")
    first = sha(repo)
    for n in range(3):  # each edit passes TW201's cheap test, none adds its line again
        weak += f"\n# reset_token uses random.random(), note {n}\n"
        write(repo, "tokens.py", weak)
        commit_all(repo, f"note {n}")
    result = scan()
    assert [(w[0], w[1], w[2], w[4]) for w in where(result.findings)] == [
        ("TW201", "tokens.py", 4, first)]
    assert result.stats["parsed"] == 2  # the version that added the line, and HEAD's


def test_a_version_holding_only_what_came_before_is_not_compared(repo: Path) -> None:
    # Each copy of the token passes TW101's cheap test; the version before it (an edit
    # that does not) was never scanned. The copy's version holds only the secret an
    # earlier commit introduced, so what it replaced is not scanned to compare.
    text = LINE
    write(repo, "app.py", text)
    commit_all(repo, "token")
    added = sha(repo)
    for n in range(3):
        text += f"x{n} = {n}\n"
        write(repo, "app.py", text)
        commit_all(repo, f"edit {n}")
        text += f'BACKUP_TOKEN_{n} = "{TOKEN}"\n'
        write(repo, "app.py", text)
        commit_all(repo, f"copy {n}")
    result = scan()
    assert where(result.findings) == [("TW101", "app.py", 1, 16, added, True)]
    assert result.stats["parsed"] == 4  # the first version and each copy's, no edit's


def test_the_same_blob_in_100_commits_is_read_once(repo: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    write(repo, "app.py", LINE)
    for n in range(100):
        write(repo, f"other_{n}.py", f"x = {n}\n")
        write(repo, "app.py", LINE if n % 2 else LINE + "y = 1\n")  # two blobs, back and forth
        commit_all(repo, f"change {n}")
    reads: Counter[str] = Counter()
    real = history.read_blobs

    def counting(root: Path, ids: Sequence[str]) -> Iterator[Blob]:
        reads.update(ids)
        return real(root, ids)
    monkeypatch.setattr(history, "read_blobs", counting)
    result = scan()
    assert len(result.findings) == 1
    assert max(reads.values()) == 1
    app_blobs = {git(repo, "rev-parse", f"HEAD~{n}:app.py").strip() for n in range(2)}
    assert app_blobs <= set(reads)


def test_commits_read_in_parts_by_workers_are_the_ones_read_alone(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A long history is read in parts by a pool of processes (git log -p and the gate in
    # each): the same commits, changes and gated rules, in the same topological order.
    for n in range(12):
        write(repo, f"mod_{n % 3}.py", f"x = {n}\n" + (LINE if n == 5 else ""))
        if n == 8:
            git(repo, "mv", "mod_0.py", "renamed.py")
        commit_all(repo, f"change {n}")
    alone, _ = history.list_commits(repo, HistoryRange(), RULES, workers=1)
    monkeypatch.setattr(history, "_PART_MIN", 2)  # 12 commits: 6 parts of 2
    here: list[int] = []
    real = history._read_commits

    def read_here(root: Path, ids: Sequence[str], marker: str, gate: history.Gate
                  ) -> list[history.Commit]:
        here.append(len(ids))  # recorded in this process only: the workers' go nowhere
        return real(root, ids, marker, gate)
    monkeypatch.setattr(history, "_read_commits", read_here)
    in_parts, _ = history.list_commits(repo, HistoryRange(), RULES, workers=2)
    assert here == []  # every part was read by a worker
    assert _canonical(in_parts) == _canonical(alone)
    assert [c.id for c in alone] == git(repo, "log", "--reverse", "--format=%H").split()
    assert [ch.renamed_from for c in alone for ch in c.changes if ch.renamed_from] == [
        "mod_0.py"]
    assert {"TW101", "TW103"} <= {r for c in alone for ch in c.changes for r in ch.rules}


def _canonical(commits: Sequence[history.Commit]) -> list[tuple[object, ...]]:
    return [(c.id, c.author_date, [(ch.path, ch.mode, ch.blob, ch.replaced, ch.renamed_from,
                                     sorted(ch.rules), ch.lfs) for ch in c.changes])
            for c in commits]


def test_a_rescan_reads_only_new_blobs(repo: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOKENWARD_CACHE_DIR", str(tmp_path / "cache"))
    write(repo, "app.py", LINE)
    commit_all(repo, "one")

    def run() -> ScanResult:
        return scan_history(HistoryRange(), Config(), RULES, jobs=1, use_cache=True)
    cold = run()
    assert (cold.stats["blobs_read"], cold.stats["commits_read"]) == (1, 1)
    warm = run()
    assert (warm.stats["blobs_read"], warm.stats["commits_read"]) == (0, 0)
    assert where(warm.findings) == where(cold.findings)
    write(repo, "more.py", f'API_TOKEN = "{OTHER}"\n')
    commit_all(repo, "two")
    third = run()
    assert (third.stats["blobs_read"], third.stats["commits_read"]) == (1, 1)
    assert [w[1] for w in where(third.findings)] == ["app.py", "more.py"]


def test_baselines_and_inline_suppressions_apply(repo: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    write(repo, "app.py", LINE)
    write(repo, "b.py", f'API_TOKEN = "{OTHER}"\n')
    commit_all(repo, "two secrets")
    assert main(["baseline", "create", "--file", "../baseline.json"]) == 0
    write(repo, "b.py", f'API_TOKEN = "{OTHER}"  # tokenward: ignore[TW101] test fixture\n')
    commit_all(repo, "silenced at HEAD")
    capsys.readouterr()
    assert main(["scan", "--history", "--no-cache", "--baseline", "../baseline.json"]) == 0
    assert capsys.readouterr().out.endswith("; 2 suppressed\n")


def test_a_range_that_does_not_resolve_is_exit_2_with_gits_message(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo, "a.py", "a = 1\n")
    commit_all(repo)
    assert main(["scan", "--history", "nowhere..HEAD"]) == 2
    assert capsys.readouterr().err == ("tokenward: error: git log failed: fatal: bad "
                                       "revision 'nowhere..HEAD'\n")
    assert main(["scan", "--history", "--", "--output=x"]) == 2
    assert "not a revision or range: '--output=x'" in capsys.readouterr().err
    assert main(["scan", "--since", "2024-01-01"]) == 2
    assert capsys.readouterr().err == "tokenward: error: --since goes with --history\n"
    assert main(["scan", "--history", "--staged"]) == 2
    assert capsys.readouterr().err == ("tokenward: error: --history and --staged cannot be "
                                       "combined\n")


def test_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(GitError, match="not inside a git repository"):
        scan()


def test_a_shallow_clone_says_so_and_scans_what_it_has(repo: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    write(repo, "a.py", LINE)
    commit_all(repo, "old")
    write(repo, "b.py", f'API_TOKEN = "{OTHER}"\n')
    commit_all(repo, "new")
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)],
                   check=True)
    monkeypatch.chdir(clone)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = scan()
    assert [str(w.message).split(":")[0] for w in caught
            if w.category is HistoryWarning] == ["this is a shallow clone"]
    assert result.history is not None and result.history.shallow
    # The one commit it has holds both files: both secrets, at that commit.
    assert [(w[1], w[4]) for w in where(result.findings)] == [
        ("a.py", sha(clone)), ("b.py", sha(clone))]


def test_submodules_lfs_pointers_binary_and_huge_blobs(repo: Path, tmp_path: Path) -> None:
    sub = init_repo(tmp_path / "sub")
    write(sub, "x.py", "x = 1\n")
    commit_all(sub)
    git(repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub), "vendored")
    (repo / "model.bin").write_text("version https://git-lfs.github.com/spec/v1\n"
                                    "oid sha256:" + "a" * 64 + "\nsize 123\n")
    (repo / "image.dat").write_bytes(b"\0\1\2" * 100 + TOKEN.encode())
    # 2.4 MB of text whose added lines look like they hold a secret: over the size cap.
    (repo / "huge.py").write_text(LINE + "x = 1\n" * 400_000)
    commit_all(repo, "odd files")
    result = scan()
    reasons = {(s.path, s.reason) for s in result.skipped}
    assert {("vendored", "submodule"), ("model.bin", "lfs-pointer"),
            ("image.dat", "binary")} <= reasons
    assert [(e.path, e.unscanned) for e in result.errors] == [("huge.py", True)]
    assert result.errors[0].message.startswith("not scanned: 2.3 MiB is over the size cap")
    assert "first in commit" in result.errors[0].message


def test_a_corrupt_object_is_an_error_and_the_scan_goes_on(repo: Path) -> None:
    body = "".join(f"line_{n} = {n * 7919 % 1000}\n" for n in range(3000))
    write(repo, "broken.py", "# token here\n" + body)
    write(repo, "app.py", LINE)
    commit_all(repo, "two files")
    blob = git(repo, "rev-parse", "HEAD:broken.py").strip()
    loose = repo / ".git" / "objects" / blob[:2] / blob[2:]
    data = bytearray(loose.read_bytes())
    for i in range(len(data) // 2, len(data) // 2 + 40):
        data[i] ^= 0xFF
    loose.chmod(0o644)
    loose.write_bytes(bytes(data))
    result = scan()
    assert [w[1] for w in where(result.findings)] == ["app.py"]
    assert [(e.path, e.unscanned) for e in result.errors] == [("broken.py", True)]
    assert result.errors[0].message.startswith(f"cannot read git object {blob}: ")


@pytest.mark.skipif(shutil.which("git-filter-repo") is None
                    and os.environ.get("TOKENWARD_REQUIRE_TOOLS") != "1",
                    reason="git filter-repo is not installed")
def test_the_purge_file_lets_filter_repo_remove_the_secret(
        repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo, "app.py", "import os\n" + LINE)
    commit_all(repo, "leak")
    write(repo, "app.py", "import os\n")
    commit_all(repo, "remove")
    purge = tmp_path / "purge.txt"
    assert main(["history-purge-file", str(purge)]) == 0
    out = capsys.readouterr().out
    assert "1 replacement for 1 secret" in out and "(0600)" in out and TOKEN not in out
    assert purge.stat().st_mode & 0o777 == 0o600
    assert purge.read_text() == f"literal:{TOKEN}==>***REMOVED-BY-TOKENWARD***\n"
    subprocess.run(["git", "filter-repo", "--force", "--replace-text", str(purge)], cwd=repo,
                   check=True, capture_output=True)
    assert TOKEN not in git(repo, "log", "--all", "-p")
    assert "***REMOVED-BY-TOKENWARD***" in git(repo, "log", "--all", "-p")
    assert scan().findings == ()


def test_the_purge_file_is_never_written_into_the_repository(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo, "app.py", LINE)
    commit_all(repo)
    assert main(["history-purge-file", "purge.txt"]) == 2
    assert capsys.readouterr().err == ("tokenward: error: purge.txt is inside the repository: "
                                       "write the file elsewhere (it holds the secrets in "
                                       "clear)\n")
    assert not (repo / "purge.txt").exists()


def test_train_teaches_history_when_the_scan_found_leaks(repo: Path) -> None:
    from tokenward.training import build
    from tokenward.training.render import render_lesson_markdown

    write(repo, "app.py", LINE)
    commit_all(repo, "leak")
    write(repo, "app.py", "x = 1\n")
    commit_all(repo, "remove")
    session = build(scan().findings, root=repo, with_fix_diffs=False)
    assert [(x.rule_id, x.history_leaks) for x in session.lessons] == [("TW101", 1)]
    text = render_lesson_markdown(session, 1)
    assert ("### Still in git history\n\n1 secret of this lesson is no longer in the code, "
            "but still in the repository's history.\n") in text
    assert "git filter-repo --replace-text FILE" in text and TOKEN not in text
    assert any("still in git history" in note for note in session.trainer_notes)


def test_a_diff_that_spells_an_anchor_and_no_token_is_not_read(repo: Path) -> None:
    # "sk" and "pat" are anchors of token formats; nothing here could be a token.
    write(repo, "notes.txt", "Ask the maintainers which path to take.\n")
    commit_all(repo, "notes")
    result = scan()
    assert (result.findings, result.stats["blobs_read"]) == ((), 0)


def test_a_keyword_added_beside_an_old_value_introduces_the_token(repo: Path) -> None:
    # The value came first, alone (no finding); the commit that names the provider on the
    # line above makes it a Heroku key: that commit introduced it.
    write(repo, "deploy.txt", "key = 3f2b9c1e-7d4a-4e8b-9a6c-5e1d2f3a4b7c\n")
    commit_all(repo, "a value")
    write(repo, "deploy.txt", "# heroku\nkey = 3f2b9c1e-7d4a-4e8b-9a6c-5e1d2f3a4b7c\n")
    commit_all(repo, "its provider")
    assert [(w[0], w[1], w[2], w[4]) for w in where(scan().findings)] == [
        ("TW103", "deploy.txt", 2, sha(repo))]


def pem(seed: int) -> str:
    """A private key whose body spells no provider anchor (made again: same header)."""
    alphabet = "0123456789+/QWXYZ"
    body = "".join(alphabet[(seed * 7919 + i * i * 31 + i) % len(alphabet)]
                   for i in range(64 * 6))
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END PRIVATE KEY-----\n"


def test_a_private_key_made_again_under_the_same_header_is_introduced_again(repo: Path
                                                                           ) -> None:
    # The diff of a regenerated key holds only body lines: no header, no anchor.
    write(repo, "server.key", pem(1))
    commit_all(repo, "a key")
    first = sha(repo)
    write(repo, "server.key", pem(2))
    commit_all(repo, "the key made again")
    assert [(w[0], w[1], w[2], w[4], w[5]) for w in where(scan().findings)] == [
        ("TW103", "server.key", 1, first, False), ("TW103", "server.key", 1, sha(repo), True)]
