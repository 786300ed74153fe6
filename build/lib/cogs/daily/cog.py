"""/daily: a question a day in a chosen channel, answered privately, revealed at close."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bank import grade
from bank.picker import pick_next
from bank.schema import LEVELS, Item
from bot.errors import UserError, send_ephemeral
from bot.events import ITEM_ANSWERED, ItemAnswered
from bot.guild_config import get_config
from bot.ui.embeds import brand_embed
from bot.ui.modal import AnswerModal
from bot.ui.question import answer_embed, question_embed, verdict_embed
from cogs.daily import rounds
from cogs.daily.views import answer_view, reveal_view
from db import daily as queries

if TYPE_CHECKING:
    from bot.client import QuizBot

log = logging.getLogger(__name__)

POST_JOB = "daily:post:{}"
POSTS_AT_ONCE = 16
REVEAL_JOB = "daily:reveal:{}"


def _next_post(schedule: queries.ScheduleRow, after: datetime) -> datetime:
    """The schedule's next post strictly after ``after``, in UTC."""
    post_time = rounds.parse_post_time(schedule.post_time)
    return rounds.next_post_after(after, post_time, rounds.parse_timezone(schedule.timezone))


def ts(seconds: float, style: str = "R") -> str:
    return f"<t:{int(seconds)}:{style}>"


def parse_list(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    return tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))


