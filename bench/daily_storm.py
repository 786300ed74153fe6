"""Benchmark: every server's 09:00 post under Discord's global rate limit and a 429 storm.

Run at 2,000 and at 10,000 servers (issue 21's target: all posts within 1.1x the floor, never
above 50 requests in any second). Time is the fake's clock, so the 10,000-server burst (about
four minutes of Discord time) takes about half a minute to run.

The fake enforces Discord's 50 requests per second (on the fake clock) and answers the first
posts with 429s besides. Every server must get its post exactly once; how long the burst takes
in Discord's time is compared with its floor, the requests it needs divided by 45 per second
(the pace a client keeps to stay under 50 with room for interaction responses). The most
requests the bot sent in any one second, refused ones included, shows whether it keeps to the
limit or leans on 429s.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Row, print_table, row
from bench.scheduler import DUE, servers_due_at_nine
from offline.clock import DEFAULT_START

MESSAGES = "POST /channels/{channel_id}/messages"
PACE = 45.0  # requests per second a well-behaved client keeps to
LIMIT = 50  # Discord's global limit
STEP = timedelta(seconds=30)
GIVE_UP = timedelta(hours=2)


async def measure(servers: int) -> list[Row]:
    with tempfile.TemporaryDirectory() as folder:
        d = await servers_due_at_nine(Path(folder) / "storm.db", servers)
        async with d:
            d.global_rate_limit(LIMIT)
            d.faults.rate_limit(MESSAGES, retry_after=2.0, times=servers // 10)
            before = len(d.calls)
            await d.advance(DUE - DEFAULT_START)
            while d.clock.now() - DUE < GIVE_UP:
                accepted = [c for c in d.calls[before:] if c.route == MESSAGES and c.status == 200]
                if len(accepted) >= servers:
                    break
                await d.advance(STEP)
            calls = d.calls[before:]
            made = await d.db.fetchval("SELECT count(*) FROM daily_posts")
    accepted = [c for c in calls if c.route == MESSAGES and c.status == 200]
    per_channel = Counter(c.params.get("channel_id") for c in accepted)
    sent_per_second = Counter(int(c.fake_at) for c in calls)
    refused = sum(1 for c in calls if c.status == 429)
    took = max(c.fake_at for c in accepted) - DUE.timestamp() if accepted else float("inf")
    floor = servers / PACE
    name = f"09:00 storm {servers // 1000:,}k" if servers >= 1000 else f"09:00 storm {servers}"
    return [
        row(
            f"{name}: servers posted exactly once",
            sum(1 for n in per_channel.values() if n == 1),
            "servers",
            servers,
            higher_is_better=True,
        ),
        row(f"{name}: posts recorded", made, "posts", servers, higher_is_better=True),
        row(
            f"{name}: Discord time to post all",
            took,
            "s",
            round(1.1 * floor, 2),
            limit=floor,
        ),
        row(
            f"{name}: most requests in one second",
            max(sent_per_second.values()),
            "req/s",
            LIMIT,
        ),
        row(f"{name}: 429s met", refused, "responses", None),
    ]


SIZES = (2_000, 10_000)  # servers; 10,000 takes about 30 s of wall time on the fake's clock


def run(scale: float = 1.0) -> list[Row]:
    rows: list[Row] = []
    for servers in SIZES:
        rows += asyncio.run(measure(max(20, int(servers * scale))))
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    print_table(run(parser.parse_args().scale))
