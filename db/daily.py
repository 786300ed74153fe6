"""Named queries for daily-question schedules, posts, answers, streaks and rotations."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from db.answers import ZONES, guild_zone, local_date, remember_zone
from db.cache import CacheSlot, HasCaches
from db.database import Database, Transaction
from db.members import name_stored
from db.writer import WriteUnit


@dataclass(frozen=True)
class ScheduleRow:
    guild_id: int
    channel_id: int
    post_time: str
    timezone: str
    levels: tuple[str, ...]
    topics: tuple[str, ...]
    role_id: int | None
    reveal: str
    window_hours: float | None
    paused: bool
    pause_reason: str | None
    next_post_at: float | None
    set_up_by: int | None = None  # the admin told when posting stops on a refusal
    problem: str | None = None  # a passing problem (a post being retried), shown in status


@dataclass(frozen=True)
class PostRow:
    post_id: int
    guild_id: int
    channel_id: int
    message_id: int | None
    item_id: str
    sequence: int
    reveal: str
    posted_at: float
    closes_at: float
    revealed_at: float | None

    @property
    def is_open(self) -> bool:
        return self.revealed_at is None

    @property
    def delivered(self) -> bool:
        """Discord accepted the post (a row without a message is a post still being sent)."""
        return self.message_id is not None


@dataclass(frozen=True)
class StreakRow:
    current: int
    best: int
    last_sequence: int


@dataclass(frozen=True)
class PostResults:
    answered: int
    correct: int
    first_correct_user: int | None


# Posts and streaks are read on every answer. A post changes only through the writers below;
# a streak only through its member's own answers (and two of those racing on one post cannot
# both commit), so the copies stay exact.
POSTS: CacheSlot[int, PostRow] = CacheSlot("daily posts", max_size=20_000)
STREAKS: CacheSlot[tuple[int, int], StreakRow | None] = CacheSlot("streaks", max_size=50_000)


def forget_cached_member(db: HasCaches, guild_id: int, user_id: int) -> None:
    """The member's streak row is gone (privacy's forget)."""
    STREAKS.of(db).discard((guild_id, user_id))


class AlreadyAnswered(Exception):
    def __init__(self, answered_at: float) -> None:
        super().__init__("already answered")
        self.answered_at = answered_at


def _schedule(row: sqlite3.Row) -> ScheduleRow:
    return ScheduleRow(
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        post_time=row["post_time"],
        timezone=row["timezone"],
        levels=tuple(json.loads(row["levels"])),
        topics=tuple(json.loads(row["topics"])),
        role_id=row["role_id"],
        reveal=row["reveal"],
        window_hours=row["window_hours"],
        paused=bool(row["paused"]),
        pause_reason=row["pause_reason"],
        next_post_at=row["next_post_at"],
        set_up_by=row["set_up_by"],
        problem=row["problem"],
    )


def _post(row: sqlite3.Row) -> PostRow:
    return PostRow(**{key: row[key] for key in row.keys()})  # noqa: SIM118 - sqlite3.Row


# -- schedules ---------------------------------------------------------------------------------


async def save_schedule(db: Database, schedule: ScheduleRow, now: float) -> None:
    await db.write(
        """
        INSERT INTO daily_schedules (guild_id, channel_id, post_time, timezone, levels, topics,
            role_id, reveal, window_hours, paused, pause_reason, next_post_at, set_up_by,
            problem, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (guild_id) DO UPDATE SET
            channel_id = excluded.channel_id, post_time = excluded.post_time,
            timezone = excluded.timezone, levels = excluded.levels, topics = excluded.topics,
            role_id = excluded.role_id, reveal = excluded.reveal,
            window_hours = excluded.window_hours, paused = excluded.paused,
            pause_reason = excluded.pause_reason, next_post_at = excluded.next_post_at,
            set_up_by = excluded.set_up_by, problem = excluded.problem,
            updated_at = excluded.updated_at
        """,
        (
            schedule.guild_id, schedule.channel_id, schedule.post_time, schedule.timezone,
            json.dumps(list(schedule.levels)), json.dumps(list(schedule.topics)),
            schedule.role_id, schedule.reveal, schedule.window_hours, int(schedule.paused),
            schedule.pause_reason, schedule.next_post_at, schedule.set_up_by, schedule.problem,
            now,
        ),
    )  # fmt: skip
    remember_zone(db, schedule.guild_id, schedule.timezone)


async def get_schedule(db: Database, guild_id: int) -> ScheduleRow | None:
    row = await db.fetchone("SELECT * FROM daily_schedules WHERE guild_id = ?", (guild_id,))
    return _schedule(row) if row else None


async def all_schedules(db: Database) -> list[ScheduleRow]:
    return [_schedule(r) for r in await db.fetchall("SELECT * FROM daily_schedules")]


async def set_paused(
    db: Database, guild_id: int, paused: bool, reason: str | None, now: float
) -> None:
    await db.write(
        "UPDATE daily_schedules SET paused = ?, pause_reason = ?, updated_at = ? "
        "WHERE guild_id = ?",
        (int(paused), reason, now, guild_id),
    )


async def set_problem(db: Database, guild_id: int, problem: str | None) -> None:
    """Note (or clear, with None) a problem that does not stop the schedule."""
    await db.write("UPDATE daily_schedules SET problem = ? WHERE guild_id = ?", (problem, guild_id))


async def set_next_post(db: Database, guild_id: int, next_post_at: float | None) -> None:
    await db.write(
        "UPDATE daily_schedules SET next_post_at = ? WHERE guild_id = ?",
        (next_post_at, guild_id),
    )


async def claim_post(db: Database, guild_id: int, slot: float | None, next_post_at: float) -> bool:
    """Take the post due at ``slot`` by moving the schedule on to ``next_post_at``, only if
    nobody has yet. One statement, so of two processes running the same day's post (a server
    whose shard moved while the old process still ran) exactly one changes the row and posts."""
    changed = await db.write(
        "UPDATE daily_schedules SET next_post_at = ? WHERE guild_id = ? AND next_post_at IS ?",
        (next_post_at, guild_id, slot),
    )
    return changed > 0


async def delete_schedule(db: Database, guild_id: int) -> bool:
    removed = await db.write("DELETE FROM daily_schedules WHERE guild_id = ?", (guild_id,)) > 0
    remember_zone(db, guild_id, None)
    return removed


# -- posts ----------------------------------------------------------------------------------------


async def create_post(
    db: Database,
    *,
    guild_id: int,
    channel_id: int,
    item_id: str,
    reveal: str,
    posted_at: float,
    closes_at: float,
    new_rotation: bool,
) -> PostRow:
    """Record a post and mark its item used in the server's rotation, in one transaction."""
    async with db.transaction() as tx:
        if new_rotation:
            await tx.execute("DELETE FROM daily_rotation WHERE guild_id = ?", (guild_id,))
        await tx.execute(
            "INSERT OR REPLACE INTO daily_rotation (guild_id, item_id, used_at) VALUES (?, ?, ?)",
            (guild_id, item_id, posted_at),
        )
        sequence = await _next_sequence(tx, guild_id)
        post_id = await tx.insert(
            "INSERT INTO daily_posts (guild_id, channel_id, item_id, sequence, reveal, "
            "posted_at, closes_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (guild_id, channel_id, item_id, sequence, reveal, posted_at, closes_at),
        )
    return PostRow(post_id, guild_id, channel_id, None, item_id, sequence, reveal, posted_at,
                   closes_at, None)  # fmt: skip


