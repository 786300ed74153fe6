"""Grading a member's reply: forgiving of typos, strict about meaning.

``grade(item, reply) -> Grade``. Rules by kind:

- ``short``: accepted when the reply equals or contains an answer (or a synonym from the
  confusables table) as whole words, or is a close spelling of one (``bank.matching``). Not
  accepted when it is nearer to a rival (the item's ``reject`` terms, confusable terms from
  ``bank/confusables.yaml``), names the answer together with a rival or an "or" alternative,
  or negates the answer ("not LoRA").
- ``mcq``: a letter ("b", "B)", "(b)", "option B", "answer: b"), a 1-based number, or the
  choice text graded like ``short`` with the other choices as rivals. Two picks are wrong.
- ``truefalse``: yes/no words and emoji, also in a short sentence; "not true" is false.
- ``keypoints``: each point is found when one of its phrasings appears, exactly or as a close
  spelling in any word order, and is not negated. ``score = found / points``.

Never raises on a string; replies are graded on their first 4000 characters.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, TypeVar

from bank.confusables import ConfusableTable, builtin_confusables
from bank.matching import (
    FuzzyIndex,
    Occurrence,
    Phrase,
    Vocabulary,
    find_any_order,
    find_exact,
    find_in_order,
    hedge_alternatives,
    is_negated,
    make_phrase,
    make_vocabulary,
    may_occur_exactly,
    span_distance,
    whole_edits,
)
from bank.normalize import (
    MAX_REPLY_CHARS,
    Text,
    normalize_reply,
    phrase_tokens,
    prepare,
    stem,
    tokenize,
)
from bank.schema import LETTERS, Item, KeypointsItem, McqItem, ShortItem, TrueFalseItem


@dataclass(frozen=True, slots=True)
class Grade:
    correct: bool
    score: float  # in [0, 1]
    matched: tuple[str, ...] = ()  # the accepted phrasings that matched, for the reveal
    reason: str = ""  # short and human: "accepted: close spelling of 'nucleus sampling'"
    missing: tuple[str, ...] = ()  # keypoints: the points not found (their first phrasing)


def grade(item: Item, reply: str, *, confusables: ConfusableTable | None = None) -> Grade:
    """Grade one reply to one item. ``confusables`` defaults to the built-in table."""
    table = confusables if confusables is not None else builtin_confusables()
    if not isinstance(reply, str):  # defensive: a caller passing None must not crash a round
        reply = "" if reply is None else str(reply)
    if isinstance(item, ShortItem):
        return _grade_short(item, reply, table)
    if isinstance(item, McqItem):
        return _grade_mcq(item, reply, table)
    if isinstance(item, TrueFalseItem):
        return _grade_truefalse(item, reply)
    if isinstance(item, KeypointsItem):
        return _grade_keypoints(item, reply)
    raise TypeError(f"not a bank item: {type(item).__name__}")


_EMPTY = Grade(False, 0.0, reason="not accepted: empty reply")


def _quote(text: str) -> str:
    return f"'{text}'"


# --- answer keys: what counts as right and what as a rival, per item ------------------------


@dataclass(frozen=True, slots=True, eq=False)  # compared and hashed by identity: cheap
class Candidate:
    """A phrase the reply may name: an accepted answer or a rival."""

    phrase: Phrase
    accepted: bool
    answer: str  # accepted: the answer it stands for; rival: the rival's name
    why: str = ""  # rival: "a different technique from 'top-p'"; synonym: "another name for ..."


@dataclass(frozen=True, slots=True, eq=False)
class AnswerKey:
    accepted: tuple[Candidate, ...]
    rivals: tuple[Candidate, ...]
    by_form: dict[str, Candidate]  # " text " and " squashed " forms, for the exact fast path
    shown: str  # the answer named in "no match" reasons
    vocabulary: Vocabulary
    tokens: frozenset[str]  # every token of every candidate
    candidates: tuple[Candidate, ...]  # accepted first, then rivals
    # A reply word -> the candidates that can only be found exactly when it is present:
    # their first word, their words run together, the first half of a word written as two.
    by_token: dict[str, tuple[int, ...]]


_PARENTHESIS = re.compile(r"\(([^()]*)\)")


def _variants(label: str) -> list[str]:
    """A choice "Nucleus (top-p) sampling" is also "Nucleus sampling" and "top-p"."""
    variants = [label]
    if "(" in label:
        variants.append(_PARENTHESIS.sub(" ", label))
        variants.extend(inner for inner in _PARENTHESIS.findall(label) if inner.strip())
    return variants


def _build_key(
    accepted: list[tuple[str, str, str]], rivals: list[tuple[str, str]], shown: str
) -> AnswerKey:
    """``accepted``: (phrase, answer it stands for, why); ``rivals``: (phrase, why).

    A phrase already accepted never becomes a rival, and each text is kept once.
    """
    by_form: dict[str, Candidate] = {}
    accepted_out: list[Candidate] = []
    rivals_out: list[Candidate] = []
    for label, answer, why in accepted:
        phrase = make_phrase(label)
        if phrase is None or phrase.joined in by_form or f" {phrase.squashed} " in by_form:
            continue  # the same words as an earlier phrasing, maybe run together
        candidate = Candidate(phrase, True, answer, why)
        accepted_out.append(candidate)
        by_form[phrase.joined] = candidate
        by_form.setdefault(f" {phrase.squashed} ", candidate)
    for label, why in rivals:
        phrase = make_phrase(label)
        squashed = f" {phrase.squashed} " if phrase is not None else ""
        if phrase is not None and phrase.joined not in by_form and squashed not in by_form:
            candidate = Candidate(phrase, False, label, why)
            rivals_out.append(candidate)
            by_form[phrase.joined] = candidate
            by_form[squashed] = candidate
    candidates = (*accepted_out, *rivals_out)
    vocabulary = make_vocabulary(c.phrase for c in candidates)
    tokens = frozenset(token for c in candidates for token in c.phrase.tokens)
    by_token: dict[str, list[int]] = {}
    for number, candidate in enumerate(candidates):
        phrase = candidate.phrase
        keys = {phrase.tokens[0], phrase.squashed}
        keys.update(head_token for head_token, _ in phrase.split_heads)
        for token in keys:
            by_token.setdefault(token, []).append(number)
    return AnswerKey(
        tuple(accepted_out),
        tuple(rivals_out),
        by_form,
        shown,
        vocabulary,
        tokens,
        candidates,
        {token: tuple(numbers) for token, numbers in by_token.items()},
    )


def _confusable_parts(
    table: ConfusableTable, answers: list[str], prompt: str, exclude: tuple[str, ...] = ()
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """Synonyms (accepted) and rivals of the answers from the confusables table.

    ``exclude``: normalised texts (other mcq choices) that a synonym must not appear in.
    """
    related = table.related(answers, prompt)
    synonyms = [
        (s.name, s.answer, f"{_quote(s.name)} is another name for {_quote(s.answer)}")
        for s in related.synonyms
        if not any(_contains_words(other, s.name) for other in exclude)
    ]
    rivals = [(r.name, f"a different {r.what} from {_quote(r.answer)}") for r in related.rivals]
    return synonyms, rivals


def _contains_words(container: str, phrase: str) -> bool:
    inner = " " + " ".join(phrase_tokens(phrase)) + " "
    return inner.strip() != "" and inner in " " + container + " "


_CACHE_SIZE = 8192
_Cached = TypeVar("_Cached")


def _per_item(
    build: Callable[[Any, ConfusableTable], _Cached],
) -> Callable[[Any, ConfusableTable], _Cached]:
    """Cache what an item compiles to, by identity: hashing a whole item costs more than
    the lookup saves, and the bank's items live as long as the bot. Entries keep their item
    alive, so an id is never reused while cached; the cache is emptied when full."""
    cache: dict[tuple[int, int], tuple[object, object, _Cached]] = {}

    def cached(item: Any, table: ConfusableTable) -> _Cached:
        entry = cache.get((id(item), id(table)))
        if entry is not None and entry[0] is item and entry[1] is table:
            return entry[2]
        value = build(item, table)
        if len(cache) >= _CACHE_SIZE:
            cache.clear()
        cache[(id(item), id(table))] = (item, table, value)
        return value

    return cached


@_per_item
def _short_key(item: ShortItem, table: ConfusableTable) -> AnswerKey:
    answers = list(item.answers)
    accepted = [(variant, answer, "") for answer in answers for variant in _variants(answer)]
    synonyms, confusable_rivals = _confusable_parts(table, answers, item.prompt)
    shown = answers[0] if answers else ""
    rivals = [(reject, f"a near miss for {_quote(shown)}") for reject in item.reject]
    return _build_key(accepted + synonyms, rivals + confusable_rivals, shown)


# --- judging a reply against a key (short answers and mcq choice text) ----------------------

Verdict = Literal["accepted", "rival", "hedge", "negated", "none", "empty"]


@dataclass(frozen=True, slots=True)
class Judgement:
    verdict: Verdict
    grade: Grade


@lru_cache(maxsize=_CACHE_SIZE)  # verdicts repeat; candidates hash by identity
def _accepted(candidate: Candidate, how: str) -> Judgement:
    if not candidate.why:
        reason = f"accepted: {how} {_quote(candidate.answer)}"
        matched = candidate.answer
    else:  # a synonym from the confusables table
        matched = candidate.phrase.label
        exact = how == "matches"
        reason = f"accepted: {candidate.why}" if exact else f"accepted: {how} {_quote(matched)}"
        if not exact:
            reason += f", another name for {_quote(candidate.answer)}"
    return Judgement("accepted", Grade(True, 1.0, (matched,), reason))


@lru_cache(maxsize=_CACHE_SIZE)  # verdicts repeat; candidates hash by identity
def _rival(candidate: Candidate, closer: bool = False) -> Judgement:
    if closer:
        reason = f"not accepted: closer to {_quote(candidate.answer)}, {candidate.why}"
    else:
        reason = f"not accepted: {_quote(candidate.answer)} is {candidate.why}"
    return Judgement("rival", Grade(False, 0.0, (), reason))


def _hedge(first: str, second: str, joiner: str = "and") -> Judgement:
    reason = (
        f"not accepted: names two different answers ({_quote(first)} {joiner} {_quote(second)})"
    )
    return Judgement("hedge", Grade(False, 0.0, (), reason))


def _hedge_between(text: Text, one: Found, other: Found) -> Judgement:
    """Two answers named in one reply, quoted in the order they were written."""
    first, second = sorted((one, other), key=lambda pair: pair[1].start)
    between = text.tokens[first[1].end : second[1].start]
    return _hedge(first[0].answer, second[0].answer, "or" if "or" in between else "and")


@lru_cache(maxsize=_CACHE_SIZE)  # verdicts repeat; candidates hash by identity
def _negated(candidate: Candidate) -> Judgement:
    reason = f"not accepted: says it is not {_quote(candidate.answer)}"
    return Judgement("negated", Grade(False, 0.0, (), reason))


@lru_cache(maxsize=_CACHE_SIZE)  # verdicts repeat; candidates hash by identity
def _no_match(key: AnswerKey) -> Judgement:
    reason = f"not accepted: no match for {_quote(key.shown)}" if key.shown else "not accepted"
    return Judgement("none", Grade(False, 0.0, (), reason))


Found = tuple[Candidate, Occurrence]


def _outermost(found: list[Found]) -> list[Found]:
    """Drop finds inside a longer find: "lora" inside "quantized lora" is not "lora"."""
    if len(found) < 2:
        return found
    return [
        (candidate, occurrence)
        for candidate, occurrence in found
        if not any(
            other.covers(occurrence) and other.end - other.start > occurrence.end - occurrence.start
            for _, other in found
        )
    ]


def _alternative(key: AnswerKey, text: Text, occurrence: Occurrence) -> str | None:
    """Content on the other side of an "or" that is not itself an accepted answer."""
    for tokens, written in hedge_alternatives(text, occurrence):
        if not any(candidate.phrase.joined in tokens for candidate in key.accepted):
            return written
    return None


def _judge(key: AnswerKey, text: Text) -> Judgement:
    if not text.tokens:
        return Judgement("empty", _EMPTY)
    whole = key.by_form.get(text.joined) or key.by_form.get(f" {stem(''.join(text.words))} ")
    if whole is not None:
        return _accepted(whole, "matches") if whole.accepted else _rival(whole)
    judged = _judge_found(key, text, _outermost(_exact_finds(key, text)), "matches")
    if judged is not None:
        return judged
    return _judge_fuzzy(key, text)


def _exact_finds(key: AnswerKey, text: Text) -> list[Found]:
    """Exact finds of every candidate whose first word (or run-together form) is in the reply."""
    by_token = key.by_token
    wanted: set[int] = set()
    for token in by_token.keys() & text.token_set:
        wanted.update(by_token[token])
    candidates = key.candidates
    return [
        (candidates[number], occurrence)
        for number in sorted(wanted)
        for occurrence in find_exact(text, candidates[number].phrase)
    ]


def _judge_found(key: AnswerKey, text: Text, found: list[Found], how: str) -> Judgement | None:
    """The verdict from exact finds, or None to go on looking for close spellings."""
    live = [(c, o) for c, o in found if not is_negated(text, o.start)]
    accepted = [(c, o) for c, o in live if c.accepted]
    rivals = [(c, o) for c, o in live if not c.accepted]
    if accepted and rivals:
        return _hedge_between(text, accepted[0], rivals[0])
    if accepted:
        candidate, occurrence = accepted[0]
        alternative = _alternative(key, text, occurrence)
        if alternative is not None:
            return _hedge(candidate.answer, alternative, "or")
        return _accepted(candidate, how)
    if rivals:
        return _rival(rivals[0][0])
    denied = [c for c, _ in found if c.accepted]
    if denied:
        return _negated(denied[0])
    return None


def _judge_whole(key: AnswerKey, text: Text) -> Judgement | None:
    """The reply as a whole is a close spelling of an answer (the common typo case)."""
    best: tuple[float, Candidate] | None = None
    for candidate in key.accepted:
        edits = whole_edits(text, candidate.phrase)
        if edits is not None:
            cost = edits / len(candidate.phrase.squashed)
            if best is None or cost < best[0]:
                best = (cost, candidate)
    if best is None:
        return None
    cost, candidate = best
    for rival in key.rivals:
        if span_distance(text, 0, len(text.tokens), rival.phrase) <= cost:
            return _rival(rival, closer=True)
    return _accepted(candidate, "close spelling of")


def _judge_fuzzy(key: AnswerKey, text: Text) -> Judgement:
    whole = _judge_whole(key, text)
    if whole is not None:
        return whole
    index = FuzzyIndex(text, key.vocabulary)
    if index.nothing_near() and key.tokens.isdisjoint(text.token_set):
        return _no_match(key)
    found = [
        (c, o)
        for c in key.candidates
        if index.could_match(c.phrase)
        for o in find_in_order(text, c.phrase, index)
    ]
    live = [(c, o) for c, o in found if not is_negated(text, o.start)]
    accepted = sorted(((c, o) for c, o in live if c.accepted), key=lambda pair: pair[1].cost)
    rivals = [(c, o) for c, o in live if not c.accepted]
    if accepted:
        candidate, best = accepted[0]
        for rival in key.rivals:
            # Same words, nearer (or as near) to a rival: "ecoder" is no more encoder than decoder.
            if span_distance(text, best.start, best.end, rival.phrase) <= best.cost:
                return _rival(rival, closer=True)
        for rival, occurrence in rivals:
            if occurrence.end <= best.start or occurrence.start >= best.end:
                return _hedge_between(text, (candidate, best), (rival, occurrence))
        alternative = _alternative(key, text, best)
        if alternative is not None:
            return _hedge(candidate.answer, alternative, "or")
        return _accepted(candidate, "close spelling of")
    if rivals:
        return _rival(min(rivals, key=lambda pair: pair[1].cost)[0], closer=True)
    denied = [c for c, _ in found if c.accepted]
    if denied:
        return _negated(denied[0])
    return _no_match(key)


def _grade_short(item: ShortItem, reply: str, table: ConfusableTable) -> Grade:
    return _judge(_short_key(item, table), normalize_reply(reply)).grade


# --- mcq ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class McqKey:
    keys: tuple[AnswerKey, ...]  # one per choice: that choice accepted, the others rivals
    count: int
    correct: int
    numeric_choices: bool  # a choice like "8" turns digits into choice text, not positions
    choice_tokens: tuple[tuple[str, ...], ...]

    def label(self, index: int) -> str:
        return f"{LETTERS[index]}) {self.keys[index].shown}"


def _choice_key(item: McqItem, index: int, table: ConfusableTable) -> AnswerKey:
    choice = item.choices[index]
    others = [other for number, other in enumerate(item.choices) if number != index]
    letter = LETTERS[index]
    accepted = [(variant, choice, "") for variant in _variants(choice)]
    other_forms = tuple(" ".join(phrase_tokens(other)) for other in others)
    synonyms, confusable_rivals = _confusable_parts(table, [choice], item.prompt, other_forms)
    rivals = [
        (variant, f"choice {LETTERS[number]}, not {letter}")
        for number, other in enumerate(item.choices)
        if number != index
        for variant in _variants(other)
    ]
    return _build_key(accepted + synonyms, rivals + confusable_rivals, choice)


@_per_item
def _mcq_key(item: McqItem, table: ConfusableTable) -> McqKey:
    keys = tuple(_choice_key(item, index, table) for index in range(len(item.choices)))
    tokens = tuple(phrase_tokens(choice) for choice in item.choices)
    numeric = any(_NUMBER.fullmatch(choice.strip()) for choice in item.choices)
    letter = item.answer.strip().upper()[:1] if isinstance(item.answer, str) else ""
    correct = LETTERS.find(letter) if letter else -1
    return McqKey(keys, len(item.choices), correct, numeric, tokens)


_MCQ_FILLER = re.compile(
    r"^(?:(?:i think|i believe|i guess|id say|i would say|i d say|ill go with|id go with"
    r"|i would go with|i go with|go with|i pick|i choose|im pretty sure|pretty sure|my answer is"
    r"|my answer|my guess is|my guess|final answer|the answer is|answer is|the correct \w+ is"
    r"|correct \w+ is|the right \w+ is|it must be|it should be|its|it is|thats|that is"
    r"|probably|maybe|definitely|obviously|surely|hmm+|um+|uh+|ok|okay|so|well|the)\b"
    r"[\s:=,.!-]*)+"
)
_LABEL = r"(?:(?:option|choice|letter|answer|number|no\.|#)\s*[:#.]?\s*)"
# Words that may surround picks in a reply made only of picks: "option b", "b or c", "a and b".
_PICK_LIST_WORDS = frozenset({"or", "and", "maybe", "then", "option", "choice", "letter"})
_PICK_LIST_WORDS |= {"answer", "number", "no", "nr"}
_PICK_PUNCTUATION = str.maketrans(dict.fromkeys("()[]{}.!?:,;/&+#=-", " "))
_MAX_PICK_WORDS = 12
# "b) text", "(b) text", "b. text", "b: text", "b - text", "option b text", "b is correct"
_PICK_THEN_TEXT = re.compile(
    rf"(?:{_LABEL}[(\[]?\s*(?P<labelled>[a-j]|\d{{1,2}})\s*[)\]]?[\s:.,-]+"
    rf"|[(\[]?\s*(?P<pick>[a-j]|\d{{1,2}})\s*(?:[)\]:.,]|\s-)(?!\d)\s*"
    rf"|(?P<bare>[a-j])\s+(?=(?:is|because|since|as|for)\b))"
    r"(?P<rest>.*)",
    re.DOTALL,
)
_NUMBER = re.compile(r"[-+]?\d[\d.,]*%?")
_ORDINALS = {"first": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4, "sixth": 5}
_ORDINAL_RE = re.compile(
    r"(?:(?P<word>first|second|third|fourth|fifth|sixth)|(?P<number>[1-6])(?:st|nd|rd|th))"
    r"(?:\s+(?:one|option|choice|answer))?[\s.!]*"
)


def _light_clean(prepared: str) -> str:
    """A prepared reply with whitespace collapsed and leading filler dropped: for letter forms."""
    return _MCQ_FILLER.sub("", " ".join(prepared.split()), count=1)


def _pick_index(token: str, mcq: McqKey) -> int | None:
    """A letter or 1-based number as a choice index, None when out of range or not a pick."""
    if token.isdigit() and token.isascii():
        if mcq.numeric_choices:
            return None
        number = int(token) - 1
        return number if 0 <= number < mcq.count else None
    if len(token) != 1:
        return None
    index = LETTERS.find(token.upper())
    return index if 0 <= index < mcq.count else None


def _picks(light: str, mcq: McqKey) -> list[int] | None:
    """Every pick when the reply is only picks ("b", "(b)", "option 2", "b or c"), else None."""
    ordinal = _ORDINAL_RE.fullmatch(light)
    if ordinal is not None:
        word, number = ordinal.group("word"), ordinal.group("number")
        index = _ORDINALS[word] if word else int(number) - 1
        return [index] if index < mcq.count else None
    words = light.translate(_PICK_PUNCTUATION).split()
    if not words or len(words) > _MAX_PICK_WORDS:
        return None
    picks: list[int] = []
    for word in words:
        if word in _PICK_LIST_WORDS:
            continue
        pick = _pick_index(word, mcq) if len(word) <= 2 else None
        if pick is None:
            return None
        if pick not in picks:
            picks.append(pick)
    return picks or None


def _grade_mcq(item: McqItem, reply: str, table: ConfusableTable) -> Grade:
    mcq = _mcq_key(item, table)
    if not 0 <= mcq.correct < mcq.count:
        return Grade(False, 0.0, reason="not accepted: this question has no valid answer")
    prepared = prepare(reply)
    if not prepared.strip():
        return _EMPTY
    light = _light_clean(prepared)
    picks = _picks(light, mcq)
    if picks is not None:
        return _graded_picks(picks, mcq)
    labelled = _PICK_THEN_TEXT.fullmatch(light)
    if labelled is not None:
        graded = _graded_labelled(labelled, mcq)
        if graded is not None:
            return graded
    text = tokenize(prepared, strip_filler=True)
    judged = _judge(mcq.keys[mcq.correct], text)
    if judged.verdict == "none":
        return _unique_fit(text, mcq) or judged.grade
    return judged.grade


def _graded_picks(picks: list[int], mcq: McqKey) -> Grade:
    if len(picks) > 1:
        letters = " and ".join(LETTERS[index] for index in picks)
        return Grade(False, 0.0, reason=f"not accepted: names two different answers ({letters})")
    return _chose(picks[0], mcq)


def _chose(index: int, mcq: McqKey, written: str = "") -> Grade:
    """The verdict for one picked choice; ``written`` is the partial text that picked it."""
    label = mcq.label(index)
    if index == mcq.correct:
        reason = f"accepted: {_quote(written)} fits {label}" if written else f"accepted: {label}"
        return Grade(True, 1.0, (mcq.keys[index].shown,), reason)
    if written:
        return Grade(False, 0.0, (), f"not accepted: {_quote(written)} fits {label}")
    return Grade(False, 0.0, (), f"not accepted: {label} is not the answer")


def _graded_labelled(labelled: re.Match[str], mcq: McqKey) -> Grade | None:
    """A pick followed by text: the text must not name a different choice."""
    token = labelled.group("labelled") or labelled.group("pick") or labelled.group("bare")
    index = _pick_index(token, mcq)
    if index is None:
        return None
    rest = normalize_reply(labelled.group("rest"))
    if rest.tokens and not _names_choice(rest, mcq.keys[index]):
        for other, key in enumerate(mcq.keys):
            if other != index and _names_choice(rest, key):
                reason = f"not accepted: letter {LETTERS[index]} but the text of {mcq.label(other)}"
                return Grade(False, 0.0, (), reason)
    return _chose(index, mcq)


def _names_choice(text: Text, key: AnswerKey) -> bool:
    """Whether the whole text is the key's choice, exactly or as a close spelling."""
    whole = key.by_form.get(text.joined)
    if whole is not None:
        return whole.accepted
    index = FuzzyIndex(text, key.vocabulary)
    return any(
        occurrence.start == 0 and occurrence.end == len(text.tokens)
        for candidate in key.accepted
        if index.could_match(candidate.phrase)
        for occurrence in find_in_order(text, candidate.phrase, index)
    )


