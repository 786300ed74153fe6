"""The /stats card (headline numbers, right and wrong answers by topic, 30 days of answers)
and the /leaderboard card (the top ten, initials in coloured circles, the caller marked).

The stats card is laid out in inches from the top, so a bar is as thick with one topic as with
fourteen: the card grows a row at a time instead of stretching one bar over the chart. Up to
four topics take one column (with their answer counts); five to fourteen take two; more show
the 13 most answered and a count of the rest. Drawing goes through cogs.cardkit.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from bank.words import plural
from cogs import cardkit as kit

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH_PX = kit.WIDTH_PX
RIGHT, WRONG = kit.SKY_BLUE, kit.ORANGE
ACTIVITY = kit.REDDISH_PURPLE  # all answers, right or wrong: neither of the two above
ONE_COLUMN_MAX, TWO_COLUMN_ROWS = 4, 7

MARGIN = 0.32
HEADER = 0.86
SECTION_TITLE = 0.40
ROW = 0.28
BAR = 0.21
TOPIC_AXIS = 0.44
NOTE = 0.26
GAP = 0.14
ACTIVITY_PLOT = 0.88
ACTIVITY_AXIS = 0.36
BOTTOM = 0.06


@dataclass(frozen=True)
class CardData:
    name: str
    headline: str  # e.g. "142 points · 71% right · streak 4 days"
    topic_accuracy: list[tuple[str, float, int]]  # (topic, share right, answers)
    daily_activity: list[tuple[date, int]]  # 30 days, oldest first


@dataclass(frozen=True)
class _Layout:
    shown: list[tuple[str, float, int]]  # best first
    hidden: int  # topics left out (more than fourteen)
    columns: int
    rows: int
    note: str | None

    @property
    def topics_height(self) -> float:
        if not self.shown:
            return NOTE  # the note alone: an axis with nothing on it says nothing
        return ROW * self.rows + TOPIC_AXIS + (NOTE if self.note else 0)

    @property
    def height(self) -> float:
        topics = self.topics_height
        activity = SECTION_TITLE + ACTIVITY_PLOT + ACTIVITY_AXIS
        return HEADER + SECTION_TITLE + topics + GAP + activity + BOTTOM


def _layout(rows: list[tuple[str, float, int]]) -> _Layout:
    ordered = sorted(rows, key=lambda r: (-r[1], -r[2], r[0]))
    limit = 2 * TWO_COLUMN_ROWS
    if len(ordered) > limit:
        # The most answered tell most; the last cell says how many more there are.
        keep = {r[0] for r in sorted(ordered, key=lambda r: (-r[2], r[0]))[: limit - 1]}
        shown = [r for r in ordered if r[0] in keep]
    else:
        shown = ordered
    hidden = len(ordered) - len(shown)
    columns = 1 if len(ordered) <= ONE_COLUMN_MAX else 2
    cells = len(shown) + (1 if hidden else 0)
    note = None
    if len(ordered) == 1:
        note = "One topic so far: every topic you answer gets its own bar."
    elif not ordered:
        note = "No graded answers yet: answer a question to fill this chart."
    return _Layout(shown, hidden, columns, math.ceil(cells / columns), note)


def render_card(data: CardData) -> bytes:
    layout = _layout(data.topic_accuracy)
    return kit.render_png(layout.height, lambda figure: _draw(figure, data, layout))


async def draw_card(run_blocking: Callable[..., Awaitable[Any]], data: CardData) -> bytes:
    """The card drawn off the event loop (``bot.run_blocking``), one card at a time."""
    return await kit.draw(run_blocking, render_card, data)


def _draw(figure: Figure, data: CardData, layout: _Layout) -> None:
    height = layout.height
    place = kit.Placer(figure, height)
    # Member names are text, never mathtext: a "$" must not be parsed (or crash the card).
    place.text(MARGIN, 0.14, kit.shown_name(data.name, 28), size=17, weight="bold")
    place.text(MARGIN, 0.52, kit.drawable(data.headline), size=11.5, colour=kit.MUTED)

    top = HEADER
    place.text(MARGIN, top, "Right answers by topic", size=12.5, weight="bold")
    _legend(place, top)
    top += SECTION_TITLE
    if layout.shown:
        _topics(place, layout, top)
    if layout.note:
        place.text(MARGIN, top + layout.topics_height - NOTE - 0.06, layout.note, size=11,
                   colour=kit.MUTED)  # fmt: skip
    top += layout.topics_height + GAP

    counts = [count for _, count in data.daily_activity]
    place.text(MARGIN, top, "Answers per day, last 30 days", size=12.5, weight="bold")
    active = sum(1 for count in counts if count)
    summary = f"{plural(sum(counts), 'answer')} on {plural(active, 'day')}"
    place.text(kit.WIDTH_IN - MARGIN, top + 0.02, summary, size=11, colour=kit.MUTED, ha="right")
    top += SECTION_TITLE
    right = kit.WIDTH_IN - MARGIN - 0.12  # room for the last date's label
    axes = place.axes(MARGIN + 0.42, top, right, top + ACTIVITY_PLOT)
    _activity(axes, data.daily_activity)


def _legend(place: kit.Placer, top: float) -> None:
    """Two swatches at the right of the section title, laid out from measured text widths."""
    x = kit.WIDTH_IN - MARGIN
    for label, colour in (("Wrong", WRONG), ("Right", RIGHT)):
        width = place.text(x, top + 0.02, label, size=11, colour=kit.TEXT, ha="right")
        x -= width + 0.07
        place.box(x - 0.16, top + 0.045, 0.16, 0.16, colour)
        x -= 0.16 + 0.26


def _topics(place: kit.Placer, layout: _Layout, top: float) -> None:
    gap = 0.34
    width = (kit.WIDTH_IN - 2 * MARGIN - gap * (layout.columns - 1)) / layout.columns
    one = layout.columns == 1
    name_width, value_width = (1.55, 1.25) if one else (1.32, 0.0)
    cells: list[tuple[str, float, int] | None] = list(layout.shown)
    if layout.hidden:
        cells.append(None)
    rows = layout.rows
    for column in range(layout.columns):
        left = MARGIN + column * (width + gap)
        axes = place.axes(left + name_width, top, left + width - value_width, top + ROW * rows)
        mine = cells[column * rows : (column + 1) * rows]
        _topic_column(axes, mine, rows, one, layout.hidden, name_limit=16 if one else 13)


def _topic_column(
    axes: Axes,
    cells: list[tuple[str, float, int] | None],
    rows: int,
    counts: bool,
    hidden: int,
    *,
    name_limit: int,
) -> None:
    axes.set_xlim(0, 100)
    axes.set_ylim(rows - 0.5, -0.5)
    bar = BAR / ROW
    for y, cell in enumerate(cells):
        if cell is None:
            axes.text(-3, y, f"+ {plural(hidden, 'more topic')}", color=kit.MUTED, fontsize=11,
                      ha="right", va="center", parse_math=False)  # fmt: skip
            continue
        topic, share, answers = cell
        right = share * 100
        axes.barh(y, right, height=bar, color=RIGHT)
        axes.barh(y, 100 - right, left=right, height=bar, color=WRONG)
        axes.text(-3, y, kit.shorten(topic, name_limit), color=kit.TEXT, fontsize=11,
                  ha="right", va="center", parse_math=False)  # fmt: skip
        # Inside the bar, dark on either colour (both keep more than 7:1 with it).
        axes.text(2, y, f"{right:.0f}%", color=kit.DARK_INK, fontsize=11, fontweight="bold",
                  va="center")  # fmt: skip
        if counts:
            axes.text(103, y, f"{round(share * answers)} of {answers} right", color=kit.MUTED,
                      fontsize=11, va="center", clip_on=False, parse_math=False)  # fmt: skip
    axes.set_yticks([])
    axes.set_xticks([0, 50, 100], labels=["0%", "50%", "100%"])
    axes.tick_params(axis="x", colors=kit.MUTED, labelsize=11, length=3, color=kit.GRID)
    for name, spine in axes.spines.items():
        spine.set_visible(name == "bottom")
        spine.set_color(kit.GRID)


def _activity(axes: Axes, days: list[tuple[date, int]]) -> None:
    from matplotlib.ticker import MaxNLocator

    counts = [count for _, count in days]
    axes.bar(range(len(days)), counts, color=ACTIVITY, width=0.72)
    axes.set_xlim(-0.6, len(days) - 0.4)
    # The axis ends on a tick at or above the busiest day, so no bar rises past the scale.
    busiest = max(max(counts, default=0), 1)
    ticks = MaxNLocator(nbins=3, integer=True, min_n_ticks=2).tick_values(0, busiest)
    top = min(t for t in ticks if t >= busiest)
    axes.set_yticks([t for t in ticks if 0 <= t <= top])
    axes.set_ylim(0, top * 1.03)
    ticks = list(range(len(days) - 1, -1, -7))[::-1]  # weekly, ending today
    axes.set_xticks(ticks, labels=[_short(days[i][0]) for i in ticks])
    axes.tick_params(colors=kit.MUTED, labelsize=11, length=3, color=kit.GRID)
    axes.set_ylabel("answers", color=kit.MUTED, fontsize=11, labelpad=4)
    axes.grid(axis="y", color=kit.GRID, linewidth=0.6, alpha=0.6)
    axes.set_axisbelow(True)
    for name, spine in axes.spines.items():
        spine.set_visible(name in ("bottom", "left"))
        spine.set_color(kit.GRID)


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _short(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]}"  # not %b: the same in every locale


def last_days(
    counts: list[tuple[str, int]], today: date, count: int = 30
) -> list[tuple[date, int]]:
    """Answers per day for the ``count`` days ending ``today``, zeros filled in.

    ``counts`` holds ``("YYYY-MM-DD", answers)`` pairs, as the member summaries store them.
    """
    first = today - timedelta(days=count - 1)
    tally = {first + timedelta(days=i): 0 for i in range(count)}
    for text, answers in counts:
        day = date.fromisoformat(text)
        if day in tally:
            tally[day] += answers
    return sorted(tally.items())


# -- the /leaderboard card -----------------------------------------------------------------

BOARD_HEADER = 0.92
BOARD_ROW = 0.31
BOARD_GAP = 0.24  # the "⋮" between the top ten and a caller ranked below it


@dataclass(frozen=True)
class BoardEntry:
    rank: int
    user_id: int
    name: str
    value: float  # what the bar measures (from zero)
    shown: str  # the value as the text board writes it: "412 pts", "74% (31/42)"


@dataclass(frozen=True)
class BoardCardData:
    title: str  # "Points · this week"
    subtitle: str  # who is ranked, and the caller's place
    entries: list[BoardEntry]  # the top of the board, best first (ten at most)
    caller_id: int
    below: BoardEntry | None = None  # the caller's row when it is not among ``entries``
    bars: bool = True  # False where a bar from zero says nothing (ratings near 1500)


def board_height(data: BoardCardData) -> float:
    rows = len(data.entries) + (1 if data.below else 0)
    return BOARD_HEADER + BOARD_ROW * rows + (BOARD_GAP if data.below else 0) + 0.2


def render_board(data: BoardCardData) -> bytes:
    if not data.entries:
        raise ValueError("an empty board has no card")
    values = [e.value for e in data.entries]
    if not all(math.isfinite(v) for v in values):
        raise ValueError(f"board values that cannot be drawn: {values}")
    return kit.render_png(board_height(data), lambda figure: _draw_board(figure, data))


def _draw_board(figure: Figure, data: BoardCardData) -> None:
    place = kit.Placer(figure, board_height(data))
    place.text(MARGIN, 0.14, kit.drawable(data.title), size=17, weight="bold")
    place.text(MARGIN, 0.52, kit.drawable(data.subtitle), size=11.5, colour=kit.MUTED)
    top = max((e.value for e in data.entries), default=0.0)
    y = BOARD_HEADER
    for entry in data.entries:
        _board_row(place, entry, y, top, data)
        y += BOARD_ROW
    if data.below is not None:
        # Under the ranks: the ones between the tenth and the caller are left out.
        place.text(MARGIN + 0.32, y + BOARD_GAP / 2 + 0.01, "⋮", size=13, colour=kit.MUTED,
                   ha="center", va="center")  # fmt: skip
        _board_row(place, data.below, y + BOARD_GAP, top, data)


def _board_row(place: kit.Placer, entry: BoardEntry, y: float, top: float,
               data: BoardCardData) -> None:  # fmt: skip
    mine = entry.user_id == data.caller_id
    middle = y + BOARD_ROW / 2
    if mine:
        place.box(MARGIN - 0.1, y + 0.02, kit.WIDTH_IN - 2 * MARGIN + 0.2, BOARD_ROW - 0.04,
                  kit.HIGHLIGHT, round_in=0.06)  # fmt: skip
        place.box(MARGIN - 0.1, y + 0.02, 0.05, BOARD_ROW - 0.04, RIGHT)
    place.text(MARGIN + 0.5, middle, f"#{entry.rank}", size=12, weight="bold", ha="right",
               va="center", colour=kit.TEXT if entry.rank <= 3 or mine else kit.MUTED)  # fmt: skip
    place.avatar(MARGIN + 0.74, middle, 0.125, entry.name, kit.colour_of(entry.user_id))
    name = kit.shown_name(entry.name, 22)
    width = place.text(MARGIN + 0.96, middle, name, size=12, va="center",
                       weight="bold" if mine else "normal")  # fmt: skip
    if mine:
        place.text(MARGIN + 0.96 + width + 0.08, middle, "you", size=11, colour=RIGHT,
                   va="center", weight="bold")  # fmt: skip
    right = kit.WIDTH_IN - MARGIN
    place.text(right, middle, kit.drawable(entry.shown), size=12, weight="bold", ha="right",
               va="center")  # fmt: skip
    if data.bars and top > 0:
        left, span = 3.55, 1.0  # between the longest name and the value column
        length = span * max(entry.value, 0.0) / top
        place.box(left, middle - 0.05, span, 0.1, kit.PANEL, round_in=0.03)
        if length > 0:
            place.box(left, middle - 0.05, length, 0.1, RIGHT if mine else kit.MUTED,
                      round_in=0.03)  # fmt: skip
