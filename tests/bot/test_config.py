from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot.config import DEFAULT_DATABASE, ConfigError, Settings, load_settings

NO_DOTENV = "/nonexistent/.env"


def settings(**kwargs: Any) -> Settings:
    kwargs.setdefault("environ", {})
    kwargs.setdefault("dotenv_path", NO_DOTENV)
    return load_settings(**kwargs)


def test_defaults_need_nothing() -> None:
    s = settings()
    assert s.database == DEFAULT_DATABASE
    assert s.bank is None
    assert s.log_level == "INFO"
    assert s.dev_guild_id is None
    assert s.token is None


def test_yaml_then_environment_precedence(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("database: from-yaml.db\nlog_level: debug\n")
    s = settings(config_path=config, environ={"QUIZBOT_DATABASE": "from-env.db"})
    assert s.database == Path("from-env.db")
    assert s.log_level == "DEBUG"


def test_config_path_from_environment(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("dev_guild_id: 123456789012345678\n")
    s = settings(environ={"QUIZBOT_CONFIG": str(config)})
    assert s.dev_guild_id == 123456789012345678


def test_token_from_environment_or_dotenv_and_never_in_repr(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("# secrets\nexport DISCORD_TOKEN='abc.def'\n")
    s = settings(dotenv_path=dotenv)
    assert s.token == "abc.def"
    assert "abc.def" not in repr(s)
    assert settings(environ={"DISCORD_TOKEN": "env"}, dotenv_path=dotenv).token == "env"


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("log_level: LOUD\n", "log_level: 'LOUD' is not one of"),
        ("dev_guild_id: hello\n", "dev_guild_id: 'hello' is not a Discord server id"),
        ("dev_guild_id: 12\n", "dev_guild_id: 12 is not a Discord server id"),
        ("database: ''\n", "database: expected a file path"),
        ("colour: blue\n", "colour: unknown setting"),
        ("proxy: socks5://127.0.0.1:1080\n", "proxy: 'socks5://127.0.0.1:1080' is not an HTTP"),
        ("token: abc\n", "token: never put the Discord token in config.yaml"),
        ("- a list\n", "must be a mapping"),
        ("database: [unclosed\n", "is not valid YAML"),
    ],
)
def test_bad_settings_fail_with_one_line_naming_the_setting(
    tmp_path: Path, yaml_text: str, message: str
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(yaml_text)
    with pytest.raises(ConfigError) as caught:
        settings(config_path=config)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        settings(config_path=tmp_path / "nope.yaml")


def test_bad_environment_value_names_the_setting() -> None:
    with pytest.raises(ConfigError, match=r"^log_level:"):
        settings(environ={"QUIZBOT_LOG_LEVEL": "chatty"})


def test_malformed_dotenv_line(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("DISCORD_TOKEN\n")
    with pytest.raises(ConfigError, match=r"\.env:1: expected KEY=value"):
        settings(dotenv_path=dotenv)


def test_proxy_from_environment() -> None:
    assert settings().proxy is None
    s = settings(environ={"QUIZBOT_PROXY": "http://proxy.internal:3128"})
    assert s.proxy == "http://proxy.internal:3128"


def test_shards_default_to_discords_recommendation() -> None:
    s = settings()
    assert (s.shard_count, s.shard_ids) == (None, None)


@pytest.mark.parametrize(
    ("ids", "expected"),
    [("0-3", (0, 1, 2, 3)), ("0,2", (0, 2)), (" 4-5, 0 ", (0, 4, 5)), ("7", (7,))],
)
def test_shard_ids_from_environment(ids: str, expected: tuple[int, ...]) -> None:
    s = settings(environ={"QUIZBOT_SHARD_COUNT": "8", "QUIZBOT_SHARD_IDS": ids})
    assert s.shard_count == 8
    assert s.shard_ids == expected


def test_shard_ids_as_a_yaml_list(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("shard_count: 4\nshard_ids: [1, 3]\n")
    assert settings(config_path=config).shard_ids == (1, 3)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"QUIZBOT_SHARD_COUNT": "0"}, "shard_count: '0' is not a number of shards"),
        ({"QUIZBOT_SHARD_COUNT": "four"}, "shard_count: 'four' is not a number of shards"),
        ({"QUIZBOT_SHARD_IDS": "0-1"}, "shard_ids: also set shard_count"),
        (
            {"QUIZBOT_SHARD_COUNT": "4", "QUIZBOT_SHARD_IDS": "2-5"},
            "4 is not below shard_count 4",
        ),
        ({"QUIZBOT_SHARD_COUNT": "4", "QUIZBOT_SHARD_IDS": "3-1"}, "runs backwards (write 1-3)"),
        ({"QUIZBOT_SHARD_COUNT": "4", "QUIZBOT_SHARD_IDS": "0,0"}, "shard 0 is listed twice"),
        ({"QUIZBOT_SHARD_COUNT": "4", "QUIZBOT_SHARD_IDS": "0,,1"}, "'' is not a shard id"),
        ({"QUIZBOT_SHARD_COUNT": "4", "QUIZBOT_SHARD_IDS": "-1"}, "'-1' is not a shard id"),
    ],
)
def test_bad_shard_settings_name_the_problem(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        settings(environ=environ)
