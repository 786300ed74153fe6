"""Retrying work that failed for a passing reason, with backoff, until a deadline."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from typing import TypeVar

import aiohttp
import discord

from bot.clock import Clock

log = logging.getLogger(__name__)

T = TypeVar("T")

FIRST_WAIT = 30.0  # seconds before the first retry
MAX_WAIT = 15 * 60.0  # backoff stops growing here: a long outage is retried every 15 minutes


def is_transient(exc: BaseException) -> bool:
    """A failure worth trying again later: Discord's 5xx and 429, a timeout, a dropped
    connection, a busy or full database. A 4xx other than 429 will fail the same way again."""
    if isinstance(exc, discord.HTTPException):
        return exc.status >= 500 or exc.status == 429
    if isinstance(exc, discord.RateLimited):
        return True
    return isinstance(exc, TimeoutError | aiohttp.ClientError | sqlite3.OperationalError)


def is_permanent(exc: BaseException) -> bool:
    """A refusal that needs a person: a lost permission or a deleted channel, thread or message."""
    return isinstance(exc, discord.Forbidden | discord.NotFound)


def backoff(attempt: int, first: float = FIRST_WAIT, cap: float = MAX_WAIT) -> float:
    """Seconds to wait before retry number ``attempt`` (1-based): first, 2x, 4x ... up to cap."""
    return min(cap, first * 2 ** (attempt - 1))


async def retry_transient(
    work: Callable[[], Awaitable[T]],
    *,
    clock: Clock,
    deadline: float,
    what: str,
    on_retry: Callable[[BaseException, float], Awaitable[None]] | None = None,
    first_wait: float = FIRST_WAIT,
) -> T:
    """``await work()``, again after a backoff each time it fails transiently, as long as the
    next attempt would still start before ``deadline`` (the bot's clock, Unix seconds).

    Permanent and unexpected failures are raised at once; the last transient one is raised
    when the deadline leaves no room for another try. ``on_retry(exc, retry_at)`` runs before
    each wait (to tell the admin the work is late, not lost)."""
    attempt = 0
    while True:
        try:
            return await work()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if not is_transient(exc):
                raise
            attempt += 1
            wait = backoff(attempt, first_wait)
            retry_at = clock.time() + wait
            if retry_at >= deadline:
                log.warning("%s failed (%s); no time left to retry", what, describe(exc))
                raise
            log.warning("%s failed (%s); retry %d in %.0f s", what, describe(exc), attempt, wait)
            if on_retry is not None:
                await on_retry(exc, retry_at)
            await clock.sleep(wait)


def describe(exc: BaseException) -> str:
    if isinstance(exc, discord.HTTPException):
        return f"HTTP {exc.status} {exc.text or exc.__class__.__name__}"
    return f"{exc.__class__.__name__}: {exc}" if str(exc) else exc.__class__.__name__
