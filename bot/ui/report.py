"""The "Report question" button under every reveal and round result, and its form.

Reports are stored by the :class:`ReportTarget` the admin cog registers; this module only
draws the button and its form.
"""

from __future__ import annotations

import re
from typing import Any, Protocol, runtime_checkable

import discord

from bot.errors import guarded, handle_interaction_error
from bot.ui import targets

REASON_LIMIT = 500


PREFIX = "report"


@runtime_checkable
class ReportTarget(Protocol):
    """What stores a report (the admin cog registers one under :data:`PREFIX`)."""

    async def file_report(
        self, interaction: discord.Interaction, item_id: str, reason: str
    ) -> None: ...


REPORTS = targets.Slot[ReportTarget](PREFIX, ReportTarget)


class ReportButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"report:(?P<item>[a-z0-9-]{3,64})"
):
    """Under every reveal and round result; opens a short form."""

    def __init__(self, item_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Report question",
                style=discord.ButtonStyle.secondary,
                custom_id=f"report:{item_id}",
            )
        )
        self.item_id = item_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ReportButton:
        return cls(match["item"])

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(ReportModal(self.item_id))


class ReportModal(discord.ui.Modal, title="Report this question"):
    def __init__(self, item_id: str) -> None:
        super().__init__(timeout=15 * 60)
        self.item_id = item_id
        self.reason: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="What is wrong with it?",
            custom_id="reason",
            style=discord.TextStyle.paragraph,
            max_length=REASON_LIMIT,
            placeholder="The answer is outdated, the wording is ambiguous, a typo...",
        )
        self.add_item(self.reason)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await REPORTS.get(interaction).file_report(interaction, self.item_id, self.reason.value)

    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction, error: Exception
    ) -> None:
        await handle_interaction_error(interaction, error)
