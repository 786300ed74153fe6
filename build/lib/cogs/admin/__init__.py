"""Server admin: settings, imported question banks, question reports, data requests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.ui.report import ReportButton
from cogs.admin.banks import BankCog
from cogs.admin.config import ConfigCog
from cogs.admin.data import DataCog
from cogs.admin.reports import ReportAction, ReportCog

if TYPE_CHECKING:
    from bot.client import QuizBot


async def setup(bot: QuizBot) -> None:
    for cog in (ConfigCog(bot), BankCog(bot), ReportCog(bot), DataCog(bot)):
        await bot.add_cog(cog)
    bot.add_dynamic_items(ReportButton, ReportAction)
