"""Settings from an optional ``config.yaml`` and the environment.

Precedence, highest first: environment variables (``QUIZBOT_*``), the YAML file, defaults.
The Discord token is a secret and is only read from the environment or a ``.env`` file, never
from config.yaml (which people commit) and never logged.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

DEFAULT_DATABASE = Path("data/quizbot.db")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(ValueError):
    """One line naming the setting and what is accepted."""


@dataclass(frozen=True)
class Settings:
    database: Path = DEFAULT_DATABASE
    bank: Path | None = None  # None: the built-in bank
    log_level: str = "INFO"
    dev_guild_id: int | None = None
    proxy: str | None = None  # an HTTP proxy for every connection to Discord
    token: str | None = field(default=None, repr=False)  # repr=False: never printed or logged

    def __post_init__(self) -> None:
        if self.log_level not in LOG_LEVELS:
            raise ConfigError(
                f"log_level: {self.log_level!r} is not one of {', '.join(LOG_LEVELS)}"
            )

    @property
    def log_level_number(self) -> int:
        return int(logging.getLevelName(self.log_level))


# Setting name -> (environment variable, parser). Parsers raise ValueError with the reason.
def _parse_path(value: Any) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a file path")
    return Path(value).expanduser()


def _parse_level(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected one of {', '.join(LOG_LEVELS)}")
    level = value.strip().upper()
    if level not in LOG_LEVELS:
        raise ValueError(f"{value!r} is not one of {', '.join(LOG_LEVELS)}")
    return level


def _parse_snowflake(value: Any) -> int | None:
    if value is None or value == "":
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or not 15 <= len(text) <= 20:
        raise ValueError(f"{value!r} is not a Discord server id (15 to 20 digits)")
    return int(text)


def _parse_proxy(value: Any) -> str | None:
    if value is None or value == "":
        return None
    text = str(value).strip()
    if not text.startswith(("http://", "https://")) or len(text) < len("http://x"):
        raise ValueError(f"{value!r} is not an HTTP proxy URL (http://host:port)")
    return text


PARSERS = {
    "database": ("QUIZBOT_DATABASE", _parse_path),
    "bank": ("QUIZBOT_BANK", _parse_path),
    "log_level": ("QUIZBOT_LOG_LEVEL", _parse_level),
    "dev_guild_id": ("QUIZBOT_DEV_GUILD_ID", _parse_snowflake),
    "proxy": ("QUIZBOT_PROXY", _parse_proxy),
}
assert set(PARSERS) == {f.name for f in fields(Settings)} - {"token"}


def read_dotenv(path: Path) -> dict[str, str]:
    """``KEY=value`` lines of a .env file; comments, blanks and ``export`` prefixes allowed."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ").strip()
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"{path}:{number}: expected KEY=value")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def load_settings(
    config_path: Path | str | None = None,
    environ: dict[str, str] | None = None,
    dotenv_path: Path | str = ".env",
    **overrides: Any,
) -> Settings:
    """Build the settings; raises :class:`ConfigError` with one clear line on any bad value."""
    env = dict(os.environ if environ is None else environ)
    dotenv = read_dotenv(Path(dotenv_path))
    raw: dict[str, Any] = {}

    path = config_path or env.get("QUIZBOT_CONFIG")
    if path:
        raw.update(_read_yaml(Path(path)))
    for name, (variable, _) in PARSERS.items():
        if variable in env:
            raw[name] = env[variable]
        elif variable in dotenv:
            raw[name] = dotenv[variable]
    raw.update(overrides)

    values: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in PARSERS:
            raise ConfigError(f"{name}: unknown setting (known: {', '.join(PARSERS)})")
        try:
            values[name] = PARSERS[name][1](value)
        except ValueError as exc:
            raise ConfigError(f"{name}: {exc}") from None
    token = env.get("DISCORD_TOKEN") or dotenv.get("DISCORD_TOKEN") or None
    return Settings(token=token.strip() if token else None, **values)


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ConfigError(f"config: {path} does not exist")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError(f"config: {where} is not valid YAML") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"config: {path} must be a mapping of setting: value")
    if "token" in data or "discord_token" in data:
        raise ConfigError(
            "token: never put the Discord token in config.yaml; set DISCORD_TOKEN in the "
            "environment or in a .env file"
        )
    return {str(key): value for key, value in data.items()}
