"""Benchmark: autocomplete latency (p99) on the built-in bank plus 10,000 imported questions.

Every autocomplete that searches questions (/question search, /report) answers while the
member types, so each keystroke must come back well inside Discord's 3 s, whatever the server
imported. The server here imports 10,000 questions (at --scale 1) in five files through
/bank import; the queries are what members type: a few words, typos, half-typed words, long
pastes and a 6,000-character paste (Discord's longest option value). Each is timed from the
interaction to the choices, through the real bot and the offline Discord.

The floor, measured in the same run: the same round trip for /config set's key autocomplete,
which filters eight names (the harness and discord.py's own cost). A plain substring scan over
the same questions is shown too, as the cheapest search that finds anything.

Run: `python bench/autocomplete.py [--scale 0.1]`.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Row, print_table, row
from offline import OfflineDiscord

TARGET_MS = 100.0
FILES = 5  # a bank file is at most 2 MB; 2,000 questions fit with room to spare
NOUNS = (
    "model", "token", "vector", "prompt", "layer", "dataset", "agent", "retriever", "index",
    "gradient", "adapter", "decoder", "encoder", "sampler", "benchmark", "pipeline", "cache",
    "embedding", "schedule", "reward", "policy", "context", "window", "head", "router",
)  # fmt: skip
VERBS = ("improves", "reduces", "changes", "limits", "doubles", "explains", "predicts", "ranks")


def bank_file(number: int, count: int, rng: random.Random) -> str:
    lines = [f"topic: imported-{number}", f"title: Imported bank {number}", "items:"]
    for n in range(count):
        words = [rng.choice(NOUNS) for _ in range(6)]
        prompt = (
            f"Which {words[0]} {rng.choice(VERBS)} the {words[1]} of a {words[2]} "
            f"when the {words[3]} grows (case {number}-{n})?"
        )
        explanation = f"The {words[4]} {rng.choice(VERBS)} the {words[5]} in case {n}."
        lines += [
            f"  - id: imported-{number}-{n}",
            "    kind: short",
            "    level: intermediate",
            f'    prompt: "{prompt}"',
            f"    answers: [{words[4]}]",
            f'    explanation: "{explanation}"',
        ]
    return "\n".join(lines) + "\n"


def queries(prompts: list[str], count: int, rng: random.Random) -> list[str]:
    """What members type: parts of real prompts, misspelt, unfinished, pasted whole."""
    typed: list[str] = []
    for n in range(count):
        words = rng.choice(prompts).split()
        start = rng.randrange(max(1, len(words) - 3))
        part = words[start : start + rng.randint(1, 4)]
        shape = n % 5
        if shape == 1 and part:  # a typo: two letters swapped
            w = part[0]
            if len(w) > 3:
                part[0] = w[0] + w[2] + w[1] + w[3:]
        elif shape == 2 and part:  # still typing the last word
            part[-1] = part[-1][: max(3, len(part[-1]) // 2)]
        elif shape == 3:  # the whole prompt pasted
            part = words
        elif shape == 4:  # a huge paste
            part = (words * 600)[:1000]
        typed.append(" ".join(part)[:6000] or "model")
    return typed


async def timed(action: Awaitable[object]) -> float:
    start = time.perf_counter()
    await action
    return (time.perf_counter() - start) * 1000


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[98]


async def measure(imported: int, count: int) -> list[Row]:
    rng = random.Random(18)
    with tempfile.TemporaryDirectory() as folder:
        async with OfflineDiscord(db_path=Path(folder) / "q.db") as d:
            mod = d.member("mod", admin=True)
            per_file = max(1, imported // FILES)
            for number in range(1, FILES + 1):
                data = bank_file(number, per_file, rng).encode()
                reply = await d.slash(
                    mod, "bank import", file=d.attachment(f"imported-{number}.yaml", data)
                )
                assert "Imported" in reply.content, reply.content
            catalog = await d.bot.catalogs.usable(mod.guild.id)
            prompts = [item.prompt for item in catalog]
            typed = queries(prompts, count, rng)
            alice = d.member("alice")
            searches = [("question search", "text"), ("report", "question")]
            for command, option in searches:  # first use builds the index: not a keystroke
                await d.autocomplete(alice, command, option, **{option: "model"})
            latencies: dict[str, list[float]] = {command: [] for command, _ in searches}
            floor: list[float] = []
            for text in typed:
                for command, option in searches:
                    asked = d.autocomplete(alice, command, option, **{option: text})
                    latencies[command].append(await timed(asked))
                asked = d.autocomplete(mod, "config set", "key", key=text[:6], value="")
                floor.append(await timed(asked))
            lowered = [p.lower() for p in prompts]
            scans = []
            for text in typed:
                needle = text[:100].lower()
                start = time.perf_counter()
                _ = [p for p in lowered if needle in p][:25]
                scans.append((time.perf_counter() - start) * 1000)
    size = f"{len(prompts):,} questions"
    limit = p99(floor)
    rows = [
        row(f"autocomplete /{command} p99 ({size})", p99(values), "ms", TARGET_MS, limit=limit)
        for command, values in latencies.items()
    ]
    rows.append(row("autocomplete round trip floor p99 (/config key)", limit, "ms", None))
    rows.append(row(f"autocomplete plain substring scan p99 ({size})", p99(scans), "ms", None))
    return rows


def run(scale: float = 1.0) -> list[Row]:
    return asyncio.run(measure(max(FILES * 20, int(10_000 * scale)), max(30, int(300 * scale))))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    print_table(run(parser.parse_args().scale))
