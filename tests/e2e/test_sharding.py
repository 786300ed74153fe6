"""Sharding: the fake Discord sharded as Discord shards, and the work following the shard,
within one process and across two (two bots on one database file)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from bot import logs
from offline import FakeChannel, OfflineDiscord
from tests.helpers import START, TEST_BANK, accept, challenge, posts, rounds_in

SERVERS = 8


def world(db: Path, **options: Any) -> tuple[OfflineDiscord, list[FakeChannel]]:
    """The same servers and channels, with the same ids, however often it is built: each
    build stands for one process looking at the one Discord."""
    d = OfflineDiscord(db_path=db, bank=str(TEST_BANK), start=START, **options)
    channels = [d.channel("daily", guild=d.guild_named(f"group {n}")) for n in range(SERVERS)]
    return d, channels


async def set_up_everywhere(d: OfflineDiscord, channels: list[FakeChannel]) -> None:
    for channel in channels:
        mod = d.member(f"mod-{channel.guild.name}", admin=True, guild=channel.guild)
        reply = await d.slash(mod, "daily setup", channel=channel, time="09:00", timezone="UTC")
        assert "Daily question set" in reply.content, reply.content


async def test_the_bot_takes_discords_recommended_shards_and_sees_each_server_on_its_own(
    tmp_path: Path,
) -> None:
    d, channels = world(tmp_path / "q.db", shard_count=4)
    async with d:
        assert "GET /gateway/bot" in [c.route for c in d.calls]
        assert d.bot.shard_count == 4
        assert {d.shard_of(c.guild) for c in channels} == {0, 1, 2, 3}
        for channel in channels:
            guild = d.bot.get_guild(channel.guild.id)
            assert guild is not None and guild.shard_id == (guild.id >> 22) % 4


async def test_four_shards_on_gateways_post_everywhere_and_a_dropped_shard_resumes_alone(
    tmp_path: Path,
) -> None:
    d, channels = world(tmp_path / "q.db", shard_count=4, gateway=True)
    async with d:
        assert sorted(d.gateways) == [0, 1, 2, 3]
        assert [g.identifies for g in d.gateways.values()] == [1, 1, 1, 1]
        await set_up_everywhere(d, channels)
        on_two = next(c for c in channels if d.shard_of(c.guild) == 2)

        await d.drop_gateway(resume=True, hold=True, shard=2)
        renamed = d.channel("renamed-while-down", guild=on_two.guild)  # an event it misses
        await d.advance(hours=1, minutes=1)  # 09:01: posts go out over REST meanwhile
        await d.restore_gateway(shard=2)

        assert [(g.identifies, g.resumes) for g in d.gateways.values()] == [
            (1, 0), (1, 0), (1, 1), (1, 0)
        ]  # fmt: skip
        assert d.bot.get_channel(renamed.id) is not None  # replayed on RESUME
        for channel in channels:
            assert len(posts(d, channel)) == 1, channel.guild.name
        member = d.member("alice", guild=on_two.guild)
        assert "quizbot commands" in (await d.slash(member, "help")).text


async def test_a_duel_in_a_server_of_every_shard_is_challenged_played_and_won(
    tmp_path: Path,
) -> None:
    """Four duels at once, one per shard: each challenge, click and round timer goes through
    its own shard's connection and lands in its own thread."""
    d, channels = world(tmp_path / "q.db", shard_count=4, gateway=True)
    async with d:
        arenas = [next(c for c in channels if d.shard_of(c.guild) == n) for n in range(4)]
        duels = []
        for n, channel in enumerate(arenas):
            alice = d.member(f"alice-{n}", guild=channel.guild)
            bob = d.member(f"bob-{n}", guild=channel.guild)
            reply = await challenge(d, alice, bob, rounds=3)
            assert "challenges" in reply.text, reply.text
            thread = await accept(d, reply, bob)
            assert thread.guild is channel.guild
            duels.append((alice, bob, thread))
        for _ in range(3):  # the rounds of all four run side by side
            questions = [rounds_in(d, thread)[-1] for _, _, thread in duels]
            await d.advance(seconds=2)
            for (alice, _, _), question in zip(duels, questions, strict=True):
                assert "Locked in" in (await d.click(alice, question, label="True")).content
            await d.advance(seconds=1)
            for (_, bob, _), question in zip(duels, questions, strict=True):
                assert "Locked in" in (await d.click(bob, question, label="False")).content
        for n, (alice, bob, thread) in enumerate(duels):
            assert len(rounds_in(d, thread)) == 3, n
            assert f"{alice.name} wins" in d.messages(thread)[-1].text(), n
            rating = await d.slash(bob, "duel rating")
            assert "0W 1L 0D" in rating.text, n


