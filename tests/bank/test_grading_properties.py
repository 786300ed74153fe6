"""Properties of the grader that must hold for any text (hypothesis)."""

from __future__ import annotations

import os
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bank.grading import grade
from bank.schema import LETTERS, Item, KeypointsItem, McqItem, ShortItem, TrueFalseItem

# A few seconds by default, on the same examples every run, so that the suite (and CI) never
# turns red on a draw; GRADING_EXAMPLES=5000 searches afresh and deeper, to find new cases.
DEEP_SEARCH = "GRADING_EXAMPLES" in os.environ
EXAMPLES = settings(
    max_examples=int(os.environ.get("GRADING_EXAMPLES", "100")),
    deadline=None,
    derandomize=not DEEP_SEARCH,
    database=None if not DEEP_SEARCH else settings.default.database,
    suppress_health_check=[HealthCheck.too_slow],
)

# Words the answers are made of: real GenAI vocabulary (so the confusables table is in play)
# and random lower-case words. Clause words ("but") are left out: they split a phrase.
GENAI_WORDS = [
    *("lora", "qlora", "top-k", "top-p", "nucleus", "sampling", "beam", "search", "greedy"),
    *("decoding", "gan", "vae", "encoder", "decoder", "transformer", "attention", "rag"),
    *("retrieval", "embedding", "rlhf", "dpo", "bert", "bart", "gpt-3", "gpt-4", "mode"),
    *("model", "collapse", "zero-shot", "few-shot", "precision", "recall", "fine-tuning"),
    *("pre-training", "noise", "diffusion", "it", "the", "a", "is", "not", "no", "or", "and"),
    *("answer", "think"),
]
random_word = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=9)
word = st.one_of(st.sampled_from(GENAI_WORDS), random_word).filter(
    lambda text: text not in {"but", "however", "although", "though"}
)
phrase = st.lists(word, min_size=1, max_size=4).map(" ".join)
separator = st.sampled_from([" ", "-", " - ", "  "])
styled_phrase = st.tuples(st.lists(word, min_size=1, max_size=4), separator).map(
    lambda parts: parts[1].join(parts[0])
)


def short_item(answers: list[str], reject: list[str]) -> ShortItem:
    return ShortItem(
        id="prop-short",
        topic="test",
        level="beginner",
        prompt="Name it.",
        explanation="Because.",
        answers=tuple(answers),
        reject=tuple(reject),
    )


def mcq_item(choices: list[str], answer: int) -> McqItem:
    return McqItem(
        id="prop-mcq",
        topic="test",
        level="beginner",
        prompt="Which one?",
        explanation="Because.",
        choices=tuple(choices),
        answer=LETTERS[answer % len(choices)],
    )


def keypoints_item(points: list[list[str]]) -> KeypointsItem:
    return KeypointsItem(
        id="prop-keypoints",
        topic="test",
        level="beginner",
        # A list question: this module checks that written points are found; what a bare
        # list earns on a question that asks to explain is pinned in test_keypoint_reading.
        prompt="Name the key points.",
        explanation="Because.",
        points=tuple(tuple(point) for point in points),
        need=len(points),
    )


FIXED_ITEMS: list[Item] = [
    short_item(["nucleus sampling", "top-p"], ["top-k"]),
    short_item(["LoRA"], []),
    short_item(["GPT-3.5"], []),
    mcq_item(["Top-k sampling", "Nucleus (top-p) sampling", "Beam search", "Greedy decoding"], 1),
    mcq_item(["8", "12", "16", "32"], 2),
    TrueFalseItem(
        id="prop-tf",
        topic="test",
        level="beginner",
        prompt="Noise is added in the forward process.",
        explanation="Because.",
        answer=True,
    ),
    keypoints_item([["adds noise", "noising"], ["learns to denoise", "reverse process"]]),
]
REALISTIC_REPLIES = [
    "top-p",
    "Top-K",
    "nucleus samplng",
    "b",
    "B) Nucleus (top-p) sampling",
    "option 2",
    "16",
    "c or d",
    "true",
    "not true",
    "yes, it is",
    "✅",
    "not LoRA",
    "lora or qlora",
    "gpt-3.5",
    "It adds noise and learns to denoise.",
    "It does not add noise.",
    "",
]
any_item = st.sampled_from(FIXED_ITEMS)
any_reply = st.one_of(st.sampled_from(REALISTIC_REPLIES), st.text(max_size=300))


