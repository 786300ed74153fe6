"""Where a command may run, whose record it counts on, and the one admin check.

Every command is a server command (installed with the server, used in the server) unless it
says otherwise with :func:`anywhere`; the tree's defaults below make that so. The admin check
runs when the command runs (``default_permissions`` only hides commands, and server owners
can change that)."""

from __future__ import annotations

from typing import TypeVar

import discord
from discord import app_commands

from bot.errors import UserError

T = TypeVar("T")

# The record of a member practising where no server of ours is involved: a DM, a group DM, or
# a server that has not installed the bot (their own install, "user install"). No Discord
# server has id 0, so this scope never mixes with a server's boards or banks.
PERSONAL_SCOPE = 0

# The tree's defaults (what a command that says nothing gets). Without them, Discord offers a
# command without ``integration_types`` to every install type the app has enabled in the
# Developer Portal: with user installs switched on, /daily setup would show up in DMs.
SERVER_INSTALLS = app_commands.AppInstallationType(guild=True, user=False)
SERVER_CONTEXTS = app_commands.AppCommandContext(
    guild=True, dm_channel=False, private_channel=False
)

admin_only = app_commands.checks.has_permissions(manage_guild=True)


def anywhere(func: T) -> T:
    """A command a member may use wherever quizbot is installed: in a server that installed it
    and, after adding quizbot to their own account, in DMs and servers without the bot (on
    their personal record, see :func:`record_scope`)."""
    installs = app_commands.allowed_installs(guilds=True, users=True)
    contexts = app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    wrapped: T = installs(contexts(func))
    return wrapped


def record_scope(interaction: discord.Interaction) -> int:
    """The record an interaction reads and writes: the server's id when the bot is installed in
    the server it came from, else :data:`PERSONAL_SCOPE`.

    ``interaction.guild`` is no guide: in a server without the bot discord.py still builds a
    partial guild for it. What counts is whether the server itself authorized the command
    (``authorizing_integration_owners`` carries the server's id under the guild-install key);
    in a DM with the bot that key holds 0, and a user install puts the member's id under its
    own key."""
    if interaction.guild_id is None:
        return PERSONAL_SCOPE
    if interaction.is_guild_integration():
        return interaction.guild_id
    return PERSONAL_SCOPE


def is_personal(interaction: discord.Interaction) -> bool:
    return record_scope(interaction) == PERSONAL_SCOPE


def require_admin(interaction: discord.Interaction) -> None:
    """The admin check, for buttons (which app-command checks do not cover)."""
    perms = interaction.permissions
    if not (perms.manage_guild or perms.administrator):
        raise UserError("You need the Manage Server permission to do that.")
