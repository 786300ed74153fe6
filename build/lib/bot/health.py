"""Liveness for container health checks: a heartbeat file the running bot keeps fresh, plus
proof that the database opens."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.clock import Clock
from bot.config import Settings
from db.database import Database, DatabaseError

BEAT_EVERY = 30.0  # seconds
STALE_AFTER = 120.0


def heartbeat_path(settings: Settings) -> Path:
    return settings.database.with_suffix(".heartbeat")


async def beat(settings: Settings, clock: Clock) -> None:
    path = heartbeat_path(settings)
    while True:
        path.write_text(f"{clock.time():.0f}\n")
        await clock.sleep(BEAT_EVERY)


async def check(settings: Settings) -> int:
    import time

    path = heartbeat_path(settings)
    try:
        age = time.time() - float(path.read_text().strip())
    except (OSError, ValueError):
        print(f"unhealthy: no heartbeat at {path}", file=sys.stderr)
        return 1
    if age > STALE_AFTER:
        print(f"unhealthy: last heartbeat {age:.0f} s ago", file=sys.stderr)
        return 1
    try:
        async with Database(settings.database) as db:
            version = await db.user_version()
    except DatabaseError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    print(f"healthy: heartbeat {age:.0f} s ago, schema version {version}")
    return 0
