"""The one writer task: queued writes committed together in one transaction (group commit).

Every write of the bot is a job on one queue. The writer task takes the first job, opens
``BEGIN IMMEDIATE``, and runs that job and every job queued behind it, each inside its own
``SAVEPOINT``: a job that fails rolls back to its savepoint and fails alone, the others carry
on. When the queue is empty (or the group is large enough) one ``COMMIT`` makes the whole
group durable, and only then is each caller resumed. One commit (and one WAL sync) per group
instead of one per answer is SQLite's own advice for write throughput.

Two kinds of job. A *statement job* is a fixed list of statements: a run of them is executed in
one trip to aiosqlite's thread, together with the BEGIN and, when nothing else waits, the
COMMIT. A *body job* is the block of ``async with db.transaction() as tx``: the caller's own
code, which may await reads between its writes. The writer opens the caller's savepoint, hands
the connection over, and waits for the block to end before it takes the next job.

If SQLite itself abandons the transaction (a full disk can do that), everything the group wrote
is gone: every caller of the group is told so with the error, and nothing is half-written.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import sqlite3
import time
from collections.abc import Callable, Sequence
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

SAVEPOINT = "quizbot_writer"
# A group this big is committed even if more jobs wait: the first caller of a group waits for
# the last one's work, so a never-empty queue must not postpone everybody's commit forever.
MAX_GROUP_JOBS = 500
MAX_GROUP_SECONDS = 0.05

# (kind, sql, params): kind is "execute" (returns rows changed), "insert" (returns the new
# rowid), "many" (executemany: params is an iterable of parameter sets; returns None),
# "call" (sql is a function of the sqlite3 connection, run in the database thread: a
# read-modify-write in the job's own savepoint; returns what the function returns) or
# "guarded" (a "call" in a savepoint of its own inside the job: if it raises, only its writes
# are undone and its result is a Failed holding the error; the job's other statements stay).
Statement = tuple[str, Any, Any]
GUARD = "quizbot_guarded"


class Failed:
    """The result of a "guarded" statement that raised."""

    __slots__ = ("error",)

    def __init__(self, error: Exception) -> None:
        self.error = error


class WriteUnit:
    """Computed writes waiting to join another write's job (see Database.joining)."""

    __slots__ = ("joined", "open")

    def __init__(self) -> None:
        self.open = True
        self.joined: list[tuple[Callable[[sqlite3.Connection], Any], asyncio.Future[Any]]] = []

    def close(self) -> None:
        """No more joiners; any left unwritten are cancelled (their host never wrote)."""
        self.open = False
        for _, future in self.joined:
            future.cancel()
        self.joined = []


_GAVE_UP = object()  # the outcome of a job whose caller was cancelled before its turn
_NOT_RUN = object()  # the outcome of a job not reached before the group was abandoned


class GroupAbandoned(sqlite3.OperationalError):
    """SQLite rolled back the whole group transaction: this caller's write was undone too."""


class _Job:
    __slots__ = ("callbacks", "done")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        # Resolved after the group's COMMIT: the job's results, or its error.
        self.done: asyncio.Future[Any] = loop.create_future()
        self.callbacks: list[Callable[[], None]] = []


class StatementJob(_Job):
    __slots__ = ("retried", "statements")

    def __init__(self, loop: asyncio.AbstractEventLoop, statements: Sequence[Statement]) -> None:
        super().__init__(loop)
        self.statements = list(statements)
        self.retried = False  # re-run once after a group undone by someone else's failure


class BodyJob(_Job):
    """A caller's ``async with`` block: ``turn`` says its savepoint is open, ``finished`` is set
    by the caller when its block ends (None, or the exception it raised)."""

    __slots__ = ("finished", "turn")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(loop)
        self.turn: asyncio.Future[None] = loop.create_future()
        self.finished: asyncio.Future[BaseException | None] = loop.create_future()


class ExclusiveJob(BodyJob):
    """The connection with no transaction open (backups): run between groups, never in one."""


