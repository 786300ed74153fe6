"""Red-DiscordBot trivia lists read as raw short items, for parse_item to check like ours.

A list is a flat mapping "question: [answers]" plus optional AUTHOR, DESCRIPTION and CONFIG keys.
Each question becomes a short item. Red authors write answers without quoting discipline
(numbers, yes/no), so here a non-text scalar is taken as written instead of being reported.
"""

from __future__ import annotations

import hashlib

from bank.located import RawItem, YamlList, YamlMap, YamlScalar

RED_RESERVED_KEYS = ("AUTHOR", "DESCRIPTION", "CONFIG", "$schema")
RED_LEVEL = "intermediate"


def red_items(root: YamlMap, topic: str, file: str, problems: list[str]) -> list[RawItem]:
    """The raw items of a Red trivia list; problems of the list itself are appended."""
    _check_red_metadata(root, file, problems)
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
    return items


def _check_red_metadata(root: YamlMap, file: str, problems: list[str]) -> None:
    for key in ("AUTHOR", "DESCRIPTION"):
        if key in root and not isinstance(root[key], str | YamlScalar):
            problems.append(f"{file}:{root.key_lines[key]}: {key} must be text")
    if "CONFIG" in root and not isinstance(root["CONFIG"], YamlMap):
        problems.append(f"{file}:{root.key_lines['CONFIG']}: CONFIG must be a mapping of settings")


def _red_item(
    question: str, answers: object, topic: str, line: int, file: str, problems: list[str]
) -> YamlMap | None:
    """The raw short item for one Red question, for parse_item to check like any other."""
    if not isinstance(answers, YamlList):
        problems.append(f"{file}:{line}: the answers to {question!r} must be a list")
        return None
    texts = _red_answers(answers)
    if not texts:
        problems.append(f"{file}:{line}: {question!r} has no answers")
        return None
    item = YamlMap(line)
    fields: dict[str, object] = {
        "id": _red_id(topic, question),
        "kind": "short",
        "level": RED_LEVEL,
        "prompt": question,
        "answers": texts,
        "explanation": _clip("Accepted answers: " + ", ".join(map(str, texts)) + "."),
    }
    for key, value in fields.items():
        item[key] = value
        item.key_lines[key] = line
    return item


def _red_answers(answers: YamlList) -> YamlList:
    """Answers as text, without empties or case-insensitive repeats ("SELECT", "Select")."""
    texts = YamlList(answers.line)
    seen: set[str] = set()
    for answer, line in zip(answers, answers.item_lines, strict=True):
        # Red's own loader turns 6 or True into "6"/"True"; we keep what the author wrote.
        text = answer.raw if isinstance(answer, YamlScalar) and answer.value is not None else answer
        if not isinstance(text, str) or not text.strip() or text.strip().casefold() in seen:
            continue
        seen.add(text.strip().casefold())
        texts.append(text.strip())
        texts.item_lines.append(line)
    return texts


def _red_id(topic: str, question: str) -> str:
    # Stable across imports (re-importing a list keeps everyone's progress on its questions)
    # and distinct across lists thanks to the topic; trimmed to fit the 64-character id limit.
    digest = hashlib.sha1(question.encode("utf-8"), usedforsecurity=False).hexdigest()[:8]
    return f"{topic[:55].rstrip('-')}-{digest}"


def _clip(text: str, limit: int = 1000) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
