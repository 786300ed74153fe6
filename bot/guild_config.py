"""Per-server settings: their defaults, how a typed value is checked, and where they live.

Each setting is declared once here; ``/config`` lists, validates and stores them, and the cogs
read them through :func:`get_config`, so a change takes effect without a restart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.options import OptionError, parse_levels, split_list
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
    # Settings of the daily question live in its schedule row, under this column.
    schedule_column: str | None = None


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


def _levels(text: str) -> list[str]:
    try:
        return list(parse_levels(text))
    except OptionError as exc:
        raise SettingError(str(exc)) from None


def _topics(text: str) -> list[str]:
    """Checked against the server's topics by the caller, which knows them."""
    return list(split_list(text))


def _window(text: str) -> float | None:
    if text.strip().lower() in ("next", "next post", "none"):
        return None
    try:
        hours = float(text)
    except ValueError:
        raise SettingError(
            "expected hours from 1 to 48, or `next` (close at the next post)"
        ) from None
    if not 1 <= hours <= 48:
        raise SettingError("expected hours from 1 to 48, or `next` (close at the next post)")
    return hours


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in [
        Setting("points_per_answer", 10, _int_between(1, 100),
                "points for a fully right daily answer (partial answers earn a share)"),
        Setting("streak_bonus_cap", 5, _int_between(0, 50),
                "largest streak bonus added to a right daily answer"),
        Setting("duel_round_seconds", 20, _int_between(5, 120), "seconds per duel round"),
        Setting("duel_rounds", 5, _int_between(3, 10), "default number of rounds in a duel"),
        Setting("daily_reveal", "at_close", _one_of("at_close", "immediate"),
                "when members see their daily verdict", "reveal"),
        Setting("daily_levels", [], _levels, "levels of daily questions (all: every level)",
                "levels"),
        Setting("daily_topics", [], _topics, "topics of daily questions (all: every topic)",
                "topics"),
        Setting("daily_window_hours", None, _window,
                "hours a daily question stays open (next: until the next post)", "window_hours"),
    ]
}  # fmt: skip


async def get_config(db: Database, guild_id: int) -> dict[str, Any]:
    """Every server-wide setting of a server, defaults filled in (the daily ones are read
    from its schedule by the caller)."""
    stored = await guilds.get_settings(db, guild_id)
    return {
        name: stored.get(name, s.default)
        for name, s in SETTINGS.items()
        if s.schedule_column is None
    }


def parse_setting(name: str, text: str) -> Any:
    setting = SETTINGS.get(name)
    if setting is None:
        raise SettingError(f"unknown setting `{name}`; settings: {', '.join(SETTINGS)}")
    try:
        return setting.parse(text)
    except SettingError as exc:
        raise SettingError(f"`{name}`: {exc}") from None
