"""The scheduled side of the daily question: its jobs, posting, retrying, pausing, revealing.

Reliability rules (see the README's "Reliability"): a schedule is re-armed before its post is
tried; a post that fails for a passing reason is retried with backoff until its window
closes; a refusal (403/404) pauses the schedule, with the reason in /daily status and a DM to
the admin who set it up. A post counts as made only once Discord accepted it (its row gets
the message id), a reveal as done only once its answer was posted."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord

from bank.picker import pick_next
from bank.schema import Item
from bot.locks import KeyedLocks
from bot.retry import FIRST_WAIT, describe, is_permanent, is_transient, retry_transient
from cogs.daily import embeds, rounds
from cogs.daily.views import answer_view, reveal_view
from db import daily as queries

if TYPE_CHECKING:
    from bot.client import QuizBot

log = logging.getLogger(__name__)

# The global pacer (bot/pacing.py) keeps the request rate; this only bounds how many posts hold
# database work at once. It is wide enough that posts waiting out a 429 (seconds each) do not
# leave the pacer's 45 slots a second idle.
POSTS_AT_ONCE = 256
REVEAL_RETRY_FOR = 24 * 3600.0  # a reveal has no window: it is retried for a day


def next_post(schedule: queries.ScheduleRow, after: datetime) -> datetime:
    """The schedule's next post strictly after ``after``, in UTC (RuleError on a bad zone)."""
    post_time = rounds.parse_post_time(schedule.post_time)
    return rounds.next_post_after(after, post_time, rounds.parse_timezone(schedule.timezone))


class Gone(Exception):
    """What a post or reveal needs no longer exists (its channel or its question)."""


class _Stopped(Exception):
    """The schedule was paused or removed while its post was being retried."""


