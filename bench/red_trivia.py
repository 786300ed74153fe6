"""Benchmark: Red-DiscordBot's own trivia lists imported and played as they are in Red.

Loads every list of a folder (Red ships 54 in redbot/cogs/trivia/data/lists) file by file and
prints: how many load, the question count next to Red's (Red reads a list with YAML, which
keeps the last of repeated keys, and plays every key but AUTHOR, DESCRIPTION, CONFIG and
$schema), the share of listed answers accepted as written, of adjacent-letter swaps in long
answers accepted, of close wrong answers from the same list accepted, and how many picture
questions carry their image.

Red's lists are GPL-3.0 and not part of this repository. Get them with:

    git clone --depth 1 https://github.com/Cog-Creators/Red-DiscordBot
    python bench/red_trivia.py Red-DiscordBot/redbot/cogs/trivia/data/lists

or set QUIZBOT_RED_LISTS to that folder. Without it the benchmark says so and is skipped.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml
from rapidfuzz import fuzz, process

from bank.grading import grade
from bank.loader import bank_files, load_each
from bank.normalize import phrase_text
from bank.redtrivia import IMAGE_LINK, RED_RESERVED_KEYS
from bank.schema import ShortItem

CLOSE_RATIO = 80  # "close pairs": same-list answers this similar (rapidfuzz ratio, 0-100)
LONG_LETTERS = 8  # a long answer: at least this many letters
SEED = 20


def red_count(path: Path) -> int:
    """Questions in a list by Red's rule (YAML keeps the last repeat; metadata keys skipped)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return sum(1 for key in data if key not in RED_RESERVED_KEYS)


def red_pictures(path: Path) -> int:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return sum(1 for key in data if isinstance(key, str) and IMAGE_LINK.search(key))


def _swap(answer: str, rng: random.Random) -> str | None:
    """The answer with two different neighbouring letters swapped inside one word of at least
    5 letters, past its first letter (words of 4 letters or fewer must be exact, by design)."""
    spots = [
        start + index
        for word in re.finditer(r"[^\W\d_]{5,}", answer)
        for start in (word.start(),)
        for index in range(1, len(word.group()) - 1)
        if answer[start + index].lower() != answer[start + index + 1].lower()
    ]
    if not spots:
        return None
    index = rng.choice(spots)
    return answer[:index] + answer[index + 1] + answer[index] + answer[index + 2 :]


def _form(text: str) -> str:
    return " ".join(phrase_text(text).tokens)


def _squashed(text: str) -> str:
    """Letters and digits only: "Gol D. Roger" and "goldroger" are one answer, not two."""
    return re.sub(r"[\W_]+", "", text.casefold())


def close_pairs(items: list[ShortItem]) -> list[tuple[ShortItem, str]]:
    """(item, wrong reply): another question's answer close to one of the item's answers."""
    owners: dict[str, set[int]] = {}
    for number, item in enumerate(items):
        for answer in item.answers:
            owners.setdefault(answer.lower(), set()).add(number)
    texts = list(owners)
    pairs = []
    for number, item in enumerate(items):
        mine = {_form(answer) for answer in item.answers}
        flat = {_squashed(answer) for answer in item.answers}
        wrong: set[str] = set()
        for answer in item.answers:
            found = process.extract(
                answer.lower(), texts, scorer=fuzz.ratio, score_cutoff=CLOSE_RATIO, limit=None
            )
            for other, _, _ in found:
                if number in owners[other] or _form(other) in mine or _squashed(other) in flat:
                    continue  # the item's own answer, or the same words spaced differently
                wrong.add(other)
        pairs += [(item, other) for other in sorted(wrong)]
    return pairs


def run(folder: Path) -> None:
    files = bank_files(folder)
    started = time.perf_counter()
    report = load_each(files)
    load_seconds = time.perf_counter() - started
    shorts = [item for item in report.items if isinstance(item, ShortItem)]
    expected = sum(red_count(path) for path in files)
    print(f"lists loaded: {len(files) - len(report.refused)} of {len(files)}")
    for name, problems in report.refused.items():
        print(f"  refused {name}: {problems[0]}")
    print(f"warnings: {len(report.warnings)}")
    for warning in report.warnings:
        print(f"  {warning}")
    print(f"questions: {len(shorts)} (Red's loader: {expected}), loaded in {load_seconds:.2f} s")

    listed = [(item, answer) for item in shorts for answer in item.answers]
    accepted = sum(grade(item, answer).correct for item, answer in listed)
    print(f"listed answers accepted: {accepted} of {len(listed)} ({_pct(accepted, len(listed))})")
    missed = [(item.prompt, a) for item, a in listed if not grade(item, a).correct]
    for prompt, answer in missed[:10]:
        print(f"  not accepted: {answer!r} for {prompt[:60]!r}")

    rng = random.Random(SEED)
    swaps = []
    for item in shorts:
        for answer in item.answers:
            if sum(char.isalpha() for char in answer) >= LONG_LETTERS:
                swapped = _swap(answer, rng)
                if swapped is not None:
                    swaps.append((item, swapped))
    swapped_ok = sum(grade(item, reply).correct for item, reply in swaps)
    print(
        f"long-answer adjacent swaps accepted: {swapped_ok} of {len(swaps)} "
        f"({_pct(swapped_ok, len(swaps))})"
    )

    by_topic: dict[str, list[ShortItem]] = {}
    for item in shorts:
        by_topic.setdefault(item.topic, []).append(item)
    pairs = [pair for topic_items in by_topic.values() for pair in close_pairs(topic_items)]
    wrong_ok = [(item, reply) for item, reply in pairs if grade(item, reply).correct]
    print(
        f"close same-list wrong answers accepted: {len(wrong_ok)} of {len(pairs)} "
        f"({_pct(len(wrong_ok), len(pairs), 2)})"
    )
    for item, reply in wrong_ok[:15]:
        print(f"  accepted {reply!r} for {item.answers[0]!r}")

    pictures = sum(red_pictures(path) for path in files)
    shown = sum(1 for item in shorts if item.image is not None and item.image not in item.prompt)
    print(f"picture questions with their image: {shown} of {pictures}")
    authors = len({item.topic for item in shorts if item.author})
    print(f"lists crediting an author: {authors}")


def _pct(part: int, whole: int, digits: int = 1) -> str:
    return f"{100 * part / whole:.{digits}f}%" if whole else "n/a"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=os.environ.get("QUIZBOT_RED_LISTS"))
    folder = parser.parse_args().folder
    if not folder or not Path(folder).is_dir():
        print(
            "skipped: no Red trivia lists folder. Fetch Red-DiscordBot "
            "(git clone --depth 1 https://github.com/Cog-Creators/Red-DiscordBot) and pass "
            "redbot/cogs/trivia/data/lists, or set QUIZBOT_RED_LISTS to it."
        )
        return 0
    run(Path(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["close_pairs", "red_count", "run"]
