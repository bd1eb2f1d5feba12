"""After ``fix --write --to env`` the app still runs: the command says how the moved values
reach the process, ``--load-dotenv`` adds python-dotenv's loader where the app starts, and
the rewritten file passes the ruff rules the original passed."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.security.fs_support import fake_github_token
from tokenward.fix.startup import inspect_startup, with_loader
from tokenward.fix.style import CodeStyle

RUFF = [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache",
        "--select", "E,F,I,W", "--output-format", "concise"]

APP = '''\
"""A small Flask-style app: a route table and a view that uses the GitHub token."""
import hashlib
import json
import sys

GITHUB_TOKEN = "{token}"
ROUTES = {{}}


def route(path):
    def register(view):
        ROUTES[path] = view
        return view
    return register


@route("/")
def index():
    digest = hashlib.sha256(GITHUB_TOKEN.encode()).hexdigest()
    return json.dumps({{"token_sha256": digest}})


if __name__ == "__main__":
    sys.stdout.write(ROUTES[sys.argv[1]]() + "\\n")
'''

FIXED = '''\
"""A small Flask-style app: a route table and a view that uses the GitHub token."""
import hashlib
import json
import os
import sys

from dotenv import load_dotenv

load_dotenv()

GITHUB_TOKEN = os.environ["GITHUB_TOKEN"]
ROUTES = {}


def route(path):
    def register(view):
        ROUTES[path] = view
        return view
    return register


@route("/")
def index():
    digest = hashlib.sha256(GITHUB_TOKEN.encode()).hexdigest()
    return json.dumps({"token_sha256": digest})


if __name__ == "__main__":
    sys.stdout.write(ROUTES[sys.argv[1]]() + "\\n")
'''


def tokenward(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "tokenward", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False, timeout=300)


def without(names: set[str]) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in names}


@pytest.fixture
def app(tmp_path: Path) -> tuple[Path, str]:
    token = fake_github_token()
    (tmp_path / "app.py").write_text(APP.format(token=token))
    return tmp_path, token


def test_the_fixed_app_runs_with_the_loader_and_passes_ruff(app: tuple[Path, str]) -> None:
    folder, token = app
    assert subprocess.run([*RUFF, "app.py"], cwd=folder, capture_output=True, text=True,
                          check=False).returncode == 0
    done = tokenward("fix", "--write", "--load-dotenv", cwd=folder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-2:] == [
        "Added python-dotenv's loader to app.py (load_dotenv() after its imports).",
        "The app now needs python-dotenv: pip install python-dotenv."]
    assert (folder / "app.py").read_text() == FIXED
    lint = subprocess.run([*RUFF, "app.py"], cwd=folder, capture_output=True, text=True,
                          check=False)
    assert (lint.returncode, lint.stdout) == (0, "All checks passed!\n")
    ran = subprocess.run([sys.executable, "app.py", "/"], cwd=folder, capture_output=True,
                         text=True, check=False, env=without({"GITHUB_TOKEN"}), timeout=60)
    digest = hashlib.sha256(token.encode()).hexdigest()
    assert (ran.returncode, ran.stdout) == (0, f'{{"token_sha256": "{digest}"}}\n'), ran.stderr


def test_without_the_loader_it_says_nothing_loads_env(app: tuple[Path, str]) -> None:
    folder, _token = app
    done = tokenward("fix", "--write", cwd=folder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == (
        "The app reads them from the environment and nothing in it loads .env: export them "
        "before it starts (set -a; . ./.env; set +a), or run fix --load-dotenv to add "
        "python-dotenv's loader to app.py.")
    ran = subprocess.run([sys.executable, "app.py", "/"], cwd=folder, capture_output=True,
                         text=True, check=False, env=without({"GITHUB_TOKEN"}), timeout=60)
    assert ran.returncode == 1
    assert ran.stderr.splitlines()[-1] == "KeyError: 'GITHUB_TOKEN'"
    again = tokenward("fix", "--write", "--load-dotenv", cwd=folder)
    assert again.stdout.splitlines()[-2] == (
        "Added python-dotenv's loader to app.py (load_dotenv() after its imports).")
    assert (folder / "app.py").read_text() == FIXED


def test_a_flask_app_is_told_flask_run_loads_env(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "from flask import Flask\n\napp = Flask(__name__)\n"
        f'GITHUB_TOKEN = "{fake_github_token()}"\n')
    done = tokenward("fix", "--write", cwd=tmp_path)
    assert done.stdout.splitlines()[-1] == (
        "The app reads them from the environment: `flask run` loads .env when python-dotenv "
        "is installed; started any other way, export them or run fix --load-dotenv to add "
        "python-dotenv's loader to app.py.")


def test_an_app_that_loads_env_already_is_told_so(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text(
        "import os\n\nfrom dotenv import load_dotenv\n\nload_dotenv()\n"
        f'GITHUB_TOKEN = "{fake_github_token()}"\n')
    done = tokenward("fix", "--write", "--load-dotenv", cwd=tmp_path)
    assert done.stdout.splitlines()[-1] == (
        "The app reads them from the environment; .env is loaded by python-dotenv or "
        "settings (main.py).")


def test_django_gets_the_loader_in_each_file_that_starts_it(tmp_path: Path) -> None:
    (tmp_path / "manage.py").write_text(
        '#!/usr/bin/env python\n"""Django\'s command-line utility."""\nimport os\nimport sys\n'
        "\n\ndef main():\n    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site.settings')\n")
    package = tmp_path / "mysite"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "wsgi.py").write_text(
        "import os\n\nfrom django.core.wsgi import get_wsgi_application\n\n"
        "application = get_wsgi_application()\n")
    (package / "settings.py").write_text(f'GITHUB_TOKEN = "{fake_github_token()}"\n')
    assert inspect_startup(tmp_path).entries == (tmp_path / "manage.py", package / "wsgi.py")
    done = tokenward("fix", "--write", "--load-dotenv", cwd=tmp_path)
    assert done.stdout.splitlines()[-3:] == [
        "Added python-dotenv's loader to manage.py (load_dotenv() after its imports).",
        "Added python-dotenv's loader to mysite/wsgi.py (load_dotenv() after its imports).",
        "The app now needs python-dotenv: pip install python-dotenv."]
    assert (package / "wsgi.py").read_text() == (
        "import os\n\nfrom django.core.wsgi import get_wsgi_application\n"
        "from dotenv import load_dotenv\n\nload_dotenv()\n\n"
        "application = get_wsgi_application()\n")


def test_load_dotenv_goes_with_env(tmp_path: Path) -> None:
    done = tokenward("fix", "--to", "store", "--load-dotenv", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == "tokenward: error: --load-dotenv goes with --to env\n"


def test_the_loader_follows_the_import_block_and_a_first_party_section() -> None:
    text = textwrap.dedent("""\
        from __future__ import annotations

        import os

        import settings
        VALUE = os.environ["VALUE"]
        """)
    assert with_loader(text, CodeStyle(first_party=frozenset({"settings"}))) == (
        textwrap.dedent("""\
        from __future__ import annotations

        import os

        from dotenv import load_dotenv

        import settings

        load_dotenv()

        VALUE = os.environ["VALUE"]
        """))
