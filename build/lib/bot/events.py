"""Events one cog announces and others may react to, without importing each other.

``bot.dispatch(ITEM_ANSWERED, ItemAnswered(...))`` reaches every ``on_item_answered``
listener (the practice cog turns each answer into a spaced-repetition card).
"""

from __future__ import annotations

from dataclasses import dataclass

from bank.grading import Grade
from bank.schema import Item

ITEM_ANSWERED = "item_answered"


@dataclass(frozen=True)
class ItemAnswered:
    guild_id: int
    user_id: int
    item: Item
    grade: Grade
    context: str  # daily | duel | practice
    answered_at: float  # Unix seconds
    seconds: float | None = None  # time taken, when the context measures it
