"""Text normalisation shared by the grader: turn a Discord reply into comparable word tokens.

Both sides of every comparison (the member's reply and the bank's answers) go through the same
pipeline, so "Top-P.", "top p" and "**top-p**" all become the tokens ``("top", "p")``:

1. Discord markup that is not text goes: mentions, channel links, custom emoji, timestamps,
   URLs, the language tag of fenced code, quote markers. Formatting characters (``* _ ~ | ` >``)
   become spaces, which keeps the text they wrap.
2. Unicode folding: casefold, compatibility decomposition (NFKD, a superset of what NFKC
   folds), combining marks dropped (accents, zalgo), smart quotes made straight, ``&`` as "and".
3. Tokens: runs of letters, or numbers (``3.5`` stays one token so GPT-3 never matches
   GPT-3.5). Letter/digit boundaries split ("gpt4" = "gpt 4"), apostrophes inside words vanish
   ("it's" = "its"), every other character separates words.
4. Articles are dropped, plural endings are folded (``stem``), and leading filler such as
   "I think it's" or "the answer is" is removed by ``strip_leading_filler``.

Clause breaks (``. , ; : ! ?``, new lines, "but") are remembered per token so that negation
("no, it's LoRA" versus "not LoRA") can be scoped to one clause.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

MAX_REPLY_CHARS = 4000  # longer replies are graded on their start (the contract)

_FENCE_LANGUAGE = re.compile(r"```[A-Za-z0-9_+\-.#]*[ \t]*\n")
# Mentions <@1> <@!1> <@&1>, channels <#1>, custom emoji <:n:1> <a:n:1>, timestamps <t:1:R>,
# slash-command mentions </name:1>.
_DISCORD_TAG = re.compile(r"<(?:@[!&]?\d+|#\d+|a?:\w+:\d+|t:-?\d+(?::\w)?|/[\w \-]+:\d+)>")
_URL = re.compile(r"<?(?:https?|ftp)://\S*", re.IGNORECASE)
_QUOTE_MARKER = re.compile(r"(?m)^[ \t]*(?:>>>|>)[ \t]?")
_HEADING_MARKER = re.compile(r"(?m)^[ \t]*(?:-#|#{1,3})[ \t]+")
_FORMATTING = str.maketrans(dict.fromkeys("*_~|`>\\", " "))

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "\uff07": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)
_INNER_APOSTROPHE = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")
_AMPERSAND = re.compile(r"\s*&\s*")

# Clause boundaries: punctuation that ends a clause (a dot only outside numbers such as 3.5)
# and the words that turn an argument around.
_CLAUSE_BREAK = re.compile(r"[,;:!?\n]|\.(?!\d)|(?<!\d)\.|\b(?:but|however|although|though)\b")
_WORD = re.compile(r"\d+(?:\.\d+)*|[^\W\d_]+")
ARTICLES = frozenset({"a", "an", "the"})

# Said before an answer without changing it. Matched as whole-token sequences at the start,
# repeatedly ("hmm, I think it's the ..."). Written after normalisation: no articles, no
# apostrophes, plural endings folded (so "it's" is "its" and "answers" is "answer").
_FILLERS: tuple[tuple[str, ...], ...] = tuple(
    tuple(phrase.split())
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
_FILLER_STARTS = frozenset(phrase[0] for phrase in _FILLERS)


@dataclass(slots=True)
class Text:
    """A normalised text: word tokens, the clause each token is in, and lookup helpers."""

    tokens: tuple[str, ...]  # stemmed: what comparisons use
    clauses: tuple[int, ...]
    words: tuple[str, ...]  # the same words before stemming: for typos and for display
    # " tok tok tok ": a phrase occurs as whole words iff " phrase " is a substring.
    joined: str = field(init=False)
    _positions: dict[str, list[int]] | None = field(default=None, init=False, repr=False)
    _pairs: dict[str, list[int]] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.joined = " " + " ".join(self.tokens) + " "

    @property
    def positions(self) -> dict[str, list[int]]:
        """Token -> the indexes where it occurs (built on first use)."""
        if self._positions is None:
            positions: dict[str, list[int]] = {}
            for index, token in enumerate(self.tokens):
                positions.setdefault(token, []).append(index)
            self._positions = positions
        return self._positions

    @property
    def pairs(self) -> dict[str, list[int]]:
        """Two neighbouring tokens written together -> where the pair starts ("finetuning")."""
        if self._pairs is None:
            pairs: dict[str, list[int]] = {}
            tokens = self.tokens
            for index in range(len(tokens) - 1):
                pairs.setdefault(tokens[index] + tokens[index + 1], []).append(index)
            self._pairs = pairs
        return self._pairs

    def __len__(self) -> int:
        return len(self.tokens)


def clean_markup(text: str) -> str:
    """Remove Discord markup, keeping the words it wraps. Formatting characters become spaces."""
    if "```" in text:
        text = _FENCE_LANGUAGE.sub(" ", text)
    if "<" in text:
        text = _DISCORD_TAG.sub(" ", text)
    if "://" in text:
        text = _URL.sub(" ", text)
    if ">" in text:
        text = _QUOTE_MARKER.sub("", text)
    if "#" in text:
        text = _HEADING_MARKER.sub("", text)
    return text.translate(_FORMATTING)


def fold(text: str) -> str:
    """Casefold and strip accents, compatibility forms and smart quotes; ``&`` reads "and"."""
    if text.isascii():
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKD", text.casefold().translate(_QUOTES))
        text = "".join(char for char in text if not unicodedata.combining(char))
    if "'" in text:
        text = _INNER_APOSTROPHE.sub("", text)
    if "&" in text:
        text = _AMPERSAND.sub(" and ", text)
    return text


@lru_cache(maxsize=65536)
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


def tokenize(folded: str, *, drop_articles: bool = True) -> Text:
    """Split folded text into stemmed word tokens, recording clause boundaries."""
    tokens: list[str] = []
    words: list[str] = []
    clauses: list[int] = []
    clause = 0
    for part in _CLAUSE_BREAK.split(folded):
        pieces = _WORD.findall(part)
        if drop_articles:
            pieces = [piece for piece in pieces if piece not in ARTICLES]
        if pieces:
            words += pieces
            tokens += map(stem, pieces)
            clauses += [clause] * len(pieces)
            clause += 1
    return Text(tuple(tokens), tuple(clauses), tuple(words))


def strip_leading_filler(text: Text) -> Text:
    """Drop "I think it's", "the answer is", "hmm," ... from the start of a reply."""
    tokens = text.tokens
    start = 0
    while start < len(tokens) and tokens[start] in _FILLER_STARTS:
        for filler in _FILLERS:
            end = start + len(filler)
            # Never strip everything: "it" or "well" alone may be the whole reply.
            if end < len(tokens) and tokens[start:end] == filler:
                start = end
                break
        else:
            break
    if start == 0:
        return text
    return Text(tokens[start:], text.clauses[start:], text.words[start:])


def normalize_reply(reply: str) -> Text:
    """A member's reply as tokens: truncated, markup removed, folded, filler stripped."""
    text = tokenize(fold(clean_markup(reply[:MAX_REPLY_CHARS])))
    return strip_leading_filler(text)


@lru_cache(maxsize=16384)
def phrase_text(phrase: str) -> Text:
    """A bank phrase (answer, choice, key point) normalised like a reply, without filler removal.

    Articles are kept when dropping them would leave nothing, so an answer such as "A" still
    has a token to match.
    """
    folded = fold(clean_markup(phrase))
    text = tokenize(folded)
    if not text.tokens:
        text = tokenize(folded, drop_articles=False)
    return text


def phrase_tokens(phrase: str) -> tuple[str, ...]:
    """A bank phrase as its stemmed tokens."""
    return phrase_text(phrase).tokens


def normalize(text: str) -> str:
    """The normalised form as one string, for display and tests: "Top-P." -> "top p"."""
    return " ".join(normalize_reply(text).tokens)
