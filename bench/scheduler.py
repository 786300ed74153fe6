"""Benchmark: 10,000 daily posts falling due in the same minute.

Most servers pick a round hour, so the worst case is every schedule due at 09:00:00 exactly.
The fake clock jumps to 09:01, the scheduler runs every post (pick a question, record it,
send it to Discord), and each post's delay is the real time from the jump to its message
reaching Discord. All posts must be made; the spread is how long the last server waits
behind the others.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.answer_burst import TEST_BANK, percentile
from bench.common import Row, print_table, row
from offline import OfflineDiscord
from offline.clock import DEFAULT_START

DUE = DEFAULT_START + timedelta(hours=1)  # 09:00 UTC on the fake clock
SETTLE_SECONDS = 600.0  # the whole burst is one "event" for the harness: let it take minutes


def add_schedules(path: Path, channels: list[tuple[int, int]]) -> None:
    due = DUE.timestamp()
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO daily_schedules (guild_id, channel_id, post_time, timezone, topics, "
            "next_post_at, updated_at) VALUES (?, ?, '09:00', 'UTC', '[\"t-rotation\"]', ?, ?)",
            ((g, c, due, due) for g, c in channels),
        )


async def servers_due_at_nine(path: Path, servers: int) -> OfflineDiscord:
    """A fake Discord of ``servers`` servers whose database has each one's schedule due at
    09:00; the caller starts it (``async with``) to measure the burst."""
    d = OfflineDiscord(db_path=path, bank=str(TEST_BANK), settle_timeout=SETTLE_SECONDS)
    guilds = [d.guild] + [d.world.add_guild(f"server {n}") for n in range(1, servers)]
    channels = [(g.id, d.world.add_channel(g, "daily").id) for g in guilds]
    async with d:
        pass  # creates and migrates the database
    add_schedules(path, channels)
    return d


async def measure(servers: int) -> list[Row]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scheduler.db"
        d = await servers_due_at_nine(path, servers)
        async with d:  # a start with every schedule in the database
            sent_before = len(d.calls)
            jump = time.perf_counter()
            await d.advance(hours=1, minutes=1)
            elapsed = time.perf_counter() - jump
            posts = [
                c
                for c in d.calls[sent_before:]
                if c.route == "POST /channels/{channel_id}/messages"
            ]
            made = await d.db.fetchval("SELECT count(*) FROM daily_posts")
    assert made == servers and len(posts) == servers, f"{made} posts recorded, {len(posts)} sent"
    lateness = [(call.at - jump) for call in posts]
    return [
        row(
            f"scheduler: {servers:,} posts due in one minute",
            servers / elapsed,
            "posts/s",
            None,
            higher_is_better=True,
        ),
        row("scheduler: all posts made", made, "posts", servers, higher_is_better=True),
        row("scheduler: first post after the jump", min(lateness), "s", None),
        row("scheduler: p50 post after the jump", percentile(lateness, 0.5), "s", None),
        row("scheduler: p99 post after the jump", percentile(lateness, 0.99), "s", None),
        row("scheduler: spread, first to last post", max(lateness) - min(lateness), "s", None),
    ]


def run(scale: float = 1.0) -> list[Row]:
    return asyncio.run(measure(max(50, int(10_000 * scale))))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    print_table(run(parser.parse_args().scale))
