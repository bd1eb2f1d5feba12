"""The behavioural contract: a program that uses hard-coded secrets prints exactly the same
after ``tokenward fix --write``, with the moved values available from ``.env`` loaded into
its environment, or from the vault. Real subprocesses, real files, a real vault."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tokenward.fix.destinations import read_env_file

SRC = str(Path(__file__).resolve().parents[2] / "src")

PROGRAM = textwrap.dedent('''\
    """A small client that uses its secrets and prints what it would send."""
    import json

    GITHUB_TOKEN = "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"
    DATABASE_URL = "postgres://shop:Wq3Er4Ty5Ui6Op7As8Df9Gh0Jk1Lz2Xc@db.internal/shop"


    class Mailer:
        def __init__(self):
            self.password = "Mn2Bv3Cx4Zl5Kj6Hg7Fd8Sa9Qw0Er1Ty"


    def connect(host, password):
        return {"host": host, "password": password}


    def headers():
        return {"Authorization": "Bearer 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"}


    def broker(host):
        return f"amqp://worker:Aq1Sw2De3Fr4Gt5Hy6Ju7Ki8Lo9Pz0Xm@{host}/jobs"


    print(json.dumps({
        "token": GITHUB_TOKEN,
        "db": DATABASE_URL,
        "mail": Mailer().password,
        "conn": connect("db", password="Rf5Tg6Yh7Uj8Ik9Ol0Pa1Sd2Fg3Hj4Kl"),
        "headers": headers(),
        "broker": broker("mq"),
    }, sort_keys=True))
    ''')


def _run(folder: Path, env: dict[str, str]) -> str:
    out = subprocess.run([sys.executable, "app.py"], cwd=folder, env=env, capture_output=True,
                         text=True, check=True, timeout=60)
    return out.stdout


def _fix(folder: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # Only the hard-coded secrets: the program prints its token on purpose (that is what the
    # test compares), which TW601 rightly reports as needing a fix by hand.
    return subprocess.run([sys.executable, "-m", "tokenward", "fix", "--write", "--rule",
                           "TW101", *args],
                          cwd=folder, env={**env, "PYTHONPATH": SRC}, capture_output=True,
                          text=True, check=False, timeout=120)


@pytest.fixture
def app(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(PROGRAM)
    return tmp_path


def _clean_env(tmp_path: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT")}
    return {**keep, "TOKENWARD_CACHE_DIR": str(tmp_path / "cache")}


def test_same_output_with_env_file(app: Path) -> None:
    env = _clean_env(app)
    before = _run(app, env)
    done = _fix(app, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    fixed = (app / "app.py").read_text()
    assert "ghp_" not in fixed and "Wq3Er4" not in fixed and "Mn2Bv3" not in fixed
    assert "Rf5Tg6" not in fixed and "Aq1Sw2" not in fixed
    moved = read_env_file(app / ".env")
    assert sorted(moved) == ["DATABASE_PASSWORD", "DB_PASSWORD", "GITHUB_TOKEN",
                             "MAILER_PASSWORD", "WORKER_PASSWORD"]
    # Without the values the program fails loudly instead of running with a wrong secret.
    missing = subprocess.run([sys.executable, "app.py"], cwd=app, env=env,
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 1 and "KeyError" in missing.stderr
    assert _run(app, {**env, **moved}) == before
    for secret in moved.values():  # nothing in clear in what the user saw
        assert secret not in done.stdout + done.stderr


def test_same_output_with_the_vault(app: Path) -> None:
    env = {**_clean_env(app), "TOKENWARD_VAULT": str(app / "vault" / "vault.json"),
           "TOKENWARD_KEY_FILE": str(app / "vault" / "vault.key")}
    before = _run(app, env)
    done = _fix(app, "--to", "store", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (app / ".env").exists()
    fixed = (app / "app.py").read_text()
    assert "import tokenward.store" in fixed
    assert 'tokenward.store.get("GITHUB_TOKEN")' in fixed
    assert _run(app, {**env, "PYTHONPATH": SRC}) == before
