"""Finding bank phrases inside a normalised reply: exactly, or as a close spelling.

The tolerance is per word and scaled to its length (``typo_budget``): short words must be
exact, so "qlora" never passes for "lora", "mode" never for "model" and "k" never for "p", while
"nucelus samplng" still finds "nucleus sampling". Numbers are always exact (GPT-3 is not GPT-4).
Comparing word by word rather than whole strings is what keeps "model collapse" away from
"mode collapse" even though the two strings are only one edit apart.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bank.normalize import Text, phrase_text, stem

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
    squashed = "".join(tokens)
    # Run-together words ("finetunning") lose the per-word check that keeps different
    # concepts apart, so they get one edit fewer than the same length would, and none at all
    # when a number is involved.
    squashed_budget = 0
    if len(tokens) > 1 and not any(token[0].isdigit() for token in tokens):
        squashed_budget = max(typo_budget(len(squashed)) - 1, 0)
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
    )


@dataclass(frozen=True, slots=True)
class Occurrence:
    """Where a phrase was found: reply tokens ``start..end`` (exclusive), with ``edits`` typos."""

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


# --- negation -------------------------------------------------------------------------------

# Words that deny what follows them within the same clause, up to two words later
# ("not LoRA", "does not really add noise"). Stored stemmed, like reply tokens.
_NEGATORS = frozenset(
    stem(word)
    for word in (
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
        "without",
        "nor",
        "neither",
        "unlike",
        "except",
        "nothing",
    )
)
# "no" only denies the word right after it ("no noise"); "no, it's LoRA" is an interjection.
_ADJACENT_NEGATORS = frozenset({"no", "non"})
_NEGATOR_PHRASES = (("instead", "of"), ("rather", "than"), ("opposed", "to"), ("other", "than"))
# "isn't it LoRA?" and "doesn't it add noise?" ask, they do not deny.
_QUESTION_SUBJECTS = frozenset({"it", "that", "this", "there", "they", "we", "you"})
_NEGATION_REACH = 3  # the negator may sit up to two words before the phrase


def is_negated(text: Text, start: int) -> bool:
    """Whether the phrase starting at token ``start`` is denied within its clause."""
    tokens, clauses = text.tokens, text.clauses
    if start >= len(tokens):
        return False
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
        for phrase in _NEGATOR_PHRASES:
            first = index - len(phrase) + 1
            if first >= 0 and tokens[first : index + 1] == phrase:
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


# --- finding phrases ------------------------------------------------------------------------


def find_exact(text: Text, phrase: Phrase) -> list[Occurrence]:
    """Whole-word occurrences of the phrase, also as one run-together word ("finetuning")."""
    found: list[Occurrence] = []
    tokens = text.tokens
    size = len(phrase.tokens)
    if phrase.joined in text.joined:
        first = phrase.tokens[0]
        for start in text.positions.get(first, ()):
            if tokens[start : start + size] == phrase.tokens:
                found.append(Occurrence(phrase, start, start + size, 0))
    if size > 1:
        for start in text.positions.get(phrase.squashed, ()):
            found.append(Occurrence(phrase, start, start + 1, 0))
    elif len(phrase.squashed) >= 5 and len(text.tokens) > 1:
        # "fine tuning" in the reply for the bank's "finetuning"
        for start in text.pairs.get(phrase.squashed, ()):
            found.append(Occurrence(phrase, start, start + 2, 0))
    return found


def word_budget(word: str) -> int:
    """The typo budget of a word as written; numbers get none."""
    return typo_budget(len(word)) if word.isalpha() else 0


# Above this many candidates, one rapidfuzz call beats a Python loop with a length filter.
_EXTRACT_ABOVE = 24


def near_words(query: str, budget: int, candidates: Sequence[str]) -> Iterator[tuple[str, int]]:
    """The candidates within ``budget`` edits of ``query``, other than itself, with edits."""
    if budget <= 0:
        return
    if len(candidates) > _EXTRACT_ABOVE:
        for other, edits, _ in process.extract(
            query, candidates, scorer=OSA.distance, score_cutoff=budget, limit=None
        ):
            if edits:
                yield other, int(edits)
        return
    size = len(query)
    for other in candidates:
        if -budget <= len(other) - size <= budget and other != query:
            edits = OSA.distance(query, other, score_cutoff=budget)
            if edits <= budget:
                yield other, edits


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The words of a set of phrases that tolerate typos, to match them all in one sweep."""

    tokens: tuple[str, ...]  # stemmed, budget > 0
    words: tuple[str, ...]  # as written, budget > 0
    inflected_words: tuple[str, ...]  # the words that stemming changes
    max_budget: int
    token_set: frozenset[str]
    word_set: frozenset[str]


def make_vocabulary(phrases: Iterable[Phrase]) -> Vocabulary:
    tokens: dict[str, None] = {}  # dicts keep the order, for stable results
    words: dict[str, str] = {}  # word -> its token
    for phrase in phrases:
        for token, word, budget in zip(phrase.tokens, phrase.words, phrase.budgets, strict=True):
            if budget > 0:
                tokens[token] = None
            if word.isalpha() and word_budget(word) > 0:
                words[word] = token
        if phrase.squashed_budget > 0:
            tokens[phrase.squashed] = None
            words[phrase.squashed_word] = phrase.squashed
    return Vocabulary(
        tuple(tokens),
        tuple(words),
        tuple(word for word, token in words.items() if word != token),
        typo_budget(max(map(len, (*tokens, *words)), default=0)),
        frozenset(tokens),
        frozenset(words),
    )


Near = dict[str, list[tuple[int, int]]]  # bank word -> [(reply position, edits)], edits > 0


