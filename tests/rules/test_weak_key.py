"""TW104 weak-key: guessable keys in code and configuration, reported once (not by TW101 or
TW102 as well), and the seeded passwords TW101 reports whatever their shape."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.helpers import scan_snippet, through_screen
from tokenward.analysis import vocabulary
from tokenward.analysis.source import FileKind, Source
from tokenward.analysis.values import names_key
from tokenward.config import Config
from tokenward.rules import hardcoded_secret, hardcoded_secret_config, weak_key
from tokenward.rules.base import Rule
from tokenward.scanner.engine import FileTask, scan_file

RULES = [hardcoded_secret.RULE, hardcoded_secret_config.RULE, weak_key.RULE]
WEAK = ": anyone can forge the sessions and tokens it signs"
_GOLDEN = Path(__file__).parents[1] / "analysis" / "data" / "vocabulary_golden.tsv"


def _scan(code: str, path: str = "app.py") -> list[tuple[int, int, str, str]]:
    text = textwrap.dedent(code).lstrip("\n")
    return sorted((f.span.line, f.span.column, f.rule_id, f.message)
                  for f in scan_snippet(text, path, RULES))


def test_the_vulnerable_apps_keys_are_weak_keys_and_nothing_else() -> None:
    # vulpy bad/vulpy.py:16, good/libapi.py:10, flaskbb configs/default.py:172 and :178,
    # healthchecks hc/settings.py:68 (a project's own environment wrapper).
    code = '''
    import os
    from flask import Flask

    app = Flask(__name__)
    app.config['SECRET_KEY'] = 'aaaaaaa'
    secret = 'MYSUPERSECRETKEY'
    SECRET_KEY = "secret key"
    WTF_CSRF_SECRET_KEY = "reallyhardtoguess"
    SECRET_KEY = envsecret("SECRET_KEY", "---")
    '''
    assert _scan(code) == [
        (5, 28, "TW104", "Guessable key bound to SECRET_KEY (one repeated character)" + WEAK),
        (6, 10, "TW104", "Guessable key bound to secret (made of dictionary words)" + WEAK),
        (7, 14, "TW104", "Guessable key bound to SECRET_KEY (a phrase)" + WEAK),
        (8, 23, "TW104", "Guessable key bound to WTF_CSRF_SECRET_KEY (letters of one case "
                         "only: words run together)" + WEAK),
        (9, 38, "TW104", "Guessable key bound to SECRET_KEY (one repeated character)" + WEAK),
    ]


def test_a_random_key_stays_tw101s_and_a_fernet_key_is_followed_from_its_name() -> None:
    # vulpy good/libsession.py:9: the key is bound to a plain name, then passed to Fernet.
    code = '''
    from cryptography.fernet import Fernet
    key = 'JHtM1wEt1I1J9N_Evjwqr3yYauXIqSxYzFnRhcf0ZG0='
    fernet = Fernet(key)
    SECRET_KEY = "Kq7wLp2Zr9xT4vB8nM3cYt6"
    '''
    assert _scan(code) == [
        (2, 7, "TW101", "Hard-coded Fernet key bound to key"),
        (4, 14, "TW101", "Hard-coded secret key bound to SECRET_KEY"),
    ]


def test_configuration_files_report_a_weak_key_once() -> None:
    code = '''
    SECRET_KEY=changeme
    JWT_SECRET=Kq7wLp2Zr9xT4vB8nM3cYt6
    '''
    assert _scan(code, ".env") == [
        (1, 12, "TW104", "Guessable key bound to SECRET_KEY (made of dictionary words)" + WEAK),
        (2, 12, "TW102", "Hard-coded secret in configuration key JWT_SECRET"),
    ]


def test_test_values_and_key_material_are_not_weak_keys() -> None:
    # healthchecks hc/front/templatetags/hc_extras.py:110: a check for the default.
    code = '''
    if settings.SECRET_KEY == "---":
        warn()
    SECRET_KEY = "test-secret-key-for-ci"
    SIGNING_KEY = "your-secret-key"
    NONE_SECRET = "None"
    VERIFY_KEY_PEM = """-----BEGIN PUBLIC KEY-----
    MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvTFWSFUI0fEKlSH0v0Sh
    -----END PUBLIC KEY-----"""
    '''
    assert _scan(code) == []


def test_seeded_and_default_passwords_are_reported_whatever_their_shape() -> None:
    # mealie settings.py:190 and db_providers.py:38, dsvpwa attacks.py:285, dsvw.py:11.
    code = '''
    class Settings:
        _DEFAULT_PASSWORD: str = "MyPassword"
        POSTGRES_USER: str = "mealie"
        POSTGRES_PASSWORD: str = "mealie"

    def login(username, password):
        return username == 'dsvpwa' and password == 'dsvpwa'

    USERS = "<user><password>7en8aiDoh!</password></user>"
    LIMITS = {"change_password": "5/m/user", "Password": "Updated.", "lock_passwd": "true"}
    '''
    assert _scan(code) == [
        (2, 30, "TW101", "Hard-coded password bound to _DEFAULT_PASSWORD"),
        (4, 30, "TW101", "Hard-coded password bound to POSTGRES_PASSWORD"),
        (7, 49, "TW101", "Hard-coded password bound to password"),
        (9, 9, "TW101", "Hard-coded password inside a string bound to USERS"),
    ]


# --- the screen that lets TW104 skip the libcst tree (issue 17) ----------------------------

_SCREENED = '''
import argparse, os
import jwt
from cryptography.fernet import Fernet

app.config["SECRET_KEY"] = "dev"
settings = {"flask.secret_key": "dev"}
app = Flask(__name__, secret_key="dev")
def sign(payload, signing_key="dev"):
    return payload
user, secret_key = "admin", "dev"
fallback = os.environ.get("SECRET_KEY", "dev")
parser.add_argument("--jwt-secret", default="dev")
env = V1EnvVar(name="SECRET_KEY", value="dev")
token = jwt.encode({"sub": 1}, "secret")
box = Fernet(b"changeme")
'''


def test_tw104_alone_finds_every_binding_the_shared_search_finds() -> None:
    # Scanned without TW101 the file is screened first (bound_literals): every binding
    # position the key search judges must survive the screen, finding for finding.
    alone = _scan_with([weak_key.RULE], _SCREENED)
    assert alone == [f for f in _scan(_SCREENED) if f[2] == "TW104"]
    assert [(line, column) for line, column, _, _ in alone] == [
        (5, 28), (6, 33), (7, 34), (8, 31), (10, 29), (11, 41), (12, 45), (13, 41),
        (14, 32), (15, 14)]
    assert alone[0][3] == "Guessable key bound to SECRET_KEY (made of dictionary words)" + WEAK


def test_a_file_without_a_key_name_is_not_parsed_for_tw104() -> None:
    # `cache_key`, `primary_key` and a `secret` only read: no literal can be bound to the
    # name of a key, so TW104 needs no tree (Django's models and caches).
    code = 'cache_key = "abc"\nfield = Field(primary_key=True)\nx = settings.SECRET_KEY\n'
    result = scan_file(FileTask("app.py", code.encode()), Config(), [weak_key.RULE])
    assert (result.findings, result.parsed) == ((), False)
    assert not hardcoded_secret.may_bind_weak_key(_source(code))
    assert hardcoded_secret.may_bind_weak_key(_source(code + 'SECRET_KEY = "abc"\n'))


def test_every_name_of_a_key_the_vocabulary_knows_holds_key_or_secret() -> None:
    # The screen's text test judges only the names written around `key` and `secret`.
    names = [*vocabulary._CREDENTIAL_HEADS, *vocabulary._COMPOUNDS,
             *("_".join(pair) for pair in vocabulary._CREDENTIAL_PAIRS),
             *(row.split("\t", 1)[0] for row in _GOLDEN.read_text().splitlines()[1:])]
    keys = [name for name in names if names_key(name)]
    assert len(keys) > 60
    assert [n for n in keys if "key" not in n.lower() and "secret" not in n.lower()] == []


def test_a_file_naming_no_key_is_not_even_read_by_ast() -> None:
    # Home Assistant's entities: `_key` (one of TW104's keywords) in names of settings and
    # lookups, no name of a key: the screen's text test answers before any tree is parsed.
    source = _source('_attr_translation_key = "mode"\nunique_key = "abc"\n')
    assert not hardcoded_secret.may_bind_weak_key(source)
    assert "_python_tree" not in source.__dict__


@pytest.mark.parametrize(("code", "line"), [
    ('HMAC_KEY = "changeme"\n', 2),
    ('class A:\n    def f(self):\n        self.hmac_key = "changeme"\n', 4),
    ('conf = {"signing-key": "changeme"}\n', 2),
    ('appSigningKey = "changeme"\n', 2),
    ('opts = {"hmac signing key": "changeme"}\n', 2),
    ('def f(cipher_key="changeme"): pass\n', 2),
    ('V1EnvVar(name="ENCRYPTION_KEY", value="changeme")\n', 2),
    ('from cryptography import fernet as f\nbox = f.Fernet(b"changeme")\n', 3),
    ('import jwt as j\nj.encode({}, "changeme")\n', 3),
    ('from pydantic import SecretStr as S\nx = S("changeme")\n', 3),
    ('token = itsdangerous.Signer("changeme")\n', 2),
])
def test_a_key_written_any_way_passes_the_text_test(code: str, line: int) -> None:
    # Beside a `translation_key` (TW104's keyword `_key`): the key's name as an attribute,
    # a dashed or spaced setting, in camelCase, a parameter, a slot's value; a key call
    # through an aliased import.
    findings, parsed = through_screen(weak_key.RULE, 'translation_key = "x"\n' + code, "app.py")
    assert ([f[0] for f in findings], parsed) == ([line], True)


def test_a_key_passed_by_a_plain_name_survives_the_screen() -> None:
    # The call search follows `Fernet(material)` to the literal `material` is bound to.
    code = """
        from cryptography.fernet import Fernet
        material = b"changeme"
        box = Fernet(material)
        """
    assert through_screen(weak_key.RULE, code, "app.py") == (
        [(2, 12, "Guessable key bound to key (made of dictionary words): anyone can forge "
                 "the sessions and tokens it signs")], True)


_NO_LITERAL_PASSED = """
    \"\"\"Signed cookies: https://github.com/pallets/itsdangerous (Github).\"\"\"
    from itsdangerous import URLSafeTimedSerializer
    def serializer(app):
        return URLSafeTimedSerializer(app.secret_key, salt="cookie-session")
    """


def test_a_key_call_given_no_literal_is_not_parsed() -> None:
    # flask's sessions.py through its history: the key call is there, but what it is
    # passed is an attribute, which the call search does not follow; the words `github`
    # and `Github` spell `github.Github`'s parts without any such call.
    assert through_screen(weak_key.RULE, _NO_LITERAL_PASSED, "app.py") == ([], False)
    assert through_screen(hardcoded_secret.RULE, _NO_LITERAL_PASSED, "app.py") == ([], False)


_NAMES_OF_SETTINGS = """
    from typing import Final
    CONF_PASSWORD = "password"
    CONF_API_KEY: Final = "api_key"
    DEFAULT_PASSWORD = ""
    STORAGE_KEY = "auth_provider.homeassistant"
    ATTR_ACCESS_TOKEN = "access_token"
    """


def test_secret_names_bound_to_what_the_search_rejects_are_not_parsed() -> None:
    # Home Assistant's constants: a secret's name bound to the name of a setting, an empty
    # default, a storage key. A plain string bound to a name alone is judged by the
    # search's own checks in the screens, so neither rule needs a tree.
    assert through_screen(weak_key.RULE, _NAMES_OF_SETTINGS, "const.py") == ([], False)
    assert through_screen(hardcoded_secret.RULE, _NAMES_OF_SETTINGS, "const.py") == ([], False)


def test_a_plain_secret_or_weak_key_among_them_is_parsed_and_reported() -> None:
    code = _NAMES_OF_SETTINGS + """
    API_TOKEN = "Zx8Kq2Lm9Np4Rs7Tv1Wy3Ab6Cd0Ef5G"
    SECRET_KEY = "dev"
    """
    assert through_screen(hardcoded_secret.RULE, code, "const.py") == (
        [(8, 13, "Hard-coded token bound to API_TOKEN")], True)
    assert through_screen(weak_key.RULE, code, "const.py") == (
        [(9, 14, "Guessable key bound to SECRET_KEY (made of dictionary words)" + WEAK)],
        True)


def test_the_names_of_settings_are_not_keys() -> None:
    # Home Assistant's constants name a setting or an attribute, whatever their value;
    # SECRET_KEY beside them is a key.
    code = """
        CONF_SECRET = "secret"
        CONF_ENCRYPTION_KEY: Final = "encryption_key"
        ATTR_SECRET_KEY = "secret_key"
        SECRET_KEY = "secret"
        """
    assert [f[:3] for f in _scan(code)] == [(4, 14, "TW104")]


def test_the_screen_lets_through_what_it_cannot_read() -> None:
    # Python 2 (ast rejects it): libcst or the text fallback decides, as before.
    code = 'print "x"\nSECRET_KEY = "dev"\n'
    assert hardcoded_secret.may_bind_weak_key(_source(code))
    assert _scan_with([weak_key.RULE], code) == [
        (2, 15, "TW104", "Guessable key bound to SECRET_KEY (made of dictionary words)" + WEAK)]


def _scan_with(rules: list[Rule], code: str) -> list[tuple[int, int, str, str]]:
    text = textwrap.dedent(code).lstrip("\n")
    return sorted((f.span.line, f.span.column, f.rule_id, f.message)
                  for f in scan_snippet(text, "app.py", rules))


def _source(code: str) -> Source:
    return Source("app.py", code, FileKind.PYTHON, Config())
