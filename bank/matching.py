"""Bank phrases prepared for matching, their typo budgets, and finding them exactly in a reply.

The tolerance is per word and scaled to its length (``typo_budget``): short words must be
exact, so "qlora" never passes for "lora", "mode" never for "model" and "k" never for "p", while
"nucelus samplng" still finds "nucleus sampling". Numbers are always exact (GPT-3 is not GPT-4).
Comparing word by word rather than whole strings is what keeps "model collapse" away from
"mode collapse" even though the two strings are only one edit apart.

Close spellings are found by bank.fuzzy; what a reply denies or hedges, by bank.negation.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from bank.normalize import Text, phrase_text, stem
from bank.stems import MAX_STEM_CUT


def typo_budget(length: int) -> int:
    """Edits (insert, delete, substitute, swap neighbours) allowed in a word of this length."""
    if length <= 4:
        return 0
    if length <= 8:
        return 1
    if length <= 14:
        return 2
    return 3


@dataclass(frozen=True, slots=True)
class Phrase:
    """A bank phrase prepared for matching; ``label`` is how the bank wrote it."""

    label: str
    tokens: tuple[str, ...]
    words: tuple[str, ...]  # unstemmed, to catch typos that stemming pulls apart ("proces")
    joined: str  # " tok tok ", for whole-word substring tests
    squashed: str  # the tokens without spaces: "fine tuning" also matches "finetuning"
    budgets: tuple[int, ...]  # typos allowed per token (stemmed)
    word_budgets: tuple[int, ...]  # typos allowed per word as written
    squashed_budget: int  # typos allowed when the words are run together; 0 for one word
    squashed_word: str  # the words as written, without spaces
    # A one-word phrase may be written as two words: (first word stemmed, as written).
    split_heads: tuple[tuple[str, str], ...]
    head_tokens: frozenset[str]  # the stemmed first words of split_heads
    # Per split head, " " and what the second word's token must start with (see
    # split_probe): a test of the reply's joined tokens before any word is compared.
    split_probes: tuple[str, ...]
    # Token indexes, words without a typo budget first: they fail fastest.
    exact_first: tuple[int, ...]

    @property
    def text(self) -> str:
        return self.joined[1:-1]


def make_phrase(label: str) -> Phrase | None:
    """Prepare one phrase; None when nothing comparable is left (punctuation only)."""
    text = phrase_text(label)
    tokens = text.tokens
    if not tokens:
        return None
    budgets = tuple(0 if token[0].isdigit() else typo_budget(len(token)) for token in tokens)
    word_budgets = tuple(word_budget(word) for word in text.words)
    joined = " " + " ".join(tokens) + " "
    # How the phrase reads as one word ("finetuning"), stemmed like a reply word would be.
    squashed = stem("".join(text.words))
    # Run-together words ("finetunning") lose the per-word check that keeps different
    # concepts apart, so they get one edit fewer than the same length would, and none at all
    # when a number is involved.
    squashed_budget = 0
    if len(tokens) > 1 and not any(token[0].isdigit() for token in tokens):
        squashed_budget = max(typo_budget(len(squashed)) - 1, 0)
    heads = _split_heads(tokens)
    return Phrase(
        label,
        tokens,
        text.words,
        joined,
        squashed,
        budgets,
        word_budgets,
        squashed_budget,
        "".join(text.words),
        heads,
        shared(head for head, _ in heads),
        tuple(split_probe(squashed, head) for _, head in heads),
        tuple(sorted(range(len(tokens)), key=lambda number: budgets[number] > 0)),
    )


# One object per distinct set of words across the bank's phrases: a reply is compared with
# many phrasings of items whose sets are in no cache, and a set two tests share (a form's
# tokens and lemma keys, most often equal; the empty set of split heads) is fetched once.
_SHARED: dict[frozenset[str], frozenset[str]] = {}
_MAX_SHARED = 100_000


def shared(words: Iterable[str]) -> frozenset[str]:
    """``frozenset(words)``, the same object for the same words."""
    key = frozenset(words)
    found = _SHARED.get(key)
    if found is None:
        if len(_SHARED) >= _MAX_SHARED:
            _SHARED.clear()
        found = _SHARED[key] = key
    return found


def split_probe(squashed: str, head: str) -> str:
    """ " " and the start of the token of the word that, written after ``head``, makes a
    word stemming to ``squashed``.

    stem() keeps all of a word but its last ``MAX_STEM_CUT`` letters and may end it in "y",
    so such a pair of words starts with all of ``squashed`` but its last letter: the second
    word starts with the rest, and its own token with all of that rest but the last two
    letters (it has at least one letter more than the rest, of which stem() takes three).
    """
    rest = squashed[len(head) : -1]
    return " " + rest[: max(len(rest) - 2, 0)]


def _split_heads(tokens: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    if len(tokens) != 1 or len(tokens[0]) < MIN_SPLIT_LENGTH or not tokens[0].isalpha():
        return ()
    return tuple((stem(head), head) for head in split_prefixes(tokens[0]))


class Occurrence(NamedTuple):
    """Where a phrase was found: reply tokens ``start..end`` (exclusive), with ``edits`` typos.

    A named tuple rather than a frozen dataclass: graders build and compare many per reply,
    and a tuple is made and compared in C.
    """

    phrase: Phrase
    start: int
    end: int
    edits: int

    @property
    def cost(self) -> float:
        """Typos per character, to rank two candidate phrases against the same reply."""
        return self.edits / max(len(self.phrase.squashed), 1)

    def covers(self, other: Occurrence) -> bool:
        return self.start <= other.start and other.end <= self.end and self != other


# --- finding phrases ------------------------------------------------------------------------


def may_occur_exactly(text: Text, phrase: Phrase) -> bool:
    """A cheap test that ``find_exact`` can find something."""
    if phrase.joined in text.joined:
        return True
    if len(phrase.tokens) > 1:
        return phrase.squashed in text.token_set
    return not phrase.head_tokens.isdisjoint(text.token_set)


def find_exact(text: Text, phrase: Phrase) -> list[Occurrence]:
    """Whole-word occurrences of the phrase, also as one run-together word ("finetuning").

    ``exact_spans`` written out again for Occurrences: short answers call this for most
    replies, and a call and a list more per reply are a few percent of their grading.
    """
    size = len(phrase.tokens)
    joined, wanted = text.joined, phrase.joined
    found = []
    at = joined.find(wanted)
    while at >= 0:
        start = joined.count(" ", 0, at)  # the space before token k is the (k+1)-th
        found.append(Occurrence(phrase, start, start + size, 0))
        at = joined.find(wanted, at + 1)
    if size > 1:
        if phrase.squashed in text.token_set:
            found += [
                Occurrence(phrase, start, start + 1, 0) for start in text.where(phrase.squashed)
            ]
    elif (
        phrase.split_heads
        and len(text.tokens) > 1
        and not phrase.head_tokens.isdisjoint(text.token_set)
    ):
        found += [Occurrence(phrase, start, start + 2, 0) for start in _split_starts(text, phrase)]
    return found


def exact_spans(text: Text, phrase: Phrase) -> list[tuple[int, int]]:
    """``find_exact`` as (start, end) pairs, for graders that need no Occurrence: as cheap
    as ``may_occur_exactly`` when the phrase is absent (one scan, one set test)."""
    return whole_word_spans(text, phrase) + joined_word_spans(text, phrase)


def whole_word_spans(text: Text, phrase: Phrase) -> list[tuple[int, int]]:
    """The first part of ``exact_spans``: the phrase's words as written, in order."""
    size = len(phrase.tokens)
    joined, wanted = text.joined, phrase.joined
    found = []
    at = joined.find(wanted)
    while at >= 0:
        start = joined.count(" ", 0, at)  # the space before token k is the (k+1)-th
        found.append((start, start + size))
        at = joined.find(wanted, at + 1)
    return found


