"""The built-in bank: every file valid, every seed question covered, enough quick questions,
and no sentence lifted from the seed documents."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from bank import BUILTIN_BANK, QUICK_KINDS, BankError, Item, load_bank
from bank.cli import SEED_LABELS, read_seed_labels, seed_coverage
from bank.loader import BANK_SUFFIXES
from bank.schema import KeypointsItem

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO.parent / "shared" / "seeds"  # outside the repository: present on the team's machines
SHIPPED_FILES = sorted(p for p in BUILTIN_BANK.glob("*") if p.suffix in BANK_SUFFIXES)
WORD = re.compile(r"[a-z0-9]+")
SHARED_RUN = 10  # consecutive words in common with a seed that count as copying


@pytest.fixture(scope="module")
def shipped() -> list[Item]:
    try:
        return load_bank(BUILTIN_BANK)
    except BankError as exc:
        pytest.fail(f"the built-in bank does not load:\n{exc}", pytrace=False)


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=[p.name for p in SHIPPED_FILES])
def test_shipped_file_has_no_problems(path: Path) -> None:
    try:
        load_bank(path)
    except BankError as exc:
        pytest.fail(f"{len(exc.problems)} problems:\n{exc}", pytrace=False)


def test_the_whole_bank_loads_as_one(shipped: list[Item]) -> None:
    # Per-file loads cannot see an id used in two files; this one can.
    assert len({item.id for item in shipped}) == len(shipped)


def test_every_seed_label_is_covered(shipped: list[Item]) -> None:
    coverage = seed_coverage(shipped, read_seed_labels())
    assert coverage.missing == [], f"{len(coverage.missing)} seed questions have no item"


def test_every_source_is_a_seed_label(shipped: list[Item]) -> None:
    assert seed_coverage(shipped, read_seed_labels()).unknown == []


def test_no_phrasing_is_filed_under_two_points(shipped: list[Item]) -> None:
    # One word of the reply would earn both points: a vague answer that says "compression"
    # in passing made two of an autoencoder's points with it.
    twice = []
    for item in shipped:
        if isinstance(item, KeypointsItem):
            owner: dict[str, int] = {}
            for number, point in enumerate(item.points):
                for phrasing in {p.casefold() for p in point}:
                    if owner.setdefault(phrasing, number) != number:
                        twice.append(f"{item.id}: {phrasing!r}")
    assert not twice, twice


def test_enough_quick_items(shipped: list[Item]) -> None:
    by_kind: Counter[str] = Counter(item.kind for item in shipped)
    quick = sum(by_kind[kind] for kind in QUICK_KINDS)
    assert quick >= 300, f"only {quick} quick items: {dict(by_kind)}"
    for kind in sorted(QUICK_KINDS):
        assert by_kind[kind] >= 70, f"only {by_kind[kind]} {kind} items"


def test_seed_labels_file_holds_labels_only() -> None:
    labels = read_seed_labels()
    assert len(labels) == len(set(labels)) == 253
    assert all(re.fullmatch(r"[0-9]{3}:[A-Z]?[0-9]+", label) for label in labels)


def test_seed_labels_file_matches_the_seed_index() -> None:
    index = SEEDS / "INDEX.md"
    if not index.exists():
        pytest.skip(f"{index} is not here")
    # How seed_labels.txt was generated: the labels of the listed questions, in order.
    listed = re.findall(r"^- `([0-9]{3}:[A-Z]?[0-9]+)`", index.read_text("utf-8"), re.MULTILINE)
    assert SEED_LABELS.read_text("utf-8").splitlines() == listed


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def _shared_runs(text: str, seed_runs: set[tuple[str, ...]]) -> list[str]:
    words = _words(text)
    runs = []
    for start in range(len(words) - SHARED_RUN + 1):
        window = tuple(words[start : start + SHARED_RUN])
        if window in seed_runs:
            runs.append(" ".join(window))
    return runs


def test_no_run_of_10_words_is_shared_with_a_seed_document() -> None:
    seed_files = sorted(SEEDS.glob("*.txt"))
    if not seed_files:
        pytest.skip(f"no seed documents in {SEEDS}")
    seed_runs: set[tuple[str, ...]] = set()
    for seed in seed_files:
        words = _words(seed.read_text("utf-8", errors="replace"))
        seed_runs.update(
            tuple(words[i : i + SHARED_RUN]) for i in range(len(words) - SHARED_RUN + 1)
        )
    copied = {
        path.name: runs
        for path in SHIPPED_FILES
        if (runs := _shared_runs(path.read_text("utf-8", errors="replace"), seed_runs))
    }
    assert copied == {}, "rephrase these passages taken from the seed documents"
