"""The daily question: scheduled, answered privately, revealed, scored, restart-proof."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.daily.cog import DailyCog
from cogs.daily.views import DYNAMIC_ITEMS

if TYPE_CHECKING:
    from bot.client import QuizBot


async def setup(bot: QuizBot) -> None:
    await bot.add_cog(DailyCog(bot))
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
