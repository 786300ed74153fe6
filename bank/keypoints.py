"""Grading a keypoints reply: which points it names, in any word form, and which it denies.

Each phrasing of a point is looked for three ways, cheapest first: as written (whole words,
stemmed: bank.matching), by lemma keys in any order (bank.lemmas: "quantizing the weights"
for "weight quantization"), then as close spellings in any order (bank.fuzzy). An
occurrence counts unless a negator scopes over it (bank.scope: "uses no tools", "lacks
autonomy, planning, tools and goals").

A phrasing that contains a negator ("needs no labelled data", "without retraining") is a
negative-form idea: its other words must be found and denied ("no labelled data needed",
"doesn't need labels"). "non-" and "not just/only" are not negators of the phrase.

To a question that asks to explain (bank.salad), a reply that is only a list of the terms
gets at most ``SALAD_SHARE`` and the feedback to answer in sentences.

Everything per item (phrases, lemma keys, the kind of question, indexes from words to the
phrasings and misconceptions that need them, the typo-tolerant vocabulary: bank.rubric) is
compiled once and cached, so a reply is only compared with the phrasings its words can make.

Close spellings are typos only: a reply word the dictionary knows ("around") is taken as
meant, never as a slip for a rubric word ("ground"). A phrasing the question itself contains
earns nothing ("examples" for "how does the model use the examples?"), and so does one that
spells out an acronym of the question (bank.echoes: "human feedback" for RLHF).

Each misconception of the item (and each absolute claim of bank.claims.OVERCLAIMS) that the
reply states costs a point, and the answer is then not accepted, with the claim named.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bank.claims import wrong_claims
from bank.confusables import ConfusableTable
from bank.echoes import is_echo, spelt_out
from bank.fuzzy import FuzzyIndex, find_any_order
from bank.graded import Grade, per_item, quote
from bank.lemmas import lemma_text, misspellable
from bank.matching import (
    exact_spans,
    joined_word_spans,
    may_split,
    place_any_order,
    whole_word_spans,
)
from bank.normalize import Text, occurrences, prepare, stem, tokenize
from bank.replylength import enough_points
from bank.rubric import Form, Point, Rubric, Spellings, compile_rubric, forms_of, places
from bank.salad import SALAD_REASON, SALAD_SHARE, is_salad
from bank.schema import KeypointsItem
from bank.scope import Negations

_ING_FORMS = ("ing", "ings", "ed")


@per_item
def _rubric(item: KeypointsItem, table: ConfusableTable) -> Rubric:
    asked = _Reply(tokenize(prepare(item.prompt)), _NO_SPELLINGS)
    expanded = spelt_out(item)
    # A phrasing the question says, or its acronym spelt out ("human feedback" for RLHF).
    return compile_rubric(
        item,
        lambda form: _find_exact(asked, form) is not None or is_echo(form.phrase.tokens, expanded),
    )


_SHOWN_MISSING = 3
_NOT_FOUND: tuple[str | None, bool] = (None, False)
_NO_TABLE = ConfusableTable(())  # keypoints do not use the confusables table
_NO_SPELLINGS: Spellings = {}


class _Reply:
    """One reply as the matchers need it: its lemma view (every reply needs it for its
    candidates, so it is an attribute, not a property), the fuzzy index built on demand."""

    __slots__ = (
        "_index",
        "_misspelt",
        "_spellings",
        "_typos",
        "_unknown",
        "covered",
        "lemmas",
        "negated",
        "negations",
        "text",
        "unneeded",
    )

    def __init__(self, text: Text, spellings: Spellings) -> None:
        self.text = text
        self._spellings = spellings
        self._misspelt: frozenset[str] | None = None
        self.negations = Negations(text)
        self.negated = bool(self.negations)
        self.covered: set[int] = set()  # positions of rubric terms found, for the salad test
        self.unneeded = False  # the point being looked for was said not to be needed
        self.lemmas = lemma_text(text)
        self._index: FuzzyIndex | None = None
        self._typos: frozenset[int] | None = None
        self._unknown: set[str] | None = None

    @property
    def unknown(self) -> set[str]:
        """The reply's words that may be typos: ones the dictionary does not know."""
        if self._unknown is None:
            # The lemma view keyed every word of the reply: no pass to key new ones.
            self._unknown = misspellable(self.text.words, keyed=True)
        return self._unknown

    @property
    def typos(self) -> frozenset[int]:
        """Positions of the words that may be typos, for the few replies that need them."""
        if self._typos is None:
            words = self.text.words
            self._typos = frozenset(
                position for word in self.unknown for position in occurrences(words, word)
            )
        return self._typos

    @property
    def misspelt(self) -> frozenset[str]:
        """The rubric's words (stemmed or as written) that some typo of the reply is close to:
        a phrasing with none of them cannot be found by close spelling. A sieve, so it may
        let through more than bank.fuzzy then accepts, never less."""
        if self._misspelt is None:
            spellings, near, unknown = self._spellings, set(), self.unknown
            # Each typo as written and stemmed (a reply token is its word stemmed): no
            # positions needed.
            for written in unknown.union(map(stem, unknown)):
                bucket = spellings.get(len(written))
                if bucket is None:
                    continue
                choices, budgets, most = bucket
                for bank_word, edits, _ in process.extract(
                    written, choices, scorer=OSA.distance, score_cutoff=most, limit=None
                ):
                    if edits <= budgets[bank_word]:
                        near.add(bank_word)
            self._misspelt = frozenset(near)
        return self._misspelt

    def spelled_close(self, form: Form, start: int, end: int) -> bool:
        """Whether a close-spelling occurrence leans on typos only, never on real words.

        Each reply word of the span is the phrase's own word, a word the dictionary does not
        know, or one of the gap words the span may hold beyond the phrase's length.
        """
        tokens, lemmas, typos = self.text.tokens, self.lemmas.tokens, self.typos
        gaps = end - start - len(form.phrase.tokens)
        for position in range(start, end):
            if (
                position not in typos
                and tokens[position] not in form.token_set
                and lemmas[position] not in form.lemma_set
            ):
                gaps -= 1
                if gaps < 0:
                    return False
        return True

    @property
    def index(self) -> FuzzyIndex:
        if self._index is None:
            self._index = FuzzyIndex(self.text)
        return self._index


