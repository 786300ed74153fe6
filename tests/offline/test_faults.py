"""Each fault the fake offers, met by the real bot: discord.py's own retries, the errors the bot
sees, and the gateway coming back."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest

from offline import OfflineDiscord
from tests.e2e import probe

MESSAGES = "POST /channels/{channel_id}/messages"
CALLBACK = "POST /interactions/{interaction_id}/{token}/callback"
FOLLOWUP = "POST /webhooks/{webhook_id}/{webhook_token}"  # the spec's spelling works too


@pytest.fixture
async def probed(offline: OfflineDiscord) -> OfflineDiscord:
    await probe.install(offline.bot)
    return offline


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[OfflineDiscord]:
    async with OfflineDiscord(db_path=tmp_path / "q.db", gateway=True) as d:
        await probe.install(d.bot)
        yield d


def statuses(d: OfflineDiscord, route: str) -> list[int]:
    return [c.status for c in d.calls if c.route == route]


async def send_later(
    d: OfflineDiscord, channel_id: int, text: str
) -> asyncio.Task[discord.Message]:
    """The bot sends ``text`` in the background (its retry waits are on the fake clock)."""
    channel = d.bot.get_channel(channel_id)
    task = asyncio.create_task(channel.send(text))
    await d.settle()
    return task


# -- 5xx --------------------------------------------------------------------------------------


async def test_a_500_on_a_reply_is_retried_by_discord_py(probed: OfflineDiscord) -> None:
    probed.faults.fail(CALLBACK, status=500, times=1)
    reply = await probed.slash(probed.member("alice"), "help")
    assert reply.message is None  # discord.py waits 1 s before its retry
    await probed.advance(seconds=1)
    assert "quizbot commands" in reply.text
    assert statuses(probed, CALLBACK)[-2:] == [500, 200]


async def test_a_500_on_a_post_is_retried_and_delivered_once(probed: OfflineDiscord) -> None:
    probed.faults.fail(MESSAGES, status=500, times=1)
    await probed.slash(probed.member("alice"), "probe thread")  # posts, then opens a thread
    general = probed.channel("general")
    assert [m.content for m in probed.messages(general)] == []
    await probed.advance(seconds=1)
    assert [m.content for m in probed.messages(general)] == ["discussion starts here"]
    assert statuses(probed, MESSAGES) == [500, 200, 200]  # the post twice, then the thread's


async def test_a_503_reaches_the_bot_at_once(probed: OfflineDiscord) -> None:
    fault = probed.faults.fail(MESSAGES, status=503, times=1)
    channel = probed.bot.get_channel(probed.channel("general").id)
    with pytest.raises(discord.DiscordServerError) as caught:
        await channel.send("hello")
    assert caught.value.status == 503 and fault.hits == 1
    assert (await channel.send("again")).content == "again"  # one time only
    assert not probed.violations  # Discord's fault, not the bot's


async def test_a_fault_can_be_narrowed_to_one_channel(probed: OfflineDiscord) -> None:
    quiet = probed.channel("quiet")
    probed.faults.fail(MESSAGES, status=503, times=None, channel=quiet)
    general = probed.bot.get_channel(probed.channel("general").id)
    assert (await general.send("fine")).content == "fine"
    with pytest.raises(discord.DiscordServerError):
        await probed.bot.get_channel(quiet.id).send("lost")
    probed.faults.clear()
    assert (await probed.bot.get_channel(quiet.id).send("back")).content == "back"


async def test_five_500s_exhaust_discord_py_retries(probed: OfflineDiscord) -> None:
    probed.faults.fail(MESSAGES, status=500, times=5)
    task = await send_later(probed, probed.channel("general").id, "hello")
    await probed.advance(seconds=1 + 3 + 5 + 7)
    assert not task.done()  # discord.py waits once more after the fifth before giving up
    await probed.advance(seconds=9)
    with pytest.raises(discord.DiscordServerError):
        await task
    assert statuses(probed, MESSAGES) == [500] * 5


# -- 429 --------------------------------------------------------------------------------------


async def test_a_429_is_waited_out_then_retried(probed: OfflineDiscord) -> None:
    probed.faults.rate_limit(MESSAGES, retry_after=1.5)
    task = await send_later(probed, probed.channel("general").id, "hello")
    limited = probed.calls[-1]
    assert limited.status == 429
    assert limited.response == {
        "message": "You are being rate limited.",
        "retry_after": 1.5,
        "global": False,
    }
    await probed.advance(seconds=1)
    assert not task.done()
    await probed.advance(seconds=0.5)
    assert (await task).content == "hello"
    assert statuses(probed, MESSAGES) == [429, 200]


async def test_a_429_answer_carries_discords_headers(probed: OfflineDiscord) -> None:
    probed.faults.rate_limit(MESSAGES, retry_after=2.0)
    response = await probed.rest.handle(
        "POST",
        f"https://discord.com/api/v10/channels/{probed.channel('general').id}/messages",
        {"json": {"content": "x"}},
    )
    assert response.status == 429
    assert response.headers["Retry-After"] == "2"
    assert response.headers["X-RateLimit-Remaining"] == "0"
    assert response.headers["X-RateLimit-Reset-After"] == "2.000"
    assert (
        response.headers["X-RateLimit-Scope"] == "user" and "X-RateLimit-Bucket" in response.headers
    )


async def test_a_global_429_holds_every_request(probed: OfflineDiscord) -> None:
    probed.faults.rate_limit(MESSAGES, retry_after=1.0, global_=True)
    first = await send_later(probed, probed.channel("general").id, "first")
    second = await send_later(probed, probed.channel("other").id, "second")
    assert statuses(probed, MESSAGES) == [429]  # discord.py holds the second one back
    await probed.advance(seconds=1)
    assert (await first).content == "first" and (await second).content == "second"
    assert probed.calls[-3].response["global"] is True


async def test_the_global_rate_limit_on_the_fake_clock(probed: OfflineDiscord) -> None:
    probed.global_rate_limit(per_second=50)
    before = len(probed.calls)
    rooms = [probed.channel(f"room-{i}").id for i in range(60)]
    tasks = [asyncio.create_task(probed.bot.get_channel(r).send("hi")) for r in rooms]
    await probed.settle()
    assert sum(t.done() for t in tasks) == 50
    assert probed.global_rate_limited > 0
    await probed.advance(seconds=5)
    assert all(t.done() and t.result().content == "hi" for t in tasks)
    per_second = Counter(int(c.fake_at) for c in probed.calls[before:] if c.status == 200)
    assert max(per_second.values()) <= 50
    probed.global_rate_limit(None)


async def test_interaction_replies_are_exempt_from_the_global_limit(
    probed: OfflineDiscord,
) -> None:
    probed.global_rate_limit(per_second=1)
    alice = probed.member("alice")
    replies = [await probed.slash(alice, "help") for _ in range(3)]
    assert all("quizbot commands" in r.text for r in replies)
    probed.global_rate_limit(None)


# -- slow answers ------------------------------------------------------------------------------


async def test_a_slow_answer_arrives_when_the_clock_moves(probed: OfflineDiscord) -> None:
    probed.faults.slow(MESSAGES, seconds=10)
    task = await send_later(probed, probed.channel("general").id, "hello")
    await probed.advance(seconds=9)
    assert not task.done()
    await probed.advance(seconds=1)
    assert (await task).content == "hello"


async def test_an_answer_past_the_timeout_is_a_timeout(probed: OfflineDiscord) -> None:
    probed.faults.slow(MESSAGES, seconds=400)
    task = await send_later(probed, probed.channel("general").id, "hello")
    await probed.advance(minutes=5)
    with pytest.raises(TimeoutError):
        await task
    assert probed.messages(probed.channel("general")) == []


async def test_a_reply_held_past_3_seconds_is_refused(probed: OfflineDiscord) -> None:
    probed.faults.slow(CALLBACK, seconds=4)
    with probed.expect_errors():
        reply = await probed.slash(probed.member("alice"), "help")
        await probed.advance(seconds=4)
    assert reply.message is None
    assert probed.violations[-1].body["code"] == 10062  # Unknown interaction
    probed.violations.clear()
    probed.world.interactions.clear()


async def test_a_followup_fault_in_the_specs_spelling(probed: OfflineDiscord) -> None:
    probed.faults.fail(FOLLOWUP, status=502, times=1)
    reply = await probed.slash(probed.member("alice"), "probe defer")
    assert reply.content == ""  # still "thinking...": discord.py retries after 1 s
    await probed.advance(seconds=1)
    assert reply.content == "done thinking"


# -- permissions and deletions -------------------------------------------------------------


async def test_revoked_send_messages_is_missing_permissions(probed: OfflineDiscord) -> None:
    room = probed.channel("locked")
    probed.revoke(room, "send_messages")
    with pytest.raises(discord.Forbidden) as caught:
        await probed.bot.get_channel(room.id).send("hello")
    assert caught.value.code == 50013


async def test_revoked_view_channel_is_missing_access(probed: OfflineDiscord) -> None:
    room = probed.channel("hidden")
    channel = probed.bot.get_channel(room.id)
    probed.revoke(probed.guild, "view_channel")
    with pytest.raises(discord.Forbidden) as caught:
        await channel.send("hello")
    assert caught.value.code == 50001


async def test_a_deleted_channel_is_unknown(probed: OfflineDiscord) -> None:
    room = probed.channel("doomed")
    channel = probed.bot.get_channel(room.id)
    probed.delete_channel(room)
    with pytest.raises(discord.NotFound) as caught:
        await channel.send("anyone?")
    assert caught.value.code == 10003
    assert probed.bot.get_channel(room.id) is None


async def test_a_deleted_thread_is_unknown(probed: OfflineDiscord) -> None:
    await probed.slash(probed.member("alice"), "probe thread")
    post = probed.messages(probed.channel("general"))[-1]
    assert post.thread is not None
    thread = probed.bot.get_channel(post.thread.id)
    probed.delete_thread(post.thread)
    assert probed.bot.get_channel(post.thread.id) is None  # THREAD_DELETE reached the cache
    with pytest.raises(discord.NotFound) as caught:
        await thread.send("still there?")
    assert caught.value.code == 10003


async def test_a_deleted_message_is_unknown(probed: OfflineDiscord) -> None:
    sent = await probed.bot.get_channel(probed.channel("general").id).send("hello")
    probed.delete_message(probed.world.messages[sent.id])
    with pytest.raises(discord.NotFound) as caught:
        await sent.edit(content="edited")
    assert caught.value.code == 10008


# -- the gateway --------------------------------------------------------------------------------


async def test_a_dropped_gateway_resumes_and_replays_what_it_missed(
    gateway: OfflineDiscord,
) -> None:
    cog = gateway.bot.get_cog("ProbeCog")
    await gateway.drop_gateway(resume=True, hold=True)
    await gateway.say(gateway.member("alice"), gateway.channel("general"), "while away")
    assert cog.seen_messages == []
    await gateway.restore_gateway()
    assert cog.seen_messages == ["while away"]
    assert gateway.gateway is not None
    assert (gateway.gateway.identifies, gateway.gateway.resumes) == (1, 1)
    assert "quizbot commands" in (await gateway.slash(gateway.member("bob"), "help")).text


async def test_a_refused_resume_identifies_afresh(gateway: OfflineDiscord) -> None:
    before = gateway.now
    await gateway.drop_gateway(resume=False)
    assert gateway.gateway is not None
    assert (gateway.gateway.identifies, gateway.gateway.resumes) == (2, 0)
    assert gateway.gateway.session_id == "offline-session-2"  # a new READY
    assert (gateway.now - before).total_seconds() == 5  # discord.py's wait before IDENTIFY
    sent = [p["op"] for p in gateway.gateway.received]
    assert sent.count(6) == 1 and sent.count(2) == 2  # one RESUME refused, a second IDENTIFY
    assert gateway.bot.get_guild(gateway.guild.id) is not None
    assert "quizbot commands" in (await gateway.slash(gateway.member("bob"), "help")).text


async def test_events_during_a_lost_session_are_lost(gateway: OfflineDiscord) -> None:
    cog = gateway.bot.get_cog("ProbeCog")
    await gateway.drop_gateway(resume=False, hold=True)
    await gateway.say(gateway.member("alice"), gateway.channel("general"), "nobody hears")
    await gateway.restore_gateway()
    assert cog.seen_messages == []
    await gateway.say(gateway.member("alice"), gateway.channel("general"), "hello again")
    assert cog.seen_messages == ["hello again"]
