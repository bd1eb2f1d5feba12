from __future__ import annotations

from tests.helpers import fired, pinned, scan_snippet
from tokenward.rules.token_logged import RULE


def lines(code: str, path: str = "app.py") -> list[int]:
    return fired(scan_snippet(code, path, [RULE]), RULE.id)


def test_loggers_found_through_assignments_and_structured_kwargs() -> None:
    code = (
        "import logging, structlog\n"                                                # 1
        "std = logging.getLogger('svc')\n"                                           # 2
        "log = structlog.get_logger()\n"                                             # 3
        "def f(client_id, client_secret, old_token, refresh_token, token_type):\n"   # 4
        "    std.debug('client %s secret %s', client_id, client_secret)\n"           # 5
        "    log.info('refreshed', old=old_token, user=client_id)\n"                 # 6
        "    std.debug(f'refresh_token={refresh_token}')\n"                          # 7
        "    std.info('token_type=%s', token_type)\n"                                # 8
        "    std.info('login', extra={'api_key': KEY})\n"                            # 9
    )
    assert lines(code) == [5, 6, 7, 9]


def test_redactions_are_silent() -> None:
    code = (
        "import logging, hashlib\n"
        "log = logging.getLogger(__name__)\n"
        "def f(token, api_key, headers):\n"
        "    log.info('%s', token[:6])\n"
        "    log.info('%s', api_key[-4:])\n"
        "    log.info('%s', mask(token))\n"
        "    log.info('%s', hashlib.sha256(token.encode()).hexdigest())\n"
        "    log.info('%d', len(token))\n"
        "    log.info('%s', 'Authorization' in headers)\n"
        "    shown = token[:4] + '...'\n"
        "    log.info('%s', shown)\n"
        "    log.info('%s', token.split('.')[0])\n"
    )
    assert lines(code) == []


def test_followed_values_headers_and_exceptions() -> None:
    code = (
        "import logging, os, sys\n"                                                        # 1
        "log = logging.getLogger(__name__)\n"                                              # 2
        "def _headers():\n"                                                                # 3
        "    return {'Authorization': 'Bearer ' + os.environ['T']}\n"                      # 4
        "def f(request, header, resp, user):\n"                                            # 5
        "    print('failed with', _headers(), file=sys.stderr)\n"                          # 6
        "    link = url_for('reset', token=user.token, _external=True)\n"                  # 7
        "    log.info('link %s', link)\n"                                                  # 8
        "    tokens = resp.json()\n"                                                       # 9
        "    log.info('token response %s', tokens)\n"                                      # 10
        "    log.info('type %s', tokens['token_type'])\n"                                  # 11
        "    print('HEROKU_API_KEY=' + os.environ['HEROKU_API_KEY'])\n"                    # 12
        "    raise ValueError(f'malformed Authorization header: {header}')\n"              # 13
    )
    assert lines(code) == [6, 8, 10, 12, 13]
    code2 = (
        "def g(api_key, token_id, claims):\n"
        "    raise PermissionError('API key rejected (%s): %s' % ('r', api_key))\n"
        "def h(token_id, claims):\n"
        "    raise KeyError(f\"token {claims['jti']} expired, id {token_id}\")\n"
    )
    assert lines(code2) == [2]


def test_self_referential_assignment_terminates() -> None:
    code = ("import logging\ndef f(x):\n    msg = f'{msg}!'\n    msg = msg + x\n"
            "    logging.info(msg)\n")
    assert lines(code) == []


def test_nlp_tokens_and_loop_variables() -> None:
    code = (
        "import logging\n"
        "from transformers import AutoTokenizer\n"
        "def f(text, tokens):\n"
        "    token = tokens[0]\n"
        "    logging.info('first token %s, %d tokens', token, len(tokens))\n"
    )
    assert lines(code) == []


