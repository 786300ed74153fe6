"""Shared pieces of the benchmarks: timing with a warm-up, result rows, the table."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

Row = dict[str, Any]


def median_ms(action: Callable[[], object], runs: int) -> float:
    action()  # warm-up: imports, caches, first-call costs
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


async def median_ms_async(action: Callable[[], Awaitable[object]], runs: int) -> float:
    await action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        await action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def row(
    metric: str,
    value: float,
    unit: str,
    target: float | None,
    *,
    higher_is_better: bool = False,
    limit: float | None = None,
) -> Row:
    """One result. ``limit`` is the physical bound measured in the same run, if any."""
    return {
        "metric": metric,
        "value": round(value, 2),
        "unit": unit,
        "target": target,
        "higher_is_better": higher_is_better,
        "limit": None if limit is None else round(limit, 2),
        "ratio": None if not limit else round(value / limit, 3),
        "passed": _passed(value, target, higher_is_better),
    }


def _passed(value: float, target: float | None, higher_is_better: bool) -> bool | None:
    if target is None:
        return None  # information only
    return value >= target if higher_is_better else value <= target


def print_table(rows: list[Row]) -> None:
    header = (
        f"{'metric':44} {'value':>12} {'unit':8} {'target':>12} {'limit':>12} {'ratio':>7}  result"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        sign = "≥ " if r.get("higher_is_better") else "≤ "
        target = "" if r["target"] is None else f"{sign}{_number(r['target'])}"
        limit = "" if r.get("limit") is None else _number(r["limit"])
        ratio = "" if r.get("ratio") is None else f"{r['ratio']:.2f}"
        result = {True: "pass", False: "FAIL", None: "info"}[r["passed"]]
        cells = f"{r['metric']:44} {_number(r['value']):>12} {r['unit']:8} {target:>12} {limit:>12}"
        print(f"{cells} {ratio:>7}  {result}")


def _number(value: float) -> str:
    """Up to four significant digits, and never an exponent: 0.68, 56,427, 1,187,030."""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def run_async(coroutine: Awaitable[list[Row]]) -> list[Row]:
    return asyncio.run(coroutine)  # type: ignore[arg-type]
