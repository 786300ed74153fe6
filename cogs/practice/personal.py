"""The personal record: how practice on it is labelled, and its owner's export and erasure.

A member who added quizbot to their own account practises in DMs and in servers without the
bot on this record (:data:`bot.checks.PERSONAL_SCOPE`). No server's admin can see or delete it
(their /data export and /data forget cover their server only), so its owner does, with
/mydata export and /mydata forget, from anywhere.
"""

from __future__ import annotations

import io
import json
import logging
from typing import TYPE_CHECKING, Any

import discord

from bank.words import plural
from bot.checks import PERSONAL_SCOPE
from bot.ui.confirm import Confirm
from db import privacy

if TYPE_CHECKING:
    from bot.client import QuizBot

log = logging.getLogger(__name__)

PERSONAL_NOTE = "-# Personal practice: your own record, kept apart from every server's."


def note(guild_id: int, text: str | None) -> str | None:
    """The note above a sitting's first question, labelled when it counts on the personal
    record (so nobody wonders why their server's /stats did not move)."""
    if guild_id != PERSONAL_SCOPE:
        return text
    return f"{text}\n{PERSONAL_NOTE}" if text else PERSONAL_NOTE


def to_json_lines(records: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


async def export(bot: QuizBot, interaction: discord.Interaction) -> None:
    records = await privacy.export_member_records(bot.db, PERSONAL_SCOPE, interaction.user.id)
    if not records:
        await interaction.response.send_message(
            "Your personal record is empty: practise with `/quiz` in a DM with quizbot (or "
            "anywhere after adding quizbot to your account) to start one.",
            ephemeral=True,
        )
        return
    data = await bot.run_blocking(to_json_lines, records)
    await interaction.response.send_message(
        f"Your personal record: {plural(len(records), 'record')} (answers, review cards and "
        "the name last shown). A server's records are its admins' to export.",
        file=discord.File(
            io.BytesIO(data), filename=f"quizbot-personal-{interaction.user.id}.jsonl"
        ),
        ephemeral=True,
    )


async def forget(bot: QuizBot, interaction: discord.Interaction) -> None:
    user_id = interaction.user.id

    async def erase(confirmed: discord.Interaction) -> None:
        removed = await privacy.forget_member(bot.db, PERSONAL_SCOPE, user_id)
        log.info("Forgot the personal record of user %s", user_id)
        counted = [
            plural(removed.get("answers", 0), "answer"),
            plural(removed.get("practice_cards", 0), "review card"),
        ]
        await confirmed.edit_original_response(
            content=f"Deleted your personal record: {', '.join(counted)}. Servers' records "
            "are untouched.",
            view=None,
        )

    await Confirm(user_id, bot.clock, erase, "Delete").ask(
        interaction,
        "Delete every answer and review card of your personal record? This cannot be undone. "
        "What you did in servers stays there (their admins can remove it with `/data forget`).",
    )