_STOPWORDS = frozenset(
    stem(word)
    for word in (
        "of",
        "to",
        "in",
        "on",
        "for",
        "and",
        "or",
        "with",
        "by",
        "is",
        "it",
        "its",
        "from",
        "at",
        "as",
        "all",
        "none",
        "above",
        "below",
        "both",
        "only",
    )
)


def _unique_fit(text: Text, mcq: McqKey) -> Grade | None:
    """A reply that is part of exactly one choice and at least half of it ("greedy")."""
    tokens = text.tokens
    if not tokens or all(token in _STOPWORDS for token in tokens):
        return None
    joined = text.joined
    fits = [
        index
        for index, choice in enumerate(mcq.choice_tokens)
        if joined in " " + " ".join(choice) + " " and 2 * len(tokens) >= len(choice)
    ]
    if len(fits) != 1:
        return None
    return _chose(fits[0], mcq, " ".join(text.words))


# --- true / false ---------------------------------------------------------------------------

_TF_SYMBOLS = str.maketrans(
    {
        "✅": " true ",
        "✔": " true ",
        "☑": " true ",
        "👍": " true ",
        "🆗": " true ",
        "⭕": " true ",
        "❌": " false ",
        "✖": " false ",
        "✗": " false ",
        "✘": " false ",
        "❎": " false ",
        "👎": " false ",
        "🚫": " false ",
        "⛔": " false ",
    }
)
_TF_SHORTCODES = re.compile(
    r":(white_check_mark|heavy_check_mark|ballot_box_with_check|thumbsup|\+1|ok"
    r"|x|cross_mark|negative_squared_cross_mark|heavy_multiplication_x|thumbsdown|-1|no_entry"
    r"|no_entry_sign):"
)
_TRUE_CODES = frozenset(
    {"white_check_mark", "heavy_check_mark", "ballot_box_with_check", "thumbsup", "+1", "ok"}
)

