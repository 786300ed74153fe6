#!/usr/bin/env python3
"""The two commands a newcomer needs: ``python3 tasks.py run`` and ``python3 tasks.py test``.

Only the standard library is used here because this script is what installs everything else:
on first use (or whenever pyproject.toml changes) it creates ``.venv`` and installs quizbot
with its development extras into it, then runs the real command inside that environment.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".quizbot-installed"

COMMANDS = {
    "run": "start the bot (needs DISCORD_TOKEN; without it, says how to try the sandbox)",
    "sandbox": "try the whole bot in this terminal, no Discord account needed",
    "test": "run the whole test suite",
    "lint": "ruff check, ruff format --check and mypy",
    "bench": "run every benchmark and print the table",
}


def _wanted_stamp() -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    return f"{sys.version_info[:2]} {digest}"


def ensure_venv() -> None:
    """Create .venv and install the project into it, once per change of pyproject.toml."""
    if STAMP.exists() and STAMP.read_text() == _wanted_stamp():
        return
    if not (BIN / "python").exists():
        print("Creating .venv (first run only)...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing quizbot and its dependencies into .venv...", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "-e", f"{ROOT}[dev,sandbox]"], check=True)
    STAMP.write_text(_wanted_stamp())


def run(argv: list[str]) -> int:
    exe = lambda name: str(BIN / name)  # noqa: E731
    command, rest = argv[0], argv[1:]
    if command == "run":
        return subprocess.call([exe("quizbot"), "run", *rest], cwd=ROOT)
    if command == "sandbox":
        return subprocess.call([exe("quizbot"), "sandbox", *rest], cwd=ROOT)
    if command == "test":
        return subprocess.call([exe("python"), "-m", "pytest", *rest], cwd=ROOT)
    if command == "lint":
        steps = [
            [exe("ruff"), "check", "."],
            [exe("ruff"), "format", "--check", "."],
            [exe("mypy")],
        ]
        return max(subprocess.call(step, cwd=ROOT) for step in steps)
    if command == "bench":
        return subprocess.call([exe("python"), "bench/run.py", *rest], cwd=ROOT)
    raise AssertionError(command)


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print("usage: python3 tasks.py COMMAND [ARGS...]\n")
        for name, text in COMMANDS.items():
            print(f"  {name:8} {text}")
        return 2
    ensure_venv()
    return run(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
