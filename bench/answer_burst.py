"""Benchmark: a burst of members answering one daily post, end to end, against real limits.

Each answer goes through everything a real one does: discord.py parses the INTERACTION_CREATE,
the persistent button resolves the post, the grader grades, SQLite records the answer, and the
bot acknowledges over the (fake) REST API. Latency is measured by the fake Discord, from
dispatch to the first response.

The limits, measured in the same run:
- the no-database floor: the same burst through the same fake to a handler that acknowledges
  at once and touches no database (what discord.py and the fake cost by themselves). It
  clicks a copy of the post (same embed and buttons) and sends the reply the bot sends, so
  both carry the same payloads;
- a bare ``DynamicItem`` button on the same copy, replying the same at once: what discord.py's
  dispatch of restart-surviving buttons (DESIGN.md) adds to the floor, the best the bot's own
  buttons could reach;
- plain sqlite3 replaying the very statements the bot ran for a burst (traced from its
  connection), in batches of 100 answers per transaction, on a copy of the same database.
Overload: answers arriving at 1x and 2x the measured capacity, counting those acknowledged
after Discord's 3 s (a member sees "This interaction failed"). WAL pages written per answer.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import discord

from bench.common import Row, print_table, row
from bot import gcpolicy
from offline import FakeMessage, OfflineDiscord, Reply

REPO = Path(__file__).resolve().parent.parent
TEST_BANK = REPO / "tests" / "fixtures" / "bank"
THROUGHPUT_TARGET = 500.0  # answers per second
P99_TARGET_MS = 100.0
FLOOR_SHARE_TARGET = 0.8  # of the no-database floor
WAL_PAGES_TARGET = 1.0
ACK_BUDGET_S = 3.0
# Custom ids of the stand-ins' copies of the post; neither matches the bot's own templates.
FLOOR_PREFIX = "bench-floor-"
BARE_PREFIX = "bench-bare-"
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA", "--")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def sqlite_replay_rate(path: Path, statements: list[str], answers: int, batch: int = 100) -> float:
    """Answers per second when plain sqlite3 runs the bot's statements for ``answers``
    answers, ``batch`` answers' worth per transaction."""
    per_answer = max(1, len(statements) // answers)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        chunk = per_answer * batch
        start = time.perf_counter()
        for i in range(0, len(statements), chunk):
            conn.execute("BEGIN IMMEDIATE")
            for sql in statements[i : i + chunk]:
                # A replayed insert may meet a row the copy already has: its cost still counts.
                with contextlib.suppress(sqlite3.IntegrityError):
                    conn.execute(sql).fetchall()
            conn.execute("COMMIT")
        return answers / (time.perf_counter() - start)
    finally:
        conn.close()


# What both stand-ins reply: the same message a member sees for a recorded True/False answer
# (the reveal time is the fixture post's), so the fake checks and stores the same response.
STAND_IN_REPLY = (
    "Answer recorded: **true**\nThe verdict comes with the reveal <t:1767690000:R>. Streak: 1."
)


@contextlib.contextmanager
def floor_handler(d: OfflineDiscord) -> Iterator[None]:
    """A handler that acknowledges at once and touches no database, installed only while the
    floor is measured: the bot's own bursts run without it, as the bot runs in production."""

    async def on_interaction(interaction: discord.Interaction) -> None:
        data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
        if str(data.get("custom_id", "")).startswith(FLOOR_PREFIX):
            await interaction.response.send_message(STAND_IN_REPLY, ephemeral=True)

    d.bot.add_listener(on_interaction, "on_interaction")
    try:
        yield
    finally:
        d.bot.remove_listener(on_interaction, "on_interaction")


class BareDynamicButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=BARE_PREFIX + r"(?P<key>\d+):(?P<choice>[a-z]+)",
):
    """The least a restart-surviving button can be (DESIGN.md: answer buttons are
    ``DynamicItem``s): discord.py matches its template, rebuilds the message's view and calls
    it; it replies at once and touches no database. What discord.py's dynamic dispatch costs
    on top of the floor, and so the best the bot's buttons could reach."""

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> BareDynamicButton:
        assert isinstance(item, discord.ui.Button)
        return cls(item)

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(STAND_IN_REPLY, ephemeral=True)


