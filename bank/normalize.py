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
("no, it's LoRA" versus "not LoRA") can be scoped to one clause; the clauses that follow a
comma or a new line are marked (``Text.soft``), since a list may go on there ("lacks
autonomy, planning and tools").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import chain, count, repeat
from operator import sub
from typing import cast

from bank.clauses import CLAUSE_GAPS, ascii_clause_words, marked_clauses
from bank.stems import FILLERS_BY_START, STEMS, filler_end, stem

MAX_REPLY_CHARS = 4000  # longer replies are graded on their start (the contract)

_FENCE_LANGUAGE = re.compile(r"```[A-Za-z0-9_+\-.#]*[ \t]*\n")
# Mentions <@1> <@!1> <@&1>, channels <#1>, custom emoji <:n:1> <a:n:1>, timestamps <t:1:R>,
# slash-command mentions </name:1>.
_DISCORD_TAG = re.compile(r"<(?:@[!&]?\d+|#\d+|a?:\w+:\d+|t:-?\d+(?::\w)?|/[\w \-]+:\d+)>")
_URL = re.compile(r"<?(?:https?|ftp)://\S*", re.IGNORECASE)
_QUOTE_MARKER = re.compile(r"(?m)^[ \t]*(?:>>>|>)[ \t]?")
_HEADING_MARKER = re.compile(r"(?m)^[ \t]*(?:-#|#{1,3})[ \t]+")
_FORMATTING = str.maketrans(dict.fromkeys("*_~|`>\\", " "))
_MARKUP_CHARS = frozenset("*_~|`>\\<:#")  # every character the steps below look for
_MARKUP_STRING = "".join(sorted(_MARKUP_CHARS))
# Above this length, a substring scan per character (C) beats a set test per character.
_SCAN_ABOVE = 64
_MARKUP_BUT_COLON = _MARKUP_CHARS - {":"}

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
_AMPERSAND = re.compile(r"\s*&\s*")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")

# Clause boundaries: punctuation that ends a clause (a dot only outside numbers such as 3.5)
# and the words that turn an argument around.
# A comma or a new line is captured: a list may go on across it ("lacks X, Y and Z").
_CLAUSE_BREAK = re.compile(r"([,\n])|[;:!?]|(?<!\d)\.|\.(?!\d)|\s(?:but|however|although|though)\s")
_WORD = re.compile(r"\d+(?:\.\d+)*|[^\W\d_]+")
# ASCII replies (nearly all) take a faster path: Python's regex engine costs tens of
# microseconds on a 600-character reply, str.translate and str.split almost nothing.
_DIGITS = "0123456789"
_DIGIT_SET = frozenset(_DIGITS)
_KEPT_DOT = "\x01"  # stands in for a decimal point while dots split clauses
_ASCII_WORDS = str.maketrans(
    {
        char: "\r" if char in ",\n" else "\n" if char in ";:!?." else " "
        for char in map(chr, range(128))
        if not (char.isdigit() or "a" <= char <= "z" or char == _KEPT_DOT)
    }
)
_CLAUSE_WORDS = frozenset(gap.strip() for gap in CLAUSE_GAPS)
_NOT_ONE_CLAUSE = frozenset(_DIGITS + _KEPT_DOT)  # text with these takes the clause path
_MIXED_WORD = re.compile(r"\d+(?:\x01\d+)*|[a-z]+")
ARTICLES = frozenset({"a", "an", "the"})
_NOWHERE: list[int] = []  # Text.where() of an absent token: shared, never mutated


class Text:
    """A normalised text: word tokens, where its clauses start, and lookup helpers.

    A plain class with lazy fields: one is built for every reply, so its cost counts.
    """

    __slots__ = (
        "_clauses",
        "_found",
        "_positions",
        "joined",
        "soft",
        "starts",
        "token_set",
        "tokens",
        "words",
    )

    def __init__(
        self,
        tokens: tuple[str, ...],
        words: tuple[str, ...],
        starts: tuple[int, ...] = (0,),
        soft: frozenset[int] = frozenset(),
        searched: bool = True,  # False: no ``joined`` (a view only looked up by token)
    ) -> None:
        self.tokens = tokens  # stemmed: what comparisons use
        self.words = words  # the same words before stemming: for typos and for display
        self.starts = starts  # the token index where each clause starts
        self.soft = soft  # the clause starts that follow a comma (a list may go on there)
        if searched:  # " tok tok ": a phrase occurs as whole words iff " phrase " is in it
            self.joined = f" {' '.join(tokens)} "
        self.token_set = frozenset(tokens)  # membership tests need no positions
        self._positions: dict[str, list[int]] | None = None
        self._found: dict[str, list[int]] | None = None  # where(): the few tokens asked for
        self._clauses: tuple[int, ...] | None = None

    def __repr__(self) -> str:
        return f"Text({self.tokens!r}, starts={self.starts!r})"

    def __len__(self) -> int:
        return len(self.tokens)

    @property
    def positions(self) -> dict[str, list[int]]:
        """Token -> the indexes where it occurs; built when first needed."""
        if self._positions is None:
            positions: dict[str, list[int]] = {}
            seen = positions.get
            for index, token in enumerate(self.tokens):
                indexes = seen(token)
                if indexes is None:
                    positions[token] = [index]
                else:
                    indexes.append(index)
            self._positions = positions
        return self._positions

    def where(self, token: str) -> list[int]:
        """The indexes where ``token`` occurs (empty when absent), not to be mutated.

        Most callers ask about a few tokens of a long reply: two C scans of the tokens per
        token asked for cost less than ``positions``' Python loop over every token.
        """
        if self._positions is not None:
            return self._positions.get(token, _NOWHERE)
        if token not in self.token_set:
            return _NOWHERE
        asked = self._found
        if asked is None:
            asked = self._found = {}
        found = asked.get(token)
        if found is None:
            found = asked[token] = occurrences(self.tokens, token)
        return found

    @property
    def clauses(self) -> tuple[int, ...]:
        """The clause number of each token: negation and "or" never reach across clauses."""
        if self._clauses is None and len(self.starts) == 1:
            self._clauses = (0,) * len(self.tokens)
        elif self._clauses is None:
            starts = self.starts
            sizes = map(sub, (*starts[1:], len(self.tokens)), starts)
            # Each clause number repeated for its tokens, in C: no Python loop per clause.
            self._clauses = tuple(chain.from_iterable(map(repeat, count(), sizes)))
        return self._clauses


def occurrences(items: tuple[str, ...], item: str) -> list[int]:
    """The indexes of ``item`` in ``items``: C scans (count, index) rather than a loop."""
    found: list[int] = []
    index, at = items.index, -1
    for _ in range(items.count(item)):
        at = index(item, at + 1)
        found.append(at)
    return found


def clean_markup(text: str) -> str:
    """Remove Discord markup, keeping the words it wraps. Formatting characters become spaces."""
    if len(text) > _SCAN_ABOVE:
        if not any(map(text.__contains__, _MARKUP_STRING)):  # most replies: nothing to do
            return text
    elif _MARKUP_CHARS.isdisjoint(text):
        return text
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
        text = text.replace("'", "")  # "it's" is "its"; quotes around a word go too
    if "&" in text:
        text = _AMPERSAND.sub(" and ", text)
    if "," in text and _has_digit(text):
        # "1,500" is one number, never the list "1, 500" (which would let it find "500").
        text = _THOUSANDS.sub("", text)
    return text


def _has_digit(text: str) -> bool:
    # Both faster than a regex: a set test on short text, ten C scans on long text.
    if len(text) <= _SCAN_ABOVE:
        return not _DIGIT_SET.isdisjoint(text)
    return any(map(text.__contains__, _DIGITS))


def tokenize(folded: str, *, drop_articles: bool = True, strip_filler: bool = False) -> Text:
    """Split folded text into stemmed word tokens, recording where clauses start.

    ``strip_filler`` drops leading filler ("I think it's", "the answer is") as replies need.
    """
    if not folded.isascii():
        return _tokenize_clauses(folded, drop_articles, strip_filler)
    if _KEPT_DOT in folded or _has_digit(folded):
        return _tokenize_clauses(folded, drop_articles, strip_filler, "")
    # ASCII without digits: one translate() serves both the one-clause test and the split.
    translated = folded.translate(_ASCII_WORDS)
    one_clause = _one_ascii_clause(translated, drop_articles)
    if one_clause is not None:  # most replies: one clause of ASCII words, no digits
        return _one_clause_text(one_clause, strip_filler)
    words, starts, soft = ascii_clause_words(translated, drop_articles)
    if words:  # else articles alone, which the general path keeps
        return _as_text(words, starts, soft, strip_filler)
    return _tokenize_clauses(folded, drop_articles, strip_filler, translated)


def _tokenize_clauses(
    folded: str, drop_articles: bool, strip_filler: bool, translated: str | None = None
) -> Text:
    """``tokenize`` for any text: clause by clause.

    ``translated`` is None for text that is not ASCII; for ASCII text, it is empty when the
    text has digits, else the text through ``_ASCII_WORDS`` (``_ascii_clauses``).
    """
    words: list[str] = []
    starts: list[int] = []
    soft: list[int] = []
    if translated is None and folded.isascii():
        translated = "" if _KEPT_DOT in folded or _has_digit(folded) else None
        if translated is None:
            translated = folded.translate(_ASCII_WORDS)
    if translated is not None:
        parts, commas = _ascii_clauses(folded, translated, drop_articles=drop_articles)
    else:
        parts, commas = _unicode_clauses(folded)
        if drop_articles:
            parts = [[piece for piece in pieces if piece not in ARTICLES] for pieces in parts]
    hard = False  # a sentence break since the last words: "x.\ny" is not a list
    for number, pieces in enumerate(parts):
        if pieces:
            if number in commas and words and not hard:
                soft.append(len(words))
            starts.append(len(words))
            words += pieces
            hard = False
        elif number not in commas:
            hard = True
    if not words and drop_articles and folded and not folded.isspace():
        # Articles alone ("a", "the"): keep them rather than return nothing.
        return tokenize(folded, drop_articles=False, strip_filler=strip_filler)
    return _as_text(words, starts, soft, strip_filler)


def _as_text(words: list[str], starts: list[int], soft: list[int], strip_filler: bool) -> Text:
    """Stem the words and, for a reply, drop its leading filler."""
    cached = tuple(map(STEMS.get, words))  # the cache, at C speed; misses are filled below
    if not all(cached):  # faster than a test for None; an empty stem would only cost time
        cached = tuple(token or stem(word) for token, word in zip(cached, words, strict=True))
    tokens = cast(tuple[str, ...], cached)
    skip = filler_end(tokens) if strip_filler and tokens and tokens[0] in FILLERS_BY_START else 0
    if skip:
        starts = sorted({max(start - skip, 0) for start in starts})
        shifted = frozenset(start - skip for start in soft if start > skip)
        return Text(tokens[skip:], tuple(words[skip:]), tuple(starts), shifted)
    return Text(tokens, tuple(words), tuple(starts) or (0,), frozenset(soft))


def _one_clause_text(words: list[str], strip_filler: bool) -> Text:
    """``_as_text`` for the words of a single clause: no clause starts to shift."""
    tokens = list(map(STEMS.get, words))
    if not all(tokens):
        tokens = [token or stem(word) for token, word in zip(tokens, words, strict=True)]
    if strip_filler and tokens[0] in FILLERS_BY_START:
        skip = filler_end(cast(list[str], tokens))
        if skip:
            return Text(tuple(tokens[skip:]), tuple(words[skip:]))  # type: ignore[arg-type]
    return Text(tuple(tokens), tuple(words))  # type: ignore[arg-type]


def _one_ascii_clause(translated: str, drop_articles: bool) -> list[str] | None:
    """The words of ASCII text without digits, through ``_ASCII_WORDS``, if it is one
    clause; None for any other text.

    What ``_ascii_clauses`` would give for such text, without its clause bookkeeping: breaks
    before the first word or after the last one ("top-p!") leave a single clause.
    """
    core = translated.strip(" \n\r")
    if "\n" in core or "\r" in core:
        return None
    words = core.split()
    if not _CLAUSE_WORDS.isdisjoint(words):
        return None
    if drop_articles and not ARTICLES.isdisjoint(words):
        words = [word for word in words if word not in ARTICLES]
    return words or None


# Clauses as word lists, and the numbers of the clauses that follow a comma.
Clauses = tuple[list[list[str]], frozenset[int]]


def _unicode_clauses(folded: str) -> Clauses:
    pieces = _CLAUSE_BREAK.split(f" {folded} ")  # part, comma-or-None, part, ...
    parts = [_WORD.findall(part) for part in pieces[::2]]
    commas = frozenset(number + 1 for number, sep in enumerate(pieces[1::2]) if sep)
    return parts, commas


def _ascii_clauses(folded: str, translated: str, *, drop_articles: bool) -> Clauses:
    """The same split as ``_unicode_clauses``, for ASCII text, with str methods only.

    ``translated`` is the text through ``_ASCII_WORDS`` when it has no digits (the caller
    has it already), else empty. Clause breaks are marked and articles cut out of the string
    (bank.clauses), so the only Python loop left is one split per clause.
    """
    has_digit = not translated
    if has_digit:
        if _KEPT_DOT in folded:
            folded = folded.replace(_KEPT_DOT, " ")
        has_digit = _has_digit(folded)
        if has_digit and "." in folded:
            folded = _keep_decimal_points(folded)
        translated = folded.translate(_ASCII_WORDS)
    chunks = marked_clauses(translated, drop_articles)  # breaks marked, articles cut out
    parts = list(map(str.split, chunks))
    commas = frozenset(n for n, part in enumerate(chunks) if part[:1] == "\r")
    if not has_digit:
        return parts, commas
    # "gpt4" is "gpt 4"; a letter split off a number may be an article ("a4").
    split = [_split_mixed(pieces) for pieces in parts]
    if drop_articles:
        split = [[piece for piece in pieces if piece not in ARTICLES] for pieces in split]
    return split, commas


def _keep_decimal_points(text: str) -> str:
    """ "3.5" becomes "3\x015" so that splitting clauses at dots leaves the number whole."""
    pieces = text.split(".")
    kept = [pieces[0]]
    for piece in pieces[1:]:
        joins_digits = kept[-1][-1:].isdigit() and piece[:1].isdigit()
        kept.append(_KEPT_DOT if joins_digits else ".")
        kept.append(piece)
    return "".join(kept)


def _split_mixed(pieces: list[str]) -> list[str]:
    """ "gpt4" is "gpt 4" and "3\x015" is "3.5", as the regex path would have it."""
    return [
        word.replace(_KEPT_DOT, ".")
        for piece in pieces
        for word in ([piece] if piece.isalpha() or piece.isdigit() else _MIXED_WORD.findall(piece))
    ]


def prepare(reply: str) -> str:
    """A member's reply truncated, without markup, folded: the input of ``tokenize``."""
    return fold(clean_markup(reply[:MAX_REPLY_CHARS]))


def normalize_reply(reply: str) -> Text:
    """A member's reply as tokens: truncated, markup removed, folded, filler stripped."""
    if len(reply) > MAX_REPLY_CHARS:
        reply = reply[:MAX_REPLY_CHARS]
    if not reply.isascii() or not _MARKUP_BUT_COLON.isdisjoint(reply) or "://" in reply:
        return tokenize(prepare(reply), strip_filler=True)
    # What prepare() and tokenize() do to most replies, written out to save their calls.
    # No markup (a colon is markup only in a tag or a link), so folding is lowering and
    # dropping apostrophes; "&" and a comma between digits take the long way. Then
    # _one_ascii_clause and _one_clause_text for a short reply of one clause.
    folded = reply.lower()
    if "'" in folded:
        folded = folded.replace("'", "")
    if "&" in folded:
        return tokenize(prepare(reply), strip_filler=True)
    if len(folded) >= 128 or not _NOT_ONE_CLAUSE.isdisjoint(folded):
        if "," in folded:
            return tokenize(prepare(reply), strip_filler=True)
    else:
        core = folded.translate(_ASCII_WORDS).strip(" \n\r")
        if "\n" not in core and "\r" not in core:
            words = core.split()
            if _CLAUSE_WORDS.isdisjoint(words):
                if not ARTICLES.isdisjoint(words):
                    words = [word for word in words if word not in ARTICLES]
                if words:
                    tokens = list(map(STEMS.get, words))
                    if None in tokens:
                        tokens = [t or stem(w) for t, w in zip(tokens, words, strict=True)]
                    if tokens[0] in FILLERS_BY_START:
                        skip = filler_end(cast(list[str], tokens))
                        if skip:
                            return Text(tuple(tokens[skip:]), tuple(words[skip:]))  # type: ignore[arg-type]
                    return Text(tuple(tokens), tuple(words))  # type: ignore[arg-type]
        else:
            led = _after_lead(core)
            if led is not None:
                return led
    return _tokenize_clauses(folded, True, True)


def _after_lead(core: str) -> Text | None:
    """ "hmm, x" or "answer: x": a first clause that is all filler, then one clause.

    ``core`` is a reply translated by ``_ASCII_WORDS`` and stripped, with a break inside.
    Once the filler is stripped, the clause starts left are those of one clause, as
    ``_tokenize_clauses`` would find; None for any other reply.
    """
    head, _, rest = core.replace("\r", "\n").partition("\n")
    rest = rest.lstrip(" \n")
    if "\n" in rest:
        return None
    lead, words = head.split(), rest.split()
    if not _CLAUSE_WORDS.isdisjoint(lead) or not _CLAUSE_WORDS.isdisjoint(words):
        return None
    if not ARTICLES.isdisjoint(lead):
        lead = [word for word in lead if word not in ARTICLES]
    if not ARTICLES.isdisjoint(words):
        words = [word for word in words if word not in ARTICLES]
    if not lead or not words:
        return None
    words = lead + words
    tokens = [STEMS.get(word) or stem(word) for word in words]
    if tokens[0] not in FILLERS_BY_START or filler_end(tokens) != len(lead):
        return None
    return Text(tuple(tokens[len(lead) :]), tuple(words[len(lead) :]))


@lru_cache(maxsize=16384)
def phrase_text(phrase: str) -> Text:
    """A bank phrase (answer, choice, key point) normalised exactly like a reply.

    Leading filler goes on both sides ("It is fine-tuned" as a choice meets "it's fine-tuned"
    as a reply), and articles are kept when dropping them would leave nothing, so an answer
    such as "A" still has a token to match.
    """
    return tokenize(fold(clean_markup(phrase)), strip_filler=True)


def phrase_tokens(phrase: str) -> tuple[str, ...]:
    """A bank phrase as its stemmed tokens."""
    return phrase_text(phrase).tokens


def normalize(text: str) -> str:
    """The normalised form as one string, for display and tests: "Top-P." -> "top p"."""
    return " ".join(normalize_reply(text).tokens)
