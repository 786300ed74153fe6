"""/data: a server's history for its admins, and a member's right to be forgotten."""

from __future__ import annotations

import gzip
import io
import json
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bank.words import plural
from bot.checks import admin_only
from bot.ui.confirm import Confirm
from db import privacy

if TYPE_CHECKING:
    from bot.client import QuizBot

PLAIN_LIMIT = 8 * 1024 * 1024  # larger exports are gzipped to stay under Discord's upload limit


# What /data forget removed, told in the member's terms rather than the database's tables.
COUNTED = {
    "answers": "answer",
    "reports": "report",
    "duels": "duel",
    "practice_cards": "review card",
    "practice_sessions": "practice session",
}
# Tables only derived from the member's answers and games: named once, not counted.
DERIVED = {
    "member_totals": "their points and stats",
    "member_periods": "their points and stats",
    "member_days": "their points and stats",
    "member_topics": "their points and stats",
    "daily_streaks": "their daily streak",
    "ratings": "their duel rating",
    "duel_answers": "their duel answers",
    "members": "their name",
}


def forgotten_summary(removed: dict[str, int]) -> str:
    """ "3 answers, 1 report, their points and stats" from rows removed per table ("" for
    none)."""
    parts = [plural(removed[t], noun) for t, noun in COUNTED.items() if removed.get(t)]
    for table, words in DERIVED.items():
        if removed.get(table) and words not in parts:
            parts.append(words)
    # Whatever else held their id (banks they imported, questions they disabled) keeps the
    # record and loses only their name.
    others = sum(n for t, n in removed.items() if t not in COUNTED and t not in DERIVED)
    if others:
        parts.append(f"their name on {plural(others, 'other record')}")
    return ", ".join(parts)


def to_json_lines(records: list[dict[str, object]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class DataCog(commands.GroupCog, name="Data", group_name="data"):
    """Export and privacy requests."""

    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="export", description="Download this server's history (JSON Lines)")
    @admin_only
    async def export(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        records = await privacy.export_records(self.bot.db, interaction.guild.id)
        data = await self.bot.run_blocking(to_json_lines, records)
        filename = f"quizbot-{interaction.guild.id}.jsonl"
        if len(data) > PLAIN_LIMIT:
            data = await self.bot.run_blocking(gzip.compress, data)
            filename += ".gz"
        await interaction.followup.send(
            f"{plural(len(records), 'record')}: answers, ratings, streaks, duels and member names.",
            file=discord.File(io.BytesIO(data), filename=filename),
            ephemeral=True,
        )

    @app_commands.command(name="forget", description="Delete a member's records in this server")
    @admin_only
    async def forget(self, interaction: discord.Interaction, member: discord.Member) -> None:
        assert interaction.guild is not None
        guild_id = interaction.guild.id

        async def erase(confirmed: discord.Interaction) -> None:
            removed = await privacy.forget_member(self.bot.db, guild_id, member.id)
            summary = forgotten_summary(removed)
            content = (
                f"Deleted every record of {member.mention} in this server: {summary}."
                if summary
                else f"{member.mention} had no records in this server: nothing to delete."
            )
            await confirmed.edit_original_response(content=content, view=None)

        await Confirm(interaction.user.id, self.bot.clock, erase, "Delete").ask(
            interaction,
            f"Delete every answer, point, streak, rating and report of {member.mention} in "
            "this server? This cannot be undone.",
        )
