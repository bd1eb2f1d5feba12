"""Issue 15, items 4, 9, 13, 14 and the cache half of 17, each attack performed for real.

- Settings above the repository, or owned by another user, blind the scan (item 4).
- ``jobs = 100000`` in a cloned repository's settings forks without bound (item 9).
- Cache rows rewritten to "no findings" let a token through; the cache grows without bound
  (item 13); under ``umask 000`` the cache's folders and files are open to all (item 17).
- ``secret_hash`` (PBKDF2, public salt) in JSON/SARIF gives a password to a word list
  (item 14).

Secret-shaped values are made at run time, never written in this file.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import secrets
import sqlite3
import stat
import string
import zlib
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from tests.hooks.conftest import git, init_repo
from tokenward.cli import main as cli_main
from tokenward.config import Config, cpu_count
from tokenward.hooks.precommit import main as hook_main
from tokenward.model import ScanError
from tokenward.rules import RULES
from tokenward.scanner import cache as result_cache
from tokenward.scanner.engine import FileResult, FileTask
from tokenward.scanner.pipeline import scan
from tokenward.scanner.fingerprint import fingerprint, value_check

_B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
NOBODY = 65534


def github_token() -> str:
    """A fake GitHub token with a valid checksum (the issue's helper, in Python)."""
    body = "".join(random.choice(_B62) for _ in range(30))
    number, checksum = zlib.crc32(body.encode()), ""
    while number:
        number, digit = divmod(number, 62)
        checksum = _B62[digit] + checksum
    return "ghp_" + body + checksum.rjust(6, "0")


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli_main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_hook(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = hook_main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def chown_or_skip(path: Path, uid: int = NOBODY) -> None:
    try:
        os.chown(path, uid, uid)
    except PermissionError:
        pytest.skip("cannot chown to another user here (tests must run as root for this)")


TOKEN_LINE = "app.py:1:16: TW101 [critical] Hard-coded GitHub personal access token bound to " \
             "GITHUB_TOKEN"


@pytest.fixture
def shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """/tmp/shared as the review found it: settings excluding everything above a real git
    repository that has a staged GitHub token."""
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / ".tokenward.toml").write_text('exclude = ["**"]\n')
    repo = init_repo(shared / "repo")
    (repo / "app.py").write_text(f'GITHUB_TOKEN = "{github_token()}"\n')
    git(repo, "add", "app.py")
    monkeypatch.chdir(repo)
    return repo


# -- item 4: settings above the repository root -------------------------------------------

def test_settings_above_the_repository_do_not_blind_the_hook(
        shared: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_hook(capsys, "app.py")
    assert code == 1 and out.startswith(TOKEN_LINE + "\n")
    code, out, _ = run_hook(capsys, "--staged")
    assert code == 1 and out.startswith(TOKEN_LINE + "\n")


def test_settings_above_the_repository_do_not_blind_scan_or_the_ci_gate(
        shared: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "scan", "--no-cache")
    assert code == 1 and out.startswith(TOKEN_LINE + "\n")
    code, out, _ = run_cli(capsys, "scan", "--staged", "--no-cache")
    assert code == 1 and out.startswith(TOKEN_LINE + "\n")
    code, out, _ = run_cli(capsys, "fix")  # dry run: the token is planned to move
    assert code == 1 and "GITHUB_TOKEN" in out and "app.py" in out


def test_settings_inside_the_repository_still_apply_from_a_subfolder(
        shared: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (shared / ".tokenward.toml").write_text('fail_on = "critical"\n')
    # A key without a checksum is high (a validated GitHub token would be critical).
    (shared / "app.py").write_text(f'API_KEY = "{secrets.token_hex(20)}"\n')
    (shared / "pkg").mkdir()
    monkeypatch.chdir(shared / "pkg")
    code, out, _ = run_cli(capsys, "scan", "..", "--no-cache")
    assert code == 0 and out.startswith(f"{shared}/app.py:1:11: TW101 [high]")


def test_outside_git_only_the_starting_folder_is_searched(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".tokenward.toml").write_text('fail_on = "critical"\n')  # the key is high
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "app.py").write_text(f'API_KEY = "{secrets.token_hex(20)}"\n')
    monkeypatch.chdir(tmp_path / "project")
    code, out, _ = run_cli(capsys, "scan", "--no-cache")
    assert code == 1 and out.startswith("app.py:1:11: TW101 [high] Hard-coded API key bound "
                                        "to API_KEY\n")


def test_settings_owned_by_another_user_are_not_read_and_the_run_says_so(
        shared: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = shared / ".tokenward.toml"
    settings.write_text('exclude = ["**"]\n')
    chown_or_skip(settings)
    warning = (f"tokenward: warning: {settings}: not read: it is owned by another user "
               f"(uid {NOBODY}); settings are read only from files you own and only you can "
               "write (this run uses the defaults instead)\n")
    code, out, err = run_hook(capsys, "app.py")
    assert (code, err) == (1, warning) and out.startswith(TOKEN_LINE + "\n")
    code, out, err = run_cli(capsys, "scan", "--no-cache")
    assert (code, err) == (1, warning) and out.startswith(TOKEN_LINE + "\n")
    code, _, err = run_cli(capsys, "scan", "--no-cache", "--config", str(settings))
    assert (code, err) == (2, f"tokenward: error: {settings}: not read: it is owned by "
                              f"another user (uid {NOBODY}); tokenward reads settings only "
                              "from files you own and only you can write\n")


def test_settings_others_can_write_are_not_read(
        shared: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = shared / "pyproject.toml"
    settings.write_text('[tool.tokenward]\nexclude = ["**"]\n')
    settings.chmod(0o666)
    code, out, err = run_hook(capsys, "app.py")
    assert code == 1 and out.startswith(TOKEN_LINE + "\n")
    assert err == (f"tokenward: warning: {settings}: not read: other users can write it "
                   "(mode 0666); settings are read only from files you own and only you "
                   "can write (this run uses the defaults instead)\n")


# -- item 9: jobs from settings -------------------------------------------------------------

def test_jobs_above_the_cpu_count_in_settings_is_an_error_naming_file_key_and_limit(
        shared: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = shared / ".tokenward.toml"
    settings.write_text("jobs = 100000\n")
    cpus = cpu_count()
    message = (f"tokenward: error: {settings}: jobs: 100000 is more than the {cpus} CPUs "
               f"here; settings may ask for at most {cpus} (--jobs on the command line "
               f"allows up to {4 * cpus})\n")
    assert run_cli(capsys, "scan", "--no-cache") == (2, "", message)
    assert run_hook(capsys, "app.py") == (2, "", message)
    settings.write_text(f"jobs = {cpus}\n")
    assert run_cli(capsys, "scan", "--no-cache")[0] == 1


def test_jobs_on_the_command_line_is_bounded_at_four_per_cpu(
        shared: Path, capsys: pytest.CaptureFixture[str]) -> None:
    limit = 4 * cpu_count()
    code, _, err = run_cli(capsys, "scan", "--no-cache", "--jobs", str(limit + 1))
    assert code == 2 and f"{limit + 1} is not in the range 1 to {limit}" in err
    assert run_cli(capsys, "scan", "--no-cache", "--jobs", str(limit))[0] == 1


# -- item 13: the result cache ----------------------------------------------------------------

@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache-home" / "tokenward"
    monkeypatch.setenv("TOKENWARD_CACHE_DIR", str(folder))
    return folder


def _rows(folder: Path) -> list[tuple[str, str, str, int]]:
    with sqlite3.connect(folder / result_cache.DB_NAME) as db:
        return list(db.execute("SELECT key, value, mac, used FROM results"))


def test_cache_rows_rewritten_to_no_findings_do_not_let_a_token_through(
        shared: Path, cache_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_hook(capsys, "app.py")[0] == 1
    (row_key, value, _, _), = _rows(cache_home)
    assert json.loads(value)["findings"][0]["rule_id"] == "TW101"
    # The attacker can write the database but not read the key beside it.
    clean = json.dumps({"findings": [], "errors": [], "skipped": None})
    forged = hashlib.sha256(clean.encode()).hexdigest()
    with sqlite3.connect(cache_home / result_cache.DB_NAME) as db:
        db.execute("UPDATE results SET value = ?, mac = ?", (clean, forged))
    code, out, _ = run_hook(capsys, "app.py")
    assert code == 1 and out.startswith(TOKEN_LINE + "\n")
    (key_after, value_after, _, _), = _rows(cache_home)  # the forged row was replaced
    assert key_after == row_key and value_after != clean


def test_the_cache_does_not_depend_on_the_current_folder(
        shared: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (shared / "sub").mkdir()
    (shared / "sub" / "b.py").write_text(f'GITHUB_TOKEN = "{github_token()}"\n')
    config = Config(root=str(shared))
    at_root = scan(["sub/b.py"], config, rules=RULES, use_cache=True)
    monkeypatch.chdir(shared / "sub")
    below = scan(["b.py"], config, rules=RULES, use_cache=True)
    assert below.stats["cache_hits"] == 1 and len(_rows(cache_home)) == 1
    assert [(f.path, f.fingerprint) for f in at_root.findings] == [
        ("sub/b.py", below.findings[0].fingerprint)]
    assert [f.path for f in below.findings] == ["b.py"]


def test_a_foreign_or_loose_key_is_refused_and_the_cache_not_used(
        shared: Path, cache_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_hook(capsys, "app.py")[0] == 1
    key = cache_home / "key"
    key.chmod(0o644)
    code, out, err = run_hook(capsys, "app.py")
    assert code == 1 and out.startswith(TOKEN_LINE + "\n")
    assert err == (f"tokenward: warning: cache key {key} not used: it must be a regular file "
                   "of yours with mode 0600 holding a key (delete it to start afresh); the "
                   "result cache is not used\n")


def test_a_corrupt_cache_is_rebuilt(shared: Path, cache_home: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert run_hook(capsys, "app.py")[0] == 1
    (cache_home / result_cache.DB_NAME).write_bytes(b"not a database" * 100)
    assert run_hook(capsys, "app.py") [0] == 1
    assert len(_rows(cache_home)) == 1


def test_a_cache_grown_past_its_cap_is_pruned(cache_home: Path) -> None:
    limits = result_cache.CacheLimits(max_bytes=256 * 1024)
    # Rows of ~16 KiB (error messages that do not compress), 40 of them: 640 KiB.
    noise = random.Random(13)
    tasks = [FileTask(f"f{i}.txt", str(i).encode()) for i in range(40)]
    for task in tasks:
        messages = ("".join(noise.choice(_B62) for _ in range(2000)) for _ in range(8))
        cache = result_cache.ResultCache.open(Config(), RULES, limits=limits)
        cache.put_many([(task, FileResult(task.path, errors=tuple(
            ScanError(task.path, m) for m in messages)))])
        cache.close()
    assert (cache_home / result_cache.DB_NAME).stat().st_size <= limits.max_bytes
    cache = result_cache.ResultCache.open(Config(), RULES, limits=limits)
    kept = [task.path for task in tasks if cache.get(task) is not None]
    cache.close()
    assert 0 < len(kept) < 40 and kept == [t.path for t in tasks[-len(kept):]]  # the newest


def test_rows_unused_for_the_max_age_are_pruned(
        tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "old.txt").write_text("old\n")
    scan(["old.txt"], Config(root=str(tmp_path)), rules=RULES, use_cache=True)
    with sqlite3.connect(cache_home / result_cache.DB_NAME) as db:
        db.execute("UPDATE results SET used = used - ?",
                   (result_cache.DEFAULT_LIMITS.max_age + 60,))
    (tmp_path / "new.txt").write_text("new\n")
    scan(["new.txt"], Config(root=str(tmp_path)), rules=RULES, use_cache=True)
    assert len(_rows(cache_home)) == 1


# -- item 17 (cache half): modes under umask 000 ---------------------------------------------

@pytest.fixture
def open_umask() -> Iterator[None]:
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_under_umask_000_the_cache_folders_are_0700_and_its_files_0600(
        shared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, open_umask: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.delenv("TOKENWARD_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(home))
    assert run_hook(capsys, "app.py")[0] == 1
    folder = home / ".cache" / "tokenward"
    assert (_mode(home / ".cache"), _mode(folder)) == (0o700, 0o700)
    assert {p.name: _mode(p) for p in folder.iterdir()} == {
        "key": 0o600, result_cache.DB_NAME: 0o600}


def test_a_cache_folder_others_can_write_is_not_used(
        shared: Path, cache_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cache_home.mkdir(parents=True)
    cache_home.chmod(0o777)
    code, out, err = run_hook(capsys, "app.py")
    assert code == 1 and out.startswith(TOKEN_LINE + "\n")
    assert err == (f"tokenward: warning: cache folder {cache_home} not used: other users can "
                   f"write it (mode 0777) (make it yours alone: chmod 700 {cache_home})\n")
    assert list(cache_home.iterdir()) == []


# -- item 14: a dictionary attack on what is published -------------------------------------

def _word_list() -> list[str]:
    """1,594 password-like words of 11 characters (a word and digits), as an attacker's
    small list would hold them."""
    rng = random.Random(15)
    words: set[str] = set()
    while len(words) < 1594:
        stem = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(5, 9)))
        words.add(stem + "".join(rng.choice(string.digits) for _ in range(11 - len(stem))))
    return sorted(words)


def _old_secret_hash(word: str) -> str:
    """The construction that was published: PBKDF2-SHA256, 2,000 rounds, one public salt."""
    return hashlib.pbkdf2_hmac("sha256", word.encode(), b"tokenward-secret-hash-v1",
                               2000).hex()[:32]


def _old_attack(word: str, published: frozenset[str], path: str, rule_id: str) -> bool:
    old = _old_secret_hash(word)
    return old in published or fingerprint(path, rule_id, old, 0) in published


def _check_matches(args: tuple[str, str, str]) -> bool:
    word, print_, check = args
    return value_check(word, print_) == check


def _hex_fields(document: object) -> Iterator[str]:
    """Every hash-like value anywhere in a JSON document."""
    if isinstance(document, dict):
        for value in document.values():
            yield from _hex_fields(value)
    elif isinstance(document, list):
        for value in document:
            yield from _hex_fields(value)
    elif isinstance(document, str) and re.fullmatch(r"[0-9a-f]{2,}", document):
        yield document


def test_a_word_list_cannot_single_out_a_password_from_json_sarif_or_baseline(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    words = _word_list()
    password = words[1000]
    monkeypatch.chdir(tmp_path)
    Path("settings.py").write_text(f'DB_PASSWORD = "{password}"\n')
    assert run_cli(capsys, "scan", "-f", "json", "-o", "report.json")[0] == 1
    assert run_cli(capsys, "scan", "-f", "sarif", "-o", "report.sarif")[0] == 1
    assert run_cli(capsys, "baseline", "create")[0] == 0
    texts = {name: Path(name).read_text() for name in
             ("report.json", "report.sarif", ".tokenward-baseline.json")}
    assert not any(password in text for text in texts.values())
    assert not any("secret_hash" in text or "secretHash" in text for text in texts.values())
    published = frozenset(h for text in texts.values() for h in _hex_fields(json.loads(text)))
    finding = json.loads(texts["report.json"])["findings"][0]
    path, rule_id, print_ = finding["path"], finding["rule_id"], finding["fingerprint"]

    # The attack as the review ran it: on what was published before, it singles out the
    # password; on what is published now, nothing matches.
    before = published | {_old_secret_hash(password)}
    assert [w for w in words if _old_attack(w, frozenset(before), path, rule_id)] == [password]
    assert [w for w in words if _old_attack(w, published, path, rule_id)] == []
    # The fingerprint is made of what the report already shows: no secret in it.
    assert print_ == fingerprint(path, rule_id, "target:DB_PASSWORD", 0)

    # The baseline's value_check: the list leaves several candidates, the password among
    # them, so it is not singled out.
    entry = json.loads(texts[".tokenward-baseline.json"])["entries"][0]
    assert entry["fingerprint"] == print_ and len(entry["value_check"]) == 2
    with ProcessPoolExecutor(max_workers=min(8, cpu_count())) as pool:
        hits = pool.map(_check_matches, [(w, print_, entry["value_check"]) for w in words],
                        chunksize=64)
        candidates = [w for w, hit in zip(words, hits, strict=True) if hit]
    assert password in candidates and len(candidates) >= 3, candidates
