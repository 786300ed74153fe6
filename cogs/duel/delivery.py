"""Getting a duel's messages through a Discord that fails for a moment: bounded retries."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import aiohttp
import discord

from bot.clock import Clock
from bot.retry import describe, is_permanent, is_transient, retry_transient
from cogs.duel import card

if TYPE_CHECKING:
    from bot.client import QuizBot
    from db.duels import DuelRow

log = logging.getLogger(__name__)

T = TypeVar("T")

# Two players are waiting in front of the thread: a message that keeps failing for two minutes
# ends the match instead of holding them for the daily loop's hours.
DELIVERY_SECONDS = 120.0
FIRST_WAIT = 5.0  # then 10, 20, 40, 80 s: five tries inside the two minutes
# A round whose question was never confirmed sent (the task lost, a request hung) is ended by
# a guard job armed before the send. aiohttp gives up on a request after 300 s, so the guard
# comes after the last possible try has finished.
GUARD_SECONDS = DELIVERY_SECONDS + 300.0 + 60.0


class DuelOver(Exception):
    """The duel ended (forfeit, deleted thread) while one of its messages was being retried."""


async def deliver(work: Callable[[], Awaitable[T]], *, clock: Clock, duel_id: int, what: str) -> T:
    """``await work()``, retried with backoff on 5xx, 429 and timeouts for DELIVERY_SECONDS."""
    return await retry_transient(
        work,
        clock=clock,
        deadline=clock.time() + DELIVERY_SECONDS,
        what=f"Duel {duel_id}: {what}",
        first_wait=FIRST_WAIT,
    )


def reason(exc: BaseException) -> str:
    """Why a duel could not go on, for the log and the players."""
    if is_permanent(exc):
        return f"Discord refused its messages ({describe(exc)})"
    if is_transient(exc):
        return f"Discord kept failing to take its messages ({describe(exc)})"
    return describe(exc)


def expected(exc: BaseException) -> bool:
    """A failure of Discord or of the bank, not a bug (those are logged with a traceback)."""
    return isinstance(exc, discord.HTTPException) or is_transient(exc)


async def tell(channels: list[discord.abc.Messageable], content: str, *, duel_id: int) -> bool:
    """One try in each channel in turn (the thread, then the channel it hangs off): Discord
    is failing already, so this does not pile retries on top."""
    for channel in channels:
        try:
            await channel.send(content, allowed_mentions=discord.AllowedMentions(users=True))
            return True
        except (discord.HTTPException, TimeoutError, aiohttp.ClientError) as exc:
            log.warning("Could not tell duel %s's players where it stands: %s", duel_id,
                        describe(exc))  # fmt: skip
    return False


async def with_card(bot: QuizBot, duel: DuelRow, board: discord.Embed) -> dict[str, Any]:
    """The final board's message fields, its result card attached when it draws (card.py)."""
    return await card.result_fields(bot, duel, board)


@asynccontextmanager
async def shutdown_ends(duel_id: int, what: str) -> AsyncIterator[None]:
    """A duel job cut off by the bot shutting down ends quietly: the match is still "active"
    in the database, and the next start cancels it and tells both players."""
    try:
        yield
    except asyncio.CancelledError:
        log.info("Duel %s: %s interrupted by shutdown", duel_id, what)
