"""/quiz, /review, /question and /mydata, and the review card every answer anywhere makes.

They work wherever quizbot is installed (bot.checks.anywhere): in a server that installed it, on
that server's record and bank; elsewhere (DMs, servers without the bot, for a member who added
quizbot to their account) on the member's personal record, with the built-in bank."""

from __future__ import annotations

import logging
import random
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bank.schema import LEVELS, Item
from bot import checks, options, search
from bot.errors import UserError, send_ephemeral
from bot.events import ItemAnswered
from bot.ui import answer, targets
from bot.ui.embeds import truncate
from cogs.practice import personal
from cogs.practice import review as spaced
from cogs.practice import session as rules
from cogs.practice.embeds import lookup_screen, plural
from cogs.practice.play import PracticePlay
from cogs.practice.views import PREFIX, lookup_view
from db import practice as queries

if TYPE_CHECKING:
    from bot.client import QuizBot

log = logging.getLogger(__name__)

OTHER_MATCHES = 4  # matches listed under the best one when free text is sent unpicked


class PracticeCog(commands.Cog, name="Practice"):
    """Private practice and spaced-repetition review."""

    question = app_commands.Group(
        name="question",
        description="Look up a question from the bank",
        allowed_installs=app_commands.AppInstallationType(guild=True, user=True),
        allowed_contexts=app_commands.AppCommandContext(
            guild=True, dm_channel=True, private_channel=True
        ),
    )
    mydata = app_commands.Group(
        name="mydata",
        description="Your personal record: practice outside servers that installed quizbot",
        allowed_installs=app_commands.AppInstallationType(guild=True, user=True),
        allowed_contexts=app_commands.AppCommandContext(
            guild=True, dm_channel=True, private_channel=True
        ),
    )

    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot
        self.play = PracticePlay(bot)

    async def cog_load(self) -> None:
        answer.register(self.bot, PREFIX, self.play)

    async def cog_unload(self) -> None:
        targets.unregister(self.bot, PREFIX)

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
    @checks.anywhere
    async def quiz(
        self,
        interaction: discord.Interaction,
        topic: str | None = None,
        level: str | None = None,
        count: app_commands.Range[int, 1, rules.MAX_QUESTIONS] = rules.DEFAULT_QUESTIONS,
    ) -> None:
        guild_id, user_id = checks.record_scope(interaction), interaction.user.id
        catalog = await self.bot.catalogs.usable(guild_id)
        if topic is not None:
            options.check_topics([topic], catalog.topics())
        in_play = await queries.items_in_play(self.bot.db)
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
        labelled = personal.note(guild_id, note)
        await self.play.start(interaction, guild_id, "quiz", item_ids, labelled)

    @quiz.autocomplete("topic")
    async def topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        topics = (await self.bot.catalogs.usable(checks.record_scope(interaction))).topics()
        return options.choices((t, t) for t in options.matching_topics(topics, current))

    @app_commands.command(name="review", description="Your due review cards, one at a time")
    @checks.anywhere
    async def review_cards(self, interaction: discord.Interaction) -> None:
        guild_id, user_id = checks.record_scope(interaction), interaction.user.id
        queue = await self.play.queue(guild_id, user_id)
        if not queue.ready:
            await send_ephemeral(interaction, await self.play.nothing_due(guild_id, user_id, queue))
            return
        note = f"**{plural(len(queue.ready), 'card')}** due now."
        if len(queue.ready) > rules.MAX_REVIEW_CARDS:
            note += f" This sitting takes the {rules.MAX_REVIEW_CARDS} most overdue."
        picked = queue.ready[: rules.MAX_REVIEW_CARDS]
        labelled = personal.note(guild_id, note)
        await self.play.start(interaction, guild_id, "review", picked, labelled)

    # -- /question -------------------------------------------------------------------------------

    @question.command(name="search", description="Find a question; its answer stays hidden")
    @app_commands.describe(text="Words from the question: pick a suggestion, or just send them")
    async def question_search(self, interaction: discord.Interaction, text: str) -> None:
        catalog = await self.bot.catalogs.usable(checks.record_scope(interaction))
        in_play = await queries.items_in_play(self.bot.db)
        item = catalog.get(text.strip())
        if item is not None:
            if item.id in in_play:
                raise UserError(
                    "That question is in play right now (the open daily question or a duel). "
                    "Look it up once it closes."
                )
            await self._show_lookup(interaction, item)
            return
        # Free text sent without picking a suggestion: the same search the suggestions use,
        # with the same in-play questions left out, so sending never reveals more than typing.
        found = await search.search(
            catalog, text, self.bot.run_blocking, limit=1 + OTHER_MATCHES, exclude=in_play
        )
        best = catalog.get(found[0].item_id) if found else None
        if best is None:
            raise UserError(
                f"I don't know a question matching `{truncate(text, 80)}`. Try other words, "
                "or pick one of the suggestions as you type."
            )
        note = None
        if len(found) > 1:
            others = "\n".join(f"• {truncate(q.prompt, 90)} (`{q.item_id}`)" for q in found[1:])
            note = (
                "Best match shown. Also matching (run `/question search` with an id to see "
                f"one):\n{others}"
            )
        await self._show_lookup(interaction, best, note)

    @question_search.autocomplete("text")
    async def search_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if not search.bounded(current):
            return []
        catalog = await self.bot.catalogs.usable(checks.record_scope(interaction))
        in_play = await queries.items_in_play(self.bot.db)
        found = await search.search(catalog, current, self.bot.run_blocking, exclude=in_play)
        return options.choices((q.prompt, q.item_id) for q in found)

    @question.command(name="random", description="A random question; its answer stays hidden")
    @app_commands.describe(topic="Only questions from this topic")
    async def question_random(
        self, interaction: discord.Interaction, topic: str | None = None
    ) -> None:
        catalog = await self.bot.catalogs.usable(checks.record_scope(interaction))
        if topic is not None:
            options.check_topics([topic], catalog.topics())
        in_play = await queries.items_in_play(self.bot.db)
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

    async def _show_lookup(
        self, interaction: discord.Interaction, item: Item, note: str | None = None
    ) -> None:
        # Reports go to a server's admins: none hears them on the personal record.
        view = lookup_view(item, reportable=not checks.is_personal(interaction))
        await interaction.response.send_message(
            content=note, embed=lookup_screen(item), view=view, ephemeral=True
        )

    # -- /mydata: the personal record's export and erasure ---------------------------------------

    @mydata.command(name="export", description="Download your personal record (JSON Lines)")
    async def mydata_export(self, interaction: discord.Interaction) -> None:
        await personal.export(self.bot, interaction)

    @mydata.command(name="forget", description="Delete your personal record")
    async def mydata_forget(self, interaction: discord.Interaction) -> None:
        await personal.forget(self.bot, interaction)
