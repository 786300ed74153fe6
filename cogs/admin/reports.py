"""Question reports: any member can flag a question; admins resolve it or switch it off (and on)."""

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
from bot.ui.confirm import Confirm
from bot.ui.embeds import brand_embed, truncate
from bot.ui.report import PREFIX as REPORT_PREFIX
from bot.ui.report import REASON_LIMIT
from db import banks, practice

if TYPE_CHECKING:
    from bot.client import QuizBot

SHOWN_REPORTS = 5  # one row of five buttons per action


def _cog(interaction: discord.Interaction) -> ReportCog:
    return targets.Slot[ReportCog](REPORT_PREFIX, ReportCog).get(interaction)


LABELS = {"resolve": "Resolve #{}", "disable": "Disable #{}", "enable": "Enable {}"}
STYLES = {
    "resolve": discord.ButtonStyle.success,
    "disable": discord.ButtonStyle.danger,
    "enable": discord.ButtonStyle.secondary,
}


class ReportAction(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"reports:(?P<action>resolve|disable|enable):(?P<key>[a-z0-9-]{1,64})",
):
    """On the /reports list: resolve a report, switch its question off in this server (after
    a confirmation), or switch a disabled question back on. The key is a report number, or
    the question's id for enable."""

    def __init__(self, action: str, key: int | str) -> None:
        super().__init__(
            discord.ui.Button(
                label=truncate(LABELS[action].format(key), 80),
                style=STYLES[action],
                custom_id=f"reports:{action}:{key}",
            )
        )
        self.action, self.key = action, str(key)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ReportAction:
        return cls(match["action"], match["key"])

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        require_admin(interaction)
        await _cog(interaction).act(interaction, self.action, self.key)


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
        disabled, switched_off = await banks.recently_disabled(self.bot.db, guild_id, SHOWN_REPORTS)
        if disabled:
            more = (
                f" (the latest {len(disabled)} of {switched_off})"
                if switched_off > len(disabled)
                else ""
            )
            embed.add_field(
                name=f"Switched off in this server: {switched_off}",
                value=truncate(
                    "Enable one to put it back in the daily question, quizzes and duels"
                    f"{more}: " + ", ".join(f"`{item_id}`" for item_id in disabled),
                    1024,
                ),
                inline=False,
            )
            for item_id in disabled:
                view.add_item(ReportAction("enable", item_id))
        if total > len(shown):
            embed.set_footer(text=f"Showing the oldest {len(shown)}; resolve them to see more.")
        return embed, view

    async def act(self, interaction: discord.Interaction, action: str, key: str) -> None:
        assert interaction.guild is not None
        guild_id = interaction.guild.id
        if action == "enable":
            await self._enable(interaction, key)
            return
        report_id = int(key)
        report = await banks.get_report(self.bot.db, guild_id, report_id)
        if report is None:
            raise UserError(f"Report #{report_id} is already closed.")
        if action == "disable":
            await self._ask_disable(interaction, report_id, report.item_id)
            return
        now = self.bot.clock.time()
        await banks.resolve_report(self.bot.db, guild_id, report_id, interaction.user.id, now)
        await self._relist(interaction, f"Report #{report_id} resolved.")

    async def _ask_disable(
        self, interaction: discord.Interaction, report_id: int, item_id: str
    ) -> None:
        """Switching a question off closes every report on it: the admin confirms first."""
        assert interaction.guild is not None
        guild_id = interaction.guild.id

        async def disable(confirmed: discord.Interaction) -> None:
            if await banks.get_report(self.bot.db, guild_id, report_id) is None:
                await confirmed.edit_original_response(
                    content=f"Report #{report_id} was closed meanwhile: nothing changed."
                )
                return
            now = self.bot.clock.time()
            await banks.disable_item(self.bot.db, guild_id, item_id, confirmed.user.id, now)
            await banks.resolve_reports(
                self.bot.db, guild_id, item_id, confirmed.user.id, "disabled", now
            )
            self.bot.catalogs.invalidate(guild_id)
            way_back = discord.ui.View(timeout=None)
            way_back.add_item(ReportAction("enable", item_id))
            await confirmed.edit_original_response(
                content=f"`{item_id}` is switched off in this server; its reports are closed. "
                "Enable it here or from `/reports` to switch it back on.",
                view=way_back,
            )

        await Confirm(interaction.user.id, self.bot.clock, disable, "Disable").ask(
            interaction,
            f"Switch `{item_id}` off in this server? It leaves the daily question, quizzes and "
            "duels, and every open report on it closes. You can switch it back on later.",
        )

    async def _enable(self, interaction: discord.Interaction, item_id: str) -> None:
        assert interaction.guild is not None
        guild_id = interaction.guild.id
        if not await banks.enable_item(self.bot.db, guild_id, item_id):
            raise UserError(f"`{item_id}` is not switched off.")
        self.bot.catalogs.invalidate(guild_id)
        done = f"`{item_id}` is switched back on in this server."
        message = interaction.message
        if message is not None and message.embeds:  # clicked on the /reports list
            await self._relist(interaction, done)
        else:  # clicked under the confirmation
            await interaction.response.edit_message(content=done, view=None)

    async def _relist(self, interaction: discord.Interaction, done: str) -> None:
        assert interaction.guild is not None
        embed, view = await self._listing(interaction.guild.id)
        embed.description = done if embed.description is None else f"{done}\n{embed.description}"
        await interaction.response.edit_message(embed=embed, view=view)
