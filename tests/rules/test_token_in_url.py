from __future__ import annotations

from tests.helpers import fired, scan_snippet, through_screen
from tokenward.rules.token_in_url import RULE


def lines(code: str, path: str = "app.py") -> list[int]:
    return fired(scan_snippet(code, path, [RULE]), RULE.id)


def test_fstrings_templates_and_concatenation() -> None:
    code = (
        "import os\n"                                                                       # 1
        "def f(token, key, page, code, state, redirect_uri):\n"                             # 2
        "    a = f'https://x.example.com/a?access_token={token}'\n"                         # 3
        "    b = 'https://x.example.com/b?api_key={}'.format(key)\n"                        # 4
        "    c = 'https://x.example.com/c?token=%s' % token\n"                              # 5
        "    d = 'https://x.example.com/d?private_token=' + token\n"                        # 6
        "    e = f'https://x.example.com/e?page={page}&per_page=50'\n"                      # 7
        "    g = f'{redirect_uri}?code={code}&state={state}'\n"                             # 8
        "    h = f'https://x.example.com/reset-password?token={token}'\n"                   # 9
        "    i = f'https://x.example.com/i?pageToken={page}&key={key}'\n"                   # 10
        "    j = f'https://x.example.com/j?key={os.environ[\"CACHE\"]}'\n"                  # 11
        "    k = 'https://x.example.com/k?token=abc'\n"                                     # 12
    )
    assert lines(code) == [3, 4, 5, 6, 10]


def test_params_go_into_the_url_whatever_the_method() -> None:
    code = (
        "import requests\n"
        "P = {'apikey': KEY}\n"
        "requests.post(URL, params={'q': 'x', 'access_token': T}, json={})\n"
        "requests.get(URL, params=P)\n"
        "requests.get(URL, params={'page': 1}, headers={'Authorization': T})\n"
        "requests.post(URL, data={'client_secret': S})\n"
    )
    assert lines(code) == [3, 4]
    message = scan_snippet(code, "a.py", [RULE])[0].message
    assert message == ("Credential in a URL query string (access_token=): URLs end up in server "
                       "and proxy logs, browser history and Referer headers")


def test_config_urls() -> None:
    shell = (
        'curl -fsS "https://hooks.example.com/d?token=${DEPLOY_TOKEN}&env=${E}"\n'
        'curl -fsS "https://cdn.example.com/purge?key=${CDN_KEY}&path=/docs"\n'
        'curl -fsS "https://status.example.com/c?env=${E}&key=${SORT}"\n'
        'curl -fsS "https://example.com/verify-email?token=${T}"\n'
    )
    assert lines(shell, "deploy.sh") == [1, 2]
    env = "WEBHOOK=https://hooks.example.com/x?api_key=sk_live_abcdefghijklmnop\n"
    assert lines(env, ".env") == [1]


def test_a_key_the_provider_takes_only_in_the_query_is_not_the_callers_mistake() -> None:
    """Issue 11, item 7: OpenWeatherMap's ``appid`` (lines 4 and 6), Last.fm's public
    ``api_key`` (line 5) and Steam's ``key`` (line 7) go in the query by the provider's
    design; the same parameter to another host (line 8) and a token the API would take in
    a header (line 9) are reported."""
    code = (
        "import requests\n"
        "\n"
        "def calls(city, api_key, token):\n"
        "    requests.get(f'https://api.openweathermap.org/data/2.5/weather?q={city}&appid={api_key}')\n"
        "    requests.get(f'https://ws.audioscrobbler.com/2.0/?method=x&api_key={api_key}')\n"
        "    requests.get('https://api.openweathermap.org/data/2.5/weather', params={'appid': api_key})\n"
        "    requests.get('https://api.steampowered.com/ISteamUser/x/v2/?key=' + api_key)\n"
        "    requests.get(f'https://api.example.com/v1/search?q={city}&api_key={api_key}')\n"
        "    requests.get(f'https://api.openweathermap.org/me?access_token={token}')\n"
    )
    found = scan_snippet(code, "app/client.py", rules=[RULE])
    assert [(f.span.line, f.target) for f in found if f.rule_id == RULE.id] == [
        (8, "api_key"), (9, "access_token")]


def test_a_file_spelling_no_credential_parameter_is_not_parsed_for_tw602() -> None:
    # `params=` with `token` near it (the text prefilter lets the file in), but no string
    # spells a credential's query parameter and no `params=` dict holds one: the ast
    # screen leaves the libcst tree unbuilt.
    code = ("def search(session, term, page, token):\n"                                # 1
            "    # the API token goes in a header\n"                                   # 2
            "    url = f'https://api.example.com/search?q={term}&page={page}'\n"       # 3
            "    return session.get(url, params={'limit': 10})\n")                     # 4
    assert through_screen(RULE, code, "app/client.py") == ([], False)
    leak = code.replace("&page={page}", "&access_token={token}")
    assert lines(leak, "app/client.py") == [3]


def test_the_screen_reads_params_a_helper_returns() -> None:
    # ``params=_auth()``: the dict a same-module helper returns holds the key (line 3).
    code = ("import requests\n"                                                        # 1
            "def _auth():\n"                                                           # 2
            "    return {'api_key': KEY}\n"                                            # 3
            "def fetch(url):\n"                                                        # 4
            "    return requests.get(url, params=_auth())\n")                          # 5
    assert lines(code, "app/client.py") == [5]
