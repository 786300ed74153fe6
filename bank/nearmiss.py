"""Near misses from the same topic: each short item's close look-alikes among the other answers.

A typo budget that lets "Austrailia" pass for "Australia" also lets "Austria" pass, unless the
grader knows Austria is an answer in its own right. Within a topic (a Red list, one of our
banks) the other questions' answers are exactly those look-alikes: Gambia/Zambia,
Pidgeot/Pidgeotto, "A positive"/"B positive", "Bottle (Small)"/"Bottle (Full)". They are found
once, when the bank loads, and added to each item's ``reject`` list, which the grader already
treats as rivals (an exact rival is refused; a typo nearer a rival than the answer is refused).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable

import numpy as np
from rapidfuzz import fuzz, process

from bank.normalize import phrase_text
from bank.schema import Item, ShortItem

# rapidfuzz ratio (0-100) of the normalised forms from which two answers are look-alikes. The
# grader's typo budget never reaches below it: two edits in a 9-letter word still score 80,
# and the per-word budget is at most 2 in 14 letters; 70 leaves room for multi-word answers.
NEAR_RATIO = 70
MAX_NEAR = 20  # per item: the closest few are the ones a typo could reach
# Scores are computed a block of forms against all of them at a time (rapidfuzz's cdist, many
# pairs per call in native code): rows per block kept so one block stays near 16 MB.
BLOCK_CELLS = 2_000_000


def _form(answer: str) -> str:
    """How alike two answers look: as written, ignoring case and spacing. Not normalised,
    since normalising hides what tells them apart ("m27" and "27", "a positive")."""
    return " ".join(answer.casefold().split())


def _words(answer: str) -> str:
    """What the grader compares: two answers with the same words are one answer."""
    return " ".join(phrase_text(answer).tokens)


def with_near_misses(items: Iterable[Item]) -> list[Item]:
    """The items, each short one with its topic's look-alike answers added to ``reject``."""
    items = list(items)
    by_topic: dict[str, list[int]] = defaultdict(list)
    for number, item in enumerate(items):
        if isinstance(item, ShortItem):
            by_topic[item.topic].append(number)
    for numbers in by_topic.values():
        if len(numbers) > 1:
            _add_topic(items, numbers)
    return items


def _add_topic(items: list[Item], numbers: list[int]) -> None:
    # One entry per distinct normalised form: the answer as written, and the items giving it.
    forms: dict[str, str] = {}
    owners: dict[str, set[int]] = defaultdict(set)
    item_forms: dict[int, set[str]] = {}
    for number in numbers:
        item = items[number]
        assert isinstance(item, ShortItem)
        mine = set()
        for answer in item.answers:
            form = _form(answer)
            if form:
                forms.setdefault(form, answer)
                owners[form].add(number)
                mine.add(form)
        item_forms[number] = mine
    near = _look_alikes(list(forms))
    for number in numbers:
        item = items[number]
        assert isinstance(item, ShortItem)
        mine = item_forms[number]
        rejected = {_form(reject) for reject in item.reject}
        own_words = {_words(answer) for answer in item.answers}
        scored: dict[str, float] = {}
        for form in mine:
            for score, other in near[form]:
                # Not a rival when this item also accepts it, or when it is no answer but ours.
                if other in mine or other in rejected or owners[other] <= {number}:
                    continue
                if _words(forms[other]) in own_words:
                    continue
                scored[other] = max(score, scored.get(other, 0.0))
        if scored:
            closest = sorted(scored, key=lambda other: (-scored[other], other))[:MAX_NEAR]
            extra = tuple(forms[other] for other in closest)
            items[number] = dataclasses.replace(item, reject=item.reject + extra)


def _look_alikes(
    choices: list[str], block_cells: int = BLOCK_CELLS
) -> dict[str, list[tuple[float, str]]]:
    """Per form, the other forms scoring at least NEAR_RATIO, best first (ties in list order),
    at most MAX_NEAR: what ``process.extract`` gives one form at a time, for the whole topic in
    a few native calls. A 2 MB upload of look-alike answers has millions of such pairs."""
    near: dict[str, list[tuple[float, str]]] = {form: [] for form in choices}
    size = len(choices)
    rows = max(1, block_cells // max(1, size))
    for start in range(0, size, rows):
        block = process.cdist(
            choices[start : start + rows], choices, scorer=fuzz.ratio,
            score_cutoff=NEAR_RATIO, dtype=np.float64,
        )  # fmt: skip
        count = block.shape[0]
        block[np.arange(count), np.arange(start, start + count)] = 0.0  # a form is not its rival
        # Keep what scores at least each row's MAX_NEAR-th best (ties included), then order by
        # row, best score, earlier form, and take MAX_NEAR per row.
        if size > MAX_NEAR:
            floor = -np.partition(-block, MAX_NEAR - 1, axis=1)[:, MAX_NEAR - 1]
            keep = (block > 0) & (block >= floor[:, None])
        else:
            keep = block > 0
        row, col = np.nonzero(keep)
        score = block[row, col]
        order = np.lexsort((col, -score, row))
        row, col, score = row[order], col[order], score[order]
        rank = np.arange(row.size) - np.searchsorted(row, row)  # place within its own row
        best = rank < MAX_NEAR
        picked = zip(row[best].tolist(), col[best].tolist(), score[best].tolist(), strict=True)
        for r, c, value in picked:
            near[choices[start + r]].append((value, choices[c]))
    return near
