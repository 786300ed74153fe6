"""The daily question's rules, as pure functions: when to post, when to close, what a member
scores and how streaks move. No Discord and no database here, so every rule has a plain test."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import Enum
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MISSED_POST_GRACE = timedelta(hours=6)
MAX_STREAK_BONUS = 5
POINTS_PER_ANSWER = 10
REVEAL_MODES = ("at_close", "immediate")
TIME_FORMAT = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class RuleError(ValueError):
    """Bad input worded for the member who typed it."""


def parse_post_time(text: str) -> time:
    match = TIME_FORMAT.match(text.strip())
    if not match:
        raise RuleError(
            f"`{text[:20]}` is not a time. Use 24-hour HH:MM, for example `09:00` or `18:30`."
        )
    return time(int(match.group(1)), int(match.group(2)))


def parse_timezone(name: str) -> ZoneInfo:
    cleaned = name.strip()
    if cleaned in _zone_names():
        return ZoneInfo(cleaned)
    by_case = {zone.casefold(): zone for zone in _zone_names()}
    if cleaned.casefold() in by_case:
        return ZoneInfo(by_case[cleaned.casefold()])
    try:
        if cleaned.upper() == "UTC":
            return ZoneInfo("UTC")
    except ZoneInfoNotFoundError:  # pragma: no cover - tzdata is a dependency
        pass
    raise RuleError(
        f"`{name[:40]}` is not a time zone I know. Use an IANA name such as `Europe/Berlin`, "
        "`America/New_York` or `UTC` (the option suggests names as you type)."
    )


_ZONES: frozenset[str] | None = None


def _zone_names() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        # Only the zones the tzdata package ships: available_timezones() also reads the
        # machine's zoneinfo folder, with names such as `localtime` that differ per machine.
        shipped = (resources.files("tzdata") / "zones").read_text(encoding="utf-8").split()
        _ZONES = frozenset(shipped)
    return _ZONES


def zone_suggestions(typed: str, limit: int = 25) -> list[str]:
    """Zone names for autocomplete: those containing what was typed, shortest first."""
    needle = typed.strip().casefold().replace(" ", "_")
    names = sorted(_zone_names(), key=lambda z: (len(z), z))
    if not needle:
        popular = [
            "UTC",
            "Europe/London",
            "Europe/Berlin",
            "America/New_York",
            "America/Los_Angeles",
            "Asia/Kolkata",
            "Asia/Tokyo",
            "Australia/Sydney",
        ]
        return popular[:limit]
    starts = [
        z
        for z in names
        if z.casefold().split("/")[-1].startswith(needle) or z.casefold().startswith(needle)
    ]
    contains = [z for z in names if needle in z.casefold() and z not in starts]
    return (starts + contains)[:limit]


def next_post_after(after: datetime, post_time: time, zone: ZoneInfo) -> datetime:
    """The first moment strictly after ``after`` when the local clock in ``zone`` shows
    ``post_time``, in UTC. On a spring-forward day a time that does not exist falls an hour
    later; on a fall-back day the first of the two moments is used."""
    local_day = after.astimezone(zone).date()
    for offset in range(0, 3):
        day = local_day + timedelta(days=offset)
        candidate = _resolve_local(datetime.combine(day, post_time), zone)
        if candidate > after:
            return candidate
    raise AssertionError("a local time recurs within three days")  # pragma: no cover


def _resolve_local(naive: datetime, zone: ZoneInfo) -> datetime:
    aware = naive.replace(tzinfo=zone, fold=0)
    round_trip = aware.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != naive:
        # The wall time does not exist (spring forward): use the moment an hour later.
        aware = (naive + timedelta(hours=1)).replace(tzinfo=zone, fold=0)
    return aware.astimezone(UTC)


def closes_at(posted_at: datetime, next_post_at: datetime, window_hours: float | None) -> datetime:
    """A post closes at the next post, or earlier when the server set a shorter window."""
    if window_hours is None:
        return next_post_at
    return min(next_post_at, posted_at + timedelta(hours=window_hours))


class CatchUp(Enum):
    POST_NOW = "post now"
    SKIP = "skip"
    NOT_DUE = "not due"


def catch_up(due: datetime, now: datetime) -> CatchUp:
    """What to do at start-up with a post that was due at ``due``."""
    if due > now:
        return CatchUp.NOT_DUE
    return CatchUp.POST_NOW if now - due < MISSED_POST_GRACE else CatchUp.SKIP


@dataclass(frozen=True)
class Streak:
    current: int
    best: int
    last_sequence: int


def streak_after_answer(previous: Streak | None, sequence: int) -> Streak:
    """Answering post number ``sequence`` extends a streak only if the member also answered
    the server's previous post."""
    if previous is not None and previous.last_sequence == sequence:
        return previous
    if previous is not None and previous.last_sequence == sequence - 1:
        current = previous.current + 1
    else:
        current = 1
    best = max(current, previous.best if previous else 0)
    return Streak(current, best, sequence)


def live_streak(stored: Streak | None, last_closed_sequence: int) -> int:
    """The streak as shown: a closed post the member did not answer has broken it."""
    if stored is None or stored.last_sequence < last_closed_sequence:
        return 0
    return stored.current


def points_for(
    score: float,
    correct: bool,
    streak: int,
    per_answer: int = POINTS_PER_ANSWER,
    bonus_cap: int = MAX_STREAK_BONUS,
) -> int:
    """``round(10 * score)`` plus a streak bonus of ``min(streak, 5)`` for a correct answer
    (10 and 5 are the defaults; a server can change both with /config)."""
    bonus = min(streak, bonus_cap) if correct else 0
    return round(per_answer * score) + bonus
