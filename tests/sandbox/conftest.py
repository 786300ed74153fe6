"""Sandbox sessions for tests: the real bot on the fixture bank, a fixed fake clock, and a
helper that runs script lines through the same runner as ``--script`` and returns the text
a terminal would show."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from sandbox import Sandbox
from sandbox.app import Printer, run_script
from tests.conftest import REPO

TEST_BANK = REPO / "tests" / "fixtures" / "bank"
START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)  # a Monday, 08:00 UTC


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[Sandbox]:
    async with Sandbox.open(
        tmp_path / "sandbox.db", tmp_path / "files", bank=TEST_BANK, start=START
    ) as session:
        yield session


async def play(sandbox: Sandbox, script: str) -> tuple[int, str]:
    """Run ``script`` as ``--script`` would; the exit status and the plain-text output."""
    out = io.StringIO()
    console = Console(file=out, width=200, color_system=None, highlight=False)
    lines = [line.strip() for line in script.strip().splitlines()]
    status = await run_script(sandbox, Printer(console, sandbox), lines, "test")
    return status, out.getvalue()
