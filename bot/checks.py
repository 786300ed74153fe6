"""The one admin check: Manage Server, for commands and for buttons.

Checked when the command runs (``default_permissions`` only hides commands, and server owners
can change that)."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.errors import UserError

admin_only = app_commands.checks.has_permissions(manage_guild=True)


def require_admin(interaction: discord.Interaction) -> None:
    """The same check, for buttons (which app-command checks do not cover)."""
    perms = interaction.permissions
    if not (perms.manage_guild or perms.administrator):
        raise UserError("You need the Manage Server permission to do that.")
