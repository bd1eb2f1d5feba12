from __future__ import annotations

import pytest

from tests.helpers import fired, scan_snippet, through_screen
from tokenward.rules.tls_verification_disabled import RULE


def lines(code: str, path: str = "client.py") -> list[int]:
    return fired(scan_snippet(code, path, [RULE]), RULE.id)


def test_requests_httpx_aiohttp_and_generic_clients() -> None:
    code = (
        "import requests, httpx, aiohttp, urllib3, gitlab\n"                                  # 1
        "from elasticsearch import Elasticsearch\n"                                            # 2
        "urllib3.disable_warnings()\n"                                                         # 3
        "def a(t): requests.request('GET', URL, headers={'Authorization': t}, verify=False)\n"  # 4
        "def b(): requests.get(URL, verify=False)\n"                                           # 5
        "def c(t): httpx.Client(headers={'Authorization': t}, verify=False)\n"                 # 6
        "def d(t): httpx.Client(headers={'Authorization': t}, verify=CA)\n"                    # 7
        "gl = gitlab.Gitlab(URL, private_token=T, ssl_verify=False)\n"                         # 8
        "es = Elasticsearch(URL, api_key=K, verify_certs=False)\n"                             # 9
        "pool = urllib3.PoolManager(cert_reqs='CERT_NONE', headers={'Authorization': T})\n"   # 10
        "anon = urllib3.PoolManager(cert_reqs='CERT_NONE')\n"                                  # 11
    )
    assert lines(code) == [4, 6, 8, 9, 10]


def test_client_and_connector_used_later_with_credentials() -> None:
    code = (
        "import httpx, aiohttp\n"                                                        # 1
        "async def token(code):\n"                                                       # 2
        "    async with httpx.AsyncClient(verify=False) as client:\n"                    # 3
        "        return await client.post(URL, auth=(CID, SECRET), data={'c': code})\n"  # 4
        "async def public():\n"                                                          # 5
        "    async with httpx.AsyncClient(verify=False) as client:\n"                    # 6
        "        return await client.get(URL)\n"                                          # 7
        "async def feed(t):\n"                                                           # 8
        "    connector = aiohttp.TCPConnector(ssl=False)\n"                              # 9
        "    async with aiohttp.ClientSession(connector=connector,\n"                    # 10
        "                                     headers={'Authorization': t}) as s:\n"     # 11
        "        return await s.get(URL)\n"                                              # 12
    )
    assert lines(code) == [3, 9]


def test_contexts_reported_where_verification_is_turned_off() -> None:
    code = (
        "import ssl, urllib.request\n"                                                   # 1
        "ssl._create_default_https_context = ssl._create_unverified_context\n"         # 2
        "def a(req_headers):\n"                                                          # 3
        "    req = urllib.request.Request(URL, headers={'Authorization': AUTH})\n"       # 4
        "    ctx = ssl._create_unverified_context()\n"                                   # 5
        "    return urllib.request.urlopen(req, context=ctx)\n"                          # 6
        "def b():\n"                                                                     # 7
        "    req = urllib.request.Request(URL, headers={'Authorization': AUTH})\n"       # 8
        "    ctx = ssl.create_default_context(cafile=CA)\n"                              # 9
        "    return urllib.request.urlopen(req, context=ctx)\n"                          # 10
        "def c():\n"                                                                     # 11
        "    ctx = ssl.create_default_context()\n"                                       # 12
        "    ctx.check_hostname = False\n"                                               # 13
        "    ctx.verify_mode = ssl.CERT_NONE\n"                                          # 14
        "    req = urllib.request.Request(URL, headers={'Authorization': AUTH})\n"       # 15
        "    return urllib.request.urlopen(req, context=ctx)\n"                          # 16
    )
    assert lines(code) == [2, 5, 14]


def test_session_verify_is_scoped_to_its_function() -> None:
    code = (
        "import requests\n"
        "def crm():\n"
        "    s = requests.Session()\n"
        "    s.headers['Authorization'] = TOKEN\n"
        "    s.verify = False\n"
        "def scraper():\n"
        "    s = requests.Session()\n"
        "    s.headers['User-Agent'] = 'bot'\n"
        "    s.verify = False\n"
    )
    assert lines(code) == [5]


def test_commands_and_config_keys() -> None:
    shell = (
        "curl -fsS -k https://localhost:8443/healthz\n"
        "curl --insecure -H \"Authorization: Bearer ${T}\" \"${API}/lock\"\n"
        "wget --no-check-certificate --header=\"X-Api-Key: $K\" https://x.example.com/\n"
    )
    assert lines(shell, "deploy.sh") == [2, 3]
    kubeconfig = ("clusters:\n- cluster:\n    insecure-skip-tls-verify: true\n"
                  "users:\n- user:\n    token: abc\n")
    assert lines(kubeconfig, "kubeconfig.yaml") == [3]
    no_credential = "clusters:\n- cluster:\n    insecure-skip-tls-verify: true\n"
    assert lines(no_credential, "kubeconfig.yaml") == []


