"""Keypoint grading through its per-rubric lookups: typo'd phrasings and misconceptions."""

from __future__ import annotations

from typing import Any

from bank import KeypointsItem, parse_item
from bank.grading import grade


def interview(**changes: Any) -> KeypointsItem:
    fields: dict[str, Any] = {
        "id": "rag-basics",
        "kind": "keypoints",
        "level": "intermediate",
        "prompt": "How does retrieval-augmented generation work?",
        "points": [
            ["retrieves documents", "fetches passages"],
            ["embedding similarity", "vector search"],
            ["grounds the answer", "cites its sources"],
        ],
        "explanation": "It looks documents up and answers from them.",
    }
    fields.update(changes)
    item = parse_item(fields, "rag")
    assert isinstance(item, KeypointsItem)
    return item


def test_a_typo_in_a_later_phrasing_still_finds_its_point() -> None:
    # "vector serach" is found by close spelling only, and only the second point's second
    # phrasing holds "search": the lookup must reach that one form.
    reply = "It fetches passages, runs a vector serach over them and cites its sources."
    result = grade(interview(), reply)
    assert result.correct
    assert result.matched == ("fetches passages", "vector search", "cites its sources")
    assert result.missing == ()


def test_a_point_missing_from_a_typo_reply_is_named() -> None:
    reply = "It fetches passages and runs a vector serach, then it writes something."
    result = grade(interview(), reply)
    assert result.matched == ("fetches passages", "vector search")
    assert result.missing == ("grounds the answer",)


def test_a_misconception_said_of_the_llm_costs_a_point() -> None:
    # The claim is written about "the model"; a reply saying "the LLM" makes it too.
    item = interview(misconceptions=["the model is retrained on the documents"])
    reply = (
        "It retrieves documents by embedding similarity and grounds the answer; "
        "the LLM is retrained on the documents."
    )
    result = grade(item, reply)
    assert not result.correct
    assert "the model is retrained on the documents" in result.reason


def test_the_same_reply_without_the_misconception_passes() -> None:
    item = interview(misconceptions=["the model is retrained on the documents"])
    reply = "It retrieves documents by embedding similarity and grounds the answer."
    assert grade(item, reply).correct
