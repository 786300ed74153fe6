"""Short answers and mcq choice text: answer keys (accepted phrases, rivals), judging a reply."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rapidfuzz.distance import OSA

from bank.confusables import ConfusableTable
from bank.fuzzy import (
    FuzzyIndex,
    Vocabulary,
    find_in_order,
    make_vocabulary,
    whole_edits,
)
from bank.graded import CACHE_SIZE, EMPTY, Grade, per_item, quote
from bank.matching import Occurrence, Phrase, find_exact, make_phrase
from bank.negation import hedge_alternatives, is_negated
from bank.normalize import Text, normalize_reply, phrase_tokens, stem
from bank.schema import ShortItem
from bank.stems import STEMS

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
    # Reply length in tokens -> the accepted candidates whose whole_edits can be a number
    # (as many tokens, or run together for a one-word reply), in the order of ``accepted``.
    whole_by_size: dict[int, tuple[Candidate, ...]]
    # Each rival with its tokens run together, as span_distance compares them.
    rival_spans: tuple[tuple[Candidate, str, int], ...]


_PARENTHESIS = re.compile(r"\(([^()]*)\)")


def variants(label: str) -> list[str]:
    """A choice "Nucleus (top-p) sampling" is also "Nucleus sampling" and "top-p"."""
    variants = [label]
    if "(" in label:
        variants.append(_PARENTHESIS.sub(" ", label))
        variants.extend(inner for inner in _PARENTHESIS.findall(label) if inner.strip())
    return variants


def build_key(
    accepted: list[tuple[str, str, str]], rivals: list[tuple[str, str]], shown: str
) -> AnswerKey:
    """``accepted``: (phrase, answer it stands for, why); ``rivals``: (phrase, why).

    A phrase already accepted never becomes a rival, and each text is kept once.
    """
    by_form: dict[str, Candidate] = {}
    spellings: set[tuple[str, str]] = set()
    accepted_out: list[Candidate] = []
    rivals_out: list[Candidate] = []
    for label, answer, why in accepted:
        phrase = make_phrase(label)
        if phrase is None or (phrase.joined, phrase.squashed_word) in spellings:
            continue  # written exactly like an earlier phrasing
        spellings.add((phrase.joined, phrase.squashed_word))
        # Every spelling is kept for typos, even one whose words an earlier phrasing already
        # has ("linked in" after "Linkedin"): a typo may be near one and not the other.
        candidate = Candidate(phrase, True, answer, why)
        accepted_out.append(candidate)
        by_form.setdefault(phrase.joined, candidate)
        by_form.setdefault(f" {phrase.squashed} ", candidate)
    for label, why in rivals:
        phrase = make_phrase(label)
        # A rival is kept when its words differ from every accepted phrasing, even if run
        # together they read the same ("Enterprise-D" squashes and stems like "Enterprise").
        if phrase is not None and phrase.joined not in by_form:
            candidate = Candidate(phrase, False, label, why)
            rivals_out.append(candidate)
            by_form[phrase.joined] = candidate
            by_form.setdefault(f" {phrase.squashed} ", candidate)
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
    whole_by_size: dict[int, list[Candidate]] = {}
    for candidate in accepted_out:
        size = len(candidate.phrase.tokens)
        whole_by_size.setdefault(size, []).append(candidate)
        if size > 1 and candidate.phrase.squashed_budget > 0:
            whole_by_size.setdefault(1, []).append(candidate)
    order = {candidate: number for number, candidate in enumerate(accepted_out)}
    return AnswerKey(
        tuple(accepted_out),
        tuple(rivals_out),
        by_form,
        shown,
        vocabulary,
        tokens,
        candidates,
        {token: tuple(numbers) for token, numbers in by_token.items()},
        {
            size: tuple(sorted(sized, key=order.__getitem__))
            for size, sized in whole_by_size.items()
        },
        tuple(
            (rival, wanted := "".join(rival.phrase.tokens), max(len(wanted), 1))
            for rival in rivals_out
        ),
    )


def confusable_parts(
    table: ConfusableTable, answers: list[str], prompt: str, exclude: tuple[str, ...] = ()
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """Synonyms (accepted) and rivals of the answers from the confusables table.

    ``exclude``: normalised texts (other mcq choices) that a synonym must not appear in.
    """
    related = table.related(answers, prompt)
    synonyms = [
        (s.name, s.answer, f"{quote(s.name)} is another name for {quote(s.answer)}")
        for s in related.synonyms
        if not any(_contains_words(other, s.name) for other in exclude)
    ]
    rivals = [(r.name, f"a different {r.what} from {quote(r.answer)}") for r in related.rivals]
    return synonyms, rivals


def _contains_words(container: str, phrase: str) -> bool:
    inner = " " + " ".join(phrase_tokens(phrase)) + " "
    return inner.strip() != "" and inner in " " + container + " "


_LINK = re.compile(r"<?https?://", re.IGNORECASE)


def _unbracketed(text: str) -> str:
    return " ".join(phrase_tokens(_PARENTHESIS.sub(" ", text)))


def _as_phrase_text(answer: str) -> str:
    """A link answer keeps its words ("doom.fandom.com"); replies keep them too (grade_short)."""
    return _LINK.sub("", answer).rstrip(">/") if _LINK.match(answer.strip()) else answer


# A single capital letter opening an answer, before a hyphen or a word: "A-city", "A positive".
_LEADING_LETTER = re.compile(r"([A-Z])(-|\s+)(?=\w)")
_CAPITALS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _other_letters(answer: str) -> list[str]:
    """ "A positive" with every other leading letter: "B positive", ... "Z positive".

    Replies drop "a" as an article, so without these "B positive" would still contain the
    answer's words; as rivals they make a different letter a wrong answer, while "A positive"
    (and "positive") stay right. Only a lone capital counts: "A dog" gains "B dog" as a rival,
    which costs nothing, but "Aa battery" or "a dog" are left alone.
    """
    match = _LEADING_LETTER.match(answer.strip())
    if match is None:
        return []
    own, rest = match.group(1), answer.strip()[1:]
    return [letter + rest for letter in _CAPITALS if letter != own]


@per_item
def _short_key(item: ShortItem, table: ConfusableTable) -> AnswerKey:
    answers = list(item.answers)
    # "Bottle (Small)" is also "Bottle", unless another answer of the topic differs from it
    # only in the brackets ("Bottle (Full)", "Bottle"): then the qualifier is the whole point.
    qualified = {_unbracketed(reject) for reject in item.reject}
    accepted = [
        (variant, answer, "")
        for answer in answers
        for variant in (
            [_as_phrase_text(answer)]
            if "(" in answer
            and any(_unbracketed(part) in qualified for part in variants(answer)[1:])
            else variants(_as_phrase_text(answer))
        )
    ]
    synonyms, confusable_rivals = confusable_parts(table, answers, item.prompt)
    shown = item.answers[0] if item.answers else ""
    rivals = [(reject, f"a near miss for {quote(shown)}") for reject in item.reject]
    rivals += [
        (other, f"a different name from {quote(answer)}")
        for answer in answers
        for other in _other_letters(answer)
    ]
    return build_key(accepted + synonyms, rivals + confusable_rivals, shown)


@per_item
def _keeps_links(item: ShortItem, table: ConfusableTable) -> bool:
    return any(_LINK.match(answer.strip()) for answer in item.answers)


# --- judging a reply against a key (short answers and mcq choice text) ----------------------

Verdict = Literal["accepted", "rival", "hedge", "negated", "none", "empty"]


@dataclass(frozen=True, slots=True)
class Judgement:
    verdict: Verdict
    grade: Grade


@lru_cache(maxsize=CACHE_SIZE)  # verdicts repeat; candidates hash by identity
def _accepted(candidate: Candidate, how: str) -> Judgement:
    if not candidate.why:
        reason = f"accepted: {how} {quote(candidate.answer)}"
        matched = candidate.answer
    else:  # a synonym from the confusables table
        matched = candidate.phrase.label
        exact = how == "matches"
        reason = f"accepted: {candidate.why}" if exact else f"accepted: {how} {quote(matched)}"
        if not exact:
            reason += f", another name for {quote(candidate.answer)}"
    return Judgement("accepted", Grade(True, 1.0, (matched,), reason))


@lru_cache(maxsize=CACHE_SIZE)  # verdicts repeat; candidates hash by identity
def _rival(candidate: Candidate, closer: bool = False) -> Judgement:
    if closer:
        reason = f"not accepted: closer to {quote(candidate.answer)}, {candidate.why}"
    else:
        reason = f"not accepted: {quote(candidate.answer)} is {candidate.why}"
    return Judgement("rival", Grade(False, 0.0, (), reason))


def _hedge(first: str, second: str, joiner: str = "and") -> Judgement:
    reason = f"not accepted: names two different answers ({quote(first)} {joiner} {quote(second)})"
    return Judgement("hedge", Grade(False, 0.0, (), reason))


def _hedge_between(text: Text, one: Found, other: Found) -> Judgement:
    """Two answers named in one reply, quoted in the order they were written."""
    first, second = sorted((one, other), key=lambda pair: pair[1].start)
    between = text.tokens[first[1].end : second[1].start]
    return _hedge(first[0].answer, second[0].answer, "or" if "or" in between else "and")


@lru_cache(maxsize=CACHE_SIZE)  # verdicts repeat; candidates hash by identity
def _negated(candidate: Candidate) -> Judgement:
    reason = f"not accepted: says it is not {quote(candidate.answer)}"
    return Judgement("negated", Grade(False, 0.0, (), reason))


@lru_cache(maxsize=CACHE_SIZE)  # verdicts repeat; candidates hash by identity
def _no_match(key: AnswerKey) -> Judgement:
    reason = f"not accepted: no match for {quote(key.shown)}" if key.shown else "not accepted"
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


def judge(key: AnswerKey, text: Text) -> Judgement:
    if not text.tokens:
        return Judgement("empty", EMPTY)
    squashed = "".join(text.words)
    whole = key.by_form.get(text.joined) or key.by_form.get(
        f" {STEMS.get(squashed) or stem(squashed)} "
    )
    if whole is not None:
        return _accepted(whole, "matches") if whole.accepted else _rival(whole)
    found = _exact_finds(key, text)
    if found:
        judged = _judge_found(key, text, _outermost(found), "matches")
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
    joined, token_set, several = text.joined, text.token_set, len(text.tokens) > 1
    found: list[Found] = []
    for number in sorted(wanted):
        candidate = candidates[number]
        phrase = candidate.phrase
        # What find_exact looks for, tested first: most candidates are not there at all.
        if phrase.joined in joined or (
            phrase.squashed in token_set if len(phrase.tokens) > 1 else several
        ):
            for occurrence in find_exact(text, phrase):
                found.append((candidate, occurrence))
    return found


def _judge_found(key: AnswerKey, text: Text, found: list[Found], how: str) -> Judgement | None:
    """The verdict from exact finds, or None to go on looking for close spellings."""
    # One pass: the first accepted and the first rival find not negated, and the first
    # accepted find of all (named when every accepted find is negated).
    accepted: Found | None = None
    rival: Found | None = None
    denied: Candidate | None = None
    for found_one in found:
        candidate, occurrence = found_one
        if candidate.accepted and denied is None:
            denied = candidate
        if (accepted if candidate.accepted else rival) is None and not is_negated(
            text, occurrence.start
        ):
            if candidate.accepted:
                accepted = found_one
            else:
                rival = found_one
    if accepted is not None and rival is not None:
        return _hedge_between(text, accepted, rival)
    if accepted is not None:
        candidate, occurrence = accepted
        alternative = _alternative(key, text, occurrence)
        if alternative is not None:
            return _hedge(candidate.answer, alternative, "or")
        return _accepted(candidate, how)
    if rival is not None:
        return _rival(rival[0])
    if denied is not None:
        return _negated(denied)
    return None


def _judge_whole(key: AnswerKey, text: Text) -> Judgement | None:
    """The reply as a whole is a close spelling of an answer (the common typo case)."""
    best: tuple[float, Candidate] | None = None
    for candidate in key.whole_by_size.get(len(text.tokens), ()):
        edits = whole_edits(text, candidate.phrase)
        if edits is not None:
            cost = edits / len(candidate.phrase.squashed)
            if best is None or cost < best[0]:
                best = (cost, candidate)
    if best is None:
        return None
    cost, candidate = best
    rival = _closer_rival(key, "".join(text.tokens), cost)
    if rival is not None:
        return _rival(rival, closer=True)
    return _accepted(candidate, "close spelling of")


def _closer_rival(key: AnswerKey, written: str, cost: float) -> Candidate | None:
    """The first rival at most ``cost`` typos per character from ``written`` (span_distance)."""
    distance = OSA.distance
    for rival, wanted, size in key.rival_spans:
        if distance(written, wanted) / size <= cost:
            return rival
    return None


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
        # Same words, nearer (or as near) to a rival: "ecoder" is no more encoder than decoder.
        closer = _closer_rival(key, "".join(text.tokens[best.start : best.end]), best.cost)
        if closer is not None:
            return _rival(closer, closer=True)
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


# Item id -> (item, table, its key): _short_key's cache, looked up here without a call. An
# item graded with another table rebuilds its entry (correct, if slower: tests do that).
_KEYS: dict[int, tuple[ShortItem, ConfusableTable, AnswerKey]] = {}


def grade_short(item: ShortItem, reply: str, table: ConfusableTable) -> Grade:
    if "://" in reply and _keeps_links(item, table):
        # Links are markup to drop in a reply, except when the answer is one.
        reply = _LINK.sub(" ", reply)
    entry = _KEYS.get(id(item))
    if entry is None or entry[0] is not item or entry[1] is not table:
        if len(_KEYS) >= CACHE_SIZE:
            _KEYS.clear()
        entry = _KEYS[id(item)] = (item, table, _short_key(item, table))
    return judge(entry[2], normalize_reply(reply)).grade
