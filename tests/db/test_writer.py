"""The one writer: concurrent writes committed together, each failing alone, on a real file."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from db.database import Database
from db.writer import GroupAbandoned

SCHEMA = "CREATE TABLE notes (note_id INTEGER PRIMARY KEY, author TEXT NOT NULL, body BLOB)"


def committed_authors(path: Path) -> list[str]:
    """What another process reading the file would see: only committed rows."""
    with sqlite3.connect(path) as other:
        return [r[0] for r in other.execute("SELECT author FROM notes ORDER BY note_id")]


async def test_concurrent_writers_are_committed_together_and_each_sees_its_own_commit(
    tmp_path: Path,
) -> None:
    path = tmp_path / "q.db"
    async with Database(path) as db:
        await db.write(SCHEMA)
        groups_before = db.writer.groups
        seen_after_return: dict[str, bool] = {}

        async def one_statement(n: int) -> None:
            await db.write_one("INSERT INTO notes (author) VALUES (?)", (f"statement-{n}",))
            seen_after_return[f"statement-{n}"] = f"statement-{n}" in committed_authors(path)

        async def block_with_a_read(n: int) -> None:
            async with db.transaction() as tx:
                before = await tx.fetchone("SELECT count(*) FROM notes WHERE author = ?", ("x",))
                assert before is not None
                await tx.insert("INSERT INTO notes (author) VALUES (?)", (f"block-{n}",))
            seen_after_return[f"block-{n}"] = f"block-{n}" in committed_authors(path)

        await asyncio.gather(
            *(one_statement(n) for n in range(150)), *(block_with_a_read(n) for n in range(50))
        )
        commits = db.writer.groups - groups_before
    authors = committed_authors(path)
    assert len(authors) == 200 and len(set(authors)) == 200
    # Every caller, the moment it was resumed, could already read its row from another
    # connection: it was answered after its commit, not before.
    assert len(seen_after_return) == 200 and all(seen_after_return.values())
    assert commits < 20, f"200 queued writes took {commits} commits"


async def test_one_failing_statement_fails_only_its_caller(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    async with Database(path) as db:
        await db.write(SCHEMA)
        await db.write("INSERT INTO notes (note_id, author) VALUES (1, 'first')")

        async def add(n: int) -> str:
            await db.write_batch(
                [
                    ("INSERT INTO notes (author) VALUES (?)", (f"a{n}",)),
                    ("INSERT INTO notes (author) VALUES (?)", (f"b{n}",)),
                ]
            )
            return "ok"

        async def clash() -> str:
            # Its first statement succeeds, its second breaks the key: neither may be kept.
            await db.write_batch(
                [
                    ("INSERT INTO notes (author) VALUES ('clash-kept?')", ()),
                    ("INSERT INTO notes (note_id, author) VALUES (1, 'clash')", ()),
                ]
            )
            return "ok"

        async def failing_block() -> str:
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO notes (author) VALUES ('block-kept?')")
                raise ValueError("the block changed its mind")
            return "ok"  # pragma: no cover

        results = await asyncio.gather(
            *(add(n) for n in range(20)),
            clash(),
            failing_block(),
            *(add(n) for n in range(20, 40)),
            return_exceptions=True,
        )
    errors = [r for r in results if r != "ok"]
    assert len(errors) == 2
    assert isinstance(results[20], sqlite3.IntegrityError)
    assert isinstance(results[21], ValueError)
    authors = committed_authors(path)
    assert "clash-kept?" not in authors and "block-kept?" not in authors
    assert len(authors) == 1 + 80


async def test_a_full_database_fails_the_write_that_does_not_fit_and_keeps_the_rest(
    tmp_path: Path,
) -> None:
    path = tmp_path / "q.db"
    async with Database(path) as db:
        await db.write(SCHEMA)
        pages = await db.fetchval("PRAGMA page_count")
        # A disk with room for a few pages more: small notes fit, a 200 kB one cannot.
        await db.conn.execute(f"PRAGMA max_page_count = {int(pages) + 4}")

        async def small(n: int) -> None:
            await db.write_one("INSERT INTO notes (author) VALUES (?)", (f"small-{n}",))

        async def big() -> None:
            await db.write_one(
                "INSERT INTO notes (author, body) VALUES ('big', ?)", (b"x" * 200_000,)
            )

        results = await asyncio.gather(
            *(small(n) for n in range(5)), big(), *(small(n) for n in range(5, 10)),
            return_exceptions=True,
        )  # fmt: skip
        assert [type(r) for r in results].count(sqlite3.OperationalError) == 1
        failure = results[5]
        assert isinstance(failure, sqlite3.OperationalError)
        assert "full" in str(failure)
        # The bot goes on writing after the failure.
        await db.write_one("INSERT INTO notes (author) VALUES ('after')")
    authors = committed_authors(path)
    assert "big" not in authors
    assert sorted(authors) == sorted([f"small-{n}" for n in range(10)] + ["after"])


async def test_a_commit_that_cannot_be_made_is_reported_to_every_caller_and_writes_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "q.db"
    async with Database(path) as db:
        await db.write(SCHEMA)
        # A read-only database: every write of the group fails, with SQLite's own reason.
        await db.conn.execute("PRAGMA query_only = 1")
        results = await asyncio.gather(
            *(db.write_one("INSERT INTO notes (author) VALUES (?)", (f"n{n}",)) for n in range(5)),
            return_exceptions=True,
        )
        assert all(isinstance(r, sqlite3.OperationalError) for r in results), results
        assert all("readonly" in str(r) or "read-only" in str(r) for r in results), results
        with pytest.raises(sqlite3.OperationalError, match=r"readonly|read-only"):
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO notes (author) VALUES ('block')")
        await db.conn.execute("PRAGMA query_only = 0")
        await db.write_one("INSERT INTO notes (author) VALUES ('writable again')")
    assert committed_authors(path) == ["writable again"]


async def test_on_commit_callbacks_run_once_committed_and_never_after_a_rollback(
    tmp_path: Path,
) -> None:
    async with Database(tmp_path / "q.db") as db:
        await db.write(SCHEMA)
        heard: list[str] = []
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO notes (author) VALUES ('kept')")
            tx.on_commit(lambda: heard.append("kept"))
            assert heard == []
        with pytest.raises(RuntimeError):
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO notes (author) VALUES ('undone')")
                tx.on_commit(lambda: heard.append("undone"))
                raise RuntimeError("no")
        assert heard == ["kept"]


async def test_close_finishes_the_writes_already_queued(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    db = Database(path)
    await db.connect()
    await db.write(SCHEMA)
    writes = [
        asyncio.create_task(db.write_one("INSERT INTO notes (author) VALUES (?)", (f"n{n}",)))
        for n in range(30)
    ]
    await asyncio.sleep(0)  # queued, not yet committed
    await db.close()
    assert all(w.done() and w.exception() is None for w in writes)
    assert len(committed_authors(path)) == 30


async def test_a_computed_write_reads_and_writes_atomically_and_fails_alone(
    tmp_path: Path,
) -> None:
    path = tmp_path / "q.db"
    async with Database(path) as db:
        await db.write(SCHEMA)
        await db.write("INSERT INTO notes (note_id, author, body) VALUES (1, 'counter', 0)")

        def add_one(conn: sqlite3.Connection) -> int:
            (count,) = conn.execute("SELECT body FROM notes WHERE note_id = 1").fetchone()
            conn.execute("UPDATE notes SET body = ? WHERE note_id = 1", (count + 1,))
            return int(count) + 1

        def fails(conn: sqlite3.Connection) -> int:
            conn.execute("UPDATE notes SET body = -100 WHERE note_id = 1")
            raise ValueError("no")

        groups_before = db.writer.groups
        results = await asyncio.gather(
            *(db.write_computed(add_one) for _ in range(50)),
            db.write_computed(fails),
            db.write_one("INSERT INTO notes (author) VALUES ('beside')"),
            return_exceptions=True,
        )
        commits = db.writer.groups - groups_before
    # No two read-modify-writes started from the same value, none was lost, and the failing
    # one's update was rolled back while the writes around it were kept.
    assert sorted(r for r in results[:50] if isinstance(r, int)) == list(range(1, 51))
    assert isinstance(results[50], ValueError)
    with sqlite3.connect(path) as other:
        assert other.execute("SELECT body FROM notes WHERE note_id = 1").fetchone() == (50,)
    assert committed_authors(path) == ["counter", "beside"]
    assert commits < 10, f"52 queued writes took {commits} commits"


async def test_writes_joined_to_a_host_commit_in_its_job_or_not_at_all(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    async with Database(path) as db:
        await db.write(SCHEMA)
        await db.write("INSERT INTO notes (note_id, author) VALUES (1, 'taken')")

        def note(author: str) -> Callable[[sqlite3.Connection], str]:
            def write(conn: sqlite3.Connection) -> str:
                conn.execute("INSERT INTO notes (author) VALUES (?)", (author,))
                return author

            return write

        def broken(conn: sqlite3.Connection) -> str:
            conn.execute("INSERT INTO notes (author) VALUES ('half-written')")
            raise ValueError("broken")

        async def listener(write: Callable[[sqlite3.Connection], str]) -> str:
            return await db.write_computed(write)

        # A listener started inside joining() joins the host's job: one job, one group.
        with db.joining() as unit:
            card = asyncio.ensure_future(listener(note("card")))
            failing = asyncio.ensure_future(listener(broken))
        await asyncio.sleep(0)
        jobs_before = db.writer.jobs
        assert await db.write_one_joined(unit, "INSERT INTO notes (author) VALUES ('answer')") == 1
        assert db.writer.jobs - jobs_before == 1
        assert await card == "card"
        with pytest.raises(ValueError, match="broken"):
            await failing  # undone alone: the answer and the card stay
        assert committed_authors(path) == ["taken", "answer", "card"]

        # The host refused (a second answer): what joined it is not written, its caller stops.
        with db.joining() as unit:
            refused = asyncio.ensure_future(listener(note("second card")))
        await asyncio.sleep(0)
        with pytest.raises(sqlite3.IntegrityError):
            await db.write_one_joined(
                unit, "INSERT INTO notes (note_id, author) VALUES (1, 'duplicate')"
            )
        with pytest.raises(asyncio.CancelledError):
            await refused

        # A host that never wrote: close() stops the joined callers; a late one writes alone.
        with db.joining() as unit:
            orphan = asyncio.ensure_future(listener(note("orphan")))
            await asyncio.sleep(0)
            unit.close()
            assert await listener(note("late")) == "late"
        with pytest.raises(asyncio.CancelledError):
            await orphan
    assert committed_authors(path) == ["taken", "answer", "card", "late"]


def test_group_abandoned_is_an_operational_error() -> None:
    # Callers that retry on OperationalError (bot/retry.py) treat an undone group the same way.
    assert issubclass(GroupAbandoned, sqlite3.OperationalError)


async def test_a_caller_that_stops_waiting_still_has_its_write_committed(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    async with Database(path) as db:
        await db.write(SCHEMA)
        # The writer is held by a block, so the next write is queued, not yet run.
        release = asyncio.Event()

        async def holding_block() -> None:
            async with db.transaction() as tx:
                await tx.insert("INSERT INTO notes (author) VALUES ('block')")
                await release.wait()

        holder = asyncio.create_task(holding_block())
        for _ in range(1000):
            if db.writer.depth == 0 and db.in_flight:
                break
            await asyncio.sleep(0)
        waiter = asyncio.create_task(db.write_one("INSERT INTO notes (author) VALUES ('gave up')"))
        for _ in range(1000):
            if db.writer.depth == 1:
                break
            await asyncio.sleep(0)
        assert db.writer.depth == 1
        waiter.cancel()  # its interaction expired, say: the caller stops waiting
        with pytest.raises(asyncio.CancelledError):
            await waiter
        release.set()
        await holder
        await db.write_one("INSERT INTO notes (author) VALUES ('later')")
    assert committed_authors(path) == ["block", "gave up", "later"]