class FuzzyIndex:
    """Per reply: which reply words are within a typo budget of a bank word, cached.

    Two ways to fill it, picked by size: a short reply compares each of its few words with
    the bank's vocabulary up front; a long reply (keypoints) compares each bank word, when
    first needed, with the reply's words.

    Words are compared stemmed and also as written, each with its own length's budget,
    because stemming can pull a typo further away ("proces" stems to "proc", far from
    "process"). A word that stemming leaves alone is the same both ways, so pairs of such
    words are only compared once.
    """

    __slots__ = (
        "_cache",
        "_inflected",
        "_primed",
        "_stems",
        "_text",
        "_vocabulary",
        "_words",
        "_written",
    )

    def __init__(self, text: Text, vocabulary: Vocabulary | None = None) -> None:
        self._text = text
        self._cache: dict[tuple[str, str, int], dict[int, int]] = {}
        self._vocabulary: list[str] | None = None  # the reply's distinct words, stemmed
        self._inflected: dict[str, list[int]] | None = None  # words stemming changed
        self._written: dict[str, list[int]] | None = None  # all words as written
        # Filled from the bank's vocabulary up front when the reply has fewer words than it.
        self._primed: Vocabulary | None = None
        self._stems: Near = {}
        self._words: Near = {}
        if vocabulary is not None and len(text.positions) <= len(vocabulary.tokens) + 2:
            self._prime(vocabulary)

    def _prime(self, vocabulary: Vocabulary) -> None:
        budget = vocabulary.max_budget
        for token, positions in self._text.positions.items():
            for bank_token, edits in near_words(token, budget, vocabulary.tokens):
                self._stems.setdefault(bank_token, []).extend((p, edits) for p in positions)
        for position, (token, word) in enumerate(zip(self._text.tokens, self._text.words)):
            bank_words = vocabulary.words if word != token else vocabulary.inflected_words
            for bank_word, edits in near_words(word, budget, bank_words):
                self._words.setdefault(bank_word, []).append((position, edits))
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
        positions, stems, words = self._text.positions, self._stems, self._words
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
            cached = dict.fromkeys(self._text.positions.get(token, ()), 0)
            if budget > 0:
                _merge(cached, self._near_stems(token, budget), budget)
            if spelled_budget > 0:
                _merge(cached, self._near_words(word, token, spelled_budget), spelled_budget)
            self._cache[key] = cached
        return cached

    def _near_stems(self, token: str, budget: int) -> list[tuple[int, int]]:
        primed = self._primed
        if primed is not None and budget <= primed.max_budget and token in primed.token_set:
            return self._stems.get(token, [])
        if self._vocabulary is None:
            self._vocabulary = [token for token in self._text.positions if token.isalpha()]
        positions = self._text.positions
        return [
            (position, edits)
            for other, edits in near_words(token, budget, self._vocabulary)
            for position in positions[other]
        ]

    def _near_words(self, word: str, token: str, budget: int) -> list[tuple[int, int]]:
        primed = self._primed
        if primed is not None and budget <= primed.max_budget and word in primed.word_set:
            return self._words.get(word, [])
        # A bank word that stemming leaves alone was already compared, in the stemmed pass,
        # with every reply word that stemming leaves alone.
        written = self._inflected_words() if word == token else self._all_words()
        return [
            (position, edits)
            for other, edits in near_words(word, budget, list(written))
            for position in written[other]
        ]

    def _all_words(self) -> dict[str, list[int]]:
        """The reply's words as written -> positions (numbers left out)."""
        if self._written is None:
            written: dict[str, list[int]] = {}
            for position, word in enumerate(self._text.words):
                if word.isalpha():
                    written.setdefault(word, []).append(position)
            self._written = written
        return self._written

    def _inflected_words(self) -> dict[str, list[int]]:
        """The reply's words that stemming changes, as written -> positions."""
        if self._inflected is None:
            inflected: dict[str, list[int]] = {}
            for position, (token, word) in enumerate(zip(self._text.tokens, self._text.words)):
                if token != word:
                    inflected.setdefault(word, []).append(position)
            self._inflected = inflected
        return self._inflected


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
    """Close spellings of the phrase's words close together, in any order.

    The words may spread over one more position than the phrase has words ("adds some noise"
    for "adds noise"), which keeps the match to "a phrase of similar length".
    """
    if len(phrase.tokens) == 1:
        return find_in_order(text, phrase, index)
    per_word = []
    for token, word, budget, spelled_budget in zip(
        phrase.tokens, phrase.words, phrase.budgets, phrase.word_budgets, strict=True
    ):
        matches = index.matches(token, word, budget, spelled_budget)
        if not matches:
            return _find_squashed(phrase, index)
        per_word.append(matches)
    span = len(per_word)  # largest allowed (last - first) position difference
    per_word.sort(key=len)
    found = []
    for anchor, edits in per_word[0].items():
        placed = _place(per_word, 1, anchor, anchor, {anchor}, span)
        if placed is not None:
            low, high, more = placed
            found.append(Occurrence(phrase, low, high + 1, edits + more))
    found.extend(_find_squashed(phrase, index))
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
        tokens, text.words, phrase.tokens, phrase.words, phrase.budgets, phrase.word_budgets
    ):
        if token == bank_token:
            continue
        if not token.isalpha():
            return None
        edits = OSA.distance(token, bank_token, score_cutoff=budget) if budget else 1
        if edits > budget:
            edits = OSA.distance(word, bank_word, score_cutoff=spelled_budget) if spelled_budget else 1
            if edits > spelled_budget:
                return None
        total += edits
    return total


def span_distance(text: Text, start: int, end: int, phrase: Phrase) -> float:
    """Typos per character between reply words ``start..end`` and a phrase (no budget)."""
    written = "".join(text.tokens[start:end])
    return OSA.distance(written, phrase.squashed) / max(len(phrase.squashed), 1)
