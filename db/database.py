"""The one SQLite connection of the bot: opening, migrations, transactions and backups.

Every write goes through the one writer task (db/writer.py): :meth:`Database.transaction`,
:meth:`Database.write`, :meth:`Database.write_one` and :meth:`Database.write_batch` queue a
job, the writer commits everything queued in one transaction (each job in its own savepoint,
so a failing one fails alone), and each caller resumes after that commit. Reads go straight to
the connection; in WAL mode they never wait for the writer.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import sqlite3
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Hashable,
    Iterable,
    Iterator,
    Sequence,
)
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from db.cache import Caches
from db.writer import (
    BodyJob,
    ExclusiveJob,
    Failed,
    Statement,
    StatementJob,
    Writer,
    WriteUnit,
)

log = logging.getLogger(__name__)

Params = Sequence[Any] | dict[str, Any]
T = TypeVar("T")
# The unit computed writes join (Database.joining); tasks started inside the block inherit it.
_JOINING: ContextVar[WriteUnit | None] = ContextVar("quizbot_joining", default=None)
MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class DatabaseError(RuntimeError):
    """A database problem worth one clear line to the person running the bot."""


class SchemaTooNewError(DatabaseError):
    pass


def migration_files() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) of every shipped migration, in order."""
    found = []
    for entry in resources.files("db.migrations").iterdir():
        match = MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [version for version, _, _ in found]
    if versions != list(range(1, len(versions) + 1)):
        raise DatabaseError(f"migrations must be numbered 0001, 0002, ... without gaps: {versions}")
    return found


LATEST_VERSION = len(migration_files())


class Transaction:
    """The statements of one transaction; obtained from :meth:`Database.transaction`."""

    def __init__(self, conn: aiosqlite.Connection, database: Database) -> None:
        self._conn = conn
        self.database = database
        self._on_commit: list[Callable[[], None]] = []

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once this transaction has committed (never if it rolls back):
        where a cache learns what was written, so it never holds what was undone."""
        self._on_commit.append(callback)

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns the number of rows it changed."""
        cursor = await self._conn.execute(sql, params)
        return cursor.rowcount

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT; returns the new row's id."""
        row = await self._conn.execute_insert(sql, params)
        return int(row[0]) if row else 0

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._conn.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        # One trip to the database thread (a cursor would cost three: run, fetch, close).
        return list(await self._conn.execute_fetchall(sql, params))


