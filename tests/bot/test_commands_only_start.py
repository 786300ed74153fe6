"""A bot started only to publish its commands (``quizbot sync``) posts and schedules nothing."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from bot.client import QuizBot
from bot.config import load_settings
from db.database import Database
from offline import OfflineDiscord
from offline.http import OfflineHTTPClient
from offline.session import FakeSession
from tests.helpers import START, TEST_BANK, posts, setup_daily

PUBLISH = "PUT /applications/{application_id}/commands"
POST_MESSAGE = "POST /channels/{channel_id}/messages"


async def let_loop_run() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_sync_start_publishes_commands_and_runs_no_job(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    d = OfflineDiscord(db_path=path, bank=str(TEST_BANK), start=START)
    async with d:
        channel = await setup_daily(d)  # the first post is due at 09:00, an hour from now
    await d.clock.advance(timedelta(hours=2), let_loop_run)  # down while it fell due
    calls_before = len(d.calls)

    # What `quizbot sync` does, on the same fake Discord: log in, publish, close.
    settings = load_settings(
        environ={}, dotenv_path="/nonexistent/.env", database=str(path), bank=str(TEST_BANK)
    )
    async with Database(path) as db:
        bot = QuizBot(settings, db, clock=d.clock, commands_only=True)
        OfflineHTTPClient.adopt(bot.http, FakeSession(d.rest), d.clock)
        try:
            await bot.login("offline-token")
            published = await bot.tree.sync()
            await let_loop_run()
            # The overdue post was not even scheduled, and no job can start later.
            assert bot.scheduler.job_ids() == [] and not bot.scheduler.running
            await d.clock.advance(timedelta(hours=1), let_loop_run)  # nothing falls due
        finally:
            await bot.close()

    routes = [call.route for call in d.calls[calls_before:]]
    assert routes.count(PUBLISH) == 1
    assert {command.name for command in published} >= {"daily", "duel", "leaderboard"}
    assert POST_MESSAGE not in routes
    assert posts(d, channel) == []

    # The schedule itself is untouched: the next real start makes the overdue post.
    async with d:
        assert len(posts(d, channel)) == 1
