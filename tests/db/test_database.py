from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from db.database import LATEST_VERSION, Database, SchemaTooNewError, split_sql


async def test_fresh_migration_creates_schema_and_sets_version(tmp_path: Path) -> None:
    async with Database(tmp_path / "q.db") as db:
        applied = await db.migrate()
        assert applied[0] == "0001_initial.sql"
        assert await db.user_version() == LATEST_VERSION
        tables = {r[0] for r in await db.fetchall("SELECT name FROM sqlite_master")}
        assert {"guilds", "guild_settings", "answers"} <= tables
        assert await db.fetchval("PRAGMA journal_mode") == "wal"
        assert await db.fetchval("PRAGMA foreign_keys") == 1


async def test_second_migration_is_a_no_op(tmp_path: Path) -> None:
    async with Database(tmp_path / "q.db") as db:
        await db.migrate()
    async with Database(tmp_path / "q.db") as db:
        assert await db.migrate() == []
        assert await db.user_version() == LATEST_VERSION


async def test_database_newer_than_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    async with Database(path) as db:
        with pytest.raises(SchemaTooNewError, match="upgrade quizbot"):
            await db.migrate()
        assert await db.user_version() == LATEST_VERSION + 1  # untouched


async def test_failed_transaction_rolls_back(tmp_path: Path) -> None:
    async with Database(tmp_path / "q.db") as db:
        await db.migrate()
        with pytest.raises(sqlite3.IntegrityError):
            async with db.transaction() as tx:
                await tx.execute(
                    "INSERT INTO guilds (guild_id, name, joined_at) VALUES (1, 'a', 0)"
                )
                await tx.execute(
                    "INSERT INTO guilds (guild_id, name, joined_at) VALUES (1, 'b', 0)"
                )
        assert await db.fetchval("SELECT count(*) FROM guilds") == 0


async def test_backup_round_trip(tmp_path: Path) -> None:
    async with Database(tmp_path / "q.db") as db:
        await db.migrate()
        await db.write("INSERT INTO guilds (guild_id, name, joined_at) VALUES (7, 'Study', 1)")
        target = await db.backup(tmp_path / "backups" / "copy.db")
    async with Database(target) as copy:
        assert await copy.user_version() == LATEST_VERSION
        assert await copy.fetchval("SELECT name FROM guilds WHERE guild_id = 7") == "Study"


async def test_backup_refuses_to_overwrite_itself(tmp_path: Path) -> None:
    async with Database(tmp_path / "q.db") as db:
        with pytest.raises(Exception, match="another file"):
            await db.backup(tmp_path / "q.db")


async def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    path.write_text("this is not sqlite " * 100)
    with pytest.raises(Exception, match="not a usable SQLite database"):
        async with Database(path):
            pass


def test_split_sql_keeps_strings_and_comments() -> None:
    script = "-- a comment; with a semicolon\nCREATE TABLE t (x TEXT DEFAULT 'a;b');\n\nSELECT 1;\n"
    assert split_sql(script) == [
        "-- a comment; with a semicolon\nCREATE TABLE t (x TEXT DEFAULT 'a;b');",
        "SELECT 1;",
    ]


async def test_concurrent_reads_of_one_row_share_a_single_read(tmp_path: Path) -> None:
    async with Database(tmp_path / "q.db") as db:
        await db.migrate()
        reads = 0

        async def read_version() -> int:
            nonlocal reads
            reads += 1
            return int(await db.fetchval("PRAGMA user_version"))

        results = await asyncio.gather(*(db.shared_read("v", read_version) for _ in range(50)))
        assert results == [LATEST_VERSION] * 50
        assert reads == 1
        # Nothing is kept once the read is over: the next caller reads afresh.
        assert await db.shared_read("v", read_version) == LATEST_VERSION
        assert reads == 2


async def test_a_shared_read_outlives_a_waiter_that_stops_waiting(tmp_path: Path) -> None:
    async with Database(tmp_path / "q.db") as db:
        await db.migrate()
        started = asyncio.Event()
        go_on = asyncio.Event()

        async def slow_read() -> int:
            started.set()
            await go_on.wait()
            return int(await db.fetchval("PRAGMA user_version"))

        quitter = asyncio.create_task(db.shared_read("v", slow_read))
        stayer = asyncio.create_task(db.shared_read("v", slow_read))
        await started.wait()
        quitter.cancel()  # one member's interaction is gone while the read runs
        with pytest.raises(asyncio.CancelledError):
            await quitter
        go_on.set()
        assert await stayer == LATEST_VERSION
