"""A gateway drop in the middle of a daily window: no answer and no job is lost, whether
discord.py resumes the session or has to identify afresh (the fake's gateway mode)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from offline import FakeMessage, OfflineDiscord
from tests.helpers import START, TEST_BANK, posts, reveals, setup_daily

RIGHT = "it adds noise and learns to denoise"


@pytest.fixture
async def daily(tmp_path: Path) -> AsyncIterator[OfflineDiscord]:
    async with OfflineDiscord(
        db_path=tmp_path / "q.db", bank=str(TEST_BANK), start=START, gateway=True
    ) as d:
        yield d


async def answer(d: OfflineDiscord, name: str, post: FakeMessage, text: str = RIGHT) -> str:
    member = d.member(name)
    opened = await d.click(member, post, label="Answer")
    ack = await d.submit_modal(member, opened, answer=text)
    return ack.content


async def status_text(d: OfflineDiscord) -> str:
    return (await d.slash(d.member("mod", admin=True), "daily status")).text


def identifies(d: OfflineDiscord) -> tuple[int, int]:
    assert d.gateway is not None
    return d.gateway.identifies, d.gateway.resumes


@pytest.mark.parametrize("resume", [True, False], ids=["resumed", "fresh-identify"])
async def test_a_drop_mid_window_loses_no_answer_and_no_job(
    daily: OfflineDiscord, resume: bool
) -> None:
    channel = await setup_daily(daily, topics="t-long")
    await daily.advance(hours=1, minutes=1)  # 09:01: the post is out
    [post] = posts(daily, channel)
    assert "Answer recorded" in await answer(daily, "alice", post)
    assert "Answer recorded" in await answer(daily, "bob", post, "no idea at all")

    await daily.advance(hours=3)
    await daily.drop_gateway(resume=resume)
    assert identifies(daily) == ((1, 1) if resume else (2, 0))

    # After the drop: the same post's buttons still work, and nobody answers twice.
    assert "Answer recorded" in await answer(daily, "carol", post)
    again = await daily.click(daily.member("alice"), post, label="Answer")
    assert "already answered" in again.text
    status = await status_text(daily)
    assert "#1" in status and "(open)" in status and "Problem" not in status

    await daily.advance(days=1)  # next day 09:01: the reveal, then post #2
    [reveal] = reveals(daily, channel)
    assert "3 (66% right)" in reveal.text()
    assert all(button.get("disabled") for button in post.buttons())
    assert [m.embeds[0].title for m in posts(daily, channel)] == [
        "Daily question #1",
        "Daily question #2",
    ]
    await daily.advance(days=1)  # and the day after: nothing was dropped from the schedule
    assert len(posts(daily, channel)) == 3 and len(reveals(daily, channel)) == 2


@pytest.mark.parametrize("resume", [True, False], ids=["resumed", "fresh-identify"])
async def test_an_outage_across_post_time_still_posts_and_reveals(
    daily: OfflineDiscord, resume: bool
) -> None:
    channel = await setup_daily(daily, topics="t-long")
    await daily.advance(minutes=50)  # 08:50
    await daily.drop_gateway(resume=resume, hold=True)
    await daily.advance(minutes=20)  # 09:10, still disconnected: REST works, the job runs
    [post] = posts(daily, channel)
    await daily.restore_gateway()
    assert "Answer recorded" in await answer(daily, "alice", post)
    await daily.advance(days=1)
    [reveal] = reveals(daily, channel)
    assert "1 (100% right)" in reveal.text()
    assert len(posts(daily, channel)) == 2


async def test_an_answer_sent_while_the_connection_is_down_arrives_on_resume(
    daily: OfflineDiscord,
) -> None:
    channel = await setup_daily(daily, topics="t-long")
    await daily.advance(hours=1, minutes=1)
    [post] = posts(daily, channel)
    alice = daily.member("alice")
    opened = await daily.click(alice, post, label="Answer")
    await daily.drop_gateway(resume=True, hold=True)
    # Discord holds the interaction for the resumed session and replays it on RESUME.
    ack = await daily.submit_modal(alice, opened, answer=RIGHT)
    await daily.restore_gateway()
    assert "Answer recorded" in ack.content
    await daily.advance(days=1)
    assert "1 (100% right)" in reveals(daily, channel)[0].text()
