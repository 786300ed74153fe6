"""A view that belongs to one member and switches itself off after a while.

The timeout runs on the bot's clock (not discord.py's real-time view timeout), so it behaves
the same in production and under the offline harness's fake clock.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord

from bot.clock import Clock, Timer
from bot.errors import handle_interaction_error

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 180.0


class OwnedView(discord.ui.View):
    refusal = "Only the person who ran the command can use these buttons."

    def __init__(self, owner_id: int, clock: Clock, timeout: float = TIMEOUT_SECONDS) -> None:
        super().__init__(timeout=None)
        self.owner_id = owner_id
        self.clock = clock
        self.timeout_seconds = timeout
        self.interaction: discord.Interaction | None = None  # whose response shows this view
        self._timer: Timer | None = None
        self._expiry: asyncio.Task[None] | None = None

    def restart_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self.clock.call_later(self.timeout_seconds, self._on_timer)

    def _on_timer(self) -> None:
        # Keep a reference: a task nobody holds may be garbage-collected mid-run.
        self._expiry = asyncio.ensure_future(self.expire())

    async def expire(self) -> None:
        """Disable every button on the message (the view stops listening)."""
        self.stop()
        if self._timer is not None:
            self._timer.cancel()
        for child in self.children:
            if isinstance(child, discord.ui.Button | discord.ui.Select):
                child.disabled = True
        if self.interaction is not None:
            try:
                await self.interaction.edit_original_response(view=self)
            except discord.HTTPException:
                log.debug("Could not disable an expired view", exc_info=True)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(self.refusal, ephemeral=True)
        return False

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await handle_interaction_error(interaction, error)
