"""Acronyms a question uses, spelt out: the expansion repeats the question, it answers nothing.

"RLHF stands for reinforcement learning from human feedback" says no more than the question
"Describe the steps of RLHF" did, so "human feedback" and "reinforcement learning" cannot
earn a point of that question: the point needs what the feedback is or what the learning
does. An acronym is a word of the question with three capitals or more ("RLHF", "LoRA",
"GANs"); its expansion is looked for in the item's own texts (the question, the explanation
and the phrasings), as a run of words whose initials spell it, small words inside the run
aside ("retrieval-augmented fine-tuning" for RAFT), and in a short table of the field's
common ones, for items whose texts never spell them out. A phrasing of two words or more
that is a run of such an expansion is an echo. A question that asks what the letters stand
for has no echoes: there the expansion is the answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bank.normalize import phrase_text
from bank.schema import KeypointsItem

_ACRONYM = re.compile(r"\b[A-Za-z]*[A-Z][A-Za-z]*\b")
_MIN_CAPITALS = 3  # "KV" and "MoE" are too short to find their expansion by initials alone
# Small words an expansion may hold without an initial: "learning from human feedback".
_INSIDE = frozenset({"of", "from", "the", "and", "for", "to", "in", "on", "with", "by", "a"})

Expansion = tuple[str, ...]  # its words' tokens, small words left out
# Asking for the expansion: "what do the letters stand for", "expand the acronym".
_ASKS_EXPANSION = re.compile(r"\b(?:stands?|short) for\b|\bacronym|\bletters\b|\bexpand", re.I)
COMMON = (
    "large language model",
    "generative adversarial network",
    "retrieval-augmented generation",
    "reinforcement learning from human feedback",
    "low-rank adaptation",
    "variational autoencoder",
    "generative pre-trained transformer",
    "graphics processing unit",
    "parameter-efficient fine-tuning",
    "natural language processing",
    "application programming interface",
    "proximal policy optimization",
    "direct preference optimization",
    "supervised fine-tuning",
    "large multimodal model",
    "recurrent neural network",
    "byte pair encoding",
    "time to first token",
    "personally identifiable information",
    "out of distribution",
)


def question_acronyms(prompt: str) -> frozenset[str]:
    """The acronyms of a question, as their capitals in lower case: "rlhf", "lra"."""
    found = set()
    for word in _ACRONYM.findall(prompt):
        capitals = "".join(letter for letter in word if letter.isupper())
        if len(capitals) >= _MIN_CAPITALS:
            found.add(capitals.lower())
    return frozenset(found)


def spelt_out(item: KeypointsItem) -> tuple[Expansion, ...]:
    """The expansions of the question's acronyms: in the item's own texts, or common ones."""
    if _ASKS_EXPANSION.search(item.prompt):
        return ()
    phrasings = (label for point in item.points for label in point)
    texts = (item.prompt, item.explanation, *phrasings, *COMMON)
    return expansions(question_acronyms(item.prompt), texts)


def expansions(acronyms: frozenset[str], texts: Iterable[str]) -> tuple[Expansion, ...]:
    """Every spelling-out of ``acronyms`` found in ``texts``."""
    if not acronyms:
        return ()
    found: set[Expansion] = set()
    longest = max(map(len, acronyms))
    for source in texts:
        text = phrase_text(source)
        content = [
            (word, token)
            for word, token in zip(text.words, text.tokens, strict=True)
            if word not in _INSIDE
        ]
        if any(word in acronyms for word, _ in content):
            continue  # "SFT first, then ..." is the acronym used, not spelt out
        for start in range(len(content)):
            initials = ""
            for word, _ in content[start : start + longest]:
                initials += word[0]
                if initials in acronyms:
                    run = content[start : start + len(initials)]
                    found.add(tuple(token for _, token in run))
    return tuple(found)


def is_echo(tokens: tuple[str, ...], spelt_out: tuple[Expansion, ...]) -> bool:
    """Whether a phrasing (its tokens) is two or more consecutive words of an expansion."""
    content = tuple(token for token in tokens if token not in _INSIDE)
    size = len(content)
    if size < 2:
        return False
    return any(
        expansion[start : start + size] == content
        for expansion in spelt_out
        for start in range(len(expansion) - size + 1)
    )
