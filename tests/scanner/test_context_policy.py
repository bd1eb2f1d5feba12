"""Every finding carries its file's context; the context policy hides, in tests, docs,
examples and fixtures, what does not prove itself real (counted, never dropped)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.helpers import scan_snippet, settings
from tokenward.analysis.providers import base62_checksum
from tokenward.cli import main
from tokenward.config import Config
from tokenward.model import (
    CONTEXT_POLICY,
    Context,
    Finding,
    ScanResult,
    finding_from_dict,
    finding_to_dict,
)
from tokenward.reporters import ReportOptions, junit, sarif, text

BOUND = 'API_TOKEN = "Zx8kQ2mV9pL4rT7wB3nY6cH1"\n'
# A provider's format without a checksum (TW103 lists it in every context; unproven).
AWS = 'key_id = "AKIAZ7QK2M4NB3XJ5VRT"\n'
# Line 2: cleartext transport (TW5xx), line 3: a keyword-bound token (TW101).
APP = ('import requests\nrequests.get("http://api.example.org/v1", '
       'headers={"Authorization": "Bearer " + token})\n' + BOUND)
_BODY = "Q7vX2mK9pL4rT8wB3nY6cH1jF5dS0a"
GITHUB = f"ghp_{_BODY}{base62_checksum(_BODY)}"  # a valid checksum: proves itself real


def _pem_key() -> str:
    """A real (EC, SEC 1) private key: its body decodes to one DER SEQUENCE."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption()).decode()


KEY = _pem_key()
# Whole in shape (header, 64+ base64 characters, END) but no key: it decodes to noise.
NOT_A_KEY = ("-----BEGIN PRIVATE KEY-----\n" + "s3cr3t" * 11 + "\n"
             + "s3cr3t" * 4 + "\n-----END PRIVATE KEY-----\n")


def _shown(findings: list[Finding]) -> list[tuple[int, str, str]]:
    return [(f.line, f.rule_id, f.context.value) for f in findings if f.suppression is None]


def _hidden(findings: list[Finding]) -> list[tuple[int, str, str]]:
    return [(f.line, f.rule_id, f.context.value) for f in findings
            if f.suppression is not None and f.suppression.kind == CONTEXT_POLICY]


def test_production_code_reports_everything_with_its_context() -> None:
    found = scan_snippet(APP, "app/client.py")
    assert _shown(found) == [(2, "TW501", "production"), (3, "TW101", "production")]
    assert _hidden(found) == []


@pytest.mark.parametrize(("path", "context"), [
    ("tests/test_client.py", "test"), ("docs/conf.py", "docs"),
    ("examples/client.py", "example"), ("tests/fixtures/client.py", "fixture")])
def test_elsewhere_only_what_can_prove_itself_is_looked_for(path: str, context: str) -> None:
    """Where only values that prove themselves are reported, a rule that cannot prove one
    is not run (TW501, line 2), nor a secret rule in a text that spells no start of such a
    value (TW101, line 3); where the text does (line 4), TW101 runs and what it finds
    unproven is hidden, counted, not dropped."""
    assert scan_snippet(APP, path) == []
    found = scan_snippet(APP + f'GH = "{GITHUB}"\n', path)
    assert _shown(found) == [(4, "TW103", context)]
    assert _hidden(found) == [(3, "TW101", context)]
    assert found[0].suppression is not None
    assert found[0].suppression.reason == (f"{context} context: only secrets that prove "
                                           "themselves real are reported there")


def test_a_checksum_valid_token_and_a_live_key_prove_themselves_in_tests() -> None:
    found = scan_snippet(f'GH = "{GITHUB}"\nSTRIPE = "sk_live_Rb7Tq2Wm9Xk4Lp8Vn3Hc6Jd1"\n',
                         "tests/test_billing.py")
    assert _shown(found) == [(1, "TW103", "test"), (2, "TW103", "test")]


def test_a_private_key_proves_itself_unless_its_path_marks_it_as_made_up() -> None:
    assert _shown(scan_snippet(KEY, "docs/deploy/server.key")) == [(1, "TW103", "docs")]
    assert _hidden(scan_snippet(KEY, "tests/keys/server.key")) == [(1, "TW103", "test")]
    assert _hidden(scan_snippet(KEY, "docs/example_server.key")) == [(1, "TW103", "docs")]


