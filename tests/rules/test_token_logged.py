from __future__ import annotations

from tests.helpers import fired, pinned, scan_snippet, through_screen
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


_LEAK = "logs are kept, shipped and read by many people, so the token leaks"


def test_an_exception_that_keeps_the_token_as_an_attribute_has_no_token_in_its_message() -> None:
    """requests-oauthlib oauth2_session.py:559 (``raise TokenUpdated(token)``) and
    healthchecks signal/transport.py:96: the class's ``__init__`` stores the value on
    ``self`` and sends a fixed message, so nothing reaches the message. Line 15 raises a
    class whose ``__init__`` passes the token on to the base class: that one leaks."""
    code = ("class TokenUpdated(Warning):\n"                                   # 1
            "    def __init__(self, token):\n"                                 # 2
            "        super().__init__()\n"                                     # 3
            "        self.token = token\n"                                     # 4
            "class RateLimited(Exception):\n"                                  # 5
            "    def __init__(self, token: str, reply: bytes):\n"              # 6
            "        super().__init__('CAPTCHA proof required')\n"             # 7
            "        self.token = token\n"                                     # 8
            "class Rejected(Exception):\n"                                     # 9
            "    def __init__(self, token):\n"                                 # 10
            "        super().__init__(f'rejected {token}')\n"                  # 11
            "def refresh(token, result, reply):\n"                             # 12
            "    raise TokenUpdated(token)\n"                                  # 13
            "    raise RateLimited(result.token, reply)\n"                     # 14
            "    raise Rejected(token)\n")                                     # 15
    assert pinned(scan_snippet(code, "app/session.py", rules=[RULE])) == [
        (15, 11, f"token is written to an exception message (Rejected): {_LEAK}")]


def test_an_error_code_and_a_translated_message_under_a_token_key_are_fixed_text() -> None:
    """fastapi-users router/oauth.py:157 (``ErrorCode.ACCESS_TOKEN_ALREADY_EXPIRED``: the
    name states a condition) and dj-rest-auth serializers.py:300 (``{'token':
    [_('Invalid value')]}``: a translated message under the field's name). Line 7 puts the
    submitted token itself under the key."""
    code = ("from django.utils.translation import gettext_lazy as _\n"         # 1
            "from rest_framework.exceptions import ValidationError\n"          # 2
            "from .errors import ErrorCode\n"                                  # 3
            "def validate(attrs):\n"                                           # 4
            "    raise HTTPException(400, detail=ErrorCode.ACCESS_TOKEN_ALREADY_EXPIRED)\n"
            "    raise ValidationError({'token': [_('Invalid value')]})\n"     # 6
            "    raise ValidationError({'token': [attrs['token']]})\n")        # 7
    assert pinned(scan_snippet(code, "app/serializers.py", rules=[RULE])) == [
        (7, 11, "'token': [attrs['token']] is written to an exception message "
                f"(ValidationError): {_LEAK}")]


def test_a_token_name_bound_to_an_object_id_holds_the_id() -> None:
    """stripe _bank_account.py:512 (``token = self.id`` then ``"... %s" % token`` in an
    error): the public object id is shown, not a secret. Line 6 shows the token itself."""
    code = ("class BankAccount:\n"                                             # 1
            "    def instance_url(self):\n"                                    # 2
            "        token = self.id\n"                                        # 3
            "        raise InvalidRequestError('no owner for %s' % token)\n"   # 4
            "    def refresh(self, token):\n"                                  # 5
            "        raise InvalidRequestError('no owner for %s' % token)\n")  # 6
    assert pinned(scan_snippet(code, "stripe/_bank_account.py", rules=[RULE])) == [
        (6, 15, f"token is written to an exception message (InvalidRequestError): {_LEAK}")]


