"""The scheduled side of the daily question: its jobs, posting, pausing on a refusal, revealing."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord

from bank.picker import pick_next
from bank.schema import Item
from cogs.daily import embeds, rounds
from cogs.daily.views import answer_view, reveal_view
from db import daily as queries

if TYPE_CHECKING:
    from bot.client import QuizBot

log = logging.getLogger(__name__)

POSTS_AT_ONCE = 16


def next_post(schedule: queries.ScheduleRow, after: datetime) -> datetime:
    """The schedule's next post strictly after ``after``, in UTC."""
    post_time = rounds.parse_post_time(schedule.post_time)
    return rounds.next_post_after(after, post_time, rounds.parse_timezone(schedule.timezone))


class DailyPoster:
    """Posts and reveals on the bot's scheduler; the database is the source of truth."""

    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot
        # Jobs keyed ("post", guild) and ("reveal", post), under this feature's own owner.
        self.jobs = bot.scheduler.owner("daily")
        self._posting = asyncio.Semaphore(POSTS_AT_ONCE)

    async def rebuild(self) -> None:
        """Rebuild jobs from the database: schedules, overdue posts and pending reveals."""
        now = self.bot.clock.now()
        for schedule in await queries.all_schedules(self.bot.db):
            if schedule.paused or schedule.next_post_at is None:
                continue
            due = datetime.fromtimestamp(schedule.next_post_at, UTC)
            decision = rounds.catch_up(due, now)
            if decision is rounds.CatchUp.SKIP:
                log.warning(
                    "Daily post for guild %s was due %s, over %s ago: skipped",
                    schedule.guild_id, due.isoformat(), rounds.MISSED_POST_GRACE,
                )  # fmt: skip
                due = next_post(schedule, now)
                await queries.set_next_post(self.bot.db, schedule.guild_id, due.timestamp())
            self.schedule_post(schedule.guild_id, due)
        for post in await queries.open_posts(self.bot.db):
            self._schedule_reveal(post)

    def schedule_post(self, guild_id: int, when: datetime) -> None:
        self.jobs.at(("post", guild_id), when, self.scheduled_post, guild_id)

    def cancel_post(self, guild_id: int) -> None:
        self.jobs.cancel(("post", guild_id))

    def _schedule_reveal(self, post: queries.PostRow) -> None:
        when = datetime.fromtimestamp(post.closes_at, UTC)
        self.jobs.at(("reveal", post.post_id), when, self.reveal, post.post_id)

    # -- posting --------------------------------------------------------------------------------

    async def scheduled_post(self, guild_id: int) -> None:
        await self.bot.wait_until_ready()
        # Thousands of servers pick 09:00. Posting a few at a time, rather than starting them
        # all at once, makes the first ones land at once instead of after everyone's.
        async with self._posting:
            await self._scheduled_post(guild_id)

    async def _scheduled_post(self, guild_id: int) -> None:
        schedule = await queries.get_schedule(self.bot.db, guild_id)
        if schedule is None or schedule.paused:
            return
        now = self.bot.clock.now()
        nxt = next_post(schedule, now)
        await queries.set_next_post(self.bot.db, guild_id, nxt.timestamp())
        posted = await self.post_question(schedule, next_post_at=nxt)
        refreshed = await queries.get_schedule(self.bot.db, guild_id)
        if posted is not None or (refreshed is not None and not refreshed.paused):
            self.schedule_post(guild_id, nxt)

    async def post_question(
        self, schedule: queries.ScheduleRow, next_post_at: datetime | None = None
    ) -> queries.PostRow | None:
        """Close what is open, pick a fresh question and post it. None when Discord refused."""
        for post in await queries.open_posts(self.bot.db, schedule.guild_id):
            await self.reveal(post.post_id)
        now = self.bot.clock.now()
        if next_post_at is None:
            next_post_at = (
                datetime.fromtimestamp(schedule.next_post_at, UTC)
                if schedule.next_post_at and not schedule.paused
                else next_post(schedule, now)
            )
        item, new_rotation = await self._pick(schedule)
        if item is None:
            await self.pause(schedule.guild_id, "No questions match the levels and topics.")
            return None
        closes = rounds.closes_at(now, next_post_at, schedule.window_hours)
        post = await queries.create_post(
            self.bot.db,
            guild_id=schedule.guild_id,
            channel_id=schedule.channel_id,
            item_id=item.id,
            reveal=schedule.reveal,
            posted_at=now.timestamp(),
            closes_at=closes.timestamp(),
            new_rotation=new_rotation,
        )
        try:
            message = await self._send_post(schedule, post, item)
        except (discord.Forbidden, discord.NotFound) as exc:
            await queries.forget_post(self.bot.db, post.post_id)
            reason = embeds.posting_problem(schedule.channel_id, exc)
            log.warning("Daily post in guild %s failed: %s", schedule.guild_id, reason)
            await self.pause(schedule.guild_id, reason)
            return None
        await queries.set_post_message(self.bot.db, post.post_id, message.id)
        self._schedule_reveal(post)
        return post

    async def _pick(self, schedule: queries.ScheduleRow) -> tuple[Item | None, bool]:
        eligible = await self.bot.catalogs.pool(
            schedule.guild_id, topics=schedule.topics, levels=schedule.levels
        )
        if not eligible:
            return None, False
        used = await queries.rotation_used(self.bot.db, schedule.guild_id)
        latest = await queries.latest_post(self.bot.db, schedule.guild_id)
        seed = f"{schedule.guild_id}:{latest.sequence if latest else 0}"
        item_id, new_rotation = pick_next([item.id for item in eligible], used, seed)
        return await self.bot.catalogs.get(schedule.guild_id, item_id), new_rotation

    async def _send_post(
        self, schedule: queries.ScheduleRow, post: queries.PostRow, item: Item
    ) -> discord.Message:
        channel = self.bot.guild_channel(schedule.guild_id, schedule.channel_id)
        if not isinstance(channel, discord.TextChannel):
            raise discord.NotFound(_Missing(), "Unknown Channel")
        content = f"<@&{schedule.role_id}>" if schedule.role_id else None
        mentions = discord.AllowedMentions(
            everyone=False, users=False, roles=[discord.Object(schedule.role_id)]
        ) if schedule.role_id else discord.AllowedMentions.none()  # fmt: skip
        return await channel.send(
            content=content,
            embed=embeds.post_embed(item, post),
            view=answer_view(post.post_id, item),
            allowed_mentions=mentions,
        )

    async def pause(self, guild_id: int, reason: str | None) -> None:
        await queries.set_paused(self.bot.db, guild_id, True, reason, self.bot.clock.time())
        self.cancel_post(guild_id)

    # -- revealing ------------------------------------------------------------------------------

    async def reveal(self, post_id: int) -> None:
        """Close a post: announce the answer, disable its buttons, open a thread."""
        await self.bot.wait_until_ready()
        post = await queries.get_post(self.bot.db, post_id)
        if post is None or not await queries.mark_revealed(
            self.bot.db, post_id, self.bot.clock.time()
        ):
            return  # already revealed (by the next post, or before a restart)
        self.jobs.cancel(("reveal", post_id))
        item = await self.bot.catalogs.get(post.guild_id, post.item_id)
        channel = self.bot.guild_channel(post.guild_id, post.channel_id)
        if item is None or not isinstance(channel, discord.TextChannel):
            log.warning("Reveal of daily post %s skipped: item or channel is gone", post_id)
            return
        results = await queries.post_results(self.bot.db, post_id)
        # A post that never reached Discord has no message to answer to or to switch off.
        question = (
            channel.get_partial_message(post.message_id) if post.message_id is not None else None
        )
        try:
            reveal = await channel.send(
                embed=embeds.reveal_embed(item, post, results),
                view=reveal_view(post_id, item.id),
                reference=(
                    question.to_reference(fail_if_not_exists=False)
                    if question
                    else discord.utils.MISSING
                ),
                allowed_mentions=discord.AllowedMentions.none(),
            )
            if question is not None:
                await question.edit(view=answer_view(post_id, item, disabled=True))
            if channel.permissions_for(channel.guild.me).create_public_threads:
                await reveal.create_thread(name=f"Daily #{post.sequence}: discussion")
        except (discord.Forbidden, discord.NotFound) as exc:
            log.warning("Reveal of daily post %s failed: %s", post_id, exc)


class _Missing:
    """Stands in for an HTTP response when the channel is gone from the cache."""

    status = 404
    reason = "Not Found"
