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

Everything per item (phrases, lemma keys, the kind of question, an index from words to the
phrasings that need them, the typo-tolerant vocabulary) is compiled once and cached, so a
reply is only compared with the phrasings its words can make.

Close spellings are typos only: a reply word the dictionary knows ("around") is taken as
meant, never as a slip for a rubric word ("ground"). A phrasing the question itself contains
earns nothing ("examples" for "how does the model use the examples?").

Each misconception of the item (and each absolute claim of bank.claims.OVERCLAIMS) that the
reply states costs a point, and the answer is then not accepted, with the claim named.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bank.claims import OVERCLAIMS, Claim, make_claim, wrong_claims
from bank.confusables import ConfusableTable
from bank.echoes import is_echo, spelt_out
from bank.fuzzy import FuzzyIndex, Vocabulary, find_any_order, make_vocabulary
from bank.graded import Grade, per_item, quote
from bank.lemmas import lemma_text, lemma_tokens, misspellable
from bank.matching import Phrase, find_exact, make_phrase, may_occur_exactly, place_any_order
from bank.normalize import Text, phrase_text, prepare, tokenize
from bank.replylength import enough_points
from bank.salad import SALAD_REASON, SALAD_SHARE, asks_for_explanation, is_salad
from bank.schema import KeypointsItem
from bank.scope import NEGATORS, Negations

_AFFIRMING = frozenset({"just", "only", "merely", "simply"})  # "not just X" says X
_AFTER_NEGATOR = frozenset({"of", "any"})  # "lack of X", "no X" ~ "not any X"
_ING_FORMS = ("ing", "ings", "ed")


@dataclass(frozen=True, slots=True)
class _Form:
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
class _Point:
    forms: tuple[_Form, ...]
    shown: str


@dataclass(frozen=True, slots=True)
class _Rubric:
    points: tuple[_Point, ...]
    explains: bool  # the question asks to explain: a bare list of terms is no answer
    spellings: Spellings  # every phrasing's words with a typo budget, by reply-word length
    # A word -> the (point, form) numbers a reply with that word (as token or lemma key) may
    # match exactly: each form is filed under words it cannot be found without.
    triggers: dict[str, frozenset[int]]
    trigger_words: frozenset[str]  # the triggers' keys, for set intersections at C speed
    claims: tuple[Claim, ...]  # the item's misconceptions (bank.claims)
    claim_words: frozenset[str]  # the longest lemma key of each claim
    # A typo target word -> the (point, form) numbers whose spellings hold it, coded as
    # triggers are: the forms a reply's misspelt words can reach, without a loop per form.
    spelled: dict[str, frozenset[int]]
    spelled_words: frozenset[str]


def _form(label: str) -> _Form | None:
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
    return _Form(
        label,
        phrase,
        lemmas,
        frozenset(lemmas),
        frozenset(phrase.tokens),  # a negative form's own negators are left out: they count
        negative,
        ing_only and lemmas != phrase.tokens,
        2 if negative else 1,
        frozenset(phrase.tokens),
        frozenset((*phrase.tokens, *phrase.words, phrase.squashed, phrase.squashed_word)),
        written if negative else None,
    )


@per_item
def _rubric(item: KeypointsItem, table: ConfusableTable) -> _Rubric:
    asked = _Reply(tokenize(prepare(item.prompt)), _NO_SPELLINGS)
    expanded = spelt_out(item)
    points = []
    for phrasings in item.points:
        forms = tuple(form for form in map(_form, phrasings) if form is not None)
        # A phrasing the question itself says, or its acronym spelt out ("human feedback"
        # for RLHF), earns nothing: repeating the question is no answer.
        said = tuple(form for form in forms if _find_exact(asked, form) is None)
        forms = tuple(form for form in said if not is_echo(form.phrase.tokens, expanded)) or forms
        points.append(_Point(forms, phrasings[0] if phrasings else ""))
    spellings = _spellings(make_vocabulary(form.phrase for point in points for form in point.forms))
    claims = tuple(
        claim for claim in map(make_claim, (*item.misconceptions, *OVERCLAIMS)) if claim is not None
    )
    triggers = _triggers(points)
    spelled = _spelled(points)
    return _Rubric(
        tuple(points),
        asks_for_explanation(item.prompt),
        spellings,
        triggers,
        frozenset(triggers),
        claims,
        frozenset(max(claim.keys, key=len) for claim in claims),
        spelled,
        frozenset(spelled),
    )


