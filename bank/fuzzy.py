"""Close spellings of bank phrases in a reply: per-reply fuzzy index, in order or in any order.

Each word is allowed the typo budget of its length (bank.matching.typo_budget), compared with
rapidfuzz's OSA distance (insert, delete, substitute, swap neighbours).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bank.matching import Occurrence, Phrase
from bank.normalize import Text, occurrences

# Above this many candidates, one rapidfuzz call beats a Python loop with a length filter.
_EXTRACT_ABOVE = 24
# A word and its opposite are a short edit apart: "unlabelled" is not a typo of "labelled".
_OPPOSITE_PREFIXES = ("un", "non", "dis")


def opposite(one: str, other: str) -> bool:
    """Whether one word is the other with a negating prefix ("unsupervised"/"supervised")."""
    if len(one) < len(other):
        one, other = other, one
    return any(one == prefix + other for prefix in _OPPOSITE_PREFIXES)


def near_words(query: str, budget: int, candidates: Sequence[str]) -> Iterator[tuple[str, int]]:
    """The candidates within ``budget`` edits of ``query``, other than itself, with edits."""
    if budget <= 0:
        return
    if len(candidates) > _EXTRACT_ABOVE:
        for other, edits, _ in process.extract(
            query, candidates, scorer=OSA.distance, score_cutoff=budget, limit=None
        ):
            if edits and not opposite(query, other):
                yield other, int(edits)
        return
    size = len(query)
    for other in candidates:
        if -budget <= len(other) - size <= budget and other != query:
            edits = OSA.distance(query, other, score_cutoff=budget)
            if edits <= budget and not opposite(query, other):
                yield other, edits


ByLength = dict[int, tuple[tuple[str, int], ...]]  # reply word length -> (bank word, budget)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The words of a set of phrases that tolerate typos, to match them all in one sweep.

    Indexed by the length of a reply word: only bank words whose budget covers the length
    difference are worth comparing with it.
    """

    tokens: ByLength  # stemmed
    words: ByLength  # as written
    token_set: frozenset[str]
    word_set: frozenset[str]


def _by_length(budgets: dict[str, int]) -> ByLength:
    longest = max(map(len, budgets), default=0) + 4
    return {
        length: near
        for length in range(1, longest)
        if (
            near := tuple(
                (word, budget)
                for word, budget in budgets.items()
                if abs(len(word) - length) <= budget
            )
        )
    }


def make_vocabulary(phrases: Iterable[Phrase]) -> Vocabulary:
    tokens: dict[str, int] = {}  # dicts keep the order, for stable results
    words: dict[str, int] = {}
    for phrase in phrases:
        pairs = zip(phrase.tokens, phrase.words, phrase.budgets, phrase.word_budgets, strict=True)
        for token, word, budget, spelled_budget in pairs:
            if budget > 0:
                tokens[token] = max(budget, tokens.get(token, 0))
            if spelled_budget > 0:
                words[word] = max(spelled_budget, words.get(word, 0))
        if phrase.squashed_budget > 0:
            budget = phrase.squashed_budget
            tokens[phrase.squashed] = max(budget, tokens.get(phrase.squashed, 0))
            words[phrase.squashed_word] = max(budget, words.get(phrase.squashed_word, 0))
    return Vocabulary(
        _by_length(tokens),
        _by_length(words),
        frozenset(tokens),
        frozenset(words),
    )


Near = dict[str, list[tuple[int, int]]]  # bank word -> [(reply position, edits)], edits > 0


def _sweep(where: dict[str, list[int]], by_length: ByLength, near: Near) -> None:
    """``near[bank word]`` += (position, edits) for every reply word in ``where`` (but
    numbers) within that bank word's budget, other than the bank word itself."""
    distance = OSA.distance
    for word, positions in where.items():
        candidates = by_length.get(len(word))
        if candidates is None or not word.isalpha():
            continue
        for bank_word, budget in candidates:
            if bank_word != word:
                edits = distance(word, bank_word, score_cutoff=budget)
                if edits <= budget and not opposite(word, bank_word):
                    near.setdefault(bank_word, []).extend((p, edits) for p in positions)


