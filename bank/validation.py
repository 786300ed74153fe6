"""parse_item: a raw mapping (from YAML, JSON or Python) checked and built into an Item.

It raises BankError listing *every* problem of that item, so an author fixes a file in one pass
instead of one error per run.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TypedDict, cast

from bank import limits
from bank.located import YamlList, YamlMap, YamlScalar
from bank.schema import (
    COMMON_OPTIONAL,
    COMMON_REQUIRED,
    ID_PATTERN,
    KIND_OPTIONAL,
    KIND_REQUIRED,
    KINDS,
    LETTERS,
    LEVELS,
    MAX_CHOICES,
    MAX_TEXT_CHARS,
    MIN_CHOICES,
    SOURCE_PATTERN,
    TOPIC_PATTERN,
    BankError,
    Item,
    KeypointsItem,
    Level,
    McqItem,
    ShortItem,
    TrueFalseItem,
)

FieldPath = tuple[str | int, ...]


def parse_item(mapping: Mapping[str, object], topic: str, *, file: str = "") -> Item:
    """Build one item from a mapping; BankError lists every problem found in it.

    ``file`` names where the mapping came from; with a YamlMap, messages also carry line numbers.
    """
    if not isinstance(mapping, Mapping):
        where = _where(file, getattr(mapping, "line", None))
        message = f"an item must be a mapping of keys to values, not {_describe(mapping)}"
        raise BankError(f"{where}: {message}" if where else message)
    checker = _ItemChecker(mapping, file)
    item = checker.build(topic)
    if item is None:
        problems = checker.sorted_problems()
        raise BankError("\n".join(problems), problems)
    return item


def _where(file: str, line: int | None) -> str:
    if file and line is not None:
        return f"{file}:{line}"
    return file


def _describe(value: object) -> str:
    """A short, human name for what a value is, for "expected X, got Y" messages."""
    if isinstance(value, YamlScalar):
        return f"a {value.type_name} ({value.raw})"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ({value!r})"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def _quoted(raw: str) -> str:
    return f"'{raw}'" if '"' in raw else f'"{raw}"'


def _not_text_message(value: object) -> str:
    if value is None:
        return "is empty"
    if isinstance(value, YamlScalar) and value.plain:
        if value.value is None and value.raw in ("", "~"):
            return "is empty"  # `prompt:` with nothing after it
        return (
            f"YAML reads {value.raw} as a {value.type_name}, not text: "
            f"write it in quotes ({_quoted(value.raw)})"
        )
    return f"must be text, got {_describe(value)}"


def _fold(text: str) -> str:
    """The form under which two answers count as the same: case and spacing ignored."""
    return " ".join(text.casefold().split())


def _field_name(path: FieldPath) -> str:
    name = ""
    for step in path:
        name += f"[{step}]" if isinstance(step, int) else (f".{step}" if name else step)
    return name


def _line_at(mapping: Mapping[str, object], path: FieldPath) -> int | None:
    """The most precise line known for ``path`` inside ``mapping`` (None for plain dicts)."""
    line: int | None = getattr(mapping, "line", None)
    value: object = mapping
    for step in path:
        if isinstance(value, YamlMap) and isinstance(step, str) and step in value.key_lines:
            line, value = value.key_lines[step], value[step]
        elif isinstance(value, YamlList) and isinstance(step, int) and step < len(value):
            line, value = value.item_lines[step], value[step]
        else:
            break
    return line


class _CommonFields(TypedDict):
    id: str
    topic: str
    level: Level
    prompt: str
    explanation: str
    source: str | None
    tags: tuple[str, ...]
    origin: str


class _ItemChecker:
    """Checks one raw item, collecting every problem, each located as precisely as possible."""

    def __init__(self, mapping: Mapping[str, object], file: str) -> None:
        self.mapping = mapping
        self.file = file
        self.problems: list[str] = []
        self.problem_lines: list[int] = []
        raw_id = mapping.get("id")
        # Name the item in every message: a line number alone is hard to act on in a chat reply.
        self.label = raw_id.strip() if isinstance(raw_id, str) and raw_id.strip() else "item"

    def report(self, path: FieldPath, message: str) -> None:
        line = _line_at(self.mapping, path)
        parts = [part for part in (_where(self.file, line), self.label, _field_name(path)) if part]
        self.problems.append(": ".join([*parts, message]))
        self.problem_lines.append(line or 0)

    def sorted_problems(self) -> list[str]:
        """Problems in file order, the way an author walks through them."""
        order = sorted(range(len(self.problems)), key=self.problem_lines.__getitem__)
        return [self.problems[index] for index in order]

    # -- the whole item --------------------------------------------------------------------

    def build(self, topic: str) -> Item | None:
        if not TOPIC_PATTERN.fullmatch(topic):
            self.report((), f"topic {topic[:80]!r} must be made of a-z, 0-9 and '-'")
        elif limits.topic_problem(topic):
            self.report((), str(limits.topic_problem(topic)))
        kind = self.choice("kind", KINDS)
        self.check_keys(kind)
        common = self.common_fields(topic)
        # Kind-specific fields are checked even when common ones failed: report everything.
        if kind == "short":
            item: Item | None = self.short_item(common)
        elif kind == "mcq":
            item = self.mcq_item(common)
        elif kind == "truefalse":
            item = self.truefalse_item(common)
        elif kind == "keypoints":
            item = self.keypoints_item(common)
        else:
            item = None
        if item is not None:  # fits the format: does it fit where Discord shows it?
            for path, message in limits.problems(item):
                self.report(path, message)
        return None if self.problems else item

    def check_keys(self, kind: str | None) -> None:
        required = COMMON_REQUIRED + (KIND_REQUIRED[kind] if kind else ())
        allowed = set(required + COMMON_OPTIONAL)
        allowed |= set(KIND_OPTIONAL[kind]) if kind else _ALL_KIND_KEYS
        for key in self.mapping:
            if not isinstance(key, str):
                self.report((), f"keys must be text, got {_describe(key)}")
            elif key not in allowed:
                self.report((key,), self.unknown_key_message(key, kind, allowed))
        for key in required:
            if key not in self.mapping:
                what = f"a {kind} item" if kind else "every item"
                self.report(
                    (), f"missing required key '{key}' ({what} needs: {', '.join(required)})"
                )

    @staticmethod
    def unknown_key_message(key: str, kind: str | None, allowed: set[str]) -> str:
        what = f"a {kind} item" if kind else "an item"
        message = f"unknown key '{key}'; allowed in {what}: {', '.join(sorted(allowed))}"
        close = difflib.get_close_matches(key, allowed, n=1)
        return f"{message} (did you mean '{close[0]}'?)" if close else message

    def common_fields(self, topic: str) -> _CommonFields | None:
        problems_before = len(self.problems)
        item_id = self.pattern_text("id", ID_PATTERN, "3 to 64 characters of a-z, 0-9 and '-'")
        level = self.choice("level", LEVELS)
        prompt = self.long_text("prompt")
        explanation = self.long_text("explanation")
        source = self.source()
        tags = self.optional_texts("tags", "tag")
        if len(self.problems) > problems_before:
            return None
        if (
            item_id is None
            or level is None
            or prompt is None
            or explanation is None
            or tags is None
        ):
            return None  # a required key is missing: check_keys has said so
        return _CommonFields(
            id=item_id,
            topic=topic,
            level=cast(Level, level),  # choice() only returns members of LEVELS
            prompt=prompt,
            explanation=explanation,
            source=source,
            tags=tags,
            origin=_where(self.file, getattr(self.mapping, "line", None)),
        )

    # -- per kind ----------------------------------------------------------------------------

    def short_item(self, common: _CommonFields | None) -> ShortItem | None:
        answers = self.required_texts("answers", "answer")
        reject = self.optional_texts("reject", "answer")
        if answers is None or reject is None:
            return None
        accepted = {_fold(answer) for answer in answers}
        for index, wrong in enumerate(reject):
            if _fold(wrong) in accepted:
                self.report(("reject", index), f"{wrong!r} is also an accepted answer")
        if common is None:
            return None
        return ShortItem(**common, answers=answers, reject=reject)

    def mcq_item(self, common: _CommonFields | None) -> McqItem | None:
        choices = self.required_texts("choices", "choice")
        if choices is not None and not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
            count = len(choices)
            self.report(
                ("choices",), f"an mcq needs {MIN_CHOICES} to {MAX_CHOICES} choices, got {count}"
            )
            choices = None
        letter = self.answer_letter(len(choices) if choices is not None else MAX_CHOICES)
        if common is None or choices is None or letter is None:
            return None
        return McqItem(**common, choices=choices, answer=letter)

    def answer_letter(self, choice_count: int) -> str | None:
        if "answer" not in self.mapping:
            return None
        value = self.mapping["answer"]
        letters = LETTERS[:choice_count]
        span = f"{letters[0]}-{letters[-1]}"
        if not isinstance(value, str):
            self.report(
                ("answer",),
                f"must be the letter of the right choice ({span}), got {_describe(value)}",
            )
            return None
        letter = value.strip().upper()
        if len(letter) != 1 or letter not in letters:
            self.report(
                ("answer",),
                f"{value!r} is not the letter of one of the {choice_count} choices ({span})",
            )
            return None
        return letter

    def truefalse_item(self, common: _CommonFields | None) -> TrueFalseItem | None:
        if "answer" not in self.mapping:
            return None
        value = self.resolved("answer")
        if not isinstance(value, bool):
            hint = " without quotes" if isinstance(value, str) else ""
            self.report(
                ("answer",), f"must be true or false{hint}, got {_describe(self.mapping['answer'])}"
            )
            return None
        if common is None:
            return None
        return TrueFalseItem(**common, answer=value)

    def keypoints_item(self, common: _CommonFields | None) -> KeypointsItem | None:
        points = self.points()
        need = self.need(len(points) if points is not None else None)
        misconceptions = self.optional_texts("misconceptions", "misconception")
        if common is None or points is None or need is None or misconceptions is None:
            return None
        phrasings = {" ".join(p.casefold().split()) for point in points for p in point}
        for index, claim in enumerate(misconceptions):
            if " ".join(claim.casefold().split()) in phrasings:
                self.report(("misconceptions", index), f"{claim!r} is also an accepted phrasing")
                return None
        return KeypointsItem(**common, points=points, need=need, misconceptions=misconceptions)

    def points(self) -> tuple[tuple[str, ...], ...] | None:
        if "points" not in self.mapping:
            return None
        value = self.mapping["points"]
        if not isinstance(value, list | tuple) or not value:
            self.report(
                ("points",),
                "must be a non-empty list of points, each a list of phrasings, "
                "like [[adds noise, noising], [learns to denoise]]",
            )
            return None
        points = [
            self.texts(("points", index), phrasings, "phrasing")
            for index, phrasings in enumerate(value)
        ]
        valid = [point for point in points if point is not None]
        return tuple(valid) if len(valid) == len(points) else None

    def need(self, point_count: int | None) -> int | None:
        """How many points make a correct reply; all of them unless ``need`` says otherwise."""
        if "need" not in self.mapping:
            return point_count
        value = self.resolved("need")
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(("need",), f"must be a whole number, got {_describe(self.mapping['need'])}")
            return None
        if point_count is not None and not 1 <= value <= point_count:
            self.report(
                ("need",),
                f"must be between 1 and the number of points ({point_count}), got {value}",
            )
            return None
        return value

    # -- field helpers -----------------------------------------------------------------------

    def resolved(self, key: str) -> object:
        """The value under ``key``, a YAML scalar taken as what YAML read (``true``, ``2``)."""
        value = self.mapping[key]
        return value.value if isinstance(value, YamlScalar) else value

    def text(self, path: FieldPath, value: object) -> str | None:
        """``value`` as stripped text, or None after saying why it is not usable text."""
        if isinstance(value, str) and value.strip():
            return value.strip()
        self.report(path, "is empty" if isinstance(value, str) else _not_text_message(value))
        return None

    def checked_text(self, key: str, problem: Callable[[str], str | None]) -> str | None:
        """The text under ``key``, or None when absent or unusable; ``problem(text)`` names
        what else is wrong with it (None when nothing)."""
        if key not in self.mapping:
            return None
        text = self.text((key,), self.mapping[key])
        message = problem(text) if text is not None else None
        if message is not None:
            self.report((key,), message)
            return None
        return text

    def long_text(self, key: str) -> str | None:
        return self.checked_text(
            key,
            lambda text: (
                f"is {len(text)} characters long; keep it to {MAX_TEXT_CHARS}"
                if len(text) > MAX_TEXT_CHARS
                else None
            ),
        )

    def pattern_text(self, key: str, pattern: re.Pattern[str], rule: str) -> str | None:
        return self.checked_text(
            key, lambda text: None if pattern.fullmatch(text) else f"{text!r} must be {rule}"
        )

    def choice(self, key: str, accepted: tuple[str, ...]) -> str | None:
        return self.checked_text(
            key,
            lambda text: (
                None
                if text in accepted
                else f"unknown {key} {text!r}; accepted: {', '.join(accepted)}"
            ),
        )

    def source(self) -> str | None:
        rule = 'a seed prefix and question label like "002:Q13" (NNN:LABEL)'
        return self.pattern_text("source", SOURCE_PATTERN, rule)

    def required_texts(self, key: str, what: str) -> tuple[str, ...] | None:
        if key not in self.mapping:
            return None
        return self.texts((key,), self.mapping[key], what)

    def optional_texts(self, key: str, what: str) -> tuple[str, ...] | None:
        """The texts under an optional key: () when absent, None when present but invalid."""
        if key not in self.mapping:
            return ()
        return self.texts((key,), self.mapping[key], what)

    def texts(self, path: FieldPath, value: object, what: str) -> tuple[str, ...] | None:
        """A non-empty list of distinct texts (compared ignoring case), or None if invalid."""
        if not isinstance(value, list | tuple):
            example = f", like [{value}]" if isinstance(value, str) else ""
            self.report(path, f"must be a list of {what}s{example}; got {_describe(value)}")
            return None
        if not value:
            self.report(path, f"is an empty list: give at least one {what}")
            return None
        problems_before = len(self.problems)
        first_index: dict[str, int] = {}
        texts: list[str] = []
        for index, element in enumerate(value):
            # Checked inline for speed (every answer of the bank passes here); text() explains
            # what is wrong with anything else.
            text = element.strip() if isinstance(element, str) else ""
            if not text:
                self.text((*path, index), element)
                continue
            folded = " ".join(text.casefold().split())  # as _fold()
            if folded in first_index:
                same_as = _field_name((*path, first_index[folded]))
                self.report(
                    (*path, index), f"duplicate {what} {text!r} (same as {same_as}, ignoring case)"
                )
            first_index.setdefault(folded, index)
            texts.append(text)
        return tuple(texts) if len(self.problems) == problems_before else None


_ALL_KIND_KEYS = {
    key for keys in (*KIND_REQUIRED.values(), *KIND_OPTIONAL.values()) for key in keys
}


BUILTIN_OWNER = "the built-in bank"


def owned_ids(items: Iterable[Item], owner: str) -> dict[str, str]:
    """Each id of ``items`` with who has it, for :func:`id_clashes`."""
    return dict.fromkeys((item.id for item in items), owner)


def id_clashes(items: Iterable[Item], taken: Mapping[str, str]) -> list[str]:
    """Problems for items whose id another question already has, ``taken`` mapping each id
    to who has it ("the built-in bank"). /bank import and `quizbot bank validate` both say it
    this way, so the two give the same verdict."""
    return [
        f"{item.origin}: id `{item.id}` is already used by another question "
        f"({taken[item.id]}); rename it"
        for item in items
        if item.id in taken
    ]
