"""What a negator in a keypoint reply scopes over: the words after it, and a list it heads.

A negator denies the words that follow it in its clause: "no" the next one or two ("no
labelled data"; two more after "no need", "no reason": "no need to retrain the model"), other
negators ("not", "doesn't", "without", "lacks", "never", ...) the next three ("does not really
add noise"). When those words open a coordinated list, the negator
scopes over the whole list: "lacks autonomy, planning, tools and goals" denies all four, "has
no memory or tools" both. A list is read as such only when it is closed by "and", "or" or
"nor" before the sentence ends and its items are short (four words at most: a longer item is
a clause of its own); after "not" and its kin, "and" carries the denial to a one-word item
only ("does not use tools and memory"), since a longer one is mostly a new predicate
("doesn't need labels and finds patterns"); "or" and "nor" carry it to any short item. An
item that opens with a new subject or a contrast ("it", "we", "just", "instead", ...) ends
the list, and so does any sentence break.

"Turn off X" and "disable X" deny X as "don't use X" does.

"isn't it X?" asks rather than denies, and "not just X" / "not only X" affirm X.

"Not needed" after its subject denies the subject: "chunking isn't really needed",
"human evaluation is not necessary", "bias isn't a big problem", "evaluation doesn't matter"
and "copyright doesn't apply" deny what they follow
(up to five words back in the clause). "Don't need" reaches as far as "no need": "you don't
need your own review" denies the review.
"""

from __future__ import annotations

from bisect import bisect_right

from bank.negation import DENYING_WORDS, NEGATOR_PAIRS
from bank.normalize import Text, occurrences, stem

# Negators whose object is a noun phrase: they also head lists joined by "and" freely.
_NOUN_NEGATORS = frozenset(
    stem(word) for word in ("no", "without", "lack", "lacks", "lacking", "none", "neither", "nor")
)
# "Disable batching" denies batching as "don't use batching" does.
_DISABLING = ("disable", "disables", "disabling", "disabled")
_VERB_NEGATORS = frozenset(stem(word) for word in (*DENYING_WORDS, "unable", *_DISABLING))
NEGATORS = _NOUN_NEGATORS | _VERB_NEGATORS
# Two-word negators ("instead of", "rather than", "turn off") count by their last word.
_TURNING = ("turn", "turns", "turning", "turned", "switch", "switches", "switching", "switched")
_PAIRS = {**NEGATOR_PAIRS, "off": tuple(stem(word) for word in _TURNING)}
_CANDIDATES = NEGATORS | frozenset(_PAIRS)
# The last word of a pair -> its first words as a set: "to", "of" and "off" are in most
# replies, and a pair's first word absent from the reply is each of them ruled out at once.
_PAIR_FIRSTS = {last: frozenset(firsts) for last, firsts in _PAIRS.items()}
_SUBJECTS = frozenset({"it", "that", "this", "there", "they", "we", "you", "i"})
_AFFIRMING = frozenset({"just", "only", "merely", "simply"})  # "not just X": X holds
_REACH = {True: 2, False: 3}  # by "is a noun negator": how far the direct denial goes
_LINKS = frozenset({"and", "or", "nor"})
# After "no", these name a lack of need for what follows: "no need to retrain the model".
_NEED_WORDS = frozenset(stem(word) for word in ("need", "reason", "point", "requirement"))
# After a verb negator, these make it "no need": "don't need your own review" reaches as
# far as "no need to review it" does.
_NEED_VERBS = frozenset(stem(word) for word in ("need", "needs", "require", "requires"))
# "X isn't (really) needed": the negator denies its subject, the words before it.
_NOT_NEEDED = frozenset(
    stem(word)
    for word in (
        *("needed", "necessary", "required", "essential", "useful", "helpful"),
        # "forgetting isn't an issue", "filtering isn't worth it": no problem to deal with
        *("issue", "problem", "concern", "worth", "important"),
    )
)
_HEDGES = frozenset(stem(word) for word in ("really", "actually", "strictly", "even", "that"))
# "Bias isn't a big problem": an article and a size word may stand before the predicate.
_DISMISSING = frozenset(
    stem(word) for word in ("a", "an", "big", "major", "real", "serious", "huge", "much")
)
_COPULA_NOT = frozenset(stem(word) for word in ("isnt", "arent", "wasnt", "werent", "not"))
_COPULAS = frozenset(stem(word) for word in ("is", "are", "was", "were", "be"))
_DO_NOT = frozenset(stem(word) for word in ("doesnt", "dont", "didnt"))
_DOES = frozenset(stem(word) for word in ("does", "do", "did"))
_MATTERS = frozenset(stem(word) for word in ("matter", "matters"))
# "Copyright doesn't apply (here)": the subject is dismissed, but "it doesn't apply the mask"
# says nothing of "it", so "apply" counts only with nothing or a reason after it.
_APPLIES = frozenset(stem(word) for word in ("apply", "applies"))
_AFTER_APPLY = frozenset(stem(word) for word in ("here", "anymore", "since", "because", "as"))
# "Fallbacks are pointless": said of its subject, these deny it with no negator at all.
_USELESS = frozenset(
    stem(word)
    for word in ("pointless", "unnecessary", "unneeded", "useless", "optional", "overkill")
)
# "... removes the need for access controls": what follows "need for" is not needed.
_REMOVING = frozenset(
    stem(word) for word in ("remove", "removes", "removing", "eliminate", "eliminates", "avoids")
)
_NEED_FOR = frozenset({"for", "to"})
# "Bias washes out at scale", "quality evens out": said to vanish by itself, not dealt with.
# "bias also washes out", "reranking is basically pointless"
_SOFTENERS = _HEDGES | {stem(word) for word in ("also", "just", "simply", "basically")}
_FADING = frozenset(stem(word) for word in ("washes", "evens", "cancels", "averages"))
_SUBJECT_REACH = 5  # the longest subject such a denial covers: "RLHF and preference data"
_MAX_ITEM = 4
# Longest item, by (after a comma, not "and" after "not"): commas 4, "and"/"or" 3 or 1.
_ITEM_LIMITS = {True: {True: _MAX_ITEM, False: _MAX_ITEM}, False: {True: _MAX_ITEM - 1, False: 1}}
# Words that open a new clause rather than another item of a list.
_ITEM_BREAKS = frozenset(
    stem(word)
    for word in (
        "it",
        "its",
        "we",
        "they",
        "you",
        "i",
        "he",
        "she",
        "this",
        "that",
        "these",
        "those",
        "there",
        "which",
        "who",
        "just",
        "only",
        "instead",
        "rather",
        "also",
        "so",
        "yet",
        "still",
        "while",
        "whereas",
        "because",
        "since",
        "then",
        "plus",
        "but",
    )
)