class DailyPoster:
    """Posts and reveals on the bot's scheduler; the database is the source of truth."""

    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot
        # Jobs keyed ("post", guild), ("deliver", post) and ("reveal", post), under this
        # feature's own owner.
        self.jobs = bot.scheduler.owner("daily")
        self._posting = asyncio.Semaphore(POSTS_AT_ONCE)
        # One post at a time per server: two `/daily now` (or a command racing the 09:00 job)
        # would otherwise both find nothing open and post twice.
        self._servers = KeyedLocks()
        self._revealing: set[int] = set()  # reveals under way (with their retries)

    async def rebuild(self) -> None:
        """Rebuild jobs from the database: half-sent posts, schedules, pending reveals.

        Each server is handled on its own: a record that no longer works (a zone this host
        does not know) pauses that server, with the reason shown to its admin, and the others
        carry on."""
        now = self.bot.clock.now()
        owns = self.bot.owns_guild  # work follows the shard: other servers are other processes'
        for post in await queries.undelivered_posts(self.bot.db):
            if not owns(post.guild_id):
                continue
            # Recorded, never accepted by Discord (the bot stopped while sending): finish it
            # while its window is open, else undo it so it is never revealed.
            if post.closes_at > now.timestamp() and not post.revealed_at:
                self.jobs.at(("deliver", post.post_id), now, self.resume_post, post.post_id)
            else:
                log.info("Daily post %s never reached Discord and its window closed", post.post_id)
                await queries.forget_post(self.bot.db, post.post_id)
        for schedule in await queries.all_schedules(self.bot.db):
            if schedule.paused or schedule.next_post_at is None or not owns(schedule.guild_id):
                continue
            try:
                self._rebuild_schedule(schedule, now)
            except rounds.RuleError:
                await self._bad_zone(schedule)
            except Exception:
                log.exception("Daily schedule of guild %s could not be rebuilt", schedule.guild_id)
        for post in await queries.open_posts(self.bot.db):
            if post.delivered and owns(post.guild_id):
                self._schedule_reveal(post)

    def _rebuild_schedule(self, schedule: queries.ScheduleRow, now: datetime) -> None:
        assert schedule.next_post_at is not None
        next_post(schedule, now)  # a stored zone this host no longer knows fails here
        due = datetime.fromtimestamp(schedule.next_post_at, UTC)
        if rounds.catch_up(due, now) is rounds.CatchUp.SKIP:
            log.warning(
                "Daily post for guild %s was due %s, over %s ago: skipped",
                schedule.guild_id, due.isoformat(), rounds.MISSED_POST_GRACE,
            )  # fmt: skip
            due = next_post(schedule, now)
            # Stored by the post job when it runs; the job is what must exist now.
        self.schedule_post(schedule.guild_id, due)

    async def _bad_zone(self, schedule: queries.ScheduleRow) -> None:
        log.warning(
            "Daily schedule of guild %s has time zone %r, unknown here: paused",
            schedule.guild_id, schedule.timezone,
        )  # fmt: skip
        await self.stop_posting(schedule, embeds.zone_problem(schedule.timezone))

    def schedule_post(self, guild_id: int, when: datetime) -> None:
        self.jobs.at(("post", guild_id), when, self.scheduled_post, guild_id)

    def cancel_post(self, guild_id: int) -> None:
        self.jobs.cancel(("post", guild_id))

    def _schedule_reveal(self, post: queries.PostRow) -> None:
        when = datetime.fromtimestamp(post.closes_at, UTC)
        self.jobs.at(("reveal", post.post_id), when, self.reveal, post.post_id)

    # -- posting --------------------------------------------------------------------------------

    async def scheduled_post(self, guild_id: int) -> None:
        async with _shutdown_ends(f"Daily post of guild {guild_id}"):
            await self._scheduled_post(guild_id)

    async def _scheduled_post(self, guild_id: int) -> None:
        self.bot.log_as_guild(guild_id)
        await self.bot.wait_until_ready()
        schedule = await queries.get_schedule(self.bot.db, guild_id)
        if schedule is None or schedule.paused:
            return
        now = self.bot.clock.now()
        try:
            nxt = next_post(schedule, now)
        except rounds.RuleError:
            await self._bad_zone(schedule)
            return
        # Re-armed before the work: whatever happens to today's post, tomorrow's is due.
        self.schedule_post(guild_id, nxt)
        closes = rounds.closes_at(now, nxt, schedule.window_hours).timestamp()
        slot = schedule.next_post_at
        try:
            # A slot still ahead was moved there by whoever made today's post (another process
            # that ran this server's shard); the claim settles two processes running at once.
            claimed = (slot is None or slot <= now.timestamp()) and await retry_transient(
                lambda: queries.claim_post(self.bot.db, guild_id, slot, nxt.timestamp()),
                clock=self.bot.clock, deadline=closes, what=f"Daily schedule of guild {guild_id}",
            )  # fmt: skip
            if not claimed:
                log.info("Daily post of guild %s was already made by another process", guild_id)
                return
            await self.post_question(schedule, next_post_at=nxt, retry_until=closes)
        except Exception as exc:
            if not is_transient(exc):
                raise
            # Out of time for today; tomorrow's job is armed, and the admin can see why.
            await self._note_problem(guild_id, embeds.post_missed(now.timestamp(), describe(exc)))

    async def resume_post(self, post_id: int) -> None:
        """Finish a post recorded before a restart but never accepted by Discord."""
        async with _shutdown_ends(f"Daily post {post_id}"):
            await self._resume_post(post_id)

    async def _resume_post(self, post_id: int) -> None:
        await self.bot.wait_until_ready()
        post = await queries.get_post(self.bot.db, post_id)
        if post is None or post.delivered:
            return
        self.bot.log_as_guild(post.guild_id)
        schedule = await queries.get_schedule(self.bot.db, post.guild_id)
        item = await self.bot.catalogs.get(post.guild_id, post.item_id)
        if schedule is None or schedule.paused or item is None:
            await queries.forget_post(self.bot.db, post_id)
            return
        log.info("Resuming daily post %s of guild %s", post_id, post.guild_id)
        await self._deliver(schedule, post, item, retry_until=post.closes_at)

    async def post_question(
        self,
        schedule: queries.ScheduleRow,
        next_post_at: datetime | None = None,
        retry_until: float | None = None,
    ) -> queries.PostRow | None:
        """Close what is open, pick a fresh question and post it. None when it did not get
        through. Transient failures are retried until ``retry_until`` (never, by default: a
        command's caller is waiting); the last one is raised."""
        # Held until the post is delivered: a second caller then finds it open and closes it.
        async with self._servers.hold(schedule.guild_id):
            async with self._posting:
                for post in await queries.open_posts(self.bot.db, schedule.guild_id):
                    if post.delivered:
                        await self._reveal(post.post_id, retries=False)
                now = self.bot.clock.now()
                if next_post_at is None:
                    next_post_at = (
                        datetime.fromtimestamp(schedule.next_post_at, UTC)
                        if schedule.next_post_at and not schedule.paused
                        else next_post(schedule, now)
                    )
                item, new_rotation = await self._pick(schedule)
                if item is None:
                    await self.stop_posting(schedule, "No questions match the levels and topics.")
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
            return await self._deliver(schedule, post, item, retry_until=retry_until or 0.0)

    async def _deliver(
        self, schedule: queries.ScheduleRow, post: queries.PostRow, item: Item, retry_until: float
    ) -> queries.PostRow | None:
        """Send a recorded post, retrying; only a post Discord accepted gets its message id."""
        guild_id = schedule.guild_id

        async def attempt() -> discord.Message:
            async with self._posting:
                current = await queries.get_schedule(self.bot.db, guild_id)
                if current is None or current.paused:
                    raise _Stopped
                return await self._send_post(current, post, item)

        async def late(exc: BaseException, retry_at: float) -> None:
            await self._note_problem(guild_id, embeds.post_late(post, describe(exc), retry_at))

        try:
            message = await retry_transient(
                attempt, clock=self.bot.clock, deadline=retry_until, on_retry=late,
                what=f"Daily post {post.post_id} of guild {guild_id}",
            )  # fmt: skip
        except _Stopped:
            await queries.forget_post(self.bot.db, post.post_id)
            return None
        except (discord.Forbidden, discord.NotFound, Gone) as exc:
            await queries.forget_post(self.bot.db, post.post_id)
            reason = embeds.posting_problem(schedule.channel_id, exc)
            log.warning("Daily post in guild %s failed: %s", guild_id, reason)
            await self.stop_posting(schedule, reason)
            return None
        except asyncio.CancelledError:
            raise  # a shutdown: the row stays, and the next start sends it (see rebuild)
        except Exception:
            await queries.forget_post(self.bot.db, post.post_id)  # never revealed, item reused
            raise
        await retry_transient(
            lambda: queries.set_post_message(self.bot.db, post.post_id, message.id),
            clock=self.bot.clock, deadline=post.closes_at,
            what=f"Recording daily post {post.post_id}",
        )  # fmt: skip
        delivered = replace(post, message_id=message.id)
        self._schedule_reveal(delivered)
        if schedule.problem or (await self._problem(guild_id)):
            await queries.set_problem(self.bot.db, guild_id, None)
        return delivered

    async def _problem(self, guild_id: int) -> str | None:
        current = await queries.get_schedule(self.bot.db, guild_id)
        return current.problem if current else None

    async def _note_problem(self, guild_id: int, problem: str) -> None:
        try:
            await queries.set_problem(self.bot.db, guild_id, problem)
        except Exception as exc:  # a full or locked database must not end the retries
            log.warning("Could not note a problem of guild %s: %s", guild_id, exc)

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
            raise Gone("the channel is gone")
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

    async def stop_posting(self, schedule: queries.ScheduleRow, reason: str) -> None:
        """Pause on a problem only a person can fix, and tell the admin who set it up."""
        await self.pause(schedule.guild_id, reason)
        # As a job: at start-up (a bad record found by rebuild) the servers are not known yet.
        notice = embeds.paused_notice(schedule, reason)
        self.jobs.at(("tell", schedule.guild_id), self.bot.clock.now(), self.tell_admin,
                     schedule, notice)  # fmt: skip

    async def tell_admin(self, schedule: queries.ScheduleRow, text: str) -> None:
        """A DM to the admin who set the schedule up, else the server's system channel."""
        await self.bot.wait_until_ready()
        guild = self.bot.get_guild(schedule.guild_id)
        if schedule.set_up_by is not None and guild is not None:
            try:
                # Through the server: an admin who left it is not told about it.
                user = guild.get_member(schedule.set_up_by) or await guild.fetch_member(
                    schedule.set_up_by
                )
                await user.send(text, allowed_mentions=discord.AllowedMentions.none())
                return
            except discord.HTTPException as exc:
                log.info("Could not DM the admin of guild %s: %s", schedule.guild_id, exc)
        channel = guild.system_channel if guild is not None else None
        if channel is not None and channel.permissions_for(channel.guild.me).send_messages:
            try:
                await channel.send(text, allowed_mentions=discord.AllowedMentions.none())
                return
            except discord.HTTPException as exc:
                log.info("Could not post in the system channel of %s: %s", schedule.guild_id, exc)
        log.warning("Nobody in guild %s could be told that daily posts stopped", schedule.guild_id)

    # -- revealing ------------------------------------------------------------------------------

    async def reveal(self, post_id: int) -> None:
        """Close a post (a job): announce the answer, retrying, then switch its buttons off."""
        async with _shutdown_ends(f"Reveal of daily post {post_id}"):
            await self.bot.wait_until_ready()
            await self._reveal(post_id, retries=True)

    async def _reveal(self, post_id: int, *, retries: bool) -> None:
        if post_id in self._revealing:
            return  # under way already, retries and all
        self._revealing.add(post_id)
        try:
            post = await queries.get_post(self.bot.db, post_id)
            if post is None or not post.is_open or not post.delivered:
                return  # revealed already, or never reached Discord (so never revealed)
            self.bot.log_as_guild(post.guild_id)
            self.jobs.cancel(("reveal", post_id))
            now = self.bot.clock.time()
            try:
                await retry_transient(
                    lambda: self._reveal_once(post), clock=self.bot.clock,
                    deadline=now + REVEAL_RETRY_FOR if retries else now,
                    what=f"Reveal of daily post {post_id}",
                )  # fmt: skip
            except Exception as exc:
                if is_transient(exc) and not retries:
                    # Not worth holding up the next post: a job retries it with backoff.
                    log.warning("Reveal of daily post %s failed (%s): retrying", post_id, exc)
                    at = datetime.fromtimestamp(now + FIRST_WAIT, UTC)
                    self.jobs.at(("reveal", post_id), at, self.reveal, post_id)
                    return
                if not (is_transient(exc) or is_permanent(exc) or isinstance(exc, Gone)):
                    raise
                # Nothing more can be done: close it, so answers stop and results show.
                log.warning("Reveal of daily post %s abandoned: %s", post_id, describe(exc))
                await queries.mark_revealed(self.bot.db, post_id, self.bot.clock.time())
                await self._note_problem(post.guild_id, embeds.reveal_failed(post, describe(exc)))
        finally:
            self._revealing.discard(post_id)

    async def _reveal_once(self, post: queries.PostRow) -> None:
        item = await self.bot.catalogs.get(post.guild_id, post.item_id)
        channel = self.bot.guild_channel(post.guild_id, post.channel_id)
        if item is None:
            raise Gone("its question is no longer in the bank")
        if not isinstance(channel, discord.TextChannel):
            raise Gone("the channel is gone")
        results = await queries.post_results(self.bot.db, post.post_id)
        question = (
            channel.get_partial_message(post.message_id) if post.message_id is not None else None
        )
        reveal = await channel.send(
            embed=embeds.reveal_embed(item, post, results),
            view=reveal_view(post.post_id, item.id),
            reference=(
                question.to_reference(fail_if_not_exists=False)
                if question
                else discord.utils.MISSING
            ),
            allowed_mentions=discord.AllowedMentions.none(),
        )
        # Done once the answer is out; what follows is tidying that may fail on its own.
        await queries.mark_revealed(self.bot.db, post.post_id, self.bot.clock.time())
        try:
            if question is not None:
                await question.edit(view=answer_view(post.post_id, item, disabled=True))
            # A discussion needs someone to discuss: nobody answered, no thread to clutter.
            if results.answered and channel.permissions_for(channel.guild.me).create_public_threads:
                await reveal.create_thread(name=f"Daily #{post.sequence}: discussion")
        except discord.HTTPException as exc:
            # The post's buttons already refuse answers after the close; say so and move on.
            log.warning("Tidying after the reveal of daily post %s failed: %s", post.post_id, exc)


@asynccontextmanager
async def _shutdown_ends(what: str) -> AsyncIterator[None]:
    """A job cut short by the bot shutting down ends quietly: what it left undone is in the
    database (a post without its message, a post still open) and the next start picks it up."""
    try:
        yield
    except asyncio.CancelledError:
        log.info("%s interrupted by shutdown; the next start takes it up", what)
