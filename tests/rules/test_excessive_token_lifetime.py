"""TW304 excessive-token-lifetime: Python settings, calls, claims and config files."""

from __future__ import annotations

import textwrap

import pytest

from tests.helpers import fired, pinned, scan_snippet, settings, through_screen
from tokenward.config import Config, ConfigError
from tokenward.rules.excessive_token_lifetime import RULE


def lines(code: str, path: str = "app/settings.py", config: Config | None = None) -> list[int]:
    text = textwrap.dedent(code).lstrip("\n")
    return fired(scan_snippet(text, path, [RULE], config), RULE.id)


def test_python_settings() -> None:
    code = """
        from datetime import timedelta

        JWT_REFRESH_TOKEN_EXPIRES = False
        PERMANENT_SESSION_LIFETIME = timedelta(days=365)
        PASSWORD_RESET_TIMEOUT_DAYS = 3
        REST_KNOX = {"TOKEN_TTL": None}
        OAUTH2_PROVIDER = {"ACCESS_TOKEN_EXPIRE_SECONDS": 36000}
        app.config["JWT_ACCESS_TOKEN_EXPIRES"] = 86400
        app.config.update(JWT_ACCESS_TOKEN_EXPIRES=timedelta(hours=2))
        JWT_AUTH = {"JWT_EXPIRATION_DELTA": timedelta(seconds=3600)}
        """
    assert lines(code) == [3, 4, 5, 6, 7, 8, 9]


def test_limits_are_inclusive_and_other_timeouts_ignored() -> None:
    code = """
        from datetime import timedelta

        JWT_ACCESS_TOKEN_EXPIRES = timedelta(hours=1)
        JWT_REFRESH_TOKEN_EXPIRES = timedelta(days=30)
        PASSWORD_RESET_TIMEOUT = 86400
        SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
        CELERY_TASK_TIMEOUT = 86400 * 7
        LOCK_TTL = 3600 * 48
        REDIS_SOCKET_TIMEOUT = 600
        JWT_LEEWAY = 86400
        SESSION_COOKIE_SECURE = True
        ACCESS_TOKEN_EXPIRE_MINUTES = settings.LIFETIME
        """
    assert lines(code) == []


def test_limits_come_from_the_rule_options() -> None:
    code = "ACCESS_TOKEN_EXPIRE_MINUTES = 120\nREFRESH_TOKEN_EXPIRE_DAYS = 7\n"
    assert lines(code) == [1]
    relaxed = settings({"rules": {"excessive-token-lifetime": {"access_token_max": "4h",
                                                               "refresh_token_max": 86400}}})
    assert lines(code, config=relaxed) == [2]
    compound = settings({"rules": {"excessive-token-lifetime": {"access_token_max": "2h30m"}}})
    assert lines(code, config=compound) == []  # 120 minutes is within 2h30m
    with pytest.raises(ConfigError) as error:  # unreadable: an error, never a silent default
        settings({"rules": {"excessive-token-lifetime": {"access_token_max": "soon"}}})
    assert str(error.value) == (
        "settings.toml: rules.excessive-token-lifetime.access_token_max: expected a duration: "
        'seconds (3600) or a number with a unit (15m, 12h, 30d, 1h30m), got "soon"')


def test_cookies_and_exp_claims() -> None:
    code = """
        import time
        from datetime import datetime, timedelta, timezone

        def login(resp, token, refresh, prefs):
            resp.set_cookie("access_token", token, max_age=7200)
            resp.set_cookie("refresh_token", refresh, max_age=86400 * 14)
            resp.set_cookie("sessionid", token, max_age=86400 * 90)
            resp.set_cookie("prefs", prefs, max_age=86400 * 365)

        def make_reset_claims(user):
            return {"sub": user.id, "exp": datetime.now(timezone.utc) + timedelta(days=3)}

        def make_refresh_claims(user):
            return {"sub": user.id, "exp": int(time.time()) + 86400 * 14}
        """
    assert lines(code, "app/views.py") == [5, 7, 11]


