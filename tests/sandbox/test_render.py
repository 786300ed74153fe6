"""Discord text and messages drawn for a terminal (no bot needed: a bare fake world)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.console import Console, RenderableType

from offline.clock import FakeClock
from offline.world import EPHEMERAL, FakeMember, World
from sandbox.events import Change, ClockMoved, FormOpened, Shown
from sandbox.markup import plain, relative, timestamp, to_text
from sandbox.render import View, WorldNames, duration, render

NOW = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@pytest.fixture
def world() -> World:
    world = World(FakeClock(NOW))
    guild = world.add_guild("Study Group")
    world.add_channel(guild, "daily")
    return world


def member(world: World, name: str) -> FakeMember:
    from offline.world import FakeUser

    guild = next(iter(world.guilds.values()))
    user = FakeUser(world.snowflake(), name)
    world.users[user.id] = user
    guild.members[user.id] = FakeMember(user, guild, [], world.clock.time())
    return guild.members[user.id]


def draw(renderable: RenderableType) -> str:
    out = io.StringIO()
    Console(file=out, width=120, color_system=None).print(renderable)
    return out.getvalue()


def test_mentions_timestamps_and_emoji_become_readable(world: World) -> None:
    alice = member(world, "alice")
    channel = next(iter(world.channels.values()))
    guild = next(iter(world.guilds.values()))
    role = world.add_role(guild, "learners")
    names = WorldNames(world)
    soon = int((NOW + timedelta(hours=25)).timestamp())
    text = f"<@{alice.id}> in <#{channel.id}> (<@&{role.id}>) <t:{soon}:R> <:fire:123> </help:9>"
    assert plain(text, names, NOW) == "@alice in #daily (@learners) in 1 day :fire: /help"
    assert plain("<@1> <#2>", names, NOW) == "@unknown-user #unknown-channel"


@pytest.mark.parametrize(
    ("style", "shown"),
    [
        ("t", "09:00"),
        ("T", "09:00:00"),
        ("d", "06/01/2026"),
        ("D", "6 January 2026"),
        ("f", "6 January 2026 09:00 UTC"),
        ("F", "Tuesday 6 January 2026 09:00 UTC"),
        ("R", "in 1 day"),
    ],
)
def test_timestamp_styles(style: str, shown: str) -> None:
    assert timestamp(int(datetime(2026, 1, 6, 9, 0, tzinfo=UTC).timestamp()), style, NOW) == shown


@pytest.mark.parametrize(
    ("delta", "shown"),
    [
        (timedelta(seconds=20), "in 20 seconds"),
        (timedelta(minutes=1), "in 1 minute"),
        (timedelta(hours=23, minutes=59), "in 23 hours"),
        (-timedelta(minutes=5), "5 minutes ago"),
        (timedelta(days=400), "in 1 year"),
        (timedelta(0), "now"),
    ],
)
def test_relative_times(delta: timedelta, shown: str) -> None:
    assert relative(delta) == shown


def test_markdown_styles_keep_line_breaks(world: World) -> None:
    text = to_text(
        "`# 1` **alice** · 11 pts\n> quoted *it*\n- item\n```\ncode **not bold**\n```",
        WorldNames(world),
        NOW,
    )
    assert text.plain == "# 1 alice · 11 pts\n▌ quoted it\n• item\ncode **not bold**"
    styled = {text.plain[s.start : s.end]: str(s.style) for s in text.spans}
    assert styled["# 1"] == "cyan" and styled["alice"] == "bold"
    assert styled["code **not bold**"] == "cyan"
    assert "it" in styled and "italic" in styled["it"]
    assert to_text("snake_case_name", WorldNames(world), NOW).spans == []


def test_spoilers_over_several_lines_are_hidden_on_each(world: World) -> None:
    one = to_text("||top-p||", WorldNames(world), NOW)
    text = to_text("||keep the smallest set\n- whose mass\n> reaches p||", WorldNames(world), NOW)
    assert "|" not in text.plain
    assert text.plain == "keep the smallest set\n• whose mass\n▌ reaches p"
    hidden = {text.plain[s.start : s.end] for s in text.spans if "reverse" in str(s.style)}
    assert hidden == {"keep the smallest set", "whose mass", "reaches p"}
    assert [str(s.style) for s in one.spans] == ["reverse"]  # as a one-line spoiler is
    bold = to_text("**a\nb** c", WorldNames(world), NOW)
    assert bold.plain == "a\nb c" and [str(s.style) for s in bold.spans] == ["bold", "bold"]
    fenced = to_text("```\n||code||\n```", WorldNames(world), NOW)
    assert fenced.plain == "||code||"  # markers inside a code block are text


def test_escaped_markers_show_as_themselves(world: World) -> None:
    text = to_text("||KL(P\\|\\|Q)|| and \\*not italic\\*", WorldNames(world), NOW)
    assert text.plain == "KL(P||Q) and *not italic*"
    assert {str(s.style) for s in text.spans if text.plain[s.start : s.end] == "Q)"} == {"reverse"}


def test_a_message_with_embed_buttons_and_file(world: World, tmp_path: Path) -> None:
    alice = member(world, "alice")
    channel = next(iter(world.channels.values()))
    message = world.add_message(
        channel,
        world.bot_user,
        content=f"<@{alice.id}>",
        embed_data=[
            {
                "title": "Daily question #1",
                "description": "What does the **R** in RAG stand for?",
                "color": 0x5865F2,
                "fields": [
                    {"name": "Topic", "value": "rag", "inline": True},
                    {"name": "Level", "value": "beginner", "inline": True},
                    {"name": "Why", "value": "Retrieval first.", "inline": False},
                ],
                "footer": {"text": "Answer in a few words."},
                "image": {"url": "attachment://card.png"},
            }
        ],
        components=[
            {
                "type": 1,
                "components": [
                    {"type": 2, "style": 1, "label": "A", "custom_id": "a"},
                    {"type": 2, "style": 2, "label": "B", "custom_id": "b", "disabled": True},
                ],
            }
        ],
    )
    attachment = world.add_attachment(channel.id, "card.png", b"\x89PNG....")
    message.attachments.append(attachment)
    saved = tmp_path / "card.png"
    view = View(world, alice, NOW)
    out = draw(render(Shown(message, Change.NEW, saved={attachment.id: saved}), view))
    assert "quizbot  #daily · Mon 08:00" in out
    assert "@alice" in out
    assert "╭─ Daily question #1 ─" in out
    assert "What does the R in RAG stand for?" in out
    assert "Topic   Level" in out and "rag     beginner" in out
    assert "Why" in out and "Answer in a few words." in out
    assert "🖼 image: card.png (file below)" in out
    assert f"📎 card.png (8 bytes), saved to {saved}" in out
    assert "[A] [B]  (disabled: B)" in out


def test_private_replies_say_who_can_see_them(world: World) -> None:
    alice, bob = member(world, "alice"), member(world, "bob")
    channel = next(iter(world.channels.values()))
    message = world.add_message(channel, world.bot_user, content="Locked in.", flags=EPHEMERAL)
    mine = draw(render(Shown(message, Change.NEW, owner=alice), View(world, alice, NOW)))
    theirs = draw(render(Shown(message, Change.NEW, owner=alice), View(world, bob, NOW)))
    assert "quizbot (only you can see this)" in mine
    assert "quizbot (only alice can see this)" in theirs


def test_button_changes_are_one_line(world: World) -> None:
    channel = next(iter(world.channels.values()))
    button = {"type": 2, "style": 1, "label": "Answer", "custom_id": "x", "disabled": True}
    message = world.add_message(
        channel,
        world.bot_user,
        embed_data=[{"title": "Daily question #1"}],
        components=[{"type": 1, "components": [button]}],
    )
    out = draw(render(Shown(message, Change.BUTTONS), View(world, member(world, "a"), NOW)))
    assert out.strip() == (
        'quizbot updated the buttons of "Daily question #1" in #daily: [Answer]  (disabled)'
    )


def test_clock_and_form_notices(world: World) -> None:
    view = View(world, member(world, "alice"), NOW)
    moved = draw(render(ClockMoved(timedelta(days=1), NOW + timedelta(days=1)), view))
    assert moved.strip() == "⏱ 1 day later: Tue 6 Jan 2026 08:00:00 UTC"
    form = draw(render(FormOpened("Round 1", ("Your answer",), "Which sampling?"), view))
    assert "📝 a form opens: Round 1" in form and "Which sampling?" in form
    assert "Your answer: type  answer YOUR TEXT" in form


@pytest.mark.parametrize(
    ("delta", "shown"),
    [
        (timedelta(seconds=30), "30 seconds"),
        (timedelta(hours=1, minutes=30), "1 hour 30 minutes"),
        (timedelta(days=1, hours=2), "1 day 2 hours"),
    ],
)
def test_waits_are_shown_exactly(delta: timedelta, shown: str) -> None:
    assert duration(delta) == shown
