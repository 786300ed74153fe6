"""Per-server settings: their defaults, how a typed value is checked, and where they live.

Each setting is declared once here; ``/config`` lists, validates and stores them, and the cogs
read them through :func:`get_config`, so a change takes effect without a restart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from db import guilds
from db.database import Database


class SettingError(ValueError):
    """A value that does not fit; the message says what is accepted."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    parse: Callable[[str], Any]
    help: str


def _int_between(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise SettingError(f"expected a whole number from {low} to {high}") from None
        if not low <= value <= high:
            raise SettingError(f"expected a whole number from {low} to {high}")
        return value

    return parse


def _one_of(*choices: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = text.strip().lower()
        if value not in choices:
            raise SettingError(f"expected one of: {', '.join(choices)}")
        return value

    return parse


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in [
        Setting("points_per_answer", 10, _int_between(1, 100),
                "points for a fully right daily answer (partial answers earn a share)"),
        Setting("streak_bonus_cap", 5, _int_between(0, 50),
                "largest streak bonus added to a right daily answer"),
        Setting("duel_round_seconds", 20, _int_between(5, 120), "seconds per duel round"),
        Setting("duel_rounds", 5, _int_between(3, 10), "default number of rounds in a duel"),
    ]
}  # fmt: skip


async def get_config(db: Database, guild_id: int) -> dict[str, Any]:
    """Every setting of a server, defaults filled in."""
    stored = await guilds.get_settings(db, guild_id)
    return {name: stored.get(name, s.default) for name, s in SETTINGS.items()}


def parse_setting(name: str, text: str) -> Any:
    setting = SETTINGS.get(name)
    if setting is None:
        raise SettingError(f"unknown setting `{name}`; settings: {', '.join(SETTINGS)}")
    try:
        return setting.parse(text)
    except SettingError as exc:
        raise SettingError(f"`{name}`: {exc}") from None
