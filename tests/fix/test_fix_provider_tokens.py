"""Provider tokens in Python are moved like any other secret (issue 13, item 3).

Every token is generated here, at test time (a GitHub or npm token gets its CRC32 checksum
computed by the test itself): no real token, and no token-shaped text in the repository.
"""

from __future__ import annotations

import hashlib
import random
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from tokenward.analysis.providers import by_key
from tokenward.config import Config
from tokenward.fix.engine import FixOptions, apply_plan, fix_text, plan_fixes
from tokenward.fix.rotation import reminder
from tokenward.fix.services import Destination, FixServices, NameRegistry
from tokenward.scanner.pipeline import ScanRequest, run_pipeline

_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_RNG = random.Random(13)


def _run(chars: str, length: int) -> str:
    return "".join(_RNG.choice(chars) for _ in range(length))


def _crc_token(prefix: str) -> str:
    """``prefix`` + 30 random base62 characters + their CRC32 in base62 (6 characters)."""
    body = _run(_B62, 30)
    number, digits = zlib.crc32(body.encode()), ""
    while number:
        number, rest = divmod(number, 62)
        digits = _B62[rest] + digits
    return f"{prefix}{body}{digits.rjust(6, '0')}"


GHP = _crc_token("ghp_")
NPM = _crc_token("npm_")
SENDGRID = f"SG.{_run(_B62, 22)}.{_run(_B62, 43)}"
SLACK = f"xoxb-{_run('0123456789', 11)}-{_run('0123456789', 12)}-{_run(_B62, 24)}"
OPENAI = f"sk-proj-{_run(_B62, 48)}"
STRIPE = f"sk_live_{_run(_B62, 32)}"
RESTRICTED = f"rk_live_{_run(_B62, 32)}"


def _fix(code: str) -> tuple[str, list[tuple[str, str]], list[str]]:
    result = fix_text(code, "app.py",
                      services=FixServices(names=NameRegistry(environment={})))
    return (result.text, [(m.name, m.value) for m in result.moves],
            [p.message for p in result.problems])


# (code before, code after, [(name, value) moved]) per shape.
SHAPES = {
    "whole literal bound to a secret name": (
        f'GITHUB_TOKEN = "{GHP}"\n',
        'import os\n\nGITHUB_TOKEN = os.environ["GITHUB_TOKEN"]\n',
        [("GITHUB_TOKEN", GHP)]),
    "whole literal bound to another name": (
        f'deploy = "{GHP}"\n',
        'import os\n\ndeploy = os.environ["DEPLOY"]\n',
        [("DEPLOY", GHP)]),
    "module attribute": (
        f'import stripe\nstripe.api_key = "{RESTRICTED}"\n',
        'import os\n\nimport stripe\nstripe.api_key = os.environ["STRIPE_API_KEY"]\n',
        [("STRIPE_API_KEY", RESTRICTED)]),
    "bound to no name": (
        f'print("{STRIPE}")\n',
        'import os\n\nprint(os.environ["STRIPE_SECRET_KEY"])\n',
        [("STRIPE_SECRET_KEY", STRIPE)]),
    "SendGridAPIClient(key)": (
        f'from sendgrid import SendGridAPIClient\nsg = SendGridAPIClient("{SENDGRID}")\n',
        'import os\n\nfrom sendgrid import SendGridAPIClient\n'
        'sg = SendGridAPIClient(os.environ["SENDGRID_API_KEY"])\n',
        [("SENDGRID_API_KEY", SENDGRID)]),
    "Github(token)": (
        f'from github import Github\ngh = Github("{GHP}")\n',
        'import os\n\nfrom github import Github\ngh = Github(os.environ["GITHUB_TOKEN"])\n',
        [("GITHUB_TOKEN", GHP)]),
    "WebClient(token)": (
        f'from slack_sdk import WebClient\nclient = WebClient("{SLACK}")\n',
        'import os\n\nfrom slack_sdk import WebClient\n'
        'client = WebClient(os.environ["SLACK_BOT_TOKEN"])\n',
        [("SLACK_BOT_TOKEN", SLACK)]),
    "OpenAI(api_key=...)": (
        f'from openai import OpenAI\nai = OpenAI(api_key="{OPENAI}")\n',
        'import os\n\nfrom openai import OpenAI\n'
        'ai = OpenAI(api_key=os.environ["OPENAI_API_KEY"])\n',
        [("OPENAI_API_KEY", OPENAI)]),
    "URL": (
        f'REMOTE = "https://oauth2:{GHP}@github.com/o/r.git"\n',
        "import os\n\nREMOTE = f\"https://oauth2:{os.environ['GITHUB_TOKEN']}@github.com/o/r.git\"\n",
        [("GITHUB_TOKEN", GHP)]),
    "header": (
        f'headers = {{"Authorization": "Bearer {OPENAI}"}}\n',
        "import os\n\nheaders = {\"Authorization\": f\"Bearer {os.environ['OPENAI_API_KEY']}\"}\n",
        [("OPENAI_API_KEY", OPENAI)]),
    ".npmrc line in a string": (
        f'NPMRC = "//registry.npmjs.org/:_authToken={NPM}\\n"\n',
        "import os\n\n"
        "NPMRC = f\"//registry.npmjs.org/:_authToken={os.environ['NPM_TOKEN']}\\n\"\n",
        [("NPM_TOKEN", NPM)]),
    "inside an f-string": (
        f'label = f"token={GHP} for {{user}}"\n',
        "import os\n\nlabel = f\"token={os.environ['GITHUB_TOKEN']} for {user}\"\n",
        [("GITHUB_TOKEN", GHP)]),
}


