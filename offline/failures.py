"""Discord going wrong on demand, as public API of :class:`~offline.OfflineDiscord`: failing and
rate-limited requests, slow answers, lost permissions, deleted channels, threads and messages,
and gateway connections that drop.

A test names the fault; nothing is patched. Every wait is on the fake clock (discord.py's own
retry waits included): after a retried 5xx, ``advance(seconds=1)`` lets the retry out; after a
429, ``advance(seconds=retry_after)``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from offline.faults import Faults
from offline.reply import OfflineError
from offline.world import FakeChannel, FakeGuild, FakeMember, FakeMessage, FakeRole

if TYPE_CHECKING:
    from datetime import timedelta

    from offline.gateway import GatewayServer
    from offline.session import FakeRest
    from offline.world import World

IDENTIFY_WAIT = 5.0  # discord.py waits 5 s before any IDENTIFY but the first (on the fake clock)


class Failures:
    """The failure half of OfflineDiscord (a mixin over its world, fake REST and gateway)."""

    world: World
    rest: FakeRest
    gateways: dict[int, GatewayServer]
    shard_ids: list[int]
    settle: Callable[[], Awaitable[None]]
    _dispatch: Callable[[str, dict[str, Any]], None]

    if TYPE_CHECKING:

        async def advance(self, delta: timedelta | None = None, *, seconds: float = 0) -> int: ...

    # -- REST faults -------------------------------------------------------------------------

    @property
    def faults(self) -> Faults:
        """Arm REST faults: ``faults.fail(route, status=503, times=1)``,
        ``faults.rate_limit(route, retry_after=1.5, global_=False, times=1)``,
        ``faults.slow(route, seconds=400)``, ``faults.clear()``; see
        :class:`offline.faults.Faults`."""
        return self.rest.faults

    def global_rate_limit(self, per_second: int | None = 50) -> None:
        """Enforce Discord's bot-wide limit (``per_second`` requests in any second of the fake
        clock; interaction responses exempt): a request over it is answered 429 with
        ``"global": true``. ``None`` switches it off (the default: existing tests send bursts
        that the real Discord would spread out, and do not model it)."""
        self.rest.global_limit.set(per_second)

    @property
    def global_rate_limited(self) -> int:
        """How many requests the global rate limit refused so far."""
        return self.rest.global_limit.refused

    # -- permissions and deletions -----------------------------------------------------------

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

    def revoke(self, where: FakeChannel | FakeGuild, *permissions: str) -> None:
        """Take permissions (``"send_messages"``, ``"view_channel"``, ...) from the bot in one
        channel, or in every channel of a server. Discord then answers 403: 50001 Missing Access
        without ``view_channel``, 50013 Missing Permissions otherwise."""
        if not permissions:
            raise OfflineError("name the permissions to revoke, e.g. 'send_messages'")
        try:
            denied = discord.Permissions(**dict.fromkeys(permissions, True)).value
        except TypeError as exc:
            raise OfflineError(f"unknown permission in {permissions}") from exc
        channels = [where] if isinstance(where, FakeChannel) else list(where.channels.values())
        bot_id = self.world.bot_user.id
        for channel in channels:
            if channel.is_thread or channel.deleted:
                continue  # a thread follows its parent's overwrites
            allow, deny = channel.overwrites.get(bot_id, (0, 0))
            channel.overwrites[bot_id] = (allow & ~denied, deny | denied)
            self._dispatch("CHANNEL_UPDATE", channel.payload())

    def delete_channel(self, channel: FakeChannel) -> None:
        """Delete a channel or thread: Discord answers 404 (10003 Unknown Channel) from now on,
        and tells the bot (CHANNEL_DELETE, or THREAD_DELETE for a thread)."""
        channel.deleted = True
        if channel.is_thread:
            payload = {
                "id": str(channel.id),
                "guild_id": str(channel.guild.id),
                "parent_id": str(channel.parent_id),
                "type": channel.type,
            }
            self._dispatch("THREAD_DELETE", payload)
        else:
            self._dispatch("CHANNEL_DELETE", channel.payload())
            for thread in channel.guild.channels.values():
                if thread.parent_id == channel.id:
                    thread.deleted = True

    def delete_thread(self, thread: FakeChannel) -> None:
        """Delete a thread (see :meth:`delete_channel`)."""
        if not thread.is_thread:
            raise OfflineError(f"#{thread.name} is not a thread")
        self.delete_channel(thread)

    def delete_message(self, message: FakeMessage) -> None:
        """Delete a message as a moderator would: 404 (10008 Unknown Message) from now on, and a
        MESSAGE_DELETE event for the bot."""
        message.deleted = True
        self._dispatch(
            "MESSAGE_DELETE",
            {
                "id": str(message.id),
                "channel_id": str(message.channel.id),
                "guild_id": str(message.channel.guild.id),
            },
        )

    # -- the gateway -------------------------------------------------------------------------

    async def drop_gateway(
        self, resume: bool = True, *, hold: bool = False, shard: int | None = None
    ) -> None:
        """Break the bot's gateway connection (gateway mode only).

        ``resume=True``: discord.py reconnects and RESUMEs; the events it missed are replayed.
        ``resume=False``: the RESUME is refused (INVALID_SESSION), so discord.py identifies
        afresh and gets a new READY and GUILD_CREATEs; events in between are lost. discord.py
        waits 5 s before that IDENTIFY: this moves the fake clock on by those 5 s.
        ``hold=True``: the connection stays down (no HELLO on reconnect) until
        :meth:`restore_gateway`; meanwhile time can move and REST still works.
        ``shard``: which shard's connection drops (default: the first this bot runs); the
        others stay connected and go on receiving their servers' events.
        """
        gateway = self._gateway(shard)
        identifies = gateway.identifies
        gateway.drop(resume=resume, hold=hold)
        await self.settle()
        if not hold:
            await self._finish_reconnect(resume, identifies, gateway)

    async def restore_gateway(self, shard: int | None = None) -> None:
        """End a held outage (see :meth:`drop_gateway`): the waiting connection gets its HELLO
        and the bot resumes or identifies."""
        gateway = self._gateway(shard)
        resume, identifies = gateway.resumable, gateway.identifies
        gateway.release()
        await self.settle()
        await self._finish_reconnect(resume, identifies, gateway)

    async def _finish_reconnect(
        self, resume: bool, identifies: int, gateway: GatewayServer
    ) -> None:
        if not resume and gateway.identifies == identifies:
            await self.advance(seconds=IDENTIFY_WAIT)
        if not gateway.connected:
            raise OfflineError("the bot did not reconnect to the gateway")

    def _gateway(self, shard: int | None = None) -> GatewayServer:
        if not self.gateways:
            raise OfflineError("gateway faults need OfflineDiscord(..., gateway=True)")
        shard = self.shard_ids[0] if shard is None else shard
        if shard not in self.gateways:
            raise OfflineError(
                f"this bot does not run shard {shard} (its shards: {self.shard_ids})"
            )
        return self.gateways[shard]