def test_message_states_value_and_limit() -> None:
    findings = scan_snippet("ACCESS_TOKEN_EXPIRE_MINUTES = 60 * 24 * 8\n", "settings.py",
                            [RULE])
    assert [f.message for f in findings] == [
        "ACCESS_TOKEN_EXPIRE_MINUTES lets tokens live too long: 8 days; limit for access "
        "tokens: 1 hour"
    ]
    findings = scan_snippet("JWT_ACCESS_TOKEN_EXPIRES = False\n", "settings.py", [RULE])
    assert [f.message for f in findings] == [
        "JWT_ACCESS_TOKEN_EXPIRES lets tokens live too long: tokens never expire (access "
        "tokens)"
    ]


def test_config_files() -> None:
    toml = """
        [auth]
        access_token_expire_minutes = 1440
        session_timeout = "45d"
        request_timeout = 3600
        """
    assert lines(toml, "pyproject.toml") == [2, 3]
    json_text = """
        {"jwt": {"ACCESS_TOKEN_LIFETIME": 900, "REFRESH_TOKEN_LIFETIME": 31536000}}
        """
    assert lines(json_text, "config/auth.json") == [1]
    docker = """
        FROM python:3.11
        ENV ACCESS_TOKEN_EXPIRE_MINUTES 10080
        ENV CACHE_TTL=999999
        """
    assert lines(docker, "Dockerfile") == [2]
    compose = """
        services:
          api:
            environment:
              - JWT_REFRESH_TOKEN_EXPIRES=false
              - PASSWORD_RESET_TIMEOUT=3600
        """
    assert lines(compose, "docker-compose.yml") == [4]
    env = "EMAIL_RESET_TOKEN_EXPIRE_HOURS=48\nexport SESSION_COOKIE_AGE=1209600\n"
    assert lines(env, ".env") == [1]


def test_config_span_covers_the_value() -> None:
    findings = scan_snippet("refresh_token_ttl: 90d\n", "config.yaml", [RULE])
    assert [(f.span.line, f.span.column, f.span.end_column) for f in findings] == [(1, 20, 23)]


def test_cookie_ages_that_are_not_sessions() -> None:
    code = """
        LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
        CSRF_COOKIE_AGE = 60 * 60 * 24 * 365
        SESSION_COOKIE_AGE = 60 * 60 * 24 * 365

        def login(resp, sid):
            resp.set_cookie("shop_sid", sid, max_age=86400 * 60)
            resp.set_cookie("lang", "en", max_age=86400 * 365)
        """
    assert lines(code) == [3, 6]


def test_constants_of_the_file_are_folded_and_a_setting_is_judged_once() -> None:
    code = """
        from datetime import timedelta

        DAYS = 400
        SESSION_LIFETIME = timedelta(days=DAYS)
        ACCESS_TOKEN_LIFETIME = timedelta(days=7)
        SIMPLE_JWT = {"ACCESS_TOKEN_LIFETIME": ACCESS_TOKEN_LIFETIME}
        TTL = 60
        TTL *= 60

        def login(response, token, hours=1000):
            response.set_cookie("refresh_token", token, max_age=TTL * 24 * 365)
            response.set_cookie("session", token, max_age=hours * 3600)
        """
    text = textwrap.dedent(code).lstrip("\n")
    assert pinned(scan_snippet(text, "app/settings.py", [RULE])) == [
        (4, 20, "SESSION_LIFETIME lets tokens live too long: 400 days; "
                "limit for sessions: 30 days"),
        (5, 25, "ACCESS_TOKEN_LIFETIME lets tokens live too long: 7 days; "
                "limit for access tokens: 1 hour"),
        (11, 57, "set_cookie(max_age=) lets tokens live too long: 1 year; "
                 "limit for refresh and API tokens: 30 days"),
    ]


def _found(code: str, path: str = "app/tokens.py") -> list[tuple[int, int, str]]:
    findings = scan_snippet(textwrap.dedent(code).lstrip("\n"), path, [RULE])
    return [(f.span.line, f.span.column, f.message) for f in findings]


