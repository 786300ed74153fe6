"""Named queries for duels, their answers and Glicko-2 ratings."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from db.answers import LoggedAnswer, answer_log
from db.database import Database
from db.writer import WriteUnit


@dataclass(frozen=True)
class DuelRow:
    duel_id: int
    guild_id: int
    channel_id: int
    message_id: int | None
    thread_id: int | None
    challenger_id: int
    opponent_id: int
    rounds: int
    round_seconds: float
    topic: str | None
    level: str | None
    items: tuple[str, ...]
    state: str
    current_round: int
    round_started_at: float | None
    created_at: float
    expires_at: float
    finished_at: float | None
    forfeited_by: int | None
    outcome: str | None
    winner_id: int | None
    challenger_score: int
    opponent_score: int
    challenger_change: float | None
    opponent_change: float | None

    @property
    def play_channel_id(self) -> int:
        return self.thread_id or self.channel_id


@dataclass(frozen=True)
class AnswerRow:
    round: int
    user_id: int
    reply: str
    correct: bool
    seconds: float
    points: int


@dataclass(frozen=True)
class RatingRow:
    rating: float
    rd: float
    volatility: float
    wins: int
    losses: int
    draws: int
    last_played_at: float | None


def _duel(row: sqlite3.Row) -> DuelRow:
    values = {key: row[key] for key in row.keys()}  # noqa: SIM118 - sqlite3.Row
    values["items"] = tuple(json.loads(values["items"]))
    return DuelRow(**values)


class PlayerBusy(Exception):
    """One of the two members is already in a pending or running duel (a race the read-only
    check before the write did not see)."""


async def create_duel(
    db: Database,
    *,
    guild_id: int,
    channel_id: int,
    challenger_id: int,
    opponent_id: int,
    rounds: int,
    round_seconds: float,
    topic: str | None,
    level: str | None,
    items: list[str],
    created_at: float,
    expires_at: float,
) -> int:
    try:
        async with db.transaction() as tx:
            return await tx.insert(
                "INSERT INTO duels (guild_id, channel_id, challenger_id, opponent_id, rounds, "
                "round_seconds, topic, level, items, state, created_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
                (guild_id, channel_id, challenger_id, opponent_id, rounds, round_seconds, topic,
                 level, json.dumps(items), created_at, expires_at),
            )  # fmt: skip
    except sqlite3.IntegrityError as exc:
        # Migration 0010: one pending or running duel per member, checked in this write.
        raise PlayerBusy from exc


async def get_duel(db: Database, duel_id: int) -> DuelRow | None:
    row = await db.fetchone("SELECT * FROM duels WHERE duel_id = ?", (duel_id,))
    return _duel(row) if row else None


async def open_duels(db: Database) -> list[DuelRow]:
    rows = await db.fetchall("SELECT * FROM duels WHERE state IN ('pending', 'active')")
    return [_duel(r) for r in rows]


async def active_in_thread(db: Database, channel_id: int) -> list[DuelRow]:
    """Running duels played in a thread (one that Discord says is gone)."""
    rows = await db.fetchall(
        "SELECT * FROM duels WHERE state IN ('pending', 'active') AND thread_id = ?",
        (channel_id,),
    )
    return [_duel(r) for r in rows]


async def busy_player(db: Database, guild_id: int, user_ids: list[int]) -> int | None:
    """The first of ``user_ids`` already in a pending or running duel in this server."""
    marks = ",".join("?" * len(user_ids))
    row = await db.fetchone(
        f"SELECT challenger_id, opponent_id FROM duels WHERE guild_id = ? "
        f"AND state IN ('pending', 'active') AND (challenger_id IN ({marks}) "
        f"OR opponent_id IN ({marks})) LIMIT 1",
        (guild_id, *user_ids, *user_ids),
    )
    if row is None:
        return None
    return next(u for u in user_ids if u in (row[0], row[1]))


async def set_message(db: Database, duel_id: int, message_id: int) -> None:
    await db.write("UPDATE duels SET message_id = ? WHERE duel_id = ?", (message_id, duel_id))


async def set_state(db: Database, duel_id: int, state: str, now: float | None = None) -> None:
    finished = now if state not in ("pending", "active") else None
    await db.write(
        "UPDATE duels SET state = ?, finished_at = coalesce(?, finished_at) WHERE duel_id = ?",
        (state, finished, duel_id),
    )


async def start(db: Database, duel_id: int, thread_id: int | None) -> None:
    await db.write(
        "UPDATE duels SET state = 'active', thread_id = ?, current_round = 0 WHERE duel_id = ?",
        (thread_id, duel_id),
    )


async def start_round(db: Database, duel_id: int, number: int, started_at: float) -> None:
    await db.write(
        "UPDATE duels SET current_round = ?, round_started_at = ? WHERE duel_id = ?",
        (number, started_at, duel_id),
    )


async def answers(db: Database, duel_id: int) -> list[AnswerRow]:
    rows = await db.fetchall(
        "SELECT round, user_id, reply, correct, seconds, points FROM duel_answers "
        "WHERE duel_id = ? ORDER BY round, seconds",
        (duel_id,),
    )
    return [AnswerRow(r[0], r[1], r[2], bool(r[3]), r[4], r[5]) for r in rows]


class _AlreadyAnswered(Exception):
    """Raised inside the answer's write job: a second answer writes nothing, joined writes
    (its review card) included."""


async def record_answer(
    db: Database,
    duel: DuelRow,
    answer: AnswerRow,
    *,
    item_id: str,
    topic: str,
    score: float,
    display_name: str,
    answered_at: float,
    unit: WriteUnit | None = None,
) -> bool:
    """Store a round answer (and log it with every other answer); False if one was stored.

    One write job computed in the database thread, grouped with the other answers being
    written; writes that joined ``unit`` (the answer's review card) go in the same job, kept
    or refused with the answer.
    """
    # Duel points are match points, not leaderboard points: the log records 0.
    logged = LoggedAnswer(duel.guild_id, answer.user_id, item_id, topic, "duel", duel.duel_id,
                          answer.reply, answer.correct, score, 0, answered_at)  # fmt: skip
    log = await answer_log(db, logged, display_name)

    def store(conn: sqlite3.Connection) -> None:
        changed = conn.execute(
            "INSERT OR IGNORE INTO duel_answers (duel_id, round, user_id, reply, correct, "
            "seconds, points) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (duel.duel_id, answer.round, answer.user_id, answer.reply, int(answer.correct),
             answer.seconds, answer.points),
        ).rowcount  # fmt: skip
        if not changed:
            raise _AlreadyAnswered
        log.write(conn)

    try:
        # Without a unit of the caller's, a fresh one: nothing joins it.
        await db.write_computed_joined(unit or WriteUnit(), store)
    except _AlreadyAnswered:
        return False
    log.committed(db)
    return True


_RATING_READ = (
    "SELECT rating, rd, volatility, wins, losses, draws, last_played_at FROM ratings "
    "WHERE guild_id = ? AND user_id = ?"
)


async def get_rating(db: Database, guild_id: int, user_id: int) -> RatingRow | None:
    row = await db.fetchone(_RATING_READ, (guild_id, user_id))
    return RatingRow(*row) if row else None


RatingUpdate = Callable[
    [RatingRow | None, RatingRow | None, float], tuple[tuple[float, float, float], ...]
]


async def finish(
    db: Database,
    duel: DuelRow,
    *,
    state: str,
    outcome: str,
    winner_id: int | None,
    forfeited_by: int | None,
    scores: tuple[int, int],
    challenger_result: float | None,
    rate: RatingUpdate,
    now: float,
) -> tuple[float | None, float | None]:
    """Close a duel and, when it counts, move both ratings in the same transaction.

    ``rate(challenger, opponent, challenger_result)`` is the pure Glicko-2 rule, applied to the
    ratings read inside this transaction, so concurrent duels never lose an update.
    Returns the rating changes (None when ratings did not move).
    """

    def claim_and_rate(conn: sqlite3.Connection) -> tuple[float | None, float | None]:
        # In the database thread, as one write job: a storm of duels ending together is one
        # trip for all of them instead of a transaction each that holds the writer while it
        # awaits its reads.
        claimed = conn.execute(
            "UPDATE duels SET state = ?, outcome = ?, winner_id = ?, forfeited_by = ?, "
            "challenger_score = ?, opponent_score = ?, finished_at = ? "
            "WHERE duel_id = ? AND state = 'active'",
            (state, outcome, winner_id, forfeited_by, scores[0], scores[1], now, duel.duel_id),
        ).rowcount
        if not claimed or challenger_result is None:
            return None, None
        players = (duel.challenger_id, duel.opponent_id)
        before = []
        for user_id in players:
            row = conn.execute(_RATING_READ, (duel.guild_id, user_id)).fetchone()
            before.append(RatingRow(*row) if row else None)
        after = rate(before[0], before[1], challenger_result)
        results = (challenger_result, 1 - challenger_result)
        changes = []
        for user_id, old, new, result in zip(players, before, after, results, strict=True):
            changes.append(new[0] - (old.rating if old else 1500.0))
            conn.execute(
                "INSERT INTO ratings (guild_id, user_id, rating, rd, volatility, wins, losses, "
                "draws, last_played_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (guild_id, user_id) DO UPDATE SET rating = excluded.rating, "
                "rd = excluded.rd, volatility = excluded.volatility, "
                "wins = wins + excluded.wins, losses = losses + excluded.losses, "
                "draws = draws + excluded.draws, last_played_at = excluded.last_played_at",
                (duel.guild_id, user_id, new[0], new[1], new[2], int(result == 1),
                 int(result == 0), int(result == 0.5), now),
            )  # fmt: skip
        conn.execute(
            "UPDATE duels SET challenger_change = ?, opponent_change = ? WHERE duel_id = ?",
            (changes[0], changes[1], duel.duel_id),
        )
        return changes[0], changes[1]

    return await db.write_computed(claim_and_rate)


async def history(db: Database, guild_id: int, user_id: int, limit: int = 10) -> list[DuelRow]:
    rows = await db.fetchall(
        "SELECT * FROM duels WHERE guild_id = ? AND (challenger_id = ? OR opponent_id = ?) "
        "AND state IN ('finished', 'abandoned', 'cancelled') "
        "ORDER BY finished_at DESC, duel_id DESC LIMIT ?",
        (guild_id, user_id, user_id, limit),
    )
    return [_duel(r) for r in rows]


async def set_thread(db: Database, duel_id: int, thread_id: int) -> None:
    """The thread a running duel is played in, once Discord opened it."""
    await db.write("UPDATE duels SET thread_id = ? WHERE duel_id = ?", (thread_id, duel_id))
