"""The log of every graded answer, whatever asked the question, and the member summaries
that the boards read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from db.database import Transaction


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
    return ZoneInfo(name)


def local_date(timestamp: float, zone_name: str) -> date:
    return datetime.fromtimestamp(timestamp, UTC).astimezone(_zone(zone_name)).date()


def period_keys(day: date) -> tuple[str, str]:
    """The week (named by its Monday) and month a server-local day belongs to."""
    monday = day - timedelta(days=day.weekday())
    return f"week:{monday.isoformat()}", f"month:{day:%Y-%m}"


async def log_answer(tx: Transaction, answer: LoggedAnswer) -> int:
    """Record an answer and add it to the member's summaries, inside the caller's transaction."""
    answer_id = await tx.insert(
        "INSERT INTO answers (guild_id, user_id, item_id, topic, context, context_id, reply, "
        "correct, score, points, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (answer.guild_id, answer.user_id, answer.item_id, answer.topic, answer.context,
         answer.context_id, answer.reply, int(answer.correct), answer.score, answer.points,
         answer.answered_at),
    )  # fmt: skip
    zone = await tx.fetchone(
        "SELECT timezone FROM daily_schedules WHERE guild_id = ?", (answer.guild_id,)
    )
    day = local_date(answer.answered_at, zone[0] if zone else "UTC")
    # Only daily answers earn board points, whatever a caller passes (no farming by practice).
    points = answer.points if answer.context == "daily" else 0
    correct = int(answer.correct)
    await tx.execute(
        "INSERT INTO member_totals (guild_id, user_id, points, answers, correct) "
        "VALUES (?, ?, ?, 1, ?) ON CONFLICT (guild_id, user_id) DO UPDATE SET "
        "points = points + excluded.points, answers = answers + 1, "
        "correct = correct + excluded.correct",
        (answer.guild_id, answer.user_id, points, correct),
    )
    await tx.executemany(
        "INSERT INTO member_periods (guild_id, period, user_id, points, answers, correct) "
        "VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (guild_id, period, user_id) DO UPDATE SET "
        "points = points + excluded.points, answers = answers + 1, "
        "correct = correct + excluded.correct",
        [(answer.guild_id, key, answer.user_id, points, correct) for key in period_keys(day)],
    )
    await tx.execute(
        "INSERT INTO member_days (guild_id, user_id, day, answers) VALUES (?, ?, ?, 1) "
        "ON CONFLICT (guild_id, user_id, day) DO UPDATE SET answers = answers + 1",
        (answer.guild_id, answer.user_id, day.isoformat()),
    )
    await tx.execute(
        "INSERT INTO member_topics (guild_id, user_id, topic, answers, correct) "
        "VALUES (?, ?, ?, 1, ?) ON CONFLICT (guild_id, user_id, topic) DO UPDATE SET "
        "answers = answers + 1, correct = correct + excluded.correct",
        (answer.guild_id, answer.user_id, answer.topic, correct),
    )
    return answer_id
