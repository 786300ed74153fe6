"""What the fake Discord knows: users, servers, channels, messages and interactions.

Everything is kept as Discord's own JSON shapes (``payload()``), because that is what the real
discord.py parses; the dataclasses only make the harness and its tests readable.
"""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import discord

from offline.clock import FakeClock

DISCORD_EPOCH_MS = 1420070400000
EPHEMERAL = 1 << 6
LOADING = 1 << 7

P = discord.Permissions
EVERYONE_PERMISSIONS = P(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    read_message_history=True,
    embed_links=True,
    attach_files=True,
    add_reactions=True,
    use_application_commands=True,
).value
BOT_PERMISSIONS = EVERYONE_PERMISSIONS | P(manage_threads=True, manage_messages=True).value
ADMIN_PERMISSIONS = P(manage_guild=True).value


def iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat()


@dataclass
class FakeUser:
    id: int
    name: str
    bot: bool = False

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "global_name": self.name,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass
class FakeRole:
    id: int
    name: str
    permissions: int
    position: int = 0

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": True,
            "flags": 0,
        }

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"


@dataclass
class FakeMember:
    """A member of one server; ``guild`` is its server."""

    user: FakeUser
    guild: FakeGuild
    role_ids: list[int]
    joined_at: float

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def mention(self) -> str:
        return self.user.mention

    def payload(self, with_user: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "roles": [str(r) for r in self.role_ids],
            "joined_at": iso(self.joined_at),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "nick": None,
            "avatar": None,
            "pending": False,
        }
        if with_user:
            data["user"] = self.user.payload()
        return data


DM, GROUP_DM = 1, 3  # channel types outside any server


@dataclass
class FakeChannel:
    """A server's channel or thread; or, with type DM or GROUP_DM, a private channel (its
    ``guild`` is then :attr:`World.private`, which is no server)."""

    id: int
    guild: FakeGuild
    name: str
    type: int = 0  # 0 text, 11 public thread, 1 DM, 3 group DM
    parent_id: int | None = None
    # target id -> (allow, deny); the target is a role or a member
    overwrites: dict[int, tuple[int, int]] = field(default_factory=dict)
    deleted: bool = False
    recipients: list[FakeUser] = field(default_factory=list)  # a private channel's people

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    @property
    def is_thread(self) -> bool:
        return self.type in (10, 11, 12)

    @property
    def is_private(self) -> bool:
        return self.type in (DM, GROUP_DM)

    def with_bot(self, bot: FakeUser) -> bool:
        """A DM between this bot and a member (an interaction there has context BOT_DM)."""
        return self.type == DM and any(u.id == bot.id for u in self.recipients)

    def payload(self) -> dict[str, Any]:
        if self.is_private:
            private: dict[str, Any] = {
                "id": str(self.id),
                "type": self.type,
                "recipients": [u.payload() for u in self.recipients],
                "last_message_id": None,
            }
            if self.type == GROUP_DM:
                private.update(name=self.name, owner_id=str(self.recipients[0].id), icon=None)
            return private
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild.id),
            "name": self.name,
            "position": 0,
            "nsfw": False,
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "permission_overwrites": [
                {
                    "id": str(target),
                    "type": 0 if target in self.guild.roles else 1,
                    "allow": str(allow),
                    "deny": str(deny),
                }
                for target, (allow, deny) in self.overwrites.items()
            ],
            "rate_limit_per_user": 0,
            "topic": None,
            "last_message_id": None,
        }
        if self.is_thread:
            data["owner_id"] = str(self.guild.world.bot_user.id)
            data["thread_metadata"] = {
                "archived": False,
                "auto_archive_duration": 1440,
                "archive_timestamp": iso(self.guild.world.clock.time()),
                "locked": False,
            }
            data["message_count"] = 0
            data["member_count"] = 1
        return data