async def test_two_processes_each_post_their_own_servers_and_every_server_once(
    tmp_path: Path,
) -> None:
    db = tmp_path / "q.db"
    one, channels = world(db)
    async with one:  # one process, one shard: every server set up
        await set_up_everywhere(one, channels)

    # Grown past one shard: two processes, shards 0 and 1 of 2, on the same database file.
    first, first_channels = world(db, shard_count=2, shard_ids=[0])
    second, second_channels = world(db, shard_count=2, shard_ids=[1])
    assert [c.id for c in first_channels] == [c.id for c in channels]
    async with first, second:
        assert {first.shard_of(c.guild) for c in channels} == {0, 1}
        # Each process sees only the servers of its own shard.
        assert first.bot.guilds and all(first.owns(g.id) for g in first.bot.guilds)
        assert second.bot.guilds and all(second.owns(g.id) for g in second.bot.guilds)
        await first.advance(hours=1, minutes=1)
        await second.advance(hours=1, minutes=1)
        for mine, theirs in zip(first_channels, second_channels, strict=True):
            owner, other = (mine, theirs) if first.owns(mine.guild) else (theirs, mine)
            by = first if owner is mine else second
            assert len(posts(by, owner)) == 1, owner.guild.name
            assert posts(second if by is first else first, other) == []


async def test_a_server_run_by_two_processes_at_once_is_still_posted_once(
    tmp_path: Path,
) -> None:
    """The moment a shard moves: the old process has not stopped yet and the new one already
    runs the server. The claim on the day's post lets only one of them post it."""
    db = tmp_path / "q.db"
    one, channels = world(db)
    async with one:
        await set_up_everywhere(one, channels)
    old, old_channels = world(db)
    new, new_channels = world(db)
    async with old, new:
        await old.advance(hours=1, minutes=1)
        await new.advance(hours=1, minutes=1)
        for a, b in zip(old_channels, new_channels, strict=True):
            assert len(posts(old, a)) + len(posts(new, b)) == 1, a.guild.name
        await new.advance(days=1)
        await old.advance(days=1)
        for a, b in zip(old_channels, new_channels, strict=True):
            assert len(posts(old, a)) + len(posts(new, b)) == 2, a.guild.name


async def test_log_lines_name_the_shard_of_their_server(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """What an operator reads in the log of a sharded bot: each gateway line, and each line a
    server's daily work writes, says which shard it came from."""
    caplog.set_level(logging.INFO)
    logs.install([caplog.handler])  # as `quizbot run` installs it on its own handler
    d, channels = world(tmp_path / "q.db", shard_count=4, gateway=True)
    async with d:
        await set_up_everywhere(d, channels)
        lost = next(c for c in channels if d.shard_of(c.guild) == 3)
        d.delete_channel(lost)  # its daily post fails, and says so in the log
        await d.advance(hours=1, minutes=1)
    lines = [logging.Formatter(logs.FORMAT).format(r) for r in caplog.records]
    for shard in range(4):
        assert any(f"bot.client shard={shard}: Shard {shard} connected" in x for x in lines)
    failed = [x for x in lines if f"Daily post in guild {lost.guild.id} failed" in x]
    assert failed and all("cogs.daily.posting shard=3: " in x for x in failed), failed
    assert any("bot.client: Shards: all of 4" in x for x in lines)  # start-up: no shard yet
