"""Read-only queries behind /leaderboard and /stats."""

from __future__ import annotations

from dataclasses import dataclass

from db.answers import guild_zone
from db.daily import get_streak
from db.database import Database


@dataclass(frozen=True)
class TopicStats:
    topic: str
    answers: int
    correct: int


@dataclass(frozen=True)
class MemberStats:
    points: int
    answers: int
    correct: int
    topics: list[TopicStats]
    days: list[tuple[str, int]]  # (server-local date, answers) for recent active days
    streak_current: int
    streak_best: int
    streak_last_sequence: int | None
    pending: int = 0  # answers whose question is not revealed yet (not in the counts above)


# Answers to a daily post whose question is not revealed yet, per member: the summaries count
# them at answer time (triggers), so every read subtracts them until the reveal, and nobody can
# learn a verdict from a board or /stats while the question is open. A server has at most a few
# open posts, read through the daily-answers index: CROSS JOIN keeps the posts as the outer
# loop (SQLite's join-order hint); left to itself the planner scans every answer of every
# server, 1 s per board at a million answers. :period '' means all time.
PENDING_SQL = (
    "SELECT a.user_id AS user_id, sum(a.points) AS points, count(*) AS answers, "
    "sum(a.correct) AS correct FROM daily_posts d "
    "CROSS JOIN answers a ON a.context = 'daily' AND a.context_id = d.post_id "
    "WHERE d.guild_id = :guild AND d.revealed_at IS NULL AND (:period = '' "
    "OR :period = 'week:' || date(a.day, 'weekday 0', '-6 days') "
    "OR :period = 'month:' || substr(a.day, 1, 7)) GROUP BY a.user_id"
)


def _settled(table: str, where: str) -> str:
    """Summary rows of ``table`` less their unrevealed answers, as (user_id, points, answers,
    correct); ``table`` and ``where`` are constants of this module, never user input."""
    return (
        "SELECT t.user_id AS user_id, t.points - coalesce(p.points, 0) AS points, "
        "t.answers - coalesce(p.answers, 0) AS answers, "
        "t.correct - coalesce(p.correct, 0) AS correct "
        f"FROM {table} t LEFT JOIN ({PENDING_SQL}) p ON p.user_id = t.user_id WHERE {where}"
    )


_TOTALS = _settled("member_totals", "t.guild_id = :guild")
_PERIODS = _settled("member_periods", "t.guild_id = :guild AND t.period = :period")

# Each board is a query of (user_id, value, detail) rows over the member summaries, one row
# per member, read through their primary keys. Pages, ranks and sizes wrap it, so a server
# with thousands of members costs a few milliseconds. (An index on points would make pages
# cheaper still, but it costs every answer a hundred microseconds to maintain: answers are
# far more frequent than /leaderboard.) Parameters: :guild, :period ("week:2026-03-16" or
# "month:2026-03"), :min_answers, :last_closed.
BOARD_SOURCES = {
    # Everyone with a settled answer is ranked, 0 points included: they took part.
    ("points", "all"): "SELECT user_id, points AS value, '' AS detail FROM (" + _TOTALS + ") "
    "WHERE answers > 0",
    ("points", "period"): "SELECT user_id, points AS value, '' AS detail FROM ("
    + _PERIODS
    + ") WHERE answers > 0",
    ("accuracy", "all"): "SELECT user_id, 1.0 * correct / answers AS value, "
    "correct || '/' || answers AS detail FROM (" + _TOTALS + ") "
    "WHERE answers >= max(:min_answers, 1)",
    ("accuracy", "period"): "SELECT user_id, 1.0 * correct / answers AS value, "
    "correct || '/' || answers AS detail FROM (" + _PERIODS + ") "
    "WHERE answers >= max(:min_answers, 1)",
    ("streak", "all"): "SELECT user_id, current AS value, '' AS detail FROM daily_streaks "
    "WHERE guild_id = :guild AND last_sequence >= :last_closed AND current > 0",
}
# Composed once from the constants above; values only ever travel as bound parameters.
PAGE_SQL = {
    key: "SELECT user_id, value, detail FROM (" + source + ") "
    "ORDER BY value DESC, user_id LIMIT :limit OFFSET :offset"
    for key, source in BOARD_SOURCES.items()
}
SIZE_SQL = {key: "SELECT count(*) FROM (" + source + ")" for key, source in BOARD_SOURCES.items()}
ABOVE_SQL = {
    key: "SELECT count(*) FROM (" + source + ") WHERE value > :value"
    for key, source in BOARD_SOURCES.items()
}
VALUE_OF_SQL = {
    key: "SELECT value, detail FROM (" + source + ") WHERE user_id = :user"
    for key, source in BOARD_SOURCES.items()
}


