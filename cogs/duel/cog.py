"""/duel: rated head-to-head matches of quick questions, played in a thread."""

from __future__ import annotations

import asyncio
import logging
import random
from collections import defaultdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bank import grade
from bank.schema import LEVELS, QUICK_KINDS, Item
from bot.errors import UserError, send_ephemeral
from bot.events import ITEM_ANSWERED, ItemAnswered
from bot.guild_config import get_config
from bot.ui.embeds import BRAND_COLOUR, brand_embed
from bot.ui.modal import AnswerModal
from bot.ui.question import answer_summary, question_embed
from bot.ui.report import ReportButton
from cogs import rating as glicko
from cogs.duel import match as rules
from cogs.duel.views import challenge_view, round_view
from db import duels as queries
from db.members import display_names, remember_members

if TYPE_CHECKING:
    from bot.client import QuizBot

log = logging.getLogger(__name__)


def ts(seconds: float, style: str = "R") -> str:
    return f"<t:{int(seconds)}:{style}>"


def to_rating(row: queries.RatingRow | None, now: float) -> glicko.Rating:
    """A stored rating, its deviation grown by the days since the player last dueled."""
    if row is None:
        return glicko.Rating()
    return glicko.as_of(glicko.Rating(row.rating, row.rd, row.volatility), row.last_played_at, now)


def rebuild(duel: queries.DuelRow, answers: list[queries.AnswerRow]) -> rules.Match:
    state = rules.State(duel.state)
    match = rules.Match(
        duel.challenger_id, duel.opponent_id, duel.rounds, duel.round_seconds, state,
        duel.current_round,
    )  # fmt: skip
    for a in answers:
        match.answers[(a.round, a.user_id)] = rules.Answer(a.correct, a.seconds, a.points)
    match.forfeited_by = duel.forfeited_by
    return match


