"""How one duel round is played, from its question's list settings (a Red list's CONFIG).

Each round follows its own question: in a duel drawn from several banks, a question from a list
with ``delay: 30`` gets 30 s while the next one, from a bank without settings, gets the
server's round time. What a list leaves out takes our defaults (the server's round time, the
two-silent-rounds rule, the answer revealed, no spoiler tags). Pure: no Discord, no database.
"""

from __future__ import annotations

from bank.redtrivia import ListSettings
from bank.schema import Item

# The range /config duel_round_seconds accepts: under 5 s nobody can read a question and type
# an answer; over 2 minutes the other player waits too long. Red's own minimum is 4 s.
MIN_WINDOW, MAX_WINDOW = 5.0, 120.0


def window(item: Item | None, default: float) -> float:
    """Seconds the round stays open: the list's ``delay`` within our bounds, else ``default``."""
    delay = ListSettings.of(item.settings).delay if item is not None else None
    if delay is None:
        return default
    return min(max(delay, MIN_WINDOW), MAX_WINDOW)


def silence_limit(item: Item) -> float | None:
    """The list's ``timeout``: seconds with no answer from either player that end the duel."""
    return ListSettings.of(item.settings).timeout


def reveals(item: Item, anyone_right: bool) -> bool:
    """Whether the round's result tells the answer: always when a player got it, else unless
    the list says ``reveal_answer: false`` (as Red tells it only when nobody got it)."""
    return anyone_right or ListSettings.of(item.settings).reveal_answer


def spoilers(item: Item) -> bool:
    """Whether the revealed answer goes behind spoiler tags (``use_spoilers: true``)."""
    return ListSettings.of(item.settings).use_spoilers


def hidden(text: str, limit: int) -> str:
    """``text`` behind spoiler tags, cut to fit ``limit`` characters with the tags."""
    inner = text.replace("||", "| |")  # a "||" inside would close the spoiler early
    if len(inner) > limit - 4:
        inner = inner[: limit - 5].rstrip() + "…"
    return f"||{inner}||"


def seconds_text(seconds: float) -> str:
    """20 s, 12.5 s: whole seconds without a decimal point."""
    return f"{seconds:.0f} s" if seconds == round(seconds) else f"{seconds:.1f} s"
