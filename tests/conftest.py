from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from offline import OfflineDiscord

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
async def offline(tmp_path: Path) -> AsyncIterator[OfflineDiscord]:
    """The real bot on the fake Discord, with a fresh database."""
    async with OfflineDiscord(db_path=tmp_path / "quizbot.db") as discord:
        yield discord


class ThreadsBefore:
    """The threads alive before a start that fails; ``check`` says none were left behind."""

    def __init__(self) -> None:
        self.threads = set(threading.enumerate())

    async def check(self) -> None:
        await asyncio.sleep(0.05)  # let closed threads finish
        assert set(threading.enumerate()) <= self.threads  # nothing keeps the process alive


@pytest.fixture
def failing_start(monkeypatch: pytest.MonkeyPatch) -> ThreadsBefore:
    """Make the bot's start fail after the database opened, as a cog that does not import."""

    async def broken_setup(self: object) -> None:
        raise RuntimeError("a cog failed to import")

    monkeypatch.setattr("bot.client.QuizBot.setup_hook", broken_setup)
    return ThreadsBefore()
