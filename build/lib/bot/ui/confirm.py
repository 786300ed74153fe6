"""A yes/no question for the member who asked for something destructive."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.clock import Clock
from bot.ui.owned import OwnedView

OnConfirm = Callable[[discord.Interaction], Awaitable[None]]


class Confirm(OwnedView):
    def __init__(self, owner_id: int, clock: Clock, on_confirm: OnConfirm, confirm_label: str):
        super().__init__(owner_id, clock, timeout=120.0)
        self._on_confirm = on_confirm
        self.confirm.label = confirm_label

    async def ask(self, interaction: discord.Interaction, question: str) -> None:
        self.interaction = interaction
        await interaction.response.send_message(question, view=self, ephemeral=True)
        self.restart_timer()

    async def _close(self, interaction: discord.Interaction, text: str) -> None:
        self.stop()
        for child in self.children:
            if isinstance(child, discord.ui.Button):
                child.disabled = True
        await interaction.response.edit_message(content=text, view=self)

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await self._close(interaction, "Working on it…")
        await self._on_confirm(interaction)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await self._close(interaction, "Cancelled: nothing changed.")
