"""Settings checked like a compiler checks code, rule options declared by the rules, and one
exit-code set and one error style across every command (issue 10, items 5 and 6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import settings
from tests.security.test_settings_and_cache import github_token
from tokenward.cli import main
from tokenward.config import DURATION, STRINGS, ConfigError, Option, load_config, max_cli_jobs
from tokenward.hooks.precommit import main as hook_main
from tokenward.rules import RULES, get_rule

DURATION_TEXT = "expected a duration: seconds (3600) or a number with a unit (15m, 12h, 30d, 1h30m)"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git work tree holding a checksum-valid GitHub token: any run of TW103 fails."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "app.py").write_text(f'GITHUB_TOKEN = "{github_token()}"\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


def problems(data: dict[str, object]) -> list[str]:
    with pytest.raises(ConfigError) as error:
        settings(data)
    return list(error.value.problems)


# -- one mistake of each kind: the exact message ---------------------------------------------

@pytest.mark.parametrize(("data", "message"), [
    ({"excldue": ["a"]}, 'excldue: unknown key (did you mean "exclude"?)'),
    ({"colour": True}, "colour: unknown key (expected one of baseline, cache, contexts, "
                       "disable, exclude, fail_on, fail_on_unscanned, jobs, max_file_size, "
                       "proven_only, rules, select, store)"),
    ({"contexts": ["qa/**"]}, "contexts: expected a table of context names, got an array"),
    ({"contexts": {"tests": ["qa/**"]}},
     'contexts.tests: unknown context "tests" (did you mean "test"?)'),
    ({"contexts": {"test": 3}}, "contexts.test: expected a list of strings, got 3"),
    ({"proven_only": ["test", "exmaple"]},
     'proven_only: unknown context "exmaple" (did you mean "example"?)'),
    ({"select": ["TW999"]}, 'select: unknown rule "TW999" (see `tokenward rules`)'),
    ({"select": ["TW1O3"]}, 'select: unknown rule "TW1O3" (did you mean "TW103"?)'),
    ({"disable": ["hardcoded-secrets"]},
     'disable: unknown rule "hardcoded-secrets" (did you mean "hardcoded-secret"?)'),
    ({"disable": "TW6O1"}, 'disable: unknown rule "TW6O1" (did you mean "TW601"?)'),
    ({"select": [101]}, "select: expected a list of strings, got an array"),
    ({"exclude": 3}, "exclude: expected a list of strings, got 3"),
    ({"fail_on": "hihg"},
     'fail_on: expected one of low, medium, high, critical, got "hihg" (did you mean "high"?)'),
    ({"max_file_size": "2 lots"},
     'max_file_size: expected a size such as 2MiB, 512k or 1048576, got "2 lots"'),
    ({"max_file_size": 0}, "max_file_size: expected a positive size"),
    ({"cache": "no"}, 'cache: expected true or false, got "no"'),
    ({"baseline": 1}, "baseline: expected a file name, got 1"),
    ({"jobs": True}, "jobs: expected a positive whole number, got true"),
    ({"rules": ["x"]}, "rules: expected a table of rule tables, got an array"),
    ({"rules": {"excesive-token-lifetime": {}}},
     'rules.excesive-token-lifetime: unknown rule (did you mean "excessive-token-lifetime"?)'),
    ({"rules": {"TW304": {"access_token_max": "1h"}}},
     'rules.TW304: option tables are named by rule name (did you mean '
     '"excessive-token-lifetime"?)'),
    ({"rules": {"excessive-token-lifetime": "1h"}},
     'rules.excessive-token-lifetime: expected a table of options, got "1h"'),
    ({"rules": {"excessive-token-lifetime": {"acces_token_max": "1h"}}},
     'rules.excessive-token-lifetime.acces_token_max: unknown option (did you mean '
     '"access_token_max"?)'),
    ({"rules": {"hardcoded-secret": {"entropy": 3}}},
     "rules.hardcoded-secret.entropy: unknown option (hardcoded-secret has no options)"),
    ({"rules": {"excessive-token-lifetime": {"session_max": "a fortnight"}}},
     f'rules.excessive-token-lifetime.session_max: {DURATION_TEXT}, got "a fortnight"'),
    ({"rules": {"excessive-token-lifetime": {"session_max": -5}}},
     f"rules.excessive-token-lifetime.session_max: {DURATION_TEXT}, got -5"),
    ({"rules": {"excessive-token-lifetime": {"session_max": "x" * 40}}},
     f"rules.excessive-token-lifetime.session_max: {DURATION_TEXT}, got a string of 40 "
     "characters"),
    ({"rules": {"cleartext-token-transport": {"local_hosts": [1]}}},
     "rules.cleartext-token-transport.local_hosts: expected a list of strings, got an array"),
    ({"rules": {"weird key": {}}},
     'rules."weird key": unknown rule (expected one of broad-oauth-scope, '
     + ", ".join(sorted(r.name for r in RULES if r.name != "broad-oauth-scope")) + ")"),
])
def test_each_kind_of_mistake_names_the_file_the_key_and_the_nearest_spelling(
        data: dict[str, object], message: str) -> None:
    assert problems(data) == [f"settings.toml: {message}"]


def test_every_problem_is_reported_at_once() -> None:
    assert problems({
        "selcet": ["TW101"],
        "fail_on": "severe",
        "disable": ["TW999", "TW101"],
        "rules": {"excessive-token-lifetime": {"refresh_token_max": "soon",
                                               "acces_token_max": "1h"}},
    }) == [
        'settings.toml: selcet: unknown key (did you mean "select"?)',
        'settings.toml: fail_on: expected one of low, medium, high, critical, got "severe"',
        'settings.toml: disable: unknown rule "TW999" (see `tokenward rules`)',
        'settings.toml: rules.excessive-token-lifetime.refresh_token_max: '
        f'{DURATION_TEXT}, got "soon"',
        'settings.toml: rules.excessive-token-lifetime.acces_token_max: unknown option (did '
        'you mean "access_token_max"?)',
    ]


def test_five_mistakes_in_pyproject_are_five_errors_and_exit_2(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text(
        "[tool.tokenward]\n"
        'select = ["TW999"]\n'
        'fail_on = "hihg"\n'
        "cache = 1\n"
        "[tool.tokenward.rules.excessive-token-lifetime]\n"
        'acces_token_max = "1h"\n'
        'session_max = "forever"\n')
    where = f"{project / 'pyproject.toml'}: tool.tokenward"
    assert run(capsys, "scan", "--no-cache") == (2, "", (
        f'tokenward: error: {where}.select: unknown rule "TW999" (see `tokenward rules`)\n'
        f"tokenward: error: {where}.fail_on: expected one of low, medium, high, critical, "
        'got "hihg" (did you mean "high"?)\n'
        f"tokenward: error: {where}.cache: expected true or false, got 1\n"
        f"tokenward: error: {where}.rules.excessive-token-lifetime.acces_token_max: unknown "
        'option (did you mean "access_token_max"?)\n'
        f"tokenward: error: {where}.rules.excessive-token-lifetime.session_max: "
        f'{DURATION_TEXT}, got "forever"\n'))


# -- select = ["TW999"] never turns the gate off ---------------------------------------------

def test_an_unknown_selected_rule_exits_2_instead_of_passing_a_real_token(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "scan", "--no-cache")[0] == 1  # the token is found without settings
    (project / "pyproject.toml").write_text('[tool.tokenward]\nselect = ["TW999"]\n')
    message = (f"tokenward: error: {project / 'pyproject.toml'}: tool.tokenward.select: "
               'unknown rule "TW999" (see `tokenward rules`)\n')
    assert run(capsys, "scan", "--no-cache") == (2, "", message)
    assert (hook_main(["app.py"]), capsys.readouterr().err) == (2, message)


def test_the_dedicated_file_and_config_option_are_checked_alike(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".tokenward.toml").write_text('select = ["TW999"]\n')
    assert run(capsys, "scan", "--no-cache") == (2, "", (
        f"tokenward: error: {project / '.tokenward.toml'}: select: unknown rule \"TW999\" "
        "(see `tokenward rules`)\n"))
    (project / "ci.toml").write_text('[tool.tokenward]\ndisable = ["TW103", "TW1O3"]\n')
    assert run(capsys, "scan", "--no-cache", "--config", "ci.toml") == (2, "", (
        "tokenward: error: ci.toml: tool.tokenward.disable: unknown rule \"TW1O3\" (did you "
        'mean "TW103"?)\n'))
    (project / "other").mkdir()
    (project / "other" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert run(capsys, "scan", "--config", "other/pyproject.toml") == (
        2, "", "tokenward: error: other/pyproject.toml: no [tool.tokenward] table\n")


def test_settings_and_command_line_mistakes_are_reported_together(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".tokenward.toml").write_text("jobs = 0\n")
    assert run(capsys, "scan", "--rule", "hardcoded-secrte", "--max-file-size", "big") == (
        2, "", f"tokenward: error: {project / '.tokenward.toml'}: jobs: expected a positive "
               "whole number, got 0\n"
               'tokenward: error: --rule: unknown rule "hardcoded-secrte" (did you mean '
               '"hardcoded-secret"?)\n'
               "tokenward: error: --max-file-size: expected a size such as 2MiB, 512k or "
               '1048576, got "big"\n')


def test_valid_settings_load_with_typed_option_values(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.tokenward]\n"
        'select = ["tw103", "Hardcoded-Secret"]\n'
        "[tool.tokenward.rules.excessive-token-lifetime]\n"
        'access_token_max = "1h30m"\nrefresh_token_max = 86400\n'
        "[tool.tokenward.rules.cleartext-token-transport]\n"
        'local_hosts = ".corp"\n')
    config = load_config(tmp_path, rules=RULES)
    assert config.select == ("tw103", "Hardcoded-Secret")
    assert config.rule_options == {
        "excessive-token-lifetime": {"access_token_max": 5400.0, "refresh_token_max": 86400.0},
        "cleartext-token-transport": {"local_hosts": (".corp",)}}


# -- rule options: declared, typed, shown ----------------------------------------------------

def test_rules_read_typed_values_and_defaults() -> None:
    lifetime = get_rule("TW304")
    transport = get_rule("TW501")
    assert lifetime is not None and transport is not None
    access, refresh, reset, invite, session = lifetime.options
    assert [o.name for o in lifetime.options] == ["access_token_max", "refresh_token_max",
                                                  "reset_token_max", "invite_token_max",
                                                  "session_max"]
    config = settings({"rules": {"excessive-token-lifetime": {"reset_token_max": "2h"}}})
    assert (access.value(config), reset.value(config), invite.value(config),
            session.value(config)) == (3600, 7200.0, 7 * 86400, 30 * 86400)
    # TW306 shares TW304's limit for long-lived API tokens: one answer, one setting.
    provider = get_rule("non-expiring-provider-token")
    assert provider is not None and provider.options == (refresh,)
    (hosts,) = transport.options
    assert hosts.value(settings({})) == ()


def test_option_types_parse_what_the_docs_promise() -> None:
    option = Option("demo", "limit", DURATION, 60.0, "A limit.")
    assert option.default_toml == '"1m"'
    assert [DURATION.parse(v) for v in (90, 1.5, "90", "15m", "1h 30m", "2w", "1.5h")] == [
        90.0, 1.5, 90.0, 900.0, 5400.0, 1209600.0, 5400.0]
    assert STRINGS.parse("a") == ("a",) and STRINGS.toml(("a", "b")) == '["a", "b"]'


TABLE_HEAD = "| Option | Type | Default | Meaning |\n| --- | --- | --- | --- |\n"


@pytest.mark.parametrize(("rule", "section"), [
    ("cleartext-token-transport",
     "`[tool.tokenward.rules.cleartext-token-transport]`\n\n" + TABLE_HEAD
     + '| `local_hosts` | list of strings | `[]` | More hosts to treat as local: exact names '
       '("proxy.corp"), or ".suffix" for every name under a domain (".svc.cluster.local"). |\n'),
    ("TW306",
     "`[tool.tokenward.rules.excessive-token-lifetime]`\n\n" + TABLE_HEAD
     + '| `refresh_token_max` | duration | `"30d"` | Longest lifetime of refresh tokens and '
       "long-lived API tokens (also provider tokens: non-expiring-provider-token). |\n"),
    ("TW101", None),
])
def test_explain_shows_the_options(capsys: pytest.CaptureFixture[str], rule: str,
                                   section: str | None) -> None:
    code, out, _ = run(capsys, "explain", rule)
    shown = out.split("## Options\n\n", 1)[1].split("\n## ")[0] if "## Options" in out else None
    assert (code, shown) == (0, section)


# -- one exit-code set, one error style, every command -----------------------------------------

@pytest.mark.parametrize(("args", "message"), [
    (("scan", "--fail-on", "severe"), "Invalid value for '--fail-on': 'severe' is not one of "
     "'low', 'medium', 'high', 'critical' (see `tokenward scan --help`)"),
    (("scan", "--config", "nope.toml"), "nope.toml: cannot read: No such file or directory"),
    (("scan", "--jobs", "0"), "Invalid value for '--jobs' / '-j': 0 is not in the range 1 to "
     f"{max_cli_jobs()} (see `tokenward scan --help`)"),
    (("scan", "--history", "--max-count", "0"),
     "Invalid value for '--max-count': 0 is not at least 1 (see `tokenward scan --help`)"),
    (("fix", "--rule", "TW999"), '--rule: unknown rule "TW999" (see `tokenward rules`)'),
    (("fix", "--colour"), "No such option: --colour (see `tokenward fix --help`)"),
    (("baseline", "update", "--file", "nope.json"),
     "nope.json: no such baseline (create one: tokenward baseline create)"),
    (("baseline", "create", "--frce"),
     "No such option: --frce (Possible options: --file, --force) (see `tokenward baseline "
     "create --help`)"),
    (("train", "--findings", "nope.json", "-o", "out"), "nope.json: no such file"),
    (("merge", "app.py"), "app.py: not JSON (line 1: Expecting value)"),
    (("store", "due", "--max-age", "soon"),
     "invalid duration 'soon': use e.g. 90d, 12h, 15m, 1h30m, 2w, 45s"),
    (("store", "get"), "Missing argument 'NAME' (see `tokenward store get --help`)"),
    (("token", "issue", "--scope", "read"),
     "Missing option '--subject' / '-s' (see `tokenward token issue --help`)"),
    (("token", "due", "--max-age", "10"),
     "invalid duration '10': use e.g. 90d, 12h, 15m, 1h30m, 2w, 45s"),
])
def test_every_command_reports_errors_in_one_style_with_exit_2(
        project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        args: tuple[str, ...], message: str) -> None:
    monkeypatch.setenv("TOKENWARD_VAULT", str(project / "vault.json"))
    monkeypatch.setenv("TOKENWARD_KEY_FILE", str(project / "vault.key"))
    monkeypatch.setenv("TOKENWARD_TOKEN_DB", str(project / "tokens.db"))
    assert run(capsys, *args) == (2, "", f"tokenward: error: {message}\n")
    assert not (project / "out").exists() and not (project / "vault.json").exists()


def test_the_hook_reports_usage_errors_in_the_same_style(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        hook_main(["--fail-on", "severe"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err == (
        "tokenward: error: argument --fail-on: invalid choice: 'severe' (choose from 'low', "
        "'medium', 'high', 'critical') (see `tokenward-hook --help`)\n")


def test_an_internal_error_in_a_store_command_is_exit_2_without_its_text(
        project: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from tokenward.store import vault

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("ghp_" + "x" * 36)

    monkeypatch.setattr(vault.Vault, "entries", broken)
    monkeypatch.setenv("TOKENWARD_VAULT", str(project / "vault.json"))
    monkeypatch.setenv("TOKENWARD_KEY_FILE", str(project / "vault.key"))
    monkeypatch.delenv("TOKENWARD_DEBUG", raising=False)
    assert run(capsys, "store", "list") == (
        2, "", "tokenward: internal error: RuntimeError; set TOKENWARD_DEBUG=1 for details "
               "and please report it\n")