# Django's SMTP backend: "ssl" and a password are spelled, a context is passed, but nothing
# turns verification off.
_SMTP = """
import ssl
import urllib.request


class EmailBackend:
    def open(self):
        context = ssl.create_default_context()
        self.connection.starttls(context=context)
        self.connection.login(self.username, self.password)
"""


def test_a_file_turning_no_verification_off_is_not_parsed_for_tw502() -> None:
    assert through_screen(RULE, _SMTP, "app/mail.py") == ([], False)


@pytest.mark.parametrize(("turned_off", "line"), [
    # The unverified factory through an aliased import (12), its context used at 15.
    ("from ssl import _create_unverified_context as insecure\nUNCHECKED = insecure()\n", 12),
    ("UNCHECKED = ssl.create_default_context()\nUNCHECKED.verify_mode = ssl.CERT_NONE\n", 12),
    ("UNCHECKED = None\nssl._create_default_https_context = ssl._create_unverified_context\n",
     12),
])
def test_the_screen_lets_each_unverified_context_through(turned_off: str, line: int) -> None:
    use = ("def me(token):\n"                                                             # 13
           "    request = urllib.request.Request(URL, headers={'Authorization': token})\n"  # 14
           "    return urllib.request.urlopen(request, context=UNCHECKED)\n")            # 15
    # _SMTP's 9 lines, a blank line, then the context from line 11.
    findings, parsed = through_screen(RULE, _SMTP + "\n" + turned_off + use, "app/mail.py")
    assert [finding[0] for finding in findings] == [line] and parsed


@pytest.mark.parametrize(("code", "line"), [
    ("requests.get(URL, headers={'Authorization': TOKEN}, verify=0)\n", 11),
    ("urllib3.PoolManager(cert_reqs='CERT_NONE', headers={'Authorization': TOKEN})\n", 11),
    ("s = requests.Session()\ns.auth = ('deploy', PASSWORD)\ns.verify = False\n", 13),
])
def test_the_screen_lets_each_flag_turned_off_through(code: str, line: int) -> None:
    findings, parsed = through_screen(RULE, _SMTP + "\n" + code, "app/mail.py")
    assert [finding[0] for finding in findings] == [line] and parsed


def test_verification_off_only_for_a_plain_http_url_verifies_nothing() -> None:
    """Home Assistant's ISY994 (isy994/__init__.py:75-79) turns verification off in the
    branch taken for an ``http://`` host (line 5): no certificate to verify there. The
    HTTPS branch (line 7) turns it off for a request that carries the token."""
    code = ("import requests\n"                                                        # 1
            "from .const import SCHEME_HTTP\n"                                         # 2
            "def fetch(host, url, t):\n"                                               # 3
            "    if host.scheme == SCHEME_HTTP:\n"                                     # 4
            "        return requests.get(url, headers={'Authorization': t}, verify=False)\n"  # 5
            "    else:\n"                                                              # 6
            "        return requests.get(url, headers={'Authorization': t}, verify=False)\n")  # 7
    assert lines(code) == [7]


def test_stdlib_mail_clients_given_no_context_verify_nothing() -> None:
    """smtplib, imaplib, poplib and ftplib wrap TLS in ``ssl._create_stdlib_context()``
    when given no context: no certificate check. mealie's email sender (line 5, and the
    STARTTLS of line 9) logs in over such a connection; Superset's send_mime_email makes
    its context None unless a setting asks (line 12). Line 15 passes a default context, and
    line 19 logs in nowhere: no finding."""
    code = ("import smtplib, ssl, imaplib\n"                                          # 1
            "from email.message import Message\n"                                    # 2
            "def send(host, user, password, msg):\n"                                 # 3
            "    if ssl_on:\n"                                                       # 4
            "        with smtplib.SMTP_SSL(host, 465) as s:\n"                        # 5
            "            s.login(user, password)\n"                                  # 6
            "    else:\n"                                                            # 7
            "        with smtplib.SMTP(host, 587) as s:\n"                           # 8
            "            s.starttls()\n"                                             # 9
            "            s.login(user, password)\n"                                  # 10
            "def send_mime(config, user, password):\n"                               # 11
            "    ctx = ssl.create_default_context() if config['AUTH'] else None\n"   # 12
            "    smtplib.SMTP_SSL(config['HOST'], context=ctx).login(user, password)\n"  # 13
            "def read(host, user, password):\n"                                      # 14
            "    m = imaplib.IMAP4_SSL(host, ssl_context=ssl.create_default_context())\n"  # 15
            "    m.login(user, password)\n"                                          # 16
            "    return m\n"                                                         # 17
            "def probe(host):\n"                                                     # 18
            "    return smtplib.SMTP_SSL(host).noop()\n")                            # 19
    assert lines(code, "services/mail.py") == [5, 9, 12]
