"""The /help command: every command of every cog, grouped by the cog that defines it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.ui.embeds import brand_embed, chunk_lines

if TYPE_CHECKING:
    from bot.client import QuizBot


def command_lines(tree: app_commands.CommandTree) -> dict[str, list[str]]:
    """``{section: ["/daily setup: Post a question every day", ...]}`` in a stable order.

    A section is the cog that defines the command (its name without "Cog"), so adding a cog
    adds a section without touching this file.
    """
    sections: dict[str, list[str]] = {}
    for command in tree.walk_commands():
        if isinstance(command, app_commands.Group):
            continue
        cog = command.binding
        section = type(cog).__name__.removesuffix("Cog") if cog is not None else "General"
        sections.setdefault(section, []).append(
            f"`/{command.qualified_name}`: {command.description}"
        )
    return {name: sorted(lines) for name, lines in sorted(sections.items())}


class HelpCog(commands.Cog):
    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="List every quizbot command")
    async def help(self, interaction: discord.Interaction) -> None:
        embed = brand_embed(
            "quizbot commands",
            "Practise Generative-AI interview questions: a daily question, duels, "
            "leaderboards and private practice.",
        )
        for section, lines in command_lines(self.bot.tree).items():
            for index, chunk in enumerate(chunk_lines(lines, 1024)):
                embed.add_field(
                    name=section if index == 0 else f"{section} (more)",
                    value=chunk,
                    inline=False,
                )
        await interaction.response.send_message(embed=embed, ephemeral=True)
