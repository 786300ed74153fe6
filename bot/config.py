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
    # None: as many shards as Discord recommends (GET /gateway/bot), all in this process.
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None  # None: every shard; set with shard_count
    token: str | None = field(default=None, repr=False)  # repr=False: never printed or logged

    def __post_init__(self) -> None:
        if self.log_level not in LOG_LEVELS:
            raise ConfigError(
                f"log_level: {self.log_level!r} is not one of {', '.join(LOG_LEVELS)}"
            )
        if self.shard_ids is not None:
            if self.shard_count is None:
                raise ConfigError(
                    "shard_ids: also set shard_count (QUIZBOT_SHARD_COUNT): which shards a "
                    "process owns only means something out of a known total"
                )
            outside = [i for i in self.shard_ids if i >= self.shard_count]
            if outside:
                raise ConfigError(
                    f"shard_ids: {outside[0]} is not below shard_count {self.shard_count} "
                    f"(shards are numbered 0 to {self.shard_count - 1})"
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


MAX_SHARDS = 100_000  # far past any bot; a typo such as 10000000 is refused, not honoured


def _parse_shard_count(value: Any) -> int | None:
    if value is None or value == "":
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or not 1 <= int(text) <= MAX_SHARDS:
        raise ValueError(f"{value!r} is not a number of shards (1 to {MAX_SHARDS})")
    return int(text)


def _parse_shard_ids(value: Any) -> tuple[int, ...] | None:
    """``0-3``, ``0,2``, ``0-3,8`` (or a YAML list of ids); refused: blanks, negatives,
    reversed ranges and repeats, each named."""
    if value is None or value == "":
        return None
    parts = [str(v) for v in value] if isinstance(value, list) else str(value).split(",")
    ids: list[int] = []
    for raw in parts:
        part = raw.strip()
        first, dash, last = part.partition("-")
        if not first.strip().isdigit() or (dash and not last.strip().isdigit()):
            raise ValueError(f"{part!r} is not a shard id or range (e.g. 0-3 or 0,2)")
        low, high = int(first), int(last) if dash else int(first)
        if high < low:
            raise ValueError(f"{part!r} is a range that runs backwards (write {high}-{low})")
        for shard in range(low, high + 1):
            if shard in ids:
                raise ValueError(f"shard {shard} is listed twice")
            ids.append(shard)
    return tuple(sorted(ids))


PARSERS = {
    "database": ("QUIZBOT_DATABASE", _parse_path),
    "bank": ("QUIZBOT_BANK", _parse_path),
    "log_level": ("QUIZBOT_LOG_LEVEL", _parse_level),
    "dev_guild_id": ("QUIZBOT_DEV_GUILD_ID", _parse_snowflake),
    "proxy": ("QUIZBOT_PROXY", _parse_proxy),
    "shard_count": ("QUIZBOT_SHARD_COUNT", _parse_shard_count),
    "shard_ids": ("QUIZBOT_SHARD_IDS", _parse_shard_ids),
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
