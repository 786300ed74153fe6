"""Duels against a Discord that fails: each test names its fault through the fake, and no
fault leaves a round without its timer or a player stuck in a match."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from offline import FakeChannel, FakeMember, OfflineDiscord
from tests.helpers import START, TEST_BANK, accept, challenge, rounds_in

MESSAGES = "POST /channels/{channel_id}/messages"
THREADS = "POST /channels/{channel_id}/messages/{message_id}/threads"


@pytest.fixture
async def arena(tmp_path: Path) -> AsyncIterator[OfflineDiscord]:
    async with OfflineDiscord(db_path=tmp_path / "q.db", bank=str(TEST_BANK), start=START) as d:
        yield d


async def state(d: OfflineDiscord) -> str:
    return str(await d.db.fetchval("SELECT state FROM duels ORDER BY duel_id DESC LIMIT 1"))


def results_in(d: OfflineDiscord, thread: FakeChannel) -> list[str]:
    titles = [m.embeds[0].title for m in d.messages(thread) if m.embeds]
    return [t for t in titles if t.startswith("Round ") and ":" in t]


async def answer(d: OfflineDiscord, member: FakeMember, thread: FakeChannel) -> str:
    ack = await d.click(member, rounds_in(d, thread)[-1], label="True")
    assert ack.ephemeral
    return ack.content


async def both_free(d: OfflineDiscord, alice: FakeMember, bob: FakeMember) -> None:
    again = await challenge(d, alice, bob)
    assert not again.ephemeral and "challenges" in again.text, again.text


async def test_one_503_on_a_round_question_still_gives_the_round(arena: OfflineDiscord) -> None:
    alice, bob = arena.member("alice"), arena.member("bob")
    reply = await challenge(arena, alice, bob)
    arena.faults.fail(MESSAGES, status=503, times=1)  # the next message is round 1's question
    thread = await accept(arena, reply, bob)
    assert rounds_in(arena, thread) == []
    await arena.advance(seconds=5)  # the first retry
    assert [m.embeds[0].title for m in rounds_in(arena, thread)] == ["Round 1/5"]
    await arena.advance(seconds=2)
    # The round's seconds count from the question the players saw, not the refused send.
    assert "after 2.0 s" in await answer(arena, alice, thread)
    assert "after 2.0 s" in await answer(arena, bob, thread)
    assert len(results_in(arena, thread)) == 1 and len(rounds_in(arena, thread)) == 2
    assert await state(arena) == "active"


async def test_a_503_and_a_429_storm_on_round_results_still_give_every_round(
    arena: OfflineDiscord,
) -> None:
    alice, bob = arena.member("alice"), arena.member("bob")
    thread = await accept(arena, await challenge(arena, alice, bob, rounds=3), bob)
    arena.faults.fail(MESSAGES, status=503, times=1, channel=thread)
    await arena.advance(seconds=20)  # round 1 times out; its result is refused once
    assert results_in(arena, thread) == []
    await arena.advance(seconds=5)
    assert len(results_in(arena, thread)) == 1 and len(rounds_in(arena, thread)) == 2
    # Past discord.py's own five tries on a 429, then ours.
    arena.faults.rate_limit(MESSAGES, retry_after=2.0, times=6, channel=thread)
    await answer(arena, alice, thread)
    await answer(arena, bob, thread)
    await arena.advance(seconds=30)
    assert len(results_in(arena, thread)) == 2 and len(rounds_in(arena, thread)) == 3
    await answer(arena, alice, thread)
    await answer(arena, bob, thread)
    final = arena.messages(thread)[-1]
    assert final.embeds and ("wins" in final.embeds[0].title or "Draw" in final.embeds[0].title)
    assert await state(arena) == "finished"
    await both_free(arena, alice, bob)


async def test_a_persistent_503_ends_the_duel_as_abandoned_and_frees_both(
    arena: OfflineDiscord,
) -> None:
    alice, bob = arena.member("alice"), arena.member("bob")
    thread = await accept(arena, await challenge(arena, alice, bob), bob)
    arena.faults.fail(MESSAGES, status=503, times=None, channel=thread)
    await arena.advance(seconds=20 + 60)
    assert await state(arena) == "active"  # still retrying inside its two minutes
    await arena.advance(seconds=60)
    assert await state(arena) == "abandoned"
    assert results_in(arena, thread) == []
    # The thread refuses everything: the players are told in the channel it hangs off.
    notice = arena.messages(arena.channel("general"))[-1].content
    assert "abandoned" in notice and f"<@{alice.id}>" in notice and f"<@{bob.id}>" in notice
    late = await arena.click(alice, rounds_in(arena, thread)[-1], label="True")
    assert "This round is over" in late.content
    arena.faults.clear()
    await arena.advance(minutes=10)  # no timer or guard left to act on the ended match
    assert results_in(arena, thread) == [] and await state(arena) == "abandoned"
    await both_free(arena, alice, bob)


async def test_a_round_result_slower_than_the_timeout_ends_the_duel_cleanly(
    arena: OfflineDiscord,
) -> None:
    alice, bob = arena.member("alice"), arena.member("bob")
    thread = await accept(arena, await challenge(arena, alice, bob), bob)
    arena.faults.slow(MESSAGES, seconds=400, channel=thread)
    await arena.advance(seconds=20)  # the round closes; its result hangs
    assert await state(arena) == "active"
    await arena.advance(seconds=300)  # aiohttp gives up after 300 s: past the duel's window
    assert await state(arena) == "abandoned"
    notice = arena.messages(thread)[-1].content
    assert "abandoned" in notice and f"<@{alice.id}>" in notice
    assert len(rounds_in(arena, thread)) == 1
    await both_free(arena, alice, bob)


async def test_a_503_opening_the_thread_is_retried(arena: OfflineDiscord) -> None:
    alice, bob = arena.member("alice"), arena.member("bob")
    reply = await challenge(arena, alice, bob)
    arena.faults.fail(THREADS, status=503, times=1)
    await arena.click(bob, reply.message, label="Accept")
    assert reply.message is not None and reply.message.thread is None
    await arena.advance(seconds=5)
    thread = reply.message.thread
    assert thread is not None and len(rounds_in(arena, thread)) == 1
    assert thread.mention in reply.message.text()  # the challenge says where to play


async def test_a_thread_that_cannot_be_opened_for_two_minutes_ends_the_duel(
    arena: OfflineDiscord,
) -> None:
    alice, bob = arena.member("alice"), arena.member("bob")
    reply = await challenge(arena, alice, bob)
    arena.faults.fail(THREADS, status=503, times=None)
    await arena.click(bob, reply.message, label="Accept")
    await arena.advance(minutes=3)
    assert await state(arena) == "abandoned"
    assert "abandoned" in arena.messages(arena.channel("general"))[-1].content
    await both_free(arena, alice, bob)


async def test_a_restart_while_a_round_is_retried_cancels_the_match(
    arena: OfflineDiscord,
) -> None:
    alice, bob = arena.member("alice"), arena.member("bob")
    thread = await accept(arena, await challenge(arena, alice, bob), bob)
    arena.faults.fail(MESSAGES, status=503, times=3, channel=thread)
    await arena.advance(seconds=21)  # round 1's result refused, a retry pending
    await arena.restart()
    await arena.advance(minutes=5)
    assert await state(arena) == "cancelled"
    assert "interrupted" in arena.messages(thread)[-1].content
    assert results_in(arena, thread) == []  # the old process's retry died with it
    await both_free(arena, alice, bob)