# The reply's words to sweep, and all of them between spaces (see _cannot_be_near).
Choices = tuple[list[str], str]


class FuzzyIndex:
    """Per reply: which reply words are within a typo budget of a bank word, cached.

    Two ways to fill it: given a vocabulary (short answers, mcq choices: few bank words), each
    reply word is compared with it up front; without one (keypoints: long replies, many
    phrasings), each bank word is compared with the reply's words when first needed.

    Words are compared stemmed, and the reply words that stemming changed also as written,
    each with its own length's budget, because stemming can pull a typo further away
    ("proces" stems to "proc", far from "process").
    """

    __slots__ = ("_cache", "_choices", "_inflected", "_primed", "_stems", "_text", "_words")

    def __init__(self, text: Text, vocabulary: Vocabulary | None = None) -> None:
        self._text = text
        self._cache: dict[tuple[str, str, int], dict[int, int]] = {}
        self._choices: Choices | None = None  # for _scan, built on first use
        self._inflected: dict[str, list[int]] | None = None  # words stemming changed
        # Filled from the bank's vocabulary up front when the reply has fewer words than it.
        self._primed: Vocabulary | None = None
        self._stems: Near = {}
        self._words: Near = {}
        if vocabulary is not None:
            self._prime(vocabulary)

    def _prime(self, vocabulary: Vocabulary) -> None:
        _sweep(self._text.positions, vocabulary.tokens, self._stems)
        # As written: only the reply words that stemming changed, which the stemmed pass may
        # have pulled away from a bank word ("proces" stems to "proc", far from "process").
        text = self._text
        if text.tokens != text.words:
            _sweep(self._inflected_words(), vocabulary.words, self._words)
        self._primed = vocabulary

    def nothing_near(self) -> bool:
        """For a primed index: no reply word is a close spelling of any bank word."""
        return self._primed is not None and not self._stems and not self._words

    def could_match(self, phrase: Phrase) -> bool:
        """A cheap test before ``find_in_order``: does every word have some match?

        Only known for primed (short) replies; otherwise the answer is a safe True.
        """
        if self._primed is None:
            return True
        positions, stems, words = self._text.token_set, self._stems, self._words
        if phrase.squashed in stems or phrase.squashed_word in words:
            return True
        for token, word in zip(phrase.tokens, phrase.words, strict=True):
            if token not in positions and token not in stems and word not in words:
                return False
        return True

    def matches(self, token: str, word: str, budget: int, spelled_budget: int) -> dict[int, int]:
        """Reply position -> edits, for reply words within budget of a bank word.

        ``token`` is the bank word stemmed with ``budget``, ``word`` as written with
        ``spelled_budget``.
        """
        key = (token, word, budget)
        cached = self._cache.get(key)
        if cached is None:
            text = self._text
            # Primed (short replies), the sweep built every position already; unprimed (a
            # keypoints reply), only the few tokens asked for are looked up.
            exact = text.positions.get(token, ()) if self._primed is not None else text.where(token)
            cached = dict.fromkeys(exact, 0)
            if budget > 0:
                _merge(cached, self._near_stems(token, budget), budget)
            # Unprimed, the stemmed sweep also covers the reply's words as written (_scan);
            # the bank word as written is only worth a sweep of its own when it has more
            # budget than its stem ("noise" allows a typo, its stem "nois" does not).
            if spelled_budget > 0 and (
                self._primed is not None or (word != token and spelled_budget > budget)
            ):
                _merge(cached, self._near_words(word, spelled_budget), spelled_budget)
            self._cache[key] = cached
        return cached

    def _near_stems(self, token: str, budget: int) -> list[tuple[int, int]]:
        primed = self._primed
        if primed is not None and token in primed.token_set:
            return self._stems.get(token, [])
        return self._scan(token, budget)

    def _near_words(self, word: str, budget: int) -> list[tuple[int, int]]:
        primed = self._primed
        if primed is not None and word in primed.word_set:
            return self._words.get(word, [])
        return self._scan(word, budget)

    def _scan(self, query: str, budget: int) -> list[tuple[int, int]]:
        """Reply positions of the words within ``budget`` of ``query``, one rapidfuzz sweep.

        The reply's words are swept stemmed and as written in one list. Only set operations
        run per reply (a Python loop over 100 words costs more than the sweeps); positions
        are looked up for the few words that match.
        """
        if self._choices is None:
            text = self._text
            words = list(text.token_set.union(text.words))
            self._choices = (words, f" {' '.join(words)} ")
        words, spelled = self._choices
        if _cannot_be_near(query, budget, spelled):
            return []
        found: list[tuple[int, int]] = []
        for other, edits in near_words(query, budget, words):
            found += ((position, edits) for position in self._where(other))
        return found

    def _where(self, word: str) -> list[int]:
        """Positions of a reply word, stemmed or as written."""
        text = self._text
        positions = list(text.where(word))
        tokens = text.tokens
        positions += [index for index in occurrences(text.words, word) if tokens[index] != word]
        return positions

    def _inflected_words(self) -> dict[str, list[int]]:
        """The reply's words that stemming changes, as written -> positions."""
        if self._inflected is None:
            inflected: dict[str, list[int]] = {}
            for position, (token, word) in enumerate(
                zip(self._text.tokens, self._text.words, strict=True)
            ):
                if token != word:
                    inflected.setdefault(word, []).append(position)
            self._inflected = inflected
        return self._inflected


