"""The duel's pure match rules."""

from __future__ import annotations

import pytest

from cogs.duel.match import round_points


@pytest.mark.parametrize(
    ("correct", "seconds", "points"),
    [
        (True, 0, 1000),
        (True, 10, 750),
        (True, 20, 500),
        (True, 4, 900),
        (False, 1, 0),
        (True, 25, 500),
    ],
)
def test_round_points(correct: bool, seconds: float, points: int) -> None:
    assert round_points(correct, seconds, 20) == points