def test_the_policy_can_be_turned_off_and_contexts_set_by_globs() -> None:
    found = scan_snippet(APP, "tests/test_client.py", config=settings({"proven_only": []}))
    assert _shown(found) == [(2, "TW501", "test"), (3, "TW101", "test")]
    qa = settings({"contexts": {"test": ["qa/**"], "production": ["tests/smoke/**"]}})
    assert scan_snippet(APP, "qa/check.py", config=qa) == []
    assert _hidden(scan_snippet(AWS, "qa/check.py", config=qa)) == [(1, "TW103", "test")]
    assert _shown(scan_snippet(APP, "tests/smoke/test_live.py", config=qa)) == [
        (2, "TW501", "production"), (3, "TW101", "production")]


def test_the_context_is_not_part_of_the_fingerprint() -> None:
    detected = scan_snippet(BOUND, "qa/check.py")
    overridden = scan_snippet(BOUND, "qa/check.py", config=settings(
        {"contexts": {"test": ["qa/**"]}, "proven_only": []}))
    assert [f.context for f in detected] == [Context.PRODUCTION]
    assert [f.context for f in overridden] == [Context.TEST]
    assert [f.fingerprint for f in detected] == [f.fingerprint for f in overridden]


def test_the_cache_key_changes_with_the_context_settings() -> None:
    digests = {Config().digest(), settings({"contexts": {"test": ["qa/**"]}}).digest(),
               settings({"proven_only": ["test"]}).digest()}
    assert len(digests) == 3


def test_every_output_carries_the_context() -> None:
    finding = scan_snippet(BOUND, "tests/test_a.py", config=settings({"proven_only": []}))[0]
    assert finding_to_dict(finding)["context"] == "test"
    assert finding_from_dict(finding_to_dict(finding)).context is Context.TEST
    result = ScanResult((finding,), files_scanned=1)
    options = ReportOptions()
    assert text.render_finding(finding)[0] == (
        "tests/test_a.py:1:13: TW101 [high] Hard-coded token bound to API_TOKEN (test)")
    document = json.loads(sarif.render(result, options))
    assert document["runs"][0]["results"][0]["properties"]["context"] == "test"
    case = ET.fromstring(junit.render(result, options)).find("testsuite/testcase")
    assert case is not None
    assert [(p.get("name"), p.get("value")) for p in case.iter("property")] == [
        ("context", "test")]


def test_the_summary_counts_what_the_policy_hid() -> None:
    found = scan_snippet(APP + AWS, "tests/test_client.py")
    result = ScanResult(tuple(found), files_scanned=1)
    assert (len(result.active), len(result.suppressed), len(result.hidden)) == (0, 0, 1)
    assert text.summary_line(result, ReportOptions()) == (
        "tokenward: 0 findings in 0 files (1 scanned); 1 hidden by the context policy (--all-contexts "
        "shows them)")


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_scan_all_contexts_and_the_context_filter(capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "app.py").write_text(BOUND)
    (tmp_path / "tests" / "test_app.py").write_text(AWS + BOUND)
    monkeypatch.chdir(tmp_path)
    code, out, _ = _run(capsys, "scan", ".", "--no-cache", "--format", "json")
    report = json.loads(out)
    assert code == 1
    assert [(f["path"], f["context"], f["suppressed"]) for f in report["findings"]] == [
        ("app.py", "production", False), ("tests/test_app.py", "test", True)]
    assert (report["summary"]["findings"], report["summary"]["hidden_by_context"]) == (1, 1)
    code, out, _ = _run(capsys, "scan", ".", "--no-cache", "--format", "json",
                        "--all-contexts", "--context", "test")
    # --all-contexts runs every rule there: TW101 reports line 2 too.
    assert [(f["path"], f["line"], f["suppressed"]) for f in json.loads(out)["findings"]] == [
        ("tests/test_app.py", 1, False), ("tests/test_app.py", 2, False)]
    code, out, _ = _run(capsys, "scan", ".", "--no-cache", "--context", "production")
    assert (code, out.splitlines()[0]) == (1, 'app.py:1:13: TW101 [high] Hard-coded token '
                                              "bound to API_TOKEN")


def test_an_unknown_context_is_a_usage_error(capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path) -> None:
    code, _, err = _run(capsys, "scan", str(tmp_path), "--context", "production,tests")
    assert (code, err) == (2, 'tokenward: error: --context: unknown context "tests" '
                              '(did you mean "test"?)\n')