def joined_word_spans(text: Text, phrase: Phrase) -> list[tuple[int, int]]:
    """The rest of ``exact_spans``: the words run together ("finetuning" for "fine
    tuning"), or one word written as two ("fine tuning" for "finetuning")."""
    if len(phrase.tokens) > 1:
        if phrase.squashed in text.token_set:
            return [(start, start + 1) for start in text.where(phrase.squashed)]
    elif (
        phrase.split_heads
        and len(text.tokens) > 1
        and not phrase.head_tokens.isdisjoint(text.token_set)
    ):
        return [(start, start + 2) for start in _split_starts(text, phrase)]
    return []


MIN_SPLIT_LENGTH = 5  # "fine tuning" is found for "finetuning"; shorter words are not split


def split_prefixes(word: str) -> list[str]:
    """The first halves of ``word`` written as two words ("fine" for "finetuning")."""
    return [word[:cut] for cut in range(2, len(word) - 1)]


def may_split(text: Text, phrase: Phrase) -> bool:
    """A cheap test that ``_split_starts`` can find something ("fine tuning")."""
    present, joined = text.token_set, text.joined
    # A loop, not any() over a generator: this runs for most one-word phrasings of a reply.
    for (head_token, _), probe in zip(phrase.split_heads, phrase.split_probes, strict=True):
        if head_token in present and probe in joined:
            return True
    return False


def _split_starts(text: Text, phrase: Phrase) -> Iterator[int]:
    """Where two neighbouring reply words spell the phrase ("fine tuning" for "finetuning")."""
    words, present, where = text.words, text.token_set, text.where
    last = len(words) - 1
    # stem() keeps all but the last few letters, so only two words of about the phrase's
    # length together are worth joining and stemming: "to" + "know" is no "toxicity".
    shortest = len(phrase.squashed)
    longest = shortest + MAX_STEM_CUT
    joined = text.joined
    for (head_token, head), probe in zip(phrase.split_heads, phrase.split_probes, strict=True):
        if head_token not in present or probe not in joined:  # most prefixes are no word
            continue
        for start in where(head_token):
            if start < last and words[start] == head:
                after = words[start + 1]
                if (
                    shortest <= len(head) + len(after) <= longest
                    and stem(head + after) == phrase.squashed
                ):
                    yield start


def word_budget(word: str) -> int:
    """The typo budget of a word as written; numbers get none."""
    return typo_budget(len(word)) if word.isalpha() else 0


def place_any_order(text: Text, tokens: tuple[str, ...], slack: int) -> Iterator[tuple[int, int]]:
    """Exact occurrences of all ``tokens`` in any order within ``len(tokens) + slack``
    consecutive reply positions, as (start, end); each anchor on the rarest token once."""
    lists = sorted(map(text.where, tokens), key=len)
    width = len(tokens) + slack
    anchors, others = lists[0], lists[1:]
    for anchor in anchors:
        low = high = anchor
        for candidates in others:
            best = None
            for position in candidates:  # the nearest one that keeps the window narrow
                lo, hi = min(low, position), max(high, position)
                narrower = best is None or hi - lo < best[1] - best[0]
                if hi - lo < width and narrower and position != anchor:
                    best = (lo, hi)
            if best is None:
                break
            low, high = best
        else:
            yield low, high + 1
