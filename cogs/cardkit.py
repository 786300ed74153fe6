"""What every card shares: the palette, the canvas, text that the bundled font can draw, PNGs.

The cards (the /stats card, the /leaderboard card, the duel result card) are drawn with
matplotlib's object API on the Agg canvas, never pyplot, with DejaVu Sans (the font matplotlib
ships) so a card looks the same on every machine and the same input gives the same bytes.
Cards are rendered in worker threads; one lock serialises them, because matplotlib's text and
font caches are not documented as safe to share between threads, and a card takes ~0.1 s.

Sizes are chosen for where Discord shows a card: about 400 px wide on a desktop, 300-350 px on
a phone. Every card is 6 inches (1,200 px) wide and no smaller than 11 pt text, which is at
least 2.5% of the width: about 10 px on a desktop, 8 px in a phone's chat before a tap.
"""

from __future__ import annotations

import asyncio
import io
import threading
import unicodedata
import weakref
from collections.abc import Awaitable, Callable
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH_IN = 6.0
DPI = 200
WIDTH_PX = round(WIDTH_IN * DPI)
FONT = "DejaVu Sans"

# Discord's dark theme: the card sits on an embed's background, panels a step darker.
BACKGROUND = "#2b2d31"
PANEL = "#232428"
HIGHLIGHT = "#3a3c43"  # the caller's own row
GRID = "#4e5058"
TEXT = "#f2f3f5"
MUTED = "#b5bac1"
DARK_INK = "#111214"

# Okabe & Ito's palette (2008), told apart with every common colour-vision deficiency. Their
# blue (#0072B2) is left out: on this background it falls under 3:1 contrast.
SKY_BLUE = "#56B4E9"
ORANGE = "#E69F00"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
PALETTE = (SKY_BLUE, ORANGE, BLUISH_GREEN, YELLOW, VERMILLION, REDDISH_PURPLE)

_RENDER_LOCK = threading.Lock()
# One card at a time per event loop, waiting on the loop: cards queued behind the lock in
# worker threads would hold the pool that question search and bank loads also run in.
_TURNS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)
T = TypeVar("T")


async def draw(
    run_blocking: Callable[..., Awaitable[Any]], render: Callable[[T], bytes], data: T
) -> bytes:
    """``render(data)`` in a worker thread (``bot.run_blocking``), one card at a time."""
    turn = _TURNS.setdefault(asyncio.get_running_loop(), asyncio.Semaphore(1))
    async with turn:
        png: bytes = await run_blocking(render, data)
    return png


def render_png(height_in: float, draw: Callable[[Figure], None]) -> bytes:
    """A WIDTH_IN x ``height_in`` figure drawn by ``draw``, as PNG bytes (deterministic)."""
    # Imported on first use: matplotlib costs most of a second, which start-up need not pay.
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with _RENDER_LOCK, rc_context({"font.family": FONT, "axes.unicode_minus": False}):
        figure = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, facecolor=BACKGROUND)
        FigureCanvasAgg(figure)
        draw(figure)
        buffer = io.BytesIO()
        # No "Software" stamp: the bytes depend on the picture only, not the library version.
        figure.savefig(buffer, format="png", facecolor=BACKGROUND, metadata={"Software": None})
    return buffer.getvalue()


class Placer:
    """Draws at inches measured down from the card's top-left corner, so sizes stay fixed
    however tall the card grows."""

    def __init__(self, figure: Figure, height: float) -> None:
        self.figure, self.height = figure, height

    def text(self, x: float, y: float, text: str, *, size: float, colour: str = TEXT,
             weight: str = "normal", ha: str = "left", va: str = "top") -> float:  # fmt: skip
        """Draw ``text`` anchored at (x, y) (names never parsed as mathtext); its width."""
        shown = self.figure.text(
            x / WIDTH_IN, 1 - y / self.height, text, color=colour, fontsize=size,
            fontweight=weight, ha=ha, va=va, parse_math=False,
        )  # fmt: skip
        extent = shown.get_window_extent(self.figure.canvas.get_renderer())  # type: ignore[attr-defined]
        return float(extent.width) / DPI

    def box(self, x: float, y: float, w: float, h: float, colour: str, *, round_in: float = 0.0
            ) -> None:  # fmt: skip
        from matplotlib.patches import FancyBboxPatch

        self.figure.patches.append(
            FancyBboxPatch(
                (x, self.height - y - h), w, h, boxstyle=f"round,pad=0,rounding_size={round_in}",
                transform=self.figure.dpi_scale_trans, facecolor=colour, edgecolor="none",
            )
        )  # fmt: skip

    def circle(self, x: float, y: float, radius: float, colour: str) -> None:
        from matplotlib.patches import Circle

        self.figure.patches.append(
            Circle((x, self.height - y), radius, transform=self.figure.dpi_scale_trans,
                   facecolor=colour, edgecolor="none")
        )  # fmt: skip

    def avatar(self, x: float, y: float, radius: float, name: str, colour: str) -> None:
        """A member's initials in a coloured circle centred at (x, y)."""
        self.circle(x, y, radius, colour)
        self.text(x, y + 0.005, initials(name), size=radius * 74, colour=ink_on(colour),
                  weight="bold", ha="center", va="center")  # fmt: skip

    def axes(self, left: float, top: float, right: float, bottom: float) -> Axes:
        return self.figure.add_axes(
            (left / WIDTH_IN, 1 - bottom / self.height, (right - left) / WIDTH_IN,
             (bottom - top) / self.height),
            facecolor=BACKGROUND,
        )  # fmt: skip


@cache
def _drawable_codepoints() -> frozenset[int]:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    font = FT2Font(font_manager.findfont(FONT, fallback_to_default=True))
    return frozenset(font.get_charmap())


def drawable(text: str) -> str:
    """``text`` without the characters DejaVu Sans has no glyph for (emoji, CJK...), which
    would otherwise print as empty boxes; control characters go too."""
    known = _drawable_codepoints()
    kept = (ch for ch in text if ord(ch) in known and unicodedata.category(ch)[0] != "C")
    return " ".join("".join(kept).split())


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, an ellipsis marking a cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def shown_name(name: str, limit: int, fallback: str = "member") -> str:
    return shorten(drawable(name) or fallback, limit)


def initials(name: str) -> str:
    """One or two letters for a member's circle: "Bob Smith" -> "BS", "alice" -> "A"."""
    words = [w for w in drawable(name).replace("_", " ").replace(".", " ").split() if w]
    letters = [next((ch for ch in w if ch.isalnum()), "") for w in words]
    letters = [ch for ch in letters if ch]
    if not letters:
        return "?"
    return "".join(letters[:2]).upper()


def colour_of(user_id: int) -> str:
    """A member keeps their colour on every card (no avatar is ever downloaded)."""
    return PALETTE[user_id % len(PALETTE)]


def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def ink_on(colour: str) -> str:
    """Text colour with the better contrast on ``colour``."""
    return DARK_INK if contrast(colour, DARK_INK) >= contrast(colour, TEXT) else TEXT
