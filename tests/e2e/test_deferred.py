"""Deadline-aware acknowledgements: a quick daily answer is replied to directly, one that
arrives behind a deep database queue is acknowledged first ("thinking...") and then answered."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from cogs.daily.answering import DEEP_WRITE_QUEUE
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


async def test_an_answer_behind_a_deep_queue_is_deferred_then_answered(
    daily: OfflineDiscord,
) -> None:
    channel = await setup_daily(daily, topics="t-rotation")
    post = await next_post(daily, channel)
    crowd = [daily.member(f"member{i}") for i in range(5 * DEEP_WRITE_QUEUE)]
    burst = asyncio.gather(*(daily.click(m, post, label="True") for m in crowd))
    # Real answers pile up in the writer's queue; wait (in loop turns, not seconds) until the
    # queue is deep, then more members answer behind it.
    for _ in range(100_000):
        if daily.db.writer.depth >= DEEP_WRITE_QUEUE:
            break
        await asyncio.sleep(0)
    else:
        pytest.fail("the burst never made the write queue deep")
    late_crowd = [daily.member(f"late{i}") for i in range(50)]
    late = await asyncio.gather(*(daily.click(m, post, label="True") for m in late_crowd))
    replies = await burst + late

    deferred = [r for r in replies if r.interaction.response_type == THINKING]
    assert deferred, "an answer behind a deep queue should be acknowledged first"
    for reply in deferred:
        # The "thinking..." message became the answer: the member sees the usual reply.
        assert reply.message is reply.interaction.original
        assert not reply.message.flags & LOADING
    assert all(r.interaction.response_type in (MESSAGE, THINKING) for r in replies)
    assert all("Answer recorded" in r.content and r.ephemeral for r in replies)
    assert await daily.db.fetchval("SELECT count(*) FROM answers") == len(replies)
