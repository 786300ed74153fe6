"""One broken record hurts one match or one server: a deleted duel thread, a 403 in a thread."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from offline import OfflineDiscord
from tests.helpers import START, TEST_BANK, accept, challenge


@pytest.fixture
async def arena(tmp_path: Path) -> AsyncIterator[OfflineDiscord]:
    async with OfflineDiscord(db_path=tmp_path / "q.db", bank=str(TEST_BANK), start=START) as d:
        yield d


async def test_a_deleted_duel_thread_frees_both_players(arena: OfflineDiscord) -> None:
    alice, bob = arena.member("alice"), arena.member("bob")
    thread = await accept(arena, await challenge(arena, alice, bob), bob)
    arena.delete_thread(thread)
    await arena.settle()
    assert await arena.db.fetchval("SELECT state FROM duels") == "abandoned"
    await arena.advance(seconds=60)  # the round timer finds nothing left to do
    again = await challenge(arena, alice, bob)
    assert "challenges" in again.text and "already in a duel" not in again.text


async def test_a_duel_thread_the_bot_lost_access_to_ends_as_abandoned(
    arena: OfflineDiscord,
) -> None:
    alice, bob = arena.member("alice"), arena.member("bob")
    thread = await accept(arena, await challenge(arena, alice, bob), bob)
    arena.revoke(arena.channel("general"), "send_messages", "send_messages_in_threads")
    await arena.advance(seconds=25)  # the round closes, its result cannot be sent
    assert await arena.db.fetchval("SELECT state FROM duels") == "abandoned"
    assert thread is not None
    carol = arena.member("carol")
    again = await challenge(arena, carol, bob)
    assert "already in a duel" not in again.text
