"""Named queries for server-imported banks, disabled items and question reports."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, fields

from db.database import Database, Transaction


@dataclass(frozen=True)
class CustomBank:
    name: str
    filename: str
    source: str
    item_count: int
    imported_by: int
    imported_at: float
    level: str = "intermediate"  # given to a Red list's questions, which carry no level


@dataclass(frozen=True)
class Report:
    report_id: int
    item_id: str
    user_id: int
    reason: str
    created_at: float


def _columns(row_type: type) -> str:
    # The SELECT lists follow the dataclasses' field order, which ``Row(*row)`` relies on.
    return ", ".join(field.name for field in fields(row_type))


# Built from trusted names only (the fields above), never from input; parameters stay bound.
SELECT_BANKS = "SELECT " + _columns(CustomBank) + " FROM custom_banks WHERE guild_id = ?"
SELECT_OPEN_REPORTS = (
    "SELECT " + _columns(Report) + " FROM reports WHERE guild_id = ? AND resolved_at IS NULL"
)


async def custom_banks(db: Database, guild_id: int) -> list[CustomBank]:
    rows = await db.fetchall(SELECT_BANKS + " ORDER BY name", (guild_id,))
    return [CustomBank(*row) for row in rows]


async def get_bank(db: Database, guild_id: int, name: str) -> CustomBank | None:
    row = await db.fetchone(SELECT_BANKS + " AND name = ?", (guild_id, name))
    return CustomBank(*row) if row else None


class BankClash(Exception):
    """An import would take item ids another of the server's banks already owns."""

    def __init__(self, owners: dict[str, str]) -> None:
        super().__init__(", ".join(sorted(owners)))
        self.owners = owners  # item id -> the bank that keeps it


class BankExists(Exception):
    """A bank of that name was stored meanwhile (an import racing this one)."""


async def save_bank(
    db: Database, guild_id: int, bank: CustomBank, item_ids: list[str], *, replace: bool = False
) -> None:
    """Store a bank and claim its item ids, in one transaction. ``replace``: a bank of that
    name may exist and is overwritten (its old ids freed first); otherwise an existing one
    raises :class:`BankExists`. Ids owned by another bank raise :class:`BankClash`."""
    try:
        async with db.transaction() as tx:
            # The check below reads inside the write transaction, so nothing can claim an id
            # between it and the insert; the primary key stays the guarantee if it ever could.
            owners = await _owners(tx, guild_id, bank.name, item_ids)
            if owners:
                raise BankClash(owners)
            if replace:
                await tx.execute(
                    "DELETE FROM custom_bank_items WHERE guild_id = ? AND bank_name = ?",
                    (guild_id, bank.name),
                )
            await tx.execute(
                "INSERT INTO custom_banks (guild_id, name, filename, source, item_count, "
                "imported_by, imported_at, level) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                + (
                    " ON CONFLICT (guild_id, name) DO UPDATE SET filename = excluded.filename, "
                    "source = excluded.source, item_count = excluded.item_count, "
                    "imported_by = excluded.imported_by, imported_at = excluded.imported_at, "
                    "level = excluded.level"
                    if replace
                    else ""
                ),
                (guild_id, bank.name, bank.filename, bank.source, bank.item_count,
                 bank.imported_by, bank.imported_at, bank.level),
            )  # fmt: skip
            await tx.executemany(
                "INSERT INTO custom_bank_items (guild_id, item_id, bank_name) VALUES (?, ?, ?)",
                [(guild_id, item_id, bank.name) for item_id in item_ids],
            )
    except sqlite3.IntegrityError as exc:
        if "custom_bank_items" in str(exc):
            raise BankClash({}) from exc
        raise BankExists(bank.name) from exc


async def _owners(tx: Transaction, guild_id: int, name: str, item_ids: list[str]) -> dict[str, str]:
    rows = await tx.fetchall(
        "SELECT item_id, bank_name FROM custom_bank_items WHERE guild_id = ? AND bank_name != ? "
        "AND item_id IN (SELECT value FROM json_each(?))",
        (guild_id, name, json.dumps(item_ids)),
    )
    return {row[0]: row[1] for row in rows}


async def unindexed_banks(db: Database, guild_id: int) -> list[str]:
    """Banks imported before their ids were recorded (migration 0011), oldest first."""
    rows = await db.fetchall(
        "SELECT name FROM custom_banks b WHERE guild_id = ? AND NOT EXISTS (SELECT 1 FROM "
        "custom_bank_items i WHERE i.guild_id = b.guild_id AND i.bank_name = b.name) "
        "ORDER BY imported_at, name",
        (guild_id,),
    )
    return [row[0] for row in rows]


