"""The global pacer and the bounded bucket sweep, on the fake clock."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from discord.http import HTTPClient

from bot.pacing import GlobalPacer
from bot.ratelimits import install
from offline.clock import FakeClock


async def drive(clock: FakeClock, pending: list[asyncio.Task[None]], limit: int = 100) -> None:
    """Let the pacer run, moving the fake clock a second at a time, until every request went."""
    for _ in range(limit):
        await asyncio.sleep(0)
        if all(task.done() for task in pending):
            return
        await clock.advance(timedelta(seconds=1), settle)
    raise AssertionError("requests still waiting")


async def settle() -> None:
    for _ in range(50):
        await asyncio.sleep(0)


async def test_no_second_holds_more_than_the_rate_and_servers_take_turns() -> None:
    clock = FakeClock()
    pacer = GlobalPacer(clock, rate=10)
    sent: list[tuple[float, str]] = []

    async def request(server: str) -> None:
        await pacer.acquire(server)
        sent.append((clock.time(), server))

    # One busy server queues 40 requests before three quiet ones queue one each.
    tasks = [asyncio.create_task(request("busy")) for _ in range(40)]
    await asyncio.sleep(0)
    tasks += [asyncio.create_task(request(name)) for name in ("a", "b", "c")]
    await drive(clock, tasks)
    assert len(sent) == 43
    start = sent[0][0]
    per_second = Counter(int(at - start) for at, _ in sent)
    assert max(per_second.values()) <= 10
    # The quiet servers did not wait behind the busy one's 40: they went in the second second.
    quiet = [at - start for at, server in sent if server != "busy"]
    assert max(quiet) < 2.0


async def test_urgent_requests_go_before_queued_ones() -> None:
    clock = FakeClock()
    pacer = GlobalPacer(clock, rate=2)
    order: list[str] = []

    async def request(name: str, urgent: bool = False) -> None:
        await pacer.acquire(name, urgent=urgent)
        order.append(name)

    tasks = [asyncio.create_task(request(f"post{n}")) for n in range(6)]
    await asyncio.sleep(0)
    tasks.append(asyncio.create_task(request("answer", urgent=True)))
    await drive(clock, tasks)
    assert order.index("answer") <= 2  # after the two that had slots at once, before the rest


async def test_the_bucket_sweep_runs_at_most_once_a_second() -> None:
    clock = FakeClock()
    http = HTTPClient(asyncio.get_running_loop())
    install(http, clock)
    for n in range(2000):  # a bucket per channel, as 2,000 daily posts create them
        http.get_ratelimit(f"channel:{n}")
    assert len(http._buckets) == 2000
    # A bucket idle for long enough to be swept: within the same second it stays (no scan per
    # creation), a second later the next creation sweeps it away.
    idle = http._buckets["channel:7"]
    idle._last_request = asyncio.get_running_loop().time() - 1000
    http.get_ratelimit("channel:new-1")
    assert "channel:7" in http._buckets
    await clock.advance(timedelta(seconds=1), settle)
    http.get_ratelimit("channel:new-2")
    assert "channel:7" not in http._buckets
