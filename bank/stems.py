"""Word stems and leading filler: the two word-level folds every normalised text shares.

``stem`` folds plural and past-participle endings (cached: the same words come back in every
reply); ``filler_end`` says how many leading tokens of a reply are filler ("I think it's",
"the answer is", "hmm") to drop before grading.
"""

from __future__ import annotations

from collections.abc import Sequence

STEMS: dict[str, str] = {}  # word -> stem; filled by stem(), read directly where it is hot
_MAX_STEMS = 100_000
# stem() makes a word at most this many letters shorter ("-eds"; "-ies" becomes "-y"),
# never longer, and keeps all of it but the last letters.
MAX_STEM_CUT = 3


def stem(word: str) -> str:
    """Fold plural and past-participle endings so that forms of one word compare equal.

    Deliberately tiny, and applied to both sides so only consistency matters, not English:
    "gans"/"gan", "embeddings"/"embedding", "queries"/"query", "losses"/"loss",
    "caches"/"cache", "biases"/"bias", "adds"/"added" ("noise is added" = "adds noise").
    A final "e" is dropped so that "-es" and "-s" plurals of words ending in "e" meet their
    singular ("noise"/"noises" are "nois"). "-ing" is kept: it often names another thing
    ("noising" is not "noise", "grounding" is not "ground"). Words of three letters or fewer
    are left alone ("gas", "yes").
    """
    cached = STEMS.get(word)
    if cached is None:
        if len(STEMS) >= _MAX_STEMS:
            STEMS.clear()
        cached = STEMS[word] = _stem(word)
    return cached


def _stem(word: str) -> str:
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ss", "us", "is", "ias")):
        base = word
    elif word.endswith("s"):
        base = word[:-1]
    else:
        base = word
    if base.endswith("ed") and len(base) >= 5:
        return base[:-2]
    if base.endswith("e") and len(base) > 3:
        base = base[:-1]
    return base


# Said before an answer without changing it. Matched as whole-token sequences at the start,
# repeatedly ("hmm, I think it's the ..."). Written without articles or apostrophes
# ("it's" is "its") and stemmed here like every token.
_FILLERS: tuple[tuple[str, ...], ...] = tuple(
    tuple(map(stem, phrase.split()))
    for phrase in (
        "i think its",
        "i think it is",
        "i think",
        "i believe its",
        "i believe",
        "i guess its",
        "i guess",
        "i would say",
        "id say",
        "i d say",
        "im pretty sure its",
        "im pretty sure",
        "pretty sure its",
        "pretty sure",
        "i would go with",
        "id go with",
        "ill go with",
        "i go with",
        "go with",
        "my answer is",
        "my answer",
        "my guess is",
        "my guess",
        "final answer",
        "answer is",
        "answer",
        "correct answer is",
        "right answer is",
        "it must be",
        "it should be",
        "it would be",
        "it is called",
        "its called",
        "it is",
        "its",
        "it",
        "that is",
        "thats",
        "this is",
        "is it",
        "they are",
        "theyre",
        "probably",
        "maybe",
        "perhaps",
        "definitely",
        "obviously",
        "surely",
        "well",
        "hmm",
        "hmmm",
        "um",
        "umm",
        "uh",
        "uhh",
        "ok",
        "okay",
        "so",
        "oh",
        "ah",
        "called",
        "is",
    )
)
# First word -> the lengths of the fillers starting with it, longest first ("i think its"
# before "i think"), each tried as one set lookup.
_FILLER_SET = frozenset(_FILLERS)
FILLERS_BY_START: dict[str, tuple[int, ...]] = {
    first: tuple(sorted({len(f) for f in _FILLERS if f[0] == first}, reverse=True))
    for first in {f[0] for f in _FILLERS}
}


def filler_end(tokens: Sequence[str]) -> int:
    """How many leading tokens are filler: "I think it's", "the answer is", "hmm," ..."""
    start = 0
    size = len(tokens)
    while start < size and (lengths := FILLERS_BY_START.get(tokens[start])):
        for length in lengths:
            end = start + length
            # Never strip everything: "it" or "well" alone may be the whole reply.
            if end < size and (length == 1 or tuple(tokens[start:end]) in _FILLER_SET):
                start = end
                break
        else:
            break
    return start
