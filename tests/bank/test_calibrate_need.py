"""The one-round `need` calibration of bench/calibrate_need.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from bank.schema import KeypointsItem
from bench.calibrate_need import raised_need, write_need


def rubric(need: int) -> KeypointsItem:
    return KeypointsItem(
        id="k-calibrate",
        topic="test",
        level="intermediate",
        prompt="How does retrieval help a model answer?",
        explanation="It embeds the query, searches an index, and grounds the answer in sources.",
        points=(("embeds the query",), ("searches an index",), ("grounds the answer",)),
        need=need,
    )


def test_need_rises_when_every_correct_answer_clears_it() -> None:
    answers = ["We embed the query, then it searches an index and we ground the answer on it."]
    assert raised_need(rubric(2), answers) == 3


def test_need_stays_when_one_correct_answer_would_fail() -> None:
    answers = [
        "We embed the query, then it searches an index and we ground the answer on it.",
        "It embeds the query and searches an index.",  # two points: passes at 2 only
    ]
    assert raised_need(rubric(2), answers) is None


def test_need_never_passes_the_number_of_points_or_rises_unseen() -> None:
    assert (
        raised_need(rubric(3), ["It embeds the query, searches an index, grounds the answer."])
        is None
    )
    assert raised_need(rubric(2), []) is None  # no known correct answer: nothing to go by


def test_only_the_named_items_need_line_is_rewritten(tmp_path: Path) -> None:
    text = "items:\n  - id: a\n    need: 2\n  - id: b\n    need: 2\n"
    (tmp_path / "topic.yaml").write_text(text, encoding="utf-8")
    write_need("b", 3, tmp_path)
    assert (tmp_path / "topic.yaml").read_text(encoding="utf-8") == text[:-2] + "3\n"
    with pytest.raises(LookupError):
        write_need("c", 3, tmp_path)
