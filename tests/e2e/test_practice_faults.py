"""Practice sittings against a Discord that fails: a screen that never arrived is shown again
on the next click, so nobody is left on a stale screen whose buttons all refuse."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from offline import FakeMessage, OfflineDiscord
from tests.helpers import START, TEST_BANK

CALLBACK = "POST /interactions/{interaction_id}/{token}/callback"
PAST_RETRIES = 5  # discord.py tries an interaction response five times, then gives up


@pytest.fixture
async def d(tmp_path: Path) -> AsyncIterator[OfflineDiscord]:
    async with OfflineDiscord(
        db_path=tmp_path / "q.db", bank=str(TEST_BANK), start=START, fail_on_errors=False
    ) as offline:
        yield offline


def labels(message: FakeMessage | None) -> list[str]:
    assert message is not None
    return [button["label"] for button in message.buttons()]


def title(message: FakeMessage | None) -> str:
    assert message is not None and message.embeds
    return str(message.embeds[0].title)


async def test_a_next_screen_that_never_arrived_comes_on_the_next_press(
    d: OfflineDiscord,
) -> None:
    alice = d.member("alice")
    started = await d.slash(alice, "quiz", topic="t-rotation", count=3)
    verdict = await d.click(alice, started.message, label="True")
    assert "Next question" in labels(verdict.message)
    shown = title(verdict.message)
    d.faults.fail(CALLBACK, status=503, times=PAST_RETRIES)
    await d.click(alice, verdict.message, label="Next question")
    await d.advance(seconds=20)  # discord.py's retries, then it gives up
    assert title(verdict.message) == shown  # the member still sees the verdict
    again = await d.click(alice, verdict.message, label="Next question")
    assert "moved past" not in again.text
    assert "True" in labels(again.message) and "question 2 of 3" in title(again.message)


async def test_a_verdict_that_never_arrived_leaves_a_way_out_that_counts_the_answer(
    d: OfflineDiscord,
) -> None:
    alice = d.member("alice")
    started = await d.slash(alice, "quiz", topic="t-rotation", count=3)
    d.faults.fail(CALLBACK, status=503, times=PAST_RETRIES)
    await d.click(alice, started.message, label="True")
    await d.advance(seconds=20)
    assert "End" in labels(started.message)  # still the question screen
    again = await d.click(alice, started.message, label="True")
    assert "already answered" in again.text  # the stored answer stands, not graded twice
    ended = await d.click(alice, started.message, label="End")
    assert ended.message is not None and "1" in ended.text and "End" not in labels(ended.message)
    assert await d.db.fetchval("SELECT count(*) FROM answers") == 1
