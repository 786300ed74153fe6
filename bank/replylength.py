"""How many key points a reply must make, by how much of an answer it is (its length)."""

from __future__ import annotations

THOROUGH_TOKENS = 75  # a reply this long (articles dropped) is a worked answer, not a guess
THOROUGH_SLACK = 1  # the points such a reply may fall short of ``need`` by
BRIEF_TOKENS = 50  # a reply shorter than this (about 250 characters) is a brief answer
BRIEF_FLOOR = 20  # one line (about 100 characters) is terse, not padded: it keeps ``need``


def enough_points(tokens: int, credited: int, need: int, points: int, explains: bool) -> bool:
    """Whether ``credited`` points are enough for a reply of ``tokens`` tokens.

    A long, worked reply earns the benefit of the doubt for one point: an interviewer hearing
    a full answer in everyday words that makes most of the points ("turn each passage into a
    numeric fingerprint" for embeddings) credits the one said in words no rubric foresaw. Only
    for replies of ``THOROUGH_TOKENS`` or more that name at least two points.

    A brief paragraph (``BRIEF_FLOOR`` to ``BRIEF_TOKENS`` tokens) to a question that asks to
    explain must make one point beyond ``need`` (never more than there are): a few sentences
    that name the topic's terms in passing and pad the rest ("it uses attention, which made it
    so powerful; it's used in ChatGPT") are the vague answer an interviewer fails. A one-line
    answer that makes the points is terse, not vague, and naming and listing questions keep
    ``need`` at any length.
    """
    if tokens >= THOROUGH_TOKENS:
        return credited >= need or (credited >= 2 and credited >= need - THOROUGH_SLACK)
    if explains and BRIEF_FLOOR <= tokens < BRIEF_TOKENS:
        return credited >= min(need + 1, points)
    return credited >= need
