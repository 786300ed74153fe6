"""The /stats card: a PNG made to read well on Discord's dark theme and on a phone.

Rendered with matplotlib's object API and the Agg canvas (no pyplot global state), so it can
run in a worker thread while the event loop keeps serving.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes

WIDTH_PX, HEIGHT_PX, DPI = 800, 500, 100
BACKGROUND = "#2b2d31"  # Discord's dark message background
PANEL = "#1e1f22"
TEXT = "#f2f3f5"
MUTED = "#b5bac1"
ACCENT = "#5865f2"
GOOD = "#57f287"


@dataclass(frozen=True)
class CardData:
    name: str
    headline: str  # e.g. "142 points · 71% right · streak 4"
    topic_accuracy: list[tuple[str, float, int]]  # (topic, share right, answers)
    daily_activity: list[tuple[date, int]]  # 30 days, oldest first


def render_card(data: CardData) -> bytes:
    # Imported on first use: matplotlib costs most of a second, which start-up need not pay.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, facecolor=BACKGROUND)
    FigureCanvasAgg(figure)
    # Member names are text, never mathtext: a "$" must not be parsed (or crash the card).
    figure.text(0.04, 0.93, data.name, color=TEXT, fontsize=20, fontweight="bold", parse_math=False)
    figure.text(0.04, 0.87, data.headline, color=MUTED, fontsize=13, parse_math=False)

    topics = figure.add_axes((0.22, 0.40, 0.72, 0.38), facecolor=PANEL)
    _topic_bars(topics, data.topic_accuracy)
    activity = figure.add_axes((0.06, 0.08, 0.90, 0.22), facecolor=PANEL)
    _activity_bars(activity, data.daily_activity)

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", facecolor=BACKGROUND)
    return buffer.getvalue()


def _style(axes: Axes, title: str) -> None:
    axes.set_title(title, color=TEXT, fontsize=13, loc="left", pad=6)
    axes.tick_params(colors=MUTED, labelsize=11, length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)


def _topic_bars(axes: Axes, rows: list[tuple[str, float, int]]) -> None:
    _style(axes, "Right answers by topic")
    shown = sorted(rows, key=lambda row: row[1])[-8:]  # the eight best fit a phone screen
    if not shown:
        axes.text(0.5, 0.5, "No answers yet", color=MUTED, ha="center", va="center",
                  fontsize=13, transform=axes.transAxes)  # fmt: skip
        axes.set_xticks([])
        axes.set_yticks([])
        return
    labels = [topic for topic, _, _ in shown]
    values = [share * 100 for _, share, _ in shown]
    colours = [GOOD if v >= 70 else ACCENT for v in values]
    axes.barh(labels, values, color=colours, height=0.6)
    axes.set_xlim(0, 100)
    axes.set_xticks([0, 50, 100], labels=["0%", "50%", "100%"])
    for y, (value, (_, _, answers)) in enumerate(zip(values, shown, strict=True)):
        label = f"{value:.0f}% of {answers}"
        if value > 75:  # no room after a long bar: write inside it, dark on light
            axes.text(value - 2, y, label, color=PANEL, va="center", ha="right", fontsize=10)
        else:
            axes.text(value + 2, y, label, color=TEXT, va="center", fontsize=10)


def _activity_bars(axes: Axes, days: list[tuple[date, int]]) -> None:
    _style(axes, "Answers in the last 30 days")
    counts = [count for _, count in days]
    axes.bar(range(len(days)), counts, color=ACCENT, width=0.7)
    axes.set_xticks([0, len(days) - 1], labels=[_short(days[0][0]), _short(days[-1][0])])
    axes.set_yticks([max(counts)] if any(counts) else [])
    axes.set_xlim(-0.6, len(days) - 0.4)


def _short(day: date) -> str:
    return day.strftime("%d %b")


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
