"""A duel once challenged: accept or decline, expiry, rounds and their timers, the end, ratings."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import discord

from bank import grade
from bank.schema import Item
from bot.errors import UserError, send_ephemeral
from bot.events import ITEM_ANSWERED, ItemAnswered
from bot.locks import KeyedLocks
from bot.ui.answer import AnswerForm, AnswerKey
from bot.ui.report import ReportButton
from cogs import rating as glicko
from cogs.duel import delivery, embeds, rounds
from cogs.duel import match as rules
from cogs.duel.opening import open_thread, tell_accepted
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
        match = rebuild(duel, await queries.answers(self.bot.db, duel_id))
        # Each round's window follows its question's list (points and silence count in it).
        windows = await self._windows(duel)
        match.windows = dict(enumerate(windows[: match.current_round], start=1))
        return duel, match

    async def _windows(self, duel: queries.DuelRow) -> list[float]:
        """Every round's answer window, from its question (a vanished one: the default)."""
        return [
            rounds.window(await self.bot.catalogs.get(duel.guild_id, item_id), duel.round_seconds)
            for item_id in duel.items
        ]

    # -- the challenge ------------------------------------------------------------------------

    async def accept(self, interaction: discord.Interaction, duel_id: int) -> None:
        async with self.locks.hold(duel_id):
            duel, match = await self._load(duel_id)
            _ruled(match.accept, interaction.user.id)
            self.jobs.cancel(("expire", duel_id))
            await queries.start(self.bot.db, duel_id, None)
            # Acknowledged first: opening the thread may need retries, far past Discord's 3 s.
            await interaction.response.defer()
        try:
            thread = await open_thread(self.bot, interaction, duel)
            if thread is not None:
                await queries.set_thread(self.bot.db, duel_id, thread.id)
            await tell_accepted(self.bot, interaction, duel, thread, await self._windows(duel))
            duel, _ = await self._load(duel_id)
            self._guard(duel_id, 1)
            await self._send_question(duel, 1, await self._item(duel, 1))
        except Exception as exc:  # whatever it was, nobody may stay stuck
            await self._give_up(duel_id, exc)

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
        message = channel.get_partial_message(duel.message_id)
        async with delivery.shutdown_ends(duel_id, "expiry notice"):
            try:
                await delivery.deliver(
                    lambda: message.edit(
                        content=None,
                        embed=embeds.expired(duel),
                        view=challenge_view(duel_id, disabled=True),
                    ),
                    clock=self.bot.clock, duel_id=duel_id, what="expiry notice",
                )  # fmt: skip
            except Exception as exc:  # the challenge is expired whatever it shows
                log.warning("Could not mark duel %s as expired: %s", duel_id, delivery.reason(exc))

    # -- rounds -------------------------------------------------------------------------------

    async def _item(self, duel: queries.DuelRow, number: int) -> Item:
        item = await self.bot.catalogs.get(duel.guild_id, duel.items[number - 1])
        if item is None:
            raise UserError("This duel's question is no longer in the bank.")
        return item

    def _play_channel(self, duel: queries.DuelRow) -> discord.abc.Messageable | None:
        channel = self.bot.guild_channel(duel.guild_id, duel.play_channel_id)
        return channel if isinstance(channel, discord.TextChannel | discord.Thread) else None

    async def _post(self, duel: queries.DuelRow, what: str, **fields: object) -> None:
        """Send to the duel's thread (or channel), retried; raises DuelOver once it has ended."""
        channel = self._play_channel(duel)
        if channel is None:
            raise UserError("its channel is gone")

        async def attempt() -> None:
            await self._still_running(duel.duel_id)
            await channel.send(**fields)  # type: ignore[call-overload]

        await delivery.deliver(attempt, clock=self.bot.clock, duel_id=duel.duel_id, what=what)

    async def _still_running(self, duel_id: int) -> None:
        current = await queries.get_duel(self.bot.db, duel_id)
        if current is None or current.state != "active":
            raise delivery.DuelOver

    def _guard(self, duel_id: int, number: int) -> None:
        """Armed before a round's question is sent, replaced by the round timer once it is."""
        when = datetime.fromtimestamp(self.bot.clock.time() + delivery.GUARD_SECONDS, UTC)
        self.jobs.at(("guard", duel_id), when, self._guard_fired, duel_id, number)

    async def _guard_fired(self, duel_id: int, number: int) -> None:
        await self.bot.wait_until_ready()
        if self.jobs.next_run(("round", duel_id)) is not None:
            return
        duel = await queries.get_duel(self.bot.db, duel_id)
        if duel is not None and duel.state == "active" and duel.current_round == number:
            await self._give_up(duel_id, UserError(f"round {number} never reached the players"))

    async def _send_question(self, duel: queries.DuelRow, number: int, item: Item) -> None:
        channel = self._play_channel(duel)
        if channel is None:
            raise UserError("its channel is gone")
        seconds = rounds.window(item, duel.round_seconds)

        async def attempt() -> None:
            await self._still_running(duel.duel_id)
            # The round's clock starts with the try that gets through, not the first one.
            now = self.bot.clock.time()
            await queries.start_round(self.bot.db, duel.duel_id, number, now)
            await channel.send(
                embed=embeds.round_question(item, duel, number, now, seconds),
                view=round_view(duel.duel_id, number, item),
            )

        await delivery.deliver(
            attempt, clock=self.bot.clock, duel_id=duel.duel_id, what=f"round {number}"
        )
        started = await queries.get_duel(self.bot.db, duel.duel_id)
        if started is None or started.state != "active":
            return
        when = datetime.fromtimestamp(
            (started.round_started_at or self.bot.clock.time()) + seconds, UTC
        )
        self.jobs.at(("round", duel.duel_id), when, self.round_timeout, duel.duel_id, number)
        self.jobs.cancel(("guard", duel.duel_id))

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
            # The listeners start first, so that the review card joins the answer's own write
            # (as a daily answer's does): both are committed together, or neither.
            with self.bot.db.joining() as unit:
                self.bot.dispatch(
                    ITEM_ANSWERED,
                    ItemAnswered(duel.guild_id, interaction.user.id, item, result, "duel", now,
                                 seconds),
                )  # fmt: skip
            try:
                await asyncio.sleep(0)  # one turn of the loop: the listeners reach their writes
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
                    unit=unit,
                )  # fmt: skip
            finally:
                unit.close()  # a write that joined after all was not written: its caller stops
            await send_ephemeral(
                interaction, f"Locked in after {seconds:.1f} s. Results when the round closes."
            )
            complete = match.round_complete()
        if complete:
            await self._close_round(duel_id, number)

    async def round_timeout(self, duel_id: int, number: int) -> None:
        await self.bot.wait_until_ready()
        async with delivery.shutdown_ends(duel_id, f"round {number}"):
            await self._close_round(duel_id, number)

    async def _close_round(self, duel_id: int, number: int) -> None:
        """Show round ``number``'s result, then start the next round or end the match.

        The state moves under the duel's lock; the messages go out after it, retried, so no
        click or forfeit waits on Discord. Any failure ends the match as abandoned: it never
        stays running without a timer."""
        try:
            async with self.locks.hold(duel_id):
                duel, match = await self._load(duel_id)
                if match.state is not rules.State.ACTIVE or match.current_round != number:
                    return  # closed already (both answered as the timer fired)
                self.jobs.cancel(("round", duel_id))
                item = await self._item(duel, number)
                result = embeds.round_result(item, number, match)
                over = match.close_round(rounds.silence_limit(item))
                ending = await self._finish(duel, match) if over else None
                if not over:
                    following = await self._item(duel, match.current_round)
                    self._guard(duel_id, match.current_round)
            report = discord.ui.View(timeout=None)
            report.add_item(ReportButton(item.id))
            if ending is not None:
                await self._announce(duel, f"round {number} result", ending, embed=result,
                                     view=report)  # fmt: skip
                return
            await self._post(
                duel, f"round {number} result", embed=result, view=report,
                allowed_mentions=discord.AllowedMentions.none(),
            )  # fmt: skip
            await self._send_question(duel, match.current_round, following)
        except Exception as exc:  # whatever it was, nobody may stay stuck
            await self._give_up(duel_id, exc)

    async def abandon(self, duel_id: int, why: str) -> None:
        """End a running duel that cannot go on, freeing both players."""
        async with self.locks.hold(duel_id):
            await self._abandon_locked(duel_id, why)

    async def _abandon_locked(self, duel_id: int, why: str) -> queries.DuelRow | None:
        duel = await queries.get_duel(self.bot.db, duel_id)
        if duel is None or duel.state not in ("pending", "active"):
            return None
        log.warning("Duel %s abandoned: %s", duel_id, why)
        for kind in ("round", "expire", "guard"):
            self.jobs.cancel((kind, duel_id))
        await queries.set_state(self.bot.db, duel_id, "abandoned", self.bot.clock.time())
        return duel

    async def _give_up(self, duel_id: int, exc: BaseException) -> None:
        """A duel message that never got through: end the match, free both players, tell them."""
        if isinstance(exc, delivery.DuelOver):
            return
        why = str(exc) if isinstance(exc, UserError) else delivery.reason(exc)
        if not (isinstance(exc, UserError) or delivery.expected(exc)):
            log.error("Duel %s failed unexpectedly", duel_id, exc_info=exc)
        async with self.locks.hold(duel_id):
            duel = await self._abandon_locked(duel_id, why)
        if duel is None:
            log.warning("Duel %s: %s (it had ended already)", duel_id, why)
            return
        channels = [
            self._play_channel(duel),
            self.bot.guild_channel(duel.guild_id, duel.channel_id),
        ]
        found = [c for c in dict.fromkeys(channels) if isinstance(c, discord.abc.Messageable)]
        await delivery.tell(found, embeds.cut_short(duel, why), duel_id=duel_id)

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
            ending = await self._finish(duel, match)
        await self._announce(duel, "final result", ending)

    async def _finish(self, duel: queries.DuelRow, match: rules.Match) -> discord.Embed:
        """Store the end and move the ratings; returns the final board to show."""
        for kind in ("round", "guard"):
            self.jobs.cancel((kind, duel.duel_id))
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
        return await self._final_board(duel, match, outcome, winner, before, changes)

    async def _final_board(
        self,
        duel: queries.DuelRow,
        match: rules.Match,
        outcome: rules.Outcome,
        winner: int | None,
        before: list[glicko.Rating],
        changes: tuple[float | None, float | None],
    ) -> discord.Embed:
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
        title = embeds.end_title(
            outcome, name(winner) if winner is not None else None, match.timed_out
        )
        return embeds.end(title, fields)

    async def _announce(
        self, duel: queries.DuelRow, what: str, board: discord.Embed, **last_round: object
    ) -> None:
        """The last round's result (if any) and the final board, after the match is stored.

        The players are already free and rated; a board that never gets through is logged."""
        channel = self._play_channel(duel)
        if channel is None:
            return
        # The round's result goes before the card is drawn: cards are drawn one at a time, so
        # when many duels end together the last card waits seconds, and the round it closes
        # must not wait with it.
        if last_round:
            fields = dict(last_round, allowed_mentions=discord.AllowedMentions.none())
            if not await self._send_ending(duel, channel, what, fields):
                return
        final = {
            "content": f"<@{duel.challenger_id}> <@{duel.opponent_id}>",
            **await delivery.with_card(self.bot, duel, board),
            "allowed_mentions": discord.AllowedMentions.none(),
        }
        await self._send_ending(duel, channel, "final result", final)

    async def _send_ending(
        self,
        duel: queries.DuelRow,
        channel: discord.abc.Messageable,
        what: str,
        fields: dict[str, Any],
    ) -> bool:
        """One message of a finished match, retried; False (logged) if it never got through."""
        try:
            await delivery.deliver(
                lambda: channel.send(**fields), clock=self.bot.clock, duel_id=duel.duel_id,
                what=what,
            )  # fmt: skip
        except Exception as exc:  # the match is stored; only this message is lost
            log.warning("Duel %s: %s never got through: %s", duel.duel_id, what,
                        delivery.reason(exc))  # fmt: skip
            return False
        return True

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
        async with delivery.shutdown_ends(duel_id, "restart notice"):
            try:
                await delivery.deliver(
                    lambda: channel.send(
                        embeds.interrupted(duel),
                        allowed_mentions=discord.AllowedMentions(users=True),
                    ),
                    clock=self.bot.clock, duel_id=duel_id, what="restart notice",
                )  # fmt: skip
            except Exception as exc:  # it is cancelled, the players are free
                log.warning("Duel %s: could not say it was cancelled: %s", duel_id,
                            delivery.reason(exc))  # fmt: skip


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
