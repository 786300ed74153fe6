"""The global pacer and the bounded bucket sweep, on the fake clock."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from discord.http import HTTPClient, Route

from bot.pacing import GlobalPacer, background, in_background
from bot.ratelimits import PacedSession, install, paced
from offline import OfflineDiscord
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


class RecordingSession:
    """Stands where discord.py's aiohttp session would: notes when each request was sent."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.sent: list[tuple[float, str]] = []
        self.closed = False

    def request(self, method: str, url: str, **kwargs: object) -> RecordingSession:
        self.sent.append((self.clock.time(), url))
        return self

    async def __aenter__(self) -> str:
        return "response"

    async def __aexit__(self, *exc: object) -> None:
        return None


async def test_background_requests_wait_and_a_members_request_goes_at_once() -> None:
    clock = FakeClock()
    pacer = GlobalPacer(clock, rate=5)
    raw = RecordingSession(clock)
    session = PacedSession(raw, pacer)

    async def send(url: str) -> None:
        async with session.request("POST", url):
            pass

    async def scheduled_burst() -> None:
        with background():
            await asyncio.gather(*(send(f"/post/{n}") for n in range(12)))

    await send("/command-reply")  # a member first: it counts in the window
    burst = asyncio.create_task(scheduled_burst())
    await settle()
    assert len(raw.sent) == 5  # so only four background posts went; the other eight wait
    # A member's command while the burst waits is neither queued nor refused by the pacer.
    await asyncio.wait_for(send("/interaction-followup"), timeout=1)
    assert raw.sent[-1] == (clock.time(), "/interaction-followup")
    await drive(clock, [burst])
    per_second = Counter(int(at - raw.sent[0][0]) for at, _ in raw.sent)
    # The second member request came on top of a full window (45 of 50 leaves that room).
    assert [per_second[n] for n in range(3)] == [6, 5, 3]
    assert pacer.waited == 8


async def test_every_send_of_a_retried_request_takes_a_slot() -> None:
    clock = FakeClock()
    pacer = GlobalPacer(clock, rate=2)
    raw = RecordingSession(clock)
    session = PacedSession(raw, pacer)

    async def request_with_retries(route: object) -> None:
        # discord.py retries inside one call of request(); each attempt is a send.
        for _ in range(3):
            async with session.request("POST", "/channels/1/messages"):
                pass

    async def job() -> None:
        with background():
            await paced(request_with_retries, pacer)(
                Route("POST", "/channels/{channel_id}/messages", channel_id=1)
            )

    task = asyncio.create_task(job())
    await drive(clock, [task])
    assert [int(at - raw.sent[0][0]) for at, _ in raw.sent] == [0, 0, 1]
    assert not in_background()  # the mark stays inside the job


MESSAGES = "POST /channels/{channel_id}/messages"


async def test_the_bots_scheduled_burst_is_paced_and_a_members_request_is_not(
    offline: OfflineDiscord,
) -> None:
    channels = [offline.channel(f"daily-{n}") for n in range(60)]

    async def burst() -> None:
        # What 60 servers' posts falling due in the same second do: all sent at once.
        await asyncio.gather(
            *(offline.bot.get_partial_messageable(c.id).send("Today's question") for c in channels)
        )

    await offline.advance(seconds=5)  # start-up's own requests leave the window
    before, start = len(offline.calls), offline.now.timestamp()
    offline.bot.scheduler.owner("probe").at("burst", offline.now, burst)
    await offline.settle()
    posts = [c for c in offline.calls[before:] if c.route == MESSAGES]
    assert len(posts) == 45  # the pacer's rate; the clock stands still, so 15 wait
    # Not background work (as a command handler's request): sent now, not behind the 15.
    await offline.bot.get_partial_messageable(channels[0].id).send("An answer to a member")
    assert offline.calls[-1].route == MESSAGES and offline.calls[-1].status == 200
    await offline.advance(seconds=1)
    posts = [c for c in offline.calls[before:] if c.route == MESSAGES and c.status == 200]
    assert len(posts) == 61
    assert {c.fake_at - start for c in posts[:46]} == {0.0}
    assert {c.fake_at - start for c in posts[46:]} == {1.0}  # the next second, not later
