"""Wrong claims in a keypoint reply: an item's misconceptions, stated in order and not denied.

A rubric author lists the wrong things candidates say about a question ("all experts run for
every token", "VAEs give sharper images"). A reply states one when the claim's words occur
in the claim's order, forms folded by lemma key ("VAEs gave the sharpest images"), with at
most ``MAX_GAP`` other words between them in all ("GPT is an encoder-only model" states "GPT
encoder-only"), inside one clause, and no negator of the reply denies it ("it is not true
that VAEs give sharper images"). The order is what tells "VAEs are blurrier than GANs" from
"GANs are blurrier than VAEs": a list of the same words in another order is no such claim.
The words between may not join or contrast two statements ("and", "but", "while", "than"),
turn a comparison round ("less", "fewer") or make an analogy ("it is like a search engine"):
"extractive copies sentences and abstractive writes new ones" does not claim that extractive
writes them. A negator that is one of the claim's own words ("never hallucinates") is the
claim itself, and any negator up to three words before the claim denies it ("it doesn't just
copy existing content"). A claim right after "than" or "versus" is the thing compared
against, not said: "cheaper than training from scratch".
"""

from __future__ import annotations

from dataclasses import dataclass

from bank.lemmas import lemma_tokens
from bank.normalize import Text, prepare, stem, tokenize
from bank.scope import NEGATORS, Negations

# Absolute claims no interviewer accepts about an AI system, whatever the question: they
# count as misconceptions of every keypoints item.
OVERCLAIMS = (
    "guarantees correct answers",
    "guarantees accuracy",
    "guarantees the answer is correct",
    "guaranteed to be correct",
    "guaranteed to be accurate",
    "completely eliminates hallucinations",
    "eliminates hallucinations",
    "eliminates hallucination",
    "never hallucinates",
    "can never hallucinate",
    "cannot hallucinate",
    "100% accurate",
    "perfectly accurate",
    "always 100%",
    "never makes mistakes",
    "never makes a mistake",
    "is never wrong",
    "always gives the right answer",
    "always gets it right",
    "removes hallucinations",
    "removes hallucination",
    # No model keeps its training set word for word: "it memorises every fact".
    "memorizes every",  # and "memorises", one lemma
    # Temperature only reshapes the odds of the next token: raising it never makes the
    # output more deterministic, more accurate or faster, and it says nothing of length.
    "higher temperature more deterministic",
    "raising the temperature more deterministic",
    "higher temperature more accurate",
    "raising the temperature more accurate",
    "higher temperature faster",
    "raising the temperature speeds up",
    "higher temperature reduces hallucinations",
    "raise the temperature stop hallucinations",
    "lower temperature more creative",
    "temperature controls how long",
    # A generative model is no store of ready answers it looks up.
    "huge database of",
    "big database of",
    "large database of",
    "database of facts",
    # Not "looks up the answer": "it looks things up before answering" is retrieval, right.
    "looks up the exact answer",
    "looks up the correct answer",
    "looks up a stored answer",
    "lookup table of",
    "retrieving stored answers",
    "magic keywords",
    # Two ideas a question sets side by side are never one: "RAG and fine-tuning are
    # basically the same thing", "model collapse is the same thing as mode collapse".
    "basically the same",
    "are the same thing",
    "is the same thing as",
    # Compliance and safety are never a property a vendor or a model hands over whole.
    "automatically compliant",
    "automatically safe",
    "automatically accurate",
    "automatically unbiased",
    # Today's models are not minds: an answer built on that is built on a false premise.
    "models are conscious",
    "ai is conscious",
    "are sentient",
    "is sentient",
)

MAX_GAP = 2  # other reply words a claim's words may have between them, in all
# Words that, between two words of a claim, show they belong to different statements.
_BETWEEN_STATEMENTS = frozenset(
    stem(word)
    for word in (
        "and",
        "or",
        "but",
        "while",
        "whereas",
        "unlike",
        "than",
        "versus",
        "vs",
        "instead",
        "rather",
        "though",
        "although",
        "less",
        "fewer",
        "whilst",
        "like",  # "it is like a search engine" is an analogy, not a claim
    )
)
_COMPARED = frozenset({"than", "versus", "vs"})  # "better than X" does not say X
# Subjects that are one thing in a claim: "train the LLM on the documents" says what
# "train the model on the documents" does. Only for claims: as rubric points they differ.
_SAME_SUBJECT = {"llm": "model"}
_DENIED_WITHIN = 3  # a negator this many words before a claim denies it, whatever follows


