"""Deadline-aware acknowledgements: a quick daily answer is replied to directly (in a burst
too), one that arrives behind a stalled database writer is acknowledged first ("thinking...")
and then answered."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from cogs.daily.answering import LATE_WAIT_SECONDS
from offline import OfflineDiscord
from offline.world import LOADING
from tests.helpers import START, TEST_BANK, next_post, setup_daily

THINKING, MESSAGE = 5, 4  # interaction response types


@pytest.fixture
async def daily(tmp_path: Path) -> AsyncIterator[OfflineDiscord]:
    async with OfflineDiscord(db_path=tmp_path / "q.db", bank=str(TEST_BANK), start=START) as d:
        yield d


async def test_a_quick_answer_is_replied_to_directly(daily: OfflineDiscord) -> None:
    channel = await setup_daily(daily, topics="t-rotation")
    post = await next_post(daily, channel)
    reply = await daily.click(daily.member("alice"), post, label="True")
    assert reply.interaction.response_type == MESSAGE
    assert reply.ephemeral and "Answer recorded" in reply.content


async def test_an_answer_behind_a_stalled_writer_is_deferred_then_answered(
    daily: OfflineDiscord,
) -> None:
    channel = await setup_daily(daily, topics="t-rotation")
    post = await next_post(daily, channel)
    # A write that does not finish (a disk that stopped answering) holds every write behind
    # it: a real block inside the writer's transaction, released once the answers are in.
    release = asyncio.Event()
    holding = asyncio.Event()

    async def stall() -> None:
        async with daily.db.transaction():
            holding.set()
            await release.wait()

    stalled = asyncio.create_task(stall())
    await holding.wait()
    await asyncio.sleep(LATE_WAIT_SECONDS)  # real time: the writer has been stuck this long
    crowd = [daily.member(f"member{i}") for i in range(20)]
    clicks = [asyncio.create_task(daily.click(m, post, label="True")) for m in crowd]
    # Wait (in loop turns, not seconds) until every answer is queued behind the stalled write.
    for _ in range(100_000):
        if daily.db.writer.depth >= len(crowd):
            break
        await asyncio.sleep(0)
    else:
        pytest.fail("the answers never reached the writer")
    release.set()
    await stalled
    replies = await asyncio.gather(*clicks)

    deferred = [r for r in replies if r.interaction.response_type == THINKING]
    assert len(deferred) == len(replies), "answers behind a stalled writer are acknowledged first"
    for reply in deferred:
        # The "thinking..." message became the answer: the member sees the usual reply.
        assert reply.message is reply.interaction.original
        assert not reply.message.flags & LOADING
    assert all("Answer recorded" in r.content and r.ephemeral for r in replies)
    assert await daily.db.fetchval("SELECT count(*) FROM answers") == len(replies)


async def test_a_burst_on_a_healthy_writer_is_replied_to_directly(daily: OfflineDiscord) -> None:
    channel = await setup_daily(daily, topics="t-rotation")
    post = await next_post(daily, channel)
    crowd = [daily.member(f"member{i}") for i in range(300)]
    replies = await asyncio.gather(*(daily.click(m, post, label="True") for m in crowd))
    # Hundreds queued at once are written in moments: no "thinking..." flash for anyone.
    assert all(r.interaction.response_type == MESSAGE for r in replies)
    assert all("Answer recorded" in r.content and r.ephemeral for r in replies)