_TRUE_WORDS = [
    *("true", "yes", "y", "yep", "yeah", "yup", "ya", "yea", "yeh", "yess", "yesss"),
    *("correct", "right", "t", "affirmative", "indeed", "agree", "ture", "treu"),
]
_FALSE_WORDS = [
    *("false", "no", "n", "nope", "nah", "nay", "noo", "nooo", "wrong", "incorrect"),
    *("f", "untrue", "disagree", "flase", "fasle", "falsy"),
]
_POLARITY = {stem(word): True for word in _TRUE_WORDS} | {
    stem(word): False for word in _FALSE_WORDS
}
# Strong words settle a verdict even in a clause of their own ("true, false" is two answers);
# "right?" at the end of "false, right?" is only a tag question.
_STRONG = frozenset(stem(word) for word in ("true", "false", "yes", "no", "y", "n", "t", "f"))
_LONE_ONLY = frozenset({"y", "n", "t", "f"})  # single letters count only as a whole clause
# After "no", these show it answers ("no, it isn't", "no it adds noise") rather than
# quantifying a noun ("no noise is added").
_AFTER_INTERJECTION = frozenset(
    stem(word)
    for word in (
        "it",
        "its",
        "thats",
        "that",
        "this",
        "i",
        "im",
        "is",
        "way",
        "not",
        "isnt",
        "doesnt",
        "dont",
        "definitely",
        "absolutely",
        "really",
        "obviously",
        "of",
        "indeed",
        "wait",
        "sir",
        "they",
        "theyre",
    )
)


