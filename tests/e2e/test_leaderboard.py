"""/leaderboard and /stats through the real bot, on a known data set."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from db.answers import LoggedAnswer, log_answer
from db.members import remember_member
from offline import FakeMember, OfflineDiscord
from offline.world import LOADING
from tests.helpers import TEST_BANK, board_lines

# Wednesday 2026-01-14 12:00 UTC; the server's zone is New York (UTC-5 in January).
NOW = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)
MONDAY_NY = datetime(2026, 1, 12, 5, 0, tzinfo=UTC)  # Monday 00:00 in New York


@pytest.fixture
async def board(tmp_path: Path) -> AsyncIterator[OfflineDiscord]:
    async with OfflineDiscord(db_path=tmp_path / "q.db", bank=str(TEST_BANK), start=NOW) as d:
        await d.slash(
            d.member("mod", admin=True), "daily setup", channel=d.channel("daily"),
            time="09:00", timezone="America/New_York",
        )  # fmt: skip
        yield d


async def add_answers(
    d: OfflineDiscord,
    member: FakeMember,
    when: datetime,
    *,
    points: int = 10,
    correct: bool = True,
    count: int = 1,
    context: str = "daily",
    topic: str = "rag",
) -> None:
    async with d.db.transaction() as tx:
        await remember_member(tx, member.guild.id, member.id, member.name, when.timestamp())
        for _ in range(count):
            await log_answer(
                tx,
                LoggedAnswer(member.guild.id, member.id, "t-quick-short", topic, context, None,
                             "reply", correct, 1.0 if correct else 0.0, points, when.timestamp()),
            )  # fmt: skip


async def test_points_week_boundary_in_the_server_time_zone(board: OfflineDiscord) -> None:
    alice, bob, carol = (board.member(n) for n in ("alice", "bob", "carol"))
    await add_answers(board, alice, MONDAY_NY + timedelta(minutes=1), points=10)
    await add_answers(board, bob, MONDAY_NY - timedelta(minutes=1), points=50)  # Sunday, NY
    await add_answers(board, bob, MONDAY_NY + timedelta(hours=5), points=10)
    await add_answers(board, carol, MONDAY_NY + timedelta(days=1), points=25)
    week = await board.slash(alice, "leaderboard", board="points", period="week")
    assert not week.ephemeral
    assert board_lines(week.text) == [
        "`# 1` **carol** · 25 pts",
        "`# 2` **alice** · 10 pts",
        "`# 2` **bob** · 10 pts",  # a tie shares the rank
    ]
    month = await board.slash(alice, "leaderboard", board="points", period="month")
    assert board_lines(month.text)[0] == "`# 1` **bob** · 60 pts"


async def test_practice_and_duel_answers_do_not_feed_the_points_board(
    board: OfflineDiscord,
) -> None:
    alice, bob = board.member("alice"), board.member("bob")
    await add_answers(board, alice, NOW, points=5)
    await add_answers(board, bob, NOW, points=40, context="practice")
    reply = await board.slash(alice, "leaderboard", board="points", period="all")
    # bob took part, so he is ranked, but his practice earns no board points.
    assert board_lines(reply.text) == ["`# 1` **alice** · 5 pts", "`# 2` **bob** · 0 pts"]
    assert "Daily-question points, all time" in reply.text


async def test_accuracy_needs_ten_answers(board: OfflineDiscord) -> None:
    alice, bob = board.member("alice"), board.member("bob")
    await add_answers(board, alice, NOW, count=8)
    await add_answers(board, alice, NOW, count=2, correct=False)
    await add_answers(board, bob, NOW, count=9)  # one short
    reply = await board.slash(bob, "leaderboard", board="accuracy", period="all")
    assert board_lines(reply.text) == ["`# 1` **alice** · 80% (8/10)"]
    assert "needs 10 graded answers" in reply.text


async def test_ratings_list_provisional_players_apart(board: OfflineDiscord) -> None:
    alice, bob, carol = board.member("alice"), board.member("bob"), board.member("carol")
    for member in (alice, bob, carol):
        await add_answers(board, member, NOW, points=0)
    rows = [(alice, 1700.0, 60.0), (bob, 1550.0, 90.0), (carol, 1600.0, 300.0)]
    for member, rating, rd in rows:
        await board.db.write(
            "INSERT INTO ratings (guild_id, user_id, rating, rd, volatility, last_played_at) "
            "VALUES (?, ?, ?, ?, 0.06, ?)",
            (member.guild.id, member.id, rating, rd, NOW.timestamp()),
        )
    reply = await board.slash(carol, "leaderboard", board="rating")
    assert board_lines(reply.text)[:2] == ["`# 1` **alice** · 1700 ±60", "`# 2` **bob** · 1550 ±90"]
    assert "Provisional" in reply.text and "**carol** · 1600 ±300" in reply.text
    assert "Your rating is provisional" in reply.text


async def test_members_who_answered_with_no_points_are_ranked(board: OfflineDiscord) -> None:
    members = [board.member(f"m{i:02}") for i in range(12)]
    for member in members:
        await add_answers(board, member, NOW, points=0, correct=False)
    reply = await board.slash(members[0], "leaderboard", period="all")
    assert "Nobody" not in reply.text
    assert board_lines(reply.text)[:2] == ["`# 1` **m00** · 0 pts", "`# 1` **m01** · 0 pts"]
    assert "Your rank: #1 of 12 · 0 pts" in reply.text


async def test_a_rating_board_of_provisional_players_says_so(board: OfflineDiscord) -> None:
    alice, bob = board.member("alice"), board.member("bob")
    for member in (alice, bob):
        await add_answers(board, member, NOW, points=0)  # remembers their names
        await board.db.write(
            "INSERT INTO ratings (guild_id, user_id, rating, rd, volatility, last_played_at) "
            "VALUES (?, ?, 1500, 300, 0.06, ?)",
            (member.guild.id, member.id, NOW.timestamp()),
        )
    reply = await board.slash(alice, "leaderboard", board="rating")
    assert "Nobody" not in reply.text and "every player so far is provisional" in reply.text
    assert "**alice** · 1500 ±300" in reply.text and "**bob** · 1500 ±300" in reply.text
    assert "Duel ratings, with their uncertainty" in reply.text


async def test_streak_board_drops_broken_streaks(board: OfflineDiscord) -> None:
    alice, bob = board.member("alice"), board.member("bob")
    guild = alice.guild.id
    await add_answers(board, alice, NOW, points=0)
    await add_answers(board, bob, NOW, points=0)
    await board.db.write(
        "INSERT INTO daily_posts (guild_id, channel_id, item_id, sequence, reveal, posted_at, "
        "closes_at, revealed_at) VALUES (?, 1, 't-rot-1', 4, 'at_close', 0, 1, 1)",
        (guild,),
    )
    for member, current, last in [(alice, 3, 4), (bob, 7, 3)]:
        await board.db.write(
            "INSERT INTO daily_streaks VALUES (?, ?, ?, ?, ?)",
            (guild, member.id, current, current, last),
        )
    reply = await board.slash(bob, "leaderboard", board="streak")
    assert board_lines(reply.text) == ["`# 1` **alice** · 3 days"]  # bob missed post 4


async def test_pages_buttons_only_for_the_caller_and_own_rank_off_page(
    board: OfflineDiscord,
) -> None:
    members = [board.member(f"m{i:02}") for i in range(25)]
    for i, member in enumerate(members):
        await add_answers(board, member, NOW, points=100 - i)
    last = members[-1]
    reply = await board.slash(last, "leaderboard", period="all")
    assert len(board_lines(reply.text)) == 10
    assert "Your rank: #25 of 25 · 76 pts" in reply.text
    assert [b["label"] for b in reply.message.buttons()] == ["◀", "▶"]
    refused = await board.click(members[0], reply.message, label="▶")
    assert refused.ephemeral and "Only the person who ran the command" in refused.content
    await board.click(last, reply.message, label="▶")
    await board.click(last, reply.message, label="▶")
    assert board_lines(reply.message.text())[0] == "`#21` **m20** · 80 pts"
    assert reply.message.buttons()[1].get("disabled")  # no page after the last
    await board.advance(minutes=3, seconds=1)
    assert all(b.get("disabled") for b in reply.message.buttons())


async def test_empty_board(board: OfflineDiscord) -> None:
    reply = await board.slash(board.member("alice"), "leaderboard")
    assert "Nobody has answered yet" in reply.text and "not on this board yet" in reply.text
    assert "Daily-question points, this week" in reply.text
    assert reply.message.buttons() == []


async def test_stats_numbers_and_card(board: OfflineDiscord) -> None:
    alice = board.member("alice")
    await add_answers(board, alice, NOW - timedelta(days=2), points=11, topic="rag", count=3)
    await add_answers(board, alice, NOW, points=0, correct=False, topic="sampling")
    await add_answers(board, alice, NOW, points=0, topic="sampling", context="practice")
    await board.db.write(
        "INSERT INTO ratings VALUES (?, ?, 1612.4, 80.0, 0.06, 2, 1, 1, ?)",
        (alice.guild.id, alice.id, NOW.timestamp()),
    )
    reply = await board.slash(alice, "stats")
    # Acknowledged at once as "thinking...", which the card then replaces in place.
    assert reply.interaction.response_type == 5
    assert reply.message is reply.interaction.original and not reply.followups
    assert not reply.message.flags & LOADING
    text = reply.text
    assert reply.ephemeral
    assert "Points\n33" in text  # 3 x 11 daily points; practice earns none
    assert "5 (80% right)" in text
    assert "2W 1L 1D · rating 1612 (±80)" in text
    assert "rag: 3/3 (100%)" in text and "sampling: 1/2 (50%)" in text
    (card,) = reply.files
    assert card.filename == "stats.png" and card.data[:4] == b"\x89PNG"
    assert reply.embeds[0].image.url == "attachment://stats.png"


async def test_stats_of_another_member_with_no_history(board: OfflineDiscord) -> None:
    reply = await board.slash(board.member("alice"), "stats", member=board.member("bob"))
    assert "bob: stats" in reply.text and "Answers\n0" in reply.text
    assert "none yet" in reply.text
