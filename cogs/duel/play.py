"""A duel once challenged: accept or decline, expiry, rounds and their timers, the end, ratings."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord

from bank import grade
from bank.schema import Item
from bot.errors import UserError, send_ephemeral
from bot.events import ITEM_ANSWERED, ItemAnswered
from bot.ui.answer import AnswerForm, AnswerKey
from bot.ui.report import ReportButton
from cogs import rating as glicko
from cogs.duel import embeds
from cogs.duel import match as rules
from cogs.duel.locks import KeyedLocks
from cogs.duel.views import challenge_view, round_view
from db import duels as queries
from db.members import display_names

if TYPE_CHECKING:
    from bot.client import QuizBot

log = logging.getLogger(__name__)

STORED_REPLY_LIMIT = 300


def to_rating(row: queries.RatingRow | None, now: float) -> glicko.Rating:
    """A stored rating, its deviation grown by the days since the player last dueled."""
    if row is None:
        return glicko.Rating()
    return glicko.current(row.rating, row.rd, row.volatility, row.last_played_at, now)


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


class DuelPlay:
    """Implements the challenge buttons' target and the answer target (key: duel, round)."""

    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot
        # Jobs keyed ("expire" | "round" | "cancel", duel), under this feature's own owner.
        self.jobs = bot.scheduler.owner("duel")
        self.locks = KeyedLocks()

    async def rebuild_jobs(self) -> None:
        """Pending challenges keep their expiry; matches cut by a restart are cancelled."""
        for duel in await queries.open_duels(self.bot.db):
            if duel.state == "pending":
                self.schedule_expiry(duel)
            else:
                self.jobs.at(
                    ("cancel", duel.duel_id), self.bot.clock.now(),
                    self._cancel_interrupted, duel.duel_id,
                )  # fmt: skip

    def schedule_expiry(self, duel: queries.DuelRow) -> None:
        when = datetime.fromtimestamp(duel.expires_at, UTC)
        self.jobs.at(("expire", duel.duel_id), when, self.expire, duel.duel_id)

    async def _load(self, duel_id: int) -> tuple[queries.DuelRow, rules.Match]:
        duel = await queries.get_duel(self.bot.db, duel_id)
        if duel is None:
            raise UserError("This duel no longer exists.")
        return duel, rebuild(duel, await queries.answers(self.bot.db, duel_id))

    # -- the challenge ------------------------------------------------------------------------

    async def accept(self, interaction: discord.Interaction, duel_id: int) -> None:
        async with self.locks.hold(duel_id):
            duel, match = await self._load(duel_id)
            _ruled(match.accept, interaction.user.id)
            self.jobs.cancel(("expire", duel_id))
            thread = await self._open_thread(interaction, duel)
            await queries.start(self.bot.db, duel_id, thread.id if thread else None)
            await interaction.response.edit_message(
                content=None,
                embed=embeds.accepted(duel, thread.mention if thread else "here"),
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
        async with self.locks.hold(duel_id):
            duel, match = await self._load(duel_id)
            _ruled(match.decline, interaction.user.id)
            await queries.set_state(self.bot.db, duel_id, "declined", self.bot.clock.time())
            self.jobs.cancel(("expire", duel_id))
            await interaction.response.edit_message(
                content=None,
                embed=embeds.declined(duel),
                view=challenge_view(duel_id, disabled=True),
            )

    async def expire(self, duel_id: int) -> None:
        await self.bot.wait_until_ready()
        async with self.locks.hold(duel_id):
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
                    embed=embeds.expired(duel),
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
            await self.abandon(duel.duel_id, "its channel is gone")
            return
        await channel.send(
            embed=embeds.round_question(item, duel, number, now),
            view=round_view(duel.duel_id, number, item),
        )
        when = datetime.fromtimestamp(now + duel.round_seconds, UTC)
        self.jobs.at(("round", duel.duel_id), when, self.round_timeout, duel.duel_id, number)

    async def answer_form(self, interaction: discord.Interaction, key: AnswerKey) -> AnswerForm:
        duel_id, number = key
        duel, match = await self._load(duel_id)
        _check_can_answer(match, interaction.user.id, number)
        item = await self._item(duel, number)
        return AnswerForm(f"Round {number}", item.prompt)

    async def answer(self, interaction: discord.Interaction, key: AnswerKey, reply: str) -> None:
        duel_id, number = key
        async with self.locks.hold(duel_id):
            duel, match = await self._load(duel_id)
            _check_can_answer(match, interaction.user.id, number)
            item = await self._item(duel, number)
            result = grade(item, reply)
            now = self.bot.clock.time()
            seconds = now - (duel.round_started_at or now)
            answer = match.answer(interaction.user.id, number, result.correct, seconds)
            await queries.record_answer(
                self.bot.db,
                duel,
                queries.AnswerRow(number, interaction.user.id, reply[:STORED_REPLY_LIMIT],
                                  answer.correct, seconds, answer.points),
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
        async with self.locks.hold(duel_id):
            duel, match = await self._load(duel_id)
            if match.state is rules.State.ACTIVE and match.current_round == number:
                try:
                    await self._close_round(duel, match)
                except (discord.Forbidden, discord.NotFound, UserError) as exc:
                    # The thread was deleted, access lost, or the bank lost the question: the
                    # match cannot go on, and neither player may stay stuck in it.
                    await self._abandon_locked(duel_id, str(exc))

    async def abandon(self, duel_id: int, why: str) -> None:
        """End a running duel that cannot go on, freeing both players."""
        async with self.locks.hold(duel_id):
            await self._abandon_locked(duel_id, why)

    async def _abandon_locked(self, duel_id: int, why: str) -> None:
        duel = await queries.get_duel(self.bot.db, duel_id)
        if duel is None or duel.state not in ("pending", "active"):
            return
        log.warning("Duel %s abandoned: %s", duel_id, why)
        for kind in ("round", "expire"):
            self.jobs.cancel((kind, duel_id))
        await queries.set_state(self.bot.db, duel_id, "abandoned", self.bot.clock.time())

    async def _close_round(self, duel: queries.DuelRow, match: rules.Match) -> None:
        """Show the round's result, then start the next round or end the match."""
        self.jobs.cancel(("round", duel.duel_id))
        number = match.current_round
        item = await self._item(duel, number)
        over = match.close_round()
        channel = self._play_channel(duel)
        if channel is not None:
            report = discord.ui.View(timeout=None)
            report.add_item(ReportButton(item.id))
            await channel.send(
                embed=embeds.round_result(item, number, match),
                view=report,
                allowed_mentions=discord.AllowedMentions.none(),
            )
        if over:
            await self._finish(duel, match)
        else:
            await self._start_round(duel, match.current_round)

    # -- the end --------------------------------------------------------------------------------

    async def forfeit(self, interaction: discord.Interaction, duel_id: int) -> None:
        async with self.locks.hold(duel_id):
            duel = await queries.get_duel(self.bot.db, duel_id)
            if duel is None or duel.state != "active":
                raise UserError("You are not in a running duel.")
            match = rebuild(duel, await queries.answers(self.bot.db, duel_id))
            match.forfeit(interaction.user.id)
            await interaction.response.send_message(
                f"You forfeited the duel against <@{match.other(interaction.user.id)}>.",
                ephemeral=True,
            )
            await self._finish(duel, match)

    async def _finish(self, duel: queries.DuelRow, match: rules.Match) -> None:
        self.jobs.cancel(("round", duel.duel_id))
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

        fields = []
        for player, old, change in zip(match.players, before, changes, strict=True):
            new = None
            if change is not None:
                row = await queries.get_rating(self.bot.db, duel.guild_id, player)
                new = glicko.Rating(row.rating, row.rd, row.volatility) if row else None
            fields.append((name(player), embeds.end_field(match.score(player), old, new, change)))
        title = embeds.end_title(outcome, name(winner) if winner is not None else None)
        channel = self._play_channel(duel)
        if channel is not None:
            await channel.send(
                content=f"<@{duel.challenger_id}> <@{duel.opponent_id}>",
                embed=embeds.end(title, fields),
                allowed_mentions=discord.AllowedMentions.none(),
            )

    async def _cancel_interrupted(self, duel_id: int) -> None:
        await self.bot.wait_until_ready()
        async with self.locks.hold(duel_id):
            duel = await queries.get_duel(self.bot.db, duel_id)
            if duel is None or duel.state != "active":
                return
            await queries.set_state(self.bot.db, duel_id, "cancelled", self.bot.clock.time())
            channel = self._play_channel(duel)
            if channel is None:
                return
            await channel.send(
                embeds.interrupted(duel), allowed_mentions=discord.AllowedMentions(users=True)
            )


def _ruled(rule: Callable[[int], None], member: int) -> None:
    """Apply a move of the pure rules; a refused move is the member's error."""
    try:
        rule(member)
    except rules.DuelError as exc:
        raise UserError(str(exc)) from None


def _check_can_answer(match: rules.Match, member: int, number: int) -> None:
    if member not in match.players:
        raise UserError("This isn't your duel.")
    if match.state is not rules.State.ACTIVE or number != match.current_round:
        raise UserError("This round is over.")
    if (number, member) in match.answers:
        raise UserError("You already answered this round.")