def test_exp_items_helpers_fixed_dates_and_credential_records() -> None:
    code = """
        from datetime import datetime, timedelta, timezone
        from dateutil.relativedelta import relativedelta

        def _utcnow():
            return datetime.now(timezone.utc)

        def badge_token(claims):
            claims["exp"] = _utcnow() + timedelta(days=400)
            return claims

        def kiosk(claims):
            claims["exp"] = datetime(2100, 6, 30, tzinfo=timezone.utc)
            claims["nbf"] = datetime(2100, 6, 30, tzinfo=timezone.utc)
            return {"sub": "kiosk", "exp": datetime(2101, 1, 1)}

        def keys(owner):
            DeployKey.create(owner, expires_at=_utcnow() + relativedelta(years=3))
            DeployKey.create(owner, expires_at=_utcnow() + relativedelta(days=7))
            Report.create(owner, expires_at=_utcnow() + relativedelta(years=3))
        """
    assert _found(code) == [
        (8, 21, '"exp" claim lets tokens live too long: 400 days; limit for refresh and API '
                "tokens: 30 days"),
        (12, 21, '"exp" claim lets tokens live too long: until 2100-06-30; limit for refresh '
                 "and API tokens: 30 days"),
        (14, 36, '"exp" claim lets tokens live too long: until 2101-01-01; limit for refresh '
                 "and API tokens: 30 days"),
        (17, 40, "create(expires_at=) lets tokens live too long: 3 years; limit for refresh "
                 "and API tokens: 30 days"),
    ]


def test_never_in_config() -> None:
    code = """
        api_keys:
          dashboards:
            token_ttl: never
          probes:
            token_ttl: 1h
        """
    assert _found(code, "gateway.yaml") == [
        (3, 16, "token_ttl lets tokens live too long: tokens never expire (refresh and API "
                "tokens)")]


def test_switch_that_turns_expiry_off_reads_its_section() -> None:
    code = """
        [auth.api_tokens]
        default_ttl_days = 14
        allow_non_expiring = true

        [uploads]
        allow_non_expiring = true

        [auth.sessions]
        never_expire = false
        """
    assert _found(code, "config.toml") == [
        (3, 22, "allow_non_expiring lets tokens live too long: tokens never expire (refresh "
                "and API tokens)")]


def test_invitations_have_their_own_limit_of_days_not_a_reset_links_hours() -> None:
    text = textwrap.dedent("""
        PASSWORD_RESET_TIMEOUT = 60 * 60 * 48
        TEAM_INVITE_MAX_AGE = 60 * 60 * 48
        PARTNER_INVITATION_EXPIRY_DAYS = 30
        """).lstrip("\n")
    assert pinned(scan_snippet(text, "app/settings.py", [RULE])) == [
        (1, 26, "PASSWORD_RESET_TIMEOUT lets tokens live too long: 2 days; limit for reset "
               "and verification links: 1 day"),
        (3, 34, "PARTNER_INVITATION_EXPIRY_DAYS lets tokens live too long: 30 days; limit "
               "for invitation links: 7 days"),
    ]


def test_a_lifetime_handed_through_a_parameter_is_reported_where_it_is_written() -> None:
    code = """
        from kubernetes import client

        TEN_YEARS = 10 * 365 * 24 * 3600
        TEN_MINUTES = 600

        def request_token(namespace, account, seconds, audience="api"):
            spec = client.V1TokenRequestSpec(audiences=[audience], expiration_seconds=seconds)
            return client.AuthenticationV1TokenRequest(spec=spec)

        def dashboard(ns):
            return request_token(ns, "dashboard", seconds=TEN_MINUTES)

        def monitoring(ns):
            return request_token(ns, "prometheus", seconds=TEN_YEARS)

        def backup(ns):
            return request_token(ns, "backup", TEN_YEARS)

        def archive(ns):
            return request_token(ns, "archive", 86400 * 90)
        """
    text = textwrap.dedent(code).lstrip("\n")
    assert pinned(scan_snippet(text, "ops/k8s_tokens.py", [RULE])) == [
        (3, 13, "TEN_YEARS lets tokens live too long: 10 years; limit for refresh and API "
                "tokens: 30 days (expiration_seconds of V1TokenRequestSpec, through "
                "request_token() on line 14)"),
        (20, 41, "86400 * 90 lets tokens live too long: 90 days; limit for refresh and API "
                 "tokens: 30 days (expiration_seconds of V1TokenRequestSpec, through "
                 "request_token() on line 20)"),
    ]


