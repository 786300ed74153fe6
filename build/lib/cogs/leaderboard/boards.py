"""Board rules as pure functions: periods in the server's time zone, ranks with ties, pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

PERIODS = ("week", "month", "all")
BOARDS = ("points", "streak", "rating", "accuracy")
PER_PAGE = 10
MIN_ANSWERS_FOR_ACCURACY = 10


def period_key(period: str, now: datetime, zone: ZoneInfo) -> str | None:
    """The summary key of the current week or month in ``zone`` (None for all time), as
    db.answers.period_keys writes it."""
    start = period_start(period, now, zone)
    if start is None:
        return None
    return f"week:{start.date().isoformat()}" if period == "week" else f"month:{start:%Y-%m}"


def period_start(period: str, now: datetime, zone: ZoneInfo) -> datetime | None:
    """Start of the current week (Monday 00:00) or month in ``zone``; None for all time."""
    local = now.astimezone(zone)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "week":
        start = midnight - timedelta(days=local.weekday())
    elif period == "month":
        start = midnight.replace(day=1)
    elif period == "all":
        return None
    else:
        raise ValueError(f"unknown period {period!r}")
    # Rebuild from the wall-clock date so a DST change inside the period cannot shift it.
    return datetime(start.year, start.month, start.day, tzinfo=zone)


@dataclass(frozen=True)
class Entry:
    rank: int
    user_id: int
    value: float
    detail: str = ""


def rank(rows: Sequence[tuple[int, float, str]]) -> list[Entry]:
    """Competition ranking, highest value first: equal values share a rank (1, 2, 2, 4)."""
    ordered = sorted(rows, key=lambda row: (-row[1], row[0]))
    entries: list[Entry] = []
    for position, (user_id, value, detail) in enumerate(ordered, start=1):
        shared = entries and entries[-1].value == value
        entries.append(Entry(entries[-1].rank if shared else position, user_id, value, detail))
    return entries


def page_count(size: int) -> int:
    """Pages needed for ``size`` entries; an empty board still shows one (empty) page."""
    return max(1, -(-size // PER_PAGE))