def stand_in_message(d: OfflineDiscord, post: FakeMessage, prefix: str) -> FakeMessage:
    """A copy of the daily post (same text, embed and buttons) whose buttons reach a stand-in
    handler instead of the bot's: the same click payload for discord.py and the fake to carry."""
    rows = [
        {"type": 1, "components": [
            dict(button, custom_id=str(button["custom_id"]).replace("daily:choice:", prefix))
            for button in row_["components"]
        ]}
        for row_ in post.components
    ]  # fmt: skip
    return d.world.add_message(
        post.channel, post.author, content=post.content, embed_data=post.embed_data,
        components=rows,
    )  # fmt: skip


async def open_post(d: OfflineDiscord) -> FakeMessage:
    await d.advance(days=1)
    channel = d.channel("daily")
    return [m for m in d.messages(channel) if m.buttons()][-1]


async def burst(
    d: OfflineDiscord, post: FakeMessage, names: list[str]
) -> tuple[float, list[Reply | BaseException]]:
    """Everyone at once: answers per second, and the replies."""
    members = [d.member(n) for n in names]
    start = time.perf_counter()
    replies = await asyncio.gather(
        *(d.click(m, post, label="True") for m in members), return_exceptions=True
    )
    return len(members) / (time.perf_counter() - start), replies


async def paced(
    d: OfflineDiscord, post: FakeMessage, names: list[str], rate: float
) -> list[Reply | BaseException]:
    """Answers arriving at ``rate`` per second, as a busy server would send them."""
    members = [d.member(n) for n in names]
    start = time.perf_counter()
    tasks: list[asyncio.Task[Reply]] = []
    for i, member in enumerate(members):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(d.click(member, post, label="True")))
    return await asyncio.gather(*tasks, return_exceptions=True)


async def wal_frames(d: OfflineDiscord) -> int:
    """Frames in the WAL since the last checkpoint (autocheckpoint is off while measuring)."""
    row_ = await d.db.fetchone("PRAGMA wal_checkpoint(PASSIVE)")
    return int(row_[1]) if row_ else 0


async def traced_round(
    d: OfflineDiscord, names: list[str], folder: Path
) -> tuple[float, list[Reply | BaseException], list[str], Path, float]:
    """One burst with the bot's statements traced and its WAL pages counted; returns
    (answers/s, replies, statements, a copy of the database from before, WAL pages/answer)."""
    post = await open_post(d)
    before = await d.db.backup(folder / "before-burst.db")
    statements: list[str] = []

    def trace(sql: str) -> None:
        # sqlite3 reports each statement a trigger runs with its top statement's text: the
        # answer's one INSERT comes back once per trigger step. Replaying those echoes would
        # run the INSERT again each time, so an unchanged repeat is its own echo.
        if statements and statements[-1] == sql:
            return
        if not sql.lstrip().upper().startswith(CONTROL):
            statements.append(sql)

    await d.db.fetchone("PRAGMA wal_checkpoint(TRUNCATE)")
    await d.db.conn.execute("PRAGMA wal_autocheckpoint = 0")
    await d.db.conn.set_trace_callback(trace)
    try:
        rate, replies = await burst(d, post, names)
    finally:
        await d.db.conn.set_trace_callback(None)
    pages = await wal_frames(d)
    await d.db.conn.execute("PRAGMA wal_autocheckpoint = 1000")
    return rate, replies, statements, before, pages / len(names)