async def _next_sequence(tx: Transaction, guild_id: int) -> int:
    row = await tx.fetchone(
        "SELECT coalesce(max(sequence), 0) + 1 FROM daily_posts WHERE guild_id = ?", (guild_id,)
    )
    return int(row[0]) if row else 1


async def forget_post(db: Database, post_id: int) -> None:
    """Undo a post that never reached Discord, giving its item back to the rotation."""
    async with db.transaction() as tx:
        row = await tx.fetchone(
            "SELECT guild_id, item_id FROM daily_posts WHERE post_id = ?", (post_id,)
        )
        if row is None:
            return
        await tx.execute(
            "DELETE FROM daily_rotation WHERE guild_id = ? AND item_id = ?",
            (row["guild_id"], row["item_id"]),
        )
        await tx.execute("DELETE FROM daily_posts WHERE post_id = ?", (post_id,))
    POSTS.of(db).discard(post_id)


async def set_post_message(db: Database, post_id: int, message_id: int) -> None:
    await db.write("UPDATE daily_posts SET message_id = ? WHERE post_id = ?", (message_id, post_id))
    POSTS.of(db).discard(post_id)


async def get_post(db: Database, post_id: int) -> PostRow | None:
    """A post; read on every answer, so kept in memory (the writers here keep it current)."""
    cache = POSTS.of(db)
    post = cache.get(post_id)
    if post is None:
        # A cold burst (a thousand members clicking a post just made) shares one read, and
        # the one row it builds.
        async def read() -> PostRow | None:
            row = await db.fetchone("SELECT * FROM daily_posts WHERE post_id = ?", (post_id,))
            return _post(row) if row else None

        post = await db.shared_read(("daily_posts", post_id), read)
        if post is None:
            return None
        cache[post_id] = post
    return post


