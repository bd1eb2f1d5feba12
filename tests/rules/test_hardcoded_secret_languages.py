"""TW101 in other languages' sources: each language form and each negative, by exact
line, column and message (the values are made up; the grammar is
tokenward.analysis.assignments, the judgements those of Python and configuration)."""

from __future__ import annotations

import textwrap

import pytest

from tests.helpers import scan_snippet
from tests.security.failclosed_helpers import fake_github_token
from tokenward.analysis.assignments import assignments
from tokenward.analysis.source import FileKind, kind_of
from tokenward.rules import RULES
from tokenward.rules.hardcoded_secret import RULE

# Made-up values, assembled so that this file holds no secret-shaped literal.
V1, V2, V3 = "Zq8rT5pL" + "mN2vX7aa", "Kd4wR9sT" + "bY6uQ1ce", "Hp3nF8gJ" + "cW5eM0xz"


def _found(code: str, path: str) -> list[tuple[int, int, str]]:
    text = textwrap.dedent(code).lstrip("\n").format(V1=V1, V2=V2, V3=V3)
    return [(f.span.line, f.span.column, f.message)
            for f in scan_snippet(text, path, [RULE]) if f.rule_id == RULE.id]


@pytest.mark.parametrize(("path", "code", "expected"), [
    ("web/app.js", '''
        const adminPassword = "{V1}";
        const cfg = {{ password: 'hunter2{V2}', token: process.env.TOKEN }};
        const body = {{ "client_secret": "{V3}" }};
        ''', [(1, 24, "Hard-coded password bound to adminPassword"),
              (2, 26, "Hard-coded password bound to password"),
              (3, 34, "Hard-coded client secret bound to client_secret")]),
    ("web/api.ts", '''
        const apiKey: string = `{V1}`;
        this.authToken = "{V2}" + "{V3}";
        if (password === "{V1}") {{}}
        ''', [(1, 25, "Hard-coded API key bound to apiKey"),
              (2, 19, "Hard-coded token bound to this.authToken"),
              (3, 19, "Hard-coded password bound to password")]),
    ("cmd/main.go", '''
        var apiKey = "{V1}"
        var dbPassword string = "{V2}"
        func f() {{ token := "{V3}" }}
        c := Config{{ClientSecret: "{V1}"}}
        ''', [(1, 15, "Hard-coded API key bound to apiKey"),
              (2, 26, "Hard-coded password bound to dbPassword"),
              (3, 22, "Hard-coded token bound to token"),
              (4, 28, "Hard-coded client secret bound to ClientSecret")]),
    ("src/Main.java", '''
        class Main {{
          private static final String API_TOKEN = "{V1}";
          boolean ok = password.equals("{V2}");
          void f() {{ props.put("db.password", "{V3}"); }}
        }}
        ''', [(2, 44, "Hard-coded token bound to API_TOKEN"),
              (3, 33, "Hard-coded password bound to password"),
              (4, 40, "Hard-coded password bound to db.password")]),
    ("lib/client.rb", '''
        API_KEY = '{V1}'.freeze
        client = Client.new(password: "{V2}")
        h = {{ :secret_key => "{V3}", "auth_token" => "{V1}" }}
        ''', [(1, 12, "Hard-coded API key bound to API_KEY"),
              (2, 32, "Hard-coded password bound to password"),
              (3, 23, "Hard-coded secret key bound to secret_key"),
              (3, 59, "Hard-coded token bound to auth_token")]),
    ("www/config.php", '''
        <?php
        $db_password = '{V1}';
        $cfg = array('api_key' => '{V2}');
        define('DB_PASSWORD', '{V3}');
        ''', [(2, 17, "Hard-coded password bound to $db_password"),
              (3, 28, "Hard-coded API key bound to api_key"),
              (4, 24, "Hard-coded password bound to DB_PASSWORD")]),
    ("Services/Auth.cs", '''
        class Auth {{
          string ClientSecret = "{V1}";
          var c = new Cred(password: "{V2}");
        }}
        ''', [(2, 26, "Hard-coded client secret bound to ClientSecret"),
              (3, 31, "Hard-coded password bound to password")]),
    ("templates/login.html", '''
        <input type="hidden" name="client_secret" value="{V1}">
        <div id="map" data-api-key="{V2}"></div>
        <input type="password" value="{V3}">
        <script>var apiKey = "{V1}";</script>
        ''', [(1, 50, "Hard-coded client secret bound to client_secret"),
              (2, 29, "Hard-coded API key bound to data-api-key"),
              (3, 31, "Hard-coded password bound to password"),
              (4, 23, "Hard-coded API key bound to apiKey")]),
])
def test_each_language_form_is_reported_at_its_literal(path: str, code: str,
                                                       expected: list[tuple[int, int, str]]
                                                       ) -> None:
    assert _found(code, path) == expected