admin_only = app_commands.checks.has_permissions(manage_guild=True)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class DailyCog(commands.GroupCog, name="Daily", group_name="daily"):
    """A question every day in one channel."""

    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot
        self._posting = asyncio.Semaphore(POSTS_AT_ONCE)
        super().__init__()

    # -- start-up -----------------------------------------------------------------------------

    async def cog_load(self) -> None:
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
                due = _next_post(schedule, now)
                await queries.set_next_post(self.bot.db, schedule.guild_id, due.timestamp())
            self._schedule_post(schedule.guild_id, due)
        for post in await queries.open_posts(self.bot.db):
            self._schedule_reveal(post)

    async def cog_unload(self) -> None:
        for job_id in self.bot.scheduler.job_ids():
            if job_id.startswith("daily:"):
                self.bot.scheduler.cancel(job_id)

    def _schedule_post(self, guild_id: int, when: datetime) -> None:
        self.bot.scheduler.at(POST_JOB.format(guild_id), when, self.scheduled_post, guild_id)

    def _schedule_reveal(self, post: queries.PostRow) -> None:
        when = datetime.fromtimestamp(post.closes_at, UTC)
        self.bot.scheduler.at(REVEAL_JOB.format(post.post_id), when, self.reveal, post.post_id)

    # -- commands ---------------------------------------------------------------------------

    @app_commands.command(name="setup", description="Post a question every day in a channel")
    @app_commands.describe(
        channel="Where to post",
        time="Local time, 24-hour HH:MM",
        timezone="IANA time zone, e.g. Europe/Berlin",
        levels="Comma-separated: beginner, intermediate, advanced (default: all)",
        topics="Comma-separated topics (default: all)",
        role="Role to ping with each question",
        reveal="When members see their verdict",
    )
    @app_commands.choices(
        reveal=[
            app_commands.Choice(name="at close (default)", value="at_close"),
            app_commands.Choice(name="immediately, privately", value="immediate"),
        ]
    )
    @admin_only
    async def setup(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        time: str,
        timezone: str,
        levels: str | None = None,
        topics: str | None = None,
        role: discord.Role | None = None,
        reveal: str = "at_close",
    ) -> None:
        assert interaction.guild is not None
        try:
            post_time = rounds.parse_post_time(time)
            zone = rounds.parse_timezone(timezone)
        except rounds.RuleError as exc:
            raise UserError(str(exc)) from None
        level_list = parse_list(levels)
        bad_levels = [level for level in level_list if level not in LEVELS]
        if bad_levels:
            raise UserError(
                f"Unknown level {', '.join(bad_levels)}: use {', '.join(LEVELS)} "
                "(comma-separated), or leave it empty for all."
            )
        topic_list = parse_list(topics)
        known_topics = await self.bot.catalogs.pool_topics(interaction.guild.id)
        bad_topics = [topic for topic in topic_list if topic not in known_topics]
        if bad_topics:
            raise UserError(
                f"Unknown topic {', '.join(bad_topics)}. Topics: {', '.join(known_topics)}."
            )
        if reveal not in rounds.REVEAL_MODES:
            raise UserError("`reveal` must be `at_close` or `immediate`.")
        me = interaction.guild.me
        perms = channel.permissions_for(me)
        if not (perms.view_channel and perms.send_messages and perms.embed_links):
            raise UserError(
                f"I can't post in {channel.mention}: I need View Channel, Send Messages and "
                "Embed Links there."
            )
        eligible = await self.bot.catalogs.pool(
            interaction.guild.id, topics=topic_list, levels=level_list
        )
        if not eligible:
            raise UserError("No questions match those levels and topics: widen the filters.")
        now = self.bot.clock.now()
        first = rounds.next_post_after(now, post_time, zone)
        schedule = queries.ScheduleRow(
            guild_id=interaction.guild.id,
            channel_id=channel.id,
            post_time=post_time.strftime("%H:%M"),
            timezone=zone.key,
            levels=level_list,
            topics=topic_list,
            role_id=role.id if role else None,
            reveal=reveal,
            window_hours=None,
            paused=False,
            pause_reason=None,
            next_post_at=first.timestamp(),
        )
        await queries.save_schedule(self.bot.db, schedule, now.timestamp())
        self._schedule_post(schedule.guild_id, first)
        await interaction.response.send_message(
            f"Daily question set: {channel.mention} at {schedule.post_time} {zone.key} "
            f"({len(eligible)} questions match). First post {ts(first.timestamp(), 'F')}, "
            f"{ts(first.timestamp())}.",
            ephemeral=True,
        )

    @setup.autocomplete("timezone")
    async def timezone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in rounds.zone_suggestions(current)]

    @app_commands.command(name="status", description="Show the daily question settings")
    @admin_only
    async def status(self, interaction: discord.Interaction) -> None:
        schedule = await self._require_schedule(interaction)
        latest = await queries.latest_post(self.bot.db, schedule.guild_id)
        embed = brand_embed("Daily question")
        embed.add_field(name="Channel", value=f"<#{schedule.channel_id}>")
        embed.add_field(name="Time", value=f"{schedule.post_time} {schedule.timezone}")
        if schedule.paused:
            embed.add_field(name="Next post", value="paused")
        elif schedule.next_post_at:
            embed.add_field(
                name="Next post",
                value=f"{ts(schedule.next_post_at, 'F')} ({ts(schedule.next_post_at)})",
            )
        embed.add_field(name="Levels", value=", ".join(schedule.levels) or "all")
        embed.add_field(name="Topics", value=", ".join(schedule.topics) or "all")
        embed.add_field(name="Ping", value=f"<@&{schedule.role_id}>" if schedule.role_id else "no")
        embed.add_field(name="Reveal", value=schedule.reveal.replace("_", " "))
        if latest is not None:
            state = "open" if latest.is_open else "revealed"
            embed.add_field(
                name="Last post",
                value=f"#{latest.sequence} {ts(latest.posted_at)} ({state})",
            )
        if schedule.pause_reason:
            embed.add_field(name="Problem", value=schedule.pause_reason, inline=False)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="pause", description="Stop posting until resumed")
    @admin_only
    async def pause(self, interaction: discord.Interaction) -> None:
        schedule = await self._require_schedule(interaction)
        await queries.set_paused(self.bot.db, schedule.guild_id, True, None, self.bot.clock.time())
        self.bot.scheduler.cancel(POST_JOB.format(schedule.guild_id))
        await interaction.response.send_message(
            "Daily questions paused. `/daily resume` starts them again.", ephemeral=True
        )

    @app_commands.command(name="resume", description="Start posting again")
    @admin_only
    async def resume(self, interaction: discord.Interaction) -> None:
        schedule = await self._require_schedule(interaction)
        now = self.bot.clock.now()
        nxt = _next_post(schedule, now)
        await queries.set_paused(self.bot.db, schedule.guild_id, False, None, now.timestamp())
        await queries.set_next_post(self.bot.db, schedule.guild_id, nxt.timestamp())
        self._schedule_post(schedule.guild_id, nxt)
        await interaction.response.send_message(
            f"Daily questions resumed. Next post {ts(nxt.timestamp())}.", ephemeral=True
        )

    @app_commands.command(name="now", description="Post a question right away")
    @admin_only
    async def now(self, interaction: discord.Interaction) -> None:
        schedule = await self._require_schedule(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        post = await self.post_question(schedule)
        if post is None:
            refreshed = await queries.get_schedule(self.bot.db, schedule.guild_id)
            reason = refreshed.pause_reason if refreshed else None
            await interaction.followup.send(
                f"I could not post: {reason or 'see /daily status'}", ephemeral=True
            )
            return
        await interaction.followup.send(
            f"Posted question #{post.sequence} in <#{post.channel_id}>.", ephemeral=True
        )

    @app_commands.command(name="skip", description="Skip the next scheduled post")
    @admin_only
    async def skip(self, interaction: discord.Interaction) -> None:
        schedule = await self._require_schedule(interaction)
        if schedule.paused or schedule.next_post_at is None:
            raise UserError("The daily question is paused: there is no next post to skip.")
        skipped = datetime.fromtimestamp(schedule.next_post_at, UTC)
        nxt = _next_post(schedule, skipped)
        await queries.set_next_post(self.bot.db, schedule.guild_id, nxt.timestamp())
        self._schedule_post(schedule.guild_id, nxt)
        await interaction.response.send_message(
            f"Skipped the post of {ts(skipped.timestamp(), 'F')}. Next post {ts(nxt.timestamp())}.",
            ephemeral=True,
        )

    @app_commands.command(name="remove", description="Stop daily questions in this server")
    @admin_only
    async def remove(self, interaction: discord.Interaction) -> None:
        schedule = await self._require_schedule(interaction)
        await queries.delete_schedule(self.bot.db, schedule.guild_id)
        self.bot.scheduler.cancel(POST_JOB.format(schedule.guild_id))
        await interaction.response.send_message(
            "Daily questions removed. Open questions still close and reveal as planned; "
            "points and streaks are kept.",
            ephemeral=True,
        )

    async def _require_schedule(self, interaction: discord.Interaction) -> queries.ScheduleRow:
        assert interaction.guild is not None
        schedule = await queries.get_schedule(self.bot.db, interaction.guild.id)
        if schedule is None:
            raise UserError(
                "No daily question here yet: an admin can start one with `/daily setup`."
            )
        return schedule

    # -- posting and revealing ---------------------------------------------------------------

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
        nxt = _next_post(schedule, now)
        await queries.set_next_post(self.bot.db, guild_id, nxt.timestamp())
        posted = await self.post_question(schedule, next_post=nxt)
        refreshed = await queries.get_schedule(self.bot.db, guild_id)
        if posted is not None or (refreshed is not None and not refreshed.paused):
            self._schedule_post(guild_id, nxt)

    async def post_question(
        self, schedule: queries.ScheduleRow, next_post: datetime | None = None
    ) -> queries.PostRow | None:
        """Close what is open, pick a fresh question and post it. None when Discord refused."""
        for post in await queries.open_posts(self.bot.db, schedule.guild_id):
            await self.reveal(post.post_id)
        now = self.bot.clock.now()
        if next_post is None:
            next_post = (
                datetime.fromtimestamp(schedule.next_post_at, UTC)
                if schedule.next_post_at and not schedule.paused
                else _next_post(schedule, now)
            )
        item, new_rotation = await self._pick(schedule)
        if item is None:
            await self._pause(schedule.guild_id, "No questions match the levels and topics.")
            return None
        closes = rounds.closes_at(now, next_post, schedule.window_hours)
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
            reason = _posting_problem(schedule.channel_id, exc)
            log.warning("Daily post in guild %s failed: %s", schedule.guild_id, reason)
            await self._pause(schedule.guild_id, reason)
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
        embed = question_embed(item, f"Daily question #{post.sequence}")
        embed.add_field(name="Closes", value=ts(post.closes_at))
        content = f"<@&{schedule.role_id}>" if schedule.role_id else None
        mentions = discord.AllowedMentions(
            everyone=False, users=False, roles=[discord.Object(schedule.role_id)]
        ) if schedule.role_id else discord.AllowedMentions.none()  # fmt: skip
        return await channel.send(
            content=content,
            embed=embed,
            view=answer_view(post.post_id, item),
            allowed_mentions=mentions,
        )

    async def _pause(self, guild_id: int, reason: str) -> None:
        await queries.set_paused(self.bot.db, guild_id, True, reason, self.bot.clock.time())
        self.bot.scheduler.cancel(POST_JOB.format(guild_id))

    async def reveal(self, post_id: int) -> None:
        """Close a post: announce the answer, disable its buttons, open a thread."""
        await self.bot.wait_until_ready()
        post = await queries.get_post(self.bot.db, post_id)
        if post is None or not await queries.mark_revealed(
            self.bot.db, post_id, self.bot.clock.time()
        ):
            return  # already revealed (by the next post, or before a restart)
        self.bot.scheduler.cancel(REVEAL_JOB.format(post_id))
        item = await self.bot.catalogs.get(post.guild_id, post.item_id)
        channel = self.bot.guild_channel(post.guild_id, post.channel_id)
        if item is None or not isinstance(channel, discord.TextChannel):
            log.warning("Reveal of daily post %s skipped: item or channel is gone", post_id)
            return
        results = await queries.post_results(self.bot.db, post_id)
        embed = answer_embed(item, f"Daily question #{post.sequence}: the answer")
        share = f" ({100 * results.correct // results.answered}% right)" if results.answered else ""
        embed.add_field(name="Answers", value=f"{results.answered}{share}")
        if results.first_correct_user:
            embed.add_field(name="First correct", value=f"<@{results.first_correct_user}>")
        try:
            if post.message_id is None:  # the post never reached Discord
                reveal = await channel.send(
                    embed=embed, view=reveal_view(post_id, item.id),
                    allowed_mentions=discord.AllowedMentions.none(),
                )  # fmt: skip
            else:
                question = channel.get_partial_message(post.message_id)
                reveal = await channel.send(
                    embed=embed,
                    view=reveal_view(post_id, item.id),
                    reference=question.to_reference(fail_if_not_exists=False),
                    allowed_mentions=discord.AllowedMentions.none(),
                )
                await question.edit(view=answer_view(post_id, item, disabled=True))
            if channel.permissions_for(channel.guild.me).create_public_threads:
                await reveal.create_thread(name=f"Daily #{post.sequence}: discussion")
        except (discord.Forbidden, discord.NotFound) as exc:
            log.warning("Reveal of daily post %s failed: %s", post_id, exc)

    # -- answering ----------------------------------------------------------------------------

    async def _open_post(
        self, interaction: discord.Interaction, post_id: int, *, check_answered: bool = True
    ) -> tuple[queries.PostRow, Item]:
        post = await queries.get_post(self.bot.db, post_id)
        item = await self.bot.catalogs.get(post.guild_id, post.item_id) if post else None
        if post is None or item is None:
            raise UserError("This question no longer exists.")
        if not post.is_open or self.bot.clock.time() >= post.closes_at:
            raise UserError("This question is closed: the answer has been revealed.")
        if check_answered:
            answered = await queries.answer_time(self.bot.db, post_id, interaction.user.id)
            if answered is not None:
                raise UserError(f"You already answered this question {ts(answered)}.")
        return post, item

    async def open_answer_modal(self, interaction: discord.Interaction, post_id: int) -> None:
        post, item = await self._open_post(interaction, post_id)

        async def submitted(modal_interaction: discord.Interaction, text: str) -> None:
            await self.answer(modal_interaction, post_id, text)

        await interaction.response.send_modal(
            AnswerModal(
                f"Daily question #{post.sequence}",
                submitted,
                long=item.kind == "keypoints",
                question=item.prompt,
            )
        )

    async def answer(self, interaction: discord.Interaction, post_id: int, reply: str) -> None:
        # No "already answered?" read here: the unique (post, member) index refuses a second
        # answer inside record_answer, which saves a round trip on the busiest path.
        post, item = await self._open_post(interaction, post_id, check_answered=False)
        result = grade(item, reply)
        stored_reply = reply[:4000]
        config = await get_config(self.bot.db, post.guild_id)
        try:
            points, streak = await queries.record_answer(
                self.bot.db,
                post=post,
                user_id=interaction.user.id,
                display_name=getattr(interaction.user, "display_name", interaction.user.name),
                topic=item.topic,
                reply=stored_reply,
                correct=result.correct,
                score=result.score,
                answered_at=self.bot.clock.time(),
                streak_after=rounds.streak_after_answer,
                points_for_streak=lambda streak: rounds.points_for(
                    result.score,
                    result.correct,
                    streak,
                    config["points_per_answer"],
                    config["streak_bonus_cap"],
                ),
            )
        except queries.AlreadyAnswered as exc:
            raise UserError(f"You already answered this question {ts(exc.answered_at)}.") from None
        self.bot.dispatch(
            ITEM_ANSWERED,
            ItemAnswered(post.guild_id, interaction.user.id, item, result, "daily",
                         self.bot.clock.time()),
        )  # fmt: skip
        if post.reveal == "immediate":
            embed = verdict_embed(item, result, stored_reply, points=points)
            embed.set_footer(text=f"Streak: {streak.current} · best {streak.best}")
            await send_embed(interaction, embed)
            return
        await send_ephemeral(
            interaction,
            f"Answer recorded: **{_short(stored_reply)}**\nThe verdict comes with the reveal "
            f"{ts(post.closes_at)}. Streak: {streak.current}.",
        )

    async def show_result(self, interaction: discord.Interaction, post_id: int) -> None:
        post = await queries.get_post(self.bot.db, post_id)
        item = await self.bot.catalogs.get(post.guild_id, post.item_id) if post else None
        if post is None or item is None:
            raise UserError("This question no longer exists.")
        if post.is_open:
            raise UserError("The verdicts come when the question closes.")
        mine = next(
            (row for row in await queries.post_answers(self.bot.db, post_id)
             if row["user_id"] == interaction.user.id),
            None,
        )  # fmt: skip
        if mine is None:
            raise UserError("You did not answer this question. There's a new one every day!")
        result = grade(item, mine["reply"])
        await send_embed(
            interaction, verdict_embed(item, result, mine["reply"], points=mine["points"])
        )


async def send_embed(interaction: discord.Interaction, embed: discord.Embed) -> None:
    if interaction.response.is_done():
        await interaction.followup.send(embed=embed, ephemeral=True)
    else:
        await interaction.response.send_message(embed=embed, ephemeral=True)


def _short(reply: str) -> str:
    """The start of a reply, on one line and safe inside bold: its own markup shows as typed."""
    flat = " ".join(reply.split())
    return discord.utils.escape_markdown(flat if len(flat) <= 80 else flat[:79] + "…")


def _posting_problem(channel_id: int, exc: discord.HTTPException) -> str:
    if isinstance(exc, discord.NotFound):
        return f"The channel <#{channel_id}> no longer exists: run `/daily setup` with another."
    return (
        f"I am not allowed to post in <#{channel_id}> (Discord said: {exc.text or 'Forbidden'}). "
        "Give me Send Messages and Embed Links there, then `/daily resume`."
    )


class _Missing:
    """Stands in for an HTTP response when the channel is gone from the cache."""

    status = 404
    reason = "Not Found"