# Reply-word length -> (bank words, their typo budgets, the largest budget), stemmed words
# and words as written together: one rapidfuzz sweep per typo finds the words it is close to.
Spellings = dict[int, tuple[list[str], dict[str, int], int]]


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


def _triggers(points: list[_Point]) -> dict[str, frozenset[int]]:
    """Each form under one word of each way _find_point's quick test can pass it, coded as
    ``point << _PLACE_BITS | form`` so a reply's candidates are one set union."""
    filed: dict[str, set[int]] = {}
    for number, point in enumerate(points):
        for place, form in enumerate(point.forms):
            phrase, written = form.phrase, form.written
            words = {
                max(form.lemmas, key=len),  # all its lemma keys in the reply
                max(phrase.tokens, key=len),  # all its tokens
                phrase.squashed,
                *phrase.head_tokens,
            }
            if written is not None:
                words.update((max(written.tokens, key=len), written.squashed))
            for word in words:
                filed.setdefault(word, set()).add(number << _PLACE_BITS | place)
    return {word: frozenset(entries) for word, entries in filed.items()}


def _spelled(points: list[_Point]) -> dict[str, frozenset[int]]:
    """Each form under every word of its spellings, coded like ``_triggers``."""
    filed: dict[str, set[int]] = {}
    for number, point in enumerate(points):
        for place, form in enumerate(point.forms):
            for word in form.spellings:
                filed.setdefault(word, set()).add(number << _PLACE_BITS | place)
    return {word: frozenset(entries) for word, entries in filed.items()}


_SHOWN_MISSING = 3
_PLACE_BITS = 12  # forms per point, at most 4096 (a point has a few dozen phrasings)
_PLACE_MASK = (1 << _PLACE_BITS) - 1
_NO_TABLE = ConfusableTable(())  # keypoints do not use the confusables table
_NO_SPELLINGS: Spellings = {}