@dataclass(frozen=True)
class BoardQuery:
    guild_id: int
    board: str  # points | accuracy | streak
    period: str | None  # "week:2026-03-16", "month:2026-03"; None for all time
    min_answers: int = 10
    last_closed: int = 0

    @property
    def key(self) -> tuple[str, str]:
        return self.board, "all" if self.period is None else "period"

    def params(self, **extra: object) -> dict[str, object]:
        return {
            "guild": self.guild_id,
            "period": self.period or "",
            "min_answers": self.min_answers,
            "last_closed": self.last_closed,
            **extra,
        }


BoardRow = tuple[int, int, float, str]  # rank, user_id, value, detail


@dataclass(frozen=True)
class BoardPage:
    rows: list[BoardRow]
    mine: BoardRow | None  # the caller's row, on this page or not
    size: int


async def _rank_of_value(db: Database, query: BoardQuery, value: float) -> int:
    """Competition rank: one more than the number of members strictly ahead."""
    above = await db.fetchval(ABOVE_SQL[query.key], query.params(value=value), default=0)
    return int(above) + 1


async def board_page(
    db: Database, query: BoardQuery, offset: int, limit: int, caller: int
) -> BoardPage:
    found = await db.fetchall(PAGE_SQL[query.key], query.params(limit=limit, offset=offset))
    rows: list[BoardRow] = []
    for position, (user_id, value, detail) in enumerate(found, start=offset + 1):
        if not rows:
            rank = await _rank_of_value(db, query, value)  # a tie may begin on an earlier page
        elif value == rows[-1][2]:
            rank = rows[-1][0]
        else:
            rank = position
        rows.append((rank, user_id, value, detail))
    mine = next((row for row in rows if row[1] == caller), None)
    if mine is None:
        own = await db.fetchone(VALUE_OF_SQL[query.key], query.params(user=caller))
        if own is not None:
            mine = (await _rank_of_value(db, query, own[0]), caller, own[0], own[1])
    size = int(await db.fetchval(SIZE_SQL[query.key], query.params(), default=0))
    return BoardPage(rows, mine, size)


async def last_closed_sequence(db: Database, guild_id: int) -> int:
    value = await db.fetchval(
        "SELECT max(sequence) FROM daily_posts WHERE guild_id = ? AND revealed_at IS NOT NULL",
        (guild_id,),
        default=0,
    )
    return int(value)


async def rating_board(db: Database, guild_id: int) -> list[tuple[int, float, float, float, float]]:
    """(user_id, rating, rd, volatility, last_played_at) of everyone with a duel rating."""
    rows = await db.fetchall(
        "SELECT user_id, rating, rd, volatility, last_played_at FROM ratings WHERE guild_id = ?",
        (guild_id,),
    )
    return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]


async def member_stats(db: Database, guild_id: int, user_id: int, since_day: str) -> MemberStats:
    """Everything /stats shows, from the summaries (a handful of indexed reads)."""
    totals = await db.fetchone(
        "SELECT points, answers, correct FROM member_totals WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )
    topics = await db.fetchall(
        "SELECT topic, answers, correct FROM member_topics WHERE guild_id = ? AND user_id = ? "
        "ORDER BY topic",
        (guild_id, user_id),
    )
    pending = await db.fetchall(
        "SELECT a.topic, a.points, a.correct FROM daily_posts d "
        "CROSS JOIN answers a ON a.context = 'daily' AND a.context_id = d.post_id "
        "WHERE d.guild_id = ? AND d.revealed_at IS NULL AND a.user_id = ?",
        (guild_id, user_id),
    )
    held: dict[str, list[int]] = {}
    for topic, _points, correct in pending:
        counts = held.setdefault(topic, [0, 0])
        counts[0] += 1
        counts[1] += correct
    days = await db.fetchall(
        "SELECT day, answers FROM member_days WHERE guild_id = ? AND user_id = ? AND day >= ?",
        (guild_id, user_id, since_day),
    )
    streak = await get_streak(db, guild_id, user_id)
    return MemberStats(
        points=(totals[0] if totals else 0) - sum(r[1] for r in pending),
        answers=(totals[1] if totals else 0) - len(pending),
        correct=(totals[2] if totals else 0) - sum(r[2] for r in pending),
        topics=[
            TopicStats(r[0] or "other", r[1] - held[r[0]][0], r[2] - held[r[0]][1])
            if r[0] in held
            else TopicStats(r[0] or "other", r[1], r[2])
            for r in topics
            if r[1] - held.get(r[0], [0, 0])[0] > 0
        ],
        days=[(r[0], r[1]) for r in days],
        streak_current=streak.current if streak else 0,
        streak_best=streak.best if streak else 0,
        streak_last_sequence=streak.last_sequence if streak else None,
        pending=len(pending),
    )


async def guild_timezone(db: Database, guild_id: int) -> str:
    """The server's zone: its daily-question zone when it has one, else UTC."""
    return await guild_zone(db, db, guild_id)
