"""How the daily question looks: the post, the reveal, the status card and the member's replies."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import discord

from bank.grading import Grade
from bank.redtrivia import ListSettings
from bank.schema import Item
from bank.words import plural
from bot import options
from bot.ui.embeds import brand_embed, timestamp, truncate
from bot.ui.question import answer_embed, question_embed, verdict_embed
from db import daily as queries


def post_title(post: queries.PostRow) -> str:
    return f"Daily question #{post.sequence}"


def post_embed(item: Item, post: queries.PostRow) -> discord.Embed:
    embed = question_embed(item, post_title(post))
    embed.add_field(name="Closes", value=timestamp(post.closes_at))
    return embed


def reveal_embed(item: Item, post: queries.PostRow, results: queries.PostResults) -> discord.Embed:
    embed = answer_embed(item, f"{post_title(post)}: the answer")
    if ListSettings.of(item.settings).use_spoilers:
        # The question's list hides its answers behind spoiler tags (Red's use_spoilers): the
        # answer and the explanation, which for a Red list names the accepted answers.
        for index, shown in enumerate(embed.fields):
            hidden = truncate(str(shown.value).replace("||", "| |"), 1020)
            embed.set_field_at(index, name=str(shown.name), value=f"||{hidden}||", inline=False)
    share = f" ({100 * results.correct // results.answered}% right)" if results.answered else ""
    embed.add_field(name="Answers", value=f"{results.answered}{share}")
    if results.first_correct_user:
        embed.add_field(name="First correct", value=f"<@{results.first_correct_user}>")
    return embed


def status_embed(
    schedule: queries.ScheduleRow, latest: queries.PostRow | None, pool: Sequence[str] = ()
) -> discord.Embed:
    embed = brand_embed("Daily question")
    embed.add_field(name="Channel", value=f"<#{schedule.channel_id}>")
    embed.add_field(name="Time", value=f"{schedule.post_time} {schedule.timezone}")
    if schedule.paused:
        embed.add_field(name="Next post", value="paused")
    elif schedule.next_post_at:
        embed.add_field(
            name="Next post",
            value=f"{timestamp(schedule.next_post_at, 'F')} ({timestamp(schedule.next_post_at)})",
        )
    embed.add_field(name="Levels", value=", ".join(schedule.levels) or "all")
    # What posting will draw from: the daily topics inside the /bank use pool.
    embed.add_field(name="Topics", value=options.describe_topics_in_use(schedule.topics, pool))
    embed.add_field(name="Ping", value=f"<@&{schedule.role_id}>" if schedule.role_id else "no")
    embed.add_field(name="Reveal", value=schedule.reveal.replace("_", " "))
    if latest is not None:
        state = "open" if latest.is_open else "revealed"
        embed.add_field(
            name="Last post", value=f"#{latest.sequence} {timestamp(latest.posted_at)} ({state})"
        )
    if schedule.pause_reason:
        embed.add_field(name="Problem", value=schedule.pause_reason, inline=False)
    elif schedule.problem:
        embed.add_field(name="Problem", value=schedule.problem, inline=False)
    return embed


def setup_done(schedule: queries.ScheduleRow, channel: str, matching: int) -> str:
    first = schedule.next_post_at or 0.0
    return (
        f"Daily question set: {channel} at {schedule.post_time} {schedule.timezone} "
        f"({plural(matching, 'question')} {'matches' if matching == 1 else 'match'}). "
        f"First post {timestamp(first, 'F')}, {timestamp(first)}."
    )


def immediate_verdict(
    item: Item, grade: Grade, reply: str, points: int, streak: queries.StreakRow
) -> discord.Embed:
    embed = verdict_embed(item, grade, reply, points=points)
    embed.set_footer(text=f"Streak: {streak.current} · best {streak.best}")
    return embed


def recorded(reply: str, post: queries.PostRow, streak: queries.StreakRow) -> str:
    return (
        f"Answer recorded: **{_short(reply)}**\nThe verdict comes with the reveal "
        f"{_reveal_time(post.closes_at)}. Streak: {streak.current}."
    )


# Every answer to one post shows the same reveal time, and most replies are a choice ("true",
# "b"): each reply of a burst would otherwise format the same strings again.
@lru_cache(maxsize=64)
def _reveal_time(closes_at: float) -> str:
    return timestamp(closes_at)


def already_answered(answered_at: float) -> str:
    return f"You already answered this question {timestamp(answered_at)}."


@lru_cache(maxsize=256)
def _short(reply: str) -> str:
    """The start of a reply, on one line and safe inside bold: its own markup shows as typed."""
    flat = " ".join(reply.split())
    return discord.utils.escape_markdown(flat if len(flat) <= 80 else flat[:79] + "…")


def posting_problem(channel_id: int, exc: Exception) -> str:
    if isinstance(exc, discord.NotFound) or not isinstance(exc, discord.HTTPException):
        return f"The channel <#{channel_id}> no longer exists: run `/daily setup` with another."
    return (
        f"I am not allowed to post in <#{channel_id}> (Discord said: {exc.text or 'Forbidden'}). "
        "Give me View Channel, Send Messages and Embed Links there, then `/daily resume`."
    )


def zone_problem(zone: str) -> str:
    return (
        f"The stored time zone `{zone[:60]}` is not one this bot knows any more: run "
        "`/daily setup` again with a zone such as `Europe/Berlin` or `UTC`."
    )


def paused_notice(schedule: queries.ScheduleRow, reason: str) -> str:
    return (
        f"Daily questions in <#{schedule.channel_id}> are paused: {reason}\n"
        "`/daily status` shows the state; `/daily resume` starts them again."
    )


def post_late(post: queries.PostRow, failure: str, retry_at: float) -> str:
    return (
        f"Daily question #{post.sequence} is late: Discord failed ({failure}). "
        f"Trying again {timestamp(retry_at)}, until {timestamp(post.closes_at)}."
    )


def post_missed(due: float, failure: str) -> str:
    return (
        f"The post of {timestamp(due, 'F')} never got through: Discord kept failing "
        f"({failure}) until its window closed. The next post is scheduled as usual."
    )


def reveal_failed(post: queries.PostRow, failure: str) -> str:
    return f"The answer to daily question #{post.sequence} could not be posted ({failure})."
