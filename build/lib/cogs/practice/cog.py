"""/quiz, /review and /question: private practice, and a spaced-repetition card for every
question a member answers anywhere."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bank import grade
from bank.catalog import Catalog
from bank.schema import LEVELS, Item
from bot.errors import UserError, send_ephemeral
from bot.events import ITEM_ANSWERED, ItemAnswered
from bot.ui.embeds import truncate
from bot.ui.modal import AnswerModal
from cogs.practice import review as spaced
from cogs.practice import session as rules
from cogs.practice.views import (
    lookup_screen,
    lookup_view,
    progress_label,
    question_screen,
    question_view,
    summary_screen,
    verdict_screen,
    verdict_view,
)
from db import practice as queries
from db.answers import LoggedAnswer

if TYPE_CHECKING:
    from bot.client import QuizBot

log = logging.getLogger(__name__)

MAX_CACHED_INDEXES = 32  # one search index per server catalog in use


def ts(seconds: float, style: str = "R") -> str:
    return f"<t:{int(seconds)}:{style}>"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


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


class PracticeCog(commands.Cog, name="Practice"):
    """Private practice and spaced-repetition review."""

    question = app_commands.Group(
        name="question", description="Look up a question from the bank", guild_only=True
    )

    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot
        self._indexes: dict[int, tuple[Catalog, rules.QuestionIndex]] = {}

    # -- cards: every answer, wherever it was given ----------------------------------------

    @commands.Cog.listener()
    async def on_item_answered(self, event: ItemAnswered) -> None:
        rating = spaced.rating_for(event.grade, event.item.kind, event.seconds)
        when = datetime.fromtimestamp(event.answered_at, UTC)
        await queries.update_card(
            self.bot.db, event.guild_id, event.user_id, event.item.id,
            lambda previous: spaced.schedule(previous, rating, when),
        )  # fmt: skip

    # -- /quiz and /review -------------------------------------------------------------------

    @app_commands.command(name="quiz", description="Practise privately, one question at a time")
    @app_commands.describe(
        topic="Only questions from this topic",
        level="Only questions of this level",
        count=f"How many questions (1-{rules.MAX_QUESTIONS}, default {rules.DEFAULT_QUESTIONS})",
    )
    @app_commands.choices(level=[app_commands.Choice(name=lv, value=lv) for lv in LEVELS])
    @app_commands.guild_only()
    async def quiz(
        self,
        interaction: discord.Interaction,
        topic: str | None = None,
        level: str | None = None,
        count: app_commands.Range[int, 1, rules.MAX_QUESTIONS] = rules.DEFAULT_QUESTIONS,
    ) -> None:
        assert interaction.guild is not None
        guild_id, user_id = interaction.guild.id, interaction.user.id
        catalog = await self.bot.catalogs.usable(guild_id)
        if topic is not None and topic not in catalog.topics():
            raise UserError(truncate(
                f"Unknown topic `{topic}`. Topics: {', '.join(catalog.topics())}.", 1900
            ))  # fmt: skip
        in_play = await queries.items_in_play(self.bot.db, guild_id)
        candidates = [
            item.id
            for item in catalog.select(
                topics=[topic] if topic else None, levels=[level] if level else None
            )
            if item.id not in in_play
        ]
        if not candidates:
            raise UserError("No questions match that topic and level: widen the filters.")
        now = self.bot.clock.time()
        seen = await queries.carded_items(self.bot.db, guild_id, user_id)
        rng = random.Random(f"{guild_id}:{user_id}:{now}")
        item_ids = rules.pick_items(candidates, seen, count, rng)
        note = None
        if len(item_ids) < count:
            matches = "matches" if len(item_ids) == 1 else "match"
            note = f"Only {plural(len(item_ids), 'question')} {matches}: here they are."
        session = await self._start(interaction, "quiz", item_ids)
        await self._show_question(interaction, session, note=note)

    @quiz.autocomplete("topic")
    async def topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        assert interaction.guild is not None
        topics = (await self.bot.catalogs.usable(interaction.guild.id)).topics()
        typed = current.strip().lower()
        matching = [t for t in topics if typed in t][:25]
        return [app_commands.Choice(name=t, value=t) for t in matching]

    @app_commands.command(name="review", description="Your due review cards, one at a time")
    @app_commands.guild_only()
    async def review_cards(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        queue = await self._queue(interaction.guild.id, interaction.user.id)
        if not queue.ready:
            await send_ephemeral(interaction, await self._nothing_due(interaction, queue))
            return
        note = f"**{plural(len(queue.ready), 'card')}** due now."
        if len(queue.ready) > rules.MAX_REVIEW_CARDS:
            note += f" This sitting takes the {rules.MAX_REVIEW_CARDS} most overdue."
        session = await self._start(interaction, "review", queue.ready[: rules.MAX_REVIEW_CARDS])
        await self._show_question(interaction, session, note=note)

    async def _queue(self, guild_id: int, user_id: int) -> ReviewQueue:
        now = self.bot.clock.time()
        due = await queries.due_cards(self.bot.db, guild_id, user_id, now)
        catalog = await self.bot.catalogs.usable(guild_id)  # switched-off questions are gone
        # A question still in play would show its answer early: its card waits.
        in_play = await queries.items_in_play(self.bot.db, guild_id)
        held = in_play & await queries.carded_items(self.bot.db, guild_id, user_id)
        return ReviewQueue(
            ready=[c.item_id for c in due if c.item_id in catalog and c.item_id not in held],
            held=len(held),
            next_due_at=await queries.next_due_at(
                self.bot.db, guild_id, user_id, now, exclude=held
            ),
        )

    async def _nothing_due(self, interaction: discord.Interaction, queue: ReviewQueue) -> str:
        assert interaction.guild is not None
        guild_id, user_id = interaction.guild.id, interaction.user.id
        if not await queries.card_count(self.bot.db, guild_id, user_id):
            return (
                "No review cards yet. Every question you answer (daily posts, duels, `/quiz`) "
                "becomes one, and `/review` brings each back when you are about to forget it."
            )
        text = "Nothing to review right now."
        if queue.next_due_at is not None:
            due = queue.next_due_at
            text += f" Your next card is due {ts(due)} ({ts(due, 'f')})."
        if queue.held:
            waits = "waits" if queue.held == 1 else "wait"
            text += (
                f" {plural(queue.held, 'card')} {waits} for the daily question or duel that "
                "uses it to close."
            )
        return text

    async def _start(
        self, interaction: discord.Interaction, mode: str, item_ids: list[str]
    ) -> queries.SessionRow:
        assert interaction.guild is not None
        now = self.bot.clock.time()
        return await queries.create_session(
            self.bot.db, guild_id=interaction.guild.id, user_id=interaction.user.id, mode=mode,
            item_ids=item_ids, now=now, forget_before=now - rules.SESSION_LIFETIME,
        )  # fmt: skip

    # -- one question after another ------------------------------------------------------------

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
        """The session's current question: a new message for a command, else the same one."""
        item = await self._item(session, session.current)
        embed = question_screen(item, session.mode, session.current, len(session.item_ids))
        view = question_view(session.session_id, session.current, item)
        if interaction.type is discord.InteractionType.application_command:
            await interaction.response.send_message(
                content=note, embed=embed, view=view, ephemeral=True
            )
        else:
            await interaction.response.edit_message(content=note, embed=embed, view=view)

    async def open_answer_modal(
        self, interaction: discord.Interaction, session_id: int, position: int
    ) -> None:
        session, progress = await self._load(interaction, session_id)
        self._check(progress.check_answer, position)
        item = await self._item(session, position)

        async def submitted(modal_interaction: discord.Interaction, text: str) -> None:
            await self.answer(modal_interaction, session_id, position, text)

        title = progress_label(session.mode, position, len(session.item_ids))
        await interaction.response.send_modal(
            AnswerModal(title, submitted, long=item.kind == "keypoints", question=item.prompt)
        )

    async def answer(
        self, interaction: discord.Interaction, session_id: int, position: int, reply: str
    ) -> None:
        assert interaction.guild is not None
        session, progress = await self._load(interaction, session_id)
        self._check(progress.check_answer, position)
        item = await self._item(session, position)
        result = grade(item, reply)
        now = self.bot.clock.time()
        seconds = max(0.0, now - session.shown_at)
        logged = LoggedAnswer(
            guild_id=session.guild_id, user_id=session.user_id, item_id=item.id,
            topic=item.topic, context="practice", context_id=session.session_id,
            reply=reply[:4000], correct=result.correct, score=result.score, points=0,
            answered_at=now,
        )  # fmt: skip
        name = getattr(interaction.user, "display_name", interaction.user.name)
        try:
            await queries.record_answer(self.bot.db, session, logged, name)
        except queries.SessionMoved:
            raise UserError("You already answered this question.") from None
        self.bot.dispatch(
            ITEM_ANSWERED,
            ItemAnswered(session.guild_id, session.user_id, item, result, "practice", now,
                         seconds),
        )  # fmt: skip
        total = len(session.item_ids)
        embed = verdict_screen(
            item, result, reply, mode=session.mode, position=position, total=total,
            seconds=seconds,
        )  # fmt: skip
        view = verdict_view(session_id, position, last=position + 1 >= total, item_id=item.id)
        await interaction.response.edit_message(content=None, embed=embed, view=view)

    async def next_question(
        self, interaction: discord.Interaction, session_id: int, position: int
    ) -> None:
        session, progress = await self._load(interaction, session_id)
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
        embed = summary_screen(summary, session.mode, note)
        await interaction.response.edit_message(content=None, embed=embed, view=None)

    async def _review_note(self, session: queries.SessionRow, missed: int) -> str:
        if session.mode == "quiz":
            if missed:
                return f"The {plural(missed, 'question')} you missed will come back in `/review`."
            return "Every answer you give schedules its question in `/review`."
        queue = await self._queue(session.guild_id, session.user_id)
        if queue.ready:
            return f"{plural(len(queue.ready), 'card')} still due: run `/review` again."
        if queue.next_due_at is None:
            return "All done: no other card is scheduled."
        return f"All done for now. Your next card is due {ts(queue.next_due_at)}."

    def _check(self, rule: Callable[[int, float], None], position: int) -> None:
        try:
            rule(position, self.bot.clock.time())
        except rules.SessionError as exc:
            raise UserError(str(exc)) from None

    # -- /question -------------------------------------------------------------------------------

    @question.command(name="search", description="Find a question; its answer stays hidden")
    @app_commands.describe(text="Words from the question: pick one of the suggestions")
    async def question_search(self, interaction: discord.Interaction, text: str) -> None:
        assert interaction.guild is not None
        item = (await self.bot.catalogs.usable(interaction.guild.id)).get(text.strip())
        if item is None:
            raise UserError(
                f"I don't know a question `{truncate(text, 80)}`. Type a few words of it and "
                "pick one of the suggestions."
            )
        if item.id in await queries.items_in_play(self.bot.db, interaction.guild.id):
            raise UserError(
                "That question is in play right now (the open daily question or a duel). "
                "Look it up once it closes."
            )
        await self._show_lookup(interaction, item)

    @question_search.autocomplete("text")
    async def search_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        assert interaction.guild is not None
        index = await self._index(interaction.guild.id)
        in_play = await queries.items_in_play(self.bot.db, interaction.guild.id)
        found = index.search(current, limit=25, exclude=in_play)
        return [app_commands.Choice(name=truncate(q.prompt, 100), value=q.item_id) for q in found]

    @question.command(name="random", description="A random question; its answer stays hidden")
    @app_commands.describe(topic="Only questions from this topic")
    async def question_random(
        self, interaction: discord.Interaction, topic: str | None = None
    ) -> None:
        assert interaction.guild is not None
        catalog = await self.bot.catalogs.usable(interaction.guild.id)
        if topic is not None and topic not in catalog.topics():
            raise UserError(truncate(
                f"Unknown topic `{topic}`. Topics: {', '.join(catalog.topics())}.", 1900
            ))  # fmt: skip
        in_play = await queries.items_in_play(self.bot.db, interaction.guild.id)
        pool = [
            item
            for item in catalog.select(topics=[topic] if topic else None)
            if item.id not in in_play
        ]
        if not pool:
            raise UserError("No questions to show for that topic right now.")
        rng = random.Random(f"{interaction.id}")
        await self._show_lookup(interaction, rng.choice(pool))

    question_random.autocomplete("topic")(topic_autocomplete)

    async def _show_lookup(self, interaction: discord.Interaction, item: Item) -> None:
        await interaction.response.send_message(
            embed=lookup_screen(item), view=lookup_view(item), ephemeral=True
        )

    async def _index(self, guild_id: int) -> rules.QuestionIndex:
        """The search index of the server's catalog, built once per catalog version."""
        catalog = await self.bot.catalogs.usable(guild_id)
        cached = self._indexes.get(id(catalog))
        if cached is not None and cached[0] is catalog:
            return cached[1]
        searchable = [rules.Searchable(i.id, i.prompt, i.explanation) for i in catalog]
        # Tens of milliseconds for the built-in bank, more with big imports: off the loop.
        index = await self.bot.run_blocking(rules.QuestionIndex, searchable)
        if len(self._indexes) >= MAX_CACHED_INDEXES:
            self._indexes.clear()
        self._indexes[id(catalog)] = (catalog, index)
        return index
