"""Benchmark: a burst of members answering one daily post, end to end.

Each answer goes through everything a real one does: discord.py parses the INTERACTION_CREATE,
the persistent button resolves the post, the grader grades, SQLite records the answer and the
member's summaries in one transaction, and the bot acknowledges over the (fake) REST API.
Latency is measured by the fake Discord, from dispatch to the first response.

Two loads: all answers at once (throughput), and answers arriving at the target rate
(latency, as members would see it). The limit: the same number of rows inserted with raw
aiosqlite, one transaction per row, in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiosqlite

from bench.common import Row, print_table, row
from offline import FakeMessage, OfflineDiscord, Reply

REPO = Path(__file__).resolve().parent.parent
TEST_BANK = REPO / "tests" / "fixtures" / "bank"
THROUGHPUT_TARGET = 500.0  # answers per second
P99_TARGET_MS = 100.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def raw_insert_rate(path: Path, rows: int) -> float:
    """The physical bound: one INSERT per transaction through aiosqlite, rows per second."""
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA synchronous = NORMAL")
        await conn.execute(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, user_id INTEGER, reply TEXT, at REAL)"
        )
        start = time.perf_counter()
        for i in range(rows):
            await conn.execute("BEGIN IMMEDIATE")
            await conn.execute(
                "INSERT INTO t (user_id, reply, at) VALUES (?, ?, ?)", (i, "True", time.time())
            )
            await conn.execute("COMMIT")
        return rows / (time.perf_counter() - start)


async def open_post(d: OfflineDiscord) -> FakeMessage:
    await d.advance(days=1)
    channel = d.channel("daily")
    return [m for m in d.messages(channel) if m.buttons()][-1]


async def burst(d: OfflineDiscord, post: FakeMessage, names: list[str]) -> tuple[float, list]:
    """Everyone at once: answers per second, and the replies."""
    members = [d.member(n) for n in names]
    start = time.perf_counter()
    replies = await asyncio.gather(*(d.click(m, post, label="True") for m in members))
    return len(members) / (time.perf_counter() - start), replies


async def paced(d: OfflineDiscord, post: FakeMessage, names: list[str], rate: float) -> list:
    """Answers arriving at ``rate`` per second, as a busy server would send them."""
    members = [d.member(n) for n in names]
    start = time.perf_counter()
    tasks: list[asyncio.Task[Reply]] = []
    for i, member in enumerate(members):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(d.click(member, post, label="True")))
    return await asyncio.gather(*tasks)


async def measure(members: int, repeats: int = 3) -> list[Row]:
    with tempfile.TemporaryDirectory() as folder:
        limit = statistics.median(
            [await raw_insert_rate(Path(folder) / f"raw{i}.db", members) for i in range(repeats)]
        )
        async with OfflineDiscord(db_path=Path(folder) / "q.db", bank=str(TEST_BANK)) as d:
            mod = d.member("mod", admin=True)
            await d.slash(mod, "daily setup", channel=d.channel("daily"), time="09:00",
                          timezone="UTC", topics="t-rotation")  # fmt: skip
            await burst(d, await open_post(d), [f"warm-up{i}" for i in range(50)])
            rates = []
            for round_ in range(repeats):
                names = [f"member{round_}-{i}" for i in range(members)]
                rate, replies = await burst(d, await open_post(d), names)
                _check(replies)
                rates.append(rate)
            before = len(d.ack_latencies)
            names = [f"member0-{i}" for i in range(members)]
            _check(await paced(d, await open_post(d), names, THROUGHPUT_TARGET))
            latencies = [s * 1000 for s in d.ack_latencies[before:]]
    return [
        row(
            f"answer burst: {members} at once (median of {repeats})",
            statistics.median(rates),
            "ans/s",
            THROUGHPUT_TARGET,
            higher_is_better=True,
            limit=limit,
        ),
        row(
            f"answers at {THROUGHPUT_TARGET:g}/s: p50 dispatch->ack",
            statistics.median(latencies),
            "ms",
            None,
        ),
        row(
            f"answers at {THROUGHPUT_TARGET:g}/s: p99 dispatch->ack",
            percentile(latencies, 0.99),
            "ms",
            P99_TARGET_MS,
        ),
        row(
            "raw aiosqlite insert, 1 transaction/row", limit, "rows/s", None, higher_is_better=True
        ),
    ]


def _check(replies: list[Reply]) -> None:
    refused = [r.content for r in replies if "Answer recorded" not in r.content]
    assert not refused, f"{len(refused)} answers refused: {refused[:3]}"


def run(scale: float = 1.0) -> list[Row]:
    return asyncio.run(measure(max(50, int(1000 * scale))))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    print_table(run(parser.parse_args().scale))
