"""The log of every graded answer, whatever asked the question."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from db.cache import CacheSlot, HasCaches
from db.database import Database, Transaction
from db.members import NAME_LENGTH, UPSERT_MEMBER, name_is_stored, name_stored

# The zone a server's answers are bucketed by day in. It is its daily schedule's, so db.daily
# reports every change through remember_zone.
ZONES: CacheSlot[int, str] = CacheSlot("guild zones", max_size=20_000)


@dataclass(frozen=True)
class LoggedAnswer:
    guild_id: int
    user_id: int
    item_id: str
    topic: str
    context: str  # daily | duel | practice
    context_id: int | None
    reply: str
    correct: bool
    score: float
    points: int
    answered_at: float


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        # A stored zone this host no longer knows: its server's days fall back to UTC
        # rather than its answers failing (the daily cog pauses and tells the admin).
        return ZoneInfo("UTC")


def local_date(timestamp: float, zone_name: str) -> date:
    return datetime.fromtimestamp(timestamp, UTC).astimezone(_zone(zone_name)).date()


def remember_zone(db: HasCaches, guild_id: int, zone_name: str | None) -> None:
    """Called by db.daily whenever a server's schedule (and so its zone) changes."""
    ZONES.of(db)[guild_id] = zone_name or "UTC"


async def guild_zone(reader: Database | Transaction, db: Database, guild_id: int) -> str:
    """The server's zone for bucketing answers by day (its daily-question zone, else UTC)."""
    zone = ZONES.of(db).get(guild_id)
    if zone is None:
        row = await reader.fetchone(
            "SELECT timezone FROM daily_schedules WHERE guild_id = ?", (guild_id,)
        )
        zone = row[0] if row else "UTC"
        remember_zone(db, guild_id, zone)
    return str(zone)


INSERT_ANSWER = (
    "INSERT INTO answers (guild_id, user_id, item_id, topic, context, context_id, reply, "
    "correct, score, points, answered_at, day) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def answer_params(answer: LoggedAnswer, zone_name: str) -> tuple[object, ...]:
    """``INSERT_ANSWER``'s parameters: the answer, and its day in the server's zone."""
    return (answer.guild_id, answer.user_id, answer.item_id, answer.topic, answer.context,
            answer.context_id, answer.reply, int(answer.correct), answer.score, answer.points,
            answer.answered_at, local_date(answer.answered_at, zone_name).isoformat())  # fmt: skip


async def log_answer(tx: Transaction, answer: LoggedAnswer) -> int:
    """Record an answer inside the caller's transaction.

    The member summaries behind the boards follow by trigger (migration 0006); only the
    server-local day is computed here, because SQLite knows no time zones.
    """
    zone = await guild_zone(tx, tx.database, answer.guild_id)
    return await tx.insert(INSERT_ANSWER, answer_params(answer, zone))


@dataclass(frozen=True)
class AnswerLog:
    """An answer's log row and its member's name, ready to be written inside another write's
    job in the database thread (a duel or practice answer's own job)."""

    params: tuple[object, ...]  # INSERT_ANSWER's
    member: tuple[int, int, str, float] | None  # UPSERT_MEMBER's; None: the name is stored

    def write(self, conn: sqlite3.Connection) -> None:
        conn.execute(INSERT_ANSWER, self.params)
        if self.member is not None:
            conn.execute(UPSERT_MEMBER, self.member)

    def committed(self, db: HasCaches) -> None:
        """Call once the job is committed: the member's name is stored now."""
        if self.member is not None:
            guild_id, user_id, name, _ = self.member
            name_stored(db, guild_id, user_id, name)


async def answer_log(db: Database, answer: LoggedAnswer, display_name: str) -> AnswerLog:
    """What logging ``answer`` writes: the zone is looked up here, on the event loop, so that
    the write itself needs no read of its own."""
    zone = await guild_zone(db, db, answer.guild_id)
    name = display_name[:NAME_LENGTH]
    known = name_is_stored(db, answer.guild_id, answer.user_id, name)
    member = None if known else (answer.guild_id, answer.user_id, name, answer.answered_at)
    return AnswerLog(answer_params(answer, zone), member)
