"""Run every benchmark and print one table: value, target, physical limit, ratio, pass/fail.

Run: `python bench/run.py [--scale 1.0] [--json results.json] [--only NAME ...]`.
The default run is sized to finish in under three minutes on a 2-core machine; `--scale`
multiplies every benchmark's size. Benchmarks are not tests: the machines are shared and
noisy, so the table is for reading (and for comparing ratios measured in one run), and the
exit code is 0 unless a benchmark crashed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Row, print_table

ROOT = Path(__file__).resolve().parent.parent

# (module, its share of --scale): shares keep the default run within its time budget.
BENCHMARKS = {
    "bank_load": 1.0,
    "grading": 1.0,
    "grading_eval": 1.0,
    "answer_burst": 1.0,
    "duel_storm": 1.0,
    "leaderboard": 0.3,
    "startup": 1.0,
    "sharded_startup": 0.2,  # 10,000 servers by default; --scale 5 for the full 50,000
    "scheduler": 0.2,
    "daily_storm": 1.0,
    "autocomplete": 1.0,
    "stats_cold": 1.0,
}


def run_isolated(name: str, scale: float) -> list[Row]:
    """One benchmark in a fresh interpreter: no benchmark pays for another's garbage."""
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); "
        "import importlib; module = importlib.import_module('bench.' + sys.argv[2]); "
        "print('ROWS' + json.dumps(module.run(float(sys.argv[3]))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(ROOT), name, str(scale)],
        capture_output=True,
        text=True,
        check=False,
    )
    for line in done.stdout.splitlines():
        if line.startswith("ROWS"):
            rows: list[Row] = json.loads(line[4:])
            return rows
    raise RuntimeError(f"{name} crashed (exit {done.returncode}):\n{done.stderr[-3000:]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    parser.add_argument("--only", nargs="*", choices=sorted(BENCHMARKS), help="run just these")
    args = parser.parse_args(argv)
    rows: list[Row] = []
    crashed = []
    started = time.perf_counter()
    for name, share in BENCHMARKS.items():
        if args.only and name not in args.only:
            continue
        print(f"running {name}...", file=sys.stderr, flush=True)
        begun = time.perf_counter()
        try:
            result = run_isolated(name, args.scale * share)
        except RuntimeError as exc:
            print(exc, file=sys.stderr)
            crashed.append(name)
            continue
        for entry in result:
            entry["benchmark"] = name
        rows += result
        print(f"  {name}: {time.perf_counter() - begun:.1f} s", file=sys.stderr, flush=True)
    print_table(rows)
    print(f"\n{len(rows)} rows in {time.perf_counter() - started:.0f} s", end="")
    failed = [r["metric"] for r in rows if r["passed"] is False]
    print(f"; below target: {', '.join(failed) if failed else 'none'}")
    if crashed:
        print(f"crashed: {', '.join(crashed)}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
