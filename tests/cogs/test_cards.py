"""The three cards drawn from fixed data: real PNGs of the planned size, the same bytes every
time, readable colours, names the bundled font can draw; and the README's pictures current."""

from __future__ import annotations

import asyncio
import importlib.util
import struct
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

from cogs import cardkit
from cogs.duel import card as duel_card
from cogs.leaderboard import cards

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs" / "cards"
TODAY = date(2026, 3, 18)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def samples() -> ModuleType:
    """docs/cards/render.py, the README's sample data and its renderer."""
    spec = importlib.util.spec_from_file_location("cards_render", DOCS / "render.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RENDER = samples()


def stats(topics: int) -> cards.CardData:
    rows = [(f"topic-{i:02d}", (i % 5) / 4, 4 + i) for i in range(topics)]
    return cards.CardData("alice", "10 points", rows, cards.last_days([], TODAY))


@pytest.mark.parametrize("topics", [0, 1, 3, 5, 14, 20])
def test_stats_cards_are_full_width_pngs_whatever_the_topics(topics: int) -> None:
    png = cards.render_card(stats(topics))
    width, height = png_size(png)
    assert width == cardkit.WIDTH_PX == 1200
    # Landscape enough for Discord's 400 x 300 embed frame not to shrink it much.
    assert 500 <= height <= 1120
    assert len(png) > 20_000


def test_topic_rows_keep_their_thickness_so_the_card_grows_instead() -> None:
    heights = [png_size(cards.render_card(stats(n)))[1] for n in (2, 3, 4)]
    row = cards.ROW * cardkit.DPI
    assert [heights[1] - heights[0], heights[2] - heights[1]] == pytest.approx([row, row], abs=1)
    # Fourteen topics fill two columns of seven; more keep 13 and count the rest.
    assert png_size(cards.render_card(stats(14)))[1] == png_size(cards.render_card(stats(20)))[1]


def test_more_than_fourteen_topics_show_the_most_answered_and_a_count() -> None:
    layout = cards._layout(stats(20).topic_accuracy)
    assert (layout.columns, layout.rows, layout.hidden, len(layout.shown)) == (2, 7, 7, 13)
    # Best first; the 13 kept are the most answered (answers grow with the index here).
    assert {t for t, _, _ in layout.shown} == {f"topic-{i:02d}" for i in range(7, 20)}
    shares = [share for _, share, _ in layout.shown]
    assert shares == sorted(shares, reverse=True)


def test_the_same_data_gives_the_same_bytes() -> None:
    assert cards.render_card(stats(5)) == cards.render_card(stats(5))
    assert duel_card.render_duel(RENDER.duel()) == duel_card.render_duel(RENDER.duel())


async def test_cards_are_drawn_one_at_a_time_off_the_event_loop() -> None:
    in_threads, most = 0, 0

    async def run_blocking(func: Callable[[cards.CardData], bytes], data: cards.CardData) -> bytes:
        nonlocal in_threads, most
        in_threads += 1
        most = max(most, in_threads)
        try:
            return await asyncio.to_thread(func, data)  # as bot.run_blocking does
        finally:
            in_threads -= 1

    drawn = await asyncio.gather(*(cards.draw_card(run_blocking, stats(n)) for n in (1, 5, 14)))
    assert most == 1  # the others waited on the loop, not in the shared thread pool
    assert [png_size(png)[0] for png in drawn] == [cardkit.WIDTH_PX] * 3


def test_board_cards_refuse_what_they_cannot_draw() -> None:
    empty = cards.BoardCardData("Points", "", [], caller_id=1)
    with pytest.raises(ValueError, match="empty board"):
        cards.render_board(empty)
    broken = cards.BoardCardData("Points", "", [cards.BoardEntry(1, 1, "a", float("nan"), "")], 1)
    with pytest.raises(ValueError, match="cannot be drawn"):
        cards.render_board(broken)


def test_the_palette_reads_on_discords_dark_background() -> None:
    for colour in cardkit.PALETTE:
        assert cardkit.contrast(colour, cardkit.BACKGROUND) >= 3.0, colour  # graphics: 3:1
        assert cardkit.contrast(colour, cardkit.ink_on(colour)) >= 4.5, colour  # initials
    for colour in (cardkit.TEXT, cardkit.MUTED):
        assert cardkit.contrast(colour, cardkit.BACKGROUND) >= 4.5  # text: WCAG AA
        assert cardkit.contrast(colour, cardkit.HIGHLIGHT) >= 4.5  # the caller's row
    assert cardkit.contrast("#ffffff", "#000000") == pytest.approx(21.0)


def test_names_are_cut_to_what_the_bundled_font_draws() -> None:
    assert cardkit.drawable("Hiro 🌸") == "Hiro"
    assert cardkit.drawable("名前") == ""
    assert cardkit.shown_name("🌸", 10) == "member"
    assert cardkit.shown_name("a member with a long name", 10) == "a member…"
    assert cardkit.drawable("Éloïse\u200b\x07") == "Éloïse"
    assert [cardkit.initials(n) for n in ("Bob Smith", "alice", "grace.hopper", "🌸", "x y z")] \
        == ["BS", "A", "GH", "?", "XY"]  # fmt: skip


def test_a_member_keeps_one_colour() -> None:
    assert cardkit.colour_of(1044) == cardkit.colour_of(1044) in cardkit.PALETTE
    assert len({cardkit.colour_of(i) for i in range(len(cardkit.PALETTE))}) == len(cardkit.PALETTE)


def test_the_readme_pictures_are_what_the_script_draws(tmp_path: Path) -> None:
    written = RENDER.render_all(tmp_path)
    names = sorted(p.name for p in written)
    assert names == sorted(
        ["stats-1-topic.png", "stats-14-topics.png", "leaderboard.png", "duel.png", "phone.png"]
    )
    for path in written:
        fresh = path.read_bytes()
        committed = (DOCS / path.name).read_bytes()
        # Same size as the committed picture: a layout change shows up as a stale README.
        assert png_size(fresh) == png_size(committed), f"run docs/cards/render.py ({path.name})"
        assert len(fresh) > 20_000
    phone_width, _ = png_size((tmp_path / "phone.png").read_bytes())
    assert phone_width == RENDER.PHONE_SCREEN_PX
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in names:
        assert f"docs/cards/{name}" in readme
