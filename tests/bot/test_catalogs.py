"""Each server's catalog: built from its banks and switches, bounded, rebuilt when told."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bank import load_bank
from bank.catalog import Catalog
from bot.catalogs import GuildCatalogs
from db import banks
from db.database import Database
from tests.helpers import TEST_BANK


async def run_here(func: Callable[..., Any], *args: Any) -> Any:
    return await asyncio.to_thread(func, *args)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database(tmp_path / "q.db") as database:
        await database.migrate()
        yield database


async def test_switched_off_item_leaves_only_after_invalidate(db: Database) -> None:
    builtin = Catalog(load_bank(TEST_BANK))
    first = builtin[0].id
    # One server's catalogs at a time: the other server's are pushed out and rebuilt.
    catalogs = GuildCatalogs(builtin, db, run_here, max_servers=1)
    assert first in await catalogs.usable(1)
    await banks.disable_item(db, 1, first, by=9, now=1.0)
    assert first in await catalogs.usable(1)  # cached until told
    catalogs.invalidate(1)
    assert first not in await catalogs.usable(1)
    assert first in await catalogs.usable(2)  # another server keeps the item
    assert first not in await catalogs.usable(1)  # rebuilt after being pushed out
    assert (await catalogs.get(1, first)) is not None  # posted questions still resolve
