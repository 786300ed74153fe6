"""A duel or practice answer is one write job with the review card it causes: both are kept,
or neither."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest

from db import duels, practice
from db.answers import LoggedAnswer
from db.database import Database
from db.writer import WriteUnit

GUILD, ALICE, BOB = 10, 20, 30
T = TypeVar("T")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database(tmp_path / "q.db") as database:
        await database.migrate()
        yield database


async def running_duel(db: Database) -> duels.DuelRow:
    duel_id = await duels.create_duel(
        db, guild_id=GUILD, channel_id=1, challenger_id=ALICE, opponent_id=BOB, rounds=3,
        round_seconds=20, topic=None, level=None, items=["a", "b", "c"], created_at=0,
        expires_at=120,
    )  # fmt: skip
    await duels.start(db, duel_id, thread_id=2)
    duel = await duels.get_duel(db, duel_id)
    assert duel is not None
    return duel


def card_write(card: str) -> Callable[[sqlite3.Connection], None]:
    """What a listener writes for Alice's review card of ``card``."""

    def write_card(conn: sqlite3.Connection) -> None:
        conn.execute(
            "INSERT INTO practice_cards (guild_id, user_id, item_id, state, step, due_at, "
            "reviews, lapses) VALUES (?, ?, ?, 1, 0, 0, 1, 0)",
            (GUILD, ALICE, card),
        )

    return write_card


async def joined(
    db: Database, card: str, host: Callable[[WriteUnit], Awaitable[T]]
) -> tuple[T, str]:
    """``host(unit)`` while a listener's card write joins ``unit``; returns (what the host
    returned, what became of the card write)."""
    with db.joining() as unit:
        listener = asyncio.ensure_future(db.write_computed(card_write(card)))
    await asyncio.sleep(0)  # the listener reaches its write and joins the unit
    jobs_before = db.writer.jobs
    try:
        value = await host(unit)
    finally:
        assert db.writer.jobs - jobs_before == 1  # the answer and its card: one job
    try:
        await listener
    except asyncio.CancelledError:
        return value, "dropped"
    return value, "written"


async def answer(db: Database, duel: duels.DuelRow, reply: str, card: str) -> tuple[bool, str]:
    """Alice answers round 1 of ``duel`` with a card write joined."""
    return await joined(
        db, card, lambda unit: duels.record_answer(
            db, duel, duels.AnswerRow(1, ALICE, reply, True, 2.5, 900), item_id="a", topic="t",
            score=1.0, display_name="alice", answered_at=10.0, unit=unit,
        ),
    )  # fmt: skip


async def test_a_duel_answer_and_its_card_are_written_together(db: Database) -> None:
    duel = await running_duel(db)
    assert await answer(db, duel, "True", card="a") == (True, "written")
    assert await db.fetchval("SELECT reply FROM duel_answers WHERE user_id = ?", (ALICE,)) == "True"
    assert await db.fetchval("SELECT count(*) FROM answers WHERE context = 'duel'") == 1
    assert await db.fetchval("SELECT display_name FROM members WHERE user_id = ?", (ALICE,)) == (
        "alice"
    )
    assert await db.fetchval("SELECT count(*) FROM practice_cards WHERE item_id = 'a'") == 1


async def test_a_second_answer_to_the_round_writes_nothing_not_even_its_card(
    db: Database,
) -> None:
    duel = await running_duel(db)
    await answer(db, duel, "True", card="a")
    assert await answer(db, duel, "False", card="b") == (False, "dropped")
    assert await db.fetchval("SELECT reply FROM duel_answers WHERE user_id = ?", (ALICE,)) == "True"
    assert await db.fetchval("SELECT count(*) FROM answers WHERE context = 'duel'") == 1
    assert await db.fetchval("SELECT count(*) FROM practice_cards WHERE item_id = 'b'") == 0


async def test_a_practice_answer_and_its_card_are_written_together_once(db: Database) -> None:
    session = await practice.create_session(
        db, guild_id=GUILD, user_id=ALICE, mode="quiz", item_ids=["a", "b"], now=5.0,
        forget_before=0.0,
    )  # fmt: skip
    logged = LoggedAnswer(GUILD, ALICE, "a", "t", "practice", session.session_id, "top-p", True,
                          1.0, 0, 10.0)  # fmt: skip

    def record(unit: WriteUnit) -> Awaitable[None]:
        return practice.record_answer(db, session, logged, "alice", unit)

    assert await joined(db, "a", record) == (None, "written")
    # A double click: the session has moved on, so neither the answer nor its card is kept.
    with pytest.raises(practice.SessionMoved):
        await joined(db, "b", record)
    assert await db.fetchval("SELECT count(*) FROM answers WHERE context = 'practice'") == 1
    assert await db.fetchval("SELECT answered FROM practice_sessions") == 1
    assert await db.fetchval("SELECT count(*) FROM practice_cards WHERE item_id = 'b'") == 0