class Writer:
    """Owns every write on one aiosqlite connection; see the module docstring."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self._queue: collections.deque[_Job] = collections.deque()
        self._wake = asyncio.Event()
        self._closing = False
        self._task = asyncio.get_running_loop().create_task(self._run(), name="db-writer")
        self.groups = 0  # commits made, for benchmarks and tests (jobs per group)
        self.jobs = 0
        # Real seconds per statement job in the database thread (recent runs, smoothed), and
        # when the running group began: what expected_wait estimates with.
        self.seconds_per_job = 0.0
        self._group_started: float | None = None

    @property
    def depth(self) -> int:
        """Jobs waiting for the writer: how far behind the database is right now."""
        return len(self._queue)

    @property
    def expected_wait(self) -> float:
        """Seconds a job queued now may wait before it is committed: the jobs ahead of it at
        the recent speed, plus how long the group being written has taken so far (a stalled
        disk shows there before any group ends)."""
        running = 0.0
        if self._group_started is not None:
            running = time.perf_counter() - self._group_started
        return len(self._queue) * self.seconds_per_job + running

    def submit(self, job: _Job) -> None:
        if self._closing:
            raise RuntimeError("the database is closing: no more writes")
        self._queue.append(job)
        self._wake.set()

    async def close(self) -> None:
        """Finish every queued job, then stop the task."""
        self._closing = True
        self._wake.set()
        await self._task

    # -- the task -----------------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            if not self._queue:
                if self._closing:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            job = self._queue.popleft()
            if isinstance(job, ExclusiveJob):
                await self._hand_over(job, transaction=False)
            else:
                await self._group(job)

    async def _group(self, first: _Job) -> None:
        group: list[_Job] = []
        outcomes: dict[_Job, Any] = {}
        abandoned: BaseException | None = None
        self._group_started = time.perf_counter()
        try:
            abandoned = await self._run_group(first, group, outcomes)
        except Exception as exc:  # the connection itself failed (closed under us ...)
            log.exception("The database writer lost a group of %d writes", len(group))
            abandoned = exc
            if self._conn._conn.in_transaction:
                await self._conn._execute(self._conn._conn.rollback)
        finally:
            self._group_started = None
        self.groups += 1
        self.jobs += len(group)
        self._finish(group, outcomes, abandoned)

    async def _run_group(
        self, first: _Job, group: list[_Job], outcomes: dict[_Job, Any]
    ) -> BaseException | None:
        """Run one group; returns the error that undid it all, or None once committed."""
        raw = self._conn._conn  # the sqlite3 connection, used only inside aiosqlite's thread
        begun = False
        started = time.monotonic()
        batch: list[StatementJob] = []
        job: _Job | None = first
        while job is not None:
            group.append(job)
            if isinstance(job, StatementJob):
                batch.append(job)
            nxt = self._next_in_group(len(group), started)
            if batch and (nxt is None or not isinstance(nxt, StatementJob)):
                # A run of fixed statements: one trip, with the COMMIT if nothing else follows.
                results, abandoned, committed, seconds = await self._conn._execute(
                    _timed_statements, raw, batch, not begun, nxt is None
                )
                self._note_speed(seconds, len(batch))
                begun = True  # (had BEGIN failed, committed would be True: we returned)
                outcomes.update(zip(batch, results, strict=True))
                batch = []
                if abandoned is not None or committed:
                    return abandoned
            elif isinstance(job, BodyJob):
                outcome, abandoned, opened = await self._hand_over(
                    job, transaction=True, begin=not begun
                )
                begun = begun or opened
                outcomes[job] = outcome
                if abandoned is not None:
                    return abandoned
            job = nxt
        if not begun:
            return None
        result: BaseException | None = await self._conn._execute(_commit, raw)
        return result

    def _note_speed(self, seconds: float, jobs: int) -> None:
        """Learn the writer's speed from a run of statement jobs, timed in the database thread
        (so a busy event loop, which delays the writer's resumption, does not count as a slow
        disk). Smoothed: one odd run moves the estimate, it does not own it."""
        per_job = seconds / jobs
        if self.seconds_per_job == 0.0:
            self.seconds_per_job = per_job
        else:
            self.seconds_per_job = 0.7 * self.seconds_per_job + 0.3 * per_job

    def _next_in_group(self, size: int, started: float) -> _Job | None:
        if not self._queue or isinstance(self._queue[0], ExclusiveJob):
            return None
        if size >= MAX_GROUP_JOBS or time.monotonic() - started > MAX_GROUP_SECONDS:
            return None
        return self._queue.popleft()

    async def _hand_over(
        self, job: BodyJob, *, transaction: bool, begin: bool = False
    ) -> tuple[Any, BaseException | None, bool]:
        """Open the caller's savepoint (or nothing, for an exclusive job), let its block run,
        then keep or undo what it wrote. Returns (its outcome, the error that undid the whole
        group if one did, whether a transaction was begun here)."""
        if job.turn.cancelled():  # the caller gave up while it waited in the queue
            return _GAVE_UP, None, False
        raw = self._conn._conn
        if transaction:
            try:
                await self._conn._execute(_open_savepoint, raw, begin)
            except sqlite3.Error as exc:
                # BEGIN IMMEDIATE itself failed (read-only file, locked ...): this job cannot run.
                job.turn.set_exception(exc)
                return exc, None, False
        job.turn.set_result(None)
        failure = await job.finished
        if not transaction:
            job.done.set_result(None)
            return None, None, False
        abandoned = await self._conn._execute(_close_savepoint, raw, failure is not None)
        return failure, abandoned, begin

    def _finish(
        self, group: list[_Job], outcomes: dict[_Job, Any], abandoned: BaseException | None
    ) -> None:
        retry: list[StatementJob] = []
        for job in group:
            outcome = outcomes.get(job, _NOT_RUN)
            undone_by_another = (
                abandoned is not None
                and isinstance(job, StatementJob)
                and not job.retried
                and outcome is not _GAVE_UP
                and not isinstance(outcome, BaseException)
            )
            # A statement job whose caller stopped waiting (its future cancelled) is still run
            # again when someone else's failure undid it: its statements are written anyway.
            if job.done.done() and not undone_by_another:
                continue
            if outcome is _GAVE_UP:
                job.done.cancel()
            elif isinstance(outcome, BaseException):
                # A body job's own exception was raised in its block already; the future only
                # tells it the block's writes were undone.
                job.done.set_exception(outcome)
                job.done.exception()  # its block may not read it: mark it read
            elif undone_by_another and isinstance(job, StatementJob):
                # Someone else's failure undid this job's writes: run it again, once, in a
                # group of its own kind, so one failing write still fails alone.
                job.retried = True
                retry.append(job)
            elif abandoned is not None:
                error = GroupAbandoned(f"{abandoned}; nothing of this write was kept")
                error.__cause__ = abandoned
                job.done.set_exception(error)
                job.done.exception()
            else:
                for callback in job.callbacks:
                    try:
                        callback()
                    except Exception:
                        log.exception("An on-commit callback failed")
                job.done.set_result(outcome)
        if retry:
            log.warning("%s: %d writes of the undone group run again", abandoned, len(retry))
            self._queue.extendleft(reversed(retry))
            self._wake.set()


# -- run inside aiosqlite's thread ----------------------------------------------------------


def _timed_statements(
    raw: sqlite3.Connection, jobs: list[StatementJob], begin: bool, commit: bool
) -> tuple[list[Any], BaseException | None, bool, float]:
    """:func:`_run_statements`, and the seconds it took."""
    started = time.perf_counter()
    results, abandoned, committed = _run_statements(raw, jobs, begin, commit)
    return results, abandoned, committed, time.perf_counter() - started


def _run_statements(
    raw: sqlite3.Connection, jobs: list[StatementJob], begin: bool, commit: bool
) -> tuple[list[Any], BaseException | None, bool]:
    """Each job in its own savepoint. Returns (each job's results or error, the error that
    cost the whole transaction if one did, whether the group was committed)."""
    results: list[Any] = []
    if begin:
        try:
            raw.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            return [exc] * len(jobs), None, True  # nothing ran: each job fails, nothing to undo
    for job in jobs:
        raw.execute(f"SAVEPOINT {SAVEPOINT}")
        try:
            values: list[Any] = []
            for kind, sql, params in job.statements:
                if kind == "many":
                    raw.executemany(sql, params)
                    values.append(None)
                elif kind == "call":
                    values.append(sql(raw))
                elif kind == "guarded":
                    values.append(_guarded(raw, sql))
                else:
                    cursor = raw.execute(sql, params)
                    values.append(cursor.lastrowid if kind == "insert" else cursor.rowcount)
        except Exception as exc:
            results.append(exc)
            if not raw.in_transaction:
                results += [_NOT_RUN] * (len(jobs) - len(results))
                return results, exc, False
            raw.execute(f"ROLLBACK TO {SAVEPOINT}")
            raw.execute(f"RELEASE {SAVEPOINT}")
        else:
            raw.execute(f"RELEASE {SAVEPOINT}")
            results.append(values)
    if not commit:
        return results, None, False
    return results, _commit(raw), True


def _guarded(raw: sqlite3.Connection, compute: Callable[[sqlite3.Connection], Any]) -> Any:
    raw.execute(f"SAVEPOINT {GUARD}")
    try:
        value = compute(raw)
    except Exception as exc:
        if not raw.in_transaction:
            raise  # SQLite gave the whole transaction up: the job fails with it
        raw.execute(f"ROLLBACK TO {GUARD}")
        raw.execute(f"RELEASE {GUARD}")
        return Failed(exc)
    raw.execute(f"RELEASE {GUARD}")
    return value


def _commit(raw: sqlite3.Connection) -> BaseException | None:
    if not raw.in_transaction:
        return None
    try:
        raw.execute("COMMIT")
    except sqlite3.Error as exc:
        if raw.in_transaction:
            raw.execute("ROLLBACK")
        return exc
    return None


def _open_savepoint(raw: sqlite3.Connection, begin: bool) -> None:
    if begin:
        raw.execute("BEGIN IMMEDIATE")
    raw.execute(f"SAVEPOINT {SAVEPOINT}")


def _close_savepoint(raw: sqlite3.Connection, failed: bool) -> BaseException | None:
    if not raw.in_transaction:
        return sqlite3.OperationalError("SQLite rolled back the transaction")
    if failed:
        raw.execute(f"ROLLBACK TO {SAVEPOINT}")
    raw.execute(f"RELEASE {SAVEPOINT}")
    return None
