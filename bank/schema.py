"""Question items: the types every other part of quizbot reads.

Validation of raw mappings into these types lives further down in this module (``parse_item``);
the types themselves are frozen so a loaded bank can be shared freely between servers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["short", "mcq", "truefalse", "keypoints"]
Level = Literal["beginner", "intermediate", "advanced"]

KINDS: tuple[Kind, ...] = ("short", "mcq", "truefalse", "keypoints")
LEVELS: tuple[Level, ...] = ("beginner", "intermediate", "advanced")
QUICK_KINDS: frozenset[str] = frozenset({"short", "mcq", "truefalse"})
LETTERS = "ABCDEFGHIJ"


class BankError(ValueError):
    """A problem in a question bank, worded as ``path:line: message`` (one line per problem)."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems: list[str] = problems if problems is not None else [message]


@dataclass(frozen=True, slots=True, kw_only=True)
class BaseItem:
    id: str
    topic: str
    level: Level
    prompt: str
    explanation: str
    source: str | None = None
    tags: tuple[str, ...] = ()
    # Where the item came from ("path:line"), for error messages and reports.
    origin: str = field(default="", compare=False)

    @property
    def kind(self) -> Kind:
        raise NotImplementedError

    def answer_text(self) -> str:
        """The answer as shown at the reveal."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True, kw_only=True)
class ShortItem(BaseItem):
    answers: tuple[str, ...]
    reject: tuple[str, ...] = ()

    @property
    def kind(self) -> Kind:
        return "short"

    def answer_text(self) -> str:
        return self.answers[0]


@dataclass(frozen=True, slots=True, kw_only=True)
class McqItem(BaseItem):
    choices: tuple[str, ...]
    answer: str  # a letter, "A" for the first choice

    @property
    def kind(self) -> Kind:
        return "mcq"

    @property
    def answer_index(self) -> int:
        return LETTERS.index(self.answer)

    def answer_text(self) -> str:
        return f"{self.answer}) {self.choices[self.answer_index]}"


@dataclass(frozen=True, slots=True, kw_only=True)
class TrueFalseItem(BaseItem):
    answer: bool

    @property
    def kind(self) -> Kind:
        return "truefalse"

    def answer_text(self) -> str:
        return "True" if self.answer else "False"


@dataclass(frozen=True, slots=True, kw_only=True)
class KeypointsItem(BaseItem):
    points: tuple[tuple[str, ...], ...]  # each point: accepted phrasings of one idea
    need: int

    @property
    def kind(self) -> Kind:
        return "keypoints"

    def answer_text(self) -> str:
        return "; ".join(point[0] for point in self.points)


Item = ShortItem | McqItem | TrueFalseItem | KeypointsItem