def test_a_docstring_of_production_code_is_docs() -> None:
    """Line 3 (a key's shape shown in a module docstring) is documentation and hidden;
    line 9 (the same shape bound in code) and line 6 (a valid token, even in a
    docstring) are reported."""
    text = ('"""Client for the storage API.\n'
            "\n"
            'Example: Client(key_id="AKIAZ7QK2M4NB3XJ5VRT")\n'
            '"""\n'
            "def connect():\n"
            f'    """Pass a token such as {GITHUB}."""\n'
            "\n"
            "\n"
            'AWS_KEY_ID = "AKIAZ7QK2M4NB3XJ5VRT"\n')
    found = scan_snippet(text, "app/storage.py")
    assert _hidden(found) == [(3, "TW103", "docs")]
    assert _shown(found) == [(6, "TW103", "docs"), (9, "TW103", "production")]


def test_an_api_schemas_example_is_an_example() -> None:
    """fastapi-users fastapi_users/authentication/transport/bearer.py:39: a sample token in
    an OpenAPI response's ``example`` (line 4) and a pydantic ``Field(examples=...)``
    (line 6) are examples and hidden; the same value bound in code (line 7) is not."""
    text = ('def responses():\n'
            '    return {200: {"content": {"application/json": {\n'
            '        "example": {\n'
            '            "access_token": "Zq8rT5pLm2Xv7Rt9Wq4Pn6Bc1",\n'
            '            "token_type": "bearer"}}}}}\n'
            'login = Field(examples=[{"api_key": "Hq3Lz8Vm2Kp9Xr4TWq4Pn6Bc"}])\n'
            'access_token = "Zq8rT5pLm2Xv7Rt9Wq4Pn6Bc1"\n')
    found = scan_snippet(text, "app/routes.py")
    assert _hidden(found) == [(4, "TW101", "example"), (6, "TW101", "example")]
    assert _shown(found) == [(7, "TW101", "production")]


def test_a_private_key_cut_short_proves_nothing() -> None:
    """docs/deploy/setup.sh: line 1 shows a key cut short (``...``): hidden; line 3 holds
    a whole key (header, body, END): reported even in the docs folder (a script, not a
    page)."""
    text = ("echo '-----BEGIN RSA PRIVATE KEY----- MIIEpQIBAAKCAQEAuyf/lNrH9ck8"
            "DmNyo3fGgvCI1l9s+cmBY3WIz+cUDqmxiieR."
            " -----END RSA PRIVATE KEY-----'\n"
            "\n" + KEY)
    found = scan_snippet(text, "docs/deploy/setup.sh")
    assert _hidden(found) == [(1, "TW103", "docs")]
    assert _shown(found) == [(3, "TW103", "docs")]


def test_a_whole_key_on_a_documentation_page_is_an_example() -> None:
    """docs/usage.rst line 3 and README.md line 1: a real key shown whole in published
    documentation (a doctest, a README) is an example of its shape, not a secret:
    hidden. The same key in a module docstring of production code (line 2) too, while
    app/keys.py line 5 binds it in code: reported."""
    doctest = "    " + KEY.replace("\n", "\n    ").rstrip() + "\n"
    rst = "Signing\n\n    >>> private_key = b\"\"\"" + doctest.lstrip() + "    \"\"\"\n"
    assert _hidden(scan_snippet(rst, "docs/usage.rst")) == [(3, "TW103", "docs")]
    assert _hidden(scan_snippet(KEY, "README.md")) == [(1, "TW103", "docs")]
    code = ('"""Load keys.\n' + KEY + '"""\n'
            + 'PRIVATE_KEY = """' + KEY + '"""\n')
    docstring_end = 2 + KEY.count("\n")
    found = scan_snippet(code, "app/keys.py")
    assert _hidden(found) == [(2, "TW103", "docs")]
    assert _shown(found) == [(docstring_end + 1, "TW103", "production")]


def test_a_key_body_that_is_no_key_proves_nothing() -> None:
    """A key file kept in the docs folder (line 1): a whole real key proves itself, a
    body of a repeated word (``s3cr3ts3cr3t...``) decodes to no key and does not."""
    assert _shown(scan_snippet(KEY, "docs/deploy/server.key")) == [(1, "TW103", "docs")]
    assert _hidden(scan_snippet(NOT_A_KEY, "docs/deploy/server.key")) == [
        (1, "TW103", "docs")]


