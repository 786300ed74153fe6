"""The daily question through the real bot: setup, posts, answers, reveals, restarts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import discord
import pytest

from offline import OfflineDiscord
from tests.helpers import START, TEST_BANK, next_post, posts, reveals, setup_daily


@pytest.fixture
async def daily(tmp_path: Path) -> AsyncIterator[OfflineDiscord]:
    async with OfflineDiscord(db_path=tmp_path / "q.db", bank=str(TEST_BANK), start=START) as d:
        yield d


async def points_of(d: OfflineDiscord, member_name: str) -> int:
    member = d.member(member_name)
    return int(
        await d.db.fetchval(
            "SELECT coalesce(sum(points), 0) FROM answers WHERE user_id = ?", (member.id,)
        )
    )


# -- setup ----------------------------------------------------------------------------------


async def test_setup_then_status(daily: OfflineDiscord) -> None:
    await setup_daily(daily, timezone="Europe/Berlin", time="10:30", levels="beginner")
    status = await daily.slash(daily.member("mod", admin=True), "daily status")
    text = status.text
    assert status.ephemeral
    assert "10:30 Europe/Berlin" in text and "beginner" in text
    next_post = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)  # 10:30 in Berlin (UTC+1) in January
    assert f"<t:{int(next_post.timestamp())}:F>" in text


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"time": "25:00"}, "24-hour HH:MM"),
        ({"time": "9am"}, "24-hour HH:MM"),
        ({"timezone": "Mars/Olympus"}, "IANA name"),
        ({"levels": "expert"}, "Unknown level expert"),
        ({"topics": "astrology"}, "Unknown topic astrology"),
    ],
)
async def test_setup_rejects_bad_input_clearly(
    daily: OfflineDiscord, options: dict[str, str], message: str
) -> None:
    channel = daily.channel("daily")
    full = {"channel": channel, "time": "09:00", "timezone": "UTC", **options}
    reply = await daily.slash(daily.member("mod", admin=True), "daily setup", **full)
    assert reply.ephemeral and message in reply.content
    assert await daily.db.fetchval("SELECT count(*) FROM daily_schedules") == 0


async def test_setup_refuses_a_channel_the_bot_cannot_post_in(daily: OfflineDiscord) -> None:
    locked = daily.channel("locked")
    daily.set_permissions(locked, deny=discord.Permissions(send_messages=True))
    reply = await daily.slash(
        daily.member("mod", admin=True), "daily setup", channel=locked, time="09:00",
        timezone="UTC",
    )  # fmt: skip
    assert reply.ephemeral and "can't post in" in reply.content


async def test_admin_commands_are_refused_for_members(daily: OfflineDiscord) -> None:
    alice = daily.member("alice")
    channel = daily.channel("daily")
    for command, options in [
        ("daily setup", {"channel": channel, "time": "09:00", "timezone": "UTC"}),
        ("daily status", {}),
        ("daily pause", {}),
        ("daily resume", {}),
        ("daily now", {}),
        ("daily skip", {}),
        ("daily remove", {}),
    ]:
        reply = await daily.slash(alice, command, **options)
        assert reply.ephemeral and "Manage Server" in reply.content, command


async def test_timezone_autocomplete(daily: OfflineDiscord) -> None:
    choices = await daily.autocomplete(
        daily.member("mod", admin=True), "daily setup", "timezone", timezone="berl",
        channel=daily.channel("daily"), time="09:00",
    )  # fmt: skip
    assert {"name": "Europe/Berlin", "value": "Europe/Berlin"} in choices


# -- posting, answering, revealing ----------------------------------------------------------


async def test_post_falls_due_with_buttons_by_kind(daily: OfflineDiscord) -> None:
    channel = await setup_daily(daily, topics="t-quick")
    await daily.advance(minutes=59)
    assert posts(daily, channel) == []
    post = await next_post(daily, channel)
    embed = post.embeds[0]
    assert embed.title == "Daily question #1"
    labels = [b["label"] for b in post.buttons()]
    item_id = await daily.db.fetchval("SELECT item_id FROM daily_posts")
    expected = {"t-quick-mcq": ["A", "B", "C", "D"], "t-quick-tf": ["True", "False"],
                "t-quick-short": ["Answer"]}[item_id]  # fmt: skip
    assert labels == expected
    assert "Closes" in post.text()


@pytest.mark.parametrize(
    ("timezone", "advice"),
    [("EST", "for New York use `America/New_York`"), ("Etc/GMT+5", "use your city's zone")],
)
async def test_a_fixed_offset_zone_is_accepted_with_a_warning(
    daily: OfflineDiscord, timezone: str, advice: str
) -> None:
    reply = await daily.slash(
        daily.member("mod", admin=True), "daily setup",
        channel=daily.channel("daily"), time="09:00", timezone=timezone,
    )  # fmt: skip
    assert reply.ephemeral and "Daily question set" in reply.content
    assert "no daylight saving" in reply.content and advice in reply.content


async def test_a_zone_with_daylight_saving_gets_no_warning(daily: OfflineDiscord) -> None:
    reply = await daily.slash(
        daily.member("mod", admin=True), "daily setup",
        channel=daily.channel("daily"), time="09:00", timezone="America/New_York",
    )  # fmt: skip
    assert "Daily question set" in reply.content and "daylight" not in reply.content


async def test_a_reveal_nobody_answered_opens_no_discussion_thread(daily: OfflineDiscord) -> None:
    channel = await setup_daily(daily, topics="t-long")
    await next_post(daily, channel)
    await daily.advance(days=1)
    reveal = reveals(daily, channel)[0]
    assert "the answer" in reveal.embeds[0].title
    assert reveal.thread is None


async def test_keypoints_answers_right_wrong_partial_then_reveal(daily: OfflineDiscord) -> None:
    channel = await setup_daily(daily, topics="t-long")
    post = await next_post(daily, channel)
    answers = {
        "alice": "You add noise to images, the network learns to denoise, and sampling starts "
        "from pure noise.",
        "bob": "It is a kind of GAN with a discriminator.",
        "carol": "The reverse process removes noise bit by bit.",  # one point of three
    }
    for name, text in answers.items():
        member = daily.member(name)
        opened = await daily.click(member, post, label="Answer")
        assert opened.modal is not None
        ack = await daily.submit_modal(member, opened, answer=text)
        assert ack.ephemeral and "Answer recorded" in ack.content
        assert "correct" not in ack.content.lower()  # no verdict before the reveal

    again = await daily.click(daily.member("alice"), post, label="Answer")
    assert again.ephemeral and "already answered" in again.content

    await daily.advance(days=1)
    reveal = reveals(daily, channel)[0]
    text = reveal.text()
    assert "adds noise" in text and "Training corrupts images" in text
    assert "3 (33% right)" in text
    assert f"<@{daily.member('alice').id}>" in text  # first correct
    assert reveal.reference_id == post.id
    assert all(b.get("disabled") for b in post.buttons())
    assert reveal.thread is not None

    assert await points_of(daily, "alice") == 11  # 10 + streak bonus 1
    assert await points_of(daily, "bob") == 0
    assert await points_of(daily, "carol") == 3  # partial credit, no bonus

    mine = await daily.click(daily.member("carol"), reveal, label="My result")
    assert mine.ephemeral and "Partly right" in mine.text and "1 of 3" in mine.text


async def test_mcq_and_truefalse_buttons_record_the_choice(tmp_path: Path) -> None:
    async with OfflineDiscord(
        db_path=tmp_path / "q.db", bank=str(TEST_BANK / "t-quick.yaml"), start=START
    ) as d:
        channel = await setup_daily(d)
        seen = set()
        for _ in range(3):
            post = await next_post(d, channel)
            item_id = await d.db.fetchval(
                "SELECT item_id FROM daily_posts ORDER BY post_id DESC LIMIT 1"
            )
            seen.add(item_id)
            label = {"t-quick-mcq": "B", "t-quick-tf": "True"}.get(item_id)
            if label is None:
                opened = await d.click(d.member("alice"), post, label="Answer")
                await d.submit_modal(d.member("alice"), opened, answer="retreival")  # typo
            else:
                await d.click(d.member("alice"), post, label=label)
        assert seen == {"t-quick-mcq", "t-quick-tf", "t-quick-short"}
        await d.advance(days=1)
        correct = await d.db.fetchall("SELECT correct FROM answers ORDER BY answer_id")
        assert [r[0] for r in correct] == [1, 1, 1]


async def test_immediate_reveal_shows_verdict_privately(daily: OfflineDiscord) -> None:
    channel = await setup_daily(daily, topics="t-long", reveal="immediate")
    post = await next_post(daily, channel)
    alice = daily.member("alice")
    opened = await daily.click(alice, post, label="Answer")
    result = await daily.submit_modal(alice, opened, answer="adds noise, then learns to denoise")
    assert result.ephemeral
    assert "Correct" in result.text and "Training corrupts images" in result.text


async def test_a_10000_character_reply_is_graded_and_stored_truncated(
    daily: OfflineDiscord,
) -> None:
    channel = await setup_daily(daily, topics="t-long")
    post = await next_post(daily, channel)
    alice = daily.member("alice")
    opened = await daily.click(alice, post, label="Answer")
    await daily.submit_modal(alice, opened, answer="adds noise " * 1000)
    stored = await daily.db.fetchval("SELECT length(reply) FROM answers")
    assert stored == 4000


async def test_streaks_over_several_days_including_a_miss(daily: OfflineDiscord) -> None:
    channel = await setup_daily(daily, topics="t-rotation")
    alice = daily.member("alice")
    earned = []
    for day in range(5):
        post = await next_post(daily, channel)
        if day == 3:
            continue  # alice misses the fourth post
        before = await points_of(daily, "alice")
        await daily.click(alice, post, label="True")
        earned.append(await points_of(daily, "alice") - before)
    assert earned == [11, 12, 13, 11]  # the bonus grows, then restarts after the miss
    streak = await daily.db.fetchone(
        "SELECT current, best FROM daily_streaks WHERE user_id = ?", (alice.id,)
    )
    assert tuple(streak) == (1, 3)


async def test_no_repeats_across_a_full_rotation(daily: OfflineDiscord) -> None:
    channel = await setup_daily(daily, topics="t-rotation")
    for _ in range(10):
        await next_post(daily, channel)
    items = [r[0] for r in await daily.db.fetchall(
        "SELECT item_id FROM daily_posts ORDER BY sequence")]  # fmt: skip
    assert len(set(items[:5])) == 5 and len(set(items[5:])) == 5


async def test_restart_with_post_open_old_button_still_works(daily: OfflineDiscord) -> None:
    channel = await setup_daily(daily, topics="t-long")
    post = await next_post(daily, channel)
    await daily.restart()
    alice = daily.member("alice")
    opened = await daily.click(alice, post, label="Answer")
    ack = await daily.submit_modal(alice, opened, answer="it adds noise and learns to denoise")
    assert "Answer recorded" in ack.content
    await daily.advance(days=1)
    assert len(reveals(daily, channel)) == 1
    assert "1 (100% right)" in reveals(daily, channel)[0].text()


async def test_reveal_that_fell_due_while_down_runs_at_start(daily: OfflineDiscord) -> None:
    channel = await setup_daily(daily, topics="t-long")
    await next_post(daily, channel)
    await daily.restart(down_for=timedelta(hours=23, minutes=30))
    assert reveals(daily, channel) == []
    await daily.restart(down_for=timedelta(hours=1))  # closes_at passed while down
    assert len(reveals(daily, channel)) == 1
    assert len(posts(daily, channel)) == 2  # and the post that was due less than 6 h ago


async def test_post_missed_by_less_than_6_hours_is_made_at_start(daily: OfflineDiscord) -> None:
    channel = await setup_daily(daily)
    await daily.restart(down_for=timedelta(hours=4))  # 09:00 passed at 08:00 + 1 h
    assert len(posts(daily, channel)) == 1
    created = await daily.db.fetchval("SELECT posted_at FROM daily_posts")
    assert created == (START + timedelta(hours=4)).timestamp()


async def test_post_missed_by_more_than_6_hours_is_skipped(
    daily: OfflineDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    channel = await setup_daily(daily)
    await daily.restart(down_for=timedelta(hours=8))
    assert posts(daily, channel) == []
    assert "skipped" in caplog.text
    await daily.advance(days=1)
    assert len(posts(daily, channel)) == 1  # the next day's post comes as usual


async def test_dst_change_keeps_the_local_time(tmp_path: Path) -> None:
    start = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)  # Berlin springs forward on the 29th
    async with OfflineDiscord(db_path=tmp_path / "q.db", bank=str(TEST_BANK), start=start) as d:
        await setup_daily(d, timezone="Europe/Berlin", topics="t-rotation")
        await d.advance(days=3)
        times = [r[0] for r in await d.db.fetchall("SELECT posted_at FROM daily_posts")]
    local = [datetime.fromtimestamp(t, UTC).astimezone() for t in times]
    hours_utc = [datetime.fromtimestamp(t, UTC).hour for t in times]
    assert hours_utc == [8, 7, 7]  # 09:00 CET, then 09:00 CEST
    assert len(local) == 3


async def test_403_pauses_with_reason_and_other_servers_carry_on(daily: OfflineDiscord) -> None:
    channel = await setup_daily(daily)
    other = daily.guild_named("Other")
    other_channel = daily.channel("daily", guild=other)
    other_mod = daily.member("other-mod", admin=True, guild=other)
    await daily.slash(
        other_mod, "daily setup", channel=other_channel, time="09:00", timezone="UTC",
        in_channel=other_channel,
    )  # fmt: skip
    daily.set_permissions(channel, deny=discord.Permissions(send_messages=True))
    await daily.advance(hours=1, minutes=1)
    assert posts(daily, channel) == []
    assert len(posts(daily, other_channel)) == 1
    status = await daily.slash(daily.member("mod", admin=True), "daily status")
    assert "paused" in status.text and "not allowed to post" in status.text
    await daily.advance(days=1)
    assert posts(daily, channel) == []  # stays paused until resumed
    assert len(posts(daily, other_channel)) == 2


async def test_deleted_channel_pauses_the_schedule(daily: OfflineDiscord) -> None:
    channel = await setup_daily(daily)
    daily.delete_channel(channel)
    await daily.advance(hours=1, minutes=1)
    status = await daily.slash(daily.member("mod", admin=True), "daily status")
    assert "no longer exists" in status.text


async def test_pause_resume_skip_now_remove(daily: OfflineDiscord) -> None:
    mod = daily.member("mod", admin=True)
    channel = await setup_daily(daily)
    assert "paused" in (await daily.slash(mod, "daily pause")).content
    await daily.advance(days=1)
    assert posts(daily, channel) == []
    assert "resumed" in (await daily.slash(mod, "daily resume")).content
    assert "Skipped" in (await daily.slash(mod, "daily skip")).content
    await daily.advance(hours=23)
    assert posts(daily, channel) == []  # today's post (09:00) was skipped
    now = await daily.slash(mod, "daily now")
    assert "Posted question #1" in now.text
    assert len(posts(daily, channel)) == 1
    assert "removed" in (await daily.slash(mod, "daily remove")).content
    await daily.advance(days=2)
    assert len(posts(daily, channel)) == 1
    assert len(reveals(daily, channel)) == 1  # the open post still closed


async def test_role_ping_mentions_only_that_role(daily: OfflineDiscord) -> None:
    role = daily.role("quiz-fans")
    channel = await setup_daily(daily, role=role)
    post = await next_post(daily, channel)
    assert post.content == f"<@&{role.id}>"
    assert post.allowed_mentions == {"parse": [], "roles": [role.id]}


async def test_200_members_answer_concurrently(daily: OfflineDiscord) -> None:
    channel = await setup_daily(daily, topics="t-rotation")
    post = await next_post(daily, channel)
    members = [daily.member(f"member{i}") for i in range(200)]
    replies = await asyncio.gather(*(daily.click(m, post, label="True") for m in members))
    # and a burst of double clicks from the first 20
    doubles = await asyncio.gather(*(daily.click(m, post, label="False") for m in members[:20]))
    assert all("Answer recorded" in r.content for r in replies)
    assert all("already answered" in r.content for r in doubles)
    assert await daily.db.fetchval("SELECT count(*) FROM answers") == 200
    assert len(daily.ack_latencies) >= 220 and max(daily.ack_latencies) < 3.0