async def index_bank(db: Database, guild_id: int, name: str, item_ids: list[str]) -> None:
    """Record the ids of a bank from before migration 0011; an id another bank already owns
    stays with that bank (this one's item is shadowed)."""
    if not item_ids:
        return
    await db.write_batch(
        [
            ("INSERT OR IGNORE INTO custom_bank_items (guild_id, item_id, bank_name) "
             "VALUES (?, ?, ?)", (guild_id, item_id, name))
            for item_id in item_ids
        ]
    )  # fmt: skip


async def item_owners(db: Database, guild_id: int) -> dict[str, str]:
    """Item id -> the imported bank that owns it, for one server."""
    rows = await db.fetchall(
        "SELECT item_id, bank_name FROM custom_bank_items WHERE guild_id = ?", (guild_id,)
    )
    return {row[0]: row[1] for row in rows}


async def delete_bank(db: Database, guild_id: int, name: str) -> bool:
    changed = await db.write_batch(
        [
            ("DELETE FROM custom_banks WHERE guild_id = ? AND name = ?", (guild_id, name)),
            ("DELETE FROM custom_bank_items WHERE guild_id = ? AND bank_name = ?",
             (guild_id, name)),
        ]
    )  # fmt: skip
    return changed[0] > 0


async def guilds_with_banks(db: Database) -> list[int]:
    return [r[0] for r in await db.fetchall("SELECT DISTINCT guild_id FROM custom_banks")]


async def disabled_items(db: Database, guild_id: int) -> set[str]:
    rows = await db.fetchall("SELECT item_id FROM disabled_items WHERE guild_id = ?", (guild_id,))
    return {r[0] for r in rows}


async def disable_item(db: Database, guild_id: int, item_id: str, by: int, now: float) -> None:
    await db.write(
        "INSERT OR IGNORE INTO disabled_items (guild_id, item_id, disabled_by, disabled_at) "
        "VALUES (?, ?, ?, ?)",
        (guild_id, item_id, by, now),
    )


async def enable_item(db: Database, guild_id: int, item_id: str) -> bool:
    """Switch a disabled question back on; False if it was not switched off."""
    changed = await db.write(
        "DELETE FROM disabled_items WHERE guild_id = ? AND item_id = ?", (guild_id, item_id)
    )
    return changed > 0


async def recently_disabled(db: Database, guild_id: int, limit: int) -> tuple[list[str], int]:
    """The most recently disabled item ids (up to ``limit``) and how many are disabled."""
    rows = await db.fetchall(
        "SELECT item_id FROM disabled_items WHERE guild_id = ? "
        "ORDER BY disabled_at DESC, item_id LIMIT ?",
        (guild_id, limit),
    )
    total = await db.fetchval(
        "SELECT count(*) FROM disabled_items WHERE guild_id = ?", (guild_id,), default=0
    )
    return [row[0] for row in rows], int(total)


async def add_report(
    db: Database, guild_id: int, item_id: str, user_id: int, reason: str, now: float
) -> int:
    async with db.transaction() as tx:
        return await tx.insert(
            "INSERT INTO reports (guild_id, item_id, user_id, reason, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (guild_id, item_id, user_id, reason, now),
        )


async def open_reports(db: Database, guild_id: int, limit: int) -> tuple[list[Report], int]:
    """The oldest open reports (up to ``limit``) and how many are open in all."""
    rows = await db.fetchall(SELECT_OPEN_REPORTS + " ORDER BY report_id LIMIT ?", (guild_id, limit))
    total = await db.fetchval(
        "SELECT count(*) FROM reports WHERE guild_id = ? AND resolved_at IS NULL",
        (guild_id,),
        default=0,
    )
    return [Report(*row) for row in rows], int(total)


async def get_report(db: Database, guild_id: int, report_id: int) -> Report | None:
    row = await db.fetchone(SELECT_OPEN_REPORTS + " AND report_id = ?", (guild_id, report_id))
    return Report(*row) if row else None


async def resolve_reports(
    db: Database, guild_id: int, item_id: str, by: int, resolution: str, now: float
) -> int:
    """Close every open report on an item (disabling it answers them all)."""
    return await db.write(
        "UPDATE reports SET resolved_by = ?, resolved_at = ?, resolution = ? "
        "WHERE guild_id = ? AND item_id = ? AND resolved_at IS NULL",
        (by, now, resolution, guild_id, item_id),
    )


async def resolve_report(db: Database, guild_id: int, report_id: int, by: int, now: float) -> bool:
    changed = await db.write(
        "UPDATE reports SET resolved_by = ?, resolved_at = ?, resolution = 'resolved' "
        "WHERE guild_id = ? AND report_id = ? AND resolved_at IS NULL",
        (by, now, guild_id, report_id),
    )
    return changed > 0
