from __future__ import annotations

import pytest

from tests.helpers import fired, pinned, scan_snippet, settings, through_screen
from tokenward.config import Config
from tokenward.rules.cleartext_token_transport import NAME, RULE


def lines(code: str, path: str = "client.py", config: Config | None = None) -> list[int]:
    return fired(scan_snippet(code, path, [RULE], config), RULE.id)


def test_credential_carriers() -> None:
    code = (
        "import requests\n"                                                              # 1
        "def _auth():\n"                                                                 # 2
        "    return {'Authorization': 'Bearer ' + TOKEN}\n"                              # 3
        "def a(): requests.get('http://api.example.com/x', headers=_auth())\n"           # 4
        "def b(): requests.post('http://sso.example.com/t', data={'password': pw})\n"    # 5
        "def c(): requests.get('http://api.example.com/x?access_token=' + t)\n"          # 6
        "def d(): requests.get('http://user:pw@api.example.com/x')\n"                    # 7
        "def e(): requests.get('http://api.example.com/x', cookies={'s': sid})\n"        # 8
        "def f(): requests.get('http://api.example.com/x', params={'page': 1})\n"        # 9
        "def g(): requests.get('http://api.example.com/x', auth=None)\n"                 # 10
    )
    assert lines(code) == [4, 5, 6, 7, 8]


def test_local_hosts_and_option() -> None:
    code = (
        "import requests\n"
        "H = {'X-Api-Key': KEY}\n"
        "requests.get('http://127.0.0.5:9/x', headers=H)\n"
        "requests.get('http://[::1]:9/x', headers=H)\n"
        "requests.get('http://169.254.169.254/latest', headers=H)\n"
        "requests.get('http://svc.localhost/x', headers=H)\n"
        "requests.get('http://10.0.0.5/x', headers=H)\n"
        "requests.get('http://billing.corp.internal/x', headers=H)\n"
        "requests.get(f'http://{host}/x', headers=H)\n"
        "requests.get(f'http://status.{app}.example.com/x', headers=H)\n"
    )
    assert lines(code) == [7, 8, 10]
    config = settings({"rules": {"cleartext-token-transport": {"local_hosts": [".internal"]}}})
    assert lines(code, config=config) == [7, 10]


def test_constants_sessions_and_clients() -> None:
    code = (
        "import requests, gitlab, hvac\n"                                                 # 1
        "BASE = 'http://api.example.com'\n"                                               # 2
        "API = BASE + '/v2'\n"                                                            # 3
        "class C:\n"                                                                      # 4
        "    def __init__(self):\n"                                                       # 5
        "        self.base_url = 'http://legacy.example.com'\n"                           # 6
        "    def get(self, t):\n"                                                         # 7
        "        return requests.get(self.base_url + '/x', headers={'Authorization': t})\n"  # 8
        "def plain():\n"                                                                  # 9
        "    s = requests.Session()\n"                                                    # 10
        "    s.headers['User-Agent'] = 'x'\n"                                             # 11
        "    return s.get(f'{API}/public')\n"                                             # 12
        "def authed():\n"                                                                 # 13
        "    s = requests.Session()\n"                                                    # 14
        "    s.auth = ('u', PASSWORD)\n"                                                  # 15
        "    return s.get(f'{API}/private')\n"                                            # 16
        "gl = gitlab.Gitlab('http://gitlab.example.com', private_token=T)\n"              # 17
        "v = hvac.Client(url='http://vault.example.com:8200', token=T)\n"                 # 18
        "ok = hvac.Client(url='https://vault.example.com:8200', token=T)\n"               # 19
    )
    assert lines(code) == [8, 16, 17, 18]


def test_http_client_connection() -> None:
    code = (
        "import http.client\n"
        "conn = http.client.HTTPConnection('api.example.com')\n"
        "conn.request('GET', '/', headers={'Authorization': TOKEN})\n"
        "tls = http.client.HTTPSConnection('api.example.com')\n"
        "tls.request('GET', '/', headers={'Authorization': TOKEN})\n"
    )
    assert lines(code) == [3]


def test_shell_and_workflow_commands() -> None:
    shell = (
        "curl -fsS http://127.0.0.1:8200/v1/sys/health\n"
        "curl -H \"X-Vault-Token: ${T}\" http://vault.example.com:8200/v1/sys/auth\n"
        "curl -u \"deploy:${PW}\" http://registry.example.com:5000/v2/\n"
        "curl -u \"deploy:${PW}\" https://registry.example.com:5000/v2/\n"
        "# curl -H 'Authorization: x' http://example.com/\n"
    )
    assert lines(shell, "deploy.sh") == [2, 3]
    workflow = ("jobs:\n  a:\n    steps:\n      - run: |\n"
                "          curl -H \"Authorization: Bearer $T\" http://localhost:8080/x\n")
    assert lines(workflow, "ci.yml") == []


