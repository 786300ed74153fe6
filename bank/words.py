"""Counts in words people read: ``plural(1, "day")`` is "1 day", ``plural(2, "day")`` "2 days"."""

from __future__ import annotations

# Nouns whose plural is not the singular plus "s" (or "es" after s, x, ch, sh).
IRREGULAR = {"entry": "entries", "reply": "replies", "match": "matches", "person": "people"}


def plural_noun(count: int, noun: str) -> str:
    """The noun alone, in the form that goes with ``count``."""
    if count == 1:
        return noun
    if noun in IRREGULAR:
        return IRREGULAR[noun]
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def plural(count: int, noun: str) -> str:
    """``count`` and its noun: "1 question", "3 questions", "0 questions"."""
    return f"{count} {plural_noun(count, noun)}"
