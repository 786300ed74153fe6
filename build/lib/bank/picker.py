"""Which question comes next: every eligible item once before any repeats."""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence


def pick_next(eligible: Sequence[str], used: Collection[str], seed: str) -> tuple[str, bool]:
    """Pick an item id from ``eligible`` that is not in ``used``.

    Returns ``(item_id, new_rotation)``; ``new_rotation`` is True when every eligible item had
    been used, so the caller forgets the old rotation. ``seed`` makes the choice repeatable
    (tests) while still differing between servers and posts.
    """
    if not eligible:
        raise ValueError("no eligible items")
    fresh = [item for item in eligible if item not in used]
    new_rotation = not fresh
    pool = sorted(fresh or eligible)
    return random.Random(seed).choice(pool), new_rotation
