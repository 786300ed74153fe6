"""Long replies of several sentences tokenize as the general clause-by-clause path says.

bank.clauses builds the words, clause starts and list marks of ASCII text without digits in
one pass (issue 21): keypoint answers are paragraphs, so every sentence break, comma, "but"
and article of them must land where the general path puts it.
"""

from __future__ import annotations

import itertools

import pytest

from bank.normalize import _tokenize_clauses, prepare, tokenize
from tests.bank.test_normalize_paths import fields

SENTENCES = (
    "The forward process adds noise, step by step.",
    "A model learns to denoise, but only slowly",
    "It lacks autonomy, planning, tools and goals;",
    "the the answer is retrieval\n\nand then generation",
    "Chunking isn't really needed, honestly!",
    "Well: it depends.\n, on the data",
    "An agent uses tools however it likes",
    "a",
    ", , .",
    "no labelled data needed though",
)
PARAGRAPHS = [
    " ".join(order) for order in itertools.islice(itertools.permutations(SENTENCES, 4), 0, None, 97)
]


@pytest.mark.parametrize("paragraph", PARAGRAPHS)
def test_a_paragraph_tokenizes_as_the_general_path_does(paragraph: str) -> None:
    folded = prepare(paragraph)
    for drop_articles in (True, False):
        fast = tokenize(folded, drop_articles=drop_articles)
        assert fields(fast) == fields(_tokenize_clauses(folded, drop_articles, False))


def test_a_paragraph_keeps_its_sentences_and_list_apart() -> None:
    text = tokenize(prepare("It adds noise. The model, a network, learns to denoise but slowly."))
    assert text.tokens == (
        "it",
        "add",
        "nois",
        "model",
        "network",
        "learn",
        "to",
        "denois",
        "slowly",
    )
    assert text.starts == (0, 3, 4, 5, 8)  # each sentence, each comma's clause, "but"
    assert text.soft == frozenset({4, 5})  # the clauses after a comma may go on a list
