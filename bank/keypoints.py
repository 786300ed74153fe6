"""Grading a keypoints reply: which points it names, exactly or as close spellings."""

from __future__ import annotations

from dataclasses import dataclass

from bank.confusables import ConfusableTable
from bank.fuzzy import FuzzyIndex, find_any_order
from bank.graded import Grade, per_item, quote
from bank.matching import Phrase, find_exact, make_phrase, may_occur_exactly
from bank.negation import is_negated
from bank.normalize import Text, prepare, tokenize
from bank.schema import KeypointsItem


@dataclass(frozen=True, slots=True)
class _Point:
    phrases: tuple[Phrase, ...]
    shown: str


@per_item
def _points(item: KeypointsItem, table: ConfusableTable) -> tuple[_Point, ...]:
    points = []
    for phrasings in item.points:
        phrases = tuple(p for p in (make_phrase(label) for label in phrasings) if p is not None)
        points.append(_Point(phrases, phrasings[0] if phrasings else ""))
    return tuple(points)


_SHOWN_MISSING = 3
_NO_TABLE = ConfusableTable(())  # keypoints do not use the confusables table


def grade_keypoints(item: KeypointsItem, reply: str) -> Grade:
    points = _points(item, _NO_TABLE)
    if not points:
        return Grade(False, 0.0, reason="not accepted: this question has no key points")
    text = tokenize(prepare(reply))  # points are searched anywhere: no filler to strip
    index: FuzzyIndex | None = None
    matched: list[str] = []
    missing: list[str] = []
    negated: list[str] = []
    for point in points:
        label, denied = _find_exact_point(text, point)
        if label is None and text.tokens:
            index = index or FuzzyIndex(text)
            label, denied_fuzzy = _find_fuzzy_point(text, point, index)
            denied = denied or denied_fuzzy
        if label is not None:
            matched.append(label)
        else:
            missing.append(point.shown)
            if denied:
                negated.append(point.shown)
    found = len(matched)
    correct = found >= item.need
    return Grade(
        correct,
        found / len(points),
        tuple(matched),
        _points_reason(correct, found, len(points), missing, negated),
        tuple(missing),
    )


def _find_exact_point(text: Text, point: _Point) -> tuple[str | None, bool]:
    """(the phrasing found, whether some phrasing was only found negated)."""
    denied = False
    for phrase in point.phrases:
        if not may_occur_exactly(text, phrase):
            continue
        for occurrence in find_exact(text, phrase):
            if not is_negated(text, occurrence.start):
                return phrase.label, denied
            denied = True
    return None, denied


def _find_fuzzy_point(text: Text, point: _Point, index: FuzzyIndex) -> tuple[str | None, bool]:
    denied = False
    for phrase in point.phrases:
        for occurrence in find_any_order(text, phrase, index):
            if not is_negated(text, occurrence.start):
                return phrase.label, denied
            denied = True
    return None, denied


def _points_reason(
    correct: bool, found: int, total: int, missing: list[str], negated: list[str]
) -> str:
    verdict = "accepted" if correct else "not accepted"
    if not missing:
        return f"{verdict}: all {total} points" if total > 1 else f"{verdict}: the key point"
    shown = ", ".join(quote(label) for label in missing[:_SHOWN_MISSING])
    if len(missing) > _SHOWN_MISSING:
        shown += f" and {len(missing) - _SHOWN_MISSING} more"
    reason = f"{verdict}: {found} of {total} points, missing {shown}"
    if negated:
        reason += f" ({quote(negated[0])} was negated)"
    return reason
