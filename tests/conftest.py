from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.offline import OfflineDiscord

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
async def offline(tmp_path: Path) -> AsyncIterator[OfflineDiscord]:
    """The real bot on the fake Discord, with a fresh database."""
    async with OfflineDiscord(db_path=tmp_path / "quizbot.db") as discord:
        yield discord
