"""A practice sitting once started: its screens, answers and summary, and the review queue."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import discord

from bank import grade
from bank.schema import Item
from bot.checks import PERSONAL_SCOPE
from bot.errors import UserError
from bot.events import ITEM_ANSWERED, ItemAnswered
from bot.ui.answer import AnswerForm, AnswerKey
from bot.ui.embeds import timestamp
from cogs.practice import embeds
from cogs.practice import session as rules
from cogs.practice.views import question_view, verdict_view, waiting_view
from db import practice as queries
from db.answers import LoggedAnswer

if TYPE_CHECKING:
    from bot.client import QuizBot

STORED_REPLY_LIMIT = 4000


@dataclass(frozen=True)
class ReviewQueue:
    ready: list[str]  # due and askable, most overdue first
    held: int  # cards whose question is in play (the open daily question, a duel)
    next_due_at: float | None  # the next card to fall due, held ones aside


def progress_of(session: queries.SessionRow) -> rules.Progress:
    return rules.Progress(
        total=len(session.item_ids),
        current=session.current,
        answered=session.answered,
        ended=session.ended_at is not None,
        started_at=session.started_at,
    )


class PracticePlay:
    """Implements the answer target (key: session, position) and the Next/End buttons' target."""

    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot

    # -- the review queue ----------------------------------------------------------------------

    async def queue(self, guild_id: int, user_id: int) -> ReviewQueue:
        now = self.bot.clock.time()
        due = await queries.due_cards(self.bot.db, guild_id, user_id, now)
        catalog = await self.bot.catalogs.usable(guild_id)  # switched-off questions are gone
        # A question still in play would show its answer early: its card waits.
        in_play = await queries.items_in_play(self.bot.db)
        held = in_play & await queries.carded_items(self.bot.db, guild_id, user_id)
        return ReviewQueue(
            ready=[c.item_id for c in due if c.item_id in catalog and c.item_id not in held],
            held=len(held),
            next_due_at=await queries.next_due_at(
                self.bot.db, guild_id, user_id, now, exclude=held
            ),
        )

    async def nothing_due(self, guild_id: int, user_id: int, queue: ReviewQueue) -> str:
        if not await queries.card_count(self.bot.db, guild_id, user_id):
            if guild_id == PERSONAL_SCOPE:
                return (
                    "No review cards on your personal record yet. Every question you answer "
                    "with `/quiz` here becomes one, and `/review` brings each back when you are "
                    "about to forget it. (Cards from a server's daily posts and duels stay in "
                    "that server: run `/review` there.)"
                )
            return (
                "No review cards yet. Every question you answer (daily posts, duels, `/quiz`) "
                "becomes one, and `/review` brings each back when you are about to forget it."
            )
        text = "Nothing to review right now."
        if queue.next_due_at is not None:
            due = queue.next_due_at
            text += f" Your next card is due {timestamp(due)} ({timestamp(due, 'f')})."
        if queue.held:
            waits = "waits" if queue.held == 1 else "wait"
            text += (
                f" {embeds.plural(queue.held, 'card')} {waits} for the daily question or duel "
                "that uses it to close."
            )
        return text

    # -- one question after another ------------------------------------------------------------

    async def start(
        self,
        interaction: discord.Interaction,
        guild_id: int,
        mode: str,
        item_ids: list[str],
        note: str | None,
    ) -> None:
        """Open a sitting on ``guild_id``'s record (a server's, or the personal scope) and show
        its first question in a new private message."""
        now = self.bot.clock.time()
        session = await queries.create_session(
            self.bot.db, guild_id=guild_id, user_id=interaction.user.id, mode=mode,
            item_ids=item_ids, now=now, forget_before=now - rules.SESSION_LIFETIME,
        )  # fmt: skip
        await self._show_question(interaction, session, note=note)

    async def _load(
        self, interaction: discord.Interaction, session_id: int
    ) -> tuple[queries.SessionRow, rules.Progress]:
        session = await queries.get_session(self.bot.db, session_id)
        if session is None:
            raise UserError(
                "This practice session has expired. Start a new one with `/quiz` or `/review`."
            )
        if session.user_id != interaction.user.id:
            raise UserError(
                "This is someone else's practice session. Start your own with `/quiz` or `/review`."
            )
        return session, progress_of(session)

    async def _item(self, session: queries.SessionRow, position: int) -> Item:
        item = await self.bot.catalogs.get(session.guild_id, session.item_ids[position])
        if item is None:
            raise UserError("This question was removed from the bank. Press **End** to finish.")
        return item

    async def _show_question(
        self, interaction: discord.Interaction, session: queries.SessionRow, note: str | None
    ) -> None:
        """The session's current question: a new message for a command, else the same one.

        Checked per question: one that came into play since the session began (a daily post
        or a duel, in any server) moves behind the others, and when only such questions are
        left, the member waits for them instead of seeing their answers early."""
        in_play = await queries.items_in_play(self.bot.db)
        if session.item_ids[session.current] in in_play:
            order = rules.defer_in_play(list(session.item_ids), session.current, in_play)
            if order is None:
                embed, view = (
                    embeds.waiting_screen(session.mode),
                    waiting_view(session.session_id, session.current),
                )
                await self._send(interaction, note, embed, view)
                return
            if not await queries.reorder_items(self.bot.db, session, order):
                raise UserError("You already moved past this question.")
            session = replace(session, item_ids=tuple(order))
        item = await self._item(session, session.current)
        embed = embeds.question_screen(item, session.mode, session.current, len(session.item_ids))
        view = question_view(session.session_id, session.current, item)
        await self._send(interaction, note, embed, view)

    async def _send(
        self,
        interaction: discord.Interaction,
        note: str | None,
        embed: discord.Embed,
        view: discord.ui.View,
    ) -> None:
        if interaction.type is discord.InteractionType.application_command:
            await interaction.response.send_message(
                content=note, embed=embed, view=view, ephemeral=True
            )
        else:
            await interaction.response.edit_message(content=note, embed=embed, view=view)

    async def resume(
        self, interaction: discord.Interaction, session_id: int, position: int
    ) -> None:
        """Try again after a wait: the current question, if it is out of play by now."""
        session, progress = await self._load(interaction, session_id)
        self._check(progress.check_answer, position)
        await self._show_question(interaction, session, note=None)

    async def _answerable(
        self, interaction: discord.Interaction, key: AnswerKey
    ) -> tuple[queries.SessionRow, Item]:
        session_id, position = key
        session, progress = await self._load(interaction, session_id)
        self._check(progress.check_answer, position)
        return session, await self._item(session, position)

    async def answer_form(self, interaction: discord.Interaction, key: AnswerKey) -> AnswerForm:
        session, item = await self._answerable(interaction, key)
        title = embeds.progress_label(session.mode, key[1], len(session.item_ids))
        return AnswerForm(title, item.prompt, long=item.kind == "keypoints")

    async def answer(self, interaction: discord.Interaction, key: AnswerKey, reply: str) -> None:
        session, item = await self._answerable(interaction, key)
        position = key[1]
        if item.id in await queries.items_in_play(self.bot.db):
            # It came into play while on screen: a verdict now would give its answer away.
            note = (
                "That question came into play (a daily question or a duel) while you were on "
                "it: it comes back once that closes."
            )
            await self._show_question(interaction, session, note=note)
            return
        result = grade(item, reply)
        now = self.bot.clock.time()
        seconds = max(0.0, now - session.shown_at)
        logged = LoggedAnswer(
            guild_id=session.guild_id, user_id=session.user_id, item_id=item.id,
            topic=item.topic, context="practice", context_id=session.session_id,
            reply=reply[:STORED_REPLY_LIMIT], correct=result.correct, score=result.score,
            points=0, answered_at=now,
        )  # fmt: skip
        name = getattr(interaction.user, "display_name", interaction.user.name)
        # The listeners start first, so that the review card joins the answer's own write
        # (as a daily answer's does): both are committed together, or neither.
        with self.bot.db.joining() as unit:
            self.bot.dispatch(
                ITEM_ANSWERED,
                ItemAnswered(session.guild_id, session.user_id, item, result, "practice", now,
                             seconds),
            )  # fmt: skip
        try:
            await asyncio.sleep(0)  # one turn of the loop: the listeners reach their writes
            await queries.record_answer(self.bot.db, session, logged, name, unit)
        except queries.SessionMoved:
            raise UserError("You already answered this question.") from None
        finally:
            unit.close()  # a write that joined after all was not written: its caller stops
        total = len(session.item_ids)
        embed = embeds.verdict_screen(
            item, result, reply, mode=session.mode, position=position, total=total,
            seconds=seconds,
        )  # fmt: skip
        last = position + 1 >= total
        view = verdict_view(
            session.session_id, position, last=last, item_id=item.id,
            reportable=session.guild_id != PERSONAL_SCOPE,
        )  # fmt: skip
        await interaction.response.edit_message(content=None, embed=embed, view=view)

    async def next_question(
        self, interaction: discord.Interaction, session_id: int, position: int
    ) -> None:
        session, progress = await self._load(interaction, session_id)
        if progress.current == position + 1 and progress.screen is rules.Screen.QUESTION:
            # That Next was stored but its screen never reached Discord (a failed response):
            # show where the member is instead of refusing the only button they have.
            await self._show_question(interaction, session, note=None)
            return
        self._check(progress.check_next, position)
        if progress.is_last:
            await self._finish(interaction, session)
            return
        try:
            await queries.show_next(self.bot.db, session, self.bot.clock.time())
        except queries.SessionMoved:
            raise UserError("You already moved past this question.") from None
        moved = await queries.get_session(self.bot.db, session_id)
        assert moved is not None
        await self._show_question(interaction, moved, note=None)

    async def end(self, interaction: discord.Interaction, session_id: int) -> None:
        session, _ = await self._load(interaction, session_id)
        await self._finish(interaction, session)

    async def _finish(self, interaction: discord.Interaction, session: queries.SessionRow) -> None:
        await queries.end_session(self.bot.db, session.session_id, self.bot.clock.time())
        answers = await queries.session_answers(self.bot.db, session)
        summary = rules.summarize(rules.Result(a.topic, a.correct, a.score) for a in answers)
        note = await self._review_note(session, missed=summary.answered - summary.right)
        embed = embeds.summary_screen(summary, session.mode, note)
        await interaction.response.edit_message(content=None, embed=embed, view=None)

    async def _review_note(self, session: queries.SessionRow, missed: int) -> str:
        plural = embeds.plural
        if session.mode == "quiz":
            if missed:
                return f"The {plural(missed, 'question')} you missed will come back in `/review`."
            return "Every answer you give schedules its question in `/review`."
        queue = await self.queue(session.guild_id, session.user_id)
        if queue.ready:
            return f"{plural(len(queue.ready), 'card')} still due: run `/review` again."
        if queue.next_due_at is None:
            return "All done: no other card is scheduled."
        return f"All done for now. Your next card is due {timestamp(queue.next_due_at)}."

    def _check(self, rule: Callable[[int, float], None], position: int) -> None:
        try:
            rule(position, self.bot.clock.time())
        except rules.SessionError as exc:
            raise UserError(str(exc)) from None
