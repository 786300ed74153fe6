"""OfflineDiscord: the real QuizBot on a fake network, driven like a member would drive it."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

from bot.config import load_settings
from offline.clock import DEFAULT_START, FakeClock
from offline.gateway import FakeGatewaySocket
from offline.http import OfflineHTTPClient
from offline.session import Call, FakeRest, FakeSession, Violation
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


class OfflineError(AssertionError):
    """The test drove the fake in a way a member could not (or the bot misbehaved)."""


class _ErrorCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.split(".")[0] in WATCHED_LOGGERS:
            self.records.append(record)


@dataclass
class Reply:
    """What the member saw after an interaction."""

    interaction: FakeInteraction

    @property
    def message(self) -> FakeMessage | None:
        if self.interaction.response_type in (4, 5, 7) and self.interaction.original:
            return self.interaction.original
        return self.interaction.followups[-1] if self.interaction.followups else None

    @property
    def content(self) -> str:
        return self.message.content if self.message else ""

    @property
    def embeds(self) -> list[discord.Embed]:
        return self.message.embeds if self.message else []

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.message.components if self.message else []

    @property
    def files(self) -> list[FakeAttachment]:
        return self.message.attachments if self.message else []

    @property
    def ephemeral(self) -> bool:
        return bool(self.message and self.message.ephemeral)

    @property
    def modal(self) -> dict[str, Any] | None:
        return self.interaction.modal

    @property
    def choices(self) -> list[dict[str, Any]]:
        return self.interaction.choices or []

    @property
    def followups(self) -> list[FakeMessage]:
        return self.interaction.followups

    @property
    def text(self) -> str:
        return self.message.text() if self.message else ""

    def __repr__(self) -> str:
        return f"<Reply type={self.interaction.response_type} text={self.text[:120]!r}>"


class OfflineDiscord:
    """The real QuizBot (login, setup_hook, cogs, SQLite, apscheduler) on an in-process Discord.

    ``async with OfflineDiscord(db_path=tmp / "q.db") as discord: ...``. Keyword arguments
    other than those below are configuration overrides (as in config.yaml).
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
        **config_overrides: Any,
    ) -> None:
        self.db_path = Path(db_path)
        # Real seconds the bot may stay busy after one event: a benchmark posting to 10,000
        # servers at once is busy for a minute on purpose; a test never is.
        self.settle_timeout = settle_timeout
        self.clock = FakeClock(start)
        self.world = World(self.clock)
        self.gateway_mode = gateway
        self.fail_on_errors = fail_on_errors
        self.config_overrides = config_overrides
        self.rest = FakeRest(self.world, self._dispatch, self._new_socket)
        self.socket: FakeGatewaySocket | None = None
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
            self.bot = QuizBot(settings, self.db, clock=self.clock, guild_ready_timeout=0.0)
            # The real login flow (GET /users/@me, application info, setup_hook) runs on the
            # bot's own HTTP client, taught to open the fake session instead of a socket.
            OfflineHTTPClient.adopt(self.bot.http, FakeSession(self.rest))
            await self.bot.login("offline-token")
            if self.gateway_mode:
                self._connect_task = asyncio.create_task(self.bot.connect(reconnect=False))
            else:
                self._dispatch("READY", self._ready_payload())
                for guild in self.world.guilds.values():
                    self._dispatch("GUILD_CREATE", guild.payload())
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

    def delete_channel(self, channel: FakeChannel) -> None:
        channel.deleted = True
        self._dispatch("CHANNEL_DELETE", channel.payload())

    def set_permissions(
        self,
        channel: FakeChannel,
        target: FakeMember | FakeRole | None = None,
        *,
        allow: discord.Permissions | None = None,
        deny: discord.Permissions | None = None,
    ) -> None:
        """Change a channel overwrite; the default target is the bot's own member."""
        target_id = target.id if target is not None else self.world.bot_user.id
        channel.overwrites[target_id] = (allow.value if allow else 0, deny.value if deny else 0)
        self._dispatch("CHANNEL_UPDATE", channel.payload())

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
        """Run ``/command`` (``"group sub"`` for subcommands) with options as keywords."""
        data = self._command_data(command, member, options)
        return await self._interact(member, 2, data, in_channel)

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
        data = self._command_data(command, member, options, focused=focused)
        reply = await self._interact(member, 4, data, in_channel)
        return reply.choices

    async def click(
        self,
        member: FakeMember,
        message: FakeMessage | Reply | None,
        *,
        label: str | None = None,
        custom_id: str | None = None,
    ) -> Reply:
        message = _message_of(message)
        component = _find_component(message, label=label, custom_id=custom_id, kinds=(2,))
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
        message = _message_of(message)
        component = _find_component(message, custom_id=custom_id, kinds=(3,))
        data = {"custom_id": component["custom_id"], "component_type": 3, "values": values}
        return await self._interact(member, 3, data, message.channel, message)

    async def submit_modal(self, member: FakeMember, response: Reply, **fields: str) -> Reply:
        """Fill the modal ``response`` opened (fields by custom_id or label) and submit it."""
        modal = response.modal
        if modal is None:
            raise OfflineError(f"no modal is open on {response!r}")
        rows, unused = _fill_modal(modal, fields)
        if unused:
            raise OfflineError(f"the modal has no field(s) {sorted(unused)}")
        data = {"custom_id": modal["custom_id"], "components": rows}
        source = response.interaction
        return await self._interact(member, 5, data, source.channel, source.message)

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
    ) -> Reply:
        if self.bot is None:
            raise OfflineError("the bot is not running")
        channel = channel or _default_channel(member.guild)
        interaction = FakeInteraction(
            id=self.world.snowflake(),
            token=self.world.token(),
            type=kind,
            member=member,
            channel=channel,
            created_at=self.clock.time(),
            dispatched_at=time.perf_counter(),
            message=message,
        )
        self.world.interactions[interaction.id] = interaction
        self._dispatch("INTERACTION_CREATE", self._interaction_payload(interaction, data))
        await self.settle()
        return Reply(interaction)

    def _interaction_payload(self, i: FakeInteraction, data: dict[str, Any]) -> dict[str, Any]:
        guild = i.member.guild
        bot_member = guild.members[self.world.bot_user.id]
        member = dict(i.member.payload(), permissions=str(guild.permissions(i.member, i.channel)))
        payload: dict[str, Any] = {
            "id": str(i.id),
            "application_id": str(self.world.application_id),
            "type": i.type,
            "data": data,
            "guild_id": str(guild.id),
            "channel_id": str(i.channel.id),
            "channel": i.channel.payload(),
            "member": member,
            "token": i.token,
            "version": 1,
            "locale": "en-US",
            "guild_locale": "en-US",
            "app_permissions": str(guild.permissions(bot_member, i.channel)),
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
            "authorizing_integration_owners": {"0": str(guild.id)},
            "context": 0,
        }
        if i.message is not None:
            payload["message"] = i.message.payload()
        return payload

    def _command_data(
        self,
        command: str,
        member: FakeMember,
        options: dict[str, Any],
        focused: str | None = None,
    ) -> dict[str, Any]:
        names = command.strip().lstrip("/").split()
        found: Any = self.bot.tree.get_command(names[0])
        for name in names[1:]:
            if not isinstance(found, app_commands.Group):
                found = None
                break
            found = found.get_command(name)
        if not isinstance(found, app_commands.Command):
            raise OfflineError(f"no slash command /{command}")
        resolved: dict[str, dict[str, Any]] = {}
        leaf = self._options(found, member, dict(options), resolved, focused)
        for name in reversed(names[1:]):
            kind = 1 if name == names[-1] else 2
            leaf = [{"type": kind, "name": name, "options": leaf}]
        data: dict[str, Any] = {
            "id": str(self.world.snowflake()),
            "name": names[0],
            "type": 1,
            "guild_id": str(member.guild.id),
            "options": leaf,
        }
        if resolved:
            data["resolved"] = resolved
        return data

    def _options(
        self,
        command: app_commands.Command[Any, ..., Any],
        member: FakeMember,
        options: dict[str, Any],
        resolved: dict[str, dict[str, Any]],
        focused: str | None,
    ) -> list[dict[str, Any]]:
        by_python_name = {p.name: p.display_name for p in command._params.values()}
        options = {by_python_name.get(k, k): v for k, v in options.items()}
        result = []
        for parameter in command.parameters:
            if parameter.name not in options:
                if parameter.required and focused is None:  # typing may be unfinished
                    raise OfflineError(f"/{command.qualified_name} needs option {parameter.name}")
                continue
            value = options.pop(parameter.name)
            option = {
                "name": parameter.name,
                "type": parameter.type.value,
                "value": _option_value(value, member, resolved),
            }
            if parameter.name == focused:
                option["focused"] = True
            result.append(option)
        if options:
            raise OfflineError(f"/{command.qualified_name} has no option(s) {sorted(options)}")
        return result

    def _dispatch(self, event: str, data: dict[str, Any]) -> None:
        if self.bot is None:
            return
        if self.socket is not None:
            self.socket.dispatch(event, data)
        else:
            self.bot._connection.parsers[event](data)

    def _ready_payload(self) -> dict[str, Any]:
        return {
            "v": 10,
            "user": self.world.bot_user.payload(),
            "guilds": [{"id": str(g), "unavailable": True} for g in self.world.guilds],
            "session_id": "offline-session",
            "resume_gateway_url": "wss://gateway.offline",
            "application": {"id": str(self.world.application_id), "flags": 0},
            "shard": [0, 1],
        }

    def _new_socket(self) -> FakeGatewaySocket:
        self.socket = FakeGatewaySocket(
            ready=self._ready_payload,
            guilds=lambda: [g.payload() for g in self.world.guilds.values()],
        )
        return self.socket

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
        return bool(threads) or bool(self.socket and self.socket.pending())


