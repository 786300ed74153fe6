"""Spaced-repetition rules: how an answer rates and how FSRS moves the card."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from fsrs import Rating, State

from bank.grading import Grade
from cogs.practice.review import FAST_SECONDS, from_fsrs, rating_for, schedule, to_fsrs
from db.practice import CardState
from tests.helpers import START

RIGHT = Grade(True, 1.0)
WRONG = Grade(False, 0.0)
PARTIAL = Grade(False, 1 / 3, missing=("adds noise", "starts from noise"))
RIGHT_BUT_INCOMPLETE = Grade(True, 2 / 3, missing=("starts from noise",))


@pytest.mark.parametrize(
    ("grade", "kind", "seconds", "rating"),
    [
        (WRONG, "mcq", 2.0, Rating.Again),
        (WRONG, "keypoints", None, Rating.Again),
        (PARTIAL, "keypoints", 30.0, Rating.Hard),
        (RIGHT_BUT_INCOMPLETE, "keypoints", 30.0, Rating.Good),
        (RIGHT, "keypoints", 3.0, Rating.Good),  # interview answers are never "easy"
        (RIGHT, "short", None, Rating.Good),  # a daily answer is not timed
        (RIGHT, "truefalse", FAST_SECONDS, Rating.Good),
        (RIGHT, "truefalse", FAST_SECONDS - 0.1, Rating.Easy),
        (RIGHT, "mcq", 0.0, Rating.Easy),
        (RIGHT, "short", 25.0, Rating.Good),
    ],
)
def test_rating_follows_the_verdict_and_the_time(
    grade: Grade, kind: str, seconds: float | None, rating: Rating
) -> None:
    assert rating_for(grade, kind, seconds) is rating


def days_until_due(card: CardState, now: datetime) -> float:
    return (card.due_at - now.timestamp()) / 86400


def test_a_first_wrong_answer_is_due_again_in_ten_minutes() -> None:
    card = schedule(None, Rating.Again, START)
    assert card.due_at == (START + timedelta(minutes=10)).timestamp()
    assert card.state == State.Learning.value
    assert (card.reviews, card.lapses) == (1, 1)
    assert card.last_review_at == START.timestamp()


def test_a_first_right_answer_waits_days_and_an_easy_one_longer() -> None:
    good = schedule(None, Rating.Good, START)
    easy = schedule(None, Rating.Easy, START)
    assert good.state == easy.state == State.Review.value
    assert 1 <= days_until_due(good, START) < days_until_due(easy, START)
    hard = schedule(None, Rating.Hard, START)
    assert days_until_due(hard, START) < 1  # a partial answer comes back the same day


def test_intervals_grow_with_good_answers_and_collapse_after_again() -> None:
    card = schedule(None, Rating.Good, START)
    intervals = []
    now = START
    for _ in range(4):
        now = datetime.fromtimestamp(card.due_at, UTC)  # answered the moment it falls due
        card = schedule(card, Rating.Good, now)
        intervals.append(days_until_due(card, now))
    assert intervals == sorted(intervals) and len(set(intervals)) == 4
    assert intervals[-1] > 60  # months, after four right answers

    now = datetime.fromtimestamp(card.due_at, UTC)
    card = schedule(card, Rating.Again, now)
    assert card.state == State.Relearning.value
    assert card.due_at - now.timestamp() == 600
    now = datetime.fromtimestamp(card.due_at, UTC)
    card = schedule(card, Rating.Good, now)
    assert days_until_due(card, now) < intervals[-1] / 5
    assert (card.reviews, card.lapses) == (7, 1)


def test_schedule_reads_no_wall_clock() -> None:
    far = datetime(2040, 6, 1, 12, 0, tzinfo=UTC)
    assert schedule(None, Rating.Again, far).due_at == (far + timedelta(minutes=10)).timestamp()
    # An aware time in another zone is the same moment.
    berlin = far.astimezone(timezone(timedelta(hours=2)))
    assert schedule(None, Rating.Good, berlin) == schedule(None, Rating.Good, far)


def test_card_state_round_trips_through_fsrs() -> None:
    card = schedule(schedule(None, Rating.Good, START), Rating.Hard, START + timedelta(days=2))
    again = from_fsrs(to_fsrs(card), reviews=card.reviews, lapses=card.lapses)
    assert again == card
