"""Grading a multiple-choice reply: a letter, a number, an ordinal or the choice's text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bank.answers import AnswerKey, build_key, confusable_parts, judge, variants
from bank.confusables import ConfusableTable
from bank.fuzzy import FuzzyIndex, find_in_order
from bank.graded import EMPTY, Grade, per_item, quote
from bank.normalize import Text, normalize_reply, phrase_tokens, prepare, stem, tokenize
from bank.schema import LETTERS, McqItem


@dataclass(frozen=True, slots=True)
class McqKey:
    keys: tuple[AnswerKey, ...]  # one per choice: that choice accepted, the others rivals
    count: int
    correct: int
    numeric_choices: bool  # a choice like "8" turns digits into choice text, not positions
    choice_tokens: tuple[tuple[str, ...], ...]
    # The verdict of picking each choice by its letter or number alone, made once per item.
    picked: tuple[Grade, ...] = ()

    def label(self, index: int) -> str:
        return f"{LETTERS[index]}) {self.keys[index].shown}"


def _choice_key(item: McqItem, index: int, table: ConfusableTable) -> AnswerKey:
    choice = item.choices[index]
    others = [other for number, other in enumerate(item.choices) if number != index]
    letter = LETTERS[index]
    accepted = [(variant, choice, "") for variant in variants(choice)]
    other_forms = tuple(" ".join(phrase_tokens(other)) for other in others)
    synonyms, confusable_rivals = confusable_parts(table, [choice], item.prompt, other_forms)
    rivals = [
        (variant, f"choice {LETTERS[number]}, not {letter}")
        for number, other in enumerate(item.choices)
        if number != index
        for variant in variants(other)
    ]
    return build_key(accepted + synonyms, rivals + confusable_rivals, choice)


@per_item
def _mcq_key(item: McqItem, table: ConfusableTable) -> McqKey:
    keys = tuple(_choice_key(item, index, table) for index in range(len(item.choices)))
    tokens = tuple(phrase_tokens(choice) for choice in item.choices)
    numeric = any(_NUMBER.fullmatch(choice.strip()) for choice in item.choices)
    letter = item.answer.strip().upper()[:1] if isinstance(item.answer, str) else ""
    correct = LETTERS.find(letter) if letter else -1
    key = McqKey(keys, len(item.choices), correct, numeric, tokens)
    picked = tuple(_chose(index, key) for index in range(min(len(item.choices), len(LETTERS))))
    return McqKey(keys, len(item.choices), correct, numeric, tokens, picked)


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


def grade_mcq(item: McqItem, reply: str, table: ConfusableTable) -> Grade:
    mcq = _mcq_key(item, table)
    if not 0 <= mcq.correct < mcq.count:
        return Grade(False, 0.0, reason="not accepted: this question has no valid answer")
    prepared = prepare(reply)
    if not prepared.strip():
        return EMPTY
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
    judged = judge(mcq.keys[mcq.correct], text)
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
    if not written and index < len(mcq.picked):
        return mcq.picked[index]
    label = mcq.label(index)
    if index == mcq.correct:
        reason = f"accepted: {quote(written)} fits {label}" if written else f"accepted: {label}"
        return Grade(True, 1.0, (mcq.keys[index].shown,), reason)
    if written:
        return Grade(False, 0.0, (), f"not accepted: {quote(written)} fits {label}")
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
