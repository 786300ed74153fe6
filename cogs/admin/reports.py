"""Question reports: any member can flag a question; admins resolve it or switch it off."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import options, search
from bot.checks import admin_only, require_admin
from bot.errors import UserError, guarded, send_ephemeral
from bot.ui import targets
from bot.ui.embeds import brand_embed, truncate
from bot.ui.report import PREFIX as REPORT_PREFIX
from bot.ui.report import REASON_LIMIT
from db import banks, practice

if TYPE_CHECKING:
    from bot.client import QuizBot

SHOWN_REPORTS = 5  # one row of five buttons per action


def _cog(interaction: discord.Interaction) -> ReportCog:
    return targets.Slot[ReportCog](REPORT_PREFIX, ReportCog).get(interaction)


class ReportAction(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"reports:(?P<action>resolve|disable):(?P<report>\d+)",
):
    """On the /reports list: resolve a report, or switch its question off in this server."""

    def __init__(self, action: str, report_id: int) -> None:
        label = f"Resolve #{report_id}" if action == "resolve" else f"Disable #{report_id}"
        style = discord.ButtonStyle.success if action == "resolve" else discord.ButtonStyle.danger
        super().__init__(
            discord.ui.Button(label=label, style=style, custom_id=f"reports:{action}:{report_id}")
        )
        self.action, self.report_id = action, report_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ReportAction:
        return cls(match["action"], int(match["report"]))

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        require_admin(interaction)
        await _cog(interaction).act(interaction, self.action, self.report_id)


@app_commands.guild_only()
class ReportCog(commands.Cog, name="Reports"):
    """Flag questions that are wrong or unclear."""

    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        targets.register(self.bot, REPORT_PREFIX, self)

    async def cog_unload(self) -> None:
        targets.unregister(self.bot, REPORT_PREFIX)

    async def file_report(
        self, interaction: discord.Interaction, item_id: str, reason: str
    ) -> None:
        assert interaction.guild is not None
        reason = " ".join(reason.split())
        if not reason:
            raise UserError("Say briefly what is wrong with the question.")
        if await self.bot.catalogs.get(interaction.guild.id, item_id) is None:
            raise UserError(
                f"There is no question `{truncate(item_id, 80)}` in this server. Type a few "
                "words of it and pick one of the suggestions."
            )
        report_id = await banks.add_report(
            self.bot.db, interaction.guild.id, item_id, interaction.user.id,
            reason[:REASON_LIMIT], self.bot.clock.time(),
        )  # fmt: skip
        await send_ephemeral(
            interaction,
            f"Thanks! Report #{report_id} on `{item_id}` is with this server's admins.",
        )

    @app_commands.command(name="report", description="Report a wrong or unclear question")
    @app_commands.describe(question="The question (type to search)", reason="What is wrong")
    async def report(
        self,
        interaction: discord.Interaction,
        question: str,
        reason: app_commands.Range[str, 1, REASON_LIMIT],
    ) -> None:
        await self.file_report(interaction, question, reason)

    @report.autocomplete("question")
    async def question_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        assert interaction.guild is not None
        if not search.bounded(current):
            return []
        catalog = await self.bot.catalogs.usable(interaction.guild.id)
        # A question in play may be reported (it may be the wrong one), but it is found by
        # its prompt only: its explanation would let a search confirm its answer.
        in_play = await practice.items_in_play(self.bot.db)
        found = await search.search(catalog, current, self.bot.run_blocking, prompt_only=in_play)
        return options.choices((q.prompt, q.item_id) for q in found)

    @app_commands.command(name="reports", description="Open question reports (admins)")
    @app_commands.default_permissions(manage_guild=True)
    @admin_only
    async def reports(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        embed, view = await self._listing(interaction.guild.id)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    async def _listing(self, guild_id: int) -> tuple[discord.Embed, discord.ui.View]:
        shown, total = await banks.open_reports(self.bot.db, guild_id, SHOWN_REPORTS)
        embed = brand_embed(f"Open reports: {total}", None if shown else "Nothing to review. Nice!")
        view = discord.ui.View(timeout=None)
        for report in shown:
            item = await self.bot.catalogs.get(guild_id, report.item_id)
            prompt = truncate(item.prompt, 200) if item else "(no longer in the bank)"
            embed.add_field(
                name=f"#{report.report_id} · {report.item_id}",
                value=truncate(
                    f"{prompt}\n> {report.reason}\n— <@{report.user_id}> "
                    f"<t:{int(report.created_at)}:R>",
                    1024,
                ),
                inline=False,
            )
            view.add_item(ReportAction("resolve", report.report_id))
        for report in shown:
            view.add_item(ReportAction("disable", report.report_id))
        if total > len(shown):
            embed.set_footer(text=f"Showing the oldest {len(shown)}; resolve them to see more.")
        return embed, view

    async def act(self, interaction: discord.Interaction, action: str, report_id: int) -> None:
        assert interaction.guild is not None
        guild_id = interaction.guild.id
        report = await banks.get_report(self.bot.db, guild_id, report_id)
        if report is None:
            raise UserError(f"Report #{report_id} is already closed.")
        now = self.bot.clock.time()
        if action == "disable":
            await banks.disable_item(self.bot.db, guild_id, report.item_id, interaction.user.id,
                                     now)  # fmt: skip
            await banks.resolve_reports(
                self.bot.db, guild_id, report.item_id, interaction.user.id, "disabled", now
            )
            self.bot.catalogs.invalidate(guild_id)
            done = f"`{report.item_id}` is switched off in this server; its reports are closed."
        else:
            await banks.resolve_report(self.bot.db, guild_id, report_id, interaction.user.id, now)
            done = f"Report #{report_id} resolved."
        embed, view = await self._listing(guild_id)
        embed.description = done if embed.description is None else f"{done}\n{embed.description}"
        await interaction.response.edit_message(embed=embed, view=view)
