"""Benchmark: /leaderboard and /stats queries on a big history, and the stats card render.

Fills a database with 1,000,000 answers (at --scale 1) over 1,000 servers and 50,000 members,
servers sized like real communities (a few big ones, many small), then times the queries the
two commands run for the biggest server and a typical one.

Run: `python bench/leaderboard.py [--scale 0.1] [--card stats-card.png]`.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Row, median_ms, median_ms_async, print_table, row
from cogs.leaderboard import boards, cards
from db import stats
from db.database import Database, split_sql
from db.members import display_names

LEADERBOARD_TARGET_MS = 20.0
STATS_TARGET_MS = 30.0
CARD_TARGET_MS = 300.0
NOW = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)
TOPICS = [
    *("rag", "llms", "sampling", "prompting", "fine-tuning", "transformers", "agents"),
    *("evaluation", "deployment", "safety-ethics", "generative-models", "fundamentals"),
]


def fill(path: Path, answers: int, guilds: int, members: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    # Zipf-like sizes: server k gets weight 1/k, so server 1 is the big community.
    weights = [1 / (k + 1) for k in range(guilds)]
    member_guild = rng.choices(range(1, guilds + 1), weights=weights, k=members)
    activity = [rng.paretovariate(1.2) for _ in range(members)]  # a few members answer a lot
    start = (NOW - timedelta(days=90)).timestamp()
    span = NOW.timestamp() - start
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO members (guild_id, user_id, display_name, seen_at) VALUES (?, ?, ?, ?)",
            ((member_guild[m], m + 1, f"member{m + 1}", start) for m in range(members)),
        )
        chosen = rng.choices(range(members), weights=activity, k=answers)
        contexts = rng.choices(["daily", "duel", "practice"], weights=[70, 15, 15], k=answers)
        rows = (
            (member_guild[m], m + 1, "rag-acronym", TOPICS[i % len(TOPICS)], context,
             int(rng.random() < 0.7), 1.0, rng.randint(0, 15) if context == "daily" else 0,
             at, datetime.fromtimestamp(at, UTC).date().isoformat())
            for i, (m, context) in enumerate(zip(chosen, contexts, strict=True))
            for at in (start + rng.random() * span,)
        )  # fmt: skip
        # Bulk loading: the per-answer trigger is set aside and the summaries are built in
        # one pass by the migration's own backfill statements, then the trigger comes back.
        trigger = conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'answers_update_summaries'"
        ).fetchone()[0]
        conn.execute("DROP TRIGGER answers_update_summaries")
        conn.executemany(
            "INSERT INTO answers (guild_id, user_id, item_id, topic, context, correct, score, "
            "points, answered_at, day, reply) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')",
            rows,
        )
        conn.executemany(
            "INSERT INTO ratings (guild_id, user_id, rating, rd, volatility, wins, losses, draws, "
            "last_played_at) VALUES (?, ?, ?, ?, 0.06, 3, 2, 1, ?)",
            ((member_guild[m], m + 1, rng.gauss(1500, 150), rng.uniform(50, 350), start)
             for m in range(0, members, 5)),
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO daily_streaks VALUES (?, ?, ?, ?, 1)",
            ((member_guild[m], m + 1, rng.randint(0, 9), 9) for m in range(members)),
        )
        # The summaries the bot keeps up to date answer by answer, built here in bulk.
        migration = Path(__file__).parent.parent / "db/migrations/0006_member_summaries.sql"
        for statement in split_sql(migration.read_text(encoding="utf-8")):
            code = "\n".join(line for line in statement.splitlines() if not line.startswith("--"))
            if code.lstrip().startswith("INSERT INTO member_"):
                conn.execute(statement)
        conn.execute(trigger)
        conn.execute("ANALYZE")


async def leaderboard_query(db: Database, guild_id: int, period: str, caller: int) -> None:
    """The reads of one /leaderboard: a page, the caller's rank, the size, the names."""
    query = stats.BoardQuery(guild_id, "points", boards.period_key(period, NOW, ZoneInfo("UTC")))
    page = await stats.board_page(db, query, 0, boards.PER_PAGE, caller)
    await display_names(db, guild_id, [r[1] for r in page.rows])


