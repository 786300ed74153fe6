"""The global pacer: at most N requests in any one second, shared fairly between servers."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
from collections.abc import Hashable, Iterator
from contextvars import ContextVar

from bot.clock import Clock

log = logging.getLogger(__name__)

# Discord allows 50 requests a second per bot; 45 leaves room for the requests that do not
# come through the pacer (login, gateway-driven fetches) and for clock skew.
DEFAULT_RATE = 45
WINDOW = 1.0

# True while background work runs (a scheduled post, a reveal, the thread it opens): set by the
# scheduler around each job, and inherited by every task the job starts. Requests made while
# answering a member are never marked, so they never queue behind a 09:00 burst.
_BACKGROUND: ContextVar[bool] = ContextVar("quizbot_background", default=False)


def in_background() -> bool:
    """Whether the running code is background work, which waits for the pacer."""
    return _BACKGROUND.get()


@contextlib.contextmanager
def background() -> Iterator[None]:
    """Mark the code in this block (and the tasks it starts) as background work."""
    token = _BACKGROUND.set(True)
    try:
        yield
    finally:
        _BACKGROUND.reset(token)


class GlobalPacer:
    """Hands out request slots so that no sliding one-second window holds more than ``rate``.

    Waiting requests queue per key (a server, or a channel when the route names no server);
    slots go round-robin over the keys, so one server posting a hundred messages cannot make
    another's single post wait behind all of them. ``urgent`` requests (answers to members)
    go before any queued one.
    """

    def __init__(self, clock: Clock, rate: int = DEFAULT_RATE) -> None:
        if rate < 1:
            raise ValueError("the pacer needs a rate of at least one request a second")
        self.clock = clock
        self.rate = rate
        self._sent: collections.deque[float] = collections.deque()  # slot times in the window
        self._urgent: collections.deque[asyncio.Future[None]] = collections.deque()
        self._queues: collections.OrderedDict[Hashable, collections.deque[asyncio.Future[None]]]
        self._queues = collections.OrderedDict()
        self._releaser: asyncio.Task[None] | None = None
        self.waited = 0  # requests that had to queue, for status and benchmarks

    @property
    def queued(self) -> int:
        return len(self._urgent) + sum(len(q) for q in self._queues.values())

    def _free_slot(self) -> bool:
        now = self.clock.time()
        while self._sent and self._sent[0] <= now - WINDOW:
            self._sent.popleft()
        if len(self._sent) < self.rate:
            self._sent.append(now)
            return True
        return False

    def record(self) -> None:
        """Count a request that goes at once (a member is waiting for it) in the window, so
        the background requests around it make room for it instead of pushing past Discord's
        limit. It may take the window over ``rate``; the background ones then wait longer."""
        now = self.clock.time()
        while self._sent and self._sent[0] <= now - WINDOW:
            self._sent.popleft()
        self._sent.append(now)

    async def acquire(self, key: Hashable, *, urgent: bool = False) -> None:
        """Return when this request may be sent."""
        if not self.queued and self._free_slot():
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if urgent:
            self._urgent.append(future)
        else:
            self._queues.setdefault(key, collections.deque()).append(future)
        self.waited += 1
        if self._releaser is None or self._releaser.done():
            self._releaser = asyncio.get_running_loop().create_task(self._release())
        await future

    def _next_waiter(self) -> asyncio.Future[None] | None:
        while self._urgent:
            future = self._urgent.popleft()
            if not future.done():
                return future
        while self._queues:
            key, queue = next(iter(self._queues.items()))
            future = queue.popleft()
            if queue:
                self._queues.move_to_end(key)  # this key had its turn: the others go first
            else:
                del self._queues[key]
            if not future.done():  # a cancelled waiter gives its slot to the next one
                return future
        return None

    async def _release(self) -> None:
        while self.queued:
            if not self._free_slot():
                # The oldest slot in the window leaves it at this moment.
                await self.clock.sleep(max(0.0, self._sent[0] + WINDOW - self.clock.time()))
                continue
            waiter = self._next_waiter()
            if waiter is None:
                self._sent.pop()  # nobody took the slot after all
                return
            waiter.set_result(None)
