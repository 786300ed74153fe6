"""Display names as last seen (no privileged intent gives us the member list)."""

from __future__ import annotations

from db.cache import CacheSlot, HasCaches
from db.database import Database, Transaction

NAME_LENGTH = 100

# The name stored for (guild, member): every answer would otherwise rewrite an unchanged one.
STORED_NAMES: CacheSlot[tuple[int, int], str] = CacheSlot("member names", max_size=50_000)


def name_stored(db: HasCaches, guild_id: int, user_id: int, display_name: str) -> None:
    """Note a name written to ``members`` by other means (the daily answer's trigger)."""
    STORED_NAMES.of(db)[(guild_id, user_id)] = display_name[:NAME_LENGTH]


def forget_cached_member(db: HasCaches, guild_id: int, user_id: int) -> None:
    """The member's row is gone (privacy's forget): the next answer stores the name again."""
    STORED_NAMES.of(db).discard((guild_id, user_id))


UPSERT_MEMBER = (
    "INSERT INTO members (guild_id, user_id, display_name, seen_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (guild_id, user_id) DO UPDATE SET display_name = excluded.display_name, "
    "seen_at = excluded.seen_at"
)


def name_is_stored(db: HasCaches, guild_id: int, user_id: int, display_name: str) -> bool:
    """Whether ``members`` already holds this name (as far as this process wrote or read it)."""
    return STORED_NAMES.of(db).get((guild_id, user_id)) == display_name[:NAME_LENGTH]


async def remember_member(
    tx: Transaction, guild_id: int, user_id: int, display_name: str, now: float
) -> None:
    """Store a member's display name, unless it is the one already stored."""
    name = display_name[:NAME_LENGTH]
    if name_is_stored(tx.database, guild_id, user_id, name):
        return  # every answer calls this; most change nothing
    tx.on_commit(lambda: name_stored(tx.database, guild_id, user_id, name))
    await tx.execute(UPSERT_MEMBER, (guild_id, user_id, name, now))


async def display_names(db: Database, guild_id: int, user_ids: list[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    marks = ",".join("?" * len(user_ids))
    rows = await db.fetchall(
        f"SELECT user_id, display_name FROM members WHERE guild_id = ? AND user_id IN ({marks})",
        (guild_id, *user_ids),
    )
    return {row[0]: row[1] for row in rows}


async def remember_members(db: Database, guild_id: int, names: dict[int, str], now: float) -> None:
    async with db.transaction() as tx:
        for user_id, display_name in names.items():
            await remember_member(tx, guild_id, user_id, display_name, now)
