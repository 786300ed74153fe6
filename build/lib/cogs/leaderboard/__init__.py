"""Leaderboards and personal stats, with a PNG card."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.leaderboard.cog import LeaderboardCog

if TYPE_CHECKING:
    from bot.client import QuizBot


async def setup(bot: QuizBot) -> None:
    await bot.add_cog(LeaderboardCog(bot))
