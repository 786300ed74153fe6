"""Members answering the daily question: the answer controls' target and the "My result" button."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

import discord

from bank import grade
from bank.schema import Item
from bot.errors import UserError, send_ephemeral
from bot.events import ITEM_ANSWERED, ItemAnswered
from bot.guild_config import get_config
from bot.ui.answer import AnswerForm, AnswerKey
from bot.ui.question import verdict_embed
from cogs.daily import embeds, rounds
from db import daily as queries

if TYPE_CHECKING:
    from bot.client import QuizBot

STORED_REPLY_LIMIT = 4000
# When to say "quizbot is thinking..." before answering. Discord fails an interaction not
# acknowledged within 3 s. The writer estimates how long a write queued now waits (the jobs
# ahead of it at its recent speed, and how long the group being written has run): a second of
# that, or a last write that took a second, means the disk or the machine is struggling and the
# answer may not be ready in time, so it is acknowledged first. Not less: the estimate is rough
# on a busy machine, and a deferred answer costs a second request, which a burst can least
# afford. The queue's length alone says little: a burst queues hundreds of answers at once, and
# the writer commits them in a few hundredths of a second. Below both marks the reply is sent
# directly (one request instead of two, and no "thinking..." flash).
LATE_WAIT_SECONDS = 1.0
SLOW_WRITE_SECONDS = 1.0


class DailyAnswers:
    """Implements the answer target (key: ``(post_id,)``) and the result button's target."""

    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot
        self._last_write_seconds = 0.0  # how long the last answer took to be recorded

    def _may_be_late(self) -> bool:
        """Whether an answer starting now risks missing Discord's 3 s acknowledgement."""
        return (
            self.bot.db.writer.expected_wait >= LATE_WAIT_SECONDS
            or self._last_write_seconds >= SLOW_WRITE_SECONDS
        )

    async def _open_post(
        self, interaction: discord.Interaction, post_id: int, *, check_answered: bool = True
    ) -> tuple[queries.PostRow, Item]:
        post, item = await self._post(post_id)
        if not post.is_open or self.bot.clock.time() >= post.closes_at:
            raise UserError("This question is closed: the answer has been revealed.")
        if check_answered:
            answered = await queries.answer_time(self.bot.db, post_id, interaction.user.id)
            if answered is not None:
                raise UserError(embeds.already_answered(answered))
        return post, item

    async def _post(self, post_id: int) -> tuple[queries.PostRow, Item]:
        post = await queries.get_post(self.bot.db, post_id)
        item = await self.bot.catalogs.get(post.guild_id, post.item_id) if post else None
        if post is None or item is None:
            raise UserError("This question no longer exists.")
        return post, item

    async def answer_form(self, interaction: discord.Interaction, key: AnswerKey) -> AnswerForm:
        (post_id,) = key
        post, item = await self._open_post(interaction, post_id)
        return AnswerForm(embeds.post_title(post), item.prompt, long=item.kind == "keypoints")

    async def answer(self, interaction: discord.Interaction, key: AnswerKey, reply: str) -> None:
        (post_id,) = key
        if self._may_be_late() and not interaction.response.is_done():
            # The verdict (or an error) then arrives through send_ephemeral as a follow-up.
            await interaction.response.defer(ephemeral=True, thinking=True)
        # No "already answered?" read here: the unique (post, member) index refuses a second
        # answer inside record_answer, which saves a round trip on the busiest path.
        post, item = await self._open_post(interaction, post_id, check_answered=False)
        result = grade(item, reply)
        stored_reply = reply[:STORED_REPLY_LIMIT]
        config = await get_config(self.bot.db, post.guild_id)
        user = interaction.user
        now = self.bot.clock.time()  # one moment for the answer and the card it causes
        # The listeners start now, so that the review card the answer causes joins the answer's
        # own write: both are committed together, or neither (a second answer writes nothing).
        with self.bot.db.joining() as unit:
            self.bot.dispatch(
                ITEM_ANSWERED, ItemAnswered(post.guild_id, user.id, item, result, "daily", now)
            )
        started = time.perf_counter()  # real time: the writer's speed, not the bot's clock
        try:
            await asyncio.sleep(0)  # one turn of the loop: the listeners reach their writes
            points, streak = await queries.record_answer(
                self.bot.db,
                post=post,
                user_id=user.id,
                display_name=getattr(user, "display_name", user.name),
                topic=item.topic,
                reply=stored_reply,
                correct=result.correct,
                score=result.score,
                answered_at=now,
                streak_after=rounds.streak_after_answer,
                points_for_streak=lambda streak: rounds.points_for(
                    result.score,
                    result.correct,
                    streak,
                    config["points_per_answer"],
                    config["streak_bonus_cap"],
                ),
                unit=unit,
            )
        except queries.AlreadyAnswered as exc:
            raise UserError(embeds.already_answered(exc.answered_at)) from None
        finally:
            unit.close()  # a write that joined after all was not written: its caller stops
            self._last_write_seconds = time.perf_counter() - started
        if post.reveal == "immediate":
            embed = embeds.immediate_verdict(item, result, stored_reply, points, streak)
            await send_ephemeral(interaction, embed=embed)
        else:
            await send_ephemeral(interaction, embeds.recorded(stored_reply, post, streak))

    async def show_result(self, interaction: discord.Interaction, post_id: int) -> None:
        post, item = await self._post(post_id)
        if post.is_open:
            raise UserError("The verdicts come when the question closes.")
        mine = next(
            (row for row in await queries.post_answers(self.bot.db, post_id)
             if row["user_id"] == interaction.user.id),
            None,
        )  # fmt: skip
        if mine is None:
            raise UserError("You did not answer this question. There's a new one every day!")
        result = grade(item, mine["reply"])
        embed = verdict_embed(item, result, mine["reply"], points=mine["points"])
        await send_ephemeral(interaction, embed=embed)