async def measure(members: int, repeats: int = 5) -> list[Row]:
    # As `quizbot run` does (bot/gcpolicy.py): this is what production runs.
    previous = gcpolicy.tune_for_serving()
    try:
        with tempfile.TemporaryDirectory() as folder:
            async with OfflineDiscord(db_path=Path(folder) / "q.db", bank=str(TEST_BANK)) as d:
                mod = d.member("mod", admin=True)
                await d.slash(mod, "daily setup", channel=d.channel("daily"), time="09:00",
                              timezone="UTC", topics="t-rotation")  # fmt: skip
                await burst(d, await open_post(d), [f"warm-up{i}" for i in range(50)])
                d.bot.add_dynamic_items(BareDynamicButton)
                rates, floors, bares = [], [], []
                for round_ in range(repeats):
                    names = [f"member{round_}-{i}" for i in range(members)]
                    post = await open_post(d)
                    with floor_handler(d):
                        floor, floor_replies = await burst(
                            d, stand_in_message(d, post, FLOOR_PREFIX), names
                        )
                    _check(floor_replies)
                    floors.append(floor)
                    bare, bare_replies = await burst(
                        d, stand_in_message(d, post, BARE_PREFIX), names
                    )
                    _check(bare_replies)
                    bares.append(bare)
                    rate, replies = await burst(d, post, names)
                    _check(replies)
                    rates.append(rate)
                d.bot.remove_dynamic_items(BareDynamicButton)
                names = [f"traced-{i}" for i in range(members)]
                _, replies, statements, copy, wal_per_answer = await traced_round(
                    d, names, Path(folder)
                )
                _check(replies)
                sqlite_floor = sqlite_replay_rate(copy, statements, members)
                before = len(d.ack_latencies)
                names = [f"member0-{i}" for i in range(members)]
                _check(await paced(d, await open_post(d), names, THROUGHPUT_TARGET))
                latencies = [s * 1000 for s in d.ack_latencies[before:]]
                capacity = statistics.median(rates)
                late = {}
                for factor in (1, 2):
                    before = len(d.ack_latencies)
                    names = [f"over{factor}-{i}" for i in range(members)]
                    with d.expect_errors():  # a late acknowledgement is refused and logged
                        await paced(d, await open_post(d), names, capacity * factor)
                    late[factor] = sum(s > ACK_BUDGET_S for s in d.ack_latencies[before:])
    finally:
        gc.set_threshold(*previous)  # the other benchmarks of a run keep the defaults
    no_db_floor = statistics.median(floors)
    return [
        row(
            f"answer burst: {members} at once (median of {repeats})",
            capacity,
            "ans/s",
            FLOOR_SHARE_TARGET * no_db_floor,
            higher_is_better=True,
            limit=no_db_floor,
        ),
        row(
            "bare DynamicItem button: replies, no db",
            statistics.median(bares),
            "ans/s",
            None,
            higher_is_better=True,
            limit=no_db_floor,
        ),
        row(
            "answer burst vs plain sqlite3 replay",
            capacity,
            "ans/s",
            None,
            higher_is_better=True,
            limit=sqlite_floor,
        ),
        row(
            "no-database floor: same burst, no db",
            no_db_floor,
            "ans/s",
            None,
            higher_is_better=True,
        ),
        row(
            "plain sqlite3: same statements, 100/tx",
            sqlite_floor,
            "ans/s",
            None,
            higher_is_better=True,
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
        row(f"acks after 3 s at 1x capacity ({capacity:.0f}/s)", late[1], "answers", 0),
        row(f"acks after 3 s at 2x capacity ({2 * capacity:.0f}/s)", late[2], "answers", 0),
        row("WAL pages per answer (burst)", wal_per_answer, "pages", WAL_PAGES_TARGET),
    ]


def _check(replies: list[Reply | BaseException]) -> None:
    refused = [
        r if isinstance(r, BaseException) else r.content
        for r in replies
        if isinstance(r, BaseException) or "Answer recorded" not in r.content
    ]
    assert not refused, f"{len(refused)} answers refused: {refused[:3]}"


def run(scale: float = 1.0) -> list[Row]:
    return asyncio.run(measure(max(50, int(1000 * scale))))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    print_table(run(parser.parse_args().scale))
