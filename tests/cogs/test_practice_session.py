"""The practice session's pure rules: moving through questions, summaries, picking, search."""

from __future__ import annotations

import random
from collections.abc import Collection

import pytest

from cogs.practice.session import (
    SESSION_LIFETIME,
    Progress,
    QuestionIndex,
    Result,
    Screen,
    Searchable,
    SessionError,
    pick_items,
    summarize,
)

# -- moving through a session ------------------------------------------------------------------


def test_question_then_verdict_then_next() -> None:
    fresh = Progress(total=3, current=0, answered=0)
    assert fresh.screen is Screen.QUESTION and not fresh.is_last
    fresh.check_answer(0, now=1.0)
    with pytest.raises(SessionError, match="not on screen"):
        fresh.check_answer(1, now=1.0)
    with pytest.raises(SessionError, match="moved past"):
        fresh.check_next(0, now=1.0)  # no verdict yet

    answered = Progress(total=3, current=0, answered=1)
    assert answered.screen is Screen.VERDICT
    answered.check_next(0, now=1.0)
    with pytest.raises(SessionError, match="already answered"):
        answered.check_answer(0, now=1.0)

    moved_on = Progress(total=3, current=1, answered=1)
    with pytest.raises(SessionError, match="moved past"):
        moved_on.check_next(0, now=1.0)
    assert Progress(total=3, current=2, answered=3).is_last


def test_ended_and_expired_sessions_refuse_clicks() -> None:
    ended = Progress(total=3, current=1, answered=1, ended=True)
    assert ended.screen is Screen.OVER
    with pytest.raises(SessionError, match="session is over"):
        ended.check_answer(1, now=1.0)
    old = Progress(total=3, current=0, answered=0, started_at=100.0)
    old.check_answer(0, now=100.0 + SESSION_LIFETIME)
    with pytest.raises(SessionError, match="expired"):
        old.check_answer(0, now=101.0 + SESSION_LIFETIME)


# -- how it went ---------------------------------------------------------------------------------


def test_summary_counts_per_topic_and_names_the_weakest() -> None:
    summary = summarize(
        [
            Result("rag", True, 1.0),
            Result("rag", False, 0.0),
            Result("sampling", False, 0.0),
            Result("diffusion", False, 2 / 3),  # an interview answer, partly right
            Result("diffusion", True, 1.0),
        ]
    )
    assert (summary.answered, summary.right) == (5, 2)
    assert summary.score == pytest.approx((1 + 0 + 0 + 2 / 3 + 1) / 5)
    assert [(t.topic, t.answered, t.right) for t in summary.topics] == [
        ("diffusion", 2, 1),
        ("rag", 2, 1),
        ("sampling", 1, 0),
    ]
    assert summary.weakest is not None and summary.weakest.topic == "sampling"


def test_weakest_tie_goes_to_the_topic_missed_more_often() -> None:
    summary = summarize([Result("a", False, 0.0), Result("b", False, 0.0), Result("b", False, 0.0)])
    assert summary.weakest is not None and summary.weakest.topic == "b"


def test_no_weakest_topic_when_everything_was_right() -> None:
    assert summarize([Result("rag", True, 1.0)]).weakest is None
    empty = summarize([])
    assert (empty.answered, empty.score, empty.weakest) == (0, 0.0, None)


# -- what to ask ---------------------------------------------------------------------------------


def test_pick_prefers_questions_never_met() -> None:
    candidates = [f"q{n}" for n in range(10)]
    seen = {"q0", "q1", "q2", "q3", "q4", "q5", "q6"}
    picked = pick_items(candidates, seen, 5, random.Random(1))
    assert len(picked) == 5 == len(set(picked))
    assert set(picked[:3]) == {"q7", "q8", "q9"} and set(picked[3:]) <= seen
    assert picked == pick_items(candidates, seen, 5, random.Random(1))  # seeded: reproducible
    assert len(pick_items(candidates, seen, 20, random.Random(1))) == 10


# -- search ----------------------------------------------------------------------------------

INDEX = QuestionIndex(
    [
        Searchable(
            "rag-acronym",
            "In RAG, what does the R stand for?",
            "Retrieval-augmented generation fetches documents and adds them to the prompt.",
        ),
        Searchable(
            "rag-how",
            "Walk through how retrieval-augmented generation answers a question.",
            "The query is embedded and similar chunks are placed in the prompt.",
        ),
        Searchable(
            "diffusion-how",
            "How does a diffusion model generate an image?",
            "Sampling starts from noise and removes it step by step.",
        ),
        Searchable(
            "nucleus", "What is nucleus (top-p) sampling?", "It keeps the likeliest tokens."
        ),
    ]
)


def ids(query: str, limit: int = 25, exclude: Collection[str] = ()) -> list[str]:
    return [found.item_id for found in INDEX.search(query, limit, exclude)]


def test_search_forgives_typos_and_prefers_the_prompt() -> None:
    assert ids("retreival augmented") == ["rag-how", "rag-acronym"]
    assert ids("difusion modle")[0] == "diffusion-how"
    assert ids("nucleus samplng") == ["nucleus"]


def test_search_completes_the_word_being_typed() -> None:
    assert ids("diff")[0] == "diffusion-how"
    assert ids("retrieval augm")[:1] == ["rag-how"]


def test_search_leaves_out_excluded_and_unrelated_questions() -> None:
    assert ids("retrieval augmented", exclude={"rag-how"}) == ["rag-acronym"]
    assert ids("zebra crossing") == []
    assert ids("   ") == []
    assert len(ids("the", limit=2)) <= 2
