"""The misconceptions field of keypoints items (issue 19): how the bank format takes it."""

from __future__ import annotations

from typing import Any

import pytest

from bank import BankError, KeypointsItem, parse_item
from bank.jsonschema import bank_json_schema


def interview(**changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": "transformers-moe",
        "kind": "keypoints",
        "level": "advanced",
        "prompt": "What is a Mixture-of-Experts layer?",
        "points": [["router", "gating network"], ["only a few experts", "sparse"]],
        "explanation": "A router sends each token to a few experts.",
    }
    item.update(changes)
    return item


def test_misconceptions_are_optional() -> None:
    item = parse_item(interview(), "transformers")
    assert isinstance(item, KeypointsItem) and item.misconceptions == ()


def test_misconceptions_are_read_in_order() -> None:
    claims = ["all experts run for every token", "experts are separate models"]
    item = parse_item(interview(misconceptions=claims), "transformers")
    assert isinstance(item, KeypointsItem)
    assert item.misconceptions == tuple(claims)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("all experts run", "must be a list of misconceptions"),
        ([], "is an empty list: give at least one misconception"),
        (["Router"], "'Router' is also an accepted phrasing"),
    ],
)
def test_bad_misconceptions_are_explained(value: object, message: str) -> None:
    with pytest.raises(BankError) as raised:
        parse_item(interview(misconceptions=value), "transformers")
    assert message in str(raised.value)


def test_the_editor_schema_takes_a_list_of_claims() -> None:
    field = bank_json_schema()["definitions"]["keypoints"]["properties"]["misconceptions"]
    assert field["type"] == "array" and field["minItems"] == 1
    assert "misconceptions" not in bank_json_schema()["definitions"]["short"]["properties"]
