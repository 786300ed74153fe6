"""Spaced repetition: how an answer rates, and when its question comes back (FSRS).

Pure functions over :class:`db.practice.CardState`; the ``fsrs`` package does the scheduling.
Every answer a member gives, wherever they give it, is one review of that question's card.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler, State

from bank.grading import Grade
from bank.schema import QUICK_KINDS
from db.practice import CardState

# A quick question answered right in under this many seconds was easy. Only contexts that
# time the answer (duel rounds, /quiz and /review) can be fast; a daily answer never is.
FAST_SECONDS = 10.0

# One short step before a new or forgotten card graduates to whole days: a member who got a
# question wrong meets it again in /review ten minutes later, then on the FSRS schedule.
# No fuzzing: the schedule is then exactly reproducible, in tests and when members compare
# notes; a study group has far too few cards for due dates to clump.
SCHEDULER = Scheduler(
    desired_retention=0.9,
    learning_steps=(timedelta(minutes=10),),
    relearning_steps=(timedelta(minutes=10),),
    maximum_interval=365,  # interview preparation: a year ahead is far enough
    enable_fuzzing=False,
)

# fsrs only uses the card id in its review logs, which we do not keep. Passing it (and every
# datetime) explicitly also keeps fsrs from reading the wall clock, or sleeping a millisecond
# to make ids unique, which it does for cards built without one.
_CARD_ID = 0


def rating_for(grade: Grade, kind: str, seconds: float | None) -> Rating:
    """The FSRS rating of one answer, matching the verdict the member saw.

    "Not quite" (nothing right) is Again, "Partly right" (some key points, fewer than the
    question needs) is Hard, "Correct" is Good, and Correct on a quick question within
    :data:`FAST_SECONDS` is Easy.
    """
    if not grade.correct:
        return Rating.Hard if grade.score > 0 else Rating.Again
    if kind in QUICK_KINDS and seconds is not None and 0 <= seconds < FAST_SECONDS:
        return Rating.Easy
    return Rating.Good


def schedule(previous: CardState | None, rating: Rating, when: datetime) -> CardState:
    """The card after one review at ``when`` (timezone-aware); a first answer creates it."""
    when = when.astimezone(UTC)
    card = to_fsrs(previous) if previous is not None else Card(card_id=_CARD_ID, due=when)
    reviewed, _log = SCHEDULER.review_card(card, rating, review_datetime=when)
    return from_fsrs(
        reviewed,
        reviews=(previous.reviews if previous else 0) + 1,
        lapses=(previous.lapses if previous else 0) + (rating == Rating.Again),
    )


def to_fsrs(card: CardState) -> Card:
    return Card(
        card_id=_CARD_ID,
        state=State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=_utc(card.due_at),
        last_review=_utc(card.last_review_at) if card.last_review_at is not None else None,
    )


def from_fsrs(card: Card, *, reviews: int, lapses: int) -> CardState:
    return CardState(
        state=card.state.value,
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due_at=card.due.timestamp(),
        last_review_at=card.last_review.timestamp() if card.last_review else None,
        reviews=reviews,
        lapses=lapses,
    )


def _utc(seconds: float) -> datetime:
    # fsrs insists on tzinfo == timezone.utc, which datetime.UTC is.
    return datetime.fromtimestamp(seconds, UTC)
