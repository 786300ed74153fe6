"""OfflineDiscord: the real QuizBot on a fake network, driven like a member would drive it."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.config import load_settings
from offline.clock import DEFAULT_START, FakeClock
from offline.failures import IDENTIFY_WAIT, Failures
from offline.gateway import FakeGatewaySocket, GatewayServer, ShardedGateway
from offline.http import OfflineHTTPClient, OfflineWebhookAdapter, use_adapter
from offline.payloads import authorize, command_data, context_of, interaction_payload
from offline.reply import (
    OfflineError,
    Reply,
    default_channel,
    fill_modal,
    find_component,
    message_of,
)
from offline.session import Call, FakeRest, Violation
from offline.transport import FakeSession
from offline.world import (
    ADMIN_PERMISSIONS,
    FakeAttachment,
    FakeChannel,
    FakeGuild,
    FakeInteraction,
    FakeMember,
    FakeMessage,
    FakeRole,
    FakeUser,
    World,
)

WATCHED_LOGGERS = ("discord", "bot", "cogs", "db", "bank", "apscheduler")
SETTLE_TIMEOUT = 20.0  # real seconds; only reached when the bot hangs


class _ErrorCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.split(".")[0] in WATCHED_LOGGERS:
            self.records.append(record)


class OfflineDiscord(Failures):
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
    server installs only (members cannot add it to their account). Faults on demand (:attr:`faults`,
    :meth:`global_rate_limit`, :meth:`revoke`, :meth:`delete_channel`, :meth:`delete_message`,
    :meth:`drop_gateway`) come
    from :class:`offline.failures.Failures`.
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
        self._errors = _ErrorCollector()
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

    def check(self) -> None:
        """Fail when the bot logged an error or Discord would have refused a call."""
        problems = [f"Discord refused: {v}" for v in self.rest.violations]
        problems += [f"Logged error: {self._errors.format(r)}" for r in self._errors.records]
        problems += [
            f"Interaction {i.id} was never answered (Discord shows 'The application did not "
            "respond')"
            for i in self.world.interactions.values()
            if i.response_type is None and i.type != 1
        ]
        if problems:
            raise OfflineError("\n".join(problems))

    @property
    def violations(self) -> list[Violation]:
        return self.rest.violations

    @property
    def errors(self) -> list[logging.LogRecord]:
        return self._errors.records

    @contextmanager
    def expect_errors(self) -> Iterator[list[logging.LogRecord]]:
        """For tests of failure paths: errors logged inside the block are handed over, not
        counted against the test."""
        before = len(self._errors.records)
        caught: list[logging.LogRecord] = []
        yield caught
        caught += self._errors.records[before:]
        del self._errors.records[before:]

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

    # -- the world ------------------------------------------------------------------------------

    def guild_named(self, name: str) -> FakeGuild:
        for guild in self.world.guilds.values():
            if guild.name == name:
                return guild
        guild = self.world.add_guild(name)
        self.world.add_channel(guild, "general")
        if self.bot is not None:
            self._dispatch("GUILD_CREATE", guild.payload())
        return guild

    def member(
        self,
        name: str,
        admin: bool = False,
        roles: tuple[str, ...] | list[str] = (),
        guild: FakeGuild | None = None,
    ) -> FakeMember:
        guild = guild or self.guild
        user = self.world.users_by_name.get(name)
        if user is not None and user.id in guild.members:
            return guild.members[user.id]
        if user is None:
            user = FakeUser(self.world.snowflake(), name)
            self.world.users[user.id] = user
            self.world.users_by_name[name] = user
        role_ids = [self.role(r, guild=guild).id for r in roles]
        if admin:
            role_ids.append(self.world.add_role(guild, "moderator", ADMIN_PERMISSIONS).id)
        member = FakeMember(user, guild, role_ids, self.clock.time())
        guild.members[user.id] = member
        return member

    def server_without_bot(self, name: str) -> FakeGuild:
        """A server that never installed quizbot: the bot knows nothing of it, but a member
        who added quizbot to their account (:meth:`add_to_account`) can use its
        user-installable commands there."""
        guild = self.world.add_guild(name, with_bot=False)
        self.world.add_channel(guild, "general")
        return guild

    def add_to_account(self, member: FakeMember | FakeUser) -> None:
        """The member adds quizbot to their own account (a user install, "Add to My Apps")."""
        self.world.user_installs.add(member.id)

    def dm(self, member: FakeMember | FakeUser) -> FakeChannel:
        """The DM between the member and the bot (``in_channel=`` of :meth:`slash`): Discord
        has one, the same channel the bot's own DMs to them go to."""
        user = member.user if isinstance(member, FakeMember) else member
        dm = self.rest.open_dm_with(user)
        channel = self.world.channels.get(dm.id)
        if channel is None:
            channel = self.world.add_private_channel([user, self.world.bot_user], channel_id=dm.id)
        return channel

    def private_channel(
        self, member: FakeMember | FakeUser, *others: FakeMember | FakeUser, name: str = ""
    ) -> FakeChannel:
        """A DM between members (one other) or a group DM (more), where the bot is not: only
        a member's own install of quizbot works there."""
        people = [m.user if isinstance(m, FakeMember) else m for m in (member, *others)]
        return self.world.add_private_channel(people, name=name or "group")

    def role(self, name: str, guild: FakeGuild | None = None, permissions: int = 0) -> FakeRole:
        guild = guild or self.guild
        known = any(r.name == name for r in guild.roles.values())
        role = self.world.add_role(guild, name, permissions)
        if not known and self.bot is not None:
            self._dispatch("GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role.payload()})
        return role

    def channel(self, name: str, guild: FakeGuild | None = None) -> FakeChannel:
        guild = guild or self.guild
        name = name.lstrip("#")
        for channel in guild.channels.values():
            if channel.name == name and not channel.deleted:
                return channel
        channel = self.world.add_channel(guild, name)
        if self.bot is not None:
            self._dispatch("CHANNEL_CREATE", channel.payload())
        return channel

    def attachment(
        self, filename: str, data: bytes, content_type: str | None = None
    ) -> FakeAttachment:
        channel = next(iter(self.guild.channels.values()))
        return self.world.add_attachment(channel.id, filename, data, content_type)

    def messages(self, channel: FakeChannel, include_ephemeral: bool = False) -> list[FakeMessage]:
        return [
            m
            for m in self.world.messages.values()
            if m.channel.id == channel.id
            and not m.deleted
            and (include_ephemeral or not m.ephemeral)
        ]

    def direct_messages(self, member: FakeMember) -> list[str]:
        """What the bot sent to ``member`` in a DM (the content of each message)."""
        dm = self.rest.dm_with(member.id)
        return list(dm.sent) if dm is not None else []

    @property
    def gateway(self) -> GatewayServer | None:
        """The first owned shard's gateway (the only one unless sharded); see
        :attr:`gateways`."""
        return self.gateways[self.shard_ids[0]] if self.gateways else None

    @property
    def socket(self) -> FakeGatewaySocket | None:
        """The gateway connection in use (gateway mode), for tests of what the bot sent."""
        return self.gateway.socket if self.gateway is not None else None

    def shard_of(self, guild: FakeGuild | int) -> int:
        """The shard Discord routes a server to: ``(guild_id >> 22) % shard_count``."""
        guild_id = guild if isinstance(guild, int) else guild.id
        return (guild_id >> 22) % self.shard_count

    def guilds_of_shard(self, shard_id: int) -> list[FakeGuild]:
        return [g for g in self.world.guilds.values() if g.has_bot and self.shard_of(g) == shard_id]

    def owns(self, guild: FakeGuild | int) -> bool:
        """Whether this bot (process) runs the shard of ``guild``."""
        return self.shard_of(guild) in self.shard_ids

    @property
    def calls(self) -> list[Call]:
        return self.rest.calls

    @property
    def ack_latencies(self) -> list[float]:
        return [
            i.ack_latency for i in self.world.interactions.values() if i.ack_latency is not None
        ]

    @property
    def now(self) -> datetime:
        return self.clock.now()

    # -- what members do -------------------------------------------------------------------

    async def slash(
        self,
        member: FakeMember,
        command: str,
        /,
        *,
        in_channel: FakeChannel | None = None,
        **options: Any,
    ) -> Reply:
        """Run ``/command`` (``"group sub"`` for subcommands) with options as keywords.

        ``in_channel`` may be a server's channel (default: the member's server's first), a
        server without the bot's, :meth:`dm` or :meth:`private_channel`; Discord's rules for
        where a command is offered apply (:func:`offline.payloads.authorize`)."""
        channel = in_channel or default_channel(member.guild)
        context, owners = authorize(self.world, self._registered(command), member, channel)
        data = command_data(
            self.world, self.bot.tree, command, member, options, guild_id=self._data_guild(channel)
        )
        return await self._interact(member, 2, data, channel, context=context, owners=owners)

    async def autocomplete(
        self,
        member: FakeMember,
        command: str,
        focused: str,
        /,
        *,
        in_channel: FakeChannel | None = None,
        **options: Any,
    ) -> list[dict[str, Any]]:
        """The choices the member is offered while typing option ``focused``."""
        channel = in_channel or default_channel(member.guild)
        context, owners = authorize(self.world, self._registered(command), member, channel)
        data = command_data(
            self.world, self.bot.tree, command, member, options, focused=focused,
            guild_id=self._data_guild(channel),
        )  # fmt: skip
        reply = await self._interact(member, 4, data, channel, context=context, owners=owners)
        return reply.choices

    async def click(
        self,
        member: FakeMember,
        message: FakeMessage | Reply | None,
        *,
        label: str | None = None,
        custom_id: str | None = None,
    ) -> Reply:
        message = message_of(message)
        component = find_component(message, label=label, custom_id=custom_id, kinds=(2,))
        data = {"custom_id": component["custom_id"], "component_type": 2}
        return await self._interact(member, 3, data, message.channel, message)

    async def select(
        self,
        member: FakeMember,
        message: FakeMessage | Reply | None,
        values: list[str],
        *,
        custom_id: str | None = None,
    ) -> Reply:
        message = message_of(message)
        component = find_component(message, custom_id=custom_id, kinds=(3,))
        data = {"custom_id": component["custom_id"], "component_type": 3, "values": values}
        return await self._interact(member, 3, data, message.channel, message)

    async def submit_modal(self, member: FakeMember, response: Reply, **fields: str) -> Reply:
        """Fill the modal ``response`` opened (fields by custom_id or label) and submit it."""
        modal = response.modal
        if modal is None:
            raise OfflineError(f"no modal is open on {response!r}")
        rows, unused = fill_modal(modal, fields)
        if unused:
            raise OfflineError(f"the modal has no field(s) {sorted(unused)}")
        data = {"custom_id": modal["custom_id"], "components": rows}
        source = response.interaction
        return await self._interact(
            member, 5, data, source.channel, source.message,
            context=source.context, owners=source.owners,
        )  # fmt: skip

    async def say(self, member: FakeMember, channel: FakeChannel, text: str) -> FakeMessage:
        message = self.world.add_message(channel, member.user, content=text)
        payload = dict(message.payload(), member=member.payload(with_user=False))
        self._dispatch("MESSAGE_CREATE", payload)
        await self.settle()
        return message

    async def advance(
        self,
        delta: timedelta | None = None,
        *,
        days: float = 0,
        hours: float = 0,
        minutes: float = 0,
        seconds: float = 0,
    ) -> int:
        """Move the fake clock; scheduled posts, reveals and timers that fall due run."""
        delta = delta or timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        use_adapter(self.adapter)  # jobs started by the clock answer interactions too
        return await self.clock.advance(delta, self.settle)

    async def advance_to(self, when: datetime) -> int:
        return await self.advance(when - self.clock.now())

    # -- plumbing ------------------------------------------------------------------------------

    async def _interact(
        self,
        member: FakeMember,
        kind: int,
        data: dict[str, Any],
        channel: FakeChannel | None,
        message: FakeMessage | None = None,
        *,
        context: int | None = None,
        owners: dict[str, str] | None = None,
    ) -> Reply:
        if self.bot is None:
            raise OfflineError("the bot is not running")
        channel = channel or default_channel(member.guild)
        if channel.is_private:
            if 0 not in self.shard_ids:
                raise OfflineError(
                    f"DMs go to shard 0, which this bot does not run ({self.shard_ids})"
                )
        elif not self.owns(channel.guild):
            raise OfflineError(
                f"{channel.guild.name} is on shard {self.shard_of(channel.guild)}, which this "
                f"bot does not run (its shards: {self.shard_ids})"
            )
        if context is None or owners is None:
            context, owners = self._origin(message, channel)
        interaction = FakeInteraction(
            id=self.world.snowflake(),
            token=self.world.token(),
            type=kind,
            member=member,
            channel=channel,
            created_at=self.clock.time(),
            dispatched_at=time.perf_counter(),
            message=message,
            context=context,
            owners=owners,
        )
        self.world.interactions[interaction.id] = interaction
        self._dispatch("INTERACTION_CREATE", interaction_payload(self.world, interaction, data))
        await self.settle()
        return Reply(interaction)

    def _registered(self, command: str) -> dict[str, Any]:
        """The top-level command as Discord knows it: as last registered globally, else as
        the bot's tree would register it."""
        name = command.strip().lstrip("/").split()[0]
        for entry in self.world.commands.get(None) or []:
            if entry.get("name") == name:
                return entry
        found = self.bot.tree.get_command(name)
        if found is None:
            raise OfflineError(f"no slash command /{name}")
        payload: dict[str, Any] = found.to_dict(self.bot.tree)
        return payload

    @staticmethod
    def _data_guild(channel: FakeChannel) -> int | None:
        # data.guild_id: the server of a command used there; a user install's command used
        # in a server without the bot is a global one, as in a DM.
        return None if channel.is_private or not channel.guild.has_bot else channel.guild.id

    def _origin(
        self, message: FakeMessage | None, channel: FakeChannel
    ) -> tuple[int, dict[str, str]]:
        """A component or modal interaction carries the context and installs of the command
        that made its message (by default: the server's install, where the channel is)."""
        source = self.world.interactions.get(message.interaction_id or 0) if message else None
        if source is not None:
            return source.context, dict(source.owners)
        if channel.is_private or not channel.guild.has_bot:
            return context_of(self.world, channel), {}
        return 0, {"0": str(channel.guild.id)}

    def _dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send an event on the shard of its server (DMs go to shard 0, as on Discord); an
        event of a shard another process runs never reaches this bot."""
        if self.bot is None:
            return
        guild_id = data.get("guild_id")
        if guild_id is None and event in ("GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"):
            guild_id = data.get("id")
        shard_id = self.shard_of(int(guild_id)) if guild_id is not None else 0
        if shard_id not in self.shard_ids:
            return
        if self.gateways:
            self.gateways[shard_id].dispatch(event, data)
        else:
            self._direct(event, data)

    def _direct(self, event: str, data: dict[str, Any]) -> None:
        use_adapter(self.adapter)
        self.bot._connection.parsers[event](data)

    def _shard_gateway(self, shard_id: int) -> GatewayServer:
        return GatewayServer(
            ready=lambda session: self._ready_payload(session, shard_id=shard_id),
            guilds=lambda: [g.payload() for g in self.guilds_of_shard(shard_id)],
            shard_id=shard_id,
        )

    def _ready_payload(
        self, session_id: str = "offline-session", *, shard_id: int = 0
    ) -> dict[str, Any]:
        guilds = self.guilds_of_shard(shard_id)
        return {
            "v": 10,
            "user": self.world.bot_user.payload(),
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session_id,
            "resume_gateway_url": "wss://gateway.offline",
            "application": {"id": str(self.world.application_id), "flags": 0},
            "shard": [shard_id, self.shard_count],
        }

    def _connect_gateway(self) -> FakeGatewaySocket:
        if self._sharded_gateway is None:
            raise RuntimeError("this offline Discord was started without gateway mode")
        return self._sharded_gateway.connect()

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