def grade_keypoints(item: KeypointsItem, reply: str) -> Grade:
    rubric = _rubric(item, _NO_TABLE)
    points = rubric.points
    if not points:
        return Grade(False, 0.0, reason="not accepted: this question has no key points")
    text = tokenize(prepare(reply))  # points are searched anywhere: no filler to strip
    state = _Reply(text, rubric.spellings)
    candidates = _candidates(rubric, text.token_set, state.lemmas.token_set)
    close: int | None = None  # the forms worth a close-spelling search, when first needed
    matched: list[str] = []
    missing: list[str] = []
    negated: list[str] = []
    unneeded: list[str] = []
    for point in points:
        state.unneeded = False
        chosen = candidates >> point.first & point.bits
        label, denied = (
            _find_point(state, point, chosen, rubric.sure >> point.first) if chosen else _NOT_FOUND
        )
        if label is None:
            if close is None:
                close = _close_forms(rubric, state)
            near = close >> point.first & point.bits
            if near:
                label, denied = _find_close(state, point, places(near), denied)
        if label is not None:
            matched.append(label)
        else:
            missing.append(point.shown)
            if denied:
                negated.append(point.shown)
            if state.unneeded:  # "chunking isn't really needed", and nowhere said it is
                unneeded.append(f"{point.shown} is not needed")
    found = len(matched)
    if rubric.explains and found and is_salad(text, state.covered):
        score = min(found / len(points), SALAD_SHARE)
        reason = f"not accepted: {SALAD_REASON} ({found} of {len(points)} terms named)"
        return Grade(False, score, tuple(matched), reason, tuple(missing))
    wrong = unneeded + _wrong_claims(rubric, state)
    # A wrong claim costs a point, and an interviewer does not pass an answer that makes one.
    credited = max(found - len(wrong), 0)
    size = len(text.tokens)
    correct = not wrong and enough_points(size, credited, item.need, len(points), rubric.explains)
    reason = _points_reason(correct, credited, len(points), missing, negated, wrong)
    return Grade(correct, credited / len(points), tuple(matched), reason, tuple(missing))