class _Reply:
    """One reply as the matchers need it; the lemma view and fuzzy index built on demand."""

    __slots__ = (
        "_index",
        "_lemmas",
        "_misspelt",
        "_spellings",
        "_typos",
        "covered",
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
        self._lemmas: Text | None = None
        self._index: FuzzyIndex | None = None
        self._typos: frozenset[int] | None = None

    @property
    def lemmas(self) -> Text:
        if self._lemmas is None:
            self._lemmas = lemma_text(self.text)
        return self._lemmas

    @property
    def typos(self) -> frozenset[int]:
        """Positions of the words that may be typos: ones the dictionary does not know."""
        if self._typos is None:
            words = self.text.words
            unknown = misspellable(words)  # positions only for the few such words
            self._typos = (
                frozenset(i for i, word in enumerate(words) if word in unknown)
                if unknown
                else frozenset()
            )
        return self._typos

    @property
    def misspelt(self) -> frozenset[str]:
        """The rubric's words (stemmed or as written) that some typo of the reply is close to:
        a phrasing with none of them cannot be found by close spelling. A sieve, so it may
        let through more than bank.fuzzy then accepts, never less."""
        if self._misspelt is None:
            spellings, near = self._spellings, set()
            words, tokens = self.text.words, self.text.tokens
            for written in {words[p] for p in self.typos} | {tokens[p] for p in self.typos}:
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

    def spelled_close(self, form: _Form, start: int, end: int) -> bool:
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

    def verdict(self, form: _Form, start: int, end: int) -> bool | None:
        """True when the occurrence says the idea, False when it is denied, None when it
        says the opposite of a negative-form idea ("needs labelled data")."""
        self.covered.update(range(start, end))
        denied = self.negated and self.negations.denies(start, end, form.own)
        if form.negative:
            return True if denied else None
        if denied and self.negations.unneeded(start, end):
            self.unneeded = True
        return not denied


def grade_keypoints(item: KeypointsItem, reply: str) -> Grade:
    rubric = _rubric(item, _NO_TABLE)
    points = rubric.points
    if not points:
        return Grade(False, 0.0, reason="not accepted: this question has no key points")
    text = tokenize(prepare(reply))  # points are searched anywhere: no filler to strip
    state = _Reply(text, rubric.spellings)
    candidates = _candidates(rubric, text.token_set, state.lemmas.token_set)
    close: dict[int, list[int]] | None = None  # built when a point is not found exactly
    matched: list[str] = []
    missing: list[str] = []
    negated: list[str] = []
    unneeded: list[str] = []
    for number, point in enumerate(points):
        state.unneeded = False
        chosen = candidates.get(number)
        label, denied = _find_point(state, point, chosen) if chosen else (None, False)
        if label is None:
            if close is None:
                close = _close_forms(rubric, state)
            if number in close:
                label, denied = _find_close(state, point, close[number], denied)
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
    wrong = unneeded + wrong_claims(
        rubric.claims, rubric.claim_words, state.text, state.lemmas, state.negations
    )
    # A wrong claim costs a point, and an interviewer does not pass an answer that makes one.
    credited = max(found - len(wrong), 0)
    size = len(text.tokens)
    correct = not wrong and enough_points(size, credited, item.need, len(points), rubric.explains)
    reason = _points_reason(correct, credited, len(points), missing, negated, wrong)
    return Grade(correct, credited / len(points), tuple(matched), reason, tuple(missing))


def _candidates(
    rubric: _Rubric, tokens: frozenset[str], lemmas: frozenset[str]
) -> dict[int, list[int]]:
    """Point number -> its forms (in rubric order) worth looking for exactly in the reply."""
    filed = rubric.trigger_words
    return _decode(rubric.triggers, (tokens & filed) | (lemmas & filed))


def _decode(filed: dict[str, frozenset[int]], hit: frozenset[str]) -> dict[int, list[int]]:
    """Point number -> its form numbers, in rubric order, filed under any word of ``hit``."""
    if not hit:
        return {}
    chosen: dict[int, list[int]] = {}
    for code in sorted(frozenset().union(*map(filed.__getitem__, hit))):
        chosen.setdefault(code >> _PLACE_BITS, []).append(code & _PLACE_MASK)
    return chosen


def _close_forms(rubric: _Rubric, state: _Reply) -> dict[int, list[int]]:
    """Point number -> the forms (in rubric order) whose spellings a typo of the reply is
    close to: the only ones worth looking for by close spelling."""
    misspelt = state.misspelt if state.typos else None
    return _decode(rubric.spelled, rubric.spelled_words & misspelt) if misspelt else {}


def _find_point(state: _Reply, point: _Point, candidates: Iterable[int]) -> tuple[str | None, bool]:
    """(the phrasing found exactly, whether some phrasing was only found denied)."""
    denied = False
    text = state.text
    joined, present, lemma_set = text.joined, text.token_set, state.lemmas.token_set
    forms = point.forms
    for form in map(forms.__getitem__, candidates):
        phrase = form.phrase
        # The cheap part of may_occur_exactly and the lemma test inline: most phrasings of
        # most points are absent from a reply, and a call per phrasing adds up.
        written = form.written
        if (
            form.lemma_set <= lemma_set
            or form.token_set <= present
            or phrase.squashed in present
            or not phrase.head_tokens.isdisjoint(present)
            or (written is not None and (written.joined in joined or written.squashed in present))
        ):
            said = _find_exact(state, form)
            if said:
                return form.label, denied
            denied = denied or said is False
    return None, denied


def _find_close(
    state: _Reply, point: _Point, close: list[int], denied: bool
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


def _find_exact(state: _Reply, form: _Form) -> bool | None:
    """As written, then by lemma keys: True found, False only denied, None absent."""
    text, phrase = state.text, form.phrase
    written = form.written
    if written is not None and may_occur_exactly(text, written):
        for occurrence in find_exact(text, written):
            state.covered.update(range(occurrence.start, occurrence.end))
            return True
    said: bool | None = None
    if may_occur_exactly(text, phrase):
        said = _first_verdict(state, form, ((o.start, o.end) for o in find_exact(text, phrase)))
        if said:
            return True
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


def _first_verdict(state: _Reply, form: _Form, places: Iterable[tuple[int, int]]) -> bool | None:
    """True at the first occurrence that says the idea; else False if one was denied."""
    said: bool | None = None
    for start, end in places:
        verdict = state.verdict(form, start, end)
        if verdict:
            return True
        if verdict is False:
            said = False
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
