"""Fixtures the end-to-end tests share."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from offline import OfflineDiscord
from tests.helpers import START, TEST_BANK


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[OfflineDiscord]:
    """One server with the test bank, its clock at Monday 08:00."""
    async with OfflineDiscord(db_path=tmp_path / "q.db", bank=str(TEST_BANK), start=START) as d:
        yield d
