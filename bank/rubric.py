"""A keypoints item compiled once for grading: its phrasings as forms, and word indexes to them.

Everything here depends on the item only, so it is built once per item and cached by
bank.keypoints: each phrasing as a ``Form`` (its words as a Phrase, lemma keys, whether it
is a negative-form idea), the typo-tolerant vocabulary, the item's misconceptions, and
indexes from a word to what a reply with that word may match. The indexes are integer
bitmasks (one bit per form, forms numbered in rubric order; one bit per claim): a reply's
candidates are the OR of a few masks, and a point's share of them is one shift and one mask,
where sets of numbers would need a sort and a loop per reply.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from bank.claims import OVERCLAIMS, Claim, make_claim
from bank.fuzzy import Vocabulary, make_vocabulary
from bank.lemmas import lemma_tokens
from bank.matching import Phrase, make_phrase, shared
from bank.normalize import phrase_text
from bank.salad import asks_for_explanation
from bank.schema import KeypointsItem
from bank.scope import NEGATORS

_AFFIRMING = frozenset({"just", "only", "merely", "simply"})  # "not just X" says X
_AFTER_NEGATOR = frozenset({"of", "any"})  # "lack of X", "no X" ~ "not any X"


@dataclass(frozen=True, slots=True)
class Form:
    """One phrasing ready to match: its words as a Phrase, their lemma keys, and its sense."""

    label: str
    phrase: Phrase  # for a negative-form idea: the words other than its negators
    lemmas: tuple[str, ...]  # the same words as lemma keys
    lemma_set: frozenset[str]
    own: frozenset[str]  # the phrasing's own tokens: its own "non" is no denial of it
    negative: bool  # found only when denied: "needs no labelled data"
    ing_only: bool  # one word in -ing ("noising"): its bare noun ("noise") is not it
    slack: int  # extra reply positions its words may spread over when found by lemma
    token_set: frozenset[str]  # the phrase's tokens: reply words that are no typo of it
    spellings: frozenset[str]  # its words stemmed, as written and run together: typo targets
    written: Phrase | None  # a negative form as written: found as such, it is said


@dataclass(frozen=True, slots=True)
class Point:
    forms: tuple[Form, ...]
    shown: str
    first: int  # the number of its first form in the rubric: its bits start here
    bits: int  # a mask of as many low bits as it has forms


# Reply-word length -> (bank words, their typo budgets, the largest budget), stemmed words
# and words as written together: one rapidfuzz sweep per typo finds the words it is close to.
Spellings = dict[int, tuple[list[str], dict[str, int], int]]


@dataclass(frozen=True, slots=True)
class Rubric:
    points: tuple[Point, ...]
    explains: bool  # the question asks to explain: a bare list of terms is no answer
    spellings: Spellings  # every phrasing's words with a typo budget, by reply-word length
    # A reply token -> the forms a reply with that token may match exactly, and a reply
    # lemma key -> the same: each form is filed under words it cannot be found without.
    token_triggers: dict[str, int]
    token_trigger_words: frozenset[str]  # the keys, for set intersections at C speed
    lemma_triggers: dict[str, int]
    lemma_trigger_words: frozenset[str]
    # Forms of one word, filed under each way to find them: a trigger said is the quick test
    # passed, so it need not run again. A word that may be written in two ("fine tuning")
    # is not among them: its first half is often a common word, and the test is finer.
    sure: int
    # A typo target word -> the forms whose spellings hold it: the forms a reply's misspelt
    # words can reach, without a loop per form.
    spelled: dict[str, int]
    spelled_words: frozenset[str]
    claims: tuple[Claim, ...]  # the item's misconceptions and the absolute claims
    claim_words: frozenset[str]  # the longest lemma key of each claim
    claim_index: dict[str, int]  # that key -> the claims (bits in ``claims`` order)
    # The same for the next longest key (the longest again for a claim of one key): a claim
    # needs both, and most replies have the first of a few claims but not the second.
    second_words: frozenset[str]
    second_index: dict[str, int]


def make_form(label: str) -> Form | None:
    text = phrase_text(label)
    words, tokens = text.words, text.tokens
    negative = False
    keep = []
    for index, (token, word) in enumerate(zip(tokens, words, strict=True)):
        follows = tokens[index + 1] if index + 1 < len(tokens) else ""
        if token in NEGATORS and follows and follows not in _AFFIRMING:
            negative = True
            continue
        if negative and token in _AFTER_NEGATOR and index and tokens[index - 1] in NEGATORS:
            continue
        keep.append(word)
    negative = negative and bool(keep)  # "none" alone names nothing to deny
    written = make_phrase(label)
    phrase = make_phrase(" ".join(keep)) if negative and keep else written
    if phrase is None:
        return None
    lemmas = lemma_tokens(phrase.words)
    ing_only = len(phrase.words) == 1 and phrase.words[0].endswith("ing")
    return Form(
        label,
        phrase,
        lemmas,
        shared(lemmas),
        shared(phrase.tokens),  # a negative form's own negators are left out: they count
        negative,
        ing_only and lemmas != phrase.tokens,
        2 if negative else 1,
        shared(phrase.tokens),
        frozenset((*phrase.tokens, *phrase.words, phrase.squashed, phrase.squashed_word)),
        written if negative else None,
    )


def compile_rubric(item: KeypointsItem, asked: Callable[[Form], bool]) -> Rubric:
    """The item's rubric; ``asked`` says whether the question itself says a form (or spells
    it out, bank.echoes): such a form earns nothing, unless the point has no other."""
    points = []
    first = 0
    for phrasings in item.points:
        forms = tuple(form for form in map(make_form, phrasings) if form is not None)
        # A phrasing the question itself says (or spells out: bank.echoes) earns nothing:
        # repeating it is no answer.
        forms = tuple(form for form in forms if not asked(form)) or forms
        shown = phrasings[0] if phrasings else ""
        points.append(Point(forms, shown, first, (1 << len(forms)) - 1))
        first += len(forms)
    spellings = _spellings(make_vocabulary(form.phrase for point in points for form in point.forms))
    claims = tuple(
        claim for claim in map(make_claim, (*item.misconceptions, *OVERCLAIMS)) if claim is not None
    )
    claim_index: dict[str, int] = {}
    second_index: dict[str, int] = {}
    for number, claim in enumerate(claims):
        rare = max(claim.keys, key=len)
        claim_index[rare] = claim_index.get(rare, 0) | 1 << number
        second = max((key for key in claim.keys if key != rare), key=len, default=rare)
        second_index[second] = second_index.get(second, 0) | 1 << number
    token_triggers = _file(points, _token_triggers)
    lemma_triggers = _file(points, lambda form: (max(form.lemmas, key=len),))
    sure = 0
    for point in points:
        for place, form in enumerate(point.forms):
            phrase = form.phrase
            if len(phrase.tokens) == 1 and form.written is None and not phrase.split_heads:
                sure |= 1 << (point.first + place)
    spelled = _file(points, lambda form: form.spellings)
    return Rubric(
        tuple(points),
        asks_for_explanation(item.prompt),
        spellings,
        token_triggers,
        frozenset(token_triggers),
        lemma_triggers,
        frozenset(lemma_triggers),
        sure,
        spelled,
        frozenset(spelled),
        claims,
        frozenset(claim_index),
        claim_index,
        frozenset(second_index),
        second_index,
    )


def _spellings(vocabulary: Vocabulary) -> Spellings:
    merged: dict[int, dict[str, int]] = {}
    for by_length in (vocabulary.tokens, vocabulary.words):
        for length, near in by_length.items():
            bucket = merged.setdefault(length, {})
            for word, budget in near:
                bucket[word] = max(budget, bucket.get(word, 0))
    return {
        length: (list(bucket), bucket, max(bucket.values()))
        for length, bucket in merged.items()
        if bucket
    }


def _token_triggers(form: Form) -> set[str]:
    """A token of each way but by lemma keys that keypoints' quick test before the exact
    search can pass the form (all its lemma keys in the reply: filed under the longest)."""
    phrase, written = form.phrase, form.written
    words = {
        max(phrase.tokens, key=len),  # all its tokens
        phrase.squashed,
        *phrase.head_tokens,
    }
    if written is not None:
        words.update((max(written.tokens, key=len), written.squashed))
    return words


def _file(points: list[Point], words_of: Callable[[Form], Iterable[str]]) -> dict[str, int]:
    """Each form's bit under every word ``words_of`` gives for it."""
    filed: dict[str, int] = {}
    for point in points:
        for place, form in enumerate(point.forms):
            bit = 1 << (point.first + place)
            for word in words_of(form):
                filed[word] = filed.get(word, 0) | bit
    return filed


def forms_of(filed: dict[str, int], hit: Iterable[str]) -> int:
    """The forms (or claims) filed under any word of ``hit``, as one mask."""
    return reduce(or_, map(filed.__getitem__, hit), 0)


def places(bits: int) -> list[int]:
    """The numbers of the set bits of ``bits``, lowest first: a point's forms in order."""
    found = []
    while bits:
        low = bits & -bits
        found.append(low.bit_length() - 1)
        bits ^= low
    return found