def _signed_jwt() -> str:
    import base64

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    return ".".join((part(b'{"alg":"HS256","typ":"JWT"}'), part(b'{"sub":"1234567890"}'),
                     part(bytes(range(7, 39)))))


def test_in_tests_a_bound_checksum_token_proves_itself_and_a_signed_jwt_does_not() -> None:
    """tests/test_api.py: line 1 binds a checksum-valid GitHub token (real wherever it is:
    shown); line 2 binds a signed JWT (tests sign their own: hidden)."""
    text = f'GH_TOKEN = "{GITHUB}"\nAUTH_TOKEN = "{_signed_jwt()}"\n'
    found = scan_snippet(text, "tests/test_api.py")
    assert [line for line, _, _ in _shown(found)] == [1]
    assert [line for line, _, _ in _hidden(found)] == [2]


WEAK = ("import random\n"
        "\n"
        "def reset_token():\n"
        "    return str(random.randint(100000, 999999))\n")


def test_lifecycle_rules_follow_the_settings_context_not_the_path_alone() -> None:
    """Line 4 mints a token from ``random``. Under tests/ the policy leaves nothing for
    TW201 to report, so it does not analyse the file; a ``[contexts]`` glob that makes
    tests/e2e/ production code brings the finding back (the path alone used to decide)."""
    assert scan_snippet(WEAK, "tests/e2e/tokens.py") == []
    moved = settings({"contexts": {"production": ["tests/e2e/**"]}})
    assert [(f.line, f.rule_id, f.context.value) for f in
            scan_snippet(WEAK, "tests/e2e/tokens.py", config=moved)] == [
        (4, "TW201", "production")]


FLOW = """{
  "name": "Attacker logs in",
  "staticVars": {
    "baseUrl": "%s",
    "attackerPassword": "Gr4cePass7&Qz"
  },
  "steps": [
    {"method": "POST", "url": "{{baseUrl}}/api/auth/login?password={{attackerPassword}}"}
  ]
}
"""


@pytest.mark.parametrize(("host", "shown", "hidden"), [
    ("http://localhost:8060", [], [(5, "TW102", "fixture")]),
    ("http://127.0.0.1:8060", [], [(5, "TW102", "fixture")]),
    ("https://shop.example.com", [(5, "TW102", "production")], []),
])
def test_a_request_script_against_this_machine_is_a_fixture(
        host: str, shown: list[tuple[int, str, str]],
        hidden: list[tuple[int, str, str]]) -> None:
    """Flows/login.json: a document of scripted HTTP requests (``method`` and ``url``)
    whose every host is local holds a local development server's credentials (line 5:
    a fixture, hidden); the same collection against a real host is production."""
    found = scan_snippet(FLOW % host, "Flows/login.json")
    assert (_shown(found), _hidden(found)) == (shown, hidden)


def test_settings_without_requests_are_not_a_fixture_for_a_local_host() -> None:
    """config.json line 3: a password beside a local host, with no request in the
    document (an application's own settings: its database may well run on localhost)."""
    text = ('{\n  "db_host": "localhost",\n  "db_password": "Gr4cePass7&Qz"\n}\n')
    assert _shown(scan_snippet(text, "config.json")) == [(3, "TW102", "production")]


WORKFLOW = """on: push
jobs:
  tests:
    runs-on: ubuntu-latest
    services:
      postgres:
        image: postgres
        env:
          POSTGRES_PASSWORD: Pg9vK2mQ8Ls4
      ldap:
        image: rroemhild/test-openldap
    steps:
      - name: Pytest
        env:
          POSTGRES_SERVER: localhost
          LDAP_SERVER_URL: ldap://localhost:10389
          LDAP_QUERY_PASSWORD: "GoodNewsEveryone"
          SONAR_TOKEN: Sn9vK2mQ8Ls4Wz7RqT4x
        run: pytest
      - name: Deploy
        env:
          DEPLOY_HOST: deploy.example.com
          DEPLOY_PASSWORD: Dp7vK2mQ9Ls4
        run: ./deploy.sh
      - run: |
          docker run -d --name cache \\
            -e REDIS_PASSWORD=Rd9vK2mQ8Ls4 redis
          curl -u admin:Ad9vK2mQ8Ls4 https://status.example.com/ping
"""


