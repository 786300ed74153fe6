"""What `quizbot bank ...` runs: validate files, show bank statistics, print the JSON Schema.

Each command prints to stdout (problems and the refusal summary too, so they can be piped
or grepped like a linter's) and returns a process exit code; bot/__main__.py wires them up.
"""

from __future__ import annotations

import json
import sys
import textwrap
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bank.jsonschema import bank_json_schema
from bank.loader import BUILTIN_BANK, bank_files, load_each, load_files
from bank.schema import KINDS, LEVELS, QUICK_KINDS, BankError, Item
from bank.validation import BUILTIN_OWNER, id_clashes, owned_ids
from bank.words import plural

SEED_LABELS = Path(__file__).resolve().parent / "seed_labels.txt"


def validate(paths: list[str]) -> int:
    """Check bank files or folders (default: the built-in bank); 1 if any file is refused.

    Each file is checked on its own, as a folder import loads it: the valid ones load, the
    others are reported file by file. Files other than the built-in bank are checked as
    `/bank import` checks them: their ids must not be the built-in bank's either. What only a
    server knows (the ids of the banks it imported before) is named in the verdict, since only
    the import can check it."""
    files, problems = _collect_files(paths or [str(BUILTIN_BANK)])
    builtin_files = bank_files(BUILTIN_BANK)
    builtin_paths = {file.resolve() for file in builtin_files}
    importing = [file for file in files if file.resolve() not in builtin_paths]
    loaded = load_each(files)
    refused = dict(loaded.refused)
    items = loaded.items
    if importing:
        builtin_ids = owned_ids(load_files(builtin_files), BUILTIN_OWNER)
        by_file: dict[str, list[Item]] = {}
        for item in items:
            by_file.setdefault(_file_of(item), []).append(item)
        for name in map(str, importing):
            clashes = id_clashes(by_file.get(name, []), builtin_ids)
            if clashes:
                refused[name] = clashes
        items = [item for item in items if _file_of(item) not in refused]
    for warning in loaded.warnings:
        print(warning)
    # In the order the files were named, each refused file's problems together.
    for file in files:
        problems.extend(refused.get(str(file), []))
    good = len(files) - len(refused)
    ok = f"ok: {plural(len(items), 'item')} in {plural(good, 'file')}"
    if problems:
        for problem in problems:
            print(problem)
        if good:
            print(f"{ok}; the refused files are left out")
        print(f"{plural(len(problems), 'problem')} in {plural(len(refused), 'refused file')}")
        return 1
    print(ok)
    if importing:
        print(
            "/bank import also refuses an id that another bank imported by the same server "
            "already uses"
        )
    return 0


def _file_of(item: Item) -> str:
    return item.origin.rsplit(":", 1)[0]


def stats(path: str | None) -> int:
    """Print items by topic x level x kind and the totals; for the built-in bank also which
    seed questions are covered (the seed labels are ours: another bank is not held to them)."""
    files, problems = _collect_files([path or str(BUILTIN_BANK)])
    try:
        items = load_files(files) if not problems else []
    except BankError as exc:
        problems.extend(exc.problems)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    print(_stats_table(items))
    builtin_paths = {file.resolve() for file in bank_files(BUILTIN_BANK)}
    if files and {file.resolve() for file in files} <= builtin_paths:
        print()
        print(_coverage_report(seed_coverage(items, read_seed_labels())))
    return 0


def schema() -> int:
    """Print the JSON Schema of the bank format, for editors."""
    print(json.dumps(bank_json_schema(), indent=2))
    return 0


# --- Seed coverage ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    covered: list[str]  # seed labels some item's `source` points at
    missing: list[str]  # seed labels no item points at
    unknown: list[str]  # sources that are not seed labels (a typo, or a seed that changed)


def read_seed_labels(path: Path = SEED_LABELS) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


def seed_coverage(items: Iterable[Item], labels: Sequence[str]) -> Coverage:
    sources = {item.source for item in items if item.source is not None}
    known = set(labels)
    return Coverage(
        covered=[label for label in labels if label in sources],
        missing=[label for label in labels if label not in sources],
        unknown=sorted(sources - known),
    )


def _coverage_report(coverage: Coverage) -> str:
    total = len(coverage.covered) + len(coverage.missing)
    lines = [f"seed coverage: {len(coverage.covered)} of {total} labels have an item"]
    if coverage.missing:
        lines.append(f"not covered ({len(coverage.missing)}):")
        lines.append(textwrap.indent(textwrap.fill(" ".join(coverage.missing), 96), "  "))
    if coverage.unknown:
        lines.append(f"sources that are not seed labels ({len(coverage.unknown)}):")
        lines.append(textwrap.indent(textwrap.fill(" ".join(coverage.unknown), 96), "  "))
    return "\n".join(lines)


# --- Helpers ---------------------------------------------------------------------------------


def _collect_files(paths: Iterable[str]) -> tuple[list[Path], list[str]]:
    """Every bank file the paths stand for (each once), and the paths that stand for none."""
    files: dict[Path, None] = {}  # ordered set: a file named twice is loaded once
    problems: list[str] = []
    for path in paths:
        try:
            files.update(dict.fromkeys(bank_files(path)))
        except BankError as exc:
            problems.extend(exc.problems)
    return list(files), problems


def _stats_table(items: Sequence[Item]) -> str:
    counts = Counter((item.topic, item.level, item.kind) for item in items)
    topics = sorted({item.topic for item in items})
    topic_width = max([len("topic"), len("total"), *map(len, topics)])
    level_width = max(map(len, ["level", *LEVELS]))
    header = f"{'topic':<{topic_width}}  {'level':<{level_width}}"
    header += "".join(f"  {kind:>9}" for kind in KINDS) + f"  {'total':>6}"
    rows = [header, "-" * len(header)]
    for topic in topics:
        for level in LEVELS:
            per_kind = [counts[topic, level, kind] for kind in KINDS]
            if any(per_kind):
                rows.append(_row(topic, level, per_kind, topic_width, level_width))
    rows.append("-" * len(header))
    for level in LEVELS:
        per_kind = [sum(counts[t, level, kind] for t in topics) for kind in KINDS]
        rows.append(_row("total", level, per_kind, topic_width, level_width))
    all_kinds = [sum(1 for item in items if item.kind == kind) for kind in KINDS]
    rows.append(_row("total", "all", all_kinds, topic_width, level_width))
    quick = sum(1 for item in items if item.kind in QUICK_KINDS)
    rows.append(
        f"\n{plural(len(items), 'item')} in {plural(len(topics), 'topic')}; "
        f"quick items (short, mcq, truefalse): {quick}"
    )
    return "\n".join(rows)


def _row(topic: str, level: str, per_kind: list[int], topic_width: int, level_width: int) -> str:
    cells = "".join(f"  {count:>9}" for count in per_kind)
    return f"{topic:<{topic_width}}  {level:<{level_width}}{cells}  {sum(per_kind):>6}"
