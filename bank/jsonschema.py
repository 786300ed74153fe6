"""A JSON Schema of the bank format, so editors can check and complete bank files as you type.

Built from the same constants as the validator, so the two cannot drift apart. It cannot say
everything parse_item checks (an mcq answer within its choices, repeats ignoring case, need up
to the number of points); `quizbot bank validate` remains the authority.

To use it in VS Code (YAML extension), put this first line in a bank file:
    # yaml-language-server: $schema=bank.schema.json
after `quizbot bank schema > bank.schema.json`.
"""

from __future__ import annotations

from typing import Any

from bank import schema as rules

_TEXT = {"type": "string", "pattern": r"\S"}
_LONG_TEXT = {"type": "string", "pattern": r"\S", "maxLength": rules.MAX_TEXT_CHARS}


def _text_list(description: str) -> dict[str, Any]:
    # uniqueItems is case-sensitive; the validator also rejects repeats that differ in case.
    return {
        "type": "array",
        "minItems": 1,
        "uniqueItems": True,
        "items": _TEXT,
        "description": description,
    }


def _anchored(pattern: str) -> str:
    # JSON Schema patterns search anywhere in the string; ours must match all of it.
    return f"^(?:{pattern})$"


def _common_properties() -> dict[str, Any]:
    return {
        "id": {
            "type": "string",
            "pattern": _anchored(rules.ID_PATTERN.pattern),
            "description": "Unique in the bank: 3 to 64 characters of a-z, 0-9 and '-'.",
        },
        "kind": {"enum": list(rules.KINDS), "description": "What kind of question this is."},
        "level": {"enum": list(rules.LEVELS)},
        "prompt": {**_LONG_TEXT, "description": "The question as shown."},
        "explanation": {**_LONG_TEXT, "description": "Shown when the answer is revealed."},
        "source": {
            "type": "string",
            "pattern": _anchored(rules.SOURCE_PATTERN.pattern),
            "description": 'Seed file prefix and question label, like "002:Q13".',
        },
        "tags": _text_list("Free-form tags."),
        "image": {
            "type": "string",
            "pattern": "^https://[^\\s/]+\\.[^\\s/]+/\\S*$",
            "description": "A picture shown with the prompt: an https link.",
        },
    }


def _red_list_schema() -> dict[str, Any]:
    """A Red-DiscordBot trivia list, as the loader accepts it (Red's own rules)."""
    number = {"type": "number"}
    flag = {"type": "boolean"}
    return {
        "type": "object",
        "description": "A Red-DiscordBot trivia list: each question maps to its answers.",
        "not": {"anyOf": [{"required": [key]} for key in ("topic", "title", "items")]},
        "minProperties": 1,
        "properties": {
            "$schema": {"type": "string"},
            "AUTHOR": {"type": "string", "minLength": 1, "maxLength": 1000},
            "DESCRIPTION": {"type": "string", "minLength": 1, "maxLength": 200},
            "CONFIG": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "max_score": {"type": "integer", "minimum": 1},
                    "timeout": {**number, "exclusiveMinimum": 0},
                    "delay": {**number, "minimum": 4},
                    "bot_plays": flag,
                    "reveal_answer": flag,
                    "payout_multiplier": {**number, "minimum": 0},
                    "use_spoilers": flag,
                },
            },
        },
        "additionalProperties": {
            "type": "array",
            "minItems": 1,
            "items": {"type": ["string", "number", "boolean"]},
        },
    }


def _kind_properties() -> dict[str, dict[str, Any]]:
    return {
        "short": {
            "answers": _text_list("Accepted answers; the first is shown at the reveal."),
            "reject": _text_list("Close-but-wrong answers that must not be accepted."),
        },
        "mcq": {
            "choices": {
                "type": "array",
                "minItems": rules.MIN_CHOICES,
                "maxItems": rules.MAX_CHOICES,
                "uniqueItems": True,
                "items": _TEXT,
            },
            "answer": {"enum": list(rules.LETTERS), "description": "Letter of the right choice."},
        },
        "truefalse": {"answer": {"type": "boolean"}},
        "keypoints": {
            "points": {
                "type": "array",
                "minItems": 1,
                "items": _text_list("Accepted phrasings of one idea."),
            },
            "need": {
                "type": "integer",
                "minimum": 1,
                "description": "Points needed to count as correct (default: all).",
            },
            "misconceptions": _text_list(
                "Wrong claims candidates make, in their word order; each one stated costs a point."
            ),
        },
    }


def _kind_schema(kind: str) -> dict[str, Any]:
    """The complete shape of one kind of item: only its own keys are allowed."""
    common = {key: True for key in rules.COMMON_REQUIRED + rules.COMMON_OPTIONAL}  # typed in "item"
    return {
        "required": list(rules.COMMON_REQUIRED + rules.KIND_REQUIRED[kind]),
        "properties": {**common, **_kind_properties()[kind]},
        "additionalProperties": False,
    }


def _item_schema() -> dict[str, Any]:
    # Common keys are typed here; if/then picks the per-kind shape from `kind`, which gives
    # editors far clearer messages than a oneOf over four item shapes would.
    assert set(rules.KIND_REQUIRED) == set(rules.KIND_OPTIONAL) == set(rules.KINDS)
    return {
        "type": "object",
        "required": list(rules.COMMON_REQUIRED),
        "properties": _common_properties(),
        "allOf": [
            {
                "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
                "then": {"$ref": f"#/definitions/{kind}"},
            }
            for kind in rules.KINDS
        ],
    }


def _our_bank_schema() -> dict[str, Any]:
    """A bank file in our format: a topic, an optional title, and its items."""
    return {
        "type": "object",
        "description": "One topic's questions. Checked in full by `quizbot bank validate`.",
        "required": ["topic", "items"],
        "additionalProperties": False,
        "properties": {
            "topic": {"type": "string", "pattern": _anchored(rules.TOPIC_PATTERN.pattern)},
            "title": _TEXT,
            "items": {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/item"}},
        },
    }


def bank_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft-07, which editors support best) of a bank file: our format or a
    Red trivia list, as the loader reads both. The two cannot overlap (a Red list may not use
    our file keys, and ours allows no others), so exactly one branch of the oneOf matches."""
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "quizbot question bank",
        "description": "Our bank format or a Red-DiscordBot trivia list.",
        "oneOf": [{"$ref": "#/definitions/bank"}, {"$ref": "#/definitions/red-list"}],
        "definitions": {
            "bank": _our_bank_schema(),
            "item": _item_schema(),
            **{kind: _kind_schema(kind) for kind in rules.KINDS},
            "red-list": _red_list_schema(),
        },
    }