async def open_posts(db: Database, guild_id: int | None = None) -> list[PostRow]:
    if guild_id is None:
        rows = await db.fetchall("SELECT * FROM daily_posts WHERE revealed_at IS NULL")
    else:
        rows = await db.fetchall(
            "SELECT * FROM daily_posts WHERE revealed_at IS NULL AND guild_id = ?", (guild_id,)
        )
    return [_post(r) for r in rows]


async def undelivered_posts(db: Database) -> list[PostRow]:
    """Posts recorded but never accepted by Discord (the bot stopped, or is still sending)."""
    rows = await db.fetchall("SELECT * FROM daily_posts WHERE message_id IS NULL")
    return [_post(r) for r in rows]


async def latest_post(db: Database, guild_id: int) -> PostRow | None:
    """The server's latest post that Discord accepted."""
    row = await db.fetchone(
        "SELECT * FROM daily_posts WHERE guild_id = ? AND message_id IS NOT NULL "
        "ORDER BY sequence DESC LIMIT 1",
        (guild_id,),
    )
    return _post(row) if row else None


async def mark_revealed(db: Database, post_id: int, now: float) -> bool:
    """True for the one caller that closes the post (a reveal runs once)."""
    changed = await db.write(
        "UPDATE daily_posts SET revealed_at = ? WHERE post_id = ? AND revealed_at IS NULL",
        (now, post_id),
    )
    POSTS.of(db).discard(post_id)
    return changed > 0


async def rotation_used(db: Database, guild_id: int) -> set[str]:
    rows = await db.fetchall("SELECT item_id FROM daily_rotation WHERE guild_id = ?", (guild_id,))
    return {r[0] for r in rows}


# -- answers and streaks --------------------------------------------------------------------


async def answer_time(db: Database, post_id: int, user_id: int) -> float | None:
    return await db.fetchval(
        "SELECT answered_at FROM answers WHERE context = 'daily' AND context_id = ? "
        "AND user_id = ?",
        (post_id, user_id),
    )


async def get_streak(db: Database, guild_id: int, user_id: int) -> StreakRow | None:
    """A member's stored streak (None before their first daily answer), kept in memory."""
    cache, key = STREAKS.of(db), (guild_id, user_id)
    if key in cache:
        return cache[key]
    row = await db.fetchone(_STREAK_READ, key)
    streak = cache[key] = StreakRow(row[0], row[1], row[2]) if row else None
    return streak


