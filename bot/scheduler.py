"""The bot's one scheduler: the bot's clock says when a job is due, apscheduler 3 runs it.

Jobs live in memory only: the schedules themselves are rows in the database, and each cog
rebuilds its jobs from them at start (see ``cogs/daily``). That keeps a single source of truth
and lets overdue work be decided by our own rules rather than apscheduler's misfire handling.

Why the due times are not apscheduler's: apscheduler 3 reads the wall clock itself (in
``BaseScheduler._process_jobs`` and its executors) with no seam to hand it another clock, and
the offline harness runs the bot on a fake clock that only moves when a test says so. So the
pending jobs wait here, ordered by due time, behind one timer of the bot's :class:`Clock`;
when they fall due they are handed to a real ``AsyncIOScheduler`` as jobs to run now, by its
own clock, on its own executor, with its own error reporting. Nothing of apscheduler is
patched. The heap also keeps start-up cheap: a bot with ten thousand servers rebuilds ten
thousand pending posts, and apscheduler checks every callable's signature as it is added.

Jobs belong to an owner (a cog): ``bot.scheduler.owner("daily")`` gives the handle through
which that cog adds, replaces and cancels its jobs, keyed by its own keys.
"""

from __future__ import annotations

import heapq
import inspect
import itertools
import logging
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import Clock, Timer
from bot.pacing import background

log = logging.getLogger(__name__)

JobKey = tuple[str, Hashable]
"""(owner, key): the owner names who scheduled the job, the key is unique within that owner."""

JobFunc = Callable[..., Awaitable[Any]]

# apscheduler's scheduler notes each job added and each pause and resume (several lines per
# due job); those stay at warnings here. Its executor still logs every run and every failure
# under "apscheduler".
_BOOKKEEPING_LOG = logging.getLogger(f"{__name__}.apscheduler")
_BOOKKEEPING_LOG.setLevel(logging.WARNING)


@dataclass(order=True)
class _Entry:
    when: float
    sequence: int
    job: JobKey = field(compare=False)
    func: JobFunc = field(compare=False)
    args: tuple[Any, ...] = field(compare=False)


class Jobs:
    """One owner's jobs; a cog keeps this handle and never sees another owner's jobs."""

    def __init__(self, scheduler: Scheduler, owner: str) -> None:
        self.scheduler = scheduler
        self.owner = owner

    def at(self, key: Hashable, when: datetime, func: JobFunc, *args: Any) -> None:
        """Run ``await func(*args)`` at ``when``; replaces this owner's job of the same key."""
        self.scheduler.at((self.owner, key), when, func, *args)

    def cancel(self, key: Hashable) -> bool:
        return self.scheduler.cancel((self.owner, key))

    def next_run(self, key: Hashable) -> datetime | None:
        return self.scheduler.next_run((self.owner, key))

    def keys(self) -> list[Hashable]:
        return [key for owner, key in self.scheduler.job_ids() if owner == self.owner]

    def cancel_all(self) -> int:
        """Drop every pending job of this owner (a cog being unloaded); returns how many."""
        keys = self.keys()
        for key in keys:
            self.cancel(key)
        return len(keys)


