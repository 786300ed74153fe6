"""The duel result card: both players, their points round by round, speed and rating change.

Built from the stored duel once it is finished (so it shows what the database holds, whatever
path ended the match), drawn in a worker thread through cogs.cardkit, and attached to the final
board. A card that fails to draw is logged and the board goes out without it.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from bank.words import plural
from cogs import cardkit as kit
from cogs import rating as glicko
from db import duels as queries
from db.members import display_names

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from bot.client import QuizBot

log = logging.getLogger(__name__)

FILENAME = "duel.png"
COLOURS = (kit.SKY_BLUE, kit.ORANGE)  # challenger, opponent: the panels key the chart
MARGIN = 0.32
HEADER = 0.86
PANEL_HEIGHT = 1.42
CHART_TITLE = 0.40
CHART = 1.0
CHART_AXIS = 0.42
HEIGHT = HEADER + PANEL_HEIGHT + 0.2 + CHART_TITLE + CHART + CHART_AXIS + 0.06


@dataclass(frozen=True)
class RoundAnswer:
    points: int
    correct: bool
    seconds: float


@dataclass(frozen=True)
class Player:
    user_id: int
    name: str
    score: int
    rating_after: float | None  # None: ratings did not move (abandoned duel)
    change: float | None
    provisional: bool = False  # shown "1532?", as the text board shows it


@dataclass(frozen=True)
class DuelCardData:
    title: str  # "alice wins", "Draw", ...
    subtitle: str
    players: tuple[Player, Player]  # challenger, opponent
    rounds: list[tuple[RoundAnswer | None, RoundAnswer | None]]  # the rounds played
    planned: int = 0  # rounds the duel was set to last (more than played: it ended early)


def render_duel(data: DuelCardData) -> bytes:
    return kit.render_png(HEIGHT, lambda figure: _draw(figure, data))


def _draw(figure: Figure, data: DuelCardData) -> None:
    place = kit.Placer(figure, HEIGHT)
    place.text(MARGIN, 0.14, kit.drawable(data.title), size=17, weight="bold")
    place.text(MARGIN, 0.52, kit.drawable(data.subtitle), size=11.5, colour=kit.MUTED)
    gap = 0.2
    width = (kit.WIDTH_IN - 2 * MARGIN - gap) / 2
    for index, player in enumerate(data.players):
        answers = [pair[index] for pair in data.rounds]  # None: no answer
        _panel(place, MARGIN + index * (width + gap), HEADER, width, player, answers,
               COLOURS[index])  # fmt: skip
    top = HEADER + PANEL_HEIGHT + 0.2
    place.text(MARGIN, top, "Points per round", size=12.5, weight="bold")
    key = "✗ wrong   – no answer" + (
        "   ? provisional" if any(p.provisional for p in data.players) else ""
    )
    place.text(kit.WIDTH_IN - MARGIN, top + 0.02, key, size=11, colour=kit.MUTED, ha="right")
    top += CHART_TITLE
    axes = place.axes(MARGIN + 0.5, top, kit.WIDTH_IN - MARGIN, top + CHART)
    _chart(axes, data.rounds, max(data.planned, len(data.rounds)))


def _panel(place: kit.Placer, x: float, y: float, width: float, player: Player,
           answers: list[RoundAnswer | None], colour: str) -> None:  # fmt: skip
    place.box(x, y, width, PANEL_HEIGHT, kit.PANEL, round_in=0.08)
    place.box(x, y + 0.1, 0.06, PANEL_HEIGHT - 0.2, colour)
    place.avatar(x + 0.38, y + 0.3, 0.17, player.name, colour)
    place.text(x + 0.64, y + 0.3, kit.shown_name(player.name, 18), size=12.5, weight="bold",
               va="center")  # fmt: skip
    shown = place.text(x + 0.2, y + 0.56, f"{player.score:,}", size=19, weight="bold")
    place.text(x + 0.2 + shown + 0.07, y + 0.69, "points", size=11, colour=kit.MUTED)
    answered = [a for a in answers if a is not None]
    right = sum(1 for a in answered if a.correct)
    if answered:
        average = sum(a.seconds for a in answered) / len(answered)
        speed = f"{right} of {len(answers)} right · avg {average:.1f} s"
    else:
        speed = "no answers"
    place.text(x + 0.2, y + 0.94, speed, size=11)
    place.text(x + 0.2, y + 1.17, _rating(player), size=11, colour=kit.MUTED)


def _rating(player: Player) -> str:
    if player.change is None or player.rating_after is None:
        return "Rating unchanged"
    mark = "?" if player.provisional else ""
    return f"Rating now {player.rating_after:.0f}{mark} ({player.change:+.0f})"


def _chart(
    axes: Axes, rounds: list[tuple[RoundAnswer | None, RoundAnswer | None]], planned: int
) -> None:
    """Grouped bars per round played; rounds the duel never reached stay empty."""
    from matplotlib.ticker import FixedLocator

    # Bars no wider than 0.3 in, so three rounds look like ten rounds spread out.
    per_round_in = (kit.WIDTH_IN - 2 * MARGIN - 0.5) / planned
    width = min(0.36, 0.3 / per_round_in)
    for index in (0, 1):
        offset = (index - 0.5) * (width + 0.04)
        for number, pair in enumerate(rounds, start=1):
            answer = pair[index]
            x = number + offset
            if answer is not None and answer.points > 0:
                axes.bar(x, answer.points, width=width, color=COLOURS[index])
            else:
                mark = "–" if answer is None else "✗"
                axes.text(x, 25, mark, color=COLOURS[index], fontsize=12, fontweight="bold",
                          ha="center", va="bottom")  # fmt: skip
    axes.set_xlim(0.4, planned + 0.6)
    axes.set_ylim(0, 1000 * 1.04)
    axes.yaxis.set_major_locator(FixedLocator([0, 500, 1000]))
    axes.set_xticks(range(1, planned + 1))
    axes.set_xlabel("round", color=kit.MUTED, fontsize=11, labelpad=2)
    axes.set_ylabel("points", color=kit.MUTED, fontsize=11, labelpad=4)
    axes.tick_params(colors=kit.MUTED, labelsize=11, length=3, color=kit.GRID)
    axes.grid(axis="y", color=kit.GRID, linewidth=0.6, alpha=0.6)
    axes.set_axisbelow(True)
    for name, spine in axes.spines.items():
        spine.set_visible(name in ("bottom", "left"))
        spine.set_color(kit.GRID)


# -- from the database to the message -------------------------------------------------------


class _CardFile(discord.File):
    """The card, sent whole again when the duel's delivery retries the send: discord.py rewinds
    a file between its own tries of one request only, so a second ``send`` of the same fields
    would otherwise upload an empty file."""

    def reset(self, *, seek: int | bool = True) -> None:
        super().reset(seek=True)


async def card_data(bot: QuizBot, duel_id: int) -> DuelCardData | None:
    """What the card shows, read from the finished duel (None if it is not finished)."""
    duel = await queries.get_duel(bot.db, duel_id)
    if duel is None or duel.state not in ("finished", "abandoned"):
        return None
    answers = await queries.answers(bot.db, duel_id)
    ids = (duel.challenger_id, duel.opponent_id)
    names = await display_names(bot.db, duel.guild_id, list(ids))
    players = []
    for user_id, score, change in zip(
        ids, (duel.challenger_score, duel.opponent_score),
        (duel.challenger_change, duel.opponent_change), strict=True,
    ):  # fmt: skip
        row = (
            await queries.get_rating(bot.db, duel.guild_id, user_id) if change is not None else None
        )
        rating = glicko.Rating(row.rating, row.rd, row.volatility) if row else None
        players.append(Player(user_id, names.get(user_id, "a player"), score,
                              rating.rating if rating else None, change,
                              bool(rating and rating.provisional)))  # fmt: skip
    by_round = {(a.round, a.user_id): RoundAnswer(a.points, a.correct, a.seconds) for a in answers}
    played = range(1, duel.current_round + 1)  # a forfeit ends the duel in its current round
    rounds = [(by_round.get((n, ids[0])), by_round.get((n, ids[1]))) for n in played]
    title, subtitle = _title(duel, names), _subtitle(duel)
    return DuelCardData(title, subtitle, (players[0], players[1]), rounds, duel.rounds)


def _title(duel: queries.DuelRow, names: dict[int, str]) -> str:
    if duel.state == "abandoned" or duel.outcome == "abandoned":
        return "Duel abandoned"
    if duel.winner_id is None:
        return "Draw"
    title = f"{kit.shown_name(names.get(duel.winner_id, 'a player'), 24)} wins"
    return title + (" by forfeit" if duel.outcome == "forfeit" else "")


def _subtitle(duel: queries.DuelRow) -> str:
    parts = [plural(duel.rounds, "round")]
    if duel.outcome == "forfeit" and duel.forfeited_by is not None:
        parts.append(f"ended in round {duel.current_round}")
    elif duel.outcome == "abandoned":
        parts.append("nobody answered two rounds in a row · ratings unchanged")
    parts.append("right and fast answers score most")
    return " · ".join(parts)


async def result_fields(
    bot: QuizBot, duel: queries.DuelRow, board: discord.Embed
) -> dict[str, Any]:
    """The final board's message fields: the board with its card, or the board alone when the
    card cannot be drawn (logged; the result itself must still reach the players)."""
    try:
        data = await card_data(bot, duel.duel_id)
        if data is None:
            return {"embed": board}
        png = await kit.draw(bot.run_blocking, render_duel, data)
    except Exception:
        log.exception("Duel %s: the result card could not be drawn; sending the board alone",
                      duel.duel_id)  # fmt: skip
        return {"embed": board}
    board.set_image(url=f"attachment://{FILENAME}")
    return {"embed": board, "file": _CardFile(io.BytesIO(png), filename=FILENAME)}
