"""The /leaderboard card's trip to Discord: names read, the card drawn off the event loop and
attached to the board's message once the text board is out.

The text board answers first (within Discord's 3 s, whatever matplotlib costs on a cold
process); the card follows as an edit of the same message. A card that cannot be drawn or
attached is logged and the text board stays as it is.
"""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.retry import describe
from cogs import cardkit as kit
from cogs.leaderboard import cards
from db.members import display_names
from db.stats import BoardRow

if TYPE_CHECKING:
    from bot.client import QuizBot

log = logging.getLogger(__name__)

FILENAME = "leaderboard.png"


async def board_data(
    bot: QuizBot,
    guild_id: int,
    caller_id: int,
    heading: tuple[str, str],
    rows: list[tuple[BoardRow, str]],
    mine: tuple[BoardRow, str] | None,
    bars: bool,
) -> cards.BoardCardData:
    """The card's content: ``rows`` (the top of the board, each with its value as the text
    board shows it) and the caller's own row, added at the bottom when it is not among them."""
    ids = [row[1] for row, _ in rows] + ([mine[0][1]] if mine else [])
    names = await display_names(bot.db, guild_id, ids)

    def entry(row: BoardRow, shown: str) -> cards.BoardEntry:
        rank, user_id, value, _ = row
        return cards.BoardEntry(rank, user_id, names.get(user_id, "member"), value, shown)

    top = [entry(row, shown) for row, shown in rows]
    below = None
    if mine is not None and all(e.user_id != caller_id for e in top):
        below = entry(*mine)
    title, subtitle = heading
    return cards.BoardCardData(title, subtitle, top, caller_id, below, bars)


async def attach(bot: QuizBot, interaction: discord.Interaction, data: cards.BoardCardData) -> None:
    """Add the card to the board ``interaction`` already answered with."""
    if not data.entries:
        return  # nobody on the board: the text says how to get on it
    try:
        png = await kit.draw(bot.run_blocking, cards.render_board, data)
    except Exception:
        log.exception("The %r leaderboard card could not be drawn; the text board stays alone",
                      data.title)  # fmt: skip
        return
    try:
        await interaction.edit_original_response(
            attachments=[discord.File(io.BytesIO(png), filename=FILENAME)]
        )
    except (discord.HTTPException, TimeoutError, aiohttp.ClientError) as exc:
        log.warning("Could not attach the leaderboard card: %s", describe(exc))