@EXAMPLES
@given(item=any_item, reply=any_reply)
def test_grade_never_raises_and_scores_stay_in_range(item: Item, reply: str) -> None:
    result = grade(item, reply)
    assert isinstance(result.correct, bool)
    assert 0.0 <= result.score <= 1.0
    assert isinstance(result.reason, str) and result.reason


@EXAMPLES
@given(item=any_item, reply=st.text(min_size=1, max_size=40).map(lambda text: text * 200))
def test_long_text_never_raises(item: Item, reply: str) -> None:
    assert 0.0 <= grade(item, reply).score <= 1.0


MARKUP = [
    "**{}**",
    "*{}*",
    "__{}__",
    "_{}_",
    "~~{}~~",
    "||{}||",
    "`{}`",
    "```\n{}\n```",
    "> {}",
    ">>> {}",
    "***{}***",
]


@EXAMPLES
@given(item=any_item, reply=any_reply, markup=st.sampled_from(MARKUP))
def test_discord_markup_never_changes_the_verdict(item: Item, reply: str, markup: str) -> None:
    plain = grade(item, reply)
    dressed = grade(item, markup.format(reply))
    assert dressed.correct == plain.correct
    assert dressed.score == plain.score


@EXAMPLES
@given(
    answers=st.lists(styled_phrase, min_size=1, max_size=3),
    reject=st.lists(phrase, max_size=2),
    pick=st.integers(min_value=0, max_value=2),
)
def test_an_answer_passes_against_its_own_item(
    answers: list[str], reject: list[str], pick: int
) -> None:
    item = short_item(answers, reject)
    answer = answers[pick % len(answers)]
    assert grade(item, answer).correct, grade(item, answer).reason


@EXAMPLES
@given(
    choices=st.lists(styled_phrase, min_size=2, max_size=5, unique=True),
    answer=st.integers(min_value=0, max_value=4),
)
def test_an_mcq_answer_passes_as_letter_number_and_text(choices: list[str], answer: int) -> None:
    item = mcq_item(choices, answer)
    index = item.answer_index
    assert grade(item, item.answer).correct
    assert grade(item, item.answer.lower() + ")").correct
    if not any(part.isdigit() for choice in choices for part in choice.split()):
        assert grade(item, str(index + 1)).correct
    text = choices[index]
    # A text with a one-letter word may read as a pick ("a", "the b"); a duplicate is
    # ambiguous. Neither says anything about the text rule.
    reads_as_pick = any(len(part) == 1 for part in text.replace("-", " ").split())
    duplicate = any(
        other.lower().split() == text.lower().split()
        for number, other in enumerate(choices)
        if number != index
    )
    if not reads_as_pick and not duplicate:
        assert grade(item, text).correct, grade(item, text).reason


@EXAMPLES
@given(answer=st.booleans())
def test_a_truefalse_answer_passes(answer: bool) -> None:
    item = TrueFalseItem(
        id="prop-tf",
        topic="test",
        level="beginner",
        prompt="A statement.",
        explanation="Because.",
        answer=answer,
    )
    assert grade(item, "true" if answer else "false").correct


# A phrasing made of function words only ("the", "not or") names no idea: it cannot be told
# apart inside a longer reply, and a negator in it would make it a negative-form idea.
FUNCTION_WORDS = {"a", "an", "the", "it", "is", "not", "no", "or", "and"}
keypoint_phrase = styled_phrase.filter(
    lambda text: any(part not in FUNCTION_WORDS for part in text.replace("-", " ").split())
)


@EXAMPLES
@given(points=st.lists(st.lists(keypoint_phrase, min_size=1, max_size=3), min_size=1, max_size=4))
def test_keypoints_pass_when_every_point_is_written(points: list[list[str]]) -> None:
    item = keypoints_item(points)
    reply = ". ".join(point[0] for point in points)
    result = grade(item, reply)
    assert result.correct and result.score == 1.0, result.reason
