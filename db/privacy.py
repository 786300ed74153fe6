"""A server's history as data (export) and one member's removal from it (forget)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from db import daily, members
from db.database import Database

# Every table that holds a member's records, with the statement that removes them from one
# server. A feature that adds such a table adds it here, and the privacy test checks that no
# row of a forgotten member survives anywhere.
MEMBER_RECORDS = {
    "answers": "DELETE FROM answers WHERE guild_id = :guild AND user_id = :user",
    "member_totals": "DELETE FROM member_totals WHERE guild_id = :guild AND user_id = :user",
    "member_periods": "DELETE FROM member_periods WHERE guild_id = :guild AND user_id = :user",
    "member_days": "DELETE FROM member_days WHERE guild_id = :guild AND user_id = :user",
    "member_topics": "DELETE FROM member_topics WHERE guild_id = :guild AND user_id = :user",
    "daily_streaks": "DELETE FROM daily_streaks WHERE guild_id = :guild AND user_id = :user",
    "ratings": "DELETE FROM ratings WHERE guild_id = :guild AND user_id = :user",
    "duel_answers": "DELETE FROM duel_answers WHERE user_id = :user AND duel_id IN "
    "(SELECT duel_id FROM duels WHERE guild_id = :guild)",
    "reports": "DELETE FROM reports WHERE guild_id = :guild AND user_id = :user",
    "practice_cards": "DELETE FROM practice_cards WHERE guild_id = :guild AND user_id = :user",
    "practice_sessions": "DELETE FROM practice_sessions "
    "WHERE guild_id = :guild AND user_id = :user",
    "members": "DELETE FROM members WHERE guild_id = :guild AND user_id = :user",
}

# Every cache holding a member's rows, by its owner's function that drops them (a module that
# caches member rows adds its function here, next to its table above).
CACHED_MEMBER_ROWS: tuple[Callable[[Database, int, int], None], ...] = (
    daily.forget_cached_member,  # the streak
    members.forget_cached_member,  # the stored name
)

EXPORTS = {
    "answer": "SELECT answer_id, user_id, item_id, topic, context, context_id, correct, score, "
    "points, answered_at, reply FROM answers WHERE guild_id = :guild ORDER BY answer_id",
    "rating": "SELECT user_id, rating, rd, volatility, wins, losses, draws, last_played_at "
    "FROM ratings WHERE guild_id = :guild ORDER BY user_id",
    "streak": "SELECT user_id, current, best, last_sequence FROM daily_streaks "
    "WHERE guild_id = :guild ORDER BY user_id",
    "duel": "SELECT duel_id, challenger_id, opponent_id, state, outcome, winner_id, "
    "challenger_score, opponent_score, challenger_change, opponent_change, created_at, "
    "finished_at FROM duels WHERE guild_id = :guild ORDER BY duel_id",
    "member": "SELECT user_id, display_name, seen_at FROM members WHERE guild_id = :guild "
    "ORDER BY user_id",
    "review_card": "SELECT user_id, item_id, state, step, stability, difficulty, due_at, "
    "last_review_at, reviews, lapses FROM practice_cards WHERE guild_id = :guild "
    "ORDER BY user_id, item_id",
}


async def forget_member(db: Database, guild_id: int, user_id: int) -> dict[str, int]:
    """Delete one member's records from one server, in one transaction; rows per table."""
    removed: dict[str, int] = {}
    async with db.transaction() as tx:
        for table, statement in MEMBER_RECORDS.items():
            removed[table] = await tx.execute(statement, {"guild": guild_id, "user": user_id})
    # The caches mirroring this member's rows, each cleared by the module that keeps it.
    for forget_cached in CACHED_MEMBER_ROWS:
        forget_cached(db, guild_id, user_id)
    return removed


async def export_records(db: Database, guild_id: int) -> list[dict[str, Any]]:
    """Every record of a server as plain dicts, each tagged with its ``record`` kind."""
    records: list[dict[str, Any]] = []
    for kind, query in EXPORTS.items():
        for row in await db.fetchall(query, {"guild": guild_id}):
            records.append({"record": kind, **{key: row[key] for key in row.keys()}})  # noqa: SIM118
    return records
