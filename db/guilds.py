"""Named queries for servers and their settings."""

from __future__ import annotations

import json
from typing import Any

from db.cache import CacheSlot
from db.database import Database, Transaction

# A server's settings, read on every answer; set_setting and reset_setting keep it current.
SETTINGS: CacheSlot[int, dict[str, Any]] = CacheSlot("guild settings", max_size=20_000)


async def ensure_guild(tx: Transaction, guild_id: int, name: str, now: float) -> None:
    """Record a server (inside the caller's transaction); an empty name keeps the known one."""
    await tx.execute(
        "INSERT INTO guilds (guild_id, name, joined_at) VALUES (?, ?, ?) "
        "ON CONFLICT (guild_id) DO UPDATE SET name = excluded.name WHERE excluded.name != ''",
        (guild_id, name, now),
    )


async def get_settings(db: Database, guild_id: int) -> dict[str, Any]:
    """A server's stored settings; read on every answer, so kept in memory once loaded."""
    cache = SETTINGS.of(db)
    settings = cache.get(guild_id)
    if settings is None:
        rows = await db.fetchall(
            "SELECT key, value FROM guild_settings WHERE guild_id = ?", (guild_id,)
        )
        settings = cache[guild_id] = {row["key"]: json.loads(row["value"]) for row in rows}
    return dict(settings)  # a copy: the caller may change it


async def set_setting(db: Database, guild_id: int, key: str, value: Any, now: float) -> None:
    async with db.transaction() as tx:
        await ensure_guild(tx, guild_id, "", now)
        await tx.execute(
            "INSERT INTO guild_settings (guild_id, key, value, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (guild_id, key) DO UPDATE SET value = excluded.value, "
            "updated_at = excluded.updated_at",
            (guild_id, key, json.dumps(value), now),
        )
    SETTINGS.of(db).discard(guild_id)


async def reset_setting(db: Database, guild_id: int, key: str) -> None:
    await db.write("DELETE FROM guild_settings WHERE guild_id = ? AND key = ?", (guild_id, key))
    SETTINGS.of(db).discard(guild_id)
