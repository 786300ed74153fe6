"""Wording found in the review of docs/strings.md (issue 23): counts agree with their nouns,
replies name what a member can act on, and no reply reads as a half sentence."""

from __future__ import annotations

from typing import Any

from discord import AppCommandOptionType, app_commands

from bot.errors import describe
from offline import OfflineDiscord
from tests.helpers import mod, setup_daily

ONE_PROBLEM = """\
topic: broken
title: Broken
items:
  - {id: broken-one, kind: short, level: expert, prompt: One?, answers: [one], explanation: One.}
"""


async def test_forgetting_a_member_with_no_records_says_so(server: OfflineDiscord) -> None:
    newcomer = server.member("newcomer")
    ask = await server.slash(mod(server), "data forget", member=newcomer)
    await server.click(mod(server), ask.message, label="Delete")
    assert ask.message is not None and ask.message.content == (
        f"{newcomer.mention} had no records in this server: nothing to delete."
    )


async def test_unknown_levels_and_topics_agree_with_their_count(server: OfflineDiscord) -> None:
    channel = server.channel("daily")
    base: dict[str, Any] = {"channel": channel, "time": "09:00", "timezone": "UTC"}
    two = await server.slash(mod(server), "daily setup", **base, levels="expert,guru")
    assert two.content.startswith("Unknown levels expert, guru: use beginner, intermediate")
    one = await server.slash(mod(server), "daily setup", **base, topics="astrology")
    assert one.content.startswith("Unknown topic astrology. Topics here: ")
    both = await server.slash(mod(server), "daily setup", **base, topics="astrology, tarot")
    assert both.content.startswith("Unknown topics astrology, tarot. Topics here: ")


async def test_one_problem_in_an_import_is_one_problem(server: OfflineDiscord) -> None:
    reply = await server.slash(
        mod(server), "bank import", file=server.attachment("broken.yaml", ONE_PROBLEM.encode())
    )
    assert "broken.yaml: 1 problem, nothing imported" in reply.text


async def test_the_settings_footer_shows_how_to_type_a_change(server: OfflineDiscord) -> None:
    await setup_daily(server)
    shown = await server.slash(mod(server), "config show")
    footer = shown.embeds[0].footer.text or ""
    assert footer == "Change one with /config set key:<setting> value:<new value>"


def test_permissions_are_named_as_discord_names_them_and_counted() -> None:
    one = describe(app_commands.MissingPermissions(["manage_guild"]))
    assert one == "You need the Manage Server permission to use this."
    many = describe(app_commands.BotMissingPermissions(["send_messages", "embed_links"]))
    assert many == "I need the Send Messages and Embed Links permissions here to do that."


def test_a_cooldown_is_counted_in_whole_seconds() -> None:
    cooldown = app_commands.Cooldown(1, 10.0)
    assert describe(app_commands.CommandOnCooldown(cooldown, 0.3)) == (
        "Slow down: try again in 1 second."
    )
    assert describe(app_commands.CommandOnCooldown(cooldown, 4.2)) == (
        "Slow down: try again in 5 seconds."
    )


def test_a_member_option_is_called_a_member() -> None:
    transformer = app_commands.transformers.IdentityTransformer(AppCommandOptionType.user)
    error = app_commands.TransformerError("bob?", AppCommandOptionType.user, transformer)
    assert describe(error) == "'bob?' is not a valid member."


async def test_an_empty_bank_list_says_how_to_add_one(server: OfflineDiscord) -> None:
    listing = await server.slash(mod(server), "bank list")
    imported = next(f for f in listing.embeds[0].fields if f.name == "Imported")
    assert imported.value == "None yet: `/bank import` adds one."
