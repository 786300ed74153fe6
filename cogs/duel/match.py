"""A duel as a pure state machine: who may act, how rounds score, how a match ends.

The cog stores this state in the database and turns the domain errors raised here into
ephemeral replies; nothing here knows about Discord or SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

MIN_ROUNDS, MAX_ROUNDS, DEFAULT_ROUNDS = 3, 10, 5
DEFAULT_ROUND_SECONDS = 20.0
CHALLENGE_SECONDS = 120.0
MAX_POINTS = 1000
SILENT_ROUNDS_TO_ABANDON = 2


class DuelError(Exception):
    """A move the rules do not allow; the message is for the member who tried it."""


class State(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    FINISHED = "finished"
    DECLINED = "declined"
    EXPIRED = "expired"
    ABANDONED = "abandoned"
    CANCELLED = "cancelled"


class Outcome(StrEnum):
    WIN = "win"
    DRAW = "draw"
    FORFEIT = "forfeit"  # one player gave up or never answered
    ABANDONED = "abandoned"  # neither answered two rounds in a row: no rating change


def round_points(correct: bool, seconds: float, round_seconds: float) -> int:
    """Kahoot-style: a right answer is worth 1000 at once, 500 at the buzzer, wrong is 0."""
    if not correct:
        return 0
    fraction = min(max(seconds / round_seconds, 0.0), 1.0)
    return round(MAX_POINTS * (1 - fraction / 2))


@dataclass
class Answer:
    correct: bool
    seconds: float
    points: int


@dataclass
class Match:
    challenger: int
    opponent: int
    rounds: int
    round_seconds: float = DEFAULT_ROUND_SECONDS
    state: State = State.PENDING
    current_round: int = 0  # 1-based once active
    answers: dict[tuple[int, int], Answer] = field(default_factory=dict)  # (round, player)
    forfeited_by: int | None = None
    # Rounds whose question's list sets its own answer window; the others get round_seconds.
    windows: dict[int, float] = field(default_factory=dict)
    # Set when a list's timeout ended the match: (seconds nobody had answered for, the limit).
    timed_out: tuple[float, float] | None = None

    @property
    def players(self) -> tuple[int, int]:
        return self.challenger, self.opponent

    def window(self, round_number: int) -> float:
        return self.windows.get(round_number, self.round_seconds)

    def other(self, player: int) -> int:
        return self.opponent if player == self.challenger else self.challenger

    def accept(self, member: int) -> None:
        if member != self.opponent:
            raise DuelError("This isn't your duel: only the challenged member can answer it.")
        if self.state is not State.PENDING:
            raise DuelError("This challenge is no longer open.")
        self.state = State.ACTIVE
        self.current_round = 1

    def decline(self, member: int) -> None:
        if member != self.opponent:
            raise DuelError("This isn't your duel: only the challenged member can answer it.")
        if self.state is not State.PENDING:
            raise DuelError("This challenge is no longer open.")
        self.state = State.DECLINED

    def expire(self) -> bool:
        if self.state is not State.PENDING:
            return False
        self.state = State.EXPIRED
        return True

    def answer(self, member: int, round_number: int, correct: bool, seconds: float) -> Answer:
        if member not in self.players:
            raise DuelError("This isn't your duel.")
        if self.state is not State.ACTIVE or round_number != self.current_round:
            raise DuelError("This round is over.")
        if (round_number, member) in self.answers:
            raise DuelError("You already answered this round.")
        points = round_points(correct, seconds, self.window(round_number))
        answer = Answer(correct, seconds, points)
        self.answers[(round_number, member)] = answer
        return answer

    def round_complete(self) -> bool:
        return all((self.current_round, p) in self.answers for p in self.players)

    def close_round(self, silence_limit: float | None = None) -> bool:
        """End the current round; True when the match is over (last round, or abandoned).

        Neither player answering two rounds in a row abandons the match; ``silence_limit`` (the
        round's list's timeout) can abandon it sooner, at the close of a round nobody answered,
        once nobody has answered for that many seconds (see :meth:`silence`)."""
        if self.state is not State.ACTIVE:
            return True
        streak = self._silent_streak()
        if streak >= SILENT_ROUNDS_TO_ABANDON:
            self.state = State.ABANDONED
            return True
        silent = self.silence(streak)
        if streak and silence_limit is not None and silent >= silence_limit:
            self.state = State.ABANDONED
            self.timed_out = (silent, silence_limit)
            return True
        if self.current_round >= self.rounds:
            self.state = State.FINISHED
            return True
        self.current_round += 1
        return False

    def forfeit(self, member: int) -> None:
        if member not in self.players or self.state is not State.ACTIVE:
            raise DuelError("You are not in a running duel.")
        self.forfeited_by = member
        self.state = State.FINISHED

    def score(self, player: int) -> int:
        return sum(a.points for (_, p), a in self.answers.items() if p == player)

    def answered_rounds(self, player: int) -> int:
        return sum(1 for (_, p) in self.answers if p == player)

    def silence(self, streak: int) -> float:
        """Seconds nobody has answered for, as the current round closes: the full windows of
        the ``streak`` rounds in a row nobody answered, plus what was left of the round before
        them after its last answer (nothing when both answered: it closed at once)."""
        silent = sum(self.window(self.current_round - k) for k in range(streak))
        before = self.current_round - streak
        heard = [a.seconds for (n, _), a in self.answers.items() if n == before]
        if before >= 1 and len(heard) < len(self.players):
            silent += max(self.window(before) - max(heard, default=0.0), 0.0)
        return silent

    def _silent_streak(self) -> int:
        streak = 0
        for number in range(self.current_round, 0, -1):
            if any((number, p) in self.answers for p in self.players):
                break
            streak += 1
        return streak

    def result(self) -> tuple[Outcome, int | None]:
        """(outcome, winner); the winner is None for a draw or an abandoned match."""
        if self.state is State.ABANDONED:
            return Outcome.ABANDONED, None
        if self.forfeited_by is not None:
            return Outcome.FORFEIT, self.other(self.forfeited_by)
        silent = [p for p in self.players if self.answered_rounds(p) == 0]
        if len(silent) == 1:
            return Outcome.FORFEIT, self.other(silent[0])
        a, b = self.score(self.challenger), self.score(self.opponent)
        if a == b:
            return Outcome.DRAW, None
        return Outcome.WIN, self.challenger if a > b else self.opponent

    def challenger_score(self) -> float | None:
        """The challenger's Glicko-2 score (1, 0.5, 0), or None when ratings must not move."""
        outcome, winner = self.result()
        if outcome is Outcome.ABANDONED or self.state is not State.FINISHED:
            return None
        if winner is None:
            return 0.5
        return 1.0 if winner == self.challenger else 0.0
