"""OfflineDiscord: the real QuizBot on a fake network, driven like a member would drive it.

This module owns its lifecycle (start, stop, restart, waiting for the bot to settle); the rest
of its public API comes from mixins, one job each: :mod:`offline.population` (servers, members,
channels, DMs), :mod:`offline.driving` (what members do, the clock), :mod:`offline.observe`
(what a test reads back), :mod:`offline.shards` (events to shards) and
:mod:`offline.failures` (Discord going wrong on demand).
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.config import load_settings
from offline.clock import DEFAULT_START, FakeClock
from offline.driving import Driving
from offline.failures import IDENTIFY_WAIT, Failures
from offline.gateway import GatewayServer, ShardedGateway
from offline.http import OfflineHTTPClient, OfflineWebhookAdapter, use_adapter
from offline.observe import WATCHED_LOGGERS, ErrorCollector, Observing
from offline.population import Population
from offline.reply import OfflineError, Reply
from offline.session import FakeRest
from offline.shards import Sharding
from offline.transport import FakeSession
from offline.world import World

# Re-exported: the sandbox watches the same loggers, and `offline` exports these two.
__all__ = ["WATCHED_LOGGERS", "OfflineDiscord", "OfflineError", "Reply"]

SETTLE_TIMEOUT = 20.0  # real seconds; only reached when the bot hangs


class OfflineDiscord(Population, Driving, Observing, Sharding, Failures):
    """The real QuizBot (login, setup_hook, cogs, SQLite, apscheduler) on an in-process Discord.

    ``async with OfflineDiscord(db_path=tmp / "q.db") as discord: ...``. Keyword arguments
    other than those below are configuration overrides (as in config.yaml). ``gateway=True``
    runs discord.py's real connect loop over an in-process gateway (needed for
    :meth:`drop_gateway`).

    ``shard_count=N`` shards the fake: ``GET /gateway/bot`` recommends N, each server is on
    shard ``(guild_id >> 22) % N`` with its own READY and GUILD_CREATEs (in gateway mode its own
    connection, session and RESUME), and the bot, configured with no count, takes the
    recommendation. ``shard_ids=[...]`` makes this bot one process of several: it is configured
    with that count and those shards, and sees only their servers (two such bots on one
    database file stand for two processes). ``user_install=False``: the application allows
    server installs only (members cannot add it to their account). Faults on demand
    (:attr:`faults`, :meth:`global_rate_limit`, :meth:`revoke`, :meth:`delete_channel`,
    :meth:`delete_message`, :meth:`drop_gateway`) come from :class:`offline.failures.Failures`.
    """

    def __init__(
        self,
        db_path: Path | str,
        *,
        start: datetime = DEFAULT_START,
        gateway: bool = False,
        guild_name: str = "Study Group",
        fail_on_errors: bool = True,
        settle_timeout: float = SETTLE_TIMEOUT,
        shard_count: int = 1,
        shard_ids: list[int] | tuple[int, ...] | None = None,
        user_install: bool = True,
        **config_overrides: Any,
    ) -> None:
        self.db_path = Path(db_path)
        # Real seconds the bot may stay busy after one event: a benchmark posting to 10,000
        # servers at once is busy for a minute on purpose; a test never is.
        self.settle_timeout = settle_timeout
        self.clock = FakeClock(start)
        self.world = World(self.clock)
        if not user_install:  # the operator left "User Install" off in the Developer Portal
            self.world.install_types = {0}
        self.gateway_mode = gateway
        self.fail_on_errors = fail_on_errors
        self.shard_count = shard_count
        self.shard_ids = list(shard_ids) if shard_ids is not None else list(range(shard_count))
        if shard_ids is not None:
            config_overrides = {
                "shard_count": shard_count, "shard_ids": self.shard_ids, **config_overrides
            }  # fmt: skip
        self.config_overrides = config_overrides
        self.rest = FakeRest(self.world, self._dispatch, self._connect_gateway)
        self.rest.recommended_shards = shard_count
        self.gateways: dict[int, GatewayServer] = {}
        self._sharded_gateway: ShardedGateway | None = None
        if gateway:
            self.gateways = {i: self._shard_gateway(i) for i in self.shard_ids}
            self._sharded_gateway = ShardedGateway(self.gateways)
        # discord.py's interaction responses, their retries waiting on the fake clock
        self.adapter = OfflineWebhookAdapter(self.clock)
        self._errors = ErrorCollector()
        self._connect_task: asyncio.Task[None] | None = None
        self._settling: asyncio.Future[None] | None = None
        self.bot: Any = None
        self.db: Any = None
        self.guild = self.world.add_guild(guild_name)
        self.world.add_channel(self.guild, "general")

    # -- lifecycle ------------------------------------------------------------------------------

    async def __aenter__(self) -> OfflineDiscord:
        logging.getLogger().addHandler(self._errors)
        try:
            await self._start_bot()
        except BaseException:
            logging.getLogger().removeHandler(self._errors)
            raise
        return self

    async def __aexit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            await self._stop_bot()
        finally:
            logging.getLogger().removeHandler(self._errors)
        if exc_type is None and self.fail_on_errors:
            self.check()

    async def _start_bot(self) -> None:
        from bot.client import QuizBot
        from db.database import Database

        settings = load_settings(
            environ={},
            dotenv_path="/nonexistent/.env",
            database=str(self.db_path),
            **self.config_overrides,
        )
        self.db = Database(self.db_path)
        try:
            await self.db.connect()
            bot_class = _offline_bot_class(QuizBot)
            self.bot = bot_class(settings, self.db, clock=self.clock, guild_ready_timeout=0.0)
            # The real login flow (GET /users/@me, application info, setup_hook) runs on the
            # bot's own HTTP client, taught to open the fake session instead of a socket.
            OfflineHTTPClient.adopt(self.bot.http, FakeSession(self.rest), self.clock)
            use_adapter(self.adapter)
            await self.bot.login("offline-token")
            if self.gateway_mode:
                self._connect_task = asyncio.create_task(self._connect())
            else:
                # What discord.py's launch_shards would have set, had it connected.
                state = self.bot._connection
                state.shard_count = self.bot.shard_count
                state.shard_ids = self.bot.shard_ids or range(self.bot.shard_count)
                for shard_id in state.shard_ids:
                    self._direct("READY", self._ready_payload(shard_id=shard_id))
                    for guild in self.guilds_of_shard(shard_id):
                        self._direct("GUILD_CREATE", guild.payload())
            await asyncio.wait_for(self.bot.wait_until_ready(), timeout=self.settle_timeout)
            await self.settle()
        except BaseException:
            await self._abandon_start()
            raise

    async def _abandon_start(self) -> None:
        """After a failed start (a bad bank, a cog that does not import): close what was
        opened, or aiosqlite's thread and the scheduler would outlive the error."""
        if self._connect_task is not None:
            self._connect_task.cancel()
            self._connect_task = None
        if self.bot is not None:
            await self.bot.close()
            self.bot = None
        await self.db.close()

    async def _connect(self) -> None:
        use_adapter(self.adapter)  # the events this task parses start interaction handlers
        await self.bot.connect(reconnect=False)

    async def _stop_bot(self) -> None:
        if self.bot is None:
            return
        await self.settle()
        await self.bot.close()
        if self._connect_task is not None:
            await asyncio.wait_for(self._connect_task, timeout=self.settle_timeout)
            self._connect_task = None
        await self.db.close()
        self.bot = None

    async def restart(self, down_for: timedelta = timedelta(0)) -> None:
        """Stop the bot and start a new one on the same database, as a process restart would;
        ``down_for`` moves the clock while no bot is running (an outage)."""
        await self._stop_bot()
        if down_for:
            await self.clock.advance(down_for, self.settle)
        await self._start_bot()

    # -- waiting for the bot ------------------------------------------------------------------

    async def settle(self) -> None:
        """Let the bot finish everything the last event started, without sleeping blindly.

        Quiet means: no callback ready to run on the loop, no database operation, thread job
        or fake REST call under way, for a few loop turns in a row. Concurrent callers share
        one watcher, so 200 simultaneous clicks do not poll the loop 200 times over.
        """
        if self._settling is None or self._settling.done():
            self._settling = asyncio.ensure_future(self._wait_until_quiet())
        await asyncio.shield(self._settling)

    async def _wait_until_quiet(self) -> None:
        loop = asyncio.get_running_loop()
        ready = getattr(loop, "_ready", None)
        deadline = time.perf_counter() + self.settle_timeout
        quiet = 0
        while quiet < 3:
            busy_elsewhere = self._busy_elsewhere()
            await (asyncio.sleep(0.0002) if busy_elsewhere else asyncio.sleep(0))
            if busy_elsewhere or (ready is not None and len(ready) > 0):
                quiet = 0
            else:
                quiet += 1
            if time.perf_counter() > deadline:
                raise OfflineError(f"the bot did not settle within {self.settle_timeout:.0f} s")

    def _busy_elsewhere(self) -> bool:
        if self.rest.in_flight:
            return True
        if self.db is not None and self.db.in_flight:
            return True
        threads = getattr(self.bot, "threads_in_flight", 0) if self.bot is not None else 0
        return bool(threads) or bool(self._sharded_gateway and self._sharded_gateway.pending())


def _offline_bot_class(base: type[Any]) -> type[Any]:
    """QuizBot, waiting on the fake clock where discord.py waits before a repeated IDENTIFY
    (its documented ``before_identify_hook``: 5 s of real time otherwise)."""

    class OfflineQuizBot(base):
        _identified: set[int | None]

        async def before_identify_hook(
            self, shard_id: int | None, *, initial: bool = False
        ) -> None:
            # discord.py passes initial=True to the first shard only; the fake lets every
            # shard's first IDENTIFY through at once (as a large bot's max_concurrency does).
            identified = self.__dict__.setdefault("_identified", set())
            if not initial and shard_id in identified:
                await self.clock.sleep(IDENTIFY_WAIT)
            identified.add(shard_id)

    return OfflineQuizBot
