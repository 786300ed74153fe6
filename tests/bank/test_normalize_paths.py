"""The fast paths of reply normalisation give exactly what the general clause-by-clause path gives.

Most replies (ASCII, one clause, no digits; or a filler lead such as "hmm," or "answer:") skip
the clause bookkeeping for speed (issue 21). A grade is only as right as its tokens, clause
starts and list marks, so every field must match the general path's, for realistic replies and
for the awkward ones around each shortcut's edges.
"""

from __future__ import annotations

import itertools

import pytest

from bank.normalize import Text, _tokenize_clauses, normalize_reply, prepare, tokenize

LEADS = ("", "I think it's ", "hmm, ", "Answer: ", "the answer is ", "it's ", "so, well: ", "a ")
CORES = (
    "top-p",
    "Nucleus Sampling",
    "the the",
    "a",
    "LoRA or QLoRA",
    "not LoRA",
    "lora, not qlora",
    "gpt4",
    "GPT-3.5",
    "1,500 tokens",
    "it",
    "well",
    "rag but not fine-tuning",
    "yes; no",
    "x.\ny",
    "because it adds noise, and learns to denoise",
    "cats & dogs",
    "<@123> top-p",
    "**top-p**",
    "https://example.com/x top-p",
    "tóp-p",
    "it\x01s",
    "",
)
TAILS = ("", "!", ".", "?", " I think", ", right?", ":")
REPLIES = sorted({"".join(parts) for parts in itertools.product(LEADS, CORES, TAILS)})


def fields(text: Text) -> tuple[object, ...]:
    return (text.tokens, text.words, text.starts, text.soft, text.joined, text.token_set)


@pytest.mark.parametrize("reply", REPLIES)
def test_a_reply_normalises_as_the_general_path_does(reply: str) -> None:
    general = _tokenize_clauses(prepare(reply), True, True)
    assert fields(normalize_reply(reply)) == fields(general)
    assert fields(tokenize(prepare(reply), strip_filler=True)) == fields(general)


@pytest.mark.parametrize("reply", REPLIES)
def test_a_text_without_filler_stripping_tokenizes_as_the_general_path_does(reply: str) -> None:
    folded = prepare(reply)
    for drop_articles in (True, False):
        fast = tokenize(folded, drop_articles=drop_articles)
        assert fields(fast) == fields(_tokenize_clauses(folded, drop_articles, False))
