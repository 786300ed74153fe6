"""The answer modal shared by daily posts, duels and practice."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.errors import handle_interaction_error
from bot.ui.embeds import truncate

SHORT_REPLY_LIMIT = 300
LONG_REPLY_LIMIT = 4000  # Discord's own maximum for a text input

OnAnswer = Callable[[discord.Interaction, str], Awaitable[None]]


class AnswerModal(discord.ui.Modal):
    """One text field; ``long`` gives a paragraph box for interview-style answers."""

    def __init__(self, title: str, on_answer: OnAnswer, *, long: bool, question: str) -> None:
        super().__init__(title=truncate(title, 45), timeout=15 * 60)
        self._on_answer = on_answer
        self.answer: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Your answer",
            custom_id="answer",
            style=discord.TextStyle.paragraph if long else discord.TextStyle.short,
            placeholder=truncate(question, 100),
            max_length=LONG_REPLY_LIMIT if long else SHORT_REPLY_LIMIT,
            required=True,
        )
        self.add_item(self.answer)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self._on_answer(interaction, self.answer.value)

    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction, error: Exception
    ) -> None:
        await handle_interaction_error(interaction, error)
