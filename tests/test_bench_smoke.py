"""Every benchmark still runs (at a tiny size); their numbers are read from bench/run.py,
never asserted here."""

from __future__ import annotations

import importlib

import pytest

TINY = {
    "bank_load": 0.2,
    "grading": 0.01,
    "answer_burst": 0.05,
    "duel_storm": 0.05,
    "leaderboard": 0.01,
    "startup": 0.01,
    "sharded_startup": 0.002,
    "scheduler": 0.005,
    "daily_storm": 0.01,
    "autocomplete": 0.01,
    "stats_cold": 1.0,  # one command in a fresh process: no size to shrink
}


@pytest.mark.parametrize("name", sorted(TINY))
def test_benchmark_runs_and_reports_rows(name: str) -> None:
    rows = importlib.import_module(f"bench.{name}").run(TINY[name])
    assert rows
    for row in rows:
        assert {"metric", "value", "unit", "target", "passed"} <= row.keys()
        assert row["value"] == row["value"]  # not NaN