def _tf_prepared(reply: str) -> str:
    """The reply folded, with emoji and their :shortcodes: read as "true" or "false"."""
    reply = reply[:MAX_REPLY_CHARS]
    if ":" in reply:
        reply = _TF_SHORTCODES.sub(
            lambda m: " true " if m.group(1) in _TRUE_CODES else " false ", reply
        )
    if not reply.isascii():
        reply = reply.translate(_TF_SYMBOLS)
    return prepare(reply)


# A reply that is one polarity word and punctuation (most replies) needs no tokens.
_ONE_WORD = {word: True for word in _TRUE_WORDS} | {word: False for word in _FALSE_WORDS}
_AROUND_ONE_WORD = " \t\n.!?,;:*_~|`'\"()[]"


@dataclass(frozen=True, slots=True)
class _Signal:
    clause: int
    says_true: bool
    strong: bool
    word: str


def _signals(text: Text) -> list[_Signal]:
    tokens, clauses = text.tokens, text.clauses
    found = []
    for index, token in enumerate(tokens):
        says_true = _POLARITY.get(token)
        if says_true is None:
            continue
        clause = clauses[index]
        alone = (index == 0 or clauses[index - 1] != clause) and (
            index + 1 == len(tokens) or clauses[index + 1] != clause
        )
        if token in _LONE_ONLY and not alone:
            continue
        if token == "no" and _is_determiner(tokens, clauses, index):
            continue
        if is_negated(text, index):
            says_true = not says_true
        found.append(_Signal(clause, says_true, token in _STRONG, token))
    return found


