"""Spelling out the question's acronym is no answer (bank.echoes through bank.grade)."""

from __future__ import annotations

import pytest

from bank.echoes import expansions, is_echo, question_acronyms, spelt_out
from bank.grading import grade
from bank.normalize import phrase_text
from bank.schema import KeypointsItem


def item(prompt: str, explanation: str = "Because.") -> KeypointsItem:
    return KeypointsItem(
        id="k-echoes",
        topic="test",
        level="intermediate",
        prompt=prompt,
        explanation=explanation,
        points=(
            ("human feedback", "people rank the answers"),
            ("reward model", "a scorer trained on the rankings"),
        ),
        need=2,
    )


RLHF = item("Describe the steps of RLHF.")
SAYS_THE_LETTERS = (
    "RLHF stands for reinforcement learning from human feedback. It trains a reward model."
)


def test_the_expansion_of_the_questions_acronym_earns_nothing() -> None:
    result = grade(RLHF, SAYS_THE_LETTERS)
    assert not result.correct
    assert result.matched == ("reward model",), result.reason


def test_the_idea_behind_the_letters_still_earns_the_point() -> None:
    reply = "People rank the answers, and a reward model learns those rankings."
    assert grade(RLHF, reply).correct


def test_a_question_asking_what_the_letters_stand_for_accepts_them() -> None:
    asks = item("What is RLHF? Say what the letters stand for and what it is for.")
    assert grade(asks, SAYS_THE_LETTERS).correct


def test_without_the_acronym_in_the_question_the_phrasing_counts() -> None:
    plain_question = item("How do you align a chat model with what people prefer?")
    assert grade(plain_question, SAYS_THE_LETTERS).correct


@pytest.mark.parametrize(
    ("prompt", "acronyms"),
    [
        ("Explain how LoRA works.", {"lra"}),
        ("Compare GANs and VAEs.", {"gan", "vae"}),
        ("What is a KV cache, and what is MoE?", set()),  # two capitals: too short to tell
    ],
)
def test_acronyms_are_words_with_three_capitals(prompt: str, acronyms: set[str]) -> None:
    assert question_acronyms(prompt) == acronyms


def test_an_expansion_is_found_in_the_items_own_text() -> None:
    found = expansions(frozenset({"pqrt"}), ["A plain query-rewriting table helps here."])
    assert is_echo(phrase_text("query rewriting").tokens, found)
    assert is_echo(phrase_text("plain query").tokens, found)
    assert not is_echo(phrase_text("rewriting").tokens, found)  # one word is no echo
    assert not is_echo(phrase_text("table helps").tokens, found)


def test_the_acronym_used_in_a_sentence_is_no_expansion() -> None:
    # "SFT first, then ..." has the initials s-f-t, but it uses the acronym.
    assert expansions(frozenset({"sft"}), ["Do SFT first, then preference tuning."]) == ()


def test_common_acronyms_are_known_without_the_items_text() -> None:
    found = spelt_out(item("When would you pick PEFT?"))
    assert is_echo(phrase_text("fine-tuning").tokens, found)
