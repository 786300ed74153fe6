"""A duel's opening once accepted: its thread, and the challenge message marked accepted."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.retry import is_transient
from cogs.duel import delivery, embeds
from cogs.duel.views import challenge_view
from db import duels as queries
from db.members import display_names

if TYPE_CHECKING:
    from bot.client import QuizBot

log = logging.getLogger(__name__)


async def open_thread(
    bot: QuizBot, interaction: discord.Interaction, duel: queries.DuelRow
) -> discord.Thread | None:
    """The duel's thread off the challenge message; None to play in the channel itself."""
    channel = interaction.channel
    message = interaction.message
    if not isinstance(channel, discord.TextChannel) or message is None:
        return None
    if not channel.permissions_for(channel.guild.me).create_public_threads:
        return None
    # Names as last seen (stored at the challenge): without the members intent the
    # challenger is rarely in discord.py's member cache.
    names = await display_names(bot.db, duel.guild_id, [duel.challenger_id])
    challenger = names.get(duel.challenger_id, "challenger")
    name = f"Duel: {challenger} vs {interaction.user.display_name}"[:100]
    try:
        return await delivery.deliver(
            lambda: message.create_thread(name=name),
            clock=bot.clock, duel_id=duel.duel_id, what="thread",
        )  # fmt: skip
    except discord.HTTPException as exc:
        if is_transient(exc):
            raise  # Discord is down: the channel would fail the same way
        log.warning("Could not open a thread for duel %s; playing in the channel", duel.duel_id)
        return None


async def tell_accepted(
    bot: QuizBot,
    interaction: discord.Interaction,
    duel: queries.DuelRow,
    thread: discord.Thread | None,
    windows: list[float],
) -> None:
    """The challenge message says where to play and for how long; ``windows``: each round's
    answer time."""
    try:
        await delivery.deliver(
            lambda: interaction.edit_original_response(
                content=None,
                embed=embeds.accepted(duel, thread.mention if thread else "here", windows),
                view=challenge_view(duel.duel_id, disabled=True),
            ),
            clock=bot.clock, duel_id=duel.duel_id, what="accepted notice",
        )  # fmt: skip
    except discord.HTTPException as exc:
        # The challenge message only loses its "accepted" line; the match itself goes on.
        log.warning("Duel %s: could not mark the challenge accepted: %s", duel.duel_id, exc)
