"""A practice session as pure rules: where the member is, what they may press next, how the
run went, and which questions to ask.

No Discord and no database here; the cog rebuilds a :class:`Progress` from the stored session
on every click, so a restart loses nothing.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

# The search the /question search autocomplete runs lives in bot/ (/report uses it too).
from bot.search import QuestionIndex, Searchable

__all__ = ["QuestionIndex", "Searchable"]  # re-exported for the session's tests

DEFAULT_QUESTIONS = 5
MAX_QUESTIONS = 20
MAX_REVIEW_CARDS = 20  # one /review sitting; the rest stay due for the next
SESSION_LIFETIME = 24 * 3600.0  # seconds; older sessions are deleted and their buttons say so


class SessionError(Exception):
    """A click that cannot be applied, worded for the member who made it."""


class Screen(Enum):
    QUESTION = "question"  # waiting for an answer
    VERDICT = "verdict"  # the answer's verdict, waiting for "Next"
    OVER = "over"


@dataclass(frozen=True)
class Progress:
    total: int
    current: int  # index of the question on screen
    answered: int  # questions answered: current (not yet) or current + 1
    ended: bool = False
    started_at: float = 0.0

    @property
    def screen(self) -> Screen:
        if self.ended:
            return Screen.OVER
        return Screen.VERDICT if self.answered > self.current else Screen.QUESTION

    @property
    def is_last(self) -> bool:
        return self.current + 1 >= self.total

    def expired(self, now: float) -> bool:
        return now - self.started_at > SESSION_LIFETIME

    def check_answer(self, position: int, now: float) -> None:
        """Raise unless question ``position`` is on screen and unanswered."""
        self._check_open(now)
        if position < self.answered:
            raise SessionError("You already answered this question.")
        if position != self.current or self.screen is not Screen.QUESTION:
            raise SessionError("That question is not on screen any more.")

    def check_next(self, position: int, now: float) -> None:
        """Raise unless the verdict of question ``position`` is on screen."""
        self._check_open(now)
        if position != self.current or self.screen is not Screen.VERDICT:
            raise SessionError("You already moved past this question.")

    def _check_open(self, now: float) -> None:
        if self.ended:
            raise SessionError("This session is over. Start a new one with `/quiz` or `/review`.")
        if self.expired(now):
            raise SessionError(
                "This session has expired (after 24 hours). Start a new one with `/quiz` or "
                "`/review`."
            )


def defer_in_play(item_ids: list[str], current: int, in_play: set[str]) -> list[str] | None:
    """The session's order with a question not in play at ``current``: the questions still to
    come keep their order, those in play move behind the others (they come back once their
    daily post or duel closes). None when every question still to come is in play."""
    done, rest = item_ids[:current], item_ids[current:]
    free = [i for i in rest if i not in in_play]
    if not free:
        return None
    return done + free + [i for i in rest if i in in_play]


# -- how it went -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    topic: str
    correct: bool
    score: float  # in [0, 1]; partial for interview-style questions


@dataclass(frozen=True)
class TopicScore:
    topic: str
    answered: int
    right: int
    score: float  # mean score, in [0, 1]


@dataclass(frozen=True)
class Summary:
    answered: int
    right: int
    score: float  # mean score, in [0, 1]
    topics: tuple[TopicScore, ...]  # alphabetical
    weakest: TopicScore | None  # None when every answer was fully right


def summarize(results: Iterable[Result]) -> Summary:
    by_topic: defaultdict[str, list[Result]] = defaultdict(list)
    for result in results:
        by_topic[result.topic].append(result)
    topics = tuple(
        TopicScore(
            topic,
            len(group),
            sum(r.correct for r in group),
            sum(r.score for r in group) / len(group),
        )
        for topic, group in sorted(by_topic.items())
    )
    answered = sum(t.answered for t in topics)
    right = sum(t.right for t in topics)
    score = sum(t.score * t.answered for t in topics) / answered if answered else 0.0
    # The lowest mean score; on a tie, the topic missed more often says more.
    candidates = [t for t in topics if t.score < 1]
    weakest = min(candidates, key=lambda t: (t.score, -t.answered, t.topic), default=None)
    return Summary(answered, right, score, topics, weakest)


# -- what to ask -----------------------------------------------------------------------------


def pick_items(
    candidates: Sequence[str], seen: set[str], count: int, rng: random.Random
) -> list[str]:
    """``count`` questions for a quiz: ones the member never met first, then the others,
    each group in random order."""
    fresh = [item for item in candidates if item not in seen]
    known = [item for item in candidates if item in seen]
    rng.shuffle(fresh)
    rng.shuffle(known)
    return (fresh + known)[:count]
