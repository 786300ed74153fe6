"""The fake's interactions from DMs, private channels and servers without the bot: the payload
Discord sends (context, authorizing_integration_owners, user or member), as discord.py reads it."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from offline import FakeChannel, FakeMember, OfflineDiscord, OfflineError
from offline.payloads import authorize, interaction_payload
from offline.world import FakeInteraction


def payload(offline: OfflineDiscord, member: FakeMember, channel: FakeChannel) -> dict[str, Any]:
    """What INTERACTION_CREATE would carry for ``/quiz`` used by ``member`` in ``channel``."""
    registered = offline.bot.tree.get_command("quiz").to_dict(offline.bot.tree)
    context, owners = authorize(offline.world, registered, member, channel)
    interaction = FakeInteraction(
        id=offline.world.snowflake(), token="t", type=2, member=member, channel=channel,
        created_at=0.0, dispatched_at=0.0, context=context, owners=owners,
    )  # fmt: skip
    return interaction_payload(offline.world, interaction, {"id": "1", "name": "quiz", "type": 1})


def parsed(offline: OfflineDiscord, data: dict[str, Any]) -> discord.Interaction[Any]:
    return discord.Interaction(data=data, state=offline.bot._connection)


async def test_a_dm_with_the_bot_through_both_installs(offline: OfflineDiscord) -> None:
    alice = offline.member("alice")
    offline.add_to_account(alice)
    data = payload(offline, alice, offline.dm(alice))
    assert data["context"] == 1 and "guild_id" not in data and "member" not in data
    assert data["authorizing_integration_owners"] == {"0": "0", "1": str(alice.id)}
    assert data["channel"]["type"] == 1
    seen = parsed(offline, data)
    assert seen.context.dm_channel and seen.guild is None
    assert seen.is_user_integration() and not seen.is_guild_integration()
    assert isinstance(seen.user, discord.User) and seen.user.id == alice.id


async def test_a_server_without_the_bot_sends_a_partial_server(offline: OfflineDiscord) -> None:
    elsewhere = offline.server_without_bot("Elsewhere")
    carol = offline.member("carol", guild=elsewhere)
    offline.add_to_account(carol)
    data = payload(offline, carol, next(iter(elsewhere.channels.values())))
    assert data["context"] == 0 and data["guild_id"] == str(elsewhere.id)
    assert data["authorizing_integration_owners"] == {"1": str(carol.id)}
    assert data["guild"] == {"id": str(elsewhere.id), "locale": "en-US", "features": []}
    seen = parsed(offline, data)
    assert seen.context.guild and seen.is_user_integration()
    assert not seen.is_guild_integration()
    assert offline.bot.get_guild(elsewhere.id) is None  # never sent to the bot


async def test_the_members_own_server_sends_both_installs(offline: OfflineDiscord) -> None:
    alice = offline.member("alice")
    offline.add_to_account(alice)
    data = payload(offline, alice, offline.channel("general"))
    owners = {"0": str(offline.guild.id), "1": str(alice.id)}
    assert data["authorizing_integration_owners"] == owners
    assert parsed(offline, data).is_guild_integration()


async def test_a_group_dm_needs_the_members_own_install(offline: OfflineDiscord) -> None:
    alice, bob, carol = (offline.member(n) for n in ("alice", "bob", "carol"))
    group = offline.private_channel(alice, bob, carol)
    with pytest.raises(OfflineError, match="no install of the app applies"):
        payload(offline, alice, group)
    offline.add_to_account(alice)
    data = payload(offline, alice, group)
    assert data["context"] == 2 and data["channel"]["type"] == 3
    assert data["authorizing_integration_owners"] == {"1": str(alice.id)}
    assert parsed(offline, data).context.private_channel
