"""Benchmark: many duels at once, every round answered by both players.

Measures matches finished per second and how long a round takes to close: from the dispatch
of the answer that completes it to the round result reaching Discord (the fake records the
real time of every REST call).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.answer_burst import TEST_BANK, percentile
from bench.common import Row, print_table, row
from offline import FakeChannel, FakeMember, OfflineDiscord

ROUNDS = 5


def round_message(d: OfflineDiscord, thread: FakeChannel, number: int):  # type: ignore[no-untyped-def]
    for message in d.messages(thread):
        if message.embed_data and message.embed_data[0].get("title", "").startswith(
            f"Round {number}/"
        ):
            return message
    raise AssertionError(f"round {number} was not posted")


async def play(d: OfflineDiscord, a: FakeMember, b: FakeMember, closes: list[float]) -> None:
    reply = await d.slash(a, "duel challenge", member=b, rounds=ROUNDS, topic="t-rotation")
    await d.click(b, reply.message, label="Accept")
    assert reply.message is not None and reply.message.thread is not None
    thread = reply.message.thread
    for number in range(1, ROUNDS + 1):
        message = round_message(d, thread, number)
        await d.click(a, message, label="True")
        sent_before = len(d.calls)
        started = time.perf_counter()
        await d.click(b, message, label="False")
        result = next(
            (c for c in d.calls[sent_before:] if c.route == "POST /channels/{channel_id}/messages"
             and c.params.get("channel_id") == str(thread.id)),
            None,
        )  # fmt: skip
        if result is not None:
            closes.append((result.at - started) * 1000)


async def measure(duels: int) -> list[Row]:
    with tempfile.TemporaryDirectory() as folder:
        async with OfflineDiscord(db_path=Path(folder) / "q.db", bank=str(TEST_BANK)) as d:
            players = [d.member(f"player{i}") for i in range(2 * duels)]
            closes: list[float] = []
            start = time.perf_counter()
            await asyncio.gather(
                *(play(d, players[2 * i], players[2 * i + 1], closes) for i in range(duels))
            )
            elapsed = time.perf_counter() - start
            finished = await d.db.fetchval("SELECT count(*) FROM duels WHERE state = 'finished'")
            assert finished == duels, f"{finished} of {duels} duels finished"
    return [
        row(
            f"duel storm: {duels} duels x {ROUNDS} rounds",
            duels / elapsed,
            "matches/s",
            None,
            higher_is_better=True,
        ),
        row("duel round close p50", percentile(closes, 0.5), "ms", None),
        row("duel round close p99", percentile(closes, 0.99), "ms", None),
    ]


def run(scale: float = 1.0) -> list[Row]:
    return asyncio.run(measure(max(5, int(100 * scale))))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    print_table(run(parser.parse_args().scale))
