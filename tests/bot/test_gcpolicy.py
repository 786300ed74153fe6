"""The serving process collects young objects less often; tests keep Python's defaults."""

from __future__ import annotations

import gc

from bot import gcpolicy


def test_serving_thresholds_are_set_and_the_previous_ones_returned() -> None:
    before = gc.get_threshold()
    try:
        assert gcpolicy.tune_for_serving() == before
        assert gc.get_threshold() == (
            gcpolicy.YOUNG_THRESHOLD,
            gcpolicy.MIDDLE_THRESHOLD,
            gcpolicy.OLD_THRESHOLD,
        )
    finally:
        gc.set_threshold(*before)
    assert before[0] < gcpolicy.YOUNG_THRESHOLD  # fewer young collections than the default
