"""Named queries for practice: spaced-repetition cards and /quiz and /review sessions."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Collection
from dataclasses import dataclass

from db.answers import LoggedAnswer, answer_log
from db.database import Database
from db.writer import WriteUnit


@dataclass(frozen=True)
class CardState:
    """What the scheduler remembers of one member and one question (fsrs.Card's fields)."""

    state: int  # 1 learning, 2 review, 3 relearning
    step: int | None
    stability: float | None
    difficulty: float | None
    due_at: float
    last_review_at: float | None
    reviews: int = 0
    lapses: int = 0


@dataclass(frozen=True)
class DueCard:
    item_id: str
    due_at: float


@dataclass(frozen=True)
class SessionRow:
    session_id: int
    guild_id: int
    user_id: int
    mode: str  # quiz | review
    item_ids: tuple[str, ...]
    current: int
    answered: int
    shown_at: float
    started_at: float
    ended_at: float | None


@dataclass(frozen=True)
class AnswerRow:
    item_id: str
    topic: str
    correct: bool
    score: float


class SessionMoved(Exception):
    """The session was no longer where the caller saw it (a second click, a stale button)."""


# -- cards ----------------------------------------------------------------------------------


_CARD_COLUMNS = "state, step, stability, difficulty, due_at, last_review_at, reviews, lapses"


def _card(row: sqlite3.Row) -> CardState:
    return CardState(
        row["state"], row["step"], row["stability"], row["difficulty"], row["due_at"],
        row["last_review_at"], row["reviews"], row["lapses"],
    )  # fmt: skip


async def update_card(
    db: Database,
    guild_id: int,
    user_id: int,
    item_id: str,
    change: Callable[[CardState | None], CardState],
) -> CardState:
    """Read a card (None when the member never met the question), apply ``change`` and store
    the result.

    Every answer anywhere lands here, so it is one job of the database writer: the read, the
    change and the upsert run together in the database thread (one trip, grouped with the
    answers being committed), atomically, so two answers of the same member to the same
    question cannot both start from the same card. ``change`` is pure and quick (it runs in
    the database thread).
    """
    key = (guild_id, user_id, item_id)

    def read_change_store(conn: sqlite3.Connection) -> CardState:
        row = conn.execute(_SELECT_CARD, key).fetchone()
        card = change(_card(row) if row else None)
        conn.execute(
            _UPSERT_CARD,
            (*key, card.state, card.step, card.stability, card.difficulty, card.due_at,
             card.last_review_at, card.reviews, card.lapses),
        )  # fmt: skip
        return card

    return await db.write_computed(read_change_store)


_SELECT_CARD = (
    f"SELECT {_CARD_COLUMNS} FROM practice_cards WHERE guild_id = ? AND user_id = ? AND item_id = ?"
)
_UPSERT_CARD = (
    f"INSERT INTO practice_cards (guild_id, user_id, item_id, {_CARD_COLUMNS}) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (guild_id, user_id, item_id) DO UPDATE SET state = excluded.state, "
    "step = excluded.step, stability = excluded.stability, "
    "difficulty = excluded.difficulty, due_at = excluded.due_at, "
    "last_review_at = excluded.last_review_at, reviews = excluded.reviews, "
    "lapses = excluded.lapses"
)


async def get_card(db: Database, guild_id: int, user_id: int, item_id: str) -> CardState | None:
    row = await db.fetchone(
        f"SELECT {_CARD_COLUMNS} FROM practice_cards "
        "WHERE guild_id = ? AND user_id = ? AND item_id = ?",
        (guild_id, user_id, item_id),
    )
    return _card(row) if row else None


async def due_cards(db: Database, guild_id: int, user_id: int, now: float) -> list[DueCard]:
    """The member's cards due at ``now``, most overdue first."""
    rows = await db.fetchall(
        "SELECT item_id, due_at FROM practice_cards "
        "WHERE guild_id = ? AND user_id = ? AND due_at <= ? ORDER BY due_at, item_id",
        (guild_id, user_id, now),
    )
    return [DueCard(row[0], row[1]) for row in rows]


async def next_due_at(
    db: Database, guild_id: int, user_id: int, now: float, exclude: Collection[str] = ()
) -> float | None:
    """When the member's next card falls due after ``now``, the cards of ``exclude`` aside;
    None without such a card."""
    marks = ",".join("?" * len(exclude))
    value = await db.fetchval(
        "SELECT min(due_at) FROM practice_cards WHERE guild_id = ? AND user_id = ? "
        f"AND due_at > ? AND item_id NOT IN ({marks})",
        (guild_id, user_id, now, *exclude),
    )
    return float(value) if value is not None else None


async def card_count(db: Database, guild_id: int, user_id: int) -> int:
    return int(
        await db.fetchval(
            "SELECT count(*) FROM practice_cards WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
            0,
        )
    )


async def carded_items(db: Database, guild_id: int, user_id: int) -> set[str]:
    """The questions the member has met anywhere (each has a card)."""
    rows = await db.fetchall(
        "SELECT item_id FROM practice_cards WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )
    return {row[0] for row in rows}


async def items_in_play(db: Database) -> set[str]:
    """Questions someone could still score with, in any server: open daily posts and the
    questions of pending or running duels. Nothing may show their answers yet, anywhere (the
    built-in bank is shared, so another server's open post counts too)."""
    rows = await db.fetchall("SELECT item_id FROM daily_posts WHERE revealed_at IS NULL")
    in_play = {row[0] for row in rows}
    for row in await db.fetchall("SELECT items FROM duels WHERE state IN ('pending', 'active')"):
        in_play.update(json.loads(row[0]))
    return in_play


# -- sessions --------------------------------------------------------------------------------


_SESSION_COLUMNS = (
    "session_id, guild_id, user_id, mode, item_ids, current, answered, shown_at, started_at, "
    "ended_at"
)


def _session(row: sqlite3.Row) -> SessionRow:
    return SessionRow(
        row["session_id"], row["guild_id"], row["user_id"], row["mode"],
        tuple(json.loads(row["item_ids"])), row["current"], row["answered"], row["shown_at"],
        row["started_at"], row["ended_at"],
    )  # fmt: skip


async def create_session(
    db: Database,
    *,
    guild_id: int,
    user_id: int,
    mode: str,
    item_ids: list[str],
    now: float,
    forget_before: float,
) -> SessionRow:
    """Start a session; the member's sessions started before ``forget_before`` are deleted
    (their buttons then say the session expired)."""
    async with db.transaction() as tx:
        await tx.execute(
            "DELETE FROM practice_sessions WHERE guild_id = ? AND user_id = ? AND started_at < ?",
            (guild_id, user_id, forget_before),
        )
        session_id = await tx.insert(
            "INSERT INTO practice_sessions (guild_id, user_id, mode, item_ids, shown_at, "
            "started_at) VALUES (?, ?, ?, ?, ?, ?)",
            (guild_id, user_id, mode, json.dumps(item_ids), now, now),
        )
    return SessionRow(session_id, guild_id, user_id, mode, tuple(item_ids), 0, 0, now, now, None)


async def get_session(db: Database, session_id: int) -> SessionRow | None:
    row = await db.fetchone(
        f"SELECT {_SESSION_COLUMNS} FROM practice_sessions WHERE session_id = ?", (session_id,)
    )
    return _session(row) if row else None


async def record_answer(
    db: Database,
    session: SessionRow,
    answer: LoggedAnswer,
    display_name: str,
    unit: WriteUnit | None = None,
) -> None:
    """Log the answer to the session's current question and count it, once: a second answer
    to the same question (a double click) raises :class:`SessionMoved` and writes nothing.

    One write job computed in the database thread; writes that joined ``unit`` (the review
    card the answer moves) go in the same job, kept or refused with the answer."""
    log = await answer_log(db, answer, display_name)

    def store(conn: sqlite3.Connection) -> None:
        moved = conn.execute(
            "UPDATE practice_sessions SET answered = answered + 1 WHERE session_id = ? "
            "AND current = ? AND answered = ? AND ended_at IS NULL",
            (session.session_id, session.current, session.answered),
        ).rowcount
        if not moved:
            raise SessionMoved
        log.write(conn)

    await db.write_computed_joined(unit or WriteUnit(), store)
    log.committed(db)


async def show_next(db: Database, session: SessionRow, now: float) -> None:
    """Move to the next question; :class:`SessionMoved` when it already moved."""
    moved = await db.write(
        "UPDATE practice_sessions SET current = current + 1, shown_at = ? "
        "WHERE session_id = ? AND current = ? AND answered = ? AND ended_at IS NULL",
        (now, session.session_id, session.current, session.answered),
    )
    if not moved:
        raise SessionMoved


async def reorder_items(db: Database, session: SessionRow, item_ids: list[str]) -> bool:
    """Store a new order of the session's questions (the ones before ``current`` unchanged),
    unless the session moved meanwhile; True when stored."""
    moved = await db.write(
        "UPDATE practice_sessions SET item_ids = ? WHERE session_id = ? AND current = ? "
        "AND answered = ? AND ended_at IS NULL",
        (json.dumps(item_ids), session.session_id, session.current, session.answered),
    )
    return bool(moved)


async def end_session(db: Database, session_id: int, now: float) -> None:
    await db.write(
        "UPDATE practice_sessions SET ended_at = ? WHERE session_id = ? AND ended_at IS NULL",
        (now, session_id),
    )


async def session_answers(db: Database, session: SessionRow) -> list[AnswerRow]:
    rows = await db.fetchall(
        "SELECT item_id, topic, correct, score FROM answers WHERE guild_id = ? AND user_id = ? "
        "AND context = 'practice' AND context_id = ? ORDER BY answer_id",
        (session.guild_id, session.user_id, session.session_id),
    )
    return [AnswerRow(row[0], row[1], bool(row[2]), row[3]) for row in rows]
