"""The /help command: the commands a caller can use, grouped by the cog that defines them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.ui.embeds import brand_embed, chunk_lines

if TYPE_CHECKING:
    from bot.client import QuizBot

ADMIN_MARK = " · admin"


def is_admin_command(command: app_commands.Command | app_commands.Group) -> bool:
    """Whether Discord hides it from members: permissions are set on the top-level command."""
    root = command.root_parent or command
    perms = root.default_permissions
    return perms is not None and perms.value != 0


def command_lines(tree: app_commands.CommandTree) -> dict[str, list[str]]:
    """``{section: ["/daily setup: Post a question every day", ...]}`` in a stable order.

    A section is the cog that defines the command (its name without "Cog"), so adding a cog
    adds a section without touching this file; admin commands get sections of their own,
    named with ``ADMIN_MARK``, listed after every section a member can use.
    """
    sections: dict[str, list[str]] = {}
    for command in tree.walk_commands():
        if isinstance(command, app_commands.Group):
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
    return interaction.guild is not None and (perms.manage_guild or perms.administrator)


class HelpCog(commands.Cog):
    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="List the quizbot commands you can use")
    async def help(self, interaction: discord.Interaction) -> None:
        admin = may_administer(interaction)
        intro = (
            "Practise Generative-AI interview questions: a daily question, duels, "
            "leaderboards and private practice."
        )
        if admin:
            intro += (
                "\nSections marked admin are for members with the Manage Server permission; "
                "other members do not see them."
            )
        embed = brand_embed("quizbot commands", intro)
        for section, lines in command_lines(self.bot.tree).items():
            if section.endswith(ADMIN_MARK) and not admin:
                continue
            for index, chunk in enumerate(chunk_lines(lines, 1024)):
                embed.add_field(
                    name=section if index == 0 else f"{section} (more)",
                    value=chunk,
                    inline=False,
                )
        await interaction.response.send_message(embed=embed, ephemeral=True)