def _is_determiner(tokens: tuple[str, ...], clauses: tuple[int, ...], index: int) -> bool:
    """ "no noise is added": "no" quantifies the next word instead of answering."""
    following = index + 1
    if following >= len(tokens) or clauses[following] != clauses[index]:
        return False
    word = tokens[following]
    return word not in _AFTER_INTERJECTION and word not in _POLARITY


def _grade_truefalse(item: TrueFalseItem, reply: str) -> Grade:
    prepared = _tf_prepared(reply)
    said = _ONE_WORD.get(prepared.strip(_AROUND_ONE_WORD))
    if said is None:
        signals = _signals(tokenize(prepared))
        if not signals:
            return Grade(False, 0.0, reason="not accepted: no true or false found")
        first_clause = signals[0].clause
        verdicts = {s.says_true for s in signals if s.clause == first_clause}
        # A later clause of strong words only ("yes. no.") contradicting the first is a hedge.
        verdicts |= {s.says_true for s in signals if s.strong and _lone_clause(signals, s.clause)}
        if len(verdicts) > 1:
            return Grade(False, 0.0, reason="not accepted: says both true and false")
        said = verdicts.pop()
    return _truefalse_verdict(item.answer, said)


@lru_cache(maxsize=8)
def _truefalse_verdict(item_answer: bool, said: bool) -> Grade:
    word = "true" if said else "false"
    if said == item_answer:
        return Grade(True, 1.0, (word,), f"accepted: {word}")
    truth = "true" if item_answer else "false"
    return Grade(False, 0.0, (), f"not accepted: the statement is {truth}")


