"""The cards as members get them: /leaderboard's card, the duel result card, the text that
stays when a card cannot be drawn. Through the real bot and the fake Discord."""

from __future__ import annotations

import struct
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cogs import cardkit
from cogs.duel import card as duel_card
from cogs.leaderboard import board_card, cards
from db.answers import LoggedAnswer, log_answer
from db.members import remember_member
from offline import FakeMember, OfflineDiscord
from offline.world import FakeAttachment
from tests.helpers import START, TEST_BANK, accept, board_lines, challenge, rounds_in

NOW = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)
MESSAGES = "POST /channels/{channel_id}/messages"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (after checking that it is a PNG)."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.fixture
async def board(tmp_path: Path) -> AsyncIterator[OfflineDiscord]:
    async with OfflineDiscord(db_path=tmp_path / "q.db", bank=str(TEST_BANK), start=NOW) as d:
        yield d


async def add_points(d: OfflineDiscord, member: FakeMember, points: float) -> None:
    async with d.db.transaction() as tx:
        await remember_member(tx, member.guild.id, member.id, member.name, NOW.timestamp())
        await log_answer(
            tx,
            LoggedAnswer(member.guild.id, member.id, "t-quick-short", "rag", "daily", None,
                         "reply", True, 1.0, points, NOW.timestamp()),  # type: ignore[arg-type]
        )  # fmt: skip


def only_card(files: list[FakeAttachment], filename: str) -> bytes:
    assert [f.filename for f in files] == [filename]
    return files[0].data


async def test_the_leaderboard_answers_with_its_text_board_and_a_card(
    board: OfflineDiscord,
) -> None:
    members = [board.member(f"member{i:02d}") for i in range(3)]
    for points, member in zip((30, 20, 10), members, strict=True):
        await add_points(board, member, points)
    reply = await board.slash(members[1], "leaderboard", board="points", period="week")
    assert board_lines(reply.text)[0] == "`# 1` **member00** · 30 pts"  # the text board stays
    png = only_card(reply.files, board_card.FILENAME)
    width, height = png_size(png)
    assert width == cardkit.WIDTH_PX
    # Three rows, the caller among them: no row added below.
    expected = cards.BoardCardData("", "", [cards.BoardEntry(1, 1, "x", 1, "")] * 3, 1)
    assert height == round(cards.board_height(expected) * cardkit.DPI)
    assert len(png) > 20_000  # a drawn card, not an empty canvas


async def test_a_caller_below_the_top_ten_is_added_under_it(board: OfflineDiscord) -> None:
    members = [board.member(f"member{i:02d}") for i in range(12)]
    for points, member in enumerate(reversed(members), start=1):
        await add_points(board, member, points * 10)
    inside = await board.slash(members[0], "leaderboard", board="points", period="week")
    last = await board.slash(members[-1], "leaderboard", board="points", period="week")
    assert "Your rank: #12 of 12" in last.text
    _, top_only = png_size(only_card(inside.files, board_card.FILENAME))
    _, with_caller = png_size(only_card(last.files, board_card.FILENAME))
    added = (cards.BOARD_ROW + cards.BOARD_GAP) * cardkit.DPI
    assert with_caller - top_only == pytest.approx(added, abs=1)


async def test_an_empty_board_has_no_card(board: OfflineDiscord) -> None:
    reply = await board.slash(board.member("alice"), "leaderboard", board="rating")
    assert "No settled rating yet" in reply.text
    assert reply.files == []


async def test_a_card_that_cannot_be_drawn_leaves_the_text_board(board: OfflineDiscord) -> None:
    # Infinite points are stored as SQLite stores them, but no bar can be that long.
    alice, bob = board.member("alice"), board.member("bob")
    await add_points(board, alice, float("inf"))
    await add_points(board, bob, 5)
    with board.expect_errors() as errors:
        reply = await board.slash(bob, "leaderboard", board="points", period="all")
    assert board_lines(reply.text) == ["`# 1` **alice** · inf pts", "`# 2` **bob** · 5 pts"]
    assert reply.files == []
    assert [e.getMessage() for e in errors] == [
        "The 'Points · all time' leaderboard card could not be drawn; the text board stays alone"
    ]


# -- the duel result card ---------------------------------------------------------------------


@pytest.fixture
async def arena(tmp_path: Path) -> AsyncIterator[OfflineDiscord]:
    async with OfflineDiscord(db_path=tmp_path / "q.db", bank=str(TEST_BANK), start=START) as d:
        yield d


async def test_the_duel_result_carries_its_card(arena: OfflineDiscord) -> None:
    alice, bob = arena.member("alice"), arena.member("bob")
    thread = await accept(arena, await challenge(arena, alice, bob, rounds=3), bob)
    for alice_at, bob_label in ((2, "True"), (4, "False"), (6, "True")):
        message = rounds_in(arena, thread)[-1]
        await arena.advance(seconds=alice_at)
        await arena.click(alice, message, label="True")
        await arena.click(bob, message, label=bob_label)
    final = arena.messages(thread)[-1]
    assert "alice wins" in final.text()
    assert final.embeds[0].image.url == f"attachment://{duel_card.FILENAME}"
    png = only_card(final.attachments, duel_card.FILENAME)
    assert png_size(png) == (cardkit.WIDTH_PX, round(duel_card.HEIGHT * cardkit.DPI))
    assert len(png) > 20_000
    # What the card shows, read back from the stored duel.
    duel_id = await arena.db.fetchval("SELECT duel_id FROM duels")
    data = await duel_card.card_data(arena.bot, duel_id)
    assert data is not None and data.title == "alice wins"
    assert [p.name for p in data.players] == ["alice", "bob"]
    assert [[a is not None and a.correct for a in pair] for pair in data.rounds] == [
        [True, True], [True, False], [True, True]
    ]  # fmt: skip
    assert data.players[0].change is not None and data.players[0].change > 0


async def test_a_retried_result_sends_the_whole_card_again(arena: OfflineDiscord) -> None:
    # A forfeit sends the final board alone; Discord refuses its first try, the second goes.
    alice, bob = arena.member("alice"), arena.member("bob")
    thread = await accept(arena, await challenge(arena, alice, bob), bob)
    arena.faults.fail(MESSAGES, status=503, times=1, channel=thread)
    await arena.slash(bob, "duel forfeit")
    await arena.advance(seconds=6)
    final = arena.messages(thread)[-1]
    assert "alice wins by forfeit" in final.text()
    png = only_card(final.attachments, duel_card.FILENAME)
    assert png_size(png)[0] == cardkit.WIDTH_PX and len(png) > 20_000
