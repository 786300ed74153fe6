"""Benchmark: the first /stats in a fresh process, acknowledged within 500 ms.

A new interpreter starts the real bot through the fake Discord (migrations, bank, cogs), gives
one member a history of answers, and runs /stats once: nothing is warm, no card has been
rendered, the plotting library may not be imported yet. The fake Discord times the
interaction from its dispatch to the bot's first response (the deferral, "thinking..."); the
time until the card replaces it is printed beside it. Discord fails an interaction that is
not acknowledged within 3 s; the target is 500 ms. The limit column is a second /stats in the
same process, warm: what the command costs once nothing is cold.

Run: `python bench/stats_cold.py`. ``run(scale)`` is what bench/run.py calls (scale is unused:
one command in one process).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Row, print_table, row

ACK_TARGET_MS = 500.0
NOW = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)
HISTORY_DAYS = 60  # a member with two months of daily answers


async def child(path: Path) -> dict[str, float]:
    from db.answers import LoggedAnswer, log_answer
    from db.members import remember_member
    from offline import OfflineDiscord

    async with OfflineDiscord(db_path=path, start=NOW) as d:
        await d.slash(
            d.member("mod", admin=True), "daily setup", channel=d.channel("daily"),
            time="09:00", timezone="UTC",
        )  # fmt: skip
        alice = d.member("alice")
        async with d.db.transaction() as tx:
            await remember_member(tx, alice.guild.id, alice.id, alice.name, NOW.timestamp())
            for day in range(HISTORY_DAYS):
                when = (NOW - timedelta(days=day)).timestamp()
                for topic, correct in (("rag", True), ("sampling", day % 3 != 0)):
                    await log_answer(
                        tx,
                        LoggedAnswer(alice.guild.id, alice.id, "rag-acronym", topic, "daily",
                                     None, "reply", correct, 1.0 if correct else 0.0,
                                     10 if correct else 0, when),
                    )  # fmt: skip
        timings = {}
        for label in ("cold", "warm"):
            before = len(d.ack_latencies)
            start = time.perf_counter()
            reply = await d.slash(alice, "stats")
            timings[f"{label}_card_ms"] = (time.perf_counter() - start) * 1000
            timings[f"{label}_ack_ms"] = d.ack_latencies[before] * 1000
            timings[f"{label}_files"] = len(reply.files)
        return timings


def measure() -> list[Row]:
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(Path(folder) / "stats.db")],
            capture_output=True,
            text=True,
            check=True,
        )
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["cold_files"] == 1, "the first /stats did not send its card"
    return [
        row(
            "first /stats in a fresh process: ack",
            report["cold_ack_ms"],
            "ms",
            ACK_TARGET_MS,
            limit=report["warm_ack_ms"],
        ),
        row("first /stats: until the card is shown", report["cold_card_ms"], "ms", None),
        row("second /stats (warm): until the card", report["warm_card_ms"], "ms", None),
    ]


def run(scale: float = 1.0) -> list[Row]:
    return measure()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(child(args.child))))
    else:
        print_table(run(args.scale))
