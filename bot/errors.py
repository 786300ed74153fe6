"""The one error path for slash commands, buttons and modals.

Errors a member can fix (bad input, missing permission, not their duel) are :class:`UserError`
or a discord.py check failure, answered with a short ephemeral message. Anything else is our
bug: the member gets a generic apology and the traceback goes to the log.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable, Coroutine
from typing import Any

import discord
from discord import app_commands

from bank.words import plural, plural_noun

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong on our side. It has been logged; please try again later."


# What an option of each type is called in a message (Discord's "user" is a member here).
OPTION_KINDS = {"user": "member", "mentionable": "member or role", "integer": "whole number"}


class UserError(Exception):
    """An error whose message is meant for the member who caused it."""


def describe(error: BaseException) -> str | None:
    """The message for an error a member can act on, or None for an unexpected error."""
    original = getattr(error, "original", None)
    if isinstance(original, UserError):
        return str(original)
    if isinstance(error, UserError):
        return str(error)
    if isinstance(error, app_commands.MissingPermissions):
        needed = permission_names(error.missing_permissions)
        return f"You need the {needed} to use this."
    if isinstance(error, app_commands.BotMissingPermissions):
        needed = permission_names(error.missing_permissions)
        return f"I need the {needed} here to do that."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works inside a server."
    if isinstance(error, app_commands.CommandOnCooldown):
        wait = plural(max(1, math.ceil(error.retry_after)), "second")
        return f"Slow down: try again in {wait}."
    if isinstance(error, app_commands.TransformerError):
        kind = OPTION_KINDS.get(error.type.name, error.type.name.lower())
        return f"{error.value!r} is not a valid {kind}."
    if isinstance(error, app_commands.CheckFailure):
        return "You are not allowed to use this here."
    return None


def permission_names(missing: list[str]) -> str:
    """``["manage_guild", "send_messages"]`` -> "Manage Server and Send Messages permissions",
    in the words Discord's own settings use."""
    names = [
        p.replace("_", " ").replace("guild", "server").title().replace("Tts", "TTS")
        for p in missing
    ]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{listed} {plural_noun(len(names), 'permission')}"


async def send_ephemeral(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed = discord.utils.MISSING,
) -> None:
    """Reply privately, whether or not the interaction was already answered."""
    if interaction.response.is_done():
        text = content if content is not None else discord.utils.MISSING
        await interaction.followup.send(text, embed=embed, ephemeral=True)
    else:
        await interaction.response.send_message(content, embed=embed, ephemeral=True)


async def handle_interaction_error(interaction: discord.Interaction, error: BaseException) -> None:
    message = describe(error)
    if message is None:
        where = interaction.command.qualified_name if interaction.command else interaction.data
        log.error("Unexpected error in interaction %s", where, exc_info=error)
        message = APOLOGY
    try:
        await send_ephemeral(interaction, message)
    except discord.HTTPException:
        # The interaction may have expired; the member can't be told, but we must not crash.
        log.warning("Could not tell the member about an error", exc_info=True)


def guarded(
    callback: Callable[[Any, discord.Interaction], Coroutine[Any, Any, None]],
) -> Callable[[Any, discord.Interaction], Coroutine[Any, Any, None]]:
    """Send errors of a component callback down the one error path.

    discord.py only logs exceptions raised in dynamic items; a member would see "interaction
    failed" and never learn why. Wrapped callbacks answer like slash commands do.
    """

    @functools.wraps(callback)
    async def wrapper(self: Any, interaction: discord.Interaction) -> None:
        try:
            await callback(self, interaction)
        except Exception as exc:
            await handle_interaction_error(interaction, exc)

    return wrapper
