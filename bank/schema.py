"""Question items and the rules of the bank format: the types every other part of quizbot reads.

The types are frozen so a loaded bank can be shared freely between servers; ``parse_item``
(bank.validation) builds them from raw mappings following the rules below, and the JSON Schema
(bank.jsonschema) is built from the same rules.
"""

from __future__ import annotations

import re
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
    image: str | None = None  # a picture shown with the prompt (an https link)
    author: str | None = None  # who wrote it, credited at the reveal (a Red list's AUTHOR)
    # Settings of the list it came from (a Red list's CONFIG), as (key, value) pairs.
    settings: tuple[tuple[str, object], ...] = field(default=(), compare=False)
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
    # Wrong claims candidates make about this question ("all experts run for every token"),
    # as phrases in their word order: each one a reply states costs it a point.
    misconceptions: tuple[str, ...] = ()

    @property
    def kind(self) -> Kind:
        return "keypoints"

    def answer_text(self) -> str:
        return "; ".join(point[0] for point in self.points)


Item = ShortItem | McqItem | TrueFalseItem | KeypointsItem


# --- The format's rules ------------------------------------------------------------------------

ID_PATTERN = re.compile(r"[a-z0-9-]{3,64}")
TOPIC_PATTERN = re.compile(r"[a-z0-9-]+")
# A seed document's 3-digit prefix and a question label in it: "000:12", "002:Q13", "003:I18".
SOURCE_PATTERN = re.compile(r"[0-9]{3}:[A-Z]{0,2}[0-9]{1,3}")
MAX_TEXT_CHARS = 1000  # prompts and explanations: an embed stays readable
MIN_CHOICES, MAX_CHOICES = 2, len(LETTERS)

COMMON_REQUIRED: tuple[str, ...] = ("id", "kind", "level", "prompt", "explanation")
COMMON_OPTIONAL: tuple[str, ...] = ("source", "tags", "image")
KIND_REQUIRED: dict[str, tuple[str, ...]] = {
    "short": ("answers",),
    "mcq": ("choices", "answer"),
    "truefalse": ("answer",),
    "keypoints": ("points",),
}
KIND_OPTIONAL: dict[str, tuple[str, ...]] = {
    "short": ("reject",),
    "mcq": (),
    "truefalse": (),
    "keypoints": ("need", "misconceptions"),
}
