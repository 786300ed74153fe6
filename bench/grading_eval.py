"""Benchmark: how keypoint grading judges blind answers, as an interviewer would.

The set is bench/grading_eval/ (its README says how it was written): per question, four
answers written from the question alone (strong, plain, weak, wrong). This script adds two
kinds generated from each item's rubric: "salad" (the first phrasing of every point, joined
by spaces, and by commas), for questions that ask to explain only, since a list is the right
answer to "name three LLMs"; and "negated" ("it lacks X, Y and Z", "it has no X, Y or Z"),
for every question.
It prints the share accepted per kind for both parts, tune and heldout.

The held-out answers are only ever graded here, never shown: this script prints aggregate
rates and nothing of a reply. Targets (issue 19), on the held-out part: strong >= 95%,
plain >= 70%, weak and wrong <= 5%, salad and negated <= 2%.

Run: `python bench/grading_eval.py`. ``run(scale)`` is what bench/run.py calls (the set is
small, so scale is ignored).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bank import BUILTIN_BANK, load_bank
from bank.grading import grade
from bank.salad import asks_for_explanation
from bank.schema import KeypointsItem
from bench.common import Row, row

SET = Path(__file__).resolve().parent / "grading_eval"
PARTS = ("tune", "heldout")
KINDS = ("strong", "plain", "weak", "wrong", "salad", "negated")
# (target in %, accepted share must be at least it) per kind, for the held-out part.
TARGETS = {
    "strong": (95.0, True),
    "plain": (70.0, True),
    "weak": (5.0, False),
    "wrong": (5.0, False),
    "salad": (2.0, False),
    "negated": (2.0, False),
}


def _read(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def generated(item: KeypointsItem) -> Iterator[tuple[str, str]]:
    """(kind, reply) made from the rubric: bare lists of its terms, and the terms denied."""
    terms = [point[0] for point in item.points if point]
    if not terms:
        return
    if asks_for_explanation(item.prompt):  # "name three LLMs" is answered by a list
        yield "salad", " ".join(terms)
        yield "salad", ", ".join(terms)
    if len(terms) == 1:
        yield "negated", f"It lacks {terms[0]}."
        yield "negated", f"It has no {terms[0]}."
        return
    yield "negated", f"It lacks {', '.join(terms[:-1])} and {terms[-1]}."
    yield "negated", f"It has no {', '.join(terms[:-1])} or {terms[-1]}."


def evaluate(part: str, items: dict[str, KeypointsItem]) -> tuple[dict[str, list[int]], int]:
    """Per kind [accepted, graded] for one part; and how many of its questions are not in
    the bank (renamed or removed items cannot be graded)."""
    counts = {kind: [0, 0] for kind in KINDS}
    if not (SET / f"{part}-questions.jsonl").exists():
        return counts, 0
    ids = [entry["id"] for entry in _read(SET / f"{part}-questions.jsonl")]
    absent = sum(question not in items for question in ids)
    for entry in _read(SET / f"{part}-answers.jsonl"):
        item = items.get(entry["id"])
        if item is None or entry["kind"] not in counts:
            continue
        tally = counts[entry["kind"]]
        tally[0] += grade(item, entry["reply"]).correct
        tally[1] += 1
    for question in ids:
        if question in items:
            for kind, reply in generated(items[question]):
                counts[kind][0] += grade(items[question], reply).correct
                counts[kind][1] += 1
    return counts, absent


def _share(tally: list[int]) -> float:
    return 100.0 * tally[0] / tally[1] if tally[1] else 0.0


def keypoint_items() -> dict[str, KeypointsItem]:
    return {i.id: i for i in load_bank(BUILTIN_BANK) if isinstance(i, KeypointsItem)}


def run(scale: float = 1.0) -> list[Row]:
    del scale  # 400 answers: always the whole set
    items = keypoint_items()
    rows: list[Row] = []
    for part in PARTS:
        if not (SET / f"{part}-questions.jsonl").exists():
            continue
        counts, absent = evaluate(part, items)
        for kind in KINDS:
            target, at_least = TARGETS[kind]
            rows.append(
                row(
                    f"eval {part}: {kind} accepted",
                    _share(counts[kind]),
                    "%",
                    target if part == "heldout" else None,
                    higher_is_better=at_least,
                )
            )
        if absent:
            rows.append(row(f"eval {part}: questions not in the bank", absent, "items", None))
    return rows


def print_kinds(items: dict[str, KeypointsItem], parts: tuple[str, ...] = PARTS) -> None:
    """The table of the README: accepted share per kind, one column per part."""
    results = {part: evaluate(part, items) for part in parts}
    print(f"{'kind':10}" + "".join(f"{part:>16}" for part in parts) + f"{'target':>14}")
    for kind in KINDS:
        cells = ""
        for part in parts:
            tally = results[part][0][kind]
            cells += f"{_share(tally):>8.1f}% ({tally[0]:>3}/{tally[1]:<3})"
        target, at_least = TARGETS[kind]
        print(f"{kind:10}{cells}{('>= ' if at_least else '<= ') + f'{target:g}%':>14}")
    for part in parts:
        if results[part][1]:
            print(f"{part}: {results[part][1]} questions not in the bank")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    # Rubric authors run `--part tune` only: the held-out rates are read once, at the end.
    parser.add_argument("--part", choices=PARTS, action="append", help="only this part")
    chosen = parser.parse_args().part
    print_kinds(keypoint_items(), tuple(chosen) if chosen else PARTS)
