"""A server's history as data (export) and one member's removal from it (forget)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from db import daily, members
from db.database import Database

# The id a forgotten member leaves behind where a record is shared with others (a duel, a
# setting they changed): the others keep their history, shown with "a former member".
FORMER_MEMBER = 0

# Every table that holds a member's records, with the statement that removes them from one
# server (or, for shared records, replaces their id by FORMER_MEMBER or NULL). Statements run
# in this order, in one transaction. A feature that adds such a table adds it here and names
# its member columns in MEMBER_COLUMNS: tests/db/test_privacy.py walks the schema and fails on
# a member column that is not listed, and checks that no forgotten id survives anywhere.
MEMBER_RECORDS: dict[str, str | tuple[str, ...]] = {
    "answers": "DELETE FROM answers WHERE guild_id = :guild AND user_id = :user",
    "member_totals": "DELETE FROM member_totals WHERE guild_id = :guild AND user_id = :user",
    "member_periods": "DELETE FROM member_periods WHERE guild_id = :guild AND user_id = :user",
    "member_days": "DELETE FROM member_days WHERE guild_id = :guild AND user_id = :user",
    "member_topics": "DELETE FROM member_topics WHERE guild_id = :guild AND user_id = :user",
    "daily_streaks": "DELETE FROM daily_streaks WHERE guild_id = :guild AND user_id = :user",
    "daily_schedules": "UPDATE daily_schedules SET set_up_by = NULL "
    "WHERE guild_id = :guild AND set_up_by = :user",
    "ratings": "DELETE FROM ratings WHERE guild_id = :guild AND user_id = :user",
    "duel_answers": "DELETE FROM duel_answers WHERE user_id = :user AND duel_id IN "
    "(SELECT duel_id FROM duels WHERE guild_id = :guild)",
    # A duel still open cannot go on without them; then every seat they held is anonymised
    # (their opponent's history keeps the result, against "a former member").
    "duels": (
        "UPDATE duels SET state = 'cancelled', finished_at = coalesce(finished_at, created_at) "
        "WHERE guild_id = :guild AND state IN ('pending', 'active') "
        "AND :user IN (challenger_id, opponent_id)",
        "UPDATE duels SET challenger_id = 0 WHERE guild_id = :guild AND challenger_id = :user",
        "UPDATE duels SET opponent_id = 0 WHERE guild_id = :guild AND opponent_id = :user",
        "UPDATE duels SET winner_id = 0 WHERE guild_id = :guild AND winner_id = :user",
        "UPDATE duels SET forfeited_by = 0 WHERE guild_id = :guild AND forfeited_by = :user",
    ),
    "reports": (
        "DELETE FROM reports WHERE guild_id = :guild AND user_id = :user",
        "UPDATE reports SET resolved_by = 0 WHERE guild_id = :guild AND resolved_by = :user",
    ),
    "custom_banks": "UPDATE custom_banks SET imported_by = 0 "
    "WHERE guild_id = :guild AND imported_by = :user",
    "disabled_items": "UPDATE disabled_items SET disabled_by = 0 "
    "WHERE guild_id = :guild AND disabled_by = :user",
    "practice_cards": "DELETE FROM practice_cards WHERE guild_id = :guild AND user_id = :user",
    "practice_sessions": "DELETE FROM practice_sessions "
    "WHERE guild_id = :guild AND user_id = :user",
    "members": "DELETE FROM members WHERE guild_id = :guild AND user_id = :user",
}

# Every column that holds a member id, by table: each is cleared by MEMBER_RECORDS above.
MEMBER_COLUMNS = {
    "answers": ("user_id",),
    "member_totals": ("user_id",),
    "member_periods": ("user_id",),
    "member_days": ("user_id",),
    "member_topics": ("user_id",),
    "daily_streaks": ("user_id",),
    "daily_schedules": ("set_up_by",),
    "ratings": ("user_id",),
    "duel_answers": ("user_id",),
    "duels": ("challenger_id", "opponent_id", "winner_id", "forfeited_by"),
    "reports": ("user_id", "resolved_by"),
    "custom_banks": ("imported_by",),
    "disabled_items": ("disabled_by",),
    "practice_cards": ("user_id",),
    "practice_sessions": ("user_id",),
    "members": ("user_id",),
}

# Every cache holding a member's rows, by its owner's function that drops them (a module that
# caches member rows adds its function here, next to its table above).
CACHED_MEMBER_ROWS: tuple[Callable[[Database, int, int], None], ...] = (
    daily.forget_cached_member,  # the streak
    members.forget_cached_member,  # the stored name
)

EXPORTS = {
    # An answer to a daily question not revealed yet is exported without its verdict.
    "answer": "SELECT a.answer_id AS answer_id, a.user_id AS user_id, a.item_id AS item_id, "
    "a.topic AS topic, a.context AS context, a.context_id AS context_id, "
    "CASE WHEN p.post_id IS NULL THEN a.correct END AS correct, "
    "CASE WHEN p.post_id IS NULL THEN a.score END AS score, "
    "CASE WHEN p.post_id IS NULL THEN a.points END AS points, "
    "a.answered_at AS answered_at, a.reply AS reply FROM answers a "
    "LEFT JOIN daily_posts p ON a.context = 'daily' AND p.post_id = a.context_id "
    "AND p.revealed_at IS NULL WHERE a.guild_id = :guild ORDER BY a.answer_id",
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

# The same, narrowed to one member (a duel is theirs when they sat on either side): composed
# once from the constants above, never from input.
MEMBER_EXPORTS = {
    kind: "SELECT * FROM ("
    + query
    + ") WHERE "
    + (":user IN (challenger_id, opponent_id)" if kind == "duel" else "user_id = :user")
    for kind, query in EXPORTS.items()
}


async def forget_member(db: Database, guild_id: int, user_id: int) -> dict[str, int]:
    """Delete one member's records from one server, in one transaction; rows per table."""
    removed: dict[str, int] = {}
    async with db.transaction() as tx:
        for table, statements in MEMBER_RECORDS.items():
            removed[table] = 0
            for statement in (statements,) if isinstance(statements, str) else statements:
                removed[table] += await tx.execute(statement, {"guild": guild_id, "user": user_id})
    # The caches mirroring this member's rows, each cleared by the module that keeps it.
    for forget_cached in CACHED_MEMBER_ROWS:
        forget_cached(db, guild_id, user_id)
    return removed


async def export_member_records(db: Database, guild_id: int, user_id: int) -> list[dict[str, Any]]:
    """One member's records in one scope (a member's own export of their personal record),
    as :func:`export_records` gives them."""
    records: list[dict[str, Any]] = []
    for kind, query in MEMBER_EXPORTS.items():
        for row in await db.fetchall(query, {"guild": guild_id, "user": user_id}):
            records.append({"record": kind, **{key: row[key] for key in row.keys()}})  # noqa: SIM118
    return records


async def export_records(db: Database, guild_id: int) -> list[dict[str, Any]]:
    """Every record of a server as plain dicts, each tagged with its ``record`` kind."""
    records: list[dict[str, Any]] = []
    for kind, query in EXPORTS.items():
        for row in await db.fetchall(query, {"guild": guild_id}):
            records.append({"record": kind, **{key: row[key] for key in row.keys()}})  # noqa: SIM118
    return records
