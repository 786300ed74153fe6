"""The bot's one apscheduler instance, driven by the bot's :class:`~bot.clock.Clock`.

Jobs live in memory only: the schedules themselves are rows in the database, and each cog
rebuilds its jobs from them at start (see ``cogs/daily``). That keeps a single source of truth
and lets overdue work be decided by our own rules rather than apscheduler's misfire handling.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

import apscheduler.executors.base
import apscheduler.schedulers.base
from apscheduler.events import EVENT_JOB_ERROR, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from bot.clock import Clock, SystemClock, Timer

log = logging.getLogger(__name__)

_active_clock: Clock = SystemClock()


class _ClockDatetime(datetime):
    """apscheduler 3 calls ``datetime.now()`` directly; this routes it through our clock."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        return _active_clock.now().astimezone(tz or UTC)


# Only the name ``datetime`` inside these two modules is replaced, and only ``now`` differs.
apscheduler.schedulers.base.datetime = _ClockDatetime
apscheduler.executors.base.datetime = _ClockDatetime


class _ClockScheduler(AsyncIOScheduler):
    """AsyncIOScheduler whose wake-up timer runs on the bot's clock instead of the loop's."""

    def __init__(self, clock: Clock, **options: Any) -> None:
        self.clock = clock
        self._clock_timer: Timer | None = None
        super().__init__(**options)

    def _start_timer(self, wait_seconds: float | None) -> None:
        self._stop_timer()
        if wait_seconds is not None:
            self._clock_timer = self.clock.call_later(wait_seconds, self.wakeup)

    def _stop_timer(self) -> None:
        if self._clock_timer is not None:
            self._clock_timer.cancel()
            self._clock_timer = None


@dataclass(order=True)
class _Entry:
    when: float
    sequence: int
    job_id: str = field(compare=False)
    func: Callable[..., Awaitable[Any]] = field(compare=False)
    args: tuple[Any, ...] = field(compare=False)


class Scheduler:
    """One-off jobs at given times; a job with the same id replaces the previous one.

    A bot with ten thousand servers has ten thousand daily posts pending. apscheduler checks
    each job's callable signature as it is added (a millisecond each, and start-up adds them
    all), so the pending jobs wait in a heap here and apscheduler holds one job: the wake-up
    at the earliest due time, with its own clock, misfire and error handling.
    """

    WAKE_JOB = "quizbot:due"

    def __init__(self, clock: Clock) -> None:
        global _active_clock
        _active_clock = clock
        self.clock = clock
        self._scheduler = _ClockScheduler(
            clock,
            timezone=UTC,
            # Late jobs always run (our cogs decide what "too late" means), and only once.
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )
        self._scheduler.add_listener(self._on_error, EVENT_JOB_ERROR)
        self._entries: dict[str, _Entry] = {}
        self._heap: list[_Entry] = []
        self._sequence = itertools.count()
        self._wake_at: float | None = None
        self._running_jobs: set[asyncio.Task[None]] = set()

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def start(self) -> None:
        self._scheduler.start()
        self._arm()

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        for task in self._running_jobs:
            task.cancel()

    def at(
        self,
        job_id: str,
        when: datetime,
        func: Callable[..., Awaitable[Any]],
        *args: Any,
    ) -> None:
        """Run ``await func(*args)`` at ``when`` (at once if it is already past)."""
        entry = _Entry(when.timestamp(), next(self._sequence), job_id, func, args)
        self._entries[job_id] = entry
        heapq.heappush(self._heap, entry)
        self._arm()

    def cancel(self, job_id: str) -> bool:
        # The heap entry stays and is skipped when it comes up (it no longer matches).
        return self._entries.pop(job_id, None) is not None

    def next_run(self, job_id: str) -> datetime | None:
        entry = self._entries.get(job_id)
        return datetime.fromtimestamp(entry.when, UTC) if entry else None

    def job_ids(self) -> list[str]:
        return list(self._entries)

    def _earliest(self) -> _Entry | None:
        while self._heap and self._entries.get(self._heap[0].job_id) is not self._heap[0]:
            heapq.heappop(self._heap)  # cancelled or replaced
        return self._heap[0] if self._heap else None

    def _arm(self) -> None:
        """Point apscheduler's one job at the earliest due time, if that changed."""
        if not self._scheduler.running:
            return
        earliest = self._earliest()
        if earliest is None or earliest.when == self._wake_at:
            return
        self._wake_at = earliest.when
        self._scheduler.add_job(
            self._run_due,
            DateTrigger(run_date=datetime.fromtimestamp(earliest.when, UTC), timezone=UTC),
            id=self.WAKE_JOB,
            name=self.WAKE_JOB,
            replace_existing=True,
        )

    async def _run_due(self) -> None:
        self._wake_at = None
        now = self.clock.time()
        while (entry := self._earliest()) is not None and entry.when <= now:
            heapq.heappop(self._heap)
            del self._entries[entry.job_id]
            task = asyncio.create_task(self._run(entry), name=entry.job_id)
            self._running_jobs.add(task)
            task.add_done_callback(self._running_jobs.discard)
        self._arm()

    async def _run(self, entry: _Entry) -> None:
        try:
            await entry.func(*entry.args)
        except Exception:
            log.exception("Scheduled job %s failed", entry.job_id)

    def _on_error(self, event: JobExecutionEvent) -> None:
        log.error("Scheduled job %s failed", event.job_id, exc_info=event.exception or None)