async def stats_query(db: Database, guild_id: int, user_id: int) -> stats.MemberStats:
    since_day = (NOW - timedelta(days=29)).date().isoformat()
    data = await stats.member_stats(db, guild_id, user_id, since_day)
    await stats.last_closed_sequence(db, guild_id)
    await db.fetchone(
        "SELECT * FROM ratings WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )
    return data


def card_for(name: str, data: stats.MemberStats) -> cards.CardData:
    accuracy = f"{data.correct / data.answers:.0%}" if data.answers else "–"
    return cards.CardData(
        name=name,
        headline=f"{data.points} points · {accuracy} right · streak {data.streak_current}"
        f" (best {data.streak_best})",
        topic_accuracy=[(t.topic, t.correct / t.answers, t.answers) for t in data.topics],
        daily_activity=cards.last_days(data.days, NOW.date()),
    )


async def measure(scale: float) -> tuple[list[Row], stats.MemberStats]:
    answers = max(10_000, int(1_000_000 * scale))
    guilds, members = 1000, max(1000, int(50_000 * scale))
    runs = 15
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        async with Database(path) as db:
            await db.migrate()
        started = time.perf_counter()
        fill(path, answers, guilds, members)
        fill_s = time.perf_counter() - started
        async with Database(path) as db:
            sizes = await db.fetchall(
                "SELECT guild_id, count(*) AS n FROM answers GROUP BY guild_id ORDER BY n DESC"
            )
            big, typical = sizes[0], sizes[len(sizes) // 2]
            busiest = await db.fetchval(
                "SELECT user_id FROM answers WHERE guild_id = ? GROUP BY user_id "
                "ORDER BY count(*) DESC LIMIT 1",
                (big[0],),
            )
            result = [row(f"fill {answers:,} answers (setup)", fill_s, "s", None)]
            for label, (guild_id, count) in (("biggest", big), ("typical", typical)):
                for period in ("week", "all"):
                    ms = await median_ms_async(
                        lambda g=guild_id, p=period: leaderboard_query(db, g, p, busiest), runs
                    )
                    result.append(row(f"/leaderboard {period}, {label} server ({count:,} ans)",
                                      ms, "ms", LEADERBOARD_TARGET_MS))  # fmt: skip
            ms = await median_ms_async(lambda: stats_query(db, big[0], busiest), runs)
            result.append(row("/stats query, most active member", ms, "ms", STATS_TARGET_MS))
            data = await stats_query(db, big[0], busiest)
    return result, data


def sample_card(seed: int = 3) -> cards.CardData:
    """A believable month of one study-group member (the picture in the README)."""
    rng = random.Random(seed)
    skill = {"rag": 0.84, "prompting": 0.78, "sampling": 0.62, "transformers": 0.7,
             "fine-tuning": 0.55, "evaluation": 0.67, "safety-ethics": 0.88}  # fmt: skip
    topics = []
    for topic, share in skill.items():
        answers = rng.randint(6, 30)
        topics.append((topic, round(share * answers) / answers, answers))
    days = [
        ((NOW - timedelta(days=back)).date().isoformat(), rng.choice([0, 1, 1, 2, 3, 4, 6]))
        for back in range(30)
    ]
    return cards.CardData(
        name="alice",
        headline="412 points · 74% right · streak 6 (best 11) · rating 1587",
        topic_accuracy=topics,
        daily_activity=cards.last_days(days, NOW.date()),
    )


def run(scale: float = 1.0, card_path: Path | None = None) -> list[Row]:
    result, data = asyncio.run(measure(scale))
    card = card_for("member", data)
    render_ms = median_ms(lambda: cards.render_card(card), 5)
    result.append(row("stats card render (PNG)", render_ms, "ms", CARD_TARGET_MS))
    if card_path is not None:
        card_path.write_bytes(cards.render_card(sample_card()))
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--card", type=Path, help="also save a sample card here")
    args = parser.parse_args()
    print_table(run(args.scale, args.card))