@pytest.mark.parametrize(("before", "after", "moved"), SHAPES.values(), ids=list(SHAPES))
def test_a_provider_token_moves_in_every_shape(before: str, after: str,
                                               moved: list[tuple[str, str]]) -> None:
    text, moves, problems = _fix(before)
    assert (text, moves, problems) == (after, moved, [])


@pytest.mark.parametrize("before", [shape[0] for shape in SHAPES.values()], ids=list(SHAPES))
def test_fixing_a_provider_token_twice_changes_nothing(before: str) -> None:
    once = _fix(before)[0]
    assert _fix(once) == (once, [], [])


def test_a_token_in_a_comment_or_a_docstring_is_left_to_a_manual_fix() -> None:
    code = (f'"""Deploys with {GHP}."""\nfrom __future__ import annotations\n\n'
            f"# old token: {GHP}\nimport os\n")
    assert _fix(code) == (code, [], [])


def _private_key() -> str:
    lines = [_run(_B62 + "+/", 64) for _ in range(4)]
    return "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(lines) + \
        "\n-----END RSA PRIVATE KEY-----"


def test_a_private_key_moves_whole_to_the_store() -> None:
    key = _private_key()
    code = f'SIGNING_KEY = """\n{key}\n"""\nCERT_PATH = "cert.pem"\n'
    result = fix_text(code, "app.py", services=FixServices(
        Destination.STORE, NameRegistry(environment={})))
    assert result.text == ('import tokenward.store\n\n'
                           'SIGNING_KEY = tokenward.store.get("SIGNING_KEY")\n'
                           'CERT_PATH = "cert.pem"\n')
    assert [(m.name, m.value) for m in result.moves] == [("SIGNING_KEY", key)]
    assert result.problems == ()
    assert reminder("SIGNING_KEY", key, "app.py:1") == (
        "SIGNING_KEY (from app.py:1) was exposed in the code and its version history: "
        f"rotate it. private key: {by_key('private-key').rotation}")


def test_a_private_key_moves_to_dotenv_on_one_line_and_the_code_restores_its_breaks(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = _private_key()
    code = f'KEY = """{key}"""\nimport hashlib\nprint(hashlib.sha256(KEY.encode()).hexdigest())\n'
    text, moves, problems = _fix(code)
    assert text.splitlines()[2] == 'KEY = os.environ["PRIVATE_KEY"].replace("\\\\n", "\\n")'
    assert (moves, problems) == ([("PRIVATE_KEY", key.replace("\n", "\\n"))], [])
    # Written for real, then read as an app reads it: a shell sourcing .env (set -a) runs
    # the fixed code, which must see the same key, line breaks and all.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(code, encoding="utf-8")
    config = Config(root=str(tmp_path), cache=False)
    apply_plan(plan_fixes(run_pipeline(ScanRequest(paths=(".",)), config), config,
                          options=FixOptions(root=tmp_path)))
    assert key not in (tmp_path / "app.py").read_text(encoding="utf-8")
    ran = subprocess.run(["bash", "-c", f"set -a; . ./.env; {sys.executable} app.py"],
                         cwd=tmp_path, capture_output=True, text=True, check=True)
    assert ran.stdout.strip() == hashlib.sha256(key.encode()).hexdigest()


def test_fix_write_stores_the_token_and_prints_the_revocation_page(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(f'print("{SENDGRID}")\n', encoding="utf-8")
    config = Config(root=str(tmp_path), cache=False)
    plan = plan_fixes(run_pipeline(ScanRequest(paths=(".",)), config), config,
                      options=FixOptions(root=tmp_path))
    report = apply_plan(plan)
    assert (tmp_path / "app.py").read_text(encoding="utf-8") == (
        'import os\n\nprint(os.environ["SENDGRID_API_KEY"])\n')
    assert (tmp_path / ".env").read_text(encoding="utf-8") == f"SENDGRID_API_KEY={SENDGRID}\n"
    assert report.reminders == [
        "SENDGRID_API_KEY (from app.py:1) was exposed in the code and its version history: "
        "rotate it. SendGrid API key: Revoke it at https://app.sendgrid.com/settings/api_keys "
        "and create a new one."]


def test_a_secret_inside_an_argument_string_becomes_an_f_string() -> None:
    password, bearer = _run(_B62, 24), _run(_B62, 40)
    code = ('import subprocess\n'
            f'subprocess.run(["helm", "--set", "db.password={password}"])\n'
            f'subprocess.run(["curl", "-H", "Authorization: Bearer {bearer}"])\n')
    assert _fix(code) == (
        'import os\nimport subprocess\n'
        "subprocess.run([\"helm\", \"--set\", f\"db.password={os.environ['PASSWORD']}\"])\n"
        "subprocess.run([\"curl\", \"-H\", "
        "f\"Authorization: Bearer {os.environ['API_TOKEN']}\"])\n",
        [("PASSWORD", password), ("API_TOKEN", bearer)], [])
