"""/help: every command of every cog, read from the command tree so it never goes stale."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.help.cog import HelpCog

if TYPE_CHECKING:
    from bot.client import QuizBot


async def setup(bot: QuizBot) -> None:
    await bot.add_cog(HelpCog(bot))