def test_a_ci_jobs_throwaway_services_are_test_settings() -> None:
    """.github/workflows/ci.yml: the password a service container starts with (line 9)
    and the LDAP password of a step whose LDAP host is localhost (line 17) belong to
    services the job runs on a runner discarded afterwards (test), as does the password
    of a container a step starts with ``docker run`` (line 27, continued from line 26).
    Production: the SonarQube token beside them (line 18: no local host is named for
    it), a deploy password next to a real host (line 23), one sent to a real host
    (line 28)."""
    found = scan_snippet(WORKFLOW, ".github/workflows/ci.yml")
    assert _hidden(found) == [(9, "TW102", "test"), (17, "TW102", "test"),
                              (27, "TW102", "test")]
    assert _shown(found) == [(18, "TW102", "production"), (23, "TW102", "production"),
                             (28, "TW103", "production")]


# A module that does not parse (line 2), with a token bound to a credential's name (line 1).
BROKEN = 'API_TOKEN = "Zx8kQ2mV9pL4rT7wB3nY6cH1"\ndef broken(:\n'
SYNTAX_ERROR = "syntax error at line 2, column 12: invalid syntax; text-level checks still ran"


def _errors(path: str, text: str, config: Config | None = None) -> list[str]:
    from tokenward.rules import RULES
    from tokenward.scanner.engine import FileTask, scan_file

    result = scan_file(FileTask(path, text.encode()), config or Config(), RULES)
    return [error.message for error in result.errors]


def test_code_where_only_proofs_are_looked_for_is_not_checked_for_syntax() -> None:
    """In a test only a secret's proof is looked for: its code is not analysed, so it is
    not checked either (Django's deliberately broken test module is no error). The same
    module is reported in production code, with the policy off, and where a rule parses
    it (a token that may prove itself, line 3, sends TW101 to the tree)."""
    assert _errors("tests/test_broken.py", BROKEN) == []
    assert _errors("app/broken.py", BROKEN) == [SYNTAX_ERROR]
    assert _errors("tests/test_broken.py", BROKEN, settings({"proven_only": []})) == [
        SYNTAX_ERROR]
    assert _errors("tests/test_broken.py", BROKEN + f'GH = "{GITHUB}"\n') == [SYNTAX_ERROR]


def test_a_rule_the_policy_keeps_quiet_is_not_asked_its_prefilter() -> None:
    # TW6xx-like: a rule that cannot prove a value. In a test its prefilter is not run (on
    # Django's test modules the prefilters of such rules cost more than the rest); in
    # production code it is.
    from dataclasses import replace

    from tests.scanner.probe_rules import EXPLODES
    from tokenward.scanner.engine import FileTask, scan_file

    asked: list[str] = []

    def prefilter(lowered: str) -> bool:
        asked.append(lowered)
        return False

    quiet = replace(EXPLODES, id="TW904", runs_where_hidden=False, prefilter=prefilter)
    for path in ("tests/test_a.py", "app/a.py"):
        assert scan_file(FileTask(path, b"X = 1\n"), Config(), [quiet]).findings == ()
    assert asked == ["x = 1\n"]


def test_a_bundle_whose_long_line_follows_a_licence_comment_is_minified() -> None:
    """Superset's webpack chunks (static/assets/*.chunk.js) start with an 83-character
    licence comment; line 2 is 400,000 characters of minified code. The context reads far
    enough to see it: the password-like assignment inside (a render pass's name) is
    hidden as minified code, not reported as production."""
    bundle = ("/*! For license information please see the .LICENSE.txt file */\n"
              + "var a=1;" * 700 + 'password="Zx8kQ2mV9pL4rT7w";' + "var b=2;" * 700 + "\n")
    assert _shown(scan_snippet(bundle, "static/assets/41e7e14e31aa731ea8d5.chunk.js")) == []
    # A token that proves itself is still reported there, with the context it was seen in.
    proven = bundle.replace("var b=2;", f'gh="{GITHUB}";', 1)
    assert _shown(scan_snippet(proven, "static/assets/41e7e14e31aa731ea8d5.chunk.js")) \
        == [(2, "TW103", "minified")]
    short = bundle.replace("var a=1;" * 700, "").replace("var b=2;" * 700, "")
    assert _shown(scan_snippet(short, "static/assets/app.js")) == [(2, "TW101", "production")]
