"""/daily: a question a day in a chosen channel, answered privately, revealed at close."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import options
from bot.checks import admin_only
from bot.errors import UserError
from bot.retry import describe, is_transient
from bot.ui import answer, targets
from bot.ui.embeds import timestamp
from cogs.daily import embeds, rounds
from cogs.daily.answering import DailyAnswers
from cogs.daily.posting import DailyPoster, next_post
from cogs.daily.views import PREFIX
from db import daily as queries

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from bot.client import QuizBot

# Fixed-offset names people type meaning a place whose clocks do change, and that place's zone.
WHERE_THEY_MEAN = {"EST": ("New York", "America/New_York"), "MST": ("Denver", "America/Denver")}


def fixed_offset_warning(zone: ZoneInfo) -> str | None:
    """A line for a zone that never moves its clocks although the name suggests a region."""
    if zone.key in WHERE_THEY_MEAN:
        city, name = WHERE_THEY_MEAN[zone.key]
        return (
            f"Note: `{zone.key}` has no daylight saving, so in summer posts come an hour off "
            f"local time; for {city} use `{name}` (or your own city's zone)."
        )
    if zone.key.startswith("Etc/GMT") and zone.key not in ("Etc/GMT", "Etc/GMT0"):
        return (
            f"Note: `{zone.key}` is a fixed offset with no daylight saving; if your clocks "
            "change in summer, use your city's zone, such as `Europe/Berlin`."
        )
    return None


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class DailyCog(commands.GroupCog, name="Daily", group_name="daily"):
    """A question every day in one channel."""

    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot
        self.poster = DailyPoster(bot)
        self.answers = DailyAnswers(bot)
        super().__init__()

    async def cog_load(self) -> None:
        answer.register(self.bot, PREFIX, self.answers)
        await self.poster.rebuild()

    async def cog_unload(self) -> None:
        targets.unregister(self.bot, PREFIX)
        self.poster.jobs.cancel_all()

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
        level_list = options.parse_levels(levels)
        topic_list = options.split_list(topics)
        options.check_topics(topic_list, await self.bot.catalogs.pool_topics(interaction.guild.id))
        if reveal not in rounds.REVEAL_MODES:
            raise UserError("`reveal` must be `at_close` or `immediate`.")
        perms = channel.permissions_for(interaction.guild.me)
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
            set_up_by=interaction.user.id,
        )
        await queries.save_schedule(self.bot.db, schedule, now.timestamp())
        self.poster.schedule_post(schedule.guild_id, first)
        warning = fixed_offset_warning(zone)
        done = embeds.setup_done(schedule, channel.mention, len(eligible))
        await interaction.response.send_message(
            done + (f"\n{warning}" if warning else ""), ephemeral=True
        )

    @setup.autocomplete("timezone")
    async def timezone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if not options.is_admin(interaction):  # /daily setup is for admins
            return []
        return options.choices((z, z) for z in rounds.zone_suggestions(current[:64]))

    @app_commands.command(name="status", description="Show the daily question settings")
    @admin_only
    async def status(self, interaction: discord.Interaction) -> None:
        schedule = await self._require_schedule(interaction)
        latest = await queries.latest_post(self.bot.db, schedule.guild_id)
        usable = (await self.bot.catalogs.usable(schedule.guild_id)).topics()
        pool = [t for t in await self.bot.catalogs.pool_topics(schedule.guild_id) if t in usable]
        await interaction.response.send_message(
            embed=embeds.status_embed(schedule, latest, pool), ephemeral=True
        )

    @app_commands.command(name="pause", description="Stop posting until resumed")
    @admin_only
    async def pause(self, interaction: discord.Interaction) -> None:
        schedule = await self._require_schedule(interaction)
        await self.poster.pause(schedule.guild_id, None)
        await interaction.response.send_message(
            "Daily questions paused. `/daily resume` starts them again.", ephemeral=True
        )

    @app_commands.command(name="resume", description="Start posting again")
    @admin_only
    async def resume(self, interaction: discord.Interaction) -> None:
        schedule = await self._require_schedule(interaction)
        now = self.bot.clock.now()
        try:
            nxt = next_post(schedule, now)
        except rounds.RuleError:
            raise UserError(embeds.zone_problem(schedule.timezone)) from None
        await queries.set_paused(self.bot.db, schedule.guild_id, False, None, now.timestamp())
        await self._move_next_post(schedule, nxt)
        await interaction.response.send_message(
            f"Daily questions resumed. Next post {timestamp(nxt.timestamp())}.", ephemeral=True
        )

    @app_commands.command(name="now", description="Post a question right away")
    @admin_only
    async def now(self, interaction: discord.Interaction) -> None:
        schedule = await self._require_schedule(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            post = await self.poster.post_question(schedule)
        except Exception as exc:
            if not is_transient(exc):
                raise
            await interaction.followup.send(
                f"Discord did not take the post ({describe(exc)}): try again in a minute.",
                ephemeral=True,
            )
            return
        if post is None:
            refreshed = await queries.get_schedule(self.bot.db, schedule.guild_id)
            reason = refreshed.pause_reason if refreshed else None
            await interaction.followup.send(
                f"I could not post: {reason or '`/daily status` shows why'}", ephemeral=True
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
        nxt = next_post(schedule, skipped)
        await self._move_next_post(schedule, nxt)
        await interaction.response.send_message(
            f"Skipped the post of {timestamp(skipped.timestamp(), 'F')}. "
            f"Next post {timestamp(nxt.timestamp())}.",
            ephemeral=True,
        )

    @app_commands.command(name="remove", description="Stop daily questions in this server")
    @admin_only
    async def remove(self, interaction: discord.Interaction) -> None:
        schedule = await self._require_schedule(interaction)
        await queries.delete_schedule(self.bot.db, schedule.guild_id)
        self.poster.cancel_post(schedule.guild_id)
        await interaction.response.send_message(
            "Daily questions removed. Open questions still close and reveal as planned; "
            "points and streaks are kept.",
            ephemeral=True,
        )

    async def _move_next_post(self, schedule: queries.ScheduleRow, when: datetime) -> None:
        await queries.set_next_post(self.bot.db, schedule.guild_id, when.timestamp())
        self.poster.schedule_post(schedule.guild_id, when)

    async def _require_schedule(self, interaction: discord.Interaction) -> queries.ScheduleRow:
        assert interaction.guild is not None
        schedule = await queries.get_schedule(self.bot.db, interaction.guild.id)
        if schedule is None:
            raise UserError(
                "No daily question here yet: an admin can start one with `/daily setup`."
            )
        return schedule
