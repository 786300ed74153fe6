"""Shared embed building, kept within Discord's limits."""

from __future__ import annotations

from datetime import UTC, datetime

import discord

BRAND_COLOUR = discord.Colour(0x5865F2)
SUCCESS_COLOUR = discord.Colour(0x57F287)
FAILURE_COLOUR = discord.Colour(0xED4245)


def brand_embed(title: str, description: str | None = None) -> discord.Embed:
    return discord.Embed(
        title=truncate(title, 256),
        description=None if description is None else truncate(description, 4096),
        colour=BRAND_COLOUR,
    )


def chunk_lines(lines: list[str], limit: int) -> list[str]:
    """Join lines into blocks of at most ``limit`` characters (an embed field holds 1024)."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        line = line if len(line) <= limit else line[: limit - 1] + "…"
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            candidate = line
        current = candidate
    if current:
        chunks.append(current)
    return chunks


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def timestamp(seconds: float, style: discord.utils.TimestampStyle = "R") -> str:
    """A stored Unix time as Discord's own timestamp markup, shown in each reader's zone."""
    return discord.utils.format_dt(datetime.fromtimestamp(seconds, UTC), style)
