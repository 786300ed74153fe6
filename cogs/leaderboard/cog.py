"""/leaderboard and /stats: standings per server and period, and a member's own card."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bank.words import plural
from bot import checks
from bot.errors import UserError
from bot.ui.embeds import brand_embed
from bot.ui.paginator import Paginator
from cogs import rating as glicko
from cogs.leaderboard import board_card, boards, cards, personal
from db import duels, stats
from db.database import Database
from db.members import display_names

if TYPE_CHECKING:
    from bot.client import QuizBot

BOARD_TITLES = {
    "points": "Points",
    "streak": "Daily streaks",
    "rating": "Duel ratings",
    "accuracy": "Accuracy",
}
PERIOD_TITLES = {"week": "this week", "month": "this month", "all": "all time"}
# What an empty page says, by board: how to get on it.
EMPTY = {
    "points": "Nobody has answered yet: answer a question to get on the board!",
    "accuracy": "Nobody has enough graded answers yet.",
    "streak": "No streak is alive: answer today's daily question to start one.",
    "rating": "No settled rating yet: play a few duels.",
}
PROVISIONAL_ONLY = "No settled rating yet: every player so far is provisional (below)."


class LeaderboardCog(commands.Cog, name="Leaderboard"):
    """Standings and personal stats."""

    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot

    async def _zone(self, guild_id: int) -> ZoneInfo:
        return ZoneInfo(await stats.guild_timezone(self.bot.db, guild_id))

    # -- /leaderboard ------------------------------------------------------------------------

    @app_commands.command(name="leaderboard", description="Standings of this server")
    @app_commands.describe(board="What to rank by", period="Which stretch of time")
    @app_commands.choices(
        board=[app_commands.Choice(name=BOARD_TITLES[b], value=b) for b in boards.BOARDS],
        period=[app_commands.Choice(name=PERIOD_TITLES[p], value=p) for p in boards.PERIODS],
    )
    @app_commands.guild_only()
    async def leaderboard(
        self, interaction: discord.Interaction, board: str = "points", period: str = "week"
    ) -> None:
        assert interaction.guild is not None
        guild_id = interaction.guild.id
        if board in ("rating", "streak"):
            title = f"{BOARD_TITLES[board]} · now"  # standings, not totals over a period
            period = "all"
        else:
            title = f"{BOARD_TITLES[board]} · {PERIOD_TITLES[period]}"
        if board == "rating":
            source: BoardSource = await self._rating_source(guild_id)
        else:
            zone = await self._zone(guild_id)
            query = stats.BoardQuery(
                guild_id,
                board,
                boards.period_key(period, self.bot.clock.now(), zone),
                min_answers=boards.MIN_ANSWERS_FOR_ACCURACY,
                last_closed=await stats.last_closed_sequence(self.bot.db, guild_id),
            )
            source = SqlBoard(self.bot.db, query)
        caller = interaction.user.id
        first = await source.page(0, boards.PER_PAGE, caller)
        footer = self._footer(board, first.mine, first.size, source.provisional_of(caller))
        pages = boards.page_count(first.size)

        async def render(number: int) -> discord.Embed:
            shown = first if number == 0 else await source.page(
                number * boards.PER_PAGE, boards.PER_PAGE, caller
            )  # fmt: skip
            names = await display_names(self.bot.db, guild_id, [r[1] for r in shown.rows])
            lines = [self._line(board, row, names) for row in shown.rows]
            provisional = source.provisional()
            empty = PROVISIONAL_ONLY if provisional else EMPTY[board]
            embed = brand_embed(
                title,
                "\n".join([self._explain(board, period), ""] + (lines or [empty])),
            )
            if provisional and number == 0:
                names.update(
                    await display_names(self.bot.db, guild_id, [r[1] for r in provisional[:10]])
                )
                extra = [self._line(board, row, names) for row in provisional[:10]]
                if len(provisional) > 10:
                    extra.append(f"…and {len(provisional) - 10} more")
                embed.add_field(name="Provisional (few duels yet)", value="\n".join(extra))
            embed.set_footer(text=f"{footer} · page {number + 1}/{pages}")
            return embed

        await Paginator(interaction.user.id, pages, render, self.bot.clock).start(interaction)
        # The card follows the text board as an edit of the same message, so drawing it never
        # delays the answer and a card that fails to draw leaves the text board as it was.
        mine = (first.mine, self._value(board, first.mine)) if first.mine else None
        where = f"you are #{first.mine[0]} of {first.size}" if first.mine else "you are not on it"
        card = await board_card.board_data(
            self.bot, guild_id, caller, (title, f"{plural(first.size, 'member')} ranked · {where}"),
            [(row, self._value(board, row)) for row in first.rows], mine, board != "rating",
        )  # fmt: skip
        await board_card.attach(self.bot, interaction, card)

    async def _rating_source(self, guild_id: int) -> ListBoard:
        """Ratings age with inactivity, so they are ranked here rather than in SQL."""
        now = self.bot.clock.time()
        settled: list[tuple[int, float, str]] = []
        provisional: list[tuple[int, float, str]] = []
        for user_id, value, rd, volatility, played in await stats.rating_board(
            self.bot.db, guild_id
        ):
            current = glicko.current(value, rd, volatility, played, now)
            target = provisional if current.provisional else settled
            target.append((user_id, round(current.rating), f"±{current.rd:.0f}"))
        return ListBoard(boards.rank(settled), boards.rank(provisional))

    def _explain(self, board: str, period: str) -> str:
        """What the board ranks and who is on it, above the list."""
        when = PERIOD_TITLES[period]
        if board == "points":
            return f"-# Daily-question points, {when}. Everyone who answered is ranked."
        if board == "accuracy":
            return (
                f"-# Share of graded answers that were right, {when}. Members with at least "
                f"{plural(boards.MIN_ANSWERS_FOR_ACCURACY, 'graded answer')} are ranked."
            )
        if board == "streak":
            return "-# Daily questions answered in a row, for members whose streak is alive."
        return (
            "-# Duel ratings, with their uncertainty (±). Members with a few duels are listed "
            "as provisional until their rating settles."
        )

    def _footer(
        self, board: str, mine: stats.BoardRow | None, size: int, provisional: stats.BoardRow | None
    ) -> str:
        if mine is not None:
            return f"Your rank: #{mine[0]} of {size} · {self._value(board, mine)}"
        if provisional is not None:
            return f"Your rating is provisional ({self._value(board, provisional)})"
        if board == "accuracy":
            return (
                "You are not on this board yet. It needs "
                f"{plural(boards.MIN_ANSWERS_FOR_ACCURACY, 'graded answer')}."
            )
        return "You are not on this board yet."

    def _value(self, board: str, row: stats.BoardRow) -> str:
        _, _, value, detail = row
        if board == "accuracy":
            return f"{value:.0%} ({detail})"
        if board == "rating":
            return f"{value:.0f} {detail}"
        if board == "streak":
            return plural(round(value), "day")
        return f"{value:.0f} pts"

    def _line(self, board: str, row: stats.BoardRow, names: dict[int, str]) -> str:
        rank, user_id = row[0], row[1]
        name = discord.utils.escape_markdown(names.get(user_id, f"member {user_id}"))
        return f"`#{rank:>2}` **{name}** · {self._value(board, row)}"

    # -- /stats -----------------------------------------------------------------------------------

    @app_commands.command(name="stats", description="Your (or a member's) results and card")
    @checks.anywhere
    async def stats(
        self, interaction: discord.Interaction, member: discord.Member | None = None
    ) -> None:
        guild_id = checks.record_scope(interaction)
        own_record = guild_id == checks.PERSONAL_SCOPE
        if own_record and member is not None and member.id != interaction.user.id:
            raise UserError(
                "A personal record is its owner's alone: ask them, or compare stats in a "
                "server you share."
            )
        # Acknowledged first ("quizbot is thinking..."): the reads and the card can take longer
        # than Discord's 3 s on a cold process or a busy machine; the card follows in place.
        await interaction.response.defer(ephemeral=True, thinking=True)
        target = member or interaction.user
        zone = await self._zone(guild_id)
        now = self.bot.clock.now()
        today = now.astimezone(zone).date()
        since_day = (today - timedelta(days=29)).isoformat()
        data = await stats.member_stats(self.bot.db, guild_id, target.id, since_day)
        last_closed = await stats.last_closed_sequence(self.bot.db, guild_id)
        streak = (
            data.streak_current
            if data.streak_last_sequence is not None and data.streak_last_sequence >= last_closed
            else 0
        )
        rating_row = await duels.get_rating(self.bot.db, guild_id, target.id)
        rating = (
            glicko.current(
                rating_row.rating,
                rating_row.rd,
                rating_row.volatility,
                rating_row.last_played_at,
                now.timestamp(),
            )
            if rating_row
            else None
        )

        if own_record:  # practice only: points, streaks and ratings belong to servers
            name = target.display_name
            return await personal.send_stats(self.bot, interaction, name, data, today)
        embed = brand_embed(f"{target.display_name}: stats")
        accuracy = f"{data.correct / data.answers:.0%}" if data.answers else "–"
        embed.add_field(name="Points", value=str(data.points))
        answered = f"{data.answers} ({accuracy} right)"
        if data.pending:
            # Counted, never graded in public: the open question's verdict waits for its reveal.
            answered += f"\n{data.pending} answered, verdict at the reveal"
        embed.add_field(name="Answers", value=answered)
        embed.add_field(name="Streak", value=f"{streak} now · best {data.streak_best}")
        if rating_row is not None and rating is not None:
            embed.add_field(
                name="Duels",
                value=f"{rating_row.wins}W {rating_row.losses}L {rating_row.draws}D · rating "
                f"{rating.shown()} (±{rating.rd:.0f})",
            )
        else:
            embed.add_field(name="Duels", value="none yet")
        if data.topics:
            lines = [
                f"{t.topic}: {t.correct}/{t.answers} ({t.correct / t.answers:.0%})"
                for t in sorted(data.topics, key=lambda t: -t.answers)
            ]
            embed.add_field(name="By topic", value="\n".join(lines)[:1024], inline=False)

        card = cards.CardData(
            name=target.display_name,
            headline=_headline(data.points, accuracy, streak, rating),
            topic_accuracy=[(t.topic, t.correct / t.answers, t.answers) for t in data.topics],
            daily_activity=cards.last_days(data.days, today),
        )
        # Off the event loop: a worker thread, one card at a time (cogs/cardkit.py).
        png = await cards.draw_card(self.bot.run_blocking, card)
        embed.set_image(url="attachment://stats.png")
        await interaction.followup.send(
            embed=embed, file=discord.File(io.BytesIO(png), filename="stats.png"), ephemeral=True
        )


def _headline(points: int, accuracy: str, streak: int, rating: glicko.Rating | None) -> str:
    parts = [plural(points, "point"), f"{accuracy} right", f"streak {plural(streak, 'day')}"]
    if rating is not None:
        parts.append(f"rating {rating.shown()}")
    return " · ".join(parts)


class BoardSource(Protocol):
    async def page(self, offset: int, limit: int, caller: int) -> stats.BoardPage: ...
    def provisional(self) -> list[stats.BoardRow]: ...
    def provisional_of(self, user_id: int) -> stats.BoardRow | None: ...


class SqlBoard:
    """A board ranked inside SQLite (points, accuracy, streaks)."""

    def __init__(self, db: Database, query: stats.BoardQuery) -> None:
        self.db, self.query = db, query

    async def page(self, offset: int, limit: int, caller: int) -> stats.BoardPage:
        return await stats.board_page(self.db, self.query, offset, limit, caller)

    def provisional(self) -> list[stats.BoardRow]:
        return []

    def provisional_of(self, user_id: int) -> stats.BoardRow | None:
        return None


class ListBoard:
    """A board ranked in Python (duel ratings), with provisional players apart."""

    def __init__(self, settled: list[boards.Entry], provisional: list[boards.Entry]) -> None:
        self._settled = [_as_row(e) for e in settled]
        self._provisional = [_as_row(e) for e in provisional]

    async def page(self, offset: int, limit: int, caller: int) -> stats.BoardPage:
        mine = next((r for r in self._settled if r[1] == caller), None)
        return stats.BoardPage(self._settled[offset : offset + limit], mine, len(self._settled))

    def provisional(self) -> list[stats.BoardRow]:
        return self._provisional

    def provisional_of(self, user_id: int) -> stats.BoardRow | None:
        return next((r for r in self._provisional if r[1] == user_id), None)


def _as_row(entry: boards.Entry) -> stats.BoardRow:
    return entry.rank, entry.user_id, entry.value, entry.detail
