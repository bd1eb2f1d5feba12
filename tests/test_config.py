from __future__ import annotations

from pathlib import Path

import pytest

from tokenward.config import ConfigError, load_config, parse_size
from tokenward.model import Severity
from tokenward.rules import RULES


def test_reads_tool_tokenward_from_the_nearest_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.tokenward]\nexclude = ["tests/**"]\nmax_file_size = "1MiB"\nfail_on = "high"\n'
        '[tool.tokenward.rules.excessive-token-lifetime]\naccess_token_max = "30m"\n'
    )
    (tmp_path / "sub").mkdir()
    (tmp_path / ".git").mkdir()  # the search goes up to the top of the work tree
    config = load_config(tmp_path / "sub", rules=RULES)
    assert config.exclude == ("tests/**",)
    assert config.max_file_size == 1024 * 1024
    assert config.fail_on is Severity.HIGH
    assert config.rule_options == {"excessive-token-lifetime": {"access_token_max": 1800.0}}
    assert config.root == str(tmp_path)


def test_dedicated_file_wins(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.tokenward]\nexclude = ["a"]\n')
    (tmp_path / ".tokenward.toml").write_text('exclude = ["b"]\n')
    assert load_config(tmp_path, rules=RULES).exclude == ("b",)


def test_unknown_key_is_an_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.tokenward]\nexcldue = []\n")
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path, rules=RULES)
    assert str(error.value) == (f"{tmp_path / 'pyproject.toml'}: tool.tokenward.excldue: "
                                'unknown key (did you mean "exclude"?)')


def test_invalid_toml_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.tokenward\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(tmp_path, rules=RULES)


@pytest.mark.parametrize(("text", "size"), [("2MiB", 2097152), ("512k", 524288), (100, 100)])
def test_sizes(text: object, size: int) -> None:
    assert parse_size(text) == size


def test_bad_severity_lists_the_choices(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.tokenward]\nfail_on = "severe"\n')
    with pytest.raises(ConfigError, match="expected one of low, medium, high, critical"):
        load_config(tmp_path, rules=RULES)


def test_select_and_disable() -> None:
    from tokenward.config import Config

    config = Config(disable=("TW101",), select=())
    assert not config.rule_enabled("TW101", "hardcoded-secret")
    assert config.rule_enabled("TW201", "weak-token-generation")
    only = Config(select=("weak-token-generation",))
    assert only.rule_enabled("TW201", "weak-token-generation")
    assert not only.rule_enabled("TW101", "hardcoded-secret")
