"""Pages of embeds with ◀ ▶ buttons that only the caller may use; each page is built when
it is shown, so a board of ten thousand members costs one page at a time.

The timeout runs on the bot's clock (not discord.py's real-time view timeout), so it behaves
the same in production and under the offline harness's fake clock.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.clock import Clock, Timer
from bot.errors import handle_interaction_error

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 180.0


class Paginator(discord.ui.View):
    def __init__(
        self,
        owner_id: int,
        page_count: int,
        render: Callable[[int], Awaitable[discord.Embed]],
        clock: Clock,
    ) -> None:
        super().__init__(timeout=None)
        self.owner_id = owner_id
        self.page_count = page_count
        self.render = render
        self.index = 0
        self.clock = clock
        self._interaction: discord.Interaction | None = None
        self._timer: Timer | None = None
        self._expiry: asyncio.Task[None] | None = None
        self._update_buttons()

    async def start(self, interaction: discord.Interaction, **send: Any) -> None:
        self._interaction = interaction
        first = await self.render(0)
        if self.page_count > 1:
            await interaction.response.send_message(embed=first, view=self, **send)
            self._restart_timer()
        else:
            await interaction.response.send_message(embed=first, **send)

    def _update_buttons(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= self.page_count - 1

    def _restart_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self.clock.call_later(TIMEOUT_SECONDS, self._on_timer)

    def _on_timer(self) -> None:
        # Keep a reference: a task nobody holds may be garbage-collected mid-run.
        self._expiry = asyncio.ensure_future(self.expire())

    async def expire(self) -> None:
        self.stop()
        for child in self.children:
            if isinstance(child, discord.ui.Button):
                child.disabled = True
        if self._interaction is not None:
            try:
                await self._interaction.edit_original_response(view=self)
            except discord.HTTPException:
                log.debug("Could not disable an expired paginator", exc_info=True)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            "Only the person who ran the command can turn these pages. Run it yourself to browse.",
            ephemeral=True,
        )
        return False

    async def _show(self, interaction: discord.Interaction, index: int) -> None:
        self.index = max(0, min(index, self.page_count - 1))
        self._update_buttons()
        self._restart_timer()
        embed = await self.render(self.index)
        await interaction.response.edit_message(embed=embed, view=self)

    @discord.ui.button(label="◀", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await self._show(interaction, self.index - 1)

    @discord.ui.button(label="▶", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await self._show(interaction, self.index + 1)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await handle_interaction_error(interaction, error)