Span = tuple[int, int, int]  # (negator index, first denied token, end of denial)


def negation_spans(text: Text) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """Every negator of the reply with the token range it denies; and, of those, the ones
    that say what they deny is not needed ("no need to X", "don't need X", "X isn't needed")."""
    tokens, present = text.tokens, text.token_set
    spans: list[Span] = []
    unneeded: list[Span] = []
    removing = "need" in present and not present.isdisjoint(_REMOVING)
    fading = "out" in present and not present.isdisjoint(_FADING)
    if removing or fading or not present.isdisjoint(_USELESS):
        unneeded.extend(_said_useless(text))
        spans.extend(unneeded)
    if present.isdisjoint(_CANDIDATES):
        return tuple(spans), tuple(unneeded)
    said = [
        token
        for token in present & _CANDIDATES
        if token in NEGATORS or not _PAIR_FIRSTS[token].isdisjoint(present)
    ]
    # A few positions, rather than a Python loop over every word; most replies have one
    # negator word, whose positions come in order.
    if len(said) == 1:
        candidates = occurrences(tokens, said[0])
    else:
        candidates = sorted(index for token in said for index in occurrences(tokens, token))
    for index in candidates:
        token = tokens[index]
        if token in NEGATORS:
            noun = token in _NOUN_NEGATORS
        elif token in _PAIRS and index > 0 and tokens[index - 1] in _PAIRS[token]:
            noun = False
        else:
            continue
        after = index + 1
        clause_end = _clause_end(text, index)
        if after >= clause_end:
            continue  # "no, it's LoRA": an interjection, nothing follows in its clause
        if not noun and (tokens[after] in _SUBJECTS or tokens[after] in _AFFIRMING):
            continue
        reach = _REACH[noun]
        need = noun and tokens[after] in _NEED_WORDS
        if need:  # "no need to retrain": what is not needed
            reach += 2
        direct = min(after + reach, clause_end)
        if not noun and tokens[after] in _NEED_VERBS:
            # "doesn't need your own review", up to an "and" that opens a new predicate:
            # "does not need labels and finds patterns".
            need = True
            direct = min(after + reach + 2, clause_end)
            direct = next((at for at in range(after, direct) if tokens[at] in _LINKS), direct)
        subject = _subject_denied(text, index, clause_end)
        if subject is not None:
            spans.append(subject)
            unneeded.append(subject)
        span = (index, after, max(direct, _list_end(text, after, clause_end, noun)))
        spans.append(span)
        if need:
            unneeded.append(span)
    return tuple(spans), tuple(unneeded)


def _said_useless(text: Text) -> list[Span]:
    """ "Fallbacks are pointless", "RLHF is really unnecessary", "bias also washes out"
    (the subject) and "removes the need for access controls" (what follows): spans said not
    to be needed without a negator."""
    tokens, found = text.tokens, []
    for index, token in enumerate(tokens):
        fades = token in _FADING and index + 1 < len(tokens) and tokens[index + 1] == "out"
        if (token in _USELESS or fades) and index:
            at = index - 1
            if at and tokens[at] in _SOFTENERS:
                at -= 1
            if fades:
                at += 1  # the subject ends right before the verb
            elif tokens[at] not in _COPULAS:
                continue
            start = max(_clause_start(text, index), at - _SUBJECT_REACH)
            if start < at:
                found.append((index, start, at))
        elif (
            token == "need"
            and index
            and tokens[index - 1] in _REMOVING
            and index + 2 < len(tokens)
            and tokens[index + 1] in _NEED_FOR
            and index + 2 < _clause_end(text, index)
        ):
            first = index + 2
            end = _clause_end(text, first)
            last = max(min(first + 3, end), _list_end(text, first, end, True))
            found.append((index, first, last))
    return found


