"""Set each keypoint item's `need` at the bar good answers reach: one calibration round.

An interviewer's bar is what good candidates say, not what a vague one manages. For each
keypoint item of the built-in bank this raises `need` by one when the item's explanation (a
complete expert answer) and every strong and plain answer of the tuning part of the blind set
(bench/grading_eval/tune-answers.jsonl) still pass with it; otherwise `need` stays. It never
lowers `need`, and never reads the held-out part.

Why one and not more: on answers the calibration did not see, raising by at most one took
vague answers from 11-22% accepted to 3% and plain ones from 92-94% to 83-86%; raising as
far as the known correct answers allow cost ten more points of plain answers for no fewer
vague ones (bench/grading_eval/README.md has the figures). Run it once per rubric round, after
new blind answers are folded into tuning: a second run straight after is that second raise.

Run: `python bench/calibrate_need.py` prints what would change; `--write` edits the bank's
YAML files (only the `need:` lines of the items it names).
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bank import BUILTIN_BANK
from bank.grading import grade
from bank.schema import KeypointsItem
from bench.grading_eval import SET, _read, keypoint_items

CORRECT_KINDS = ("strong", "plain")


def correct_answers() -> dict[str, list[str]]:
    """Item id -> the strong and plain tuning answers to it."""
    answers: dict[str, list[str]] = defaultdict(list)
    for entry in _read(SET / "tune-answers.jsonl"):
        if entry["kind"] in CORRECT_KINDS:
            answers[entry["id"]].append(entry["reply"])
    return answers


def raised_need(item: KeypointsItem, answers: list[str]) -> int | None:
    """One more than `need`, when the explanation and every answer still pass with it."""
    if not answers or item.need >= len(item.points):
        return None
    stricter = dataclasses.replace(item, need=item.need + 1)
    if all(grade(stricter, reply).correct for reply in (item.explanation, *answers)):
        return stricter.need
    return None


def write_need(item_id: str, need: int, folder: Path = BUILTIN_BANK) -> None:
    """Rewrite the `need:` line of one item in its topic file."""
    for path in sorted(folder.glob("*.yaml")):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        opening = f"- id: {item_id}"
        start = next((n for n, line in enumerate(lines) if line.strip() == opening), None)
        if start is None:
            continue
        for number in range(start + 1, len(lines)):
            if lines[number].lstrip().startswith("- id: "):
                break
            if re.match(r"\s+need: \d+\s*$", lines[number]):
                lines[number] = re.sub(r"\d+", str(need), lines[number], count=1)
                path.write_text("".join(lines), encoding="utf-8")
                return
    raise LookupError(f"no need: line for {item_id}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="edit the bank's YAML files")
    write = parser.parse_args().write
    answers = correct_answers()
    items = keypoint_items()
    changes = []
    for item in items.values():
        need = raised_need(item, answers.get(item.id, []))
        if need is not None:
            changes.append((item.id, item.need, need))
    for item_id, old, new in changes:
        print(f"{item_id}: need {old} -> {new}")
        if write:
            write_need(item_id, new)
    print(f"{len(changes)} of {len(items)} items {'raised' if write else 'to raise'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
