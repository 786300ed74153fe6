"""What the fake Discord knows: users, servers, channels, messages and interactions.

Everything is kept as Discord's own JSON shapes (``payload()``), because that is what the real
discord.py parses; the dataclasses only make the harness and its tests readable. The records
live in :mod:`offline.servers` and :mod:`offline.messages`; this module owns the store that
holds them (:class:`World`) and hands out ids, and re-exports the records.
"""

from __future__ import annotations

import itertools
import secrets
from typing import Any

from offline.clock import FakeClock
from offline.messages import EPHEMERAL, LOADING, FakeAttachment, FakeInteraction, FakeMessage
from offline.servers import (
    ADMIN_PERMISSIONS,
    BOT_PERMISSIONS,
    DM,
    EVERYONE_PERMISSIONS,
    GROUP_DM,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    iso,
)

# Re-exported: the records were split out of this module, and their users import them from here.
__all__ = [
    "ADMIN_PERMISSIONS",
    "BOT_PERMISSIONS",
    "DISCORD_EPOCH_MS",
    "DM",
    "EPHEMERAL",
    "EVERYONE_PERMISSIONS",
    "GROUP_DM",
    "LOADING",
    "FakeAttachment",
    "FakeChannel",
    "FakeGuild",
    "FakeInteraction",
    "FakeMember",
    "FakeMessage",
    "FakeRole",
    "FakeUser",
    "World",
    "iso",
]

DISCORD_EPOCH_MS = 1420070400000


class World:
    """The fake Discord's data, shared by the fake REST session and the harness."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self._sequence = itertools.count()
        self.application_id = self.snowflake()
        self.bot_user = FakeUser(self.application_id, "quizbot", bot=True)
        self.owner = FakeUser(self.snowflake(), "owner")
        self.users: dict[int, FakeUser] = {self.bot_user.id: self.bot_user}
        self.users_by_name: dict[str, FakeUser] = {self.bot_user.name: self.bot_user}
        self.guilds: dict[int, FakeGuild] = {}
        self.channels: dict[int, FakeChannel] = {}
        self.messages: dict[int, FakeMessage] = {}
        self.interactions: dict[int, FakeInteraction] = {}
        self.attachments: dict[str, FakeAttachment] = {}  # by URL
        self.commands: dict[int | None, list[dict[str, Any]]] = {}  # guild id (None: global)
        # The installation contexts enabled for the app in the Developer Portal (0 server,
        # 1 user), and the users who added the app to their account.
        self.install_types: set[int] = {0, 1}
        self.user_installs: set[int] = set()
        # Holds DMs and group DMs: not a server, never sent to the bot, no members or roles.
        self.private = FakeGuild(0, "(private channels)", self, owner_id=0, has_bot=False)

    def snowflake(self) -> int:
        """Ids that encode the fake time, as Discord's do (discord.py reads created_at)."""
        ms = int(self.clock.time() * 1000) - DISCORD_EPOCH_MS
        return (ms << 22) | (next(self._sequence) & 0x3FFFFF)

    @staticmethod
    def snowflake_time(snowflake: int) -> float:
        return ((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000

    def token(self) -> str:
        return secrets.token_urlsafe(24)

    def add_guild(self, name: str, *, with_bot: bool = True) -> FakeGuild:
        """A server; ``with_bot=False``: one that never installed quizbot (its members may
        still use quizbot's user-installable commands there)."""
        # Real servers were created at different moments, and the shard of a server is its
        # id's creation time (in ms) modulo the shard count: the n-th server is dated n ms
        # earlier, so that servers spread over shards as they do on Discord.
        guild_id = self.snowflake() - (len(self.guilds) << 22)
        guild = FakeGuild(guild_id, name, self, owner_id=self.owner.id, has_bot=with_bot)
        guild.roles[guild.id] = FakeRole(guild.id, "@everyone", EVERYONE_PERMISSIONS)
        if with_bot:
            bot_role = FakeRole(self.snowflake(), "quizbot", BOT_PERMISSIONS, position=1)
            guild.roles[bot_role.id] = bot_role
            guild.members[self.bot_user.id] = FakeMember(
                self.bot_user, guild, [bot_role.id], self.clock.time()
            )
        self.guilds[guild.id] = guild
        return guild

    def add_private_channel(
        self, recipients: list[FakeUser], *, channel_id: int | None = None, name: str = ""
    ) -> FakeChannel:
        """A DM (two people) or a group DM (more), outside any server."""
        kind = DM if len(recipients) == 2 else GROUP_DM
        channel = FakeChannel(
            channel_id or self.snowflake(), self.private, name, type=kind, recipients=recipients
        )
        self.private.channels[channel.id] = channel
        self.channels[channel.id] = channel
        return channel

    def add_role(self, guild: FakeGuild, name: str, permissions: int = 0) -> FakeRole:
        for role in guild.roles.values():
            if role.name == name:
                return role
        role = FakeRole(self.snowflake(), name, permissions, position=len(guild.roles))
        guild.roles[role.id] = role
        return role

    def add_channel(
        self, guild: FakeGuild, name: str, *, type: int = 0, parent_id: int | None = None
    ) -> FakeChannel:
        channel = FakeChannel(self.snowflake(), guild, name, type=type, parent_id=parent_id)
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        return channel

    def add_message(self, channel: FakeChannel, author: FakeUser, **fields: Any) -> FakeMessage:
        message = FakeMessage(self.snowflake(), channel, author, **fields)
        self.messages[message.id] = message
        return message

    def add_attachment(
        self, channel_id: int, filename: str, data: bytes, content_type: str | None = None
    ) -> FakeAttachment:
        attachment_id = self.snowflake()
        url = f"https://cdn.discordapp.com/attachments/{channel_id}/{attachment_id}/{filename}"
        attachment = FakeAttachment(attachment_id, filename, data, url, content_type)
        self.attachments[url] = attachment
        return attachment
