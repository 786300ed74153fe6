"""How many key points a reply must make, by how much of an answer it is (its length)."""

from __future__ import annotations

THOROUGH_TOKENS = 75  # a reply this long (articles dropped) is a worked answer, not a guess
THOROUGH_SLACK = 1  # the points such a reply may fall short of ``need`` by


def enough_points(tokens: int, credited: int, need: int, points: int, explains: bool) -> bool:
    """Whether ``credited`` points are enough for a reply of ``tokens`` tokens.

    A long, worked reply earns the benefit of the doubt for one point: an interviewer hearing
    a full answer in everyday words that makes most of the points ("turn each passage into a
    numeric fingerprint" for embeddings) credits the one said in words no rubric foresaw. Only
    for replies of ``THOROUGH_TOKENS`` or more that name at least two points.

    A shorter reply is never held to more than ``need``: asking a brief paragraph for an extra
    point (tried on the blind set, where it rejected padded vague answers) would refuse a
    terse, correct answer of 30 words that a 15-word one with the same points passes, and the
    reveal would contradict it ("a strong answer covers 2 of these points"). ``points`` and
    ``explains`` stay in the signature for rules by question kind.
    """
    del points, explains
    if tokens >= THOROUGH_TOKENS:
        return credited >= need or (credited >= 2 and credited >= need - THOROUGH_SLACK)
    return credited >= need
