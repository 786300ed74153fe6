"""The Glicko-2 rating model, as a pure module: the paper's example and the edge cases."""

from __future__ import annotations

import pytest

from cogs import rating as glicko


def test_glicko2_worked_example_from_the_paper() -> None:
    player = glicko.Rating(1500, 200, 0.06)
    opponents = [glicko.Rating(1400, 30), glicko.Rating(1550, 100), glicko.Rating(1700, 300)]
    after = glicko.update(player, list(zip(opponents, [1, 0, 0], strict=True)))
    # The paper prints 1464.06 / 151.52 / 0.05999, rounding its intermediate steps.
    assert after.rating == pytest.approx(1464.06, abs=0.015)
    assert after.rd == pytest.approx(151.52, abs=0.005)
    assert after.volatility == pytest.approx(0.05999, abs=0.00001)


def test_provisional_ratings_show_a_question_mark() -> None:
    assert glicko.Rating().shown() == "1500?"
    assert glicko.Rating(1612.4, 80).shown() == "1612"


def test_inactivity_grows_deviation_up_to_the_start_value() -> None:
    settled = glicko.Rating(1600, 60, 0.06)
    assert glicko.inactive(settled, 30).rd > 60
    assert glicko.inactive(settled, 10**6).rd == glicko.START_RD
