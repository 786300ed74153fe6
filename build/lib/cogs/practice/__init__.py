"""Practice: private quizzes, spaced-repetition review of every answer, question look-up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.practice.cog import PracticeCog
from cogs.practice.views import DYNAMIC_ITEMS

if TYPE_CHECKING:
    from bot.client import QuizBot


async def setup(bot: QuizBot) -> None:
    await bot.add_cog(PracticeCog(bot))
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