@dataclass
class FakeGuild:
    id: int
    name: str
    world: World
    owner_id: int
    has_bot: bool = True  # False: a server that never installed quizbot (a user install's)
    roles: dict[int, FakeRole] = field(default_factory=dict)
    channels: dict[int, FakeChannel] = field(default_factory=dict)
    members: dict[int, FakeMember] = field(default_factory=dict)

    @property
    def everyone(self) -> FakeRole:
        return self.roles[self.id]

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "owner_id": str(self.owner_id),
            "roles": [role.payload() for role in self.roles.values()],
            "channels": [c.payload() for c in self.channels.values() if not c.is_thread],
            "threads": [c.payload() for c in self.channels.values() if c.is_thread],
            "members": [member.payload() for member in self.members.values()],
            "member_count": len(self.members),
            "large": False,
            "unavailable": False,
            "features": [],
            "emojis": [],
            "stickers": [],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "system_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "joined_at": iso(self.world.clock.time()),
        }

    def permissions_of_everyone(self, channel: FakeChannel) -> int:
        """What @everyone may do in ``channel`` (its role, then the channel's overwrite)."""
        allow, deny = channel.overwrites.get(self.id, (0, 0))
        return (self.everyone.permissions & ~deny) | allow

    def permissions(self, member: FakeMember, channel: FakeChannel | None = None) -> int:
        """Discord's permission algorithm: roles, then channel overwrites."""
        if member.id == self.owner_id:
            return P.all().value
        perms = self.everyone.permissions
        for role_id in member.role_ids:
            perms |= self.roles[role_id].permissions
        if perms & P(administrator=True).value:
            return P.all().value
        if channel is None:
            return perms
        if channel.is_thread and channel.parent_id:
            channel = self.channels[channel.parent_id]
        allow, deny = channel.overwrites.get(self.id, (0, 0))
        perms = (perms & ~deny) | allow
        role_allow = role_deny = 0
        for role_id in member.role_ids:
            a, d = channel.overwrites.get(role_id, (0, 0))
            role_allow, role_deny = role_allow | a, role_deny | d
        perms = (perms & ~role_deny) | role_allow
        allow, deny = channel.overwrites.get(member.id, (0, 0))
        return (perms & ~deny) | allow


@dataclass
class FakeAttachment:
    id: int
    filename: str
    data: bytes
    url: str
    content_type: str | None = None

    def payload(self) -> dict[str, Any]:
        data = {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data),
            "url": self.url,
            "proxy_url": self.url,
        }
        if self.content_type:
            data["content_type"] = self.content_type
        return data


@dataclass
class FakeMessage:
    """A message as Discord stores it; edits update it in place, so a test holding one sees
    the latest state (buttons disabled at the reveal, say)."""

    id: int
    channel: FakeChannel
    author: FakeUser
    content: str = ""
    embed_data: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[FakeAttachment] = field(default_factory=list)
    flags: int = 0
    type: int = 0
    reference_id: int | None = None
    interaction_id: int | None = None
    allowed_mentions: dict[str, Any] | None = None
    edited_at: float | None = None
    thread: FakeChannel | None = None
    deleted: bool = False

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def embeds(self) -> list[discord.Embed]:
        return [discord.Embed.from_dict(data) for data in self.embed_data]

    @property
    def files(self) -> list[FakeAttachment]:
        return self.attachments

    def buttons(self) -> list[dict[str, Any]]:
        return [c for c in self.all_components() if c.get("type") == 2]

    def all_components(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        stack = list(self.components)
        while stack:
            component = stack.pop(0)
            found.append(component)
            stack[:0] = component.get("components") or []
        return found

    def text(self) -> str:
        """Everything a reader sees as text, for assertions that don't care about layout."""
        parts = [self.content]
        for embed in self.embed_data:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            for field_ in embed.get("fields") or []:
                parts += [field_.get("name", ""), field_.get("value", "")]
            parts.append((embed.get("footer") or {}).get("text") or "")
            parts.append((embed.get("author") or {}).get("name") or "")
        return "\n".join(part for part in parts if part)

    def payload(self) -> dict[str, Any]:
        world = self.channel.guild.world
        data: dict[str, Any] = {
            "id": str(self.id),
            "channel_id": str(self.channel.id),
            "author": self.author.payload(),
            "content": self.content,
            "timestamp": iso(world.snowflake_time(self.id)),
            "edited_timestamp": iso(self.edited_at) if self.edited_at else None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [a.payload() for a in self.attachments],
            "embeds": self.embed_data,
            "components": self.components,
            "pinned": False,
            "type": self.type,
            "flags": self.flags,
        }
        if not self.channel.is_private:
            data["guild_id"] = str(self.channel.guild.id)
        if self.reference_id:
            data["message_reference"] = {
                "message_id": str(self.reference_id),
                "channel_id": str(self.channel.id),
            }
            if not self.channel.is_private:
                data["message_reference"]["guild_id"] = str(self.channel.guild.id)
        if self.interaction_id:
            data["application_id"] = str(world.application_id)
            data["webhook_id"] = str(world.application_id)
        if self.thread is not None:
            data["thread"] = self.thread.payload()
        return data


@dataclass
class FakeInteraction:
    id: int
    token: str
    type: int
    member: FakeMember
    channel: FakeChannel
    created_at: float  # fake clock, for token expiry
    dispatched_at: float  # real perf_counter, for the 3-second budget
    message: FakeMessage | None = None  # the message a component was on
    response_type: int | None = None
    original: FakeMessage | None = None
    modal: dict[str, Any] | None = None
    choices: list[dict[str, Any]] | None = None
    followups: list[FakeMessage] = field(default_factory=list)
    ack_latency: float | None = None
    # Where it came from (0 guild, 1 DM with the bot, 2 another private channel) and which
    # installs authorized it: {"0": server id, or "0" in a DM with the bot; "1": user id}.
    context: int = 0
    owners: dict[str, str] = field(default_factory=dict)


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