def test_a_query_traced_to_stdout_writes_the_password_it_holds() -> None:
    """vulpy bad/libuser.py:12: ``conn.set_trace_callback(print)`` makes sqlite3 print
    every statement, so the login query built with the password prints it (line 11; the
    setter stands far from it, and the prefilter must still let the file through). Line 14
    runs before its function sets the callback; line 16's query holds no credential."""
    code = ("import sqlite3\n"                                                         # 1
            "def login(username, password):\n"                                         # 2
            "    conn = sqlite3.connect('users.sqlite')\n"                             # 3
            "    conn.set_trace_callback(print)\n"                                     # 4
            + "    # the row factory gives named columns to every query of this login\n"
            * 5 +                                                                      # 5-9
            "    c = conn.cursor()\n"                                                  # 10
            "    return c.execute(\"SELECT * FROM users WHERE password = '{}'\"\n"     # 11
            "                     .format(password)).fetchone()\n"                     # 12
            "def names(conn, password):\n"                                             # 13
            "    conn.execute('SELECT name FROM users WHERE pw = ?', (password,))\n"   # 14
            "    conn.set_trace_callback(print)\n"                                     # 15
            "    conn.execute('SELECT name FROM users')\n")                            # 16
    assert pinned(scan_snippet(code, "bad/libuser.py", rules=[RULE])) == [
        (11, 12, "password is written to output (the connection's trace callback, print): "
                 f"{_LEAK}")]
    far = ("conn.set_trace_callback(print)\n"
           + "# the row factory gives named columns to every query of this login\n" * 5
           + "c.execute(q.format(password))\n")
    assert RULE.wants(far.lower())


def test_the_response_of_a_login_is_the_credential_it_grants() -> None:
    """Issue 11 item 12: ``content = r.text`` of a POST that sent the password holds the
    session or token the login grants, printed under a neutral name (line 6). Line 8 prints
    the response of a call that only authenticated with a header; line 10 a Slack webhook
    URL (the URL is the credential) written to a debug log."""
    code = ("import logging, requests\n"                                               # 1
            "log = logging.getLogger(__name__)\n"                                      # 2
            "def login(user, pw, api_key, settings):\n"                                # 3
            "    r = requests.post(URL, json={'username': user, 'password': pw})\n"    # 4
            "    content = r.text\n"                                                   # 5
            "    print(content)\n"                                                     # 6
            "    listing = requests.get(URL, headers={'X-Api-Key': api_key})\n"        # 7
            "    print(listing.json())\n"                                              # 8
            "    hook = settings.SLACK_WEBHOOK_URL\n"                                  # 9
            "    log.debug('posting to %s', hook)\n")                                  # 10
    assert pinned(scan_snippet(code, "client.py", rules=[RULE])) == [
        (6, 5, f"content is written to output (print): {_LEAK}"),
        (10, 5, f"hook is written to a log (log.debug): {_LEAK}")]


def test_a_file_writing_no_credential_is_not_parsed_for_tw601() -> None:
    # `raise` and a password are spelled side by side (the text prefilter lets the file
    # in), but no message carries a credential: the ast screen leaves the libcst tree
    # unbuilt.
    code = ("import logging\n"                                                      # 1
            "log = logging.getLogger(__name__)\n"                                   # 2
            "def login(user, password):\n"                                          # 3
            "    if not user.check_password(password):\n"                           # 4
            "        raise ValueError('The password is wrong')\n"                   # 5
            "    log.info('user %s logged in', user.username)\n")                   # 6
    assert through_screen(RULE, code, "app/auth.py") == ([], False)
    leak = code.replace("'The password is wrong'", "f'wrong password {password}'")
    assert lines(leak, "app/auth.py") == [5]


def test_the_screen_follows_names_and_imports_as_the_rule_does() -> None:
    # A logger made through an aliased factory (line 2), a message built two names away
    # (lines 5-6) and a body dict named for nothing (lines 8-9): each still fires.
    code = ("from logging import getLogger as make\n"                               # 1
            "audit = make('audit')\n"                                               # 2
            "def send(client, secret):\n"                                           # 3
            "    text = 'sent ' + secret\n"                                         # 4
            "    line = text\n"                                                     # 5
            "    audit.warning(line)\n"                                             # 6
            "def post(client, pw):\n"                                               # 7
            "    body = {'password': pw}\n"                                         # 8
            "    print(body)\n")                                                    # 9
    assert lines(code, "app/audit.py") == [6, 9]


def test_an_fstring_read_as_written_where_ast_reads_it_decoded() -> None:
    # libcst's f-string text keeps the escapes as written: its last 40 characters end in
    # "secret\t\t...", which names the generic `value`; decoded, the text is shorter and
    # its one word is "xsecret". The screen must not judge by the decoded text there.
    code = ("def check(value):\n"
            "    raise ValueError(f'xsecret" + "\\t" * 16 + ": {value}')\n")
    assert lines(code, "app/check.py") == [2]


