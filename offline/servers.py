"""Servers and the people in them: users, roles, members, channels, and their permissions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import discord

if TYPE_CHECKING:
    from offline.world import World

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
