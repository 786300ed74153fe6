"""The duel cog's per-duel locks: turns are taken in order and nothing is kept afterwards."""

from __future__ import annotations

import asyncio

import pytest

from bot.locks import KeyedLocks


async def test_holders_of_one_key_take_turns_and_the_lock_is_dropped_after() -> None:
    locks = KeyedLocks()
    order: list[str] = []
    first_in = asyncio.Event()
    release_first = asyncio.Event()

    async def first() -> None:
        async with locks.hold(7):
            order.append("first in")
            first_in.set()
            await release_first.wait()
            order.append("first out")

    async def second() -> None:
        await first_in.wait()
        async with locks.hold(7):
            order.append("second in")

    tasks = [asyncio.create_task(first()), asyncio.create_task(second())]
    await first_in.wait()
    await asyncio.sleep(0)  # let the second holder start waiting on the lock
    assert len(locks) == 1
    release_first.set()
    await asyncio.gather(*tasks)
    assert order == ["first in", "first out", "second in"]
    assert len(locks) == 0


async def test_many_finished_duels_leave_no_locks_behind() -> None:
    locks = KeyedLocks()
    for duel_id in range(1000):
        async with locks.hold(duel_id):
            pass
    assert len(locks) == 0


async def test_a_failing_holder_releases_its_lock() -> None:
    locks = KeyedLocks()
    with pytest.raises(RuntimeError):
        async with locks.hold(1):
            raise RuntimeError("boom")
    assert len(locks) == 0
    async with locks.hold(1):
        assert len(locks) == 1
