"""Duels: rated head-to-head matches of quick questions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.duel.cog import DuelCog
from cogs.duel.views import DYNAMIC_ITEMS

if TYPE_CHECKING:
    from bot.client import QuizBot


async def setup(bot: QuizBot) -> None:
    await bot.add_cog(DuelCog(bot))
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