@app_commands.guild_only()
class DuelCog(commands.GroupCog, name="Duel", group_name="duel"):
    """Challenge another member to a rated match of quick questions."""

    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot
        # One lock per duel: both players' clicks and the round timer touch the same match.
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        super().__init__()

    async def cog_load(self) -> None:
        """Pending challenges keep their expiry; matches cut by a restart are cancelled."""
        for duel in await queries.open_duels(self.bot.db):
            if duel.state == "pending":
                self._schedule_expiry(duel)
            else:
                self.bot.scheduler.at(
                    f"duel:cancel:{duel.duel_id}", self.bot.clock.now(),
                    self._cancel_interrupted, duel.duel_id,
                )  # fmt: skip

    async def cog_unload(self) -> None:
        for job_id in self.bot.scheduler.job_ids():
            if job_id.startswith("duel:"):
                self.bot.scheduler.cancel(job_id)

    def _schedule_expiry(self, duel: queries.DuelRow) -> None:
        when = datetime.fromtimestamp(duel.expires_at, UTC)
        self.bot.scheduler.at(f"duel:expire:{duel.duel_id}", when, self.expire, duel.duel_id)

    # -- commands ---------------------------------------------------------------------------

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
            raise UserError(f"{who} already in a duel. Finish it (or `/duel forfeit`) first.")
        config = await get_config(self.bot.db, interaction.guild.id)
        rounds = rounds or int(config["duel_rounds"])
        topics = await self.bot.catalogs.pool_topics(interaction.guild.id)
        if topic is not None and topic not in topics:
            raise UserError(f"Unknown topic `{topic}`. Topics: {', '.join(topics)}.")
        pool = await self.bot.catalogs.pool(
            interaction.guild.id,
            topics=[topic] if topic else None,
            levels=[level] if level else None,
            kinds=QUICK_KINDS,
        )
        if len(pool) < rounds:
            raise UserError(
                f"Only {len(pool)} quick questions match that topic and level: not enough for "
                f"{rounds} rounds. Choose fewer rounds or a wider filter."
            )
        now = self.bot.clock.time()
        rng = random.Random(f"{interaction.guild.id}:{challenger.id}:{member.id}:{now}")
        items = [item.id for item in rng.sample(pool, rounds)]
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
            items=items,
            created_at=now,
            expires_at=now + rules.CHALLENGE_SECONDS,
        )
        await remember_members(
            self.bot.db, interaction.guild.id,
            {challenger.id: challenger.display_name, member.id: member.display_name}, now,
        )  # fmt: skip
        filters = ", ".join(f for f in (topic, level) if f) or "any topic"
        embed = brand_embed(
            "Duel challenge",
            f"{challenger.mention} challenges {member.mention} to a {rounds}-round duel "
            f"({filters}). Right and fast answers score most; ratings move.\n\n"
            f"{member.mention}, accept {ts(now + rules.CHALLENGE_SECONDS)}.",
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
        self._schedule_expiry(duel)

    @challenge.autocomplete("topic")
    async def topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        assert interaction.guild is not None
        known = await self.bot.catalogs.pool_topics(interaction.guild.id)
        topics = [t for t in known if current.lower() in t]
        return [app_commands.Choice(name=t, value=t) for t in topics[:25]]

    @app_commands.command(name="forfeit", description="Give up your running duel")
    async def forfeit(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        duel = await self._running_duel_of(interaction.guild.id, interaction.user.id)
        if duel is None:
            raise UserError("You are not in a running duel.")
        async with self._locks[duel.duel_id]:
            duel = await queries.get_duel(self.bot.db, duel.duel_id)
            if duel is None or duel.state != "active":
                raise UserError("You are not in a running duel.")
            match = rebuild(duel, await queries.answers(self.bot.db, duel.duel_id))
            match.forfeit(interaction.user.id)
            await interaction.response.send_message(
                f"You forfeited the duel against <@{match.other(interaction.user.id)}>.",
                ephemeral=True,
            )
            await self._finish(duel, match)

    @app_commands.command(name="rating", description="Show a duel rating")
    async def rating(
        self, interaction: discord.Interaction, member: discord.Member | None = None
    ) -> None:
        assert interaction.guild is not None
        target = member or interaction.user
        row = await queries.get_rating(self.bot.db, interaction.guild.id, target.id)
        current = to_rating(row, self.bot.clock.time())
        embed = brand_embed(f"{target.display_name}: duel rating {current.shown()}")
        embed.add_field(name="Deviation", value=f"±{current.rd:.0f}")
        if row is not None:
            embed.add_field(name="Record", value=f"{row.wins}W {row.losses}L {row.draws}D")
        else:
            embed.description = "No rated duels yet."
        if current.provisional:
            embed.set_footer(text="? = provisional: the rating settles after a few duels.")
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="history", description="The last 10 duels of a member")
    async def history(
        self, interaction: discord.Interaction, member: discord.Member | None = None
    ) -> None:
        assert interaction.guild is not None
        target = member or interaction.user
        duels = await queries.history(self.bot.db, interaction.guild.id, target.id)
        lines = [self._history_line(d, target.id) for d in duels]
        embed = brand_embed(
            f"{target.display_name}: last duels", "\n".join(lines) or "No duels yet."
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    def _history_line(self, duel: queries.DuelRow, user_id: int) -> str:
        mine_first = duel.challenger_id == user_id
        other = duel.opponent_id if mine_first else duel.challenger_id
        mine, theirs = (
            (duel.challenger_score, duel.opponent_score)
            if mine_first
            else (duel.opponent_score, duel.challenger_score)
        )
        change = duel.challenger_change if mine_first else duel.opponent_change
        if duel.state != "finished":
            verdict = duel.state
        elif duel.winner_id is None:
            verdict = "draw"
        else:
            verdict = "won" if duel.winner_id == user_id else "lost"
            if duel.outcome == "forfeit":
                verdict += " (forfeit)"
        moved = f", {change:+.0f}" if change is not None else ""
        when = ts(duel.finished_at or duel.created_at)
        return f"{when} vs <@{other}>: {verdict} {mine}-{theirs}{moved}"

    async def _running_duel_of(self, guild_id: int, user_id: int) -> queries.DuelRow | None:
        for duel in await queries.open_duels(self.bot.db):
            if duel.guild_id == guild_id and duel.state == "active" and user_id in (
                duel.challenger_id, duel.opponent_id
            ):  # fmt: skip
                return duel
        return None

    # -- challenge buttons ------------------------------------------------------------------

    async def _load(self, duel_id: int) -> tuple[queries.DuelRow, rules.Match]:
        duel = await queries.get_duel(self.bot.db, duel_id)
        if duel is None:
            raise UserError("This duel no longer exists.")
        return duel, rebuild(duel, await queries.answers(self.bot.db, duel_id))

    async def accept(self, interaction: discord.Interaction, duel_id: int) -> None:
        async with self._locks[duel_id]:
            duel, match = await self._load(duel_id)
            try:
                match.accept(interaction.user.id)
            except rules.DuelError as exc:
                raise UserError(str(exc)) from None
            self.bot.scheduler.cancel(f"duel:expire:{duel_id}")
            thread = await self._open_thread(interaction, duel)
            await queries.start(self.bot.db, duel_id, thread.id if thread else None)
            where = thread.mention if thread else "here"
            await interaction.response.edit_message(
                content=None,
                embed=brand_embed(
                    "Duel accepted",
                    f"<@{duel.challenger_id}> vs <@{duel.opponent_id}>: play {where}. "
                    f"{duel.rounds} rounds, {duel.round_seconds:.0f} s each.",
                ),
                view=challenge_view(duel_id, disabled=True),
            )
            duel, _ = await self._load(duel_id)
            await self._start_round(duel, 1)

    async def _open_thread(
        self, interaction: discord.Interaction, duel: queries.DuelRow
    ) -> discord.Thread | None:
        channel = interaction.channel
        message = interaction.message
        if not isinstance(channel, discord.TextChannel) or message is None:
            return None
        if not channel.permissions_for(channel.guild.me).create_public_threads:
            return None
        # Names as last seen (stored at the challenge): without the members intent the
        # challenger is rarely in discord.py's member cache.
        names = await display_names(self.bot.db, duel.guild_id, [duel.challenger_id])
        challenger = names.get(duel.challenger_id, "challenger")
        name = f"Duel: {challenger} vs {interaction.user.display_name}"[:100]
        try:
            return await message.create_thread(name=name)
        except (discord.Forbidden, discord.HTTPException):
            log.warning("Could not open a thread for duel %s; playing in the channel", duel.duel_id)
            return None

    async def decline(self, interaction: discord.Interaction, duel_id: int) -> None:
        async with self._locks[duel_id]:
            duel, match = await self._load(duel_id)
            try:
                match.decline(interaction.user.id)
            except rules.DuelError as exc:
                raise UserError(str(exc)) from None
            await queries.set_state(self.bot.db, duel_id, "declined", self.bot.clock.time())
            self.bot.scheduler.cancel(f"duel:expire:{duel_id}")
            await interaction.response.edit_message(
                content=None,
                embed=brand_embed(
                    "Duel declined",
                    f"<@{duel.opponent_id}> declined <@{duel.challenger_id}>'s challenge.",
                ),
                view=challenge_view(duel_id, disabled=True),
            )

    async def expire(self, duel_id: int) -> None:
        await self.bot.wait_until_ready()
        async with self._locks[duel_id]:
            duel, match = await self._load(duel_id)
            if not match.expire():
                return
            await queries.set_state(self.bot.db, duel_id, "expired", self.bot.clock.time())
            channel = self.bot.guild_channel(duel.guild_id, duel.channel_id)
            if duel.message_id is None or not isinstance(channel, discord.TextChannel):
                return
            try:
                await channel.get_partial_message(duel.message_id).edit(
                    content=None,
                    embed=brand_embed(
                        "Challenge expired",
                        f"<@{duel.opponent_id}> did not answer <@{duel.challenger_id}>'s "
                        "challenge in time.",
                    ),
                    view=challenge_view(duel_id, disabled=True),
                )
            except (discord.Forbidden, discord.NotFound) as exc:
                log.warning("Could not mark duel %s as expired: %s", duel_id, exc)

    # -- rounds -------------------------------------------------------------------------------

    async def _item(self, duel: queries.DuelRow, number: int) -> Item:
        item = await self.bot.catalogs.get(duel.guild_id, duel.items[number - 1])
        if item is None:
            raise UserError("This duel's question is no longer in the bank.")
        return item

    def _play_channel(self, duel: queries.DuelRow) -> discord.abc.Messageable | None:
        channel = self.bot.guild_channel(duel.guild_id, duel.play_channel_id)
        return channel if isinstance(channel, discord.TextChannel | discord.Thread) else None

    async def _start_round(self, duel: queries.DuelRow, number: int) -> None:
        now = self.bot.clock.time()
        await queries.start_round(self.bot.db, duel.duel_id, number, now)
        item = await self._item(duel, number)
        channel = self._play_channel(duel)
        if channel is None:
            log.warning("Duel %s lost its channel; cancelling", duel.duel_id)
            await queries.set_state(self.bot.db, duel.duel_id, "cancelled", now)
            return
        embed = question_embed(item, f"Round {number}/{duel.rounds}")
        embed.add_field(
            name="Time", value=f"{duel.round_seconds:.0f} s, closes {ts(now + duel.round_seconds)}"
        )
        await channel.send(embed=embed, view=round_view(duel.duel_id, number, item))
        when = datetime.fromtimestamp(now + duel.round_seconds, UTC)
        self.bot.scheduler.at(
            f"duel:round:{duel.duel_id}", when, self.round_timeout, duel.duel_id, number
        )

    async def open_modal(self, interaction: discord.Interaction, duel_id: int, number: int) -> None:
        duel, match = await self._load(duel_id)
        self._check_can_answer(match, interaction.user.id, number)
        item = await self._item(duel, number)

        async def submitted(modal_interaction: discord.Interaction, text: str) -> None:
            await self.answer(modal_interaction, duel_id, number, text)

        await interaction.response.send_modal(
            AnswerModal(f"Round {number}", submitted, long=False, question=item.prompt)
        )

    def _check_can_answer(self, match: rules.Match, member: int, number: int) -> None:
        if member not in match.players:
            raise UserError("This isn't your duel.")
        if match.state is not rules.State.ACTIVE or number != match.current_round:
            raise UserError("This round is over.")
        if (number, member) in match.answers:
            raise UserError("You already answered this round.")

    async def answer(
        self, interaction: discord.Interaction, duel_id: int, number: int, reply: str
    ) -> None:
        async with self._locks[duel_id]:
            duel, match = await self._load(duel_id)
            self._check_can_answer(match, interaction.user.id, number)
            item = await self._item(duel, number)
            result = grade(item, reply)
            now = self.bot.clock.time()
            seconds = now - (duel.round_started_at or now)
            answer = match.answer(interaction.user.id, number, result.correct, seconds)
            await queries.record_answer(
                self.bot.db,
                duel,
                queries.AnswerRow(number, interaction.user.id, reply[:300], answer.correct,
                                  seconds, answer.points),
                item_id=item.id,
                topic=item.topic,
                score=result.score,
                display_name=getattr(interaction.user, "display_name", interaction.user.name),
                answered_at=now,
            )  # fmt: skip
            self.bot.dispatch(
                ITEM_ANSWERED,
                ItemAnswered(duel.guild_id, interaction.user.id, item, result, "duel", now,
                             seconds),
            )  # fmt: skip
            await send_ephemeral(
                interaction, f"Locked in after {seconds:.1f} s. Results when the round closes."
            )
            if match.round_complete():
                await self._close_round(duel, match)

    async def round_timeout(self, duel_id: int, number: int) -> None:
        await self.bot.wait_until_ready()
        async with self._locks[duel_id]:
            duel, match = await self._load(duel_id)
            if match.state is rules.State.ACTIVE and match.current_round == number:
                await self._close_round(duel, match)

    async def _close_round(self, duel: queries.DuelRow, match: rules.Match) -> None:
        """Show the round's result, then start the next round or end the match."""
        self.bot.scheduler.cancel(f"duel:round:{duel.duel_id}")
        number = match.current_round
        item = await self._item(duel, number)
        over = match.close_round()
        lines = []
        for player in match.players:
            answer = match.answers.get((number, player))
            if answer is None:
                lines.append(f"<@{player}>: no answer, 0")
            else:
                mark = "right" if answer.correct else "wrong"
                lines.append(f"<@{player}>: {mark} in {answer.seconds:.1f} s, +{answer.points}")
        score = f"<@{match.challenger}> {match.score(match.challenger)} - " \
                f"{match.score(match.opponent)} <@{match.opponent}>"  # fmt: skip
        embed = discord.Embed(
            title=f"Round {number}: {answer_summary(item)}"[:256], colour=BRAND_COLOUR
        )
        embed.add_field(name="Players", value="\n".join(lines), inline=False)
        embed.add_field(name="Score", value=score, inline=False)
        embed.add_field(name="Why", value=item.explanation[:1024], inline=False)
        channel = self._play_channel(duel)
        if channel is not None:
            report = discord.ui.View(timeout=None)
            report.add_item(ReportButton(item.id))
            await channel.send(
                embed=embed, view=report, allowed_mentions=discord.AllowedMentions.none()
            )
        if over:
            await self._finish(duel, match)
        else:
            await self._start_round(duel, match.current_round)

    async def _finish(self, duel: queries.DuelRow, match: rules.Match) -> None:
        self.bot.scheduler.cancel(f"duel:round:{duel.duel_id}")
        outcome, winner = match.result()
        now = self.bot.clock.time()

        def rate(
            a: queries.RatingRow | None, b: queries.RatingRow | None, score_a: float
        ) -> tuple[tuple[float, float, float], ...]:
            new_a, new_b = glicko.duel(to_rating(a, now), to_rating(b, now), score_a)
            return tuple((r.rating, r.rd, r.volatility) for r in (new_a, new_b))

        before = [
            to_rating(await queries.get_rating(self.bot.db, duel.guild_id, p), now)
            for p in match.players
        ]
        changes = await queries.finish(
            self.bot.db,
            duel,
            state=match.state.value,
            outcome=outcome.value,
            winner_id=winner,
            forfeited_by=match.forfeited_by,
            scores=(match.score(match.challenger), match.score(match.opponent)),
            challenger_result=match.challenger_score(),
            rate=rate,
            now=now,
        )
        await self._announce_end(duel, match, outcome, winner, before, changes)

    async def _announce_end(
        self,
        duel: queries.DuelRow,
        match: rules.Match,
        outcome: rules.Outcome,
        winner: int | None,
        before: list[glicko.Rating],
        changes: tuple[float | None, float | None],
    ) -> None:
        names = await display_names(self.bot.db, duel.guild_id, list(match.players))

        def name(user_id: int) -> str:
            return names.get(user_id, "a player")

        if outcome is rules.Outcome.ABANDONED:
            title = "Duel abandoned: nobody answered two rounds in a row. Ratings unchanged."
        elif winner is None:
            title = "Draw!"
        else:
            title = f"{name(winner)} wins" + (
                " by forfeit" if outcome is rules.Outcome.FORFEIT else ""
            )
        embed = discord.Embed(title=title[:256], colour=BRAND_COLOUR)
        for player, old, change in zip(match.players, before, changes, strict=True):
            value = f"{match.score(player)} points"
            if change is not None:
                new = await queries.get_rating(self.bot.db, duel.guild_id, player)
                shown = glicko.Rating(new.rating, new.rd, new.volatility).shown() if new else "?"
                value += f"\nRating {old.shown()} → {shown} ({change:+.0f})"
            embed.add_field(name=name(player), value=value)
        channel = self._play_channel(duel)
        if channel is not None:
            await channel.send(
                content=f"<@{duel.challenger_id}> <@{duel.opponent_id}>",
                embed=embed,
                allowed_mentions=discord.AllowedMentions.none(),
            )

    async def _cancel_interrupted(self, duel_id: int) -> None:
        await self.bot.wait_until_ready()
        async with self._locks[duel_id]:
            duel = await queries.get_duel(self.bot.db, duel_id)
            if duel is None or duel.state != "active":
                return
            await queries.set_state(self.bot.db, duel_id, "cancelled", self.bot.clock.time())
            channel = self._play_channel(duel)
            if channel is None:
                return
            await channel.send(
                f"<@{duel.challenger_id}> <@{duel.opponent_id}>: this duel was interrupted when "
                "the bot restarted, so it has been cancelled. Ratings are unchanged; start a "
                "new one with `/duel challenge`.",
                allowed_mentions=discord.AllowedMentions(users=True),
            )
