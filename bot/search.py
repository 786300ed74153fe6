"""Question search for autocomplete: one typo-tolerant index per catalog version, bounded input.

Both /question search and /report offer questions as the member types. Discord sends a request
per keystroke, so the work must be small whatever is typed: the query is capped, the index is
built once per catalog (off the event loop) and each search runs off the loop too.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import weakref
from collections import defaultdict
from collections.abc import Awaitable, Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process, utils

from bank.catalog import Catalog

log = logging.getLogger(__name__)

QUERY_LIMIT = 100  # characters of a query looked at; a question is found by far fewer
MAX_QUERY_WORDS = 8  # words of a query matched; each costs one pass over the vocabulary
WORD_CUTOFF = 70  # how alike two words must be (rapidfuzz ratio, 0-100) to count as one
MATCH_CUTOFF = 60.0  # how well a question must match the whole search to be offered
EXPLANATION_WEIGHT = 0.8  # a match in the explanation counts less than one in the prompt
COMMON_WORD_SHARE = 0.05  # a typed word matching more of the questions than this is common ...
COMMON_WORD_MIN = 500  # ... once it matches this many (small banks keep every word)
TIE_BREAK_FACTOR = 8  # at most limit x this tied questions get the whole-prompt tie-break

RunBlocking = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class Searchable:
    item_id: str
    prompt: str
    explanation: str


def bounded(query: str) -> str:
    """The part of a query worth searching: its first characters and words."""
    return " ".join(query[:QUERY_LIMIT].split()[:MAX_QUERY_WORDS])


class QuestionIndex:
    """Typo-tolerant search over prompts (and, weighted down, explanations).

    Each word typed is matched to the most alike word of a question (rapidfuzz ratio, so
    "retreival" finds "retrieval"; the last word may be unfinished, so it also matches words
    it begins). A question scores the mean over the words typed, so it must match all of them
    to rank first; ties go to the closer whole prompt. Explanations count because they name
    what a prompt abbreviates: "In RAG, what does the R stand for?" never says "retrieval".
    """

    def __init__(self, items: Iterable[Searchable]) -> None:
        self.items = list(items)
        self._words: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for number, item in enumerate(self.items):
            weights: dict[str, float] = {}
            for word in _words(item.explanation):
                weights[word] = EXPLANATION_WEIGHT
            for word in _words(item.prompt):
                weights[word] = 1.0
            for word, weight in weights.items():
                self._words[word].append((number, weight))
        self._vocabulary = sorted(self._words)  # sorted: words a prefix begins are one range

    def search(
        self,
        query: str,
        limit: int = 25,
        exclude: Collection[str] = (),
        prompt_only: Collection[str] = (),
    ) -> list[Searchable]:
        """The questions that match ``query``, best first. Those in ``exclude`` are never
        offered; those in ``prompt_only`` are found by their prompt alone (their explanation
        gives their answer away while they are in play)."""
        typed = _words(bounded(query))
        if not typed:
            return []
        matches = [self._similar(word, last=n == len(typed) - 1) for n, word in enumerate(typed)]
        matches = self._telling(matches)
        totals: defaultdict[int, float] = defaultdict(float)
        for similar in matches:
            best: dict[int, float] = {}
            for known, similarity in similar:
                for number, weight in self._words[known]:
                    if weight < 1.0 and prompt_only and self.items[number].item_id in prompt_only:
                        continue
                    value = similarity * weight
                    if value > best.get(number, 0.0):
                        best[number] = value
            for number, value in best.items():
                totals[number] += value
        typed_count = len(matches)
        processed = utils.default_process(" ".join(typed))
        candidates = [
            (-total / typed_count, number)
            for number, total in totals.items()
            if total / typed_count >= MATCH_CUTOFF and self.items[number].item_id not in exclude
        ]
        # The whole-prompt tie-break is the costly part: only for what can still make the cut
        # (and for a bounded number of ties, when one word matches thousands of questions).
        candidates.sort()
        if len(candidates) > limit:
            cut = candidates[limit - 1][0]
            candidates = [c for c in candidates if c[0] <= cut][: limit * TIE_BREAK_FACTOR]
        ranked = sorted(
            (mean, -fuzz.WRatio(processed, self.items[number].prompt,
                                processor=utils.default_process), number)
            for mean, number in candidates
        )  # fmt: skip
        return [self.items[number] for _, _, number in ranked[:limit]]

    def _telling(self, matches: list[list[tuple[str, float]]]) -> list[list[tuple[str, float]]]:
        """The typed words worth scoring: a word that matches a large share of the questions
        ("which", "the", "whe...") tells them apart no better than the whole-prompt tie-break
        and costs a pass over all of them, so it is dropped while rarer words remain."""
        common = max(COMMON_WORD_MIN, int(len(self.items) * COMMON_WORD_SHARE))
        spread = [sum(len(self._words[known]) for known, _ in similar) for similar in matches]
        telling = [similar for similar, n in zip(matches, spread, strict=True) if n <= common]
        if telling:
            return telling
        rarest = min(range(len(matches)), key=spread.__getitem__)
        return [matches[rarest]]

    def _similar(self, word: str, *, last: bool) -> list[tuple[str, float]]:
        found = {
            known: score
            for known, score, _ in process.extract(
                word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=WORD_CUTOFF, limit=None
            )
        }
        if last and len(word) >= 3:  # the member may still be typing it
            start = bisect.bisect_left(self._vocabulary, word)
            for known in self._vocabulary[start:]:
                if not known.startswith(word):
                    break
                found[known] = 100.0
        return list(found.items())


def _words(text: str) -> list[str]:
    return list(dict.fromkeys(utils.default_process(text).split()))


# One index per catalog object: a catalog never changes, a server's new catalog gets a new
# index, and weak keys let an index go when the catalog cache drops its catalog.
_INDEXES: weakref.WeakKeyDictionary[Catalog, QuestionIndex] = weakref.WeakKeyDictionary()
_BUILDING: dict[int, asyncio.Future[QuestionIndex]] = {}


async def index_of(catalog: Catalog, run_blocking: RunBlocking) -> QuestionIndex:
    """The search index of ``catalog``, built off the loop the first time it is asked for
    (concurrent first requests wait for the same build)."""
    index = _INDEXES.get(catalog)
    if index is not None:
        return index
    key = id(catalog)
    pending = _BUILDING.get(key)
    if pending is not None:
        return await asyncio.shield(pending)
    future: asyncio.Future[QuestionIndex] = asyncio.get_running_loop().create_future()
    _BUILDING[key] = future
    try:
        searchable = [Searchable(i.id, i.prompt, i.explanation) for i in catalog]
        index = await run_blocking(QuestionIndex, searchable)
        _INDEXES[catalog] = index
        future.set_result(index)
        log.debug("Search index built: %d questions", len(searchable))
        return index
    except BaseException as exc:
        future.set_exception(exc)
        future.exception()  # retrieved here, so a build nobody else waited for logs nothing
        raise
    finally:
        del _BUILDING[key]


async def search(
    catalog: Catalog,
    query: str,
    run_blocking: RunBlocking,
    *,
    limit: int = 25,
    exclude: Collection[str] = (),
    prompt_only: Collection[str] = (),
) -> list[Searchable]:
    """Search ``catalog`` for a bounded ``query`` without holding up the event loop."""
    query = bounded(query)
    if not query:
        return []
    index = await index_of(catalog, run_blocking)
    found: list[Searchable] = await run_blocking(index.search, query, limit, exclude, prompt_only)
    return found
