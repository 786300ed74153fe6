"""Pages of embeds with ◀ ▶ buttons that only the caller may use; each page is built when
it is shown, so a board of ten thousand members costs one page at a time."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.clock import Clock
from bot.ui.owned import OwnedView


class Paginator(OwnedView):
    refusal = "Only the person who ran the command can turn these pages. Run it yourself to browse."

    def __init__(
        self,
        owner_id: int,
        page_count: int,
        render: Callable[[int], Awaitable[discord.Embed]],
        clock: Clock,
    ) -> None:
        super().__init__(owner_id, clock)
        self.page_count = page_count
        self.render = render
        self.index = 0
        self._update_buttons()

    async def start(self, interaction: discord.Interaction, **send: Any) -> None:
        self.interaction = interaction
        first = await self.render(0)
        if self.page_count > 1:
            await interaction.response.send_message(embed=first, view=self, **send)
            self.restart_timer()
        else:
            await interaction.response.send_message(embed=first, **send)

    def _update_buttons(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= self.page_count - 1

    async def _show(self, interaction: discord.Interaction, index: int) -> None:
        self.index = max(0, min(index, self.page_count - 1))
        self._update_buttons()
        self.restart_timer()
        embed = await self.render(self.index)
        await interaction.response.edit_message(embed=embed, view=self)

    @discord.ui.button(label="◀", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await self._show(interaction, self.index - 1)

    @discord.ui.button(label="▶", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await self._show(interaction, self.index + 1)
