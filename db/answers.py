"""The log of every graded answer, whatever asked the question."""

from __future__ import annotations

from dataclasses import dataclass

from db.database import Transaction


@dataclass(frozen=True)
class LoggedAnswer:
    guild_id: int
    user_id: int
    item_id: str
    topic: str
    context: str  # daily | duel | practice
    context_id: int | None
    reply: str
    correct: bool
    score: float
    points: int
    answered_at: float


async def log_answer(tx: Transaction, answer: LoggedAnswer) -> int:
    return await tx.insert(
        "INSERT INTO answers (guild_id, user_id, item_id, topic, context, context_id, reply, "
        "correct, score, points, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (answer.guild_id, answer.user_id, answer.item_id, answer.topic, answer.context,
         answer.context_id, answer.reply, int(answer.correct), answer.score, answer.points,
         answer.answered_at),
    )  # fmt: skip
