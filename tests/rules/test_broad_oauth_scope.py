from __future__ import annotations

import pytest

from tests.helpers import fired, scan_snippet, spans, through_screen
from tokenward.rules.broad_oauth_scope import RULE


def lines(code: str, path: str = "example.py") -> list[int]:
    return fired(scan_snippet(code, path, [RULE]), RULE.id)


def test_grants_in_kwargs_dict_keys_variables_and_positional_scopes() -> None:
    code = (
        "import msal\n"                                                          # 1
        "RELEASE_SCOPES = ['repo', 'admin:org']  # github\n"                     # 2
        "def token(cred, app):\n"                                                # 3
        "    cred.get_token('https://management.azure.com/.default')\n"         # 4
        "    app.acquire_token_for_client(scopes=[\n"                          # 5
        "        'https://graph.microsoft.com/Directory.ReadWrite.All'])\n"      # 6
        "    return requests.post(URL, json={'scope': ['global']})  # heroku\n"  # 7
    )
    assert lines(code) == [2, 2, 4, 6, 7]


def test_message_names_the_narrower_alternative() -> None:
    findings = scan_snippet("SCOPES = ['https://mail.google.com/']\n", "a.py", [RULE])
    assert [f.message for f in findings] == [
        "Over-broad scope: Google scope 'https://mail.google.com/' grants full access to the "
        "mailbox, including permanent deletion; use 'gmail.send' or 'gmail.readonly'"]


def test_checks_catalogues_and_narrow_lookalikes_are_silent() -> None:
    code = (
        "FORBIDDEN_SCOPES = frozenset({'delete_repo', 'admin:org'})  # github\n"
        "SCOPE_HELP = {'repo': 'Full control'}\n"
        "STATUS_SCOPES = ['repo:status', 'public_repo', 'read_api']\n"
        "REQUIRED_SCOPES = ['admin']\n"
        "def check(token, cred):\n"
        "    if 'admin' in token.scopes or token.scope == '*':\n"
        "        return True\n"
        "    cred.get_token('api://cmdb/.default', 'https://storage.azure.com/.default')\n"
        "@requires_scopes(scopes=['admin'])\n"
        "def view(): ...\n"
        "bearer = OAuth2PasswordBearer(tokenUrl='token', scopes={'admin': 'Admin'})\n"
    )
    assert lines(code) == []


def test_provider_ambiguous_values_need_the_provider_in_the_file() -> None:
    assert lines("def f(c):\n    return c.authorize(scope='repo api')\n") == []
    assert lines("def f(c):  # gitlab\n    return c.authorize(scope='read_user api')\n") == [2]


def test_names_are_followed_and_local_function_parameters_count() -> None:
    code = (
        "CLEANUP = ['delete_repo']\n"                                 # 1: not scope-named
        "def authorize_url(scopes, state):\n"                         # 2
        "    return build(scopes, state)\n"                           # 3
        "def cleanup():\n"                                            # 4
        "    return authorize_url(CLEANUP, 's')\n"                    # 5 -> literal on line 1
        "def star():\n"                                               # 6
        "    return authorize_url(['delete_repo'], 's')\n"           # 7
    )
    assert lines(code) == [1, 7]


def test_space_and_comma_separated_scope_strings() -> None:
    code = "q = urlencode({'user_scope': 'admin.users:write,admin.conversations:write'})\n"
    assert lines(code) == [1]


def test_listing_calls_use_scope_as_a_filter() -> None:
    assert lines("mrs = gl.mergerequests.list(scope='all')  # gitlab\n") == []


def test_config_files_inline_nested_and_flags() -> None:
    env = "GITHUB_OAUTH_SCOPES=repo,read:user\nGOOGLE_SCOPES=https://www.googleapis.com/auth/drive.file\n"
    assert lines(env, ".env") == [1]
    yaml = "oauth:\n  scopes:\n    - read:org\n    - admin:org\n  other: admin\n"
    assert lines(yaml, "config.yaml") == [4]
    json_text = '{\n  "scopes": [\n    "openid",\n    "*"\n  ]\n}\n'
    assert lines(json_text, "client.json") == [4]
    shell = "gcloud compute instances create vm --scopes=cloud-platform\n"
    assert lines(shell, "create.sh") == [1]
    assert lines("gcloud compute instances create vm --scopes=storage-ro\n", "c.sh") == []



