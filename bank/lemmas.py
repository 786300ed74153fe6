"""Word forms for keypoint grading: one lemma key per word, so forms of one idea compare equal.

``lemma_key("quantized") == lemma_key("quantization") == lemma_key("quantise")``,
``lemma_key("caching") == lemma_key("cached") == lemma_key("cache")`` and
``lemma_key("debugging") == lemma_key("debug")``. Two steps, both applied to bank phrasings
and to replies alike, so only consistency matters:

1. **Inflection** by simplemma's English dictionary (plurals, tenses, -ing forms, comparatives),
   with its rules for words it does not know ("quantized" -> "quantize"). A lemma is only taken
   when it keeps the word's first two letters: simplemma reads "gan" as a past tense of "gin"
   and "better" as "good", which would change what a reply says, not how it is written.
   Words of three letters or fewer and anything with a digit are left alone (GAN, KV, GPT-4).
2. **Derivation** for the nominalisations interview answers swap freely: -ization/-isation
   ("quantization" -> "quantize"), British -ise ("tokenise" -> "tokenize"), -ation
   ("evaluation" -> "evaluate"), -uction/-ction/-ssion/-ption ("reduction" -> "reduce",
   "prediction" -> "predict"), -ment ("alignment" -> "align") and -val ("retrieval" ->
   "retrieve"). A derived base is only taken when the dictionary knows it.

Clipped words people type ("info", "docs", "params", "temp") get the key of the full word.
The key is then folded by ``bank.normalize.stem`` so that words the dictionary does not know
("loras") meet their singular as they always did. Keys are cached: a reply's words cost one
dictionary lookup each after the first time they are seen.
"""

from __future__ import annotations

import logging

import simplemma

from bank.normalize import Text, stem

log = logging.getLogger(__name__)

_LANG = "en"
_KEYS: dict[str, str] = {}  # word as written -> key; read directly where it is hot
_MAX_KEYS = 100_000
# The words of _KEYS that may be typos (see misspellable), told when they are first keyed:
# a reply whose words all have keys costs one C pass to find its typos.
_MISSPELLABLE: set[str] = set()
_MIN_TYPO = 4  # shorter words get no typo budget (bank.matching.typo_budget)

# Words whose -ing, -ise, -ion or -ment is part of the word, not a suffix to fold.
_NOT_ING = frozenset(
    {
        "string",
        "thing",
        "nothing",
        "something",
        "anything",
        "everything",
        "during",
        "morning",
        "evening",
        "ceiling",
        "bring",
        "spring",
        "swing",
        "sting",
        "king",
        "ring",
        "wing",
        "meaning",
        "bearing",
        "building",
        "setting",
        "ending",
    }
)
_NOT_ISE = frozenset(
    {
        "surprise",
        "exercise",
        "expertise",
        "enterprise",
        "compromise",
        "advertise",
        "supervise",
        "promise",
        "premise",
        "revise",
        "devise",
        "advise",
        "improvise",
        "franchise",
        "merchandise",
        "chastise",
        "despise",
        "concise",
        "precise",
        "paradise",
        "televise",
        "comprise",
        "otherwise",
        "likewise",
        "clockwise",
        "noise",
    }
)
_NOT_ION = frozenset(
    {"option", "section", "mission", "passion", "session", "fiction", "friction", "caption"}
)
_NOT_MENT = frozenset({"environment", "comment", "element", "moment", "segment", "document"})


def _known(word: str) -> bool:
    return simplemma.is_known(word, lang=_LANG)


def _lemmatize(word: str) -> str:
    """simplemma's lemma when it is a spelling of the same word, else the word itself."""
    lemma = simplemma.lemmatize(word, lang=_LANG)
    if lemma == word or not lemma.isalpha() or lemma[:2] != word[:2]:
        return word
    # British doubling: "labelled" gives "labell", "modelling" gives "modell".
    if len(lemma) > 4 and lemma[-1] == lemma[-2] == "l" and not word.endswith("ll"):
        return lemma[:-1]
    return lemma


def _inflection(word: str) -> str:
    if word in _NOT_ING:  # "meaning" is not "mean", "setting" not "set"
        return word
    if word[-1:] == "s" and word[:-1] in _NOT_ING:
        return word[:-1]
    lemma = _lemmatize(word)
    if lemma != word and len(lemma) > 3:
        lemma = _lemmatize(lemma)  # "embeddings" -> "embedding" -> "embed"
    if lemma == word and word.endswith("ing") and len(word) >= 7 and word not in _NOT_ING:
        # Nouns in -ing the dictionary keeps whole: "sampling", "grounding", "indexing".
        base = word[:-3]
        for candidate in (base, base + "e"):
            if _known(candidate) and _lemmatize(candidate) == candidate:
                return candidate
    return lemma