def _subject_denied(text: Text, index: int, clause_end: int) -> Span | None:
    """ "Chunking isn't really needed", "RLHF and preference data are not necessary",
    "evaluation doesn't really matter": the span of the subject a post-positive "not needed"
    denies, or None."""
    tokens = text.tokens
    token = tokens[index]
    before = tokens[index - 1] if index else ""
    if token in _COPULA_NOT and (token != "not" or before in _COPULAS):
        predicates = _NOT_NEEDED
    elif token in _DO_NOT or (token == "not" and before in _DOES):
        predicates = _MATTERS
    else:
        return None
    after = index + 1
    if after < clause_end and tokens[after] in _HEDGES:
        after += 1
    while after < clause_end and tokens[after] in _DISMISSING and after < index + 4:
        after += 1
    if after < clause_end and predicates is _MATTERS and tokens[after] in _APPLIES:
        following = after + 1
        if following < clause_end and tokens[following] not in _AFTER_APPLY:
            return None
    elif after >= clause_end or tokens[after] not in predicates:
        return None
    at = index - 1 if token == "not" else index  # "is not": the subject ends before "is"
    start = max(_clause_start(text, index), at - _SUBJECT_REACH)
    return (index, start, at) if start < at else None


# Clause bounds by a search of the few clause starts: most replies have a negator or two, and
# Text.clauses (a clause number per token) would cost more to build than these lookups.
def _clause_start(text: Text, index: int) -> int:
    """The first token of the clause of token ``index``."""
    starts = text.starts
    return starts[bisect_right(starts, index) - 1]


def _clause_end(text: Text, index: int) -> int:
    """The end (exclusive) of the clause of token ``index``."""
    starts = text.starts
    following = bisect_right(starts, index)
    return starts[following] if following < len(starts) else len(text.tokens)


def _list_end(text: Text, first: int, clause_end: int, noun: bool) -> int:
    """Where the list opened at ``first`` ends; ``first`` when there is no closed list."""
    tokens, soft = text.tokens, text.soft
    position = first
    last = min(clause_end, first + _MAX_ITEM + 2)
    while position < last and tokens[position] not in _LINKS:
        position += 1
    if position == last and last < clause_end:  # "does not use external tools" is one item
        return first
    denied_to = first
    longest = position - first  # the longest item so far
    while position < len(tokens):
        opens_clause = position in text.starts
        if tokens[position] in _LINKS and (not opens_clause or position in soft):
            link = tokens[position]
            position += 1
        elif position in soft:
            link = ","
            if tokens[position] in _LINKS:  # the Oxford comma: ", and Z"
                link = tokens[position]
                position += 1
        else:
            break
        if link != "," and longest <= _MAX_ITEM - 1:
            # A coordinator after short items closes them as a list even when what follows
            # is a clause: "lacks memory, planning, and it only answers".
            denied_to = max(denied_to, position - 1)
        if position >= len(tokens) or tokens[position] in _ITEM_BREAKS:
            break
        end = position
        stop = _clause_end(text, position)
        while end < stop and tokens[end] not in _LINKS:
            end += 1
        # After "and"/"or" a long item is mostly a predicate of its own.
        limit = _ITEM_LIMITS[link == ","][noun or link != "and"]
        if end - position > limit:
            break
        if link != ",":
            denied_to = end  # the list is closed here: every item so far is denied
        longest = max(longest, end - position)
        position = end
    return denied_to


class Negations:
    """The negators of one reply and what each denies, to test occurrences against."""

    __slots__ = ("_spans", "_text", "_unneeded")

    def __init__(self, text: Text) -> None:
        self._text = text
        self._spans, self._unneeded = negation_spans(text)

    def __bool__(self) -> bool:
        return bool(self._spans)

    def denies(self, start: int, end: int, own: frozenset[str]) -> bool:
        """Whether a negator denies a token of reply tokens ``start..end``.

        A negator inside the range that is one of the phrase's ``own`` words is part of the
        phrase ("non-linear"), not a denial of it.
        """
        tokens = self._text.tokens
        for negator, first, last in self._spans:
            if first < end and start < last:
                if start <= negator < end and tokens[negator] in own:
                    continue
                return True
        return False

    def unneeded(self, start: int, end: int) -> bool:
        """Whether reply tokens ``start..end`` are said not to be needed ("you don't need
        chunking", "evaluation isn't really necessary"): a claim, not just an omission."""
        return any(first < end and start < last for _, first, last in self._unneeded)
