"""The bot's one apscheduler instance, driven by the bot's :class:`~bot.clock.Clock`.

Jobs live in memory only: the schedules themselves are rows in the database, and each cog
rebuilds its jobs from them at start (see ``cogs/daily``). That keeps a single source of truth
and lets overdue work be decided by our own rules rather than apscheduler's misfire handling.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, tzinfo
from typing import Any

import apscheduler.executors.base
import apscheduler.schedulers.base
from apscheduler.events import EVENT_JOB_ERROR, JobExecutionEvent
from apscheduler.jobstores.base import JobLookupError
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


class Scheduler:
    """One-off jobs at given times; a job with the same id replaces the previous one."""

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

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def start(self) -> None:
        self._scheduler.start()

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def at(
        self,
        job_id: str,
        when: datetime,
        func: Callable[..., Awaitable[Any]],
        *args: Any,
    ) -> None:
        """Run ``await func(*args)`` at ``when`` (at once if it is already past)."""
        self._scheduler.add_job(
            func,
            DateTrigger(run_date=when.astimezone(UTC), timezone=UTC),
            args=args,
            id=job_id,
            name=job_id,
            replace_existing=True,
        )

    def cancel(self, job_id: str) -> bool:
        try:
            self._scheduler.remove_job(job_id)
        except JobLookupError:
            return False
        return True

    def next_run(self, job_id: str) -> datetime | None:
        job = self._scheduler.get_job(job_id)
        return job.next_run_time if job is not None else None

    def job_ids(self) -> list[str]:
        return [job.id for job in self._scheduler.get_jobs()]

    def wakeup(self) -> None:
        """Look for due jobs now (the fake clock calls this after moving time)."""
        if self._scheduler.running:
            self._scheduler.wakeup()

    def _on_error(self, event: JobExecutionEvent) -> None:
        log.error("Scheduled job %s failed", event.job_id, exc_info=event.exception or None)