@pytest.mark.parametrize(("path", "code"), [
    # Placeholders, empty values, templates, references and lookups.
    ("web/app.js", '''
        const password = "changeme";
        const apiKey = "";
        const token = `${{process.env.TOKEN}}`;
        const secret = process.env.CLIENT_SECRET;
        const auth = "Bearer " + token;
        const dbPassword = "{V1}" + suffix;
        '''),
    # Type annotations, i18n strings, names that describe a secret.
    ("web/types.ts", '''
        interface Login {{ password: string; token?: string }}
        const labels = {{ password: "Password", apiKey: t("settings.api_key") }};
        const tokenUrl = "https://example.org/oauth/{V1}";
        '''),
    # The branches of a conditional (a Vue binding): the colon parts two values.
    ("web/Form.vue", '''
        <v-text-field :type="shown ? 'password' : '{V1}'" />
        '''),
    # Comments (line and block).
    ("web/old.js", '''
        // const apiKey = "{V1}";
        /*
        const password = "{V2}";
        */
        '''),
    ("cmd/main.go", '''
        apiKey := os.Getenv("API_KEY")
        var token = fmt.Sprintf("%s", "{V1}")
        '''),
    ("lib/client.rb", '''
        API_KEY = ENV['API_KEY']
        password = "#{{prefix}}{V1}"
        # token = '{V2}'
        '''),
    ("www/config.php", '''
        <?php
        $db_password = getenv('DB_PASSWORD');
        $token = "$prefix{V1}";
        # $secret = '{V2}';
        '''),
    ("templates/login.html", '''
        <input type="hidden" name="client_secret" value="{{{{ client_secret }}}}">
        <input type="hidden" name="csrf_token" value="{V1}">
        <input type="hidden" name="authenticity_token" value="{V2}">
        <!-- <div data-api-key="{V2}"></div> -->
        '''),
])
def test_negatives_are_quiet(path: str, code: str) -> None:
    assert _found(code, path) == []


def test_tests_minified_and_vendored_code_is_quiet_unless_proven() -> None:
    code = 'const adminPassword = "{V1}";\n'
    assert _found(code, "web/login.js") == [(1, 24, "Hard-coded password bound to adminPassword")]
    assert _found(code, "web/e2e/login.spec.ts") == []
    assert _found(code, "static/app.min.js") == []
    assert _found(code, "web/node_modules/lib/index.js") == []


def test_a_provider_token_is_one_finding() -> None:
    """TW101 and TW103 see the same token on the same line: one finding is kept."""
    findings = scan_snippet(f'const githubToken = "{fake_github_token()}";\n', "web/gh.js")
    assert [(f.rule_id, f.span.line, f.span.column, f.message, f.validated)
            for f in findings] == [
        ("TW101", 1, 22, "Hard-coded GitHub personal access token bound to "
                         "githubToken", True)]


def test_a_literal_cut_by_a_window_of_a_long_line_is_read_whole() -> None:
    """A minified line is read in windows; the literal across a window's end is one."""
    line = "a=1;" * 2040 + f'var apiKey="{V1}";' + "b=2;" * 3000
    pairs = list(assignments(line + "\n", FileKind.JAVASCRIPT))
    assert [(p.key, p.value, p.line, p.column) for p in pairs] == [
        ("apiKey", V1, 1, line.index(V1) + 1)]


@pytest.mark.parametrize(("path", "kind"), [
    ("a.js", FileKind.JAVASCRIPT), ("a.tsx", FileKind.JAVASCRIPT),
    ("a.html", FileKind.HTML), ("a.vue", FileKind.HTML), ("a.go", FileKind.GO),
    ("A.java", FileKind.JAVA), ("a.rb", FileKind.RUBY), ("a.php", FileKind.PHP),
    ("A.cs", FileKind.CSHARP),
])
def test_file_kinds_of_other_languages(path: str, kind: FileKind) -> None:
    assert kind_of(path) is kind


def test_a_form_choice_is_no_secret() -> None:
    """A radio answer or a button caption is one of the choices a form offers, whatever the
    field is named; a hidden input beside it holds what its name says."""
    code = ('<input type="radio" name="hardcoded-secret-q1" value="0">\n'
            '<input type="submit" name="api_key" value="{V1}">\n'
            '<input type="hidden" name="api_key" value="{V1}">\n')
    assert [(f.rule_id, f.span.line, f.span.column)
            for f in scan_snippet(code.format(V1=V1), "site/quiz.html", RULES)] == [
        ("TW101", 3, 44)]
