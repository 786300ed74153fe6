from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from cogs.leaderboard import boards
from cogs.leaderboard.cards import CardData, last_days, render_card

NEW_YORK = ZoneInfo("America/New_York")


def test_week_starts_monday_midnight_local() -> None:
    # Monday 2026-01-12 03:00 UTC is still Sunday evening in New York.
    now = datetime(2026, 1, 12, 3, 0, tzinfo=UTC)
    start = boards.period_start("week", now, NEW_YORK)
    assert start == datetime(2026, 1, 5, 0, 0, tzinfo=NEW_YORK)
    later = datetime(2026, 1, 12, 6, 0, tzinfo=UTC)  # 01:00 Monday in New York
    assert boards.period_start("week", later, NEW_YORK) == datetime(2026, 1, 12, tzinfo=NEW_YORK)


def test_month_and_all_time() -> None:
    now = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)  # still 28 February in New York
    assert boards.period_start("month", now, NEW_YORK) == datetime(2026, 2, 1, tzinfo=NEW_YORK)
    assert boards.period_start("all", now, NEW_YORK) is None
    with pytest.raises(ValueError):
        boards.period_start("decade", now, NEW_YORK)


def test_week_across_a_dst_change_starts_at_local_midnight() -> None:
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # New York moved to EDT on 8 March
    start = boards.period_start("week", now, NEW_YORK)
    assert start is not None and start.utcoffset() is not None
    assert (start.hour, start.minute, start.day) == (0, 0, 9)


def test_ties_share_a_rank_and_the_next_rank_skips() -> None:
    ranked = boards.rank([(1, 50, ""), (2, 70, ""), (3, 50, ""), (4, 10, "")])
    assert [(e.user_id, e.rank) for e in ranked] == [(2, 1), (1, 2), (3, 2), (4, 4)]


def test_page_count() -> None:
    assert [boards.page_count(n) for n in (0, 1, 10, 11, 23)] == [1, 1, 1, 2, 3]


def test_last_days_counts_each_day() -> None:
    today = datetime(2026, 1, 30).date()
    days = last_days([(today.isoformat(), 2), ("2026-01-01", 1), ("2026-01-25", 1)], today)
    assert len(days) == 30 and days[-1] == (today, 2)
    assert dict(days)[today.replace(day=25)] == 1
    assert dict(days)[today.replace(day=1)] == 1


def test_card_is_a_png_of_the_expected_size() -> None:
    png = render_card(CardData("alice", "1 point", [("rag", 0.5, 2)], last_days([], datetime(
        2026, 1, 1).date())))  # fmt: skip
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width == 1200 and height < width  # full width, landscape (tests/cogs/test_cards.py)
