"""Benchmark: start-up of a bot that serves 10,000 servers, each with a daily schedule.

A fresh process is timed from its start until the bot is ready (logged in, migrated, bank
loaded, every schedule rebuilt into the scheduler, every server received through discord.py's
GUILD_CREATE parser), and its peak memory is read from the operating system.
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Row, print_table, row
from offline.clock import DEFAULT_START

READY_TARGET_S = 3.0
RSS_TARGET_MB = 200.0


def prepare(path: Path, servers: int) -> None:
    from db.database import Database

    async def migrate() -> None:
        async with Database(path) as db:
            await db.migrate()

    asyncio.run(migrate())
    rng = random.Random(1)
    now = DEFAULT_START.timestamp()
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO daily_schedules (guild_id, channel_id, post_time, timezone, "
            "next_post_at, updated_at) VALUES (?, ?, '09:00', 'Europe/Berlin', ?, ?)",
            ((g, g, now + rng.uniform(60, 86400), now) for g in range(1, servers + 1)),
        )


async def child(path: Path, servers: int) -> None:
    from offline import OfflineDiscord

    d = OfflineDiscord(db_path=path)
    for number in range(1, servers):  # the harness already made one
        d.world.add_channel(d.world.add_guild(f"server {number}"), "general")
    await d.__aenter__()
    jobs = len(d.bot.scheduler.job_ids())
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"jobs": jobs, "guilds": len(d.bot.guilds), "rss_mb": rss_mb}), flush=True)
    await d.__aexit__(None, None, None)


def measure(servers: int) -> list[Row]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "startup.db"
        prepare(path, servers)
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, __file__, "--child", str(path), "--servers", str(servers)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        line = process.stdout.readline()
        ready = time.perf_counter() - started
        process.wait(timeout=120)
    report = json.loads(line)
    assert report["jobs"] >= servers, f"only {report['jobs']} jobs for {servers} schedules"
    return [
        row(f"start-up to ready, {servers:,} servers", ready, "s", READY_TARGET_S),
        row("start-up peak memory (RSS)", report["rss_mb"], "MB", RSS_TARGET_MB),
    ]


def run(scale: float = 1.0) -> list[Row]:
    return measure(max(100, int(10_000 * scale)))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--servers", type=int, default=10_000, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        asyncio.run(child(args.child, args.servers))
    else:
        print_table(run(args.scale))
