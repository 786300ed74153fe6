"""Misconceptions and wrong-claim rules (issue 19) checked against correct texts: no item's own
explanation, and no strong or plain blind answer of the tuning set, may be marked as saying
something wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bank import BUILTIN_BANK, load_bank
from bank.grading import grade
from bank.schema import KeypointsItem

EVAL_SET = Path(__file__).resolve().parents[2] / "bench" / "grading_eval"
WRONG = "off for saying"  # how a grade names a wrong claim


@pytest.fixture(scope="module")
def items() -> dict[str, KeypointsItem]:
    return {i.id: i for i in load_bank(BUILTIN_BANK) if isinstance(i, KeypointsItem)}


def test_no_explanation_in_the_bank_states_a_misconception(
    items: dict[str, KeypointsItem],
) -> None:
    flagged = {
        item.id: result.reason
        for item in items.values()
        if WRONG in (result := grade(item, item.explanation)).reason
    }
    assert not flagged, flagged


def test_no_correct_blind_answer_states_a_misconception(items: dict[str, KeypointsItem]) -> None:
    lines = (EVAL_SET / "tune-answers.jsonl").read_text(encoding="utf-8").splitlines()
    flagged = {}
    for entry in map(json.loads, filter(str.strip, lines)):
        if entry["kind"] in ("strong", "plain") and entry["id"] in items:
            result = grade(items[entry["id"]], entry["reply"])
            if WRONG in result.reason:
                flagged[(entry["id"], entry["kind"])] = result.reason
    assert not flagged, flagged


def test_every_explanation_passes_its_own_rubric(items: dict[str, KeypointsItem]) -> None:
    # `need` is the bar a complete expert answer clears (bench/calibrate_need.py keeps it so).
    failing = {
        item.id: result.reason
        for item in items.values()
        if not (result := grade(item, item.explanation)).correct
    }
    assert not failing, failing