@dataclass(frozen=True, slots=True)
class Claim:
    """One misconception ready to look for: its lemma keys in order."""

    label: str
    keys: tuple[str, ...]
    key_set: frozenset[str]
    own: frozenset[str]  # its tokens: a negator among them is part of the claim


def make_claim(label: str) -> Claim | None:
    # Read as keypoint replies are, leading "it is" included: it is the claim's subject.
    text = tokenize(prepare(label))
    if not text.tokens:
        return None
    keys = tuple(_SAME_SUBJECT.get(key, key) for key in lemma_tokens(text.words))
    return Claim(label, keys, frozenset(keys), frozenset(text.tokens))


def stated(claim: Claim, text: Text, lemmas: Text, negations: Negations) -> range | None:
    """Where the reply (``text``, and as lemma keys ``lemmas``) states the claim, or None."""
    present, positions = lemmas.token_set, lemmas.positions
    if "model" in claim.key_set and "llm" in present:
        merged = sorted((*positions.get("model", ()), *positions["llm"]))
        present, positions = present | {"model"}, {**positions, "model": merged}
    if not claim.key_set <= present:
        return None
    clauses, tokens = text.clauses, text.tokens
    for start in positions[claim.keys[0]]:
        end = _end_in_order(claim.keys, positions, start)
        if end is None or clauses[start] != clauses[end - 1]:
            continue
        if any(tokens[at] in _COMPARED for at in range(max(start - 2, 0), start)):
            continue
        if any(
            tokens[at] in _BETWEEN_STATEMENTS and tokens[at] not in claim.own
            for at in range(start + 1, end - 1)
        ):
            continue
        if _negator_before(text, start) or (negations and negations.denies(start, end, claim.own)):
            continue
        return range(start, end)
    return None


def wrong_claims(
    claims: tuple[Claim, ...],
    rare: frozenset[str],
    text: Text,
    lemmas: Text,
    negations: Negations,
) -> list[str]:
    """The labels of the ``claims`` the reply states; two said in the same words count once.

    ``rare`` holds each claim's rarest word: a reply with none of them states none.
    """
    wrong: list[str] = []
    present = lemmas.token_set
    if rare.isdisjoint(present):
        return wrong
    # stated() needs every key of a claim among the reply's ("llm" standing for "model"):
    # the same test here, inline, skips the call for the many claims a reply does not make.
    if "llm" in present:
        present = present | {"model"}
    said: set[int] = set()
    for claim in claims:
        if not claim.key_set <= present:
            continue
        where = stated(claim, text, lemmas, negations)
        if where is not None and said.isdisjoint(where):
            wrong.append(claim.label)
            said.update(where)
    return wrong


def _negator_before(text: Text, start: int) -> bool:
    """A negator just before the claim in its clause: "it doesn't just copy content" rejects
    the claim even though, for a rubric point, "not just X" still says X."""
    tokens, clauses = text.tokens, text.clauses
    for at in range(start - 1, max(start - 1 - _DENIED_WITHIN, -1), -1):
        if clauses[at] != clauses[start]:
            return False
        if tokens[at] in NEGATORS:
            return True
    return False


def _end_in_order(keys: tuple[str, ...], positions: dict[str, list[int]], start: int) -> int | None:
    """The end of the claim's words in order from ``start``, the next one each time (which
    keeps the gaps smallest), or None when they spread over more than MAX_GAP other words."""
    at, gaps = start, 0
    for key in keys[1:]:
        following = next((p for p in positions[key] if p > at), None)
        if following is None:
            return None
        gaps += following - at - 1
        if gaps > MAX_GAP:
            return None
        at = following
    return at + 1
