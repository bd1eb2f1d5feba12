"""Secrets written inside longer strings and command lines; tokens that are objects."""

from __future__ import annotations

import textwrap

from tests.helpers import fired, scan_snippet
from tokenward.rules import hardcoded_secret, hardcoded_secret_config, token_logged

PY = [hardcoded_secret.RULE]
CONFIG = [hardcoded_secret_config.RULE]


def test_helm_set_and_curl_header_in_python_argv() -> None:
    code = textwrap.dedent('''\
        import subprocess
        subprocess.run(["helm", "upgrade", "r", "--set", "db.password=1OUPL3JF2BhzjxmtoZxxLjsu"])
        subprocess.run(["curl", "-H", "Authorization: Bearer lM517GnJSFFU3StK4LGldCOeXMsNMuQ9"])
        subprocess.run(["helm", "upgrade", "r", "--set", "db.password=${DB_PASSWORD}"])
        URL = "https://api.example.com/v1?api_key=Zx8Kq2Lm9Np4Rs7Tv1Wy&q=1"
        LINK = "https://example.com/reset?token={token}"
    ''')
    findings = scan_snippet(code, "deploy.py", PY)
    assert fired(findings) == [2, 3, 5]
    assert all("1OUPL3JF2Bhzjxmto" not in f.snippet for f in findings)


def test_server_password_flags_in_compose_and_shell() -> None:
    compose = 'services:\n  cache:\n    command: ["redis-server", "--requirepass", "xSaJrFoVa3jcGQ2HgnQ9"]\n'
    assert fired(scan_snippet(compose, "docker-compose.yml", CONFIG)) == [3]
    script = ("mysql -h db -u crm -p'r1tjXUSTGqVqdll2egjM3qcm' -e 'select 1'\n"
              "mysql -h db -u crm -p\"$DB_PASSWORD\"\n"
              "# --requirepass xSaJrFoVa3jcGQ2HgnQ9\n")
    assert fired(scan_snippet(script, "deploy.sh", CONFIG)) == [1]


def test_netrc_passwords() -> None:
    netrc = ("machine api.heroku.com\n  login deploy@corp.example\n"
             "  password VtWdKXbo0fPKnJU_jAq6IxdV8eBI16OtWI9mrP93T7s\n"
             "machine example.com login x password changeme\n")
    findings = scan_snippet(netrc, ".netrc", CONFIG)
    assert fired(findings) == [3]
    assert findings[0].message == "Hard-coded password in .netrc in configuration key password"


def test_pypirc_is_read_as_ini() -> None:
    pypirc = "[internal]\nrepository = https://pypi.corp.example\nusername = ci\npassword = Kq7vZ2mL9sX4wT8r\n"
    assert fired(scan_snippet(pypirc, ".pypirc", CONFIG)) == [4]


def test_a_parser_token_object_in_an_exception_is_not_a_credential() -> None:
    code = textwrap.dedent('''\
        def parse(parser, token):
            if token.lineno < 0:
                raise ValueError("bad token %r" % token)
        def send(token):
            raise ValueError(f"token {token} refused")
        def refresh(token):
            log(token.access_token)
            raise ValueError(f"cannot refresh {token}")
        error_messages = {"password_incorrect": "Your old password was entered incorrectly."}
        def check(self):
            raise ValidationError(self.error_messages["password_incorrect"])
    ''')
    assert fired(scan_snippet(code, "lexer.py", [token_logged.RULE])) == [5, 8]
