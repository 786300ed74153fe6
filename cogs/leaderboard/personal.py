"""/stats on the personal record: a member's own practice, outside servers that run quizbot.

Only what practice earns is shown (answers, accuracy by topic, activity). Points, daily streaks
and duel ratings exist only in a server that installed the bot, so the card says where to find
them instead of showing zeros that look like a bad day.
"""

from __future__ import annotations

import io
from datetime import date
from typing import TYPE_CHECKING

import discord

from bank.words import plural
from bot.ui.embeds import brand_embed
from cogs.leaderboard import cards
from db.stats import MemberStats

if TYPE_CHECKING:
    from bot.client import QuizBot

EXPLAINED = (
    "Your personal record: `/quiz` and `/review` in DMs and in servers without quizbot. "
    "Points, daily streaks and duel ratings live in the servers that run quizbot: "
    "run `/stats` there."
)
EMPTY = "Nothing on it yet: run `/quiz` here to start."


async def send_stats(
    bot: QuizBot, interaction: discord.Interaction, name: str, data: MemberStats, today: date
) -> None:
    """The personal card, as the follow-up of an already deferred /stats."""
    embed = brand_embed(f"{name}: personal practice", EXPLAINED)
    accuracy = f"{data.correct / data.answers:.0%}" if data.answers else "–"
    embed.add_field(name="Answers", value=f"{data.answers} ({accuracy} right)")
    if not data.answers:
        embed.add_field(name="Getting started", value=EMPTY, inline=False)
        await interaction.followup.send(embed=embed, ephemeral=True)
        return
    lines = [
        f"{t.topic}: {t.correct}/{t.answers} ({t.correct / t.answers:.0%})"
        for t in sorted(data.topics, key=lambda t: -t.answers)
    ]
    embed.add_field(name="By topic", value="\n".join(lines)[:1024], inline=False)
    card = cards.CardData(
        name=name,
        headline=f"{plural(data.answers, 'answer')} · {accuracy} right · personal practice",
        topic_accuracy=[(t.topic, t.correct / t.answers, t.answers) for t in data.topics],
        daily_activity=cards.last_days(data.days, today),
    )
    png = await cards.draw_card(bot.run_blocking, card)  # one card at a time, as /stats
    embed.set_image(url="attachment://stats.png")
    await interaction.followup.send(
        embed=embed, file=discord.File(io.BytesIO(png), filename="stats.png"), ephemeral=True
    )