class Database:
    """One long-lived aiosqlite connection; use ``async with Database(path) as db``."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._conn: aiosqlite.Connection | None = None
        self._writer: Writer | None = None
        # Operations under way, so shutdown (and the offline harness) can wait for them.
        self.in_flight = 0
        # Bounded caches of hot rows, each declared and kept current by the query module that
        # owns those rows (see db/cache.py), so hot paths skip a round trip.
        self.caches = Caches()
        self._reads_in_flight: dict[Hashable, list[asyncio.Future[Any]]] = {}

    async def __aenter__(self) -> Database:
        await self.connect()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise DatabaseError("the database is not open")
        return self._conn

    async def connect(self) -> None:
        if self.path != Path(":memory:"):
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = await aiosqlite.connect(self.path, isolation_level=None)
        except sqlite3.Error as exc:
            raise DatabaseError(f"cannot open database {self.path}: {exc}") from exc
        conn.row_factory = sqlite3.Row
        self._conn = conn
        try:
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA busy_timeout = 5000")
            await conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as exc:
            await self.close()
            raise DatabaseError(f"{self.path} is not a usable SQLite database: {exc}") from exc
        self._writer = Writer(conn)

    async def close(self) -> None:
        if self._conn is None:
            return
        if self._writer is not None:  # let the writes queued and under way finish first
            writer, self._writer = self._writer, None
            await writer.close()
        conn, self._conn = self._conn, None
        await conn.close()

    @property
    def writer(self) -> Writer:
        if self._writer is None:
            raise DatabaseError("the database is not open")
        return self._writer

    @property
    def write_queue_depth(self) -> int:
        """Writes waiting for the writer: how far behind the database is at this moment."""
        return self._writer.depth if self._writer is not None else 0

    # -- schema -------------------------------------------------------------------------------

    async def user_version(self) -> int:
        row = await self.fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def migrate(self) -> list[str]:
        """Apply the migrations this database lacks, all in one transaction.

        Returns the names of the files applied (empty when the schema was current). A database
        written by a newer quizbot is refused rather than guessed at.
        """
        current = await self.user_version()
        if current > LATEST_VERSION:
            raise SchemaTooNewError(
                f"{self.path} has schema version {current}, but this quizbot only knows up to "
                f"{LATEST_VERSION}: upgrade quizbot (or restore a backup) before starting it"
            )
        pending = [m for m in migration_files() if m[0] > current]
        if not pending:
            return []
        async with self.transaction() as tx:
            for version, name, sql in pending:
                log.info("Applying migration %s", name)
                for statement in split_sql(sql):
                    await tx.execute(statement)
                # PRAGMA takes no bound parameters; the version is an int we computed.
                await tx.execute(f"PRAGMA user_version = {int(version)}")
        return [name for _, name, _ in pending]

    # -- reads and writes --------------------------------------------------------------------

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        self.in_flight += 1
        try:
            # One trip to the database thread (a cursor would cost three: run, fetch, close).
            return list(await self.conn.execute_fetchall(sql, params))
        finally:
            self.in_flight -= 1

    async def shared_read(self, key: Hashable, read: Callable[[], Awaitable[T]]) -> T:
        """``await read()``, shared: callers asking for the same ``key`` while a read of it is
        under way wait for that read instead of starting their own. A burst of a thousand
        answers to one post reads the post row once, not a thousand times. Nothing is kept
        after the read ends (the query modules own their caches)."""
        waiters = self._reads_in_flight.get(key)
        if waiters is None:
            waiters = self._reads_in_flight[key] = []
            asyncio.ensure_future(read()).add_done_callback(
                functools.partial(self._shared_read_done, key)
            )
        # Each waiter has a future of its own, so one cancelled (its interaction gone) does not
        # cancel the read for the others; one callback answers them all when the read ends
        # (cheaper than a shield per waiter, which costs a burst two loop turns an answer).
        waiter: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        waiters.append(waiter)
        return await waiter

    def _shared_read_done(self, key: Hashable, read: asyncio.Future[Any]) -> None:
        waiters = self._reads_in_flight.pop(key, [])
        error = None if read.cancelled() else read.exception()
        for waiter in waiters:
            if waiter.done():  # its caller stopped waiting
                continue
            if read.cancelled():
                waiter.cancel()
            elif error is not None:
                waiter.set_exception(error)
            else:
                waiter.set_result(read.result())

    async def fetchval(self, sql: str, params: Params = (), default: Any = None) -> Any:
        row = await self.fetchone(sql, params)
        return default if row is None or row[0] is None else row[0]

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """A block of statements committed together, or not at all if the block raises.

        The block runs when the writer reaches it, inside the writer's group transaction (its
        own savepoint), and the ``async with`` ends after the group's COMMIT: whoever leaves
        the block knows its writes are durable. Keep blocks short; every write waits for them.
        """
        self.in_flight += 1
        try:
            job = BodyJob(asyncio.get_running_loop())
            self.writer.submit(job)
            try:
                await job.turn
            except asyncio.CancelledError:
                if job.turn.done() and not job.turn.cancelled():
                    job.finished.set_result(asyncio.CancelledError())  # our turn came anyway
                raise
            tx = Transaction(self.conn, self)
            tx._on_commit = job.callbacks
            try:
                yield tx
            except BaseException as exc:
                job.finished.set_result(exc)
                # Wait for the rollback, so the caller never reads what its block undid.
                await asyncio.wait([job.done])
                raise
            job.finished.set_result(None)
            await job.done  # raises if the group could not be committed
        finally:
            self.in_flight -= 1

    async def write_batch(self, statements: Sequence[tuple[str, Params]]) -> list[int]:
        """Several statements, atomic together, run in one trip to the database thread;
        returns the rows each changed. Cheaper than :meth:`transaction` when no statement
        depends on reading what an earlier one wrote."""
        return [int(n) for n in await self._submit([("execute", sql, p) for sql, p in statements])]

    async def write_one(self, sql: str, params: Params = ()) -> int:
        """One statement, atomic on its own; returns the rows changed."""
        return int((await self._submit([("execute", sql, params)]))[0])

    async def write(self, sql: str, params: Params = ()) -> int:
        """One statement in its own transaction; returns the number of rows changed."""
        return await self.write_one(sql, params)

    async def write_computed(self, compute: Callable[[sqlite3.Connection], T]) -> T:
        """``compute(connection)`` run in the database thread as one write job: it may read,
        decide and write, atomically (its own savepoint in the writer's group transaction),
        in a single trip. Keep it short and pure: it holds every other write while it runs,
        and must not touch the event loop. Its exception fails this job alone.

        Inside :meth:`joining` (or a task started there) it joins that unit's host write
        instead: the same job, kept or refused with it."""
        unit = _JOINING.get()
        if unit is not None and unit.open:
            future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
            unit.joined.append((compute, future))
            return await future
        result: T = (await self._submit([("call", compute, None)]))[0]
        return result

    @contextmanager
    def joining(self) -> Iterator[WriteUnit]:
        """A unit that computed writes made in this block, and in the tasks it starts (event
        listeners), join until :meth:`write_one_joined` writes them with their host statement,
        in one job: an answer and the review card it causes commit together or not at all.
        The caller must end with ``write_one_joined`` or ``unit.close()``."""
        unit = WriteUnit()
        token = _JOINING.set(unit)
        try:
            yield unit
        finally:
            _JOINING.reset(token)

    async def write_one_joined(self, unit: WriteUnit, sql: str, params: Params = ()) -> int:
        """``write_one`` with the writes that joined ``unit``, in the same job. If this
        statement fails, nothing joined is kept (their callers are cancelled); a joined write
        that fails is undone alone and its caller gets its error. Returns the rows changed."""
        return int(await self._write_joined(unit, ("execute", sql, params)))

    async def write_computed_joined(
        self, unit: WriteUnit, compute: Callable[[sqlite3.Connection], T]
    ) -> T:
        """:meth:`write_computed` as the host of ``unit``: ``compute`` and the writes that
        joined, in one job, as :meth:`write_one_joined` does with a statement. Returns what
        ``compute`` returns."""
        result: T = await self._write_joined(unit, ("call", compute, None))
        return result

    async def _write_joined(self, unit: WriteUnit, host: Statement) -> Any:
        joined, unit.joined = unit.joined, []
        unit.close()
        statements: list[Statement] = [host]
        statements += [("guarded", compute, None) for compute, _ in joined]
        try:
            values = await self._submit(statements)
        except BaseException:
            for _, future in joined:
                future.cancel()
            raise
        for (_, future), value in zip(joined, values[1:], strict=True):
            if future.done():  # its caller stopped waiting
                continue
            if isinstance(value, Failed):
                future.set_exception(value.error)
            else:
                future.set_result(value)
        return values[0]

    async def insert_one(self, sql: str, params: Params = ()) -> int:
        """One INSERT, atomic on its own; returns the new row's id."""
        return int((await self._submit([("insert", sql, params)]))[0] or 0)

    async def _submit(self, statements: list[Statement]) -> list[Any]:
        self.in_flight += 1
        try:
            job = StatementJob(asyncio.get_running_loop(), statements)
            self.writer.submit(job)
            # A caller cancelled after queueing cannot pull its statements out: the writer runs
            # them all the same (and again, should someone else's failure undo them), and the
            # caller just stops waiting. Its cancellation only cancels ``job.done``, which the
            # writer then leaves alone; no shield needed, which spares two loop turns a write.
            results: list[Any] = await job.done
            return results
        finally:
            self.in_flight -= 1

    @asynccontextmanager
    async def _exclusive(self) -> AsyncIterator[aiosqlite.Connection]:
        """The connection between two groups, with no transaction open (for backups)."""
        job = ExclusiveJob(asyncio.get_running_loop())
        self.writer.submit(job)
        await job.turn
        try:
            yield self.conn
        finally:
            job.finished.set_result(None)

    async def backup(self, destination: Path | str) -> Path:
        """Copy the live database to ``destination`` with SQLite's online backup API."""
        destination = Path(destination)
        destination.parent.mkdir(parents=True, exist_ok=True)
        if destination.resolve() == self.path.resolve():
            raise DatabaseError("the backup must go to another file than the database itself")
        async with self._exclusive():  # a consistent copy: no transaction half-written
            target = await aiosqlite.connect(destination)
            try:
                await self.conn.backup(target)
            finally:
                await target.close()
        return destination

    @staticmethod
    async def backup_file(source: Path | str, destination: Path | str) -> Path:
        """Copy the database file ``source`` to ``destination`` without changing the source.

        Unlike opening a :class:`Database`, this never creates, migrates or switches the journal
        mode of the source: it is read through a read-only connection, so a database of any
        schema version (a newer quizbot's too) can be copied, and a live bot's uncommitted
        work stays out of the copy. The copy is written beside the destination and renamed over
        it at the end, so a failure leaves no half-written backup. Returns the file written
        (inside ``destination`` when that is a folder).
        """
        source, destination = Path(source), Path(destination)
        if not source.is_file():
            raise DatabaseError(f"no database at {source}: nothing to back up, nothing written")
        if destination.is_dir():
            destination = destination / source.name
        if destination.resolve() == source.resolve():
            raise DatabaseError("the backup must go to another file than the database itself")
        await asyncio.to_thread(_copy_read_only, source, destination)
        return destination


def _copy_read_only(source: Path, destination: Path) -> None:
    with source.open("rb") as file:
        header = file.read(100)
    # A WAL database with no -wal file has no connection open and nothing outside the main
    # file: read it as immutable, because a read-only open would create -wal and -shm files
    # next to it. Otherwise (a live bot's WAL, or the rollback journal) read-only is enough.
    wal_mode = len(header) == 100 and header[18] == 2
    idle = wal_mode and not source.with_name(source.name + "-wal").exists()
    uri = f"{source.resolve().as_uri()}?mode=ro{'&immutable=1' if idle else ''}"
    partial = destination.with_name(destination.name + ".partial")
    try:
        reader = sqlite3.connect(uri, uri=True)
        try:
            reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
            destination.parent.mkdir(parents=True, exist_ok=True)
            partial.unlink(missing_ok=True)
            writer = sqlite3.connect(partial)
            try:
                reader.backup(writer)
                # One self-contained file: the copy keeps no -wal beside it.
                writer.execute("PRAGMA journal_mode = DELETE")
            finally:
                writer.close()
        finally:
            reader.close()
        partial.replace(destination)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise DatabaseError(f"cannot back up {source}: {exc}; nothing written") from exc


def split_sql(script: str) -> list[str]:
    """Split a migration into statements, so they all run inside our one transaction.

    ``executescript`` would commit first; instead we cut at semicolons that end a complete
    statement, as judged by :func:`sqlite3.complete_statement` (which knows about strings,
    comments and ``BEGIN ... END`` trigger bodies).
    """
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statement = buffer.strip()
            if statement.strip(";").strip():
                statements.append(statement)
            buffer = ""
    if buffer.strip() and not all(
        part.strip().startswith("--") or not part.strip() for part in buffer.splitlines()
    ):
        raise DatabaseError(f"incomplete SQL statement at the end of a migration: {buffer[:80]!r}")
    return statements
