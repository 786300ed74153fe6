"""The daily loop against a Discord that fails: each test names its fault through the fake."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from offline import FakeChannel, OfflineDiscord
from tests.helpers import START, TEST_BANK, posts, reveals, setup_daily

MESSAGES = "POST /channels/{channel_id}/messages"


@pytest.fixture
async def daily(tmp_path: Path) -> AsyncIterator[OfflineDiscord]:
    async with OfflineDiscord(db_path=tmp_path / "q.db", bank=str(TEST_BANK), start=START) as d:
        yield d


async def status_text(d: OfflineDiscord) -> str:
    return (await d.slash(d.member("mod", admin=True), "daily status")).text


async def answer(d: OfflineDiscord, name: str, post_message: object) -> str:
    member = d.member(name)
    opened = await d.click(member, post_message, label="Answer")
    ack = await d.submit_modal(member, opened, answer="it adds noise and learns to denoise")
    return ack.content


async def test_a_single_503_at_post_time_still_gives_that_days_post(
    daily: OfflineDiscord,
) -> None:
    channel = await setup_daily(daily)
    daily.faults.fail(MESSAGES, status=503, times=1, channel=channel)
    await daily.advance(hours=1)  # 09:00: refused
    assert posts(daily, channel) == []
    assert "is late" in await status_text(daily)  # the admin sees it is being retried
    assert "(open)" not in await status_text(daily)  # nothing claims a post that is not there
    await daily.advance(seconds=30)
    assert len(posts(daily, channel)) == 1
    text = await status_text(daily)
    assert "Last post" in text and "#1" in text and "Problem" not in text


async def test_a_500_is_retried_by_discord_py_then_posted(daily: OfflineDiscord) -> None:
    channel = await setup_daily(daily)
    daily.faults.fail(MESSAGES, status=500, times=1, channel=channel)
    await daily.advance(hours=1, seconds=1)
    assert len(posts(daily, channel)) == 1


async def test_five_days_of_one_503_a_day_give_five_posts_and_five_reveals(
    daily: OfflineDiscord,
) -> None:
    channel = await setup_daily(daily, topics="t-long")
    await daily.advance(minutes=59)  # 08:59
    for day in range(1, 7):
        # The day's first message fails: from day 2 on, that is the reveal of the day before.
        daily.faults.fail(MESSAGES, status=503, times=1, channel=channel)
        await daily.advance(minutes=5)  # 09:04; the retries came 30 s after the failure
        assert len(posts(daily, channel)) == day, f"day {day}"
        assert len(reveals(daily, channel)) == day - 1, f"day {day}"
        await daily.advance(hours=23, minutes=55)
    found = reveals(daily, channel)
    assert len(found) == 5
    assert [m.embeds[0].title for m in found] == [
        f"Daily question #{n}: the answer" for n in range(1, 6)
    ]
    assert len(posts(daily, channel)) == 6


async def test_a_reveal_that_fails_is_retried_and_delivered(daily: OfflineDiscord) -> None:
    channel = await setup_daily(daily, topics="t-long")
    await daily.advance(hours=1, minutes=1)
    first = posts(daily, channel)[0]
    assert "Answer recorded" in await answer(daily, "alice", first)
    daily.faults.fail(MESSAGES, status=502, times=6, channel=channel)  # past discord.py's 5 tries
    await daily.advance(days=1)  # 09:01 next day: discord.py's 5 tries, then ours 30 s later
    assert [c.status for c in daily.calls if c.route == MESSAGES].count(502) == 6
    found = reveals(daily, channel)
    assert len(found) == 1 and "1 (100% right)" in found[0].text()
    assert all(button.get("disabled") for button in first.buttons())  # answers are closed
    assert len(posts(daily, channel)) == 2


async def test_a_day_of_5xx_skips_that_day_says_so_and_the_next_day_posts(
    daily: OfflineDiscord,
) -> None:
    channel = await setup_daily(daily)
    daily.faults.fail(MESSAGES, status=503, times=None, channel=channel)
    await daily.advance(hours=23, minutes=59)
    text = await status_text(daily)
    assert posts(daily, channel) == [] and "Last post" not in text and "(open)" not in text
    assert "never got through" in text or "is late" in text
    daily.faults.clear()
    await daily.advance(minutes=2)  # day 2, 09:01
    assert len(posts(daily, channel)) == 1
    assert posts(daily, channel)[0].embeds[0].title == "Daily question #1"
    await daily.advance(days=1)
    assert len(reveals(daily, channel)) == 1  # only what was delivered is ever revealed
    assert "Problem" not in await status_text(daily)


async def test_a_403_pauses_shows_the_reason_and_tells_the_admin(daily: OfflineDiscord) -> None:
    channel = await setup_daily(daily)
    daily.revoke(channel, "send_messages")
    await daily.advance(hours=1, minutes=1)
    assert posts(daily, channel) == []
    text = await status_text(daily)
    assert "paused" in text and "not allowed to post" in text and "(open)" not in text
    told = daily.direct_messages(daily.member("mod", admin=True))
    assert len(told) == 1 and "paused" in told[0] and "not allowed to post" in told[0]
    await daily.advance(days=2)
    assert posts(daily, channel) == [] and len(daily.direct_messages(daily.member("mod"))) == 1


async def test_a_bad_stored_zone_in_one_server_leaves_the_others_posting(
    daily: OfflineDiscord,
) -> None:
    channels = {}
    for name in ("Alpha", "Broken", "Gamma"):
        guild = daily.guild_named(name)
        channels[name] = daily.channel("daily", guild=guild)
        mod = daily.member(f"{name}-mod", admin=True, guild=guild)
        reply = await daily.slash(
            mod, "daily setup", channel=channels[name], time="09:00", timezone="UTC",
            in_channel=channels[name],
        )  # fmt: skip
        assert "Daily question set" in reply.content
    # A zone this host no longer knows (tzdata dropped it, or the file was edited by hand).
    await daily.db.write(
        "UPDATE daily_schedules SET timezone = 'Mars/Olympus' WHERE channel_id = ?",
        (channels["Broken"].id,),
    )
    await daily.restart()
    await daily.advance(hours=1, minutes=1)
    assert len(posts(daily, channels["Alpha"])) == 1 and len(posts(daily, channels["Gamma"])) == 1
    assert posts(daily, channels["Broken"]) == []
    broken_mod = daily.member("Broken-mod", guild=daily.guild_named("Broken"))
    status = await daily.slash(broken_mod, "daily status", in_channel=channels["Broken"])
    assert "Mars/Olympus" in status.text and "paused" in status.text
    assert "Mars/Olympus" in daily.direct_messages(broken_mod)[0]
    await daily.advance(days=1)
    assert len(posts(daily, channels["Alpha"])) == 2


async def test_shutdown_while_a_post_is_sent_resumes_it_at_the_next_start(
    daily: OfflineDiscord,
) -> None:
    channel = await setup_daily(daily)
    daily.faults.slow(MESSAGES, seconds=100, times=1, channel=channel)
    await daily.advance(hours=1, seconds=10)  # 09:00: the post is on its way
    assert posts(daily, channel) == []
    await daily.restart(down_for=timedelta(minutes=10))
    sent = posts(daily, channel)
    assert [m.embeds[0].title for m in sent][-1:] == ["Daily question #1"]
    rows = await daily.db.fetchall("SELECT sequence, message_id FROM daily_posts")
    assert len(rows) == 1 and rows[0]["message_id"] == sent[-1].id
    await daily.advance(days=1)
    assert len(reveals(daily, channel)) == 1


async def servers(d: OfflineDiscord, count: int) -> list[FakeChannel]:
    channels = []
    for n in range(count):
        guild = d.guild_named(f"Server {n}")
        channel = d.channel("daily", guild=guild)
        mod = d.member(f"mod-{n}", admin=True, guild=guild)
        await d.slash(
            mod, "daily setup", channel=channel, time="09:00", timezone="UTC", in_channel=channel
        )
        channels.append(channel)
    return channels


async def test_a_429_storm_at_nine_over_200_servers_posts_each_once(
    daily: OfflineDiscord,
) -> None:
    # 200 here to keep the suite quick; bench/daily_storm.py runs the same over 2,000.
    channels = await servers(daily, 200)
    daily.global_rate_limit(50)
    daily.faults.rate_limit(MESSAGES, retry_after=2.0, times=300)
    await daily.advance(hours=1)
    for _ in range(20):
        await daily.advance(seconds=30)
    assert [len(posts(daily, c)) for c in channels] == [1] * 200
    per_second: dict[int, int] = {}
    for call in daily.calls:
        if call.route == MESSAGES and call.status == 200:
            per_second[int(call.fake_at)] = per_second.get(int(call.fake_at), 0) + 1
    assert max(per_second.values()) <= 50
    refused = [c for c in daily.calls if c.route == MESSAGES and c.status == 429]
    assert len(refused) >= 300  # the storm really hit: every armed 429 was met and waited out
