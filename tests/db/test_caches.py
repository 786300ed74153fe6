"""The row caches: bounded, and never out of step with what the database holds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from db import answers, daily, guilds, members, privacy
from db.cache import LruCache
from db.database import Database

GUILD, USER = 10, 20


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database(tmp_path / "q.db") as database:
        await database.migrate()
        yield database


async def stored_name(db: Database) -> str | None:
    return (await members.display_names(db, GUILD, [USER])).get(USER)


def test_lru_cache_drops_the_least_recently_used_entry() -> None:
    cache: LruCache[str, int] = LruCache("test", max_size=2)
    cache["a"], cache["b"] = 1, 2
    assert cache["a"] == 1  # "a" is now the most recent
    cache["c"] = 3
    assert "b" not in cache and cache.get("a") == 1 and cache.get("c") == 3
    assert len(cache) == 2
    assert cache.discard_where(lambda key: key == "a") == 1
    assert list(map(cache.get, ["a", "c"])) == [None, 3]


async def test_caches_stay_within_their_bounds(db: Database) -> None:
    for guild_id in range(answers.ZONES.max_size + 5):
        answers.remember_zone(db, guild_id, "Europe/Berlin")
    assert db.caches.sizes()["guild zones"] == answers.ZONES.max_size
    assert await answers.guild_zone(db, db, 0) == "UTC"  # pushed out, so read again


async def test_changed_setting_is_read_back(db: Database) -> None:
    assert await guilds.get_settings(db, GUILD) == {}
    await guilds.set_setting(db, GUILD, "levels", ["beginner"], now=1.0)
    assert await guilds.get_settings(db, GUILD) == {"levels": ["beginner"]}
    await guilds.reset_setting(db, GUILD, "levels")
    assert await guilds.get_settings(db, GUILD) == {}


async def test_a_name_written_in_a_rolled_back_transaction_is_written_again(
    db: Database,
) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await members.remember_member(tx, GUILD, USER, "alice", now=1.0)
            raise RuntimeError("the rest of the write failed")
    assert await stored_name(db) is None
    await members.remember_members(db, GUILD, {USER: "alice"}, now=2.0)
    assert await stored_name(db) == "alice"


async def test_forgotten_member_is_stored_afresh_on_return(db: Database) -> None:
    await members.remember_members(db, GUILD, {USER: "alice"}, now=1.0)
    await privacy.forget_member(db, GUILD, USER)
    assert await stored_name(db) is None
    await members.remember_members(db, GUILD, {USER: "alice"}, now=2.0)
    assert await stored_name(db) == "alice"


async def test_forgotten_member_has_no_cached_streak(db: Database) -> None:
    post = await daily.create_post(
        db, guild_id=GUILD, channel_id=1, item_id="q1", reveal="after",
        posted_at=1.0, closes_at=100.0, new_rotation=True,
    )  # fmt: skip
    await daily.record_answer(
        db, post=post, user_id=USER, display_name="alice", topic="t", reply="yes",
        correct=True, score=1.0, answered_at=2.0,
        streak_after=lambda previous, sequence: daily.StreakRow(1, 1, sequence),
        points_for_streak=lambda current: 10,
    )  # fmt: skip
    assert await daily.get_streak(db, GUILD, USER) == daily.StreakRow(1, 1, post.sequence)
    await privacy.forget_member(db, GUILD, USER)
    assert await daily.get_streak(db, GUILD, USER) is None


async def test_post_read_before_its_message_is_stored_sees_the_message(db: Database) -> None:
    post = await daily.create_post(
        db, guild_id=GUILD, channel_id=1, item_id="q1", reveal="after",
        posted_at=1.0, closes_at=100.0, new_rotation=True,
    )  # fmt: skip
    cached = await daily.get_post(db, post.post_id)
    assert cached is not None and cached.message_id is None
    await daily.set_post_message(db, post.post_id, 555)
    stored = await daily.get_post(db, post.post_id)
    assert stored is not None and stored.message_id == 555
