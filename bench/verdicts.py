"""Verdict identity: every grade of a fixed corpus written out, to diff two versions of the grader.

A speed change to grading must not change a single verdict. ``dump`` grades a corpus and
writes each grade (correct, score, matched, reason, missing) as one JSON line; ``diff``
compares two dumps line by line and prints what changed. The corpus:

- the grading benchmark's replies (bench/grading.py) for the built-in bank, under several
  seeds, every kind;
- the grading tests' table (tests/bank/test_grading.py ``CASES``) and its awkward texts
  against its items, and the property tests' realistic replies against every built-in item;
- every accepted answer, reject term and mcq choice of the built-in bank as a reply to its
  own item and to a few neighbours (other items' answers are the likeliest near misses);
- the grading evaluation's replies (bench/grading_eval/*-answers.jsonl) for keypoints.

Run: `python bench/verdicts.py dump before.jsonl`, change the code, `python bench/verdicts.py
dump after.jsonl`, then `python bench/verdicts.py diff before.jsonl after.jsonl` (exit 1 when
any verdict differs).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bank import BUILTIN_BANK, load_bank
from bank.grading import grade
from bank.schema import Item, KeypointsItem, McqItem, ShortItem
from bench.grading import replies_by_kind

ROOT = Path(__file__).resolve().parent.parent
SEEDS = (7, 1, 2, 3)
NEIGHBOURS = 3  # other items each bank phrase is also tried against
EVAL_SET = ROOT / "bench" / "grading_eval"


def _bank_phrases(item: Item) -> list[str]:
    if isinstance(item, ShortItem):
        return [*item.answers, *item.reject]
    if isinstance(item, McqItem):
        return list(item.choices)
    if isinstance(item, KeypointsItem):
        return [" and ".join(point[0] for point in item.points if point)]
    return []


def _test_corpus() -> Iterator[tuple[str, Item, str]]:
    # The tests are modules of the repository, imported for their tables only.
    from tests.bank import test_grading, test_grading_properties

    for case in test_grading.CASES:
        yield "tests.CASES", case.item, case.reply
    for item in test_grading.ALL_ITEMS:
        for reply in test_grading.AWKWARD:
            yield "tests.AWKWARD", item, reply
    for item in test_grading_properties.FIXED_ITEMS:
        for reply in test_grading_properties.REALISTIC_REPLIES:
            yield "tests.REALISTIC", item, reply


def corpus() -> Iterator[tuple[str, Item, str]]:
    """(source, item, reply) in a fixed order."""
    items = load_bank(BUILTIN_BANK)
    for seed in SEEDS:
        for kind, pairs in replies_by_kind(items, seed=seed).items():
            for item, reply in pairs:
                yield f"bench.{kind}.seed{seed}", item, reply
    yield from _test_corpus()
    from tests.bank import test_grading_properties

    rng = random.Random(11)
    for item in items:
        for reply in test_grading_properties.REALISTIC_REPLIES:
            yield "bank.realistic", item, reply
        phrases = _bank_phrases(item)
        for other in [item, *rng.sample(items, NEIGHBOURS)]:
            for phrase in phrases:
                yield "bank.phrases", other, phrase
    by_id = {item.id: item for item in items}
    for path in sorted(EVAL_SET.glob("*-answers.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            if entry["id"] in by_id:
                yield f"eval.{path.stem}", by_id[entry["id"]], entry["reply"]


def dump(out: Path) -> int:
    count = 0
    with out.open("w", encoding="utf-8") as stream:
        for source, item, reply in corpus():
            result = grade(item, reply)
            record = {
                "source": source,
                "item": item.id,
                "reply": reply[:200],
                "verdict": [
                    result.correct,
                    result.score,
                    list(result.matched),
                    result.reason,
                    list(result.missing),
                ],
            }
            stream.write(json.dumps(record) + "\n")
            count += 1
    print(f"{count} grades written to {out}")
    return 0


def diff(before: Path, after: Path, show: int = 20) -> int:
    old = before.read_text(encoding="utf-8").splitlines()
    new = after.read_text(encoding="utf-8").splitlines()
    if len(old) != len(new):
        print(f"different corpora: {len(old)} and {len(new)} grades")
        return 1
    changed: dict[str, int] = {}
    shown = 0
    for line_old, line_new in zip(old, new, strict=True):
        if line_old == line_new:
            continue
        a, b = json.loads(line_old), json.loads(line_new)
        changed[a["source"]] = changed.get(a["source"], 0) + 1
        if shown < show:
            shown += 1
            print(f"{a['source']} {a['item']} {a['reply']!r}\n  before {a['verdict']}")
            print(f"  after  {b['verdict']}")
    kinds: dict[str, int] = {}
    for line in old:
        source = json.loads(line)["source"]
        kinds[source] = kinds.get(source, 0) + 1
    for source, total in kinds.items():
        print(f"{source:28} {total:7,} grades  {changed.get(source, 0):5} changed")
    print(f"{len(old):,} grades compared, {sum(changed.values())} changed")
    return 1 if changed else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("dump").add_argument("out", type=Path)
    compare = commands.add_parser("diff")
    compare.add_argument("before", type=Path)
    compare.add_argument("after", type=Path)
    args = parser.parse_args()
    sys.exit(dump(args.out) if args.command == "dump" else diff(args.before, args.after))
