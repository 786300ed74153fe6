"""Withdrawing a challenge nobody has answered yet: its challenger is never stuck waiting."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.errors import UserError
from bot.ui.embeds import brand_embed
from cogs.duel import delivery
from cogs.duel import match as rules
from cogs.duel.views import challenge_view
from db import duels as queries

if TYPE_CHECKING:
    from cogs.duel.play import DuelPlay

log = logging.getLogger(__name__)


def withdrawn(duel: queries.DuelRow) -> discord.Embed:
    return brand_embed(
        "Challenge withdrawn",
        f"<@{duel.challenger_id}> withdrew the challenge to <@{duel.opponent_id}>.",
    )


async def withdraw(play: DuelPlay, interaction: discord.Interaction, duel_id: int) -> None:
    """Cancel a pending challenge for its challenger; the message shows it was withdrawn."""
    async with play.locks.hold(duel_id):
        duel = await queries.get_duel(play.bot.db, duel_id)
        if duel is None or duel.state != rules.State.PENDING.value:
            raise UserError("That challenge was already answered or has expired.")
        if duel.challenger_id != interaction.user.id:
            raise UserError("Only the member who sent a challenge can withdraw it.")
        play.jobs.cancel(("expire", duel_id))
        await queries.set_state(
            play.bot.db, duel_id, rules.State.CANCELLED.value, play.bot.clock.time()
        )
    await interaction.response.send_message(
        f"You withdrew your challenge to <@{duel.opponent_id}>. You are free to start another.",
        ephemeral=True,
        allowed_mentions=discord.AllowedMentions.none(),
    )
    channel = play.bot.guild_channel(duel.guild_id, duel.channel_id)
    if duel.message_id is None or not isinstance(channel, discord.TextChannel):
        return
    message = channel.get_partial_message(duel.message_id)
    try:
        await delivery.deliver(
            lambda: message.edit(
                content=None, embed=withdrawn(duel), view=challenge_view(duel_id, disabled=True)
            ),
            clock=play.bot.clock, duel_id=duel_id, what="withdrawal notice",
        )  # fmt: skip
    except Exception as exc:  # the challenge is cancelled whatever its message still shows
        log.warning("Could not mark duel %s as withdrawn: %s", duel_id, delivery.reason(exc))
