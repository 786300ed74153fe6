"""The daily rules as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from cogs.daily import rounds
from cogs.daily.rounds import CatchUp, Streak

BERLIN = ZoneInfo("Europe/Berlin")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize("text", ["09:00", "9:00", " 23:59 ", "00:00"])
def test_valid_times(text: str) -> None:
    assert rounds.parse_post_time(text).minute in (0, 59)


@pytest.mark.parametrize("text", ["24:00", "9am", "09:60", "0900", "", "12:5", "x" * 500])
def test_invalid_times_say_what_is_accepted(text: str) -> None:
    with pytest.raises(rounds.RuleError, match="24-hour HH:MM"):
        rounds.parse_post_time(text)


def test_timezones_by_iana_name_case_insensitive() -> None:
    assert rounds.parse_timezone("Europe/Berlin").key == "Europe/Berlin"
    assert rounds.parse_timezone("europe/berlin").key == "Europe/Berlin"
    assert rounds.parse_timezone("UTC").key == "UTC"
    with pytest.raises(rounds.RuleError, match="IANA name"):
        rounds.parse_timezone("Mars/Olympus_Mons")


def test_zone_suggestions() -> None:
    assert "Europe/Berlin" in rounds.zone_suggestions("berl")
    assert rounds.zone_suggestions("new_y")[0] == "America/New_York"
    assert len(rounds.zone_suggestions("a")) == 25
    assert "UTC" in rounds.zone_suggestions("")


def test_next_post_today_or_tomorrow() -> None:
    nine = time(9, 0)
    assert rounds.next_post_after(utc(2026, 1, 5, 7, 0), nine, BERLIN) == utc(2026, 1, 5, 8, 0)
    assert rounds.next_post_after(utc(2026, 1, 5, 8, 0), nine, BERLIN) == utc(2026, 1, 6, 8, 0)


def test_spring_forward_keeps_local_time() -> None:
    # Berlin moves from UTC+1 to UTC+2 on 2026-03-29.
    nine = time(9, 0)
    before = rounds.next_post_after(utc(2026, 3, 28, 9, 0), nine, BERLIN)
    after = rounds.next_post_after(before, nine, BERLIN)
    assert before == utc(2026, 3, 29, 7, 0)  # already summer time
    assert rounds.next_post_after(utc(2026, 3, 27, 9, 0), nine, BERLIN) == utc(2026, 3, 28, 8, 0)
    assert after.astimezone(BERLIN).hour == 9


def test_spring_forward_missing_hour_posts_an_hour_later() -> None:
    # 02:30 does not exist in Berlin on 2026-03-29.
    when = rounds.next_post_after(utc(2026, 3, 28, 12, 0), time(2, 30), BERLIN)
    assert when.astimezone(BERLIN).hour == 3 and when.astimezone(BERLIN).minute == 30


def test_fall_back_keeps_local_time_and_uses_the_first_repeat() -> None:
    # Berlin moves back from UTC+2 to UTC+1 on 2026-10-25; 02:30 happens twice.
    assert rounds.next_post_after(utc(2026, 10, 24, 12, 0), time(9, 0), BERLIN) == utc(
        2026, 10, 25, 8, 0
    )
    twice = rounds.next_post_after(utc(2026, 10, 24, 12, 0), time(2, 30), BERLIN)
    assert twice == utc(2026, 10, 25, 0, 30)


def test_window_closes_at_next_post_or_earlier() -> None:
    posted, nxt = utc(2026, 1, 5, 8), utc(2026, 1, 6, 8)
    assert rounds.closes_at(posted, nxt, None) == nxt
    assert rounds.closes_at(posted, nxt, 2) == posted + timedelta(hours=2)
    assert rounds.closes_at(posted, nxt, 48) == nxt


def test_catch_up_after_downtime() -> None:
    due = utc(2026, 1, 5, 8)
    assert rounds.catch_up(due, due - timedelta(minutes=1)) is CatchUp.NOT_DUE
    assert rounds.catch_up(due, due + timedelta(hours=5, minutes=59)) is CatchUp.POST_NOW
    assert rounds.catch_up(due, due + timedelta(hours=6)) is CatchUp.SKIP


def test_streak_grows_on_consecutive_posts_and_restarts_after_a_gap() -> None:
    s1 = rounds.streak_after_answer(None, 1)
    s2 = rounds.streak_after_answer(s1, 2)
    s3 = rounds.streak_after_answer(s2, 3)
    assert (s3.current, s3.best) == (3, 3)
    s5 = rounds.streak_after_answer(s3, 5)  # missed post 4
    assert (s5.current, s5.best) == (1, 3)


def test_live_streak_is_zero_once_a_closed_post_was_missed() -> None:
    stored = Streak(current=4, best=4, last_sequence=7)
    assert rounds.live_streak(stored, last_closed_sequence=7) == 4
    assert rounds.live_streak(stored, last_closed_sequence=8) == 0
    assert rounds.live_streak(None, 3) == 0


@pytest.mark.parametrize(
    ("score", "correct", "streak", "points"),
    [
        (1.0, True, 1, 11),
        (1.0, True, 9, 15),
        (0.0, False, 4, 0),
        (2 / 3, True, 2, 9),
        (1 / 3, False, 3, 3),
    ],
)
def test_points(score: float, correct: bool, streak: int, points: int) -> None:
    assert rounds.points_for(score, correct, streak) == points