def _lone_clause(signals: list[_Signal], clause: int) -> bool:
    """Whether every signal of the clause is a strong word (a clause like "no." or "true!")."""
    return all(s.strong for s in signals if s.clause == clause)


# --- keypoints ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Point:
    phrases: tuple[Phrase, ...]
    shown: str


@_per_item
def _points(item: KeypointsItem, table: ConfusableTable) -> tuple[_Point, ...]:
    points = []
    for phrasings in item.points:
        phrases = tuple(p for p in (make_phrase(label) for label in phrasings) if p is not None)
        points.append(_Point(phrases, phrasings[0] if phrasings else ""))
    return tuple(points)


_SHOWN_MISSING = 3
_NO_TABLE = ConfusableTable(())  # keypoints do not use the confusables table


def _grade_keypoints(item: KeypointsItem, reply: str) -> Grade:
    points = _points(item, _NO_TABLE)
    if not points:
        return Grade(False, 0.0, reason="not accepted: this question has no key points")
    text = tokenize(prepare(reply))  # points are searched anywhere: no filler to strip
    index: FuzzyIndex | None = None
    matched: list[str] = []
    missing: list[str] = []
    negated: list[str] = []
    for point in points:
        label, denied = _find_exact_point(text, point)
        if label is None and text.tokens:
            index = index or FuzzyIndex(text)
            label, denied_fuzzy = _find_fuzzy_point(text, point, index)
            denied = denied or denied_fuzzy
        if label is not None:
            matched.append(label)
        else:
            missing.append(point.shown)
            if denied:
                negated.append(point.shown)
    found = len(matched)
    correct = found >= item.need
    return Grade(
        correct,
        found / len(points),
        tuple(matched),
        _points_reason(correct, found, len(points), missing, negated),
        tuple(missing),
    )