def test_compose_environment_items_and_nested_flow_lists() -> None:
    compose = ("services:\n"
               "  web:\n"
               "    environment:\n"
               "      - OAUTH_SCOPES=admin read\n"
               "      - OTHER=admin\n")
    assert spans(scan_snippet(compose, "docker-compose.yml", [RULE])) == [(4, 22, 4, 27)]
    manifest = "oauth_config:\n  scopes:\n    bot: [chat:write]\n    user: [admin]\n"
    assert spans(scan_snippet(manifest, "slack/manifest.yml", [RULE])) == [(4, 12, 4, 17)]


def test_a_scope_catalogue_with_descriptions_is_not_a_grant() -> None:
    code = ("components:\n"
            "  securitySchemes:\n"
            "    oauth:\n"
            "      flows:\n"
            "        clientCredentials:\n"
            "          scopes:\n"
            "            admin: Full admin access\n"
            "            read: Read access\n")
    assert spans(scan_snippet(code, "openapi.yaml", [RULE])) == []


def test_a_json_scope_string_with_escapes_is_located_by_its_text() -> None:
    code = '{"scope": "openid\\u0020admin"}\n'
    assert spans(scan_snippet(code, "client.json", [RULE])) == [(1, 24, 1, 29)]
    code = '{"scope": "openid admin"}\n'
    assert spans(scan_snippet(code, "client.json", [RULE])) == [(1, 19, 1, 24)]


def test_a_client_librarys_default_scope_for_its_own_api_is_not_a_request() -> None:
    """A generated Google Cloud transport (lines 3-7): ``AUTH_SCOPES`` is read only as
    google-auth's ``default_scopes=``, the library's fallback when the application asks
    for none, and a literal passed so (lines 7-8): silent. The same tuple bound at line 9 and
    passed by the application as ``scopes=`` (line 10) is a request: reported at its
    literal, with the message."""
    code = (
        "import google.auth\n"                                                   # 1
        "class Transport:\n"                                                     # 2
        "    AUTH_SCOPES = ('https://www.googleapis.com/auth/cloud-platform',)\n"  # 3
        "    def __init__(self, scopes=None):\n"                                 # 4
        "        self.credentials, _ = google.auth.default(\n"                   # 5
        "            scopes=scopes, default_scopes=self.AUTH_SCOPES)\n"         # 6
        "        google.auth.default(default_scopes=(\n"                         # 7
        "            'https://www.googleapis.com/auth/cloud-platform',))\n"       # 8
        "APP_SCOPES = ('https://www.googleapis.com/auth/cloud-platform',)\n"      # 9
        "google.auth.default(scopes=APP_SCOPES)\n"                               # 10
    )
    assert [(f.span.line, f.span.column, f.message)
            for f in scan_snippet(code, "transports/base.py", [RULE])] == [
        (9, 15, "Over-broad scope: Google scope "
                "'https://www.googleapis.com/auth/cloud-platform' grants full access to every "
                "Google Cloud API in the project; use 'cloud-platform.read-only' or the scope "
                "of the one API used (e.g. 'devstorage.read_only')")]


# Django's static files handler: an ASGI ``scope`` (and a "*") but no scope is granted.
_ASGI = """
class StaticFilesHandler:
    ALL = "*"

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and self.serves(scope["path"]):
            return await self.handle(scope, receive, send)
        return await self.application(scope, receive, send)
"""


def test_a_file_granting_no_broad_scope_is_not_parsed_for_tw401() -> None:
    # "scope" is spelled (the keyword lets the file in), but no value granted as a scope
    # holds a broad one: the ast screen leaves the libcst tree unbuilt.
    assert through_screen(RULE, _ASGI, "app/handlers.py") == ([], False)


@pytest.mark.parametrize(("grant", "line"), [
    # A literal two names away (9, 10), handed to a same-file function's scope parameter.
    ('BROAD = ["admin:org"]\nWANTED = BROAD\ndef authorize(scopes, state):\n'
     '    return build_url(scopes, state)\ndef login():\n    return authorize(WANTED, "s")\n',
     9),
    ('token = oauth.fetch_token(URL, scope=" ".join(["openid", "admin:org"]))\n', 9),
    ('body = {"scope": ("openid", "*")}\n', 9),
    ('credential.get_token(*EXTRA, "https://management.azure.com/.default")\n', 9),
    ('token_scopes: list[str] = ["openid", "*"]\n', 9),
    ('if (user_scope := "admin:org"):\n    pass\n', 9),
])
def test_the_screen_lets_each_grant_the_rule_judges_through(grant: str, line: int) -> None:
    # _ASGI's 7 lines, a blank line, then the grant from line 9.
    findings, parsed = through_screen(RULE, _ASGI + "\n" + grant, "app/handlers.py")
    assert [finding[0] for finding in findings] == [line] and parsed
