"""/duel: rated head-to-head matches of quick questions, played in a thread."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bank.schema import LEVELS, QUICK_KINDS
from bank.words import plural
from bot import options
from bot.errors import UserError
from bot.guild_config import get_config
from bot.ui import answer, targets
from cogs.duel import embeds
from cogs.duel import match as rules
from cogs.duel.cancel import withdraw
from cogs.duel.play import DuelPlay, to_rating
from cogs.duel.views import PREFIX, challenge_view
from db import duels as queries
from db.members import remember_members

if TYPE_CHECKING:
    from bot.client import QuizBot

# A member waiting on their own challenge must be told how out of it, not only "finish it".
FINISH_FIRST = "Finish it first, or end it with `/duel forfeit` (it also withdraws a challenge)."
NOTHING_TO_END = "You have no running duel and no challenge waiting for an answer."


@app_commands.guild_only()
class DuelCog(commands.GroupCog, name="Duel", group_name="duel"):
    """Challenge another member to a rated match of quick questions."""

    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot
        self.play = DuelPlay(bot)
        super().__init__()

    async def cog_load(self) -> None:
        answer.register(self.bot, PREFIX, self.play)
        await self.play.rebuild_jobs()

    async def cog_unload(self) -> None:
        targets.unregister(self.bot, PREFIX)
        self.play.jobs.cancel_all()

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        # A deleted duel thread ends its match at once rather than at the next round's send.
        for duel in await queries.active_in_thread(self.bot.db, payload.thread_id):
            await self.play.abandon(duel.duel_id, "its thread was deleted")

    @app_commands.command(name="challenge", description="Challenge a member to a rated duel")
    @app_commands.describe(
        member="Who to challenge",
        rounds="Number of questions (3-10)",
        topic="Only questions from this topic",
        level="Only questions of this level",
    )
    @app_commands.choices(level=[app_commands.Choice(name=lv, value=lv) for lv in LEVELS])
    async def challenge(
        self,
        interaction: discord.Interaction,
        member: discord.Member,
        rounds: app_commands.Range[int, rules.MIN_ROUNDS, rules.MAX_ROUNDS] | None = None,
        topic: str | None = None,
        level: str | None = None,
    ) -> None:
        assert interaction.guild is not None and interaction.channel is not None
        challenger = interaction.user
        if member.id == challenger.id:
            raise UserError("You can't duel yourself. Pick someone from your study group!")
        if member.bot:
            raise UserError("Bots don't duel. Challenge a human member.")
        busy = await queries.busy_player(
            self.bot.db, interaction.guild.id, [challenger.id, member.id]
        )
        if busy is not None:
            who = "You are" if busy == challenger.id else f"{member.display_name} is"
            raise UserError(f"{who} already in a duel. {FINISH_FIRST}")
        config = await get_config(self.bot.db, interaction.guild.id)
        rounds = rounds or int(config["duel_rounds"])
        if topic is not None:
            options.check_topics([topic], await self.bot.catalogs.pool_topics(interaction.guild.id))
        pool = await self.bot.catalogs.pool(
            interaction.guild.id,
            topics=[topic] if topic else None,
            levels=[level] if level else None,
            kinds=QUICK_KINDS,
        )
        if len(pool) < rounds:
            raise UserError(
                f"That topic and level have {plural(len(pool), 'quick question')}: "
                f"not enough for {plural(rounds, 'round')}. Choose fewer rounds or a wider filter."
            )
        now = self.bot.clock.time()
        rng = random.Random(f"{interaction.guild.id}:{challenger.id}:{member.id}:{now}")
        try:
            duel_id = await queries.create_duel(
                self.bot.db,
                guild_id=interaction.guild.id,
                channel_id=interaction.channel.id,
                challenger_id=challenger.id,
                opponent_id=member.id,
                rounds=rounds,
                round_seconds=float(config["duel_round_seconds"]),
                topic=topic,
                level=level,
                items=[item.id for item in rng.sample(pool, rounds)],
                created_at=now,
                expires_at=now + rules.CHALLENGE_SECONDS,
            )
        except queries.PlayerBusy:
            raise UserError(f"You or your opponent are already in a duel. {FINISH_FIRST}") from None
        await remember_members(
            self.bot.db, interaction.guild.id,
            {challenger.id: challenger.display_name, member.id: member.display_name}, now,
        )  # fmt: skip
        filters = ", ".join(f for f in (topic, level) if f) or "any topic"
        embed = embeds.challenge(
            challenger.mention, member.mention, rounds, filters, now + rules.CHALLENGE_SECONDS
        )
        callback = await interaction.response.send_message(
            content=member.mention,
            embed=embed,
            view=challenge_view(duel_id),
            allowed_mentions=discord.AllowedMentions(users=[member]),
        )
        if isinstance(callback.resource, discord.InteractionMessage):
            await queries.set_message(self.bot.db, duel_id, callback.resource.id)
        duel = await queries.get_duel(self.bot.db, duel_id)
        assert duel is not None
        self.play.schedule_expiry(duel)

    @challenge.autocomplete("topic")
    async def topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        assert interaction.guild is not None
        known = await self.bot.catalogs.pool_topics(interaction.guild.id)
        return [
            app_commands.Choice(name=t, value=t) for t in options.matching_topics(known, current)
        ]

    @app_commands.command(
        name="forfeit", description="Give up your running duel, or withdraw your challenge"
    )
    async def forfeit(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        duel = await self._open_duel_of(interaction.guild.id, interaction.user.id)
        if (
            duel is not None
            and duel.state == "pending"
            and duel.challenger_id == interaction.user.id
        ):
            await withdraw(self.play, interaction, duel.duel_id)
            return
        if duel is not None and duel.state == "pending":
            raise UserError(
                f"<@{duel.challenger_id}>'s challenge is waiting for you: Accept or Decline it."
            )
        if duel is None or duel.state != "active":
            raise UserError(NOTHING_TO_END)
        await self.play.forfeit(interaction, duel.duel_id)

    @app_commands.command(name="cancel", description="Withdraw a challenge nobody accepted yet")
    async def cancel(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        duel = await self._open_duel_of(interaction.guild.id, interaction.user.id)
        if duel is None or duel.state != "pending" or duel.challenger_id != interaction.user.id:
            running = duel is not None and duel.state == "active"
            raise UserError(
                "Your duel has started: `/duel forfeit` gives it up."
                if running
                else "You have no challenge waiting for an answer."
            )
        await withdraw(self.play, interaction, duel.duel_id)

    @app_commands.command(name="rating", description="Show a duel rating")
    async def rating(
        self, interaction: discord.Interaction, member: discord.Member | None = None
    ) -> None:
        assert interaction.guild is not None
        target = member or interaction.user
        row = await queries.get_rating(self.bot.db, interaction.guild.id, target.id)
        current = to_rating(row, self.bot.clock.time())
        await interaction.response.send_message(
            embed=embeds.rating_card(target.display_name, current, row), ephemeral=True
        )

    @app_commands.command(name="history", description="The last 10 duels of a member")
    async def history(
        self, interaction: discord.Interaction, member: discord.Member | None = None
    ) -> None:
        assert interaction.guild is not None
        target = member or interaction.user
        duels = await queries.history(self.bot.db, interaction.guild.id, target.id)
        await interaction.response.send_message(
            embed=embeds.history(target.display_name, duels, target.id), ephemeral=True
        )

    async def _open_duel_of(self, guild_id: int, user_id: int) -> queries.DuelRow | None:
        """The member's pending or running duel here (there is at most one)."""
        for duel in await queries.open_duels(self.bot.db):
            if duel.guild_id == guild_id and user_id in (duel.challenger_id, duel.opponent_id):
                return duel
        return None
