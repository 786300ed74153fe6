"""What a member saw after an interaction (:class:`Reply`), and how the harness finds the
components and modal fields a member would use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord

from offline.world import (
    FakeAttachment,
    FakeChannel,
    FakeGuild,
    FakeInteraction,
    FakeMember,
    FakeMessage,
    FakeRole,
)


class OfflineError(AssertionError):
    """The test drove the fake in a way a member could not (or the bot misbehaved)."""


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


def default_channel(guild: FakeGuild) -> FakeChannel:
    for channel in guild.channels.values():
        if not channel.deleted and not channel.is_thread:
            return channel
    raise OfflineError(f"{guild.name} has no channel")


def message_of(message: FakeMessage | Reply | None) -> FakeMessage:
    if isinstance(message, Reply):
        message = message.message
    if message is None:
        raise OfflineError("there is no message to click on")
    if message.deleted:
        raise OfflineError("the message was deleted")
    return message


def find_component(
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


def option_value(value: Any, member: FakeMember, resolved: dict[str, dict[str, Any]]) -> Any:
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


def fill_modal(
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