def _find_exact_point(text: Text, point: _Point) -> tuple[str | None, bool]:
    """(the phrasing found, whether some phrasing was only found negated)."""
    denied = False
    for phrase in point.phrases:
        if not may_occur_exactly(text, phrase):
            continue
        for occurrence in find_exact(text, phrase):
            if not is_negated(text, occurrence.start):
                return phrase.label, denied
            denied = True
    return None, denied


def _find_fuzzy_point(text: Text, point: _Point, index: FuzzyIndex) -> tuple[str | None, bool]:
    denied = False
    for phrase in point.phrases:
        for occurrence in find_any_order(text, phrase, index):
            if not is_negated(text, occurrence.start):
                return phrase.label, denied
            denied = True
    return None, denied


def _points_reason(
    correct: bool, found: int, total: int, missing: list[str], negated: list[str]
) -> str:
    verdict = "accepted" if correct else "not accepted"
    if not missing:
        return f"{verdict}: all {total} points" if total > 1 else f"{verdict}: the key point"
    shown = ", ".join(_quote(label) for label in missing[:_SHOWN_MISSING])
    if len(missing) > _SHOWN_MISSING:
        shown += f" and {len(missing) - _SHOWN_MISSING} more"
    reason = f"{verdict}: {found} of {total} points, missing {shown}"
    if negated:
        reason += f" ({_quote(negated[0])} was negated)"
    return reason
