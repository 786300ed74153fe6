"""Benchmark: start-up of a sharded bot, 50,000 servers over 20 shards, each with a schedule.

Two set-ups on the same database: one process owning all 20 shards, and two processes started
at once, each owning 10 (``shard_ids`` 0-9 and 10-19, as QUIZBOT_SHARD_IDS would say). Each
fresh process is timed from its start until its bot is ready (logged in, migrated, bank
loaded, its own servers' schedules rebuilt, its shards' servers received through discord.py's
READY and GUILD_CREATE parsers); its peak memory is read from the operating system. For two
processes the time is until both are ready, the memory each one's peak.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Row, print_table, row
from offline.clock import DEFAULT_START

SERVERS = 50_000
SHARDS = 20
READY_TARGET_S = 10.0
RSS_TARGET_MB = 600.0


def build(path: Path, servers: int, **options: Any) -> Any:
    """The same fake Discord, with the same server ids, in every process that builds it."""
    from offline import OfflineDiscord

    d = OfflineDiscord(db_path=path, shard_count=SHARDS, **options)
    for number in range(1, servers):  # the harness already made one
        d.world.add_channel(d.world.add_guild(f"server {number}"), "general")
    return d


def prepare(path: Path, servers: int) -> None:
    from db.database import Database

    async def migrate() -> None:
        async with Database(path) as db:
            await db.migrate()

    asyncio.run(migrate())
    guild_ids = list(build(path, servers).world.guilds)  # real ids, so they spread over shards
    rng = random.Random(1)
    now = DEFAULT_START.timestamp()
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO daily_schedules (guild_id, channel_id, post_time, timezone, "
            "next_post_at, updated_at) VALUES (?, ?, '09:00', 'Europe/Berlin', ?, ?)",
            ((g, g, now + rng.uniform(60, 86400), now) for g in guild_ids),
        )


async def child(path: Path, servers: int, shard_ids: list[int] | None) -> None:
    d = build(path, servers, shard_ids=shard_ids)
    await d.__aenter__()
    report = {
        "jobs": len(d.bot.scheduler.job_ids()),
        "guilds": len(d.bot.guilds),
        "shards": len(d.bot.shards),
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(json.dumps(report), flush=True)
    await d.__aexit__(None, None, None)


def start(path: Path, servers: int, shard_ids: str | None) -> subprocess.Popen[str]:
    command = [sys.executable, __file__, "--child", str(path), "--servers", str(servers)]
    if shard_ids is not None:
        command += ["--shard-ids", shard_ids]
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True)


def launch(path: Path, servers: int, shard_sets: list[str | None]) -> tuple[float, list[Any]]:
    """Start one process per shard set at once; seconds until the last is ready, reports."""
    started = time.perf_counter()
    processes = [start(path, servers, ids) for ids in shard_sets]
    lines = []
    for process in processes:
        assert process.stdout is not None
        lines.append(process.stdout.readline())
    ready = time.perf_counter() - started
    for process in processes:
        process.wait(timeout=300)
    return ready, [json.loads(line) for line in lines]


def measure(servers: int) -> list[Row]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sharded.db"
        prepare(path, servers)
        one_s, (one,) = launch(path, servers, [None])
        half = SHARDS // 2
        two_s, two = launch(path, servers, [f"0-{half - 1}", f"{half}-{SHARDS - 1}"])
    # Every server and every schedule is somebody's, and nobody's twice.
    assert one["guilds"] == servers and one["jobs"] >= servers, one
    assert sum(r["guilds"] for r in two) == servers, two
    assert sum(r["jobs"] for r in two) >= servers and all(r["jobs"] for r in two), two
    name = f"{servers:,} servers, {SHARDS} shards"
    return [
        row(f"start-up to ready, {name}, one process", one_s, "s", READY_TARGET_S),
        row("peak memory (RSS), one process", one["rss_mb"], "MB", RSS_TARGET_MB),
        row(f"start-up to ready, {name}, two processes", two_s, "s", READY_TARGET_S),
        row(
            "peak memory (RSS), larger of two processes",
            max(r["rss_mb"] for r in two),
            "MB",
            RSS_TARGET_MB,
        ),
        row("peak memory (RSS), two processes together", sum(r["rss_mb"] for r in two), "MB", None),
    ]


def run(scale: float = 1.0) -> list[Row]:
    return measure(max(SHARDS * 5, int(SERVERS * scale)))


def _shard_ids(text: str) -> list[int]:
    low, high = (int(part) for part in text.split("-"))
    return list(range(low, high + 1))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--servers", type=int, default=SERVERS, help=argparse.SUPPRESS)
    parser.add_argument("--shard-ids", type=_shard_ids, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        asyncio.run(child(args.child, args.servers, args.shard_ids))
    else:
        print_table(run(args.scale))