_STREAK_READ = (
    "SELECT current, best, last_sequence FROM daily_streaks WHERE guild_id = ? AND user_id = ?"
)
_ANSWER_WRITE = (
    "INSERT INTO daily_answer_writes (guild_id, user_id, item_id, topic, post_id, reply, "
    "correct, score, points, answered_at, day, streak_current, streak_best, sequence, "
    "display_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


async def record_answer(
    db: Database,
    *,
    post: PostRow,
    user_id: int,
    display_name: str,
    topic: str,
    reply: str,
    correct: bool,
    score: float,
    answered_at: float,
    streak_after: Any,
    points_for_streak: Any,
    unit: WriteUnit | None = None,
) -> tuple[int, StreakRow]:
    """Store one answer and move the member's streak, atomically.

    ``streak_after(previous, sequence)`` and ``points_for_streak(streak)`` are the pure rules
    from the cog's engine, applied to the member's stored streak, so two racing answers cannot
    both count. Raises :class:`AlreadyAnswered` for a second answer. Writes that joined
    ``unit`` (the answer's review card) go in the answer's own job.
    """
    key = (post.guild_id, user_id)
    cache = STREAKS.of(db)
    known = key in cache
    cached = cache[key] if known else None
    zone = ZONES.of(db).get(post.guild_id) or await guild_zone(db, db, post.guild_id)
    day = local_date(answered_at, zone).isoformat()
    name = display_name[:100]

    def read_and_write(conn: sqlite3.Connection) -> tuple[int, StreakRow]:
        # Run in the database thread, in the answer's own job: a streak not in memory is read
        # here, inside the transaction that writes the answer, instead of in a round trip of
        # its own before it (the first answer of every member after a start is such a one).
        stored = cached
        if not known:
            row = conn.execute(_STREAK_READ, key).fetchone()
            stored = StreakRow(row[0], row[1], row[2]) if row else None
        streak = streak_after(stored, post.sequence)
        points: int = points_for_streak(streak.current)
        # One statement (see migration 0008): the unique (post, member) index is what stops a
        # second answer, even when two clicks race; the loser writes nothing at all.
        conn.execute(
            _ANSWER_WRITE,
            (post.guild_id, user_id, post.item_id, topic, post.post_id, reply, int(correct),
             score, points, answered_at, day, streak.current, streak.best,
             streak.last_sequence, name),
        )  # fmt: skip
        return points, StreakRow(streak.current, streak.best, streak.last_sequence)

    try:
        # Without a unit of the caller's, a fresh one: nothing joins it, and a unit the caller
        # may be inside is not taken over.
        points, stored_now = await db.write_computed_joined(unit or WriteUnit(), read_and_write)
    except sqlite3.IntegrityError:
        previous = await answer_time(db, post.post_id, user_id)
        if previous is None:
            raise
        raise AlreadyAnswered(previous) from None
    cache[key] = stored_now
    name_stored(db, post.guild_id, user_id, display_name)  # the same statement wrote it
    return points, stored_now


async def post_results(db: Database, post_id: int) -> PostResults:
    row = await db.fetchone(
        "SELECT count(*), coalesce(sum(correct), 0) FROM answers "
        "WHERE context = 'daily' AND context_id = ?",
        (post_id,),
    )
    first = await db.fetchval(
        "SELECT user_id FROM answers WHERE context = 'daily' AND context_id = ? AND correct = 1 "
        "ORDER BY answered_at, answer_id LIMIT 1",
        (post_id,),
    )
    answered, correct = (row[0], row[1]) if row else (0, 0)
    return PostResults(answered, correct, first)


async def post_answers(db: Database, post_id: int) -> list[sqlite3.Row]:
    return await db.fetchall(
        "SELECT user_id, reply, correct, score, points, answered_at FROM answers "
        "WHERE context = 'daily' AND context_id = ? ORDER BY answered_at",
        (post_id,),
    )


# The columns /config may change, with how each is stored.
EDITABLE_COLUMNS = {"reveal", "levels", "topics", "window_hours"}


async def update_schedule(db: Database, guild_id: int, column: str, value: Any) -> bool:
    """Change one setting of a server's schedule; False when it has none."""
    if column not in EDITABLE_COLUMNS:
        raise ValueError(f"not an editable schedule column: {column}")
    stored = json.dumps(list(value)) if column in ("levels", "topics") else value
    # The column name comes from the fixed set above, never from user input.
    changed = await db.write(
        "UPDATE daily_schedules SET " + column + " = ? WHERE guild_id = ?", (stored, guild_id)
    )
    return changed > 0