def _derivation(word: str) -> str:
    """The verb a nominalisation comes from, when the dictionary knows it."""
    if len(word) < 7:
        return word
    if word.endswith(("ization", "isation")):
        return word[:-7] + "ize"
    if word.endswith("ise") and word not in _NOT_ISE:
        zed = word[:-3] + "ize"
        return zed if _known(zed) else word
    if word.endswith("ation"):
        base = word[:-5]
        return _first_known(word, base, base + "ate", base + "e")
    if word.endswith("uction"):
        return _first_known(word, word[:-6] + "uce", word[:-3])
    if word.endswith(("ction", "ssion", "ption")) and word not in _NOT_ION:
        return _first_known(word, word[:-3])
    if word.endswith("ment") and word not in _NOT_MENT:
        return _first_known(word, word[:-4])
    if word.endswith("val"):
        return _first_known(word, word[:-3] + "ve")
    return word


def _first_known(word: str, *candidates: str) -> str:
    for candidate in candidates:
        if len(candidate) >= 4 and _known(candidate):
            return _inflection(candidate)
    return word


# Clipped words people type for the full one ("extra info", "the docs", "lots of params").
_CLIPPED = {
    "info": "information",
    "doc": "document",
    "docs": "documents",
    "pic": "picture",
    "pics": "pictures",
    "param": "parameter",
    "params": "parameters",
    "temp": "temperature",
    "config": "configuration",
    "repo": "repository",
    "repos": "repositories",
    "app": "application",
    "apps": "applications",
    "stats": "statistics",
    "prob": "probability",
    "probs": "probabilities",
}


def _key(word: str) -> str:
    word = _CLIPPED.get(word, word)
    if len(word) <= 3 or not word.isalpha():
        return stem(word)
    return stem(_derivation(_inflection(word)))


def lemma_key(word: str) -> str:
    """The key of a word as written (folded, unstemmed): equal for forms of one word."""
    key = _KEYS.get(word)
    if key is None:
        if len(_KEYS) >= _MAX_KEYS:
            _KEYS.clear()
            _MISSPELLABLE.clear()
        key = _KEYS[word] = _key(word)
        if len(word) >= _MIN_TYPO and word.isalpha() and not _known(word):
            _MISSPELLABLE.add(word)
    return key


def lemma_tokens(words: tuple[str, ...]) -> tuple[str, ...]:
    cached = tuple(map(_KEYS.get, words))  # the cache at C speed; misses filled below
    if not all(cached):  # faster than a test for None; an empty key would only cost time
        if len(_KEYS) + len(words) >= _MAX_KEYS:
            # Forgotten now rather than halfway, and all of these keyed again: each keeps
            # its key until misspellable() has read them.
            _KEYS.clear()
            _MISSPELLABLE.clear()
            return tuple(map(lemma_key, words))
        return tuple(key or lemma_key(word) for key, word in zip(cached, words, strict=True))
    return cached  # type: ignore[return-value]  # no None left


def misspellable(words: tuple[str, ...], *, keyed: bool = False) -> set[str]:
    """The words that may be typos: of four letters or more, none a digit, and unknown to the
    dictionary in any inflection.

    A real word in a reply is taken as meant, never as a typo of another one: "around" is
    not a slip for "ground", nor "judge" for "nudge". Each word is told once, when it gets
    its lemma key; ``keyed`` says lemma_tokens has just keyed these very words (a reply's
    lemma view), which saves the pass that keys the new ones.
    """
    if not keyed:
        lemma_tokens(words)
    return _MISSPELLABLE.intersection(words)


def lemma_text(text: Text) -> Text:
    """The same words, clauses and commas, with lemma keys for tokens: positions line up.

    Looked up by token and position only (whole-word search runs on the reply's tokens), so
    it has no ``joined`` string: building one for every reply would be wasted.
    """
    return Text(lemma_tokens(text.words), text.words, text.starts, text.soft, searched=False)


def warm_up() -> None:
    """Load the dictionary now (a tenth of a second) rather than on a member's first reply."""
    lemma_key("warming")
    log.debug("lemma dictionary loaded")