def test_the_prefilter_finds_the_sinks_and_bindings_it_always_found() -> None:
    # The patterns were rewritten for speed (a lookahead of first characters, possessive
    # quantifiers): these are the matches the plain spelling makes, edge cases included.
    from tokenward.rules.token_logged import _BOUND, _SINK_MARKERS

    text = ("log.info(x)\npprint(y) ; warnings.warn(z)\nraise\tE\nx.print(t)\n"
            "sentry_sdk.capture_exception(e)\nprinter(q) ; preprint(q) ; echo $t\n")
    assert [m.group(0) for m in _SINK_MARKERS.finditer(text)] == [
        ".info(", "pprint", ".warn(", "raise\t", ".print(", "capture_exception(", "echo"]
    text = ("abc = 1\nfoo: bar = 2\nxy = 3\nlong_name  == 4\nal_pha_9: dict[str, int]=5\n"
            "ok_1 : x\n= 6\nmax(one=1)\n")
    assert [m.group(1) for m in _BOUND.finditer(text)] == ["abc", "foo", "al_pha_9", "one"]


def test_a_token_object_is_left_unparsed_where_the_rule_leaves_it() -> None:
    # A template lexer's token: its attributes are read in the function that raises with
    # it (line 3), or, for a parameter, anywhere in the file (line 5 for line 7): the ast
    # screen sees the object as the rule does and leaves the libcst tree unbuilt.
    code = ("class Parser:\n"                                                       # 1
            "    def tag(self, token):\n"                                           # 2
            "        name = token.contents.split()[0]\n"                            # 3
            "        raise TemplateSyntaxError('bad tag %s' % token)\n"             # 4
            "    def block(self, token):\n"                                         # 5
            "        raise TemplateSyntaxError('bad block %s' % token)\n")          # 6
    assert through_screen(RULE, code, "app/template.py") == ([], False)


def test_a_token_read_only_as_a_string_or_for_its_secret_is_still_judged() -> None:
    # String methods only (line 4), an object that holds a secret (line 6), a parameter
    # rebound in its function (line 10, read as an object on line 12): the screen cannot
    # tell an object, and the rule fires.
    code = ("import logging\n"                                                      # 1
            "log = logging.getLogger(__name__)\n"                                   # 2
            "def send(token):\n"                                                    # 3
            "    log.info('sending %s', token.strip())\n"                           # 4
            "def refresh(access_token):\n"                                          # 5
            "    check(access_token.expiry, access_token.secret)\n"                 # 6
            "    log.info('renewed %s', access_token)\n"                            # 7
            "def rotate(api_key):\n"                                                # 8
            "    api_key = api_key.upper()\n"                                       # 9
            "    log.info('rotated %s', api_key)\n"                                 # 10
            "def parse(api_key):\n"                                                 # 11
            "    return api_key.fields\n")                                          # 12
    found, parsed = through_screen(RULE, code, "app/client.py")
    assert parsed and [line for line, _, _ in found] == [4, 7, 10]


def test_a_pin_of_a_board_is_a_pin_number_and_a_pin_elsewhere_a_pin() -> None:
    """Home Assistant's Firmata integration (firmata/pin.py:83) logs the board pin it
    drives: the file speaks of pin modes, so ``self._pin`` is a pin number (no finding).
    The same log line in a file that drives no board (line 6) logs a PIN."""
    board = ("import logging\n"
             "_LOGGER = logging.getLogger(__name__)\n"
             "class Pin:\n"
             "    async def turn_on(self):\n"
             "        await self.api.set_pin_mode_digital_output(self._pin)\n"
             "        _LOGGER.debug('Turning digital output on pin %s on', self._pin)\n")
    assert lines(board, "firmata/pin.py") == []
    card = board.replace("        await self.api.set_pin_mode_digital_output(self._pin)\n",
                         "        await self.api.unlock(self._pin)\n")
    assert lines(card, "cards/pin.py") == [6]