def _cannot_be_near(query: str, budget: int, spelled: str) -> bool:
    """A quick proof that no reply word is within ``budget`` edits of ``query``.

    ``spelled`` is every reply word between spaces. Cut the query into ``budget + 1``
    pieces with a letter between neighbours: each edit (a swap of two letters included)
    touches one piece at most, so one piece survives intact, and it shows in ``spelled``:
    the first piece as a word's start, the last as a word's end, a middle one anywhere.
    """
    size = len(query)
    if budget == 1:
        cut = size // 2
        return f" {query[:cut]}" not in spelled and f"{query[cut + 1 :]} " not in spelled
    if budget == 2:
        third = (size - 2) // 3
        head, middle, tail = query[:third], query[third + 1 : 2 * third + 1], query[2 * third + 2 :]
        return f" {head}" not in spelled and middle not in spelled and f"{tail} " not in spelled
    return False


def _merge(result: dict[int, int], near: list[tuple[int, int]], budget: int) -> None:
    for position, edits in near:
        if edits <= budget and edits < result.get(position, budget + 1):
            result[position] = edits


def find_in_order(text: Text, phrase: Phrase, index: FuzzyIndex) -> list[Occurrence]:
    """Close spellings of the phrase as consecutive reply words, in the phrase's order."""
    per_word = []
    for token, word, budget, spelled_budget in zip(
        phrase.tokens, phrase.words, phrase.budgets, phrase.word_budgets, strict=True
    ):
        matches = index.matches(token, word, budget, spelled_budget)
        if not matches:
            return _find_squashed(phrase, index)
        per_word.append(matches)
    found = []
    first, rest = per_word[0], per_word[1:]
    for start, edits in first.items():
        total = edits
        for offset, matches in enumerate(rest, start=1):
            more = matches.get(start + offset)
            if more is None:
                break
            total += more
        else:
            found.append(Occurrence(phrase, start, start + len(per_word), total))
    found.extend(_find_squashed(phrase, index))
    return found


def find_any_order(text: Text, phrase: Phrase, index: FuzzyIndex) -> list[Occurrence]:
    """Close spellings of the phrase's words close together, in any order (keypoints).

    The words may spread over one more position than the phrase has words ("adds some noise"
    for "adds noise"), which keeps the match to "a phrase of similar length". Fuzzy lookups
    dominate the cost on long replies, so a word present as written is first taken as it
    is; close spellings of it are only looked up when that placement fails.
    """
    if len(phrase.tokens) == 1:
        return find_in_order(text, phrase, index)
    found = _place_words(phrase, index, text, exact_when_present=True)
    if found is None:  # a word has no match at all: looking harder cannot help
        return []
    if found or all(
        token not in text.token_set or not (budget or spelled_budget)
        for token, budget, spelled_budget in zip(
            phrase.tokens, phrase.budgets, phrase.word_budgets, strict=True
        )
    ):
        return found
    return _place_words(phrase, index, text, exact_when_present=False) or []


