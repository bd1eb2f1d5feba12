from __future__ import annotations

from tests.helpers import pinned, scan_snippet, through_screen
from tokenward.rules.credential_in_query import RULE

_TAIL = ("from the URL query string: clients must put the credential in the URL, which is "
         "logged by servers and proxies and kept in browser history")


def test_parse_qs_counts_for_the_request_a_server_handles_not_for_an_outgoing_url() -> None:
    """requests-oauthlib compliance_fixes/slack.py:13 parses the URL the client is about to
    call (line 4): not a server reading its query. Line 7 parses ``self.path`` of an
    ``http.server`` handler; line 9 the CGI ``QUERY_STRING``."""
    code = ("from urllib.parse import parse_qs, urlparse\n"                          # 1
            "def fix(url, headers, data):\n"                                         # 2
            "    url_query = dict(parse_qs(urlparse(url).query))\n"                  # 3
            "    return url_query.get('token')\n"                                    # 4
            "class Handler:\n"                                                       # 5
            "    def do_GET(self):\n"                                                # 6
            "        params = parse_qs(urlparse(self.path).query)\n"                 # 7
            "        login(params['password'])\n"                                    # 8
            "        cgi = parse_qs(environ['QUERY_STRING'])\n"                      # 9
            "        login(cgi.get('api_key'))\n")                                   # 10
    assert pinned(scan_snippet(code, "server.py", rules=[RULE])) == [
        (8, 15, f"The server takes password {_TAIL}"),
        (10, 15, f"The server takes api_key {_TAIL}")]


def test_radware_register_route_takes_the_password_from_the_query() -> None:
    """radware-vulnerable-api app/routers/auth_router.py:24: a FastAPI POST route whose
    parameters are all ``Query(...)``; only the password is a credential."""
    code = ("from fastapi import APIRouter, Query\n"
            "router = APIRouter()\n"
            "@router.post('/register')\n"
            "async def register_user(\n"
            "    username: str = Query(...), email: str = Query(...), password: str = Query(...)\n"
            "):\n"
            "    return create(username, email, password)\n")
    assert pinned(scan_snippet(code, "app/routers/auth_router.py", rules=[RULE])) == [
        (5, 58, f"The server takes password {_TAIL}")]


def test_a_file_reading_no_credential_name_is_not_parsed_for_tw603() -> None:
    # `request` and a password are spelled (the prefilter lets the file in), but no
    # subscript, `get` argument or FastAPI parameter is a credential's name: the ast
    # screen leaves the libcst tree unbuilt.
    from tokenward.config import Config
    from tokenward.scanner.engine import FileTask, scan_file

    code = ("def view(request):\n"
            "    page = request.GET.get('page')\n"
            "    return render(request, 'password_reset.html', {'page': page})\n")
    result = scan_file(FileTask("app/views.py", code.encode()), Config(), [RULE])
    assert (result.findings, result.parsed) == ((), False)
    read = code.replace("get('page')", "get('password')")
    assert pinned(scan_snippet(read, "app/views.py", rules=[RULE])) == [
        (2, 12, f"The server takes password {_TAIL}")]


def test_a_credential_read_from_a_form_or_a_header_is_not_parsed_for_tw603() -> None:
    # Django's auth forms and middleware name credentials as keys of a form's cleaned data
    # (line 3) and of the request's headers (lines 4-5): no query mapping, no query parser
    # in the file, so the ast screen leaves the libcst tree unbuilt.
    code = ("class SetPasswordForm:\n"                                              # 1
            "    def save(self, request):\n"                                        # 2
            "        self.user.set_password(self.cleaned_data['password1'])\n"      # 3
            "        cookie = request.META['HTTP_COOKIE']\n"                        # 4
            "        return request.headers.get('Authorization'), cookie\n")        # 5
    assert through_screen(RULE, code, "auth/forms.py") == ([], False)
    # A key read through a name bound to the parsed query of the request: the screen
    # cannot rule it out (line 4), the rule fires.
    read = ("from urllib.parse import parse_qs\n"                                  # 1
            "def view(request):\n"                                                 # 2
            "    query = parse_qs(request.query_string)\n"                         # 3
            "    return query['password1']\n")                                     # 4
    assert pinned(scan_snippet(read, "auth/views.py", rules=[RULE])) == [
        (4, 12, f"The server takes password1 {_TAIL}")]


def test_a_query_value_only_ever_named_as_a_cookie_is_a_marker_not_a_credential() -> None:
    """Superset's export endpoints (charts/api.py:814) read ``token`` from the query only to
    name the cookie that tells the browser the download finished (line 3): no finding.
    Line 7 reads one that is also handed to a check (line 9): reported."""
    code = ("from flask import request\n"                                            # 1
            "def export(response):\n"                                                # 2
            "    if token := request.args.get('token'):\n"                           # 3
            "        response.set_cookie(token, 'done', max_age=600)\n"              # 4
            "    return response\n"                                                  # 5
            "def login(response):\n"                                                 # 6
            "    token = request.args.get('token')\n"                                # 7
            "    response.set_cookie(key=token, value='done')\n"                     # 8
            "    return check(token)\n")                                             # 9
    assert pinned(scan_snippet(code, "app/api.py", rules=[RULE])) == [
        (7, 13, f"The server takes token {_TAIL}")]


def test_a_query_value_read_only_to_refuse_the_request_is_not_taken() -> None:
    """django-allauth's OIDC validator (request_validator.py:479) reads ``access_token``
    from the query only to return False when a client sent it there (line 4), and a
    route raises on one (line 8): no finding. Line 11 reads one that is refused when
    empty but then looked up (line 14), line 16 one whose branch goes on: reported."""
    code = ("from django.core.exceptions import PermissionDenied\n"                   # 1
            "def validate_bearer_token(self, token, request):\n"                      # 2
            "    # Tokens in query parameters leak to logs: refused.\n"               # 3
            "    if request.GET.get('access_token') == token:\n"                      # 4
            "        return False\n"                                                  # 5
            "    return lookup(token)\n"                                              # 6
            "def view(request):\n"                                                    # 7
            "    if request.GET.get('token'): raise PermissionDenied()\n"             # 8
            "    return None\n"                                                       # 9
            "def resume(request):\n"                                                  # 10
            "    token = request.GET.get('token')\n"                                  # 11
            "    if not token:\n"                                                     # 12
            "        return None\n"                                                   # 13
            "    return lookup(token)\n"                                              # 14
            "def audit(request):\n"                                                   # 15
            "    if request.GET.get('token'):\n"                                      # 16
            "        audit_log('token in query')\n"                                   # 17
            "def check(request):\n"                                                   # 18
            "    if request.GET.get('api_key') != API_KEY:\n"                         # 19
            "        return False\n"                                                  # 20
            "    if not request.GET.get('token'):\n"                                  # 21
            "        return None\n")                                                  # 22
    # Lines 19 and 21 refuse every request but one that brings the credential: taken.
    assert pinned(scan_snippet(code, "app/views.py", rules=[RULE])) == [
        (11, 13, f"The server takes token {_TAIL}"),
        (16, 8, f"The server takes token {_TAIL}"),
        (19, 8, f"The server takes api_key {_TAIL}"),
        (21, 12, f"The server takes token {_TAIL}")]
