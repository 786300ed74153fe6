"""What a reply denies ("not LoRA") and what it offers instead ("LoRA or QLoRA"), per clause."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from bank.normalize import Text, stem

if TYPE_CHECKING:
    from bank.matching import Occurrence

# --- negation -------------------------------------------------------------------------------

# Verbs and adverbs that deny what follows them ("not LoRA", "doesn't add noise"); bank.scope
# reads keypoint replies with the same words.
DENYING_WORDS = (
    "not",
    "never",
    "isnt",
    "arent",
    "wasnt",
    "werent",
    "doesnt",
    "dont",
    "didnt",
    "cant",
    "cannot",
    "couldnt",
    "wont",
    "wouldnt",
    "shouldnt",
    "hasnt",
    "havent",
    "unlike",
    "except",
    "nothing",
)
# Words that deny what follows them within the same clause, up to two words later
# ("not LoRA", "does not really add noise"). Stored stemmed, like reply tokens.
_NEGATORS = frozenset(stem(word) for word in (*DENYING_WORDS, "without", "nor", "neither"))
# "no" only denies the word right after it ("no noise"); "no, it's LoRA" is an interjection.
_ADJACENT_NEGATORS = frozenset({"no", "non"})
# Two-word negators, by their last word: "instead of", "rather than", "opposed to", ...
NEGATOR_PAIRS = {"of": ("instead",), "than": ("rather", "other"), "to": ("opposed",)}
# "isn't it LoRA?" and "doesn't it add noise?" ask, they do not deny.
_QUESTION_SUBJECTS = frozenset({"it", "that", "this", "there", "they", "we", "you"})
_NEGATION_REACH = 3  # the negator may sit up to two words before the phrase


def is_negated(text: Text, start: int) -> bool:
    """Whether the phrase starting at token ``start`` is denied within its clause."""
    tokens = text.tokens
    if start == 0 or start >= len(tokens):
        return False
    clauses = text.clauses
    clause = clauses[start]
    for gap in range(_NEGATION_REACH):
        index = start - 1 - gap
        if index < 0 or clauses[index] != clause:
            return False
        token = tokens[index]
        if token in _ADJACENT_NEGATORS:
            if gap == 0:
                return True
            continue
        if token in _NEGATORS:
            asks = gap > 0 and tokens[index + 1] in _QUESTION_SUBJECTS
            return not asks
        firsts = NEGATOR_PAIRS.get(token)
        if firsts and index > 0 and tokens[index - 1] in firsts:
            return True
    return False


# --- "X or Y" hedges ------------------------------------------------------------------------

# Words that can sit on the other side of "or" without naming an alternative:
# "LoRA or something like that", "top-p (or so I think)".
_HEDGE_FILLER = frozenset(
    stem(word)
    for word in (
        "something",
        "smth",
        "sth",
        "similar",
        "whatever",
        "so",
        "else",
        "not",
        "sure",
        "maybe",
        "idk",
        "dunno",
        "like",
        "that",
        "this",
        "thing",
        "same",
        "one",
        "other",
        "it",
        "is",
        "its",
        "i",
        "think",
        "guess",
        "either",
        "just",
        "also",
        "aka",
        "known",
        "as",
        "called",
        "basically",
        "ie",
        "eg",
        "hmm",
        "lol",
        "am",
        "wrong",
        "right",
        "what",
        "was",
        "be",
        "could",
        "would",
        "might",
        "simply",
        "whichever",
    )
)
_HEDGE_WORDS = frozenset({"or", "either"})
_HEDGE_REACH = 6  # words looked at on the far side of "or"


def _alternative_after(text: Text, end: int) -> range:
    tokens, clauses = text.tokens, text.clauses
    if end >= len(tokens) or tokens[end] != "or":
        return range(0)
    last = end + 1
    while (
        last < min(len(tokens), end + 1 + _HEDGE_REACH)
        and clauses[last] == clauses[end]
        and tokens[last] not in _HEDGE_WORDS
    ):
        last += 1
    return range(end + 1, last)


def _alternative_before(text: Text, start: int) -> range:
    tokens, clauses = text.tokens, text.clauses
    if start < 2 or tokens[start - 1] != "or":
        return range(0)
    first = start - 2
    while (
        first > max(-1, start - 2 - _HEDGE_REACH)
        and clauses[first] == clauses[start - 2]
        and tokens[first] not in _HEDGE_WORDS
    ):
        first -= 1
    return range(first + 1, start - 1)


def hedge_alternatives(text: Text, occurrence: Occurrence) -> Iterator[tuple[str, str]]:
    """What an "or" next to the occurrence offers instead: (" tokens ", "words as written").

    Only content counts: "LoRA or something like that" offers nothing.
    """
    for span in (
        _alternative_after(text, occurrence.end),
        _alternative_before(text, occurrence.start),
    ):
        content = [index for index in span if text.tokens[index] not in _HEDGE_FILLER]
        if content:
            tokens = " " + " ".join(text.tokens[index] for index in content) + " "
            yield tokens, " ".join(text.words[index] for index in content)
