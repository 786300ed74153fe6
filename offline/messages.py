"""What is posted and sent: messages, their attachments, and interactions with their replies."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import discord

from offline.servers import FakeChannel, FakeMember, FakeUser, iso

EPHEMERAL = 1 << 6
LOADING = 1 << 7


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