def test_echo_in_shell_and_workflows() -> None:
    shell = (
        'echo "Using token $GH_TOKEN"\n'
        'echo "length ${#VAULT_TOKEN}"\n'
        'echo "$DOCKER_PASSWORD" | docker login -u me --password-stdin\n'
        'echo "TOKEN=$TOKEN" >> "$GITHUB_ENV"\n'
        'echo "accessor $(vault token lookup "$AUDIT_TOKEN" | jq -r .data.accessor)"\n'
        'echo "::add-mask::$API_TOKEN"\n'
        'echo "prefix ${API_TOKEN:0:4}"\n'
        'echo "secret is ${CLIENT_SECRET}" >&2\n'
    )
    assert lines(shell, "run.sh") == [1, 8]
    workflow = "jobs:\n  a:\n    steps:\n      - run: echo ${{ secrets.NPM_TOKEN }}\n"
    assert lines(workflow, ".github/workflows/x.yml") == [4]


def test_a_parameter_is_judged_by_how_the_file_reads_the_name() -> None:
    parser = (
        "class Parser:\n"                                                            # 1
        "    def parse(self, token):\n"                                              # 2
        "        return token.contents.split()\n"                                    # 3
        "    def fail(self, token):\n"                                               # 4
        "        raise SyntaxError(token)\n"                                         # 5
        "class Node:\n"                                                              # 6
        "    token = None\n"                                                         # 7
    )
    assert lines(parser) == []
    client = (
        "import logging\n"                                                           # 1
        "log = logging.getLogger(__name__)\n"                                        # 2
        "class Node:\n"                                                              # 3
        "    token = None\n"                                                         # 4
        "def refresh(token):\n"                                                      # 5
        "    log.info('refreshing with %s', token)\n"                                # 6
        "    for name, password in CREDS.items():\n"                                 # 7
        "        log.debug('%s: %s', name, password)\n"                              # 8
        "def lex(tokens):\n"                                                        # 9
        "    for token in tokens:\n"                                                 # 10
        "        log.debug('lexed %s', token)\n"                                     # 11
    )
    # a class attribute elsewhere (line 4) no longer stands for the parameter
    assert pinned(scan_snippet(client, "app.py", [RULE])) == [
        (6, 5, "token is written to a log (log.info): logs are kept, shipped and read by "
               "many people, so the token leaks"),
        (8, 9, "password is written to a log (log.debug): logs are kept, shipped and read "
               "by many people, so the token leaks"),
    ]


def test_an_error_code_named_after_a_bad_credential_is_not_one() -> None:
    """Line 5 sends an error code (``ErrorCode.LOGIN_BAD_CREDENTIALS``), not a credential;
    line 6 sends the token itself."""
    code = ("from fastapi import HTTPException\n"
            "from .errors import ErrorCode\n"
            "\n"
            "def login(token):\n"
            "    raise HTTPException(status_code=400, detail=ErrorCode.LOGIN_BAD_CREDENTIALS)\n"
            "    raise HTTPException(status_code=400, detail=f'rejected {token}')\n")
    assert fired(scan_snippet(code, "app/auth.py", rules=[RULE])) == [6]


def test_a_dict_bound_far_above_the_log_call_is_judged_where_it_is_bound() -> None:
    """Line 16 logs ``log_data``, whose ``"authorization"`` entry (line 6) holds the bearer
    header; the comments between put the credential's name far from the call, which the
    file prefilter must not take for a file without one."""
    comment = "        # " + "access log: method, path, client, status and timing " * 2 + "\n"
    code = ("import logging\n"
            "logger = logging.getLogger('access')\n"
            "\n"
            "async def dispatch(request, call_next):\n"
            "    log_data = {\n"
            "        'authorization': request.headers.get('authorization'),\n"
            "        'path': request.url.path,\n"
            "    }\n"
            + comment * 7 +
            "    logger.info(log_data)\n")
    assert fired(scan_snippet(code, "app/main.py", rules=[RULE])) == [16]
