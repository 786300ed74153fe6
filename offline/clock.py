"""A clock that only moves when told to, for tests, benchmarks and the sandbox."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

DEFAULT_START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)  # a Monday morning


class FakeTimer:
    def __init__(self, due: float, callback: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.due = due
        self.callback = callback
        self.args = args
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class FakeClock:
    """Implements :class:`bot.clock.Clock`; time moves only in :meth:`advance`."""

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        if start.tzinfo is None:
            raise ValueError("the fake clock needs a timezone-aware start time")
        self._now = start.timestamp()
        self._timers: list[tuple[float, int, FakeTimer]] = []
        self._order = itertools.count()

    def now(self) -> datetime:
        return datetime.fromtimestamp(self._now, UTC)

    def time(self) -> float:
        return self._now

    def call_later(self, seconds: float, callback: Callable[..., Any], *args: Any) -> FakeTimer:
        timer = FakeTimer(self._now + max(0.0, seconds), callback, args)
        heapq.heappush(self._timers, (timer.due, next(self._order), timer))
        return timer

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        timer = self.call_later(seconds, _resolve, future)
        try:
            await future
        finally:
            timer.cancel()

    def next_due(self) -> float | None:
        while self._timers and self._timers[0][2].cancelled:
            heapq.heappop(self._timers)
        return self._timers[0][0] if self._timers else None

    async def advance(
        self,
        delta: timedelta,
        settle: Callable[[], Awaitable[None]],
    ) -> int:
        """Move time forward by ``delta``, firing every timer that falls due, in order.

        After each timer the bot is allowed to ``settle`` (finish the work the timer started,
        which may add new timers inside the window: those fire too). Returns how many fired.
        """
        if delta < timedelta(0):
            raise ValueError("time only moves forward")
        target = self._now + delta.total_seconds()
        fired = 0
        while (due := self.next_due()) is not None and due <= target:
            _, _, timer = heapq.heappop(self._timers)
            self._now = max(self._now, due)
            timer.callback(*timer.args)
            fired += 1
            await settle()
        self._now = target
        await settle()
        return fired


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