class Scheduler:
    """One-off jobs at given times on the bot's clock; a job with the same key replaces the
    previous one. A scheduler built with ``enabled=False`` (a bot started only to publish its
    commands) accepts no jobs at all, so nothing can run or be left pending."""

    def __init__(self, clock: Clock, *, enabled: bool = True) -> None:
        self.clock = clock
        self.enabled = enabled
        self._scheduler = AsyncIOScheduler(
            timezone=UTC,
            logger=_BOOKKEEPING_LOG,
            # Every job handed over is due now and has a unique id: it runs once, never
            # "missed" (no grace window) and never refused for a still-running namesake.
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )
        self._scheduler.add_listener(self._on_dropped, EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
        self._entries: dict[JobKey, _Entry] = {}
        self._heap: list[_Entry] = []
        self._sequence = itertools.count()
        self._handed_over = itertools.count()
        self._timer: Timer | None = None
        self._timer_at: float | None = None
        self._stopped = False

    @property
    def running(self) -> bool:
        # apscheduler's own shutdown finishes on the next loop turn; ours is at once.
        return bool(self._scheduler.running) and not self._stopped

    def owner(self, name: str) -> Jobs:
        return Jobs(self, name)

    def start(self) -> None:
        if not self.enabled:
            return
        self._scheduler.start()
        self._arm()

    def shutdown(self) -> None:
        self._disarm()
        if self.running:
            self._stopped = True
            # Also cancels jobs under way, so none outlives the bot's connection.
            self._scheduler.shutdown(wait=False)

    def at(self, job: JobKey, when: datetime, func: JobFunc, *args: Any) -> None:
        """Run ``await func(*args)`` at ``when`` (at once if it is already past).

        ``job`` is (owner, key); cogs go through their :meth:`owner` handle instead."""
        if not inspect.iscoroutinefunction(func):
            # apscheduler would run a plain function in a thread and drop what it returns.
            raise TypeError(f"{_name(job)}: a scheduled job must be an async function")
        if not self.enabled:
            log.debug("Jobs are off; not scheduling %s", _name(job))
            return
        entry = _Entry(when.timestamp(), next(self._sequence), job, func, args)
        self._entries[job] = entry
        heapq.heappush(self._heap, entry)
        self._arm()

    def cancel(self, job: JobKey) -> bool:
        # The heap entry stays and is skipped when it comes up (it no longer matches).
        return self._entries.pop(job, None) is not None

    def next_run(self, job: JobKey) -> datetime | None:
        entry = self._entries.get(job)
        return datetime.fromtimestamp(entry.when, UTC) if entry else None

    def job_ids(self) -> list[JobKey]:
        """Every pending job, as (owner, key)."""
        return list(self._entries)

    def _earliest(self) -> _Entry | None:
        while self._heap and self._entries.get(self._heap[0].job) is not self._heap[0]:
            heapq.heappop(self._heap)  # cancelled or replaced
        return self._heap[0] if self._heap else None

    def _arm(self) -> None:
        """Point the clock's one timer at the earliest due time, if that changed."""
        if not self.running:
            return
        earliest = self._earliest()
        if earliest is None:
            self._disarm()
            return
        if earliest.when <= self.clock.time():
            # Overdue (rebuilt at start after an outage): run now, not at the clock's next
            # tick; a fake clock ticks only when a test moves it.
            self._hand_over()
            return
        if earliest.when == self._timer_at:
            return
        self._disarm()
        self._timer_at = earliest.when
        self._timer = self.clock.call_later(earliest.when - self.clock.time(), self._hand_over)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self._timer_at = None

    def _hand_over(self) -> None:
        """Every job now due goes to apscheduler, to run at once."""
        self._disarm()
        if not self.running:
            return
        now = self.clock.time()
        # Paused while jobs are added, apscheduler looks for due jobs once, not once per job
        # (ten thousand daily posts fall due in the same second).
        self._scheduler.pause()
        while (entry := self._earliest()) is not None and entry.when <= now:
            heapq.heappop(self._heap)
            del self._entries[entry.job]
            try:
                # A date trigger without a date fires at apscheduler's own "now"; ids that sort
                # in hand-over order keep jobs due together in their due order.
                # apscheduler would check the arguments against the wrapper, which takes any.
                inspect.signature(entry.func).bind(*entry.args)
                self._scheduler.add_job(
                    _run_in_background,
                    "date",
                    args=(entry.func, *entry.args),
                    id=f"{next(self._handed_over):012d}",
                    name=_name(entry.job),
                )
            except Exception:
                # One bad job (wrong arguments for its function) must not stall the others.
                log.exception("Could not run scheduled job %s", _name(entry.job))
        self._scheduler.resume()
        self._arm()

    def _on_dropped(self, event: JobEvent) -> None:
        # Unreachable with the defaults above; if apscheduler ever drops a job, say so loudly.
        log.error("apscheduler dropped scheduled job %s (event %s)", event.job_id, event.code)


async def _run_in_background(func: JobFunc, *args: Any) -> Any:
    """Run a due job as background work: its requests (and those of the tasks it starts) are
    paced, so a burst of them never takes the slots a member's answer needs."""
    with background():
        return await func(*args)


def _name(job: JobKey) -> str:
    """``daily:post:42`` for ("daily", ("post", 42)): how a job reads in logs."""
    owner, key = job
    parts = key if isinstance(key, tuple) else (key,)
    return ":".join(map(str, (owner, *parts)))