def _place_words(
    phrase: Phrase, index: FuzzyIndex, text: Text, *, exact_when_present: bool
) -> list[Occurrence] | None:
    """Occurrences with every word placed within the span; None when a word has no match."""
    where = text.where
    per_word = []
    for number in phrase.exact_first:
        token = phrase.tokens[number]
        exact = where(token)
        if exact and exact_when_present:
            per_word.append(dict.fromkeys(exact, 0))
            continue
        budget, spelled_budget = phrase.budgets[number], phrase.word_budgets[number]
        if not budget and not spelled_budget:
            if not exact:
                return None
            per_word.append(dict.fromkeys(exact, 0))
            continue
        matches = index.matches(token, phrase.words[number], budget, spelled_budget)
        if not matches:
            return None
        per_word.append(matches)
    span = len(per_word)  # largest allowed (last - first) position difference
    per_word.sort(key=len)
    found = []
    for anchor, edits in per_word[0].items():
        placed = _place(per_word, 1, anchor, anchor, {anchor}, span)
        if placed is not None:
            low, high, more = placed
            found.append(Occurrence(phrase, low, high + 1, edits + more))
    return found


def _place(
    per_word: list[dict[int, int]], word: int, low: int, high: int, used: set[int], span: int
) -> tuple[int, int, int] | None:
    """Backtracking: choose distinct positions for the remaining words within the span."""
    if word == len(per_word):
        return low, high, 0
    positions = sorted(per_word[word])
    lo_bound, hi_bound = high - span, low + span
    for position in positions[bisect_left(positions, lo_bound) : bisect_right(positions, hi_bound)]:
        if position in used:
            continue
        used.add(position)
        rest = _place(per_word, word + 1, min(low, position), max(high, position), used, span)
        used.discard(position)
        if rest is not None:
            return rest[0], rest[1], rest[2] + per_word[word][position]
    return None


def _find_squashed(phrase: Phrase, index: FuzzyIndex) -> list[Occurrence]:
    """A multi-word phrase typed as one word, with a typo ("finetunning" for "fine-tuning")."""
    budget = phrase.squashed_budget
    if budget <= 0:
        return []
    matches = index.matches(phrase.squashed, phrase.squashed_word, budget, budget)
    return [
        Occurrence(phrase, start, start + 1, edits) for start, edits in matches.items() if edits
    ]


def whole_edits(text: Text, phrase: Phrase) -> int | None:
    """Typos between the whole text and the phrase, word by word; None when over budget.

    The common case of a reply that is just the answer with a typo, checked without an index.
    """
    tokens = text.tokens
    if len(tokens) != len(phrase.tokens):
        if len(tokens) == 1 and phrase.squashed_budget > 0 and tokens[0].isalpha():
            edits = OSA.distance(tokens[0], phrase.squashed, score_cutoff=phrase.squashed_budget)
            return edits if edits <= phrase.squashed_budget else None
        return None
    total = 0
    for token, word, bank_token, bank_word, budget, spelled_budget in zip(
        tokens,
        text.words,
        phrase.tokens,
        phrase.words,
        phrase.budgets,
        phrase.word_budgets,
        strict=True,
    ):
        if token == bank_token:
            continue
        if not token.isalpha():
            return None
        edits = OSA.distance(token, bank_token, score_cutoff=budget) if budget else 1
        if edits > budget:
            edits = (
                OSA.distance(word, bank_word, score_cutoff=spelled_budget) if spelled_budget else 1
            )
            if edits > spelled_budget:
                return None
        total += edits
    return total


def span_distance(text: Text, start: int, end: int, phrase: Phrase) -> float:
    """Typos per character between reply words ``start..end`` and a phrase (no budget)."""
    written = "".join(text.tokens[start:end])
    wanted = "".join(phrase.tokens)
    return OSA.distance(written, wanted) / max(len(wanted), 1)
