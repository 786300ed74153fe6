"""Each server's questions: the built-in bank plus the banks it imported, minus what it
switched off. Parsed once per server and cached until one of those changes.

How ids resolve: an id belongs to one imported bank of a server (the database refuses a
second, see db/banks.py); an imported item keeps its id in that server even when a newer
built-in bank brings the same id, and the built-in item is shadowed there (logged, and listed
by /bank list), so an upgrade never breaks a server that imported first."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, cast

from bank import BankError, load_bank_text
from bank.catalog import Catalog
from bank.schema import Item, Level
from db import banks, guilds
from db.cache import LruCache
from db.database import Database

log = logging.getLogger(__name__)

POOL_SETTING = "bank_topics"  # the topics that feed daily posts and duels (empty: all)

RunBlocking = Callable[..., Awaitable[Any]]

# Servers whose catalogs stay in memory. Most hold the built-in catalog itself (no imports, no
# switched-off items), so an entry costs little; one pushed out is rebuilt on next use.
CACHED_SERVERS = 20_000


class GuildCatalogs:
    def __init__(
        self,
        builtin: Catalog,
        db: Database,
        run_blocking: RunBlocking,
        max_servers: int = CACHED_SERVERS,
    ) -> None:
        self.builtin = builtin
        self.db = db
        self._run_blocking = run_blocking
        self._all: LruCache[int, Catalog] = LruCache("server catalogs", max_servers)
        self._usable: LruCache[int, Catalog] = LruCache("usable catalogs", max_servers)

    def invalidate(self, guild_id: int) -> None:
        """A server imported or removed a bank, or switched an item off or on."""
        self._all.discard(guild_id)
        self._usable.discard(guild_id)

    async def all_items(self, guild_id: int) -> Catalog:
        """Every item a server ever had available, disabled ones included (for lookups of
        questions already posted)."""
        catalog = self._all.get(guild_id)
        if catalog is None:
            custom = await self._custom_items(guild_id)
            catalog = self._merge(guild_id, custom) if custom else self.builtin
            self._all[guild_id] = catalog
        return catalog

    async def shadowed(self, guild_id: int) -> list[str]:
        """Built-in item ids this server does not see, because its own imports use them."""
        catalog = await self.all_items(guild_id)
        return [item.id for item in self.builtin if catalog.get(item.id) is not item]

    async def import_bank(
        self, guild_id: int, bank: banks.CustomBank, items: list[Item], *, replace: bool
    ) -> None:
        """Store an imported bank; raises :class:`db.banks.BankClash` if another of the
        server's banks owns one of its ids, :class:`db.banks.BankExists` if ``replace`` is
        false and a bank of that name was stored meanwhile."""
        await self.all_items(guild_id)  # banks from before migration 0011 get their ids first
        try:
            await banks.save_bank(self.db, guild_id, bank, [i.id for i in items], replace=replace)
        finally:
            self.invalidate(guild_id)

    def _merge(self, guild_id: int, custom: list[Item]) -> Catalog:
        taken = {item.id for item in custom}
        hidden = [item.id for item in self.builtin if item.id in taken]
        if hidden:
            log.warning(
                "Guild %s: its imported questions shadow built-in ids %s",
                guild_id,
                ", ".join(hidden),
            )
        return Catalog([*(i for i in self.builtin if i.id not in taken), *custom])

    async def usable(self, guild_id: int) -> Catalog:
        """The items a server may be asked: built-in and imported, minus disabled ones."""
        catalog = self._usable.get(guild_id)
        if catalog is None:
            everything = await self.all_items(guild_id)
            disabled = await banks.disabled_items(self.db, guild_id)
            catalog = (
                Catalog(item for item in everything if item.id not in disabled)
                if disabled
                else everything
            )
            self._usable[guild_id] = catalog
        return catalog

    async def get(self, guild_id: int, item_id: str) -> Item | None:
        return (await self.all_items(guild_id)).get(item_id)

    async def pool_topics(self, guild_id: int) -> list[str]:
        """The topics chosen with /bank use, or every usable topic."""
        chosen = (await guilds.get_settings(self.db, guild_id)).get(POOL_SETTING) or []
        return list(chosen) or (await self.usable(guild_id)).topics()

    async def pool(
        self,
        guild_id: int,
        *,
        topics: Iterable[str] | None = None,
        levels: Iterable[str] | None = None,
        kinds: Iterable[str] | None = None,
    ) -> list[Item]:
        """Items for daily posts and duels: the server's pool, narrowed by the filters given."""
        pool = set(await self.pool_topics(guild_id))
        wanted = [t for t in topics if t in pool] if topics else sorted(pool)
        if not wanted:  # filters outside the pool match nothing (an empty filter means all)
            return []
        return (await self.usable(guild_id)).select(topics=wanted, levels=levels, kinds=kinds)

    async def _custom_items(self, guild_id: int) -> list[Item]:
        stored = await banks.custom_banks(self.db, guild_id)
        if not stored:
            return []
        unindexed = set(await banks.unindexed_banks(self.db, guild_id))
        parsed: dict[str, list[Item]] = {}
        for bank in sorted(stored, key=lambda b: (b.imported_at, b.name)):
            try:
                # A big upload takes most of a second to parse: keep the loop free.
                parsed[bank.name] = await self._run_blocking(
                    functools.partial(load_bank_text, level=cast(Level, bank.level)),
                    bank.source,
                    bank.filename,
                )
            except BankError:
                # It validated at import; a newer quizbot may be stricter. Skip, don't crash.
                log.warning("Custom bank %r of guild %s no longer loads", bank.name, guild_id)
                continue
            if bank.name in unindexed:
                await banks.index_bank(
                    self.db, guild_id, bank.name, [i.id for i in parsed[bank.name]]
                )
        owners = await banks.item_owners(self.db, guild_id)
        items: list[Item] = []
        for name, bank_items in parsed.items():
            for item in bank_items:
                if owners.get(item.id) == name:
                    items.append(item)
                else:  # two banks stored before ids were unique: the first one keeps it
                    log.warning(
                        "Guild %s: item %r of bank %r is shadowed by bank %r",
                        guild_id, item.id, name, owners.get(item.id),
                    )  # fmt: skip
        return items
