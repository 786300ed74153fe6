"""Grading a true/false reply: yes/no words and emoji, also inside a short sentence."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from bank.graded import Grade
from bank.negation import is_negated
from bank.normalize import MAX_REPLY_CHARS, Text, prepare, stem, tokenize
from bank.schema import TrueFalseItem

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


class _Signal(NamedTuple):  # a tuple: made in C, several per reply
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


def grade_truefalse(item: TrueFalseItem, reply: str) -> Grade:
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
