"""The /help command: the commands a caller can use here, grouped by the cog that defines them.

In a server that installed quizbot that is every member command (and, for admins, the admin
sections); in a DM or a server without the bot (a member's own install) only the commands
that work there, on their personal record."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import checks
from bot.ui.embeds import brand_embed, chunk_lines

if TYPE_CHECKING:
    from bot.client import QuizBot

ADMIN_MARK = " · admin"

ANYWHERE_NOTE = (
    "**Practice anywhere:** add quizbot to your account (open its profile, **Add App**, then "
    "**Add to My Apps**) and `/quiz`, `/review`, `/question` and `/stats` also work in DMs and "
    "in servers without quizbot, on your personal record."
)
PERSONAL_NOTE = (
    "You are on your **personal record** here: practice with the built-in questions, kept "
    "apart from every server's. The daily question, duels and leaderboards need a server that "
    "installed quizbot; `/mydata` exports or deletes this record."
)


def is_admin_command(command: app_commands.Command | app_commands.Group) -> bool:
    """Whether Discord hides it from members: permissions are set on the top-level command."""
    root = command.root_parent or command
    perms = root.default_permissions
    return perms is not None and perms.value != 0


Where = Callable[[app_commands.Command | app_commands.Group], bool]


def usable_outside_servers(
    tree: app_commands.CommandTree, interaction: discord.Interaction
) -> Where:
    """Which commands Discord offers where no server installed quizbot: those whose contexts
    include this one, and (outside a DM with the bot) that a member can install themselves."""
    context = interaction.context

    def usable(command: app_commands.Command | app_commands.Group) -> bool:
        root = command.root_parent or command
        contexts = tree.allowed_contexts.merge(
            root.allowed_contexts or app_commands.AppCommandContext()
        )
        installs = tree.allowed_installs.merge(
            root.allowed_installs or app_commands.AppInstallationType()
        )
        if context.dm_channel:
            return bool(contexts.dm_channel)
        if context.private_channel:
            return bool(contexts.private_channel and installs.user)
        return bool(contexts.guild and installs.user)

    return usable


def command_lines(
    tree: app_commands.CommandTree, usable: Where | None = None
) -> dict[str, list[str]]:
    """``{section: ["/daily setup: Post a question every day", ...]}`` in a stable order.

    A section is the cog that defines the command (its name without "Cog"), so adding a cog
    adds a section without touching this file; admin commands get sections of their own,
    named with ``ADMIN_MARK``, listed after every section a member can use.
    """
    sections: dict[str, list[str]] = {}
    for command in tree.walk_commands():
        if isinstance(command, app_commands.Group):
            continue
        if usable is not None and not usable(command):
            continue
        cog = command.binding
        section = type(cog).__name__.removesuffix("Cog") if cog is not None else "General"
        if is_admin_command(command):
            section += ADMIN_MARK
        sections.setdefault(section, []).append(
            f"`/{command.qualified_name}`: {command.description}"
        )
    order = sorted(sections, key=lambda name: (name.endswith(ADMIN_MARK), name))
    return {name: sorted(sections[name]) for name in order}


def may_administer(interaction: discord.Interaction) -> bool:
    perms = interaction.permissions
    return not checks.is_personal(interaction) and (perms.manage_guild or perms.administrator)


class HelpCog(commands.Cog):
    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="List the quizbot commands you can use")
    @checks.anywhere
    async def help(self, interaction: discord.Interaction) -> None:
        admin = may_administer(interaction)
        personal = checks.is_personal(interaction)
        intro = (
            "Practise generative AI interview questions: a daily question, duels, "
            "leaderboards and private practice."
        )
        intro += "\n" + (PERSONAL_NOTE if personal else ANYWHERE_NOTE)
        if admin:
            intro += (
                "\nSections marked admin are for members with the Manage Server permission; "
                "other members do not see them."
            )
        embed = brand_embed("quizbot commands", intro)
        tree = self.bot.tree
        usable = usable_outside_servers(tree, interaction) if personal else None
        for section, lines in command_lines(tree, usable).items():
            if section.endswith(ADMIN_MARK) and not admin:
                continue
            for index, chunk in enumerate(chunk_lines(lines, 1024)):
                embed.add_field(
                    name=section if index == 0 else f"{section} (more)",
                    value=chunk,
                    inline=False,
                )
        await interaction.response.send_message(embed=embed, ephemeral=True)
