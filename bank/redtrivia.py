"""Red-DiscordBot trivia lists read as raw short items, for parse_item to check like ours.

A list is a flat mapping "question: [answers]" plus optional AUTHOR, DESCRIPTION, CONFIG and
$schema keys. Each question becomes a short item. What Red's own schema refuses is refused here
too, with the line: metadata that is not text or too long, CONFIG keys Red does not know or
values it would refuse, answers that are not text, numbers or booleans, keys that are not text.
Red authors write answers without quoting discipline (numbers, yes/no), so a number or boolean
is taken as written; a boolean also accepts the words Red accepts for it (True/Yes/On).
A question asked twice keeps its last copy, as Red's YAML loading does, with a warning.
The CONFIG kept on each item is read back by :class:`ListSettings` where it is applied.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass

from bank.located import RawItem, YamlList, YamlMap, YamlScalar
from bank.yamlread import TopMap

RED_RESERVED_KEYS = ("AUTHOR", "DESCRIPTION", "CONFIG", "$schema")
RED_LEVEL = "intermediate"
# Red's limits on its metadata texts, in characters.
MAX_AUTHOR, MAX_DESCRIPTION = 1000, 200
# A picture link inside a prompt: shown as the embed's image instead of as raw text.
IMAGE_LINK = re.compile(
    r"<?(https?://[^\s<>]+?\.(?:png|jpe?g|gif|webp)(?:\?[^\s<>]*)?)>?(?=[\s\"')\]]|$)",
    re.IGNORECASE,
)
PICTURE_PROMPT = "What is shown in the picture?"
_BOOLEAN_WORDS = {True: ("True", "Yes", "On"), False: ("False", "No", "Off")}


@dataclass(frozen=True, slots=True)
class RedList:
    """What a Red list says about itself, kept for every item it gives."""

    author: str | None = None
    description: str | None = None
    config: tuple[tuple[str, object], ...] = ()


def _positive_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _positive(value: object) -> bool:
    number = _number(value)
    return number is not None and number > 0


def _at_least_four(value: object) -> bool:
    number = _number(value)
    return number is not None and number >= 4


def _non_negative(value: object) -> bool:
    number = _number(value)
    return number is not None and number >= 0


def _boolean(value: object) -> bool:
    return isinstance(value, bool)


# The CONFIG keys Red knows, with the rule its schema applies and how it words it.
RED_CONFIG_RULES = {
    "max_score": (_positive_int, "must be a positive whole number"),
    "timeout": (_positive, "must be a positive number"),
    "delay": (_at_least_four, "must be a number of at least 4"),
    "bot_plays": (_boolean, "must be true or false"),
    "reveal_answer": (_boolean, "must be true or false"),
    "payout_multiplier": (_non_negative, "must be a number, 0 or more"),
    "use_spoilers": (_boolean, "must be true or false"),
}


@dataclass(frozen=True, slots=True)
class ListSettings:
    """The CONFIG keys of a question's list that mean something here, with Red's defaults.

    None for ``delay`` and ``timeout`` means the list leaves them to us (the server's round
    time, our own silence rule). Red's other keys (max_score, bot_plays, payout_multiplier) are
    validated but have no meaning here: see the README's paragraph on Red lists.
    """

    delay: float | None = None  # seconds a question stays open
    timeout: float | None = None  # seconds without an answer before the game stops
    reveal_answer: bool = True  # tell the answer when nobody got it
    use_spoilers: bool = False  # answers shown behind spoiler tags

    @classmethod
    def of(cls, settings: tuple[tuple[str, object], ...]) -> ListSettings:
        """From an item's ``settings`` (checked at load, so every value has its right type)."""
        found = dict(settings)
        delay, timeout = _number(found.get("delay")), _number(found.get("timeout"))
        return cls(
            delay=delay,
            timeout=timeout,
            reveal_answer=found.get("reveal_answer", True) is not False,
            use_spoilers=found.get("use_spoilers", False) is True,
        )


def split_image(prompt: str) -> tuple[str, str | None]:
    """The prompt without its picture link, and the link (None when there is none)."""
    found = IMAGE_LINK.search(prompt)
    if found is None:
        return prompt, None
    text = (prompt[: found.start()] + prompt[found.end() :]).strip()
    text = re.sub(r"[ \t]{2,}", " ", text).strip(" :-")
    return (text or PICTURE_PROMPT), found.group(1)


def red_items(
    root: YamlMap, topic: str, file: str, problems: list[str], warnings: list[str]
) -> tuple[list[RawItem], RedList]:
    """The raw items of a Red trivia list and what it says about itself.

    Problems of the list itself are appended to ``problems``; repeated questions (the last copy
    kept) to ``warnings``.
    """
    about = _red_metadata(root, file, problems)
    if isinstance(root, TopMap):
        for key, first, again in root.repeats:
            where = "AUTHOR/DESCRIPTION/CONFIG" if key in RED_RESERVED_KEYS else "question"
            warnings.append(
                f"{file}:{again}: {where} {key!r} repeats line {first}; the copy at line "
                f"{again} is kept, as Red does"
            )
            root.key_lines[key] = again  # the kept copy is the one to point at
        for key, what in root.typed_keys.items():
            problems.append(
                f"{file}:{root.key_lines[key]}: the question {key!r} is read by YAML as a "
                f"{what}, not text: write it in quotes (Red refuses it too)"
            )
    items: list[RawItem] = []
    for question, answers in root.items():
        if question in RED_RESERVED_KEYS:
            continue
        line = root.key_lines[question]
        item = _red_item(question, answers, topic, line, file, problems)
        if item is not None:
            items.append((item, line))
    if not items and not problems:
        problems.append(
            f"{file}:{root.line}: no questions found: a quizbot bank has 'topic' and "
            "'items'; a Red trivia list maps each question to a list of answers"
        )
    return items, about


