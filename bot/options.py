"""The topic and level options several commands accept: parsed, checked and worded once."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

import discord
from discord import app_commands

from bank.schema import LEVELS
from bank.words import plural_noun
from bot.errors import UserError
from bot.ui.embeds import truncate

MESSAGE_LIMIT = 1900  # room under Discord's 2,000 characters when a server has many topics
CHOICE_LIMIT = 100  # Discord's longest autocomplete choice name and string value
MAX_CHOICES = 25  # Discord's most choices in one autocomplete answer
FIELD_LIMIT = 1024  # Discord's longest embed field value
TYPED_LIMIT = 100  # characters of an autocomplete query looked at (Discord sends up to 6,000)


class OptionError(UserError):
    """A value that does not fit; the message, for the member who typed it, says what fits."""


def split_list(text: str | None) -> tuple[str, ...]:
    """``"a, B,a"`` -> ``("a", "b")``; empty or ``all`` means no filter."""
    if not text or text.strip().lower() == "all":
        return ()
    return tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))


def parse_levels(text: str | None) -> tuple[str, ...]:
    levels = split_list(text)
    unknown = [level for level in levels if level not in LEVELS]
    if unknown:
        raise OptionError(
            f"Unknown {plural_noun(len(unknown), 'level')} {', '.join(unknown)}: use "
            f"{', '.join(LEVELS)} (comma-separated), or all."
        )
    return levels


def check_topics(chosen: Collection[str], known: Sequence[str]) -> None:
    """Refuse topics the server's question pool does not have, listing the ones it has."""
    unknown = [topic for topic in chosen if topic not in known]
    if unknown:
        listed = f"Topics here: {', '.join(known)}." if known else "There are no topics here yet."
        text = f"Unknown {plural_noun(len(unknown), 'topic')} {', '.join(unknown)}. {listed}"
        raise OptionError(truncate(text, MESSAGE_LIMIT))


def matching_topics(known: Sequence[str], typed: str, limit: int = 25) -> list[str]:
    """Autocomplete: the topics containing what was typed so far."""
    needle = typed[:TYPED_LIMIT].strip().lower()
    return [topic for topic in known if needle in topic][:limit]


def topics_in_use(daily: Sequence[str], pool: Sequence[str]) -> tuple[list[str], list[str]]:
    """The topics daily posts actually draw from, and the daily topics left out of them.

    Two settings narrow daily posts: the daily topics (``/daily setup topics``, ``/config
    daily_topics``: one stored value) and the server's pool (``/bank use``, which duels share).
    Posting takes the daily topics that are in the pool; no daily topics means the pool."""
    if not daily:
        return list(pool), []
    return [t for t in daily if t in pool], [t for t in daily if t not in pool]


def describe_topics_in_use(daily: Sequence[str], pool: Sequence[str]) -> str:
    """What ``/daily status`` shows for topics: what posting will use, and why if it differs
    from what was set."""
    used, left_out = topics_in_use(daily, pool)
    if not daily:
        text = f"all in the pool: {', '.join(used)}" if used else "none (the pool is empty)"
    elif not left_out:
        text = ", ".join(used)
    else:
        missing = ", ".join(left_out)
        one = len(left_out) == 1
        reason = (
            f"{missing} {'is' if one else 'are'} set but not in the `/bank use` pool, or "
            f"{'has' if one else 'have'} no questions"
        )
        text = f"{', '.join(used)} ({reason})" if used else f"none: {reason}, so nothing posts"
    return truncate(text, FIELD_LIMIT)


def choices(pairs: Iterable[tuple[str, str]]) -> list[app_commands.Choice[str]]:
    """Autocomplete choices Discord accepts: at most 25, names cut to 100 characters with an
    ellipsis; a value over 100 characters could not be sent back, so it is not offered."""
    offered = [
        app_commands.Choice(name=truncate(name, CHOICE_LIMIT), value=value)
        for name, value in pairs
        if value and len(value) <= CHOICE_LIMIT
    ]
    return offered[:MAX_CHOICES]


def is_admin(interaction: discord.Interaction) -> bool:
    """The admin check of :mod:`bot.checks`, for autocomplete: an admin-only option suggests
    nothing (not even the names of the server's banks) to anyone else."""
    perms = interaction.permissions
    return bool(perms.manage_guild or perms.administrator)
