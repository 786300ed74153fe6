"""/data forget covers every table that holds a member id: the schema is walked, not listed."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from db import privacy
from db.database import Database

GUILD, USER, OTHER = 10, 20, 30
# A column named like one of these holds a member id (the house's naming rule).
MEMBER_ID = re.compile(r"(^|_)(user_id|member_id|challenger_id|opponent_id|winner_id)$|_by$")
# Values for columns whose CHECK constraint (or a trigger) takes a fixed form.
CHECKED: dict[str, object] = {
    "state": "finished", "reveal": "at_close", "day": "2026-01-05", "context": "duel",
    "correct": 1, "practice_cards.state": 1, "practice_sessions.mode": "quiz",
}  # fmt: skip


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database(tmp_path / "q.db") as database:
        await database.migrate()
        yield database


async def schema(db: Database) -> dict[str, list[tuple[str, str]]]:
    """Every table's (column, declared type), in creation order."""
    tables = await db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY rowid"
    )
    found = {}
    for (table,) in tables:
        columns = await db.fetchall(f"SELECT name, type FROM pragma_table_info('{table}')")
        found[table] = [(c[0], c[1]) for c in columns]
    return found


async def test_every_member_column_is_covered_by_forget(db: Database) -> None:
    member_columns = {
        (table, column)
        for table, columns in (await schema(db)).items()
        for column, _ in columns
        if MEMBER_ID.search(column)
    }
    covered = {(t, c) for t, columns in privacy.MEMBER_COLUMNS.items() for c in columns}
    assert member_columns - covered == set(), "add these to privacy.MEMBER_RECORDS/COLUMNS"
    assert covered - member_columns == set(), "privacy names columns the schema lacks"
    assert set(privacy.MEMBER_COLUMNS) == set(privacy.MEMBER_RECORDS)


async def test_no_forgotten_id_survives_in_any_table(db: Database) -> None:
    tables = await schema(db)
    for table, columns in tables.items():
        for user in (USER, OTHER):
            names: list[str] = []
            values: list[object] = []
            for column, kind in columns:
                names.append(column)
                if column == "guild_id":
                    values.append(GUILD)
                elif MEMBER_ID.search(column):
                    values.append(user)
                elif f"{table}.{column}" in CHECKED or column in CHECKED:
                    values.append(CHECKED.get(f"{table}.{column}", CHECKED.get(column)))
                elif "INT" in kind.upper():  # keys too: each member's row is its own
                    values.append(user)
                elif "REAL" in kind.upper():
                    values.append(1.0)
                else:
                    values.append(f"{user}")
            marks = ",".join("?" * len(names))
            try:
                await db.write(f"INSERT INTO {table} ({','.join(names)}) VALUES ({marks})", values)
            except sqlite3.IntegrityError as exc:  # a summary row the answer's trigger wrote
                assert "UNIQUE" in str(exc), f"{table}: {exc}"
    await privacy.forget_member(db, GUILD, USER)
    for table, member_columns in privacy.MEMBER_COLUMNS.items():
        for column in member_columns:
            left = await db.fetchval(
                f"SELECT count(*) FROM {table} WHERE {column} = ?", (USER,), default=0
            )
            assert left == 0, f"{table}.{column} keeps the forgotten member"
    kept = await db.fetchval("SELECT count(*) FROM answers WHERE user_id = ?", (OTHER,))
    assert kept == 1  # the other member's records stay
    duel = await db.fetchone(
        "SELECT challenger_id, winner_id FROM duels WHERE duel_id = ?", (USER,)
    )
    assert duel is not None
    assert tuple(duel) == (privacy.FORMER_MEMBER, privacy.FORMER_MEMBER)