def test_a_parameter_that_is_reassigned_or_not_a_lifetime_is_not_followed() -> None:
    code = """
        def request_token(account, seconds):
            seconds = min(seconds, 3600)
            return V1TokenRequestSpec(account=account, expiration_seconds=seconds)

        def make_token(account, retries):
            return ApiToken(account=account, retries=retries)

        def a():
            return request_token("x", 10 * 365 * 86400), make_token("y", 10 * 365 * 86400)
        """
    assert lines(code, "ops/tokens.py") == []


# Lifetimes that are not a token's, in a file that speaks of tokens (the prefilter lets it
# in): a plain ``exp`` local (only a subscript's or a dict's ``"exp"`` is a claim) and a
# cache timeout. The ast screen keeps the file from libcst.
_SCREENED_OUT = """
from datetime import datetime, timedelta

def touch(cache, key, token, claims):
    exp = datetime.max if token is None else datetime.now() + timedelta(days=3650)
    cache.set(key, token, timeout=86400 * 365)
"""


def _scanned(code: str) -> tuple[list[tuple[int, int, str]], bool]:
    return through_screen(RULE, code)


def test_a_file_naming_no_token_lifetime_is_not_parsed_for_tw304() -> None:
    assert _scanned(_SCREENED_OUT) == ([], False)


@pytest.mark.parametrize(("added", "found"), [
    ('    claims["exp"] = datetime.now() + timedelta(days=365)',
     (6, 21, '"exp" claim lets tokens live too long: 1 year; limit for refresh and API '
             "tokens: 30 days")),
    ('    return {"sub": key, "exp": datetime.now() + timedelta(days=365)}',
     (6, 32, '"exp" claim lets tokens live too long: 1 year; limit for refresh and API '
             "tokens: 30 days")),
    ("    PASSWORD_RESET_TIMEOUT = 86400 * 7",
     (6, 30, "PASSWORD_RESET_TIMEOUT lets tokens live too long: 7 days; limit for reset and "
             "verification links: 1 day")),
    ('    SIMPLE_JWT = {"ACCESS_TOKEN_LIFETIME": timedelta(days=1)}',
     (6, 44, "ACCESS_TOKEN_LIFETIME lets tokens live too long: 1 day; limit for access "
             "tokens: 1 hour")),
    ('    cache.set_cookie("sessionid", token, max_age=86400 * 365)',
     (6, 50, "set_cookie(max_age=) lets tokens live too long: 1 year; limit for sessions: "
             "30 days")),
    ("    ApiKey.objects.create(owner=key, expires_at=None)",
     (6, 49, "create(expires_at=) lets tokens live too long: tokens never expire (refresh "
             "and API tokens)")),
])
def test_the_screen_lets_each_name_the_rule_judges_through(
        added: str, found: tuple[int, int, str]) -> None:
    # One line added to the file above passes one test of the screen (an assignment, a
    # subscript's or a dict's key, a keyword given a cookie setter or a credential's
    # class), and the rule reports it.
    assert _scanned(_SCREENED_OUT + added + "\n") == ([found], True)


# Numbers within their limit: a timeout of seconds, a session age of a day, a keyword a
# cookie setter is given. Nothing to report; the screen reads the numbers.
_WITHIN = """
API_TIMEOUT = 120
SESSION_COOKIE_AGE: int = 86400
PASSWORD_RESET_TIMEOUT = 0

def login(response, token):
    response.set_cookie("sessionid", token, max_age=3600)
"""


def test_numbers_within_their_limit_leave_the_file_unparsed() -> None:
    assert through_screen(RULE, _WITHIN) == ([], False)


def test_a_number_beyond_its_limit_or_a_tighter_configured_one_goes_through() -> None:
    beyond = _WITHIN + "ACCESS_TOKEN_EXPIRE_MINUTES = 90\n"
    assert through_screen(RULE, beyond) == ([(7, 31, (
        "ACCESS_TOKEN_EXPIRE_MINUTES lets tokens live too long: 90 minutes; limit for "
        "access tokens: 1 hour"))], True)
    tight = settings({"rules": {"excessive-token-lifetime": {"session_max": "30m"}}})
    found, parsed = through_screen(RULE, _WITHIN, config=tight)
    assert parsed and [f[:2] for f in found] == [(2, 27), (6, 53)]
