"""A loaded bank, indexed for the bot: look items up by id, list topics, filter."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

from bank.schema import Item


class Catalog(Sequence[Item]):
    """An immutable, ordered collection of items with unique ids."""

    def __init__(self, items: Iterable[Item]) -> None:
        self._items: tuple[Item, ...] = tuple(items)
        self._by_id = {item.id: item for item in self._items}
        if len(self._by_id) != len(self._items):
            dupes = [i for i, n in Counter(i.id for i in self._items).items() if n > 1]
            raise ValueError(f"duplicate item ids: {', '.join(sorted(dupes))}")

    def __getitem__(self, index):
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Item]:
        return iter(self._items)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._by_id

    def get(self, item_id: str) -> Item | None:
        return self._by_id.get(item_id)

    def topics(self) -> list[str]:
        return sorted({item.topic for item in self._items})

    def select(
        self,
        *,
        topics: Iterable[str] | None = None,
        levels: Iterable[str] | None = None,
        kinds: Iterable[str] | None = None,
    ) -> list[Item]:
        """Items matching every filter given (None or empty means no filter)."""
        topic_set, level_set, kind_set = (set(f) if f else None for f in (topics, levels, kinds))
        return [
            item
            for item in self._items
            if (topic_set is None or item.topic in topic_set)
            and (level_set is None or item.level in level_set)
            and (kind_set is None or item.kind in kind_set)
        ]
