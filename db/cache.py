"""Bounded in-memory caches of rows, each declared and kept current by the module owning them.

A query module that wants a hot row in memory declares a :class:`CacheSlot` (its name, key and
value types, and how many entries it may hold); ``SLOT.of(db)`` is that database's cache for
the slot. Only the declaring module writes to it, on every write of the rows it mirrors, and it
offers a function for anyone else who changes those rows another way (privacy's forget).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, Protocol, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LruCache(Generic[K, V]):
    """A mapping of at most ``max_size`` entries; the least recently used one leaves first."""

    def __init__(self, name: str, max_size: int) -> None:
        if max_size < 1:
            raise ValueError("a cache holds at least one entry")
        self.name = name
        self.max_size = max_size
        self._entries: OrderedDict[K, V] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: K) -> bool:
        return key in self._entries

    def __getitem__(self, key: K) -> V:
        value = self._entries[key]
        self._entries.move_to_end(key)
        return value

    def __setitem__(self, key: K, value: V) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        if len(self._entries) > self.max_size:
            self._entries.popitem(last=False)

    def get(self, key: K) -> V | None:
        return self[key] if key in self._entries else None

    def discard(self, key: K) -> None:
        self._entries.pop(key, None)

    def discard_where(self, stale: Callable[[K], bool]) -> int:
        """Drop every entry whose key ``stale`` picks; returns how many went."""
        keys = [key for key in self._entries if stale(key)]
        for key in keys:
            del self._entries[key]
        return len(keys)


class CacheSlot(Generic[K, V]):
    """The declaration of one cache; each database gets its own instance of it."""

    def __init__(self, name: str, max_size: int) -> None:
        self.name = name
        self.max_size = max_size

    def of(self, db: HasCaches) -> LruCache[K, V]:
        return db.caches.get(self)

    def __repr__(self) -> str:
        return f"<CacheSlot {self.name} (at most {self.max_size:,})>"


class Caches:
    """The caches of one database, created on first use from their slots."""

    def __init__(self) -> None:
        self._by_slot: dict[CacheSlot[Any, Any], LruCache[Any, Any]] = {}

    def get(self, slot: CacheSlot[K, V]) -> LruCache[K, V]:
        cache = self._by_slot.get(slot)
        if cache is None:
            cache = self._by_slot[slot] = LruCache(slot.name, slot.max_size)
        return cache

    def sizes(self) -> dict[str, int]:
        """Entries held per cache, for status output and tests."""
        return {cache.name: len(cache) for cache in self._by_slot.values()}


class HasCaches(Protocol):
    @property
    def caches(self) -> Caches: ...
