"""The bot's scheduler on the fake clock: owners, replacement, overdue work, failures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from datetime import timedelta

import apscheduler.executors.base
import apscheduler.schedulers.base
import pytest

from offline import OfflineDiscord


def recorder(
    d: OfflineDiscord, fired: list[tuple[str, dt.datetime]]
) -> Callable[[str], Awaitable[None]]:
    async def job(name: str) -> None:
        fired.append((name, d.bot.clock.now()))

    return job


async def test_each_owner_keeps_its_own_keys(offline: OfflineDiscord) -> None:
    fired: list[tuple[str, dt.datetime]] = []
    job = recorder(offline, fired)
    daily, duel = offline.bot.scheduler.owner("daily"), offline.bot.scheduler.owner("duel")
    at = offline.now + timedelta(minutes=5)
    daily.at("x", at, job, "daily x")
    duel.at("x", at, job, "duel x")  # the same key, another owner: a separate job
    assert daily.keys() == ["x"] and duel.keys() == ["x"]
    assert daily.cancel_all() == 1
    await offline.advance(minutes=10)
    assert fired == [("duel x", at)]
    assert offline.bot.scheduler.job_ids() == []


async def test_same_key_replaces_the_earlier_job(offline: OfflineDiscord) -> None:
    fired: list[tuple[str, dt.datetime]] = []
    job = recorder(offline, fired)
    jobs = offline.bot.scheduler.owner("probe")
    jobs.at("k", offline.now + timedelta(minutes=5), job, "first")
    later = offline.now + timedelta(minutes=20)
    jobs.at("k", later, job, "second")
    assert jobs.next_run("k") == later
    await offline.advance(minutes=10)
    assert fired == []
    await offline.advance(minutes=10)
    assert fired == [("second", later)]
    assert jobs.next_run("k") is None


async def test_overdue_job_runs_without_the_clock_moving(offline: OfflineDiscord) -> None:
    fired: list[tuple[str, dt.datetime]] = []
    offline.bot.scheduler.owner("probe").at(
        "late", offline.now - timedelta(hours=3), recorder(offline, fired), "late"
    )
    await offline.settle()
    assert fired == [("late", offline.now)]


async def test_a_failing_job_is_logged_and_its_neighbours_still_run(
    offline: OfflineDiscord,
) -> None:
    fired: list[tuple[str, dt.datetime]] = []
    jobs = offline.bot.scheduler.owner("probe")

    async def broken() -> None:
        raise RuntimeError("the job broke")

    at = offline.now + timedelta(minutes=1)
    jobs.at("broken", at, broken)
    jobs.at("fine", at, recorder(offline, fired), "fine")
    with offline.expect_errors() as errors:
        await offline.advance(minutes=2)
    assert fired == [("fine", at)]
    assert any("the job broke" in str(r.exc_info[1]) for r in errors if r.exc_info)


async def test_a_job_must_be_async(offline: OfflineDiscord) -> None:
    def plain() -> None: ...

    with pytest.raises(TypeError, match="async"):
        offline.bot.scheduler.owner("probe").at("plain", offline.now, plain)


async def test_apscheduler_is_used_as_shipped(offline: OfflineDiscord) -> None:
    # The fake clock reaches jobs through our own timer, not through apscheduler's globals.
    assert apscheduler.schedulers.base.datetime is dt.datetime
    assert apscheduler.executors.base.datetime is dt.datetime
    assert offline.bot.scheduler.running
