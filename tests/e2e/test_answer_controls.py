"""The one answer UI: buttons on messages posted by an earlier version keep answering.

Each test builds a message whose components carry custom_ids written exactly as the per-feature
views of earlier versions wrote them, restarts the bot (an upgrade is a restart), clicks and
sees the answer land.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from offline import FakeChannel, FakeMessage, OfflineDiscord
from tests.helpers import START, TEST_BANK, accept, challenge, next_post, rounds_in, setup_daily


@pytest.fixture
async def d(tmp_path: Path) -> AsyncIterator[OfflineDiscord]:
    async with OfflineDiscord(db_path=tmp_path / "q.db", bank=str(TEST_BANK), start=START) as d:
        yield d


def old_message(d: OfflineDiscord, channel: FakeChannel, buttons: dict[str, str]) -> FakeMessage:
    """A bot message as Discord keeps it, with buttons ``{label: custom_id}`` built by hand."""
    row: list[dict[str, Any]] = [
        {"type": 2, "style": 2, "label": label, "custom_id": custom_id}
        for label, custom_id in buttons.items()
    ]
    return d.world.add_message(
        channel, d.world.bot_user, components=[{"type": 1, "components": row}]
    )


def custom_ids(message: FakeMessage) -> list[str]:
    return [button["custom_id"] for button in message.buttons()]


async def test_old_daily_answer_button_opens_the_modal_and_records(d: OfflineDiscord) -> None:
    channel = await setup_daily(d, topics="t-long")
    post = await next_post(d, channel)
    post_id = await d.db.fetchval("SELECT post_id FROM daily_posts")
    assert custom_ids(post) == [f"daily:open:{post_id}"]  # today's post writes the old format
    old = old_message(d, channel, {"Answer": f"daily:open:{post_id}"})
    await d.restart()
    alice = d.member("alice")
    opened = await d.click(alice, old, custom_id=f"daily:open:{post_id}")
    ack = await d.submit_modal(alice, opened, answer="adds noise and learns to denoise")
    assert "Answer recorded" in ack.content


async def test_old_daily_choice_button_records_the_choice(d: OfflineDiscord) -> None:
    channel = await setup_daily(d, topics="t-rotation")
    post = await next_post(d, channel)
    post_id = await d.db.fetchval("SELECT post_id FROM daily_posts")
    assert custom_ids(post) == [f"daily:choice:{post_id}:true", f"daily:choice:{post_id}:false"]
    old = old_message(d, channel, {"True": f"daily:choice:{post_id}:true"})
    await d.restart()
    ack = await d.click(d.member("alice"), old, custom_id=f"daily:choice:{post_id}:true")
    assert "Answer recorded: **true**" in ack.content
    reply = await d.db.fetchval("SELECT reply FROM answers WHERE context = 'daily'")
    assert reply == "true"


async def test_old_duel_round_button_locks_the_answer_in(d: OfflineDiscord) -> None:
    alice, bob = d.member("alice"), d.member("bob")
    thread = await accept(d, await challenge(d, alice, bob, rounds=3), bob)
    duel_id = await d.db.fetchval("SELECT duel_id FROM duels")
    first = rounds_in(d, thread)[0]
    assert custom_ids(first) == [f"duel:choice:{duel_id}:1:true", f"duel:choice:{duel_id}:1:false"]
    old = old_message(d, thread, {"True": f"duel:choice:{duel_id}:1:true"})
    # A restart cancels a running duel, so this one is clicked by the upgraded code in place.
    ack = await d.click(alice, old, custom_id=f"duel:choice:{duel_id}:1:true")
    assert ack.ephemeral and "Locked in after" in ack.content


async def test_old_practice_buttons_answer_after_a_restart(d: OfflineDiscord) -> None:
    alice = d.member("alice")
    reply = await d.slash(alice, "quiz", topic="t-rotation", count=1)
    session_id = await d.db.fetchval("SELECT session_id FROM practice_sessions")
    assert reply.message is not None
    assert custom_ids(reply.message) == [
        f"practice:choice:{session_id}:0:true",
        f"practice:choice:{session_id}:0:false",
        f"practice:end:{session_id}",
    ]
    old = old_message(d, d.channel("general"), {"True": f"practice:choice:{session_id}:0:true"})
    await d.restart()
    verdict = await d.click(alice, old, custom_id=f"practice:choice:{session_id}:0:true")
    assert verdict.message is not None and "Correct" in verdict.message.text()


async def test_old_practice_answer_box_opens_and_grades(d: OfflineDiscord) -> None:
    alice = d.member("alice")
    await d.slash(alice, "quiz", topic="t-long", count=1)
    session_id = await d.db.fetchval("SELECT session_id FROM practice_sessions")
    old = old_message(d, d.channel("general"), {"Answer": f"practice:open:{session_id}:0"})
    await d.restart()
    opened = await d.click(alice, old, custom_id=f"practice:open:{session_id}:0")
    assert opened.modal is not None
    verdict = await d.submit_modal(alice, opened, answer="no idea")
    assert verdict.message is not None and "Not quite" in verdict.message.text()