def _default_channel(guild: FakeGuild) -> FakeChannel:
    for channel in guild.channels.values():
        if not channel.deleted and not channel.is_thread:
            return channel
    raise OfflineError(f"{guild.name} has no channel")


def _message_of(message: FakeMessage | Reply | None) -> FakeMessage:
    if isinstance(message, Reply):
        message = message.message
    if message is None:
        raise OfflineError("there is no message to click on")
    if message.deleted:
        raise OfflineError("the message was deleted")
    return message


def _find_component(
    message: FakeMessage,
    *,
    label: str | None = None,
    custom_id: str | None = None,
    kinds: tuple[int, ...],
) -> dict[str, Any]:
    candidates = [c for c in message.all_components() if c.get("type") in kinds]
    for component in candidates:
        if (label is None or component.get("label") == label) and (
            custom_id is None or component.get("custom_id") == custom_id
        ):
            if component.get("disabled"):
                raise OfflineError(f"{label or custom_id!r} is disabled: a member cannot use it")
            return component
    shown = [c.get("label") or c.get("custom_id") for c in candidates]
    raise OfflineError(f"no component {label or custom_id!r} on the message (has {shown})")


def _option_value(value: Any, member: FakeMember, resolved: dict[str, dict[str, Any]]) -> Any:
    """Snowflake options carry an id plus the object in ``resolved``, as Discord sends them."""
    if isinstance(value, FakeMember):
        resolved.setdefault("users", {})[str(value.id)] = value.user.payload()
        members = resolved.setdefault("members", {})
        members[str(value.id)] = dict(
            value.payload(with_user=False),
            permissions=str(value.guild.permissions(value)),
        )
        return str(value.id)
    if isinstance(value, FakeChannel):
        resolved.setdefault("channels", {})[str(value.id)] = dict(
            value.payload(), permissions=str(member.guild.permissions(member, value))
        )
        return str(value.id)
    if isinstance(value, FakeRole):
        resolved.setdefault("roles", {})[str(value.id)] = value.payload()
        return str(value.id)
    if isinstance(value, FakeAttachment):
        resolved.setdefault("attachments", {})[str(value.id)] = value.payload()
        return str(value.id)
    return value


def _fill_modal(
    modal: dict[str, Any], fields: dict[str, str]
) -> tuple[list[dict[str, Any]], set[str]]:
    remaining = dict(fields)

    def fill(component: dict[str, Any], label: str | None) -> dict[str, Any]:
        custom_id = component.get("custom_id", "")
        value = remaining.pop(custom_id, None)
        if value is None and label is not None:
            value = remaining.pop(label, None)
        if value is None and component.get("label") is not None:
            value = remaining.pop(component["label"], None)
        return {"type": 4, "custom_id": custom_id, "value": value or ""}

    rows = []
    for row in modal.get("components") or []:
        if row.get("type") == 18:
            rows.append({"type": 18, "component": fill(row["component"], row.get("label"))})
        else:
            rows.append({"type": 1, "components": [fill(c, None) for c in row["components"]]})
    return rows, set(remaining)