def _candidates(rubric: Rubric, tokens: frozenset[str], lemmas: frozenset[str]) -> int:
    """The forms worth looking for exactly in the reply, as a mask (bank.rubric)."""
    by_token = forms_of(rubric.token_triggers, tokens & rubric.token_trigger_words)
    return by_token | forms_of(rubric.lemma_triggers, lemmas & rubric.lemma_trigger_words)


def _close_forms(rubric: Rubric, state: _Reply) -> int:
    """The forms whose spellings a typo of the reply is close to, as a mask: the only ones
    worth looking for by close spelling."""
    misspelt = state.misspelt if state.unknown else None
    return forms_of(rubric.spelled, rubric.spelled_words & misspelt) if misspelt else 0


def _wrong_claims(rubric: Rubric, state: _Reply) -> list[str]:
    """bank.claims.wrong_claims over the claims whose two longest keys the reply has: a
    claim needs all its keys, so the others cannot be stated, and 50-odd set tests are
    saved. What it finds for none of them, it is not called for."""
    present = state.lemmas.token_set
    words = rubric.claim_words
    hit = words & present
    if not hit:
        return []  # what wrong_claims finds for a reply without any claim's rarest word
    seconds = rubric.second_words & present
    if "llm" in present:  # wrong_claims reads "llm" as "model"
        if "model" in words:
            hit |= {"model"}
        if "model" in rubric.second_words:
            seconds |= {"model"}
    both = forms_of(rubric.claim_index, hit) & forms_of(rubric.second_index, seconds)
    if not both:
        return []
    claims = rubric.claims
    chosen = tuple(claims[number] for number in places(both))
    return wrong_claims(chosen, words, state.text, state.lemmas, state.negations)


def _find_point(state: _Reply, point: Point, chosen: int, sure: int) -> tuple[str | None, bool]:
    """(the phrasing found exactly, whether some phrasing was only found denied), over the
    ``chosen`` forms (a mask of the point's forms, bank.rubric); the ``sure`` ones passed
    the quick test by being chosen."""
    denied = False
    text = state.text
    joined, present, lemma_set = text.joined, text.token_set, state.lemmas.token_set
    forms = point.forms
    while chosen:
        low = chosen & -chosen  # the forms in rubric order, without a list of them
        chosen ^= low
        form = forms[low.bit_length() - 1]
        phrase = form.phrase
        # The cheap part of may_occur_exactly and the lemma test inline: most phrasings of
        # most points are absent from a reply, and a call per phrasing adds up.
        written = form.written
        if (
            low & sure
            or form.lemma_set <= lemma_set
            or form.token_set <= present
            or phrase.squashed in present
            or (not phrase.head_tokens.isdisjoint(present) and may_split(text, phrase))
            or (written is not None and (written.joined in joined or written.squashed in present))
        ):
            said = _find_exact(state, form)
            if said:
                return form.label, denied
            denied = denied or said is False
    return None, denied


def _find_close(
    state: _Reply, point: Point, close: list[int], denied: bool
) -> tuple[str | None, bool]:
    """``_find_point`` by close spelling, over the ``close`` forms, after the exact search."""
    text, forms = state.text, point.forms
    for form in map(forms.__getitem__, close):
        found = find_any_order(text, form.phrase, state.index)
        if found:
            places = ((o.start, o.end) for o in found)
            spelled = (p for p in places if state.spelled_close(form, *p))
            said = _first_verdict(state, form, spelled)
            if said:
                return form.label, denied
            denied = denied or said is False
    return None, denied