def test_a_webhook_url_built_of_public_parts_holds_no_secret() -> None:
    """Home Assistant's Telegram bot (telegram_bot/webhooks.py:72) and Reolink
    (reolink/host.py:499-519) log webhook URLs made of the instance's base URL and a fixed
    path or a device's id: no finding. Point (point/__init__.py:124) makes its URL from a
    random id (line 15), and a class that binds its URL once from a random id (line 25)
    logs a secret wherever else it binds it: both are reported. An instance of a class of
    the file is judged by that class's bindings (Telegram's ``pushbot.webhook_url``, line
    30, public; line 31, not)."""
    code = ("import logging\n"                                                      # 1
            "from homeassistant.components import webhook\n"                        # 2
            "from .const import DOMAIN\n"                                           # 3
            "_LOGGER = logging.getLogger(__name__)\n"                               # 4
            "TELEGRAM_WEBHOOK_URL = '/api/telegram_webhooks'\n"                     # 5
            "class Bot:\n"                                                          # 6
            "    def __init__(self, base_url):\n"                                   # 7
            "        self.base_url = base_url\n"                                    # 8
            "        self.webhook_url = f'{self.base_url}{TELEGRAM_WEBHOOK_URL}'\n"  # 9
            "    def register(self):\n"                                             # 10
            "        _LOGGER.debug('Registering webhook URL: %s', self.webhook_url)\n"  # 11
            "def setup(hass):\n"                                                    # 12
            "    webhook_id = webhook.async_generate_id()\n"                        # 13
            "    webhook_url = webhook.async_generate_url(hass, webhook_id)\n"      # 14
            "    _LOGGER.info('Webhook URL: %s', webhook_url)\n"                    # 15
            "class Camera:\n"                                                       # 16
            "    def register(self):\n"                                             # 17
            "        self.webhook_id = f\"{DOMAIN}_{self.unique_id.replace(':', '')}\"\n"  # 18
            "        path = webhook.async_generate_path(self.webhook_id)\n"         # 19
            "        self._webhook_url = f'{self._base_url}{path}'\n"               # 20
            "        _LOGGER.debug('Registered %s', self._webhook_url)\n"           # 21
            "class Mixed:\n"                                                        # 22
            "    def start(self):\n"                                                # 23
            "        self._webhook_url = f'{self._base_url}/hook'\n"                # 24
            "        _LOGGER.debug('Using %s', self._webhook_url)\n"                # 25
            "    def rotate(self):\n"                                               # 26
            "        self._webhook_url = create_cloudhook()\n"                        # 27
            "def start(base_url):\n"                                                # 28
            "    bot, mixed = Bot(base_url), Mixed()\n"                              # 29
            "    _LOGGER.error('Invalid webhook %s', bot.webhook_url)\n"             # 30
            "    _LOGGER.error('Invalid webhook %s', mixed._webhook_url)\n")         # 31
    assert lines(code, "components/bot.py") == [15, 25, 31]


def test_a_credential_name_bound_to_a_serial_number_holds_the_serial_number() -> None:
    """Home Assistant's SharkIQ (sharkiq/update_coordinator.py:55) calls a vacuum's serial
    number its ``dsn`` (line 5: no finding); a ``dsn`` read from the settings (line 7) is a
    data source name, with its password: reported."""
    code = ("import logging\n"                                                        # 1
            "LOGGER = logging.getLogger(__name__)\n"                                  # 2
            "def update(vacuum, settings):\n"                                         # 3
            "    dsn = vacuum.serial_number\n"                                        # 4
            "    LOGGER.debug('Updating device DSN %s', dsn)\n"                       # 5
            "    dsn = settings.DATABASE_DSN\n"                                       # 6
            "    LOGGER.debug('Connecting to %s', dsn)\n")                            # 7
    assert lines(code, "components/vacuum.py") == [7]


def test_an_attribute_extended_with_a_token_is_not_public() -> None:
    """``self.webhook_url`` starts as the base URL and a fixed path (line 6) but is then
    extended with the token (line 7): logging it (line 9) logs the token."""
    code = ("import logging\n"                                                      # 1
            "_LOGGER = logging.getLogger(__name__)\n"                               # 2
            "HOOK_PATH = '/api/hook'\n"                                             # 3
            "class Bot:\n"                                                          # 4
            "    def __init__(self, base_url, token):\n"                            # 5
            "        self.webhook_url = f'{base_url}{HOOK_PATH}'\n"                 # 6
            "        self.webhook_url += f'?token={token}'\n"                       # 7
            "    def register(self):\n"                                             # 8
            "        _LOGGER.debug('Registering %s', self.webhook_url)\n")          # 9
    assert lines(code, "components/bot.py") == [9]
