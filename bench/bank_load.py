"""Benchmark: load and validate the whole built-in bank, and a 2 MB uploaded bank.

The bot loads the built-in bank in setup_hook, so its time is start-up time; an upload is
parsed when a moderator runs `/bank import`. Run: `python bench/bank_load.py`.
`run(scale)` is what bench/run.py calls; scale < 1 means fewer repetitions.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bank.loader import BUILTIN_BANK, MAX_FILE_BYTES, load_bank, load_bank_text
from bank.schema import BankError
from bench.common import Row, median_ms, print_table, row

BUILTIN_TARGET_MS = 150.0
UPLOAD_TARGET_MS = 1000.0  # a /bank import of a maximum-size file: a moderator waits on it


def synthetic_upload(max_bytes: int = MAX_FILE_BYTES) -> str:
    """A valid bank text just under the size limit, with a realistic mix of kinds."""
    head = "topic: upload\ntitle: Synthetic upload\nitems:\n"
    templates = [
        "  - id: up-{n}\n    kind: short\n    level: beginner\n"
        "    prompt: In retrieval-augmented generation, what is step {n} about?\n"
        "    answers: [retrieval {n}, fetching {n}]\n    reject: [reinforcement {n}]\n"
        "    explanation: A sentence or two that explains the answer to question {n}.\n"
        '    source: "002:Q6"\n    tags: [rag]\n',
        "  - id: up-{n}\n    kind: mcq\n    level: intermediate\n"
        "    prompt: Which sampling method is described by case {n}?\n"
        "    choices: [Top-k {n}, Nucleus {n}, Beam search {n}, Greedy {n}]\n    answer: B\n"
        "    explanation: Nucleus sampling keeps the smallest set above p, case {n}.\n",
        "  - id: up-{n}\n    kind: truefalse\n    level: beginner\n"
        "    prompt: Statement {n} about diffusion models is true.\n    answer: true\n"
        "    explanation: The forward process adds noise step by step ({n}).\n",
        "  - id: up-{n}\n    kind: keypoints\n    level: advanced\n"
        "    prompt: How does a diffusion model learn, in case {n}?\n    points:\n"
        "      - [adds noise {n}, noising {n}]\n      - [learns to denoise {n}, reverse {n}]\n"
        "    need: 1\n    explanation: Noise is added, then removal is learned ({n}).\n",
    ]
    parts, size, n = [head], len(head), 0
    while True:
        block = templates[n % len(templates)].format(n=n)
        if size + len(block) > max_bytes:
            return "".join(parts)
        parts.append(block)
        size += len(block)
        n += 1


def run(scale: float = 1.0) -> list[Row]:
    runs = max(3, round(15 * scale))
    rows = []
    try:
        builtin_ms = median_ms(lambda: load_bank(BUILTIN_BANK), runs)
    except BankError as exc:
        print(f"bank_load: the built-in bank does not load:\n{exc}", file=sys.stderr)
        builtin_ms = float("inf")
    rows.append(row("bank: load + validate built-in bank", builtin_ms, "ms", BUILTIN_TARGET_MS))
    upload = synthetic_upload()
    upload_ms = median_ms(lambda: load_bank_text(upload, "upload.yaml"), max(3, runs // 3))
    rows.append(row("bank: load + validate 2 MB upload", upload_ms, "ms", UPLOAD_TARGET_MS))
    return rows


if __name__ == "__main__":
    print_table(run())