def _metadata_text(root: YamlMap, key: str, limit: int, file: str, problems: list[str]) -> str:
    value = root.get(key)
    if value is None and key not in root:
        return ""
    text = value.raw if isinstance(value, YamlScalar) and value.value is not None else value
    if not isinstance(text, str) or not 1 <= len(text) <= limit:
        problems.append(
            f"{file}:{root.key_lines[key]}: {key} must be text of 1 to {limit} characters"
        )
        return ""
    return text.strip()


def _red_metadata(root: YamlMap, file: str, problems: list[str]) -> RedList:
    author = _metadata_text(root, "AUTHOR", MAX_AUTHOR, file, problems)
    description = _metadata_text(root, "DESCRIPTION", MAX_DESCRIPTION, file, problems)
    if "$schema" in root and not isinstance(root["$schema"], str):
        problems.append(f"{file}:{root.key_lines['$schema']}: $schema must be text")
    config: list[tuple[str, object]] = []
    if "CONFIG" in root:
        settings = root["CONFIG"]
        if not isinstance(settings, YamlMap):
            problems.append(
                f"{file}:{root.key_lines['CONFIG']}: CONFIG must be a mapping of settings"
            )
        else:
            config = _red_config(settings, file, problems)
    return RedList(author or None, description or None, tuple(config))


def _red_config(settings: YamlMap, file: str, problems: list[str]) -> list[tuple[str, object]]:
    config: list[tuple[str, object]] = []
    for key, raw in settings.items():
        line = settings.key_lines[key]
        rule = RED_CONFIG_RULES.get(key)
        if rule is None:
            known = ", ".join(RED_CONFIG_RULES)
            problems.append(f"{file}:{line}: CONFIG: unknown setting {key!r}; Red knows: {known}")
            continue
        value = raw.value if isinstance(raw, YamlScalar) else raw
        check, rule_text = rule
        if not check(value):
            shown = raw.raw if isinstance(raw, YamlScalar) else repr(raw)
            problems.append(f"{file}:{line}: CONFIG: {key} {rule_text}, got {shown}")
            continue
        config.append((key, value))
    return config


def _red_item(
    question: str, answers: object, topic: str, line: int, file: str, problems: list[str]
) -> YamlMap | None:
    """The raw short item for one Red question, for parse_item to check like any other."""
    if not isinstance(answers, YamlList):
        problems.append(f"{file}:{line}: the answers to {question!r} must be a list")
        return None
    texts = _red_answers(question, answers, file, problems)
    if texts is None:
        return None
    if not texts:
        problems.append(f"{file}:{line}: {question!r} has no answers")
        return None
    prompt, image = split_image(question.strip())
    item = YamlMap(line)
    fields: dict[str, object] = {
        "id": _red_id(topic, question),
        "kind": "short",
        "level": RED_LEVEL,
        "prompt": prompt,
        "answers": texts,
        "explanation": _clip("Accepted answers: " + ", ".join(map(str, texts)) + "."),
    }
    if image is not None:
        fields["image"] = image
    for key, value in fields.items():
        item[key] = value
        item.key_lines[key] = line
    return item


def _red_answers(
    question: str, answers: YamlList, file: str, problems: list[str]
) -> YamlList | None:
    """Answers as text, without empties or repeats that differ only in case or spacing.

    None when an answer is something Red refuses (nothing, a date, a list or a mapping).
    """
    texts = YamlList(answers.line)
    seen: set[str] = set()
    refused = False
    for answer, line in zip(answers, answers.item_lines, strict=True):
        words: tuple[str, ...]
        if isinstance(answer, str):
            words = (answer,)
        elif isinstance(answer, YamlScalar) and isinstance(answer.value, bool):
            # As written first ("yes"), then the words Red accepts for the same boolean.
            words = (answer.raw, *_BOOLEAN_WORDS[answer.value])
        elif isinstance(answer, YamlScalar) and _number(answer.value) is not None:
            words = (answer.raw,)  # "1_000" and "0x1F" stay as the author wrote them
        else:
            shown = answer.raw if isinstance(answer, YamlScalar) else "a list or mapping"
            problems.append(
                f"{file}:{line}: an answer to {question!r} must be text, a number or "
                f"true/false (Red refuses it too), got {shown or 'nothing'}"
            )
            refused = True
            continue
        for word in words:
            folded = " ".join(word.casefold().split())
            if not folded or folded in seen:
                continue
            seen.add(folded)
            texts.append(" ".join(word.split()))
            texts.item_lines.append(line)
    return None if refused else texts


def _red_id(topic: str, question: str) -> str:
    # Stable across imports (re-importing a list keeps everyone's progress on its questions)
    # and distinct across lists thanks to the topic; trimmed to fit the 64-character id limit.
    digest = hashlib.sha1(question.encode("utf-8"), usedforsecurity=False).hexdigest()[:8]
    return f"{topic[:55].rstrip('-')}-{digest}"


def _clip(text: str, limit: int = 1000) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
