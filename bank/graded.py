"""The Grade every grader returns, and what the graders share: wording, the per-item cache."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from bank.confusables import ConfusableTable


@dataclass(frozen=True, slots=True)
class Grade:
    correct: bool
    score: float  # in [0, 1]
    matched: tuple[str, ...] = ()  # the accepted phrasings that matched, for the reveal
    reason: str = ""  # short and human: "accepted: close spelling of 'nucleus sampling'"
    missing: tuple[str, ...] = ()  # keypoints: the points not found (their first phrasing)


EMPTY = Grade(False, 0.0, reason="not accepted: empty reply")


def quote(text: str) -> str:
    return f"'{text}'"


CACHE_SIZE = 8192
Cached = TypeVar("Cached")


def per_item(
    build: Callable[[Any, ConfusableTable], Cached],
) -> Callable[[Any, ConfusableTable], Cached]:
    """Cache what an item compiles to, by identity: hashing a whole item costs more than
    the lookup saves, and the bank's items live as long as the bot. Entries keep their item
    alive, so an id is never reused while cached; the cache is emptied when full.

    Nearly every grade uses one table (the built-in one), so entries are found by the item's
    id alone; an item graded with another table as well keeps that entry by both ids.
    """
    cache: dict[int, tuple[object, object, Cached]] = {}
    others: dict[tuple[int, int], tuple[object, object, Cached]] = {}

    def cached(item: Any, table: ConfusableTable) -> Cached:
        entry = cache.get(id(item))
        if entry is not None and entry[0] is item:
            if entry[1] is table:
                return entry[2]
            entry = others.get((id(item), id(table)))
            if entry is not None and entry[0] is item and entry[1] is table:
                return entry[2]
            value = build(item, table)
            if len(others) >= CACHE_SIZE:
                others.clear()
            others[(id(item), id(table))] = (item, table, value)
            return value
        value = build(item, table)
        if len(cache) >= CACHE_SIZE:
            cache.clear()
        cache[id(item)] = (item, table, value)
        return value

    return cached
