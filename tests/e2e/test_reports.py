"""/reports through the real bot: switching a reported question off asks first, and undoes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from offline import OfflineDiscord, Reply
from tests.helpers import START, TEST_BANK, mod

ITEM = "t-quick-short"


@pytest.fixture
async def d(tmp_path: Path) -> AsyncIterator[OfflineDiscord]:
    async with OfflineDiscord(db_path=tmp_path / "q.db", bank=str(TEST_BANK), start=START) as d:
        yield d


def labels(reply: Reply) -> list[str]:
    assert reply.message is not None
    return [button["label"] for button in reply.message.buttons()]


async def reported(d: OfflineDiscord) -> Reply:
    """One report on ITEM, and the admin's /reports list showing it."""
    filed = await d.slash(d.member("alice"), "report", question=ITEM, reason="Two answers fit.")
    assert "Report #1" in filed.content
    return await d.slash(mod(d), "reports")


async def can_be_looked_up(d: OfflineDiscord) -> bool:
    shown = await d.slash(d.member("bob"), "question search", text=ITEM)
    return "In RAG, what does the R stand for?" in shown.text


async def test_disable_asks_first_and_cancel_changes_nothing(d: OfflineDiscord) -> None:
    listing = await reported(d)
    asked = await d.click(mod(d), listing.message, label="Disable #1")
    assert asked.ephemeral and f"Switch `{ITEM}` off in this server?" in asked.content
    assert "switch it back on later" in asked.content
    assert labels(asked) == ["Disable", "Cancel"]
    cancelled = await d.click(mod(d), asked.message, label="Cancel")
    assert cancelled.message is not None and "nothing changed" in cancelled.message.text()
    assert await can_be_looked_up(d)
    again = await d.slash(mod(d), "reports")
    assert "Open reports: 1" in again.text and "Switched off" not in again.text


async def test_disable_then_enable_from_the_confirmation(d: OfflineDiscord) -> None:
    listing = await reported(d)
    asked = await d.click(mod(d), listing.message, label="Disable #1")
    await d.click(mod(d), asked.message, label="Disable")
    assert asked.message is not None
    assert f"`{ITEM}` is switched off in this server" in asked.message.text()
    assert labels(asked) == [f"Enable {ITEM}"]
    assert not await can_be_looked_up(d)

    nope = await d.click(d.member("alice"), asked.message, label=f"Enable {ITEM}")
    assert "Manage Server" in nope.content
    await d.click(mod(d), asked.message, label=f"Enable {ITEM}")
    assert f"`{ITEM}` is switched back on in this server." in asked.message.text()
    assert asked.message.buttons() == []
    assert await can_be_looked_up(d)
    # The report stays closed: switching the question off answered it.
    after = await d.slash(mod(d), "reports")
    assert "Open reports: 0" in after.text and "Switched off" not in after.text


async def test_reports_lists_switched_off_questions_with_enable(d: OfflineDiscord) -> None:
    listing = await reported(d)
    asked = await d.click(mod(d), listing.message, label="Disable #1")
    await d.click(mod(d), asked.message, label="Disable")
    stale = await d.click(mod(d), listing.message, label="Disable #1")
    assert "Report #1 is already closed" in stale.content

    shown = await d.slash(mod(d), "reports")
    assert "Switched off in this server: 1" in shown.text and f"`{ITEM}`" in shown.text
    assert labels(shown) == [f"Enable {ITEM}"]
    await d.click(mod(d), shown.message, label=f"Enable {ITEM}")
    assert shown.message is not None
    assert f"`{ITEM}` is switched back on in this server." in shown.message.text()
    assert "Switched off" not in shown.message.text() and shown.message.buttons() == []
    assert await can_be_looked_up(d)
    twice = await d.click(mod(d), asked.message, label=f"Enable {ITEM}")
    assert f"`{ITEM}` is not switched off." in twice.content
