"""Which button ``click LABEL`` presses: only what the member can see, the nearest and newest
first (a bare fake world, no bot)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from offline.clock import FakeClock
from offline.world import EPHEMERAL, FakeChannel, FakeInteraction, FakeMember, FakeUser, World
from sandbox.errors import SandboxError
from sandbox.visibility import Eyes


@pytest.fixture
def world() -> World:
    world = World(FakeClock(datetime(2026, 1, 5, 8, 0, tzinfo=UTC)))
    guild = world.add_guild("Study Group")
    world.add_channel(guild, "general")
    world.add_channel(guild, "daily")
    return world


def member(world: World, name: str) -> FakeMember:
    guild = next(iter(world.guilds.values()))
    user = FakeUser(world.snowflake(), name)
    guild.members[user.id] = FakeMember(user, guild, [], world.clock.time())
    return guild.members[user.id]


def channel(world: World, name: str) -> FakeChannel:
    return next(c for c in world.channels.values() if c.name == name)


def post(world: World, where: FakeChannel, *labels: str, **extra: Any) -> int:
    buttons = [
        {"type": 2, "style": 1, "label": label.strip("~"), "custom_id": f"{label}-{i}",
         "disabled": label.startswith("~")}
        for i, label in enumerate(labels)
    ]  # fmt: skip
    message = world.add_message(
        where, world.bot_user, components=[{"type": 1, "components": buttons}], **extra
    )
    return message.id


def private_reply(world: World, to: FakeMember, where: FakeChannel, *labels: str) -> int:
    interaction = FakeInteraction(world.snowflake(), "t", 2, to, where, 0.0, 0.0)
    world.interactions[interaction.id] = interaction
    return post(world, where, *labels, flags=EPHEMERAL, interaction_id=interaction.id)


def test_here_before_elsewhere_and_newest_first(world: World) -> None:
    alice, general, daily = (
        member(world, "alice"),
        channel(world, "general"),
        channel(world, "daily"),
    )
    old_here = post(world, general, "True")
    new_here = post(world, general, "True")
    post(world, daily, "True")  # newer, but in another channel
    message, _ = Eyes(world, alice, general).button("True")
    assert message.id == new_here != old_here
    message, _ = Eyes(world, alice, daily).button("True")
    assert message.channel is daily


def test_private_replies_only_for_their_member(world: World) -> None:
    alice, bob, general = member(world, "alice"), member(world, "bob"), channel(world, "general")
    mine = private_reply(world, alice, general, "Confirm")
    assert Eyes(world, alice, general).button("Confirm")[0].id == mine
    assert Eyes(world, bob, general).labels() == []
    with pytest.raises(SandboxError, match=r"no button \[Confirm\] that bob can see"):
        Eyes(world, bob, general).button("Confirm")


def test_case_and_disabled_buttons(world: World) -> None:
    alice, general = member(world, "alice"), channel(world, "general")
    post(world, general, "A", "~B")
    assert Eyes(world, alice, general).button("a")[1]["label"] == "A"
    assert Eyes(world, alice, general).labels() == ["A"]
    with pytest.raises(SandboxError, match=r"\[B\] is disabled"):
        Eyes(world, alice, general).button("B")
