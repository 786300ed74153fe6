"""Grading a member's reply, forgiving of typos, strict about meaning: ``grade`` per kind.

``grade(item, reply) -> Grade``. Rules by kind:

- ``short``: accepted when the reply equals or contains an answer (or a synonym from the
  confusables table) as whole words, or is a close spelling of one (``bank.fuzzy``). Not
  accepted when it is nearer to a rival (the item's ``reject`` terms, confusable terms from
  ``bank/confusables.yaml``), names the answer together with a rival or an "or" alternative,
  or negates the answer ("not LoRA").
- ``mcq``: a letter ("b", "B)", "(b)", "option B", "answer: b"), a 1-based number, or the
  choice text graded like ``short`` with the other choices as rivals. Two picks are wrong.
- ``truefalse``: yes/no words and emoji, also in a short sentence; "not true" is false.
- ``keypoints``: each point is found when one of its phrasings appears, exactly or as a close
  spelling in any word order, and is not negated. ``score = found / points``.

Never raises on a string; replies are graded on their first 4000 characters.
"""

from __future__ import annotations

from bank.answers import grade_short
from bank.confusables import ConfusableTable, builtin_confusables
from bank.graded import Grade
from bank.keypoints import grade_keypoints
from bank.mcq import grade_mcq
from bank.schema import Item, KeypointsItem, McqItem, ShortItem, TrueFalseItem
from bank.truefalse import grade_truefalse

__all__ = ["Grade", "grade"]


def grade(item: Item, reply: str, *, confusables: ConfusableTable | None = None) -> Grade:
    """Grade one reply to one item with the grader of its kind (bank.answers, bank.mcq,
    bank.truefalse, bank.keypoints). ``confusables`` defaults to the built-in table."""
    table = confusables if confusables is not None else builtin_confusables()
    if not isinstance(reply, str):  # defensive: a caller passing None must not crash a round
        reply = "" if reply is None else str(reply)
    if isinstance(item, ShortItem):
        return grade_short(item, reply, table)
    if isinstance(item, McqItem):
        return grade_mcq(item, reply, table)
    if isinstance(item, TrueFalseItem):
        return grade_truefalse(item, reply)
    if isinstance(item, KeypointsItem):
        return grade_keypoints(item, reply)
    raise TypeError(f"not a bank item: {type(item).__name__}")