def _find_exact(state: _Reply, form: Form) -> bool | None:
    """As written, then by lemma keys: True found, False only denied, None absent."""
    text = state.text
    written = form.written
    if written is not None:
        spans = exact_spans(text, written)
        if spans:
            start, end = spans[0]
            state.covered.update(range(start, end))
            return True
    phrase = form.phrase
    present = text.token_set
    # The first test of whole_word_spans and of joined_word_spans inline: most forms looked
    # for here are said one way at most, and a call and a list per way add up.
    said = None
    joined = text.joined
    at = joined.find(phrase.joined)
    if at >= 0:
        # The first occurrence as _first_verdict reads it, without a list of them all: it
        # says most ideas, and the rest are looked at only when it does not.
        start = joined.count(" ", 0, at)  # the space before token k is the (k+1)-th
        end = start + len(phrase.tokens)
        if not form.negative and not (
            state.negated and state.negations.denies(start, end, form.own)
        ):
            state.covered.update(range(start, end))
            return True
        said = _first_verdict(state, form, whole_word_spans(text, phrase))
        if said:
            return True
    # Run together or split in two only when not said as written: the occurrences in the
    # order exact_spans gives them, without looking for the later ones when not needed.
    if (
        phrase.squashed in present
        if len(phrase.tokens) > 1
        else phrase.split_heads and not phrase.head_tokens.isdisjoint(present)
    ):
        more = _first_verdict(state, form, joined_word_spans(text, phrase))
        if more:
            return True
        if more is False:
            said = False
    # By lemma keys even when the phrasing's are its tokens: the reply's forms may differ.
    lemmas = state.lemmas
    if form.lemma_set <= lemmas.token_set:
        places = place_any_order(lemmas, form.lemmas, form.slack)
        if form.ing_only:
            words = text.words
            places = (p for p in places if words[p[0]].endswith(_ING_FORMS))
        found = _first_verdict(state, form, places)
        if found is not None:
            return found
    return said


def _first_verdict(state: _Reply, form: Form, places: Iterable[tuple[int, int]]) -> bool | None:
    """True at the first occurrence that says the idea; else False if one was denied.

    An occurrence says a negative-form idea only when denied ("no labelled data needed"),
    any other idea only when not denied; denied, it may also say the idea is not needed.
    """
    said: bool | None = None
    covered, negations, negative = state.covered, state.negations, form.negative
    negated = state.negated
    for start, end in places:
        covered.update(range(start, end))  # for the salad test: rubric terms said
        if negated and negations.denies(start, end, form.own):
            if negative:
                return True
            if negations.unneeded(start, end):
                state.unneeded = True
            said = False
        elif not negative:
            return True
    return said


def _points_reason(
    correct: bool,
    found: int,
    total: int,
    missing: list[str],
    negated: list[str],
    wrong: list[str],
) -> str:
    verdict = "accepted" if correct else "not accepted"
    if not missing and not wrong:
        return f"{verdict}: all {total} points" if total > 1 else f"{verdict}: the key point"
    reason = f"{verdict}: {found} of {total} points"
    if wrong:
        off = "a point" if len(wrong) == 1 else f"{len(wrong)} points"
        said = " and ".join(quote(claim) for claim in wrong[:2])
        reason += f" ({off} off for saying {said}, which is wrong)"
    if not missing:
        return reason
    shown = ", ".join(quote(label) for label in missing[:_SHOWN_MISSING])
    if len(missing) > _SHOWN_MISSING:
        shown += f" and {len(missing) - _SHOWN_MISSING} more"
    reason += f", missing {shown}"
    if negated:
        reason += f" ({quote(negated[0])} was negated)"
    return reason