def test_a_url_built_by_a_helper_of_the_same_module() -> None:
    code = (
        "import requests\n"                                                              # 1
        "BASE = 'http://api.example.com'\n"                                              # 2
        "def api_url(path):\n"                                                           # 3
        "    return f'{BASE}/v1/{path}'\n"                                               # 4
        "def pick(path):\n"                                                              # 5
        "    if path:\n"                                                                 # 6
        "        return f'{BASE}/v1/{path}'\n"                                           # 7
        "    return 'https://api.example.com'\n"                                         # 8
        "def fetch(token):\n"                                                            # 9
        "    auth = {'Authorization': f'Bearer {token}'}\n"                              # 10
        "    requests.get(api_url('users'), headers=auth)\n"                             # 11
        "    requests.get(pick('users'), headers=auth)\n"                                # 12
    )
    # one return value is followed; of two, which one runs is not known
    assert pinned(scan_snippet(code, "client.py", [RULE])) == [
        (11, 5, "A credential is sent over cleartext http:// to api.example.com: anyone on "
                "the path can read and replay it")]


# "http://" in a comment and a scheme test, a credential sent to a local host: nothing can
# start a URL in clear to a host that is not local.
_WIDGETS = """
import http.client
import requests


def absolute(path, password):
    # relative paths are served from STATIC_URL, see http://example.com/static/
    return path.startswith(("http://", "https://", "/"))


def local(token):
    return requests.get("http://localhost:8000/me", headers={"Authorization": token})
"""


def test_a_file_with_no_url_in_clear_is_not_parsed_for_tw501() -> None:
    assert through_screen(RULE, _WIDGETS, "app/widgets.py") == ([], False)


@pytest.mark.parametrize(("sent", "line"), [
    # The scheme and the host in pieces (13, 14), joined at 16.
    ("SCHEME = 'http'\nHOST = 'api.example.com'\ndef me(token):\n"
     "    return requests.get(SCHEME + '://' + HOST + '/me', headers={'Authorization': token})\n",
     16),
    ("def me(token, host):\n"
     "    return requests.get(f'http://{host}.example.com/me', auth=('u', token))\n", 14),
    ("def me(token):\n    url = 'http://localhost.example.com/me'\n"
     "    return requests.get(url, headers={'Authorization': token})\n", 15),
    # No scheme at all: the host of an HTTPConnection.
    ("def status(token):\n    connection = http.client.HTTPConnection('api.example.com')\n"
     "    connection.request('GET', '/', headers={'Authorization': token})\n", 15),
])
def test_the_screen_lets_each_url_in_clear_through(sent: str, line: int) -> None:
    # _WIDGETS's 11 lines, a blank line, then the code from line 13.
    findings, parsed = through_screen(RULE, _WIDGETS + "\n" + sent, "app/widgets.py")
    assert [finding[0] for finding in findings] == [line] and parsed


def test_a_url_in_clear_given_to_a_call_that_sends_nothing_is_not_parsed_for_tw501() -> None:
    device = ("def device_info(token):\n"
              "    return DeviceInfo(configuration_url='http://router.example.com/',\n"
              "                      name=token)\n")
    assert through_screen(RULE, _WIDGETS + device, "app/widgets.py") == ([], False)


def test_a_url_in_clear_never_handed_to_a_request_is_not_parsed_for_tw501() -> None:
    # Home Assistant's integrations: a device's page built from its host (line 13), kept
    # on the entry and shown in its device info; no request is made to it.
    shown = ("def setup(entry, host, token):\n"                                     # 12
             "    url = f'http://{host}/admin'\n"                                   # 13
             "    entry.configuration_url = url\n"                                  # 14
             "    return DeviceInfo(configuration_url=url, name=token)\n")          # 15
    assert through_screen(RULE, _WIDGETS + shown, "app/widgets.py") == ([], False)


def test_a_url_in_clear_followed_through_attributes_and_names_to_a_request() -> None:
    # The base URL kept on the client (line 14) reaches the request through a local
    # (line 17): the screen follows both, the rule reports the request (line 18).
    sent = ("class Client:\n"                                                       # 12
            "    def __init__(self, token):\n"                                      # 13
            "        self.base = 'http://hub.example.com:8123'\n"                   # 14
            "        self.token = token\n"                                          # 15
            "    def states(self):\n"                                               # 16
            "        url = self.base + '/api/states'\n"                             # 17
            "        return requests.get(url, headers={'Authorization': self.token})\n")
    findings, parsed = through_screen(RULE, _WIDGETS + sent, "app/widgets.py")
    assert [finding[0] for finding in findings] == [18] and parsed


@pytest.mark.parametrize(("sent", "line"), [
    # An HTTP function imported under another name.
    ("from requests import post as send\ndef me(token):\n"
     "    return send('http://api.example.com/me', headers={'Authorization': token})\n", 14),
    # A client given a credential by keyword, its URL by position.
    ("import gitlab\ndef client(token):\n"
     "    return gitlab.Gitlab('http://git.example.com', private_token=token)\n", 14),
])
def test_the_screen_lets_through_every_call_a_url_is_sent_with(sent: str, line: int) -> None:
    findings, parsed = through_screen(RULE, _WIDGETS + sent, "app/widgets.py")
    assert [finding[0] for finding in findings] == [line] and parsed


def test_the_screen_judges_a_host_by_the_local_hosts_option() -> None:
    sent = ("def me(token):\n"                                                        # 12
            "    return requests.get('http://api.example.com/me', auth=('u', token))\n")  # 13
    assert [f[0] for f in through_screen(RULE, _WIDGETS + sent, "app/widgets.py")[0]] == [13]
    local = settings({"rules": {NAME: {"local_hosts": [".example.com"]}}})
    assert through_screen(RULE, _WIDGETS + sent, "app/widgets.py", local) == ([], False)
