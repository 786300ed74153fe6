"""Helpers and constants shared by test modules (a test module never imports another)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from offline import FakeChannel, FakeMember, FakeMessage, OfflineDiscord, Reply

TEST_BANK = Path(__file__).resolve().parent / "fixtures" / "bank"
START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)  # a Monday, 08:00 UTC


# -- the daily question ---------------------------------------------------------------------


def mod(d: OfflineDiscord) -> FakeMember:
    """The server's moderator (Manage Server)."""
    return d.member("mod", admin=True)


async def import_file(d: OfflineDiscord, filename: str, text: str | bytes, **options: str) -> Reply:
    """The moderator's `/bank import` of ``text`` attached as ``filename``."""
    data = text.encode() if isinstance(text, str) else text
    return await d.slash(mod(d), "bank import", file=d.attachment(filename, data), **options)


async def setup_daily(d: OfflineDiscord, **options: object) -> FakeChannel:
    channel = d.channel("daily")
    options = {"channel": channel, "time": "09:00", "timezone": "UTC", **options}
    reply = await d.slash(d.member("mod", admin=True), "daily setup", **options)
    assert reply.ephemeral and "Daily question set" in reply.content, reply.content
    return channel


def posts(d: OfflineDiscord, channel: FakeChannel) -> list[FakeMessage]:
    return [m for m in d.messages(channel) if m.embeds and "Daily question #" in m.embeds[0].title
            and "the answer" not in m.embeds[0].title]  # fmt: skip


def reveals(d: OfflineDiscord, channel: FakeChannel) -> list[FakeMessage]:
    return [m for m in d.messages(channel) if m.embeds and "the answer" in m.embeds[0].title]


async def next_post(d: OfflineDiscord, channel: FakeChannel) -> FakeMessage:
    before = len(posts(d, channel))
    await d.advance(days=1) if before else await d.advance(hours=1, minutes=1)
    found = posts(d, channel)
    assert len(found) == before + 1, "a post should fall due"
    return found[-1]


# -- duels ----------------------------------------------------------------------------------


async def challenge(
    d: OfflineDiscord, challenger: FakeMember, opponent: FakeMember, **options: object
) -> Reply:
    options.setdefault("topic", "t-rotation")  # five true/false items whose answer is True
    return await d.slash(challenger, "duel challenge", member=opponent, **options)


def rounds_in(d: OfflineDiscord, channel: FakeChannel) -> list[FakeMessage]:
    return [m for m in d.messages(channel) if m.embeds and m.embeds[0].title.startswith("Round ")
            and "/" in m.embeds[0].title.split()[1]]  # fmt: skip


async def accept(d: OfflineDiscord, reply: Reply, opponent: FakeMember) -> FakeChannel:
    await d.click(opponent, reply.message, label="Accept")
    assert reply.message is not None and reply.message.thread is not None
    return reply.message.thread


# -- leaderboards ---------------------------------------------------------------------------


def board_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("`#")]
