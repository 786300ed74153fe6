"""parse_item on plain mappings, the item types, and the JSON Schema built from the same rules."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bank import (
    BankError,
    KeypointsItem,
    McqItem,
    ShortItem,
    TrueFalseItem,
    parse_item,
)
from bank.jsonschema import bank_json_schema
from bank.schema import (
    COMMON_OPTIONAL,
    COMMON_REQUIRED,
    ID_PATTERN,
    KIND_OPTIONAL,
    KIND_REQUIRED,
    KINDS,
    LEVELS,
    SOURCE_PATTERN,
)


def short(**changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": "rag-acronym",
        "kind": "short",
        "level": "beginner",
        "prompt": "In RAG, what does the R stand for?",
        "answers": ["retrieval"],
        "explanation": "Retrieval: documents are fetched before generating.",
    }
    item.update(changes)
    return {key: value for key, value in item.items() if value is not None}


def problems(mapping: Any, topic: str = "rag") -> list[str]:
    with pytest.raises(BankError) as info:
        parse_item(mapping, topic=topic)
    assert str(info.value) == "\n".join(info.value.problems)
    return info.value.problems


# --- Building each kind ------------------------------------------------------------------------


def test_short_item_is_built_with_stripped_text_and_defaults() -> None:
    item = parse_item(short(prompt="  Why?\n", reject=["reinforcement"]), topic="rag")
    assert isinstance(item, ShortItem)
    assert item.kind == "short"
    assert item.topic == "rag"
    assert item.prompt == "Why?"
    assert item.answers == ("retrieval",)
    assert item.reject == ("reinforcement",)
    assert item.source is None
    assert item.tags == ()
    assert item.answer_text() == "retrieval"


def test_mcq_item_accepts_a_lowercase_letter() -> None:
    mapping = short(kind="mcq", answers=None, choices=["Top-k", "Nucleus", "Beam"], answer="b")
    item = parse_item(mapping, topic="sampling")
    assert isinstance(item, McqItem)
    assert item.answer == "B"
    assert item.answer_text() == "B) Nucleus"


def test_truefalse_item_takes_a_python_boolean() -> None:
    item = parse_item(short(kind="truefalse", answers=None, answer=False), topic="rag")
    assert isinstance(item, TrueFalseItem)
    assert item.answer is False


def test_keypoints_need_defaults_to_all_points() -> None:
    points = [["adds noise", "noising"], ["learns to denoise"]]
    item = parse_item(short(kind="keypoints", answers=None, points=points), topic="diffusion")
    assert isinstance(item, KeypointsItem)
    assert item.points == (("adds noise", "noising"), ("learns to denoise",))
    assert item.need == 2


def test_source_and_tags_are_kept() -> None:
    item = parse_item(short(source="002:Q6", tags=["retrieval", "basics"]), topic="rag")
    assert item.source == "002:Q6"
    assert item.tags == ("retrieval", "basics")


# --- Problems ------------------------------------------------------------------------------------


def test_a_non_mapping_is_refused() -> None:
    assert "must be a mapping" in problems(["id", "kind"])[0]


def test_every_problem_of_an_item_is_reported_at_once() -> None:
    found = problems(short(id="X", level="expert", answers=[], colour="red"))
    assert len(found) == 4
    assert any("'X' must be 3 to 64 characters" in p for p in found)
    assert any("unknown level 'expert'" in p for p in found)
    assert any("answers: is an empty list" in p for p in found)
    assert any("unknown key 'colour'" in p for p in found)


def test_messages_name_the_item_when_no_file_is_known() -> None:
    assert problems(short(level="expert"))[0].startswith("rag-acronym: level: ")


def test_the_file_prefixes_messages_when_given() -> None:
    with pytest.raises(BankError, match=r"^uploads/x\.yaml: rag-acronym: level: "):
        parse_item(short(level="expert"), topic="rag", file="uploads/x.yaml")


def test_a_bad_topic_is_refused() -> None:
    assert "topic 'RAG!' must be made of a-z, 0-9 and '-'" in problems(short(), topic="RAG!")[0]


def test_python_booleans_and_numbers_are_not_text() -> None:
    found = problems(short(answers=[True, 3]))
    assert "answers[0]: must be text, got a boolean (True)" in found[0]
    assert "answers[1]: must be text, got a number (3)" in found[1]


def test_a_string_instead_of_a_list_gets_an_example() -> None:
    assert "must be a list of answers, like [retrieval]" in problems(short(answers="retrieval"))[0]


def test_truefalse_refuses_text() -> None:
    found = problems(short(kind="truefalse", answers=None, answer="true"))
    assert "answer: must be true or false without quotes" in found[0]


def test_need_must_be_a_whole_number_not_a_boolean() -> None:
    found = problems(short(kind="keypoints", answers=None, points=[["a b"]], need=True))
    assert "need: must be a whole number" in found[0]


def test_a_rejected_answer_may_not_also_be_accepted() -> None:
    found = problems(short(answers=["retrieval"], reject=["Retrieval"]))
    assert "reject[0]: 'Retrieval' is also an accepted answer" in found[0]


def test_repeated_tags_are_refused() -> None:
    assert "duplicate tag" in problems(short(tags=["rag", "RAG"]))[0]


def test_missing_keys_of_an_unknown_kind_are_not_guessed() -> None:
    found = problems({"id": "abc", "kind": "essay"})
    assert "unknown kind 'essay'; accepted: short, mcq, truefalse, keypoints" in found[0]
    assert any("missing required key 'level'" in p for p in found)
    assert not any("answers" in p for p in found)


@pytest.mark.parametrize("source", ["000:1", "001:33", "002:Q13", "003:I18", "003:B40"])
def test_seed_labels_are_valid_sources(source: str) -> None:
    assert SOURCE_PATTERN.fullmatch(source)


# --- JSON Schema ---------------------------------------------------------------------------------


def test_json_schema_is_plain_json() -> None:
    schema = bank_json_schema()
    assert json.loads(json.dumps(schema)) == schema
    assert schema["definitions"]["bank"]["required"] == ["topic", "items"]


def test_json_schema_accepts_our_format_or_a_red_list() -> None:
    schema = bank_json_schema()
    refs = [branch["$ref"].removeprefix("#/definitions/") for branch in schema["oneOf"]]
    assert refs == ["bank", "red-list"]
    assert "required" not in schema and "properties" not in schema  # no branch is forced


def _matches_red_list(red: dict[str, Any], document: dict[str, Any]) -> bool:
    """The Red branch of the schema, applied by hand to a document (no validator installed):
    the keywords it uses, each checked the way JSON Schema defines it."""
    if any(key in document for rule in red["not"]["anyOf"] for key in rule["required"]):
        return False
    for key, value in document.items():
        rule = red["properties"].get(key)
        if rule is None:
            answers = red["additionalProperties"]
            if not isinstance(value, list) or len(value) < answers["minItems"]:
                return False
            if not all(isinstance(v, (str, int, float, bool)) for v in value):
                return False
        elif key == "CONFIG":
            if set(value) - set(rule["properties"]):
                return False
        elif not isinstance(value, str) or not rule.get("minLength", 0) <= len(value) <= rule.get(
            "maxLength", len(value)
        ):
            return False
    return len(document) >= red["minProperties"]


def test_a_red_list_the_loader_reads_matches_only_the_red_branch() -> None:
    from pathlib import Path

    import yaml

    from bank import load_bank

    path = Path(__file__).resolve().parents[1] / "fixtures" / "red" / "geography.yaml"
    assert load_bank(path)  # the loader reads it
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    definitions = bank_json_schema()["definitions"]
    assert _matches_red_list(definitions["red-list"], document)
    assert not set(definitions["bank"]["required"]) <= set(document)  # not our format
    ours = {"topic": "geo", "items": []}
    assert not _matches_red_list(definitions["red-list"], ours)  # ours never passes as Red's


def test_json_schema_allows_exactly_the_keys_the_validator_allows() -> None:
    definitions = bank_json_schema()["definitions"]
    for kind in KINDS:
        allowed = set(COMMON_REQUIRED + COMMON_OPTIONAL + KIND_REQUIRED[kind] + KIND_OPTIONAL[kind])
        assert set(definitions[kind]["properties"]) == allowed
        assert set(definitions[kind]["required"]) == set(COMMON_REQUIRED + KIND_REQUIRED[kind])
        assert definitions[kind]["additionalProperties"] is False


def test_json_schema_picks_the_kind_shape_with_if_then() -> None:
    item = bank_json_schema()["definitions"]["item"]
    kinds = [rule["if"]["properties"]["kind"]["const"] for rule in item["allOf"]]
    assert kinds == list(KINDS)
    assert item["properties"]["level"]["enum"] == list(LEVELS)
    assert item["properties"]["id"]["pattern"] == f"^(?:{ID_PATTERN.pattern})$"


# -- Discord's limits: what cannot be posted is refused, with file and line ---------------------


def _problems(text: str) -> list[str]:
    from bank import load_bank_text

    with pytest.raises(BankError) as caught:
        load_bank_text(text, "big.yaml")
    return caught.value.problems


def _mcq(choice: str, topic: str = "big", title: str = "Big") -> str:
    choices = ", ".join(f"{choice}{n}" for n in range(5))
    return (
        f"topic: {topic}\ntitle: {title}\nitems:\n"
        f"  - id: big-mcq\n    kind: mcq\n    level: beginner\n    prompt: Which?\n"
        f"    choices: [{choices}]\n    answer: A\n    explanation: Because.\n"
    )


def test_mcq_choices_must_fit_on_a_button() -> None:
    problems = _problems(_mcq("x" * 900))
    assert len(problems) == 5
    assert problems[0] == (
        "big.yaml:8: big-mcq: choices[0]: is 901 characters long; keep it to 80 "
        "(a choice must fit on a button)"
    )
    assert load_bank_text_ok(_mcq("y" * 79))  # 80 with the number


def test_topic_and_title_lengths_are_refused_once_per_file() -> None:
    problems = _problems(_mcq("a", topic="t" * 1100))
    assert problems == [
        "big.yaml:1: topic is 1,100 characters long; keep it to 64 "
        "(topics are listed in option lists of 100)"
    ]
    assert _problems(_mcq("a", title="T" * 300)) == [
        "big.yaml:2: title is 300 characters long; keep it to 256 (Discord's longest embed title)"
    ]
    with pytest.raises(BankError, match="topic is 65 characters long"):
        parse_item(_mapping(), topic="t" * 65)


def test_answers_phrasings_and_tags_stay_short() -> None:
    long_answer = {**_mapping(), "answers": ["a" * 1001], "tags": ["t" * 65]}
    with pytest.raises(BankError) as caught:
        parse_item(long_answer, topic="big")
    assert [p.split(": is")[0] for p in caught.value.problems] == [
        "x-item: answers[0]",
        "x-item: tags[0]",
    ]
    points = [[f"{'p' * 97}{n:02d}"] for n in range(12)]  # twelve fine phrasings, too long together
    keypoints = {**_mapping(), "kind": "keypoints", "points": points}
    del keypoints["answers"]
    together = r"^x-item: points: the first phrasings of the points add up to 1,2\d\d characters"
    with pytest.raises(BankError, match=together):
        parse_item(keypoints, topic="big")


def _mapping() -> dict[str, Any]:
    return {
        "id": "x-item",
        "kind": "short",
        "level": "beginner",
        "prompt": "What?",
        "answers": ["this"],
        "explanation": "Because.",
    }


def load_bank_text_ok(text: str) -> bool:
    from bank import load_bank_text

    return bool(load_bank_text(text, "big.yaml"))
