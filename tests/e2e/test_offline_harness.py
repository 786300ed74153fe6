"""The fake Discord itself: each kind of interaction, Discord's limits, restarts, gateway."""

from __future__ import annotations

from pathlib import Path

import discord
import pytest

from offline import OfflineDiscord, OfflineError
from tests.conftest import ThreadsBefore
from tests.e2e import probe


@pytest.fixture
async def probed(offline: OfflineDiscord) -> OfflineDiscord:
    await probe.install(offline.bot)
    return offline


async def test_slash_command_with_every_option_kind(probed: OfflineDiscord) -> None:
    alice, bob = probed.member("alice"), probed.member("bob")
    room = probed.channel("quiz-room")
    reply = await probed.slash(alice, "probe echo", text="ab", times=2, who=bob, where=room)
    assert reply.content == "abab for bob in #quiz-room loud=False"
    assert reply.ephemeral
    loud = await probed.slash(
        alice, "probe echo", text="x", times=1, who=bob, where=room, loud=True
    )
    assert not loud.ephemeral
    assert loud.message in probed.messages(probed.channel("general"))


async def test_unknown_command_and_options_are_refused(probed: OfflineDiscord) -> None:
    alice = probed.member("alice")
    with pytest.raises(OfflineError, match="no slash command"):
        await probed.slash(alice, "probe nothing")
    with pytest.raises(OfflineError, match="needs option"):
        await probed.slash(alice, "probe echo", text="x")
    with pytest.raises(OfflineError, match="has no option"):
        await probed.slash(alice, "probe counter", colour="red")


async def test_button_click_edits_the_message(probed: OfflineDiscord) -> None:
    alice = probed.member("alice")
    reply = await probed.slash(alice, "probe counter")
    clicked = await probed.click(alice, reply.message, label="Count 0")
    assert clicked.message is reply.message
    assert reply.message is not None and reply.message.content == "count=1"
    with pytest.raises(OfflineError, match="no component"):
        await probed.click(alice, reply.message, label="Count 0")


async def test_persistent_button_works_after_restart(probed: OfflineDiscord) -> None:
    alice = probed.member("alice")
    reply = await probed.slash(alice, "probe counter")
    await probed.restart()
    probed.bot.add_dynamic_items(probe.CounterButton)  # what the real cogs do in setup()
    await probed.click(alice, reply.message, custom_id="probe:count:0")
    assert reply.message is not None and reply.message.content == "count=1"


async def test_modal_submit(probed: OfflineDiscord) -> None:
    alice = probed.member("alice")
    opened = await probed.slash(alice, "probe ask")
    assert opened.modal is not None and opened.modal["title"] == "Your answer"
    submitted = await probed.submit_modal(alice, opened, answer="nucleus sampling")
    assert submitted.content == "got: nucleus sampling"
    assert submitted.ephemeral
    with pytest.raises(OfflineError, match="no field"):
        await probed.submit_modal(alice, opened, colour="red")


async def test_thread_creation(probed: OfflineDiscord) -> None:
    general = probed.channel("general")
    await probed.slash(probed.member("alice"), "probe thread")
    post = probed.messages(general)[-1]
    assert post.thread is not None and post.thread.name == "Discussion"
    assert [m.content for m in probed.messages(post.thread)] == ["first message in the thread"]
    assert probed.bot.get_channel(post.thread.id) is not None  # THREAD_CREATE reached the cache


async def test_defer_then_followup(probed: OfflineDiscord) -> None:
    reply = await probed.slash(probed.member("alice"), "probe defer")
    assert reply.content == "done thinking"  # the first followup replaces "thinking..."
    assert reply.ephemeral
    routes = [c.route for c in probed.calls[-2:]]
    assert routes == [
        "POST /interactions/{interaction_id}/{token}/callback",
        "POST /webhooks/{application_id}/{token}",
    ]


async def test_files_are_captured(probed: OfflineDiscord) -> None:
    reply = await probed.slash(probed.member("alice"), "probe file")
    assert [(f.filename, f.data) for f in reply.files] == [("hello.txt", b"hello")]


async def test_message_events_reach_listeners(probed: OfflineDiscord) -> None:
    cog = probed.bot.get_cog("ProbeCog")
    await probed.say(probed.member("alice"), probed.channel("general"), "hello there")
    assert cog.seen_messages == ["hello there"]


async def test_second_response_is_already_acknowledged(probed: OfflineDiscord) -> None:
    with probed.expect_errors() as errors:
        await probed.slash(probed.member("alice"), "probe twice")
    assert probed.violations[-1].body["code"] == 40060
    assert errors, "the bot's own error handler logged the failure"
    probed.violations.clear()


async def test_late_first_response_is_refused(probed: OfflineDiscord) -> None:
    probed.rest.ack_budget = 0.05  # measured in real time; shrunk so the test stays fast
    with probed.expect_errors():
        await probed.slash(probed.member("alice"), "probe slow", seconds=0.1)
    assert probed.violations[-1].body["code"] == 10062
    assert max(probed.ack_latencies) >= 0.1
    probed.violations.clear()
    probed.world.interactions.clear()


async def test_unanswered_interaction_fails_the_test(tmp_path: Path) -> None:
    with pytest.raises(OfflineError, match="never answered"):
        async with OfflineDiscord(db_path=tmp_path / "q.db") as d:
            await probe.install(d.bot)
            await d.slash(d.member("alice"), "probe silent")


def embed(**fields: object) -> dict[str, object]:
    return {"title": "t", **fields}


def field_list(count: int, name: str = "n", value: str = "v") -> list[dict[str, str]]:
    return [{"name": name, "value": value}] * count


def button_row(label: str = "b", custom_id: str = "x") -> list[dict[str, object]]:
    return [
        {"type": 1, "components": [{"type": 2, "style": 1, "label": label, "custom_id": custom_id}]}
    ]


# Sent as raw JSON: discord.py checks a few of these itself, but the fake must catch them all.
LIMIT_CASES: dict[str, dict[str, object]] = {
    "content over 2000": {"content": "x" * 2001},
    "11 embeds": {"embeds": [embed()] * 11},
    "title over 256": {"embeds": [embed(title="t" * 257)]},
    "description over 4096": {"embeds": [embed(description="d" * 4097)]},
    "26 fields": {"embeds": [embed(fields=field_list(26))]},
    "field name over 256": {"embeds": [embed(fields=field_list(1, name="n" * 257))]},
    "field value over 1024": {"embeds": [embed(fields=field_list(1, value="v" * 1025))]},
    "footer over 2048": {"embeds": [embed(footer={"text": "f" * 2049})]},
    "author over 256": {"embeds": [embed(author={"name": "a" * 257})]},
    "embeds over 6000 in all": {"embeds": [embed(description="d" * 4000)] * 2},
    "custom_id over 100": {"content": "c", "components": button_row(custom_id="c" * 101)},
    "label over 80": {"content": "c", "components": button_row(label="l" * 81)},
    "6 action rows": {"content": "c", "components": button_row() * 6},
    "6 buttons in a row": {
        "content": "c",
        "components": [{"type": 1, "components": button_row()[0]["components"] * 6}],
    },
    "select with 26 options": {
        "content": "c",
        "components": [
            {
                "type": 1,
                "components": [
                    {
                        "type": 3,
                        "custom_id": "s",
                        "options": [{"label": str(i), "value": str(i)} for i in range(26)],
                    }
                ],
            }
        ],
    },
    "empty message": {"content": ""},
}


@pytest.mark.parametrize("case", sorted(LIMIT_CASES))
async def test_discord_limits_on_messages_fail(probed: OfflineDiscord, case: str) -> None:
    from discord.http import Route

    channel_id = probed.channel("general").id
    route = Route("POST", "/channels/{channel_id}/messages", channel_id=channel_id)
    with pytest.raises(discord.HTTPException) as caught:
        await probed.bot.http.request(route, json=LIMIT_CASES[case])
    assert caught.value.status == 400
    assert probed.violations, "the harness records the refusal so the test fails"
    probed.violations.clear()


async def test_a_limit_broken_through_discord_py_fails_the_test(tmp_path: Path) -> None:
    with pytest.raises(OfflineError, match="Must be 2000 or fewer"):
        async with OfflineDiscord(db_path=tmp_path / "q.db") as d:
            channel = d.bot.get_channel(d.channel("general").id)
            with pytest.raises(discord.HTTPException):
                await channel.send("x" * 2001)


@pytest.mark.parametrize(
    ("modal", "path"),
    [
        (
            {"title": "t" * 46, "custom_id": "m", "components": [{"type": 1, "components": []}]},
            "data.title",
        ),
        (
            {"title": "t", "custom_id": "m", "components": [{"type": 1, "components": []}] * 6},
            "data.components",
        ),
        (
            {
                "title": "t",
                "custom_id": "m",
                "components": [
                    {"type": 1, "components": [{"type": 4, "custom_id": "a", "label": "l" * 46}]}
                ],
            },
            "data.components.0.components.0.label",
        ),
        (
            {
                "title": "t",
                "custom_id": "m",
                "components": [
                    {
                        "type": 1,
                        "components": [
                            {"type": 4, "custom_id": "a", "label": "l", "max_length": 4001}
                        ],
                    }
                ],
            },
            "data.components.0.components.0.max_length",
        ),
    ],
)
def test_modal_limits(modal: dict, path: str) -> None:
    from offline.session import body_problems

    route = "POST /interactions/{interaction_id}/{token}/callback"
    assert path in [p.path for p in body_problems(route, {"type": 9, "data": modal})]


async def test_sending_to_a_deleted_channel_is_a_404_not_a_violation(
    probed: OfflineDiscord,
) -> None:
    room = probed.channel("doomed")
    channel = probed.bot.get_channel(room.id)
    probed.delete_channel(room)
    with pytest.raises(discord.NotFound):
        await channel.send("anyone?")
    assert not probed.violations


async def test_removed_permission_gives_403(probed: OfflineDiscord) -> None:
    room = probed.channel("locked")
    probed.set_permissions(room, deny=discord.Permissions(send_messages=True))
    channel = probed.bot.get_channel(room.id)
    assert not channel.permissions_for(channel.guild.me).send_messages  # cache updated too
    with pytest.raises(discord.Forbidden):
        await channel.send("hello")


async def test_fake_clock_drives_scheduler_and_sleeps(probed: OfflineDiscord) -> None:
    fired: list[object] = []

    async def job() -> None:
        fired.append(probed.bot.clock.now())

    start = probed.now
    probed.bot.scheduler.owner("probe").at("hour", start.replace(hour=start.hour + 1), job)
    await probed.advance(minutes=59)
    assert fired == []
    await probed.advance(minutes=2)
    assert fired == [start.replace(hour=start.hour + 1)]


async def test_several_guilds(probed: OfflineDiscord) -> None:
    other = probed.guild_named("Other Server")
    carol = probed.member("carol", guild=other)
    reply = await probed.slash(
        carol,
        "probe echo",
        text="hi",
        times=1,
        who=carol,
        where=probed.channel("general", guild=other),
    )
    assert reply.content.startswith("hi for carol")
    assert probed.bot.get_guild(other.id) is not None


async def test_gateway_mode_runs_the_real_connect_loop(tmp_path: Path) -> None:
    async with OfflineDiscord(db_path=tmp_path / "q.db", gateway=True) as d:
        assert d.socket is not None
        assert 2 in [p["op"] for p in d.socket.received]  # IDENTIFY was sent
        assert d.bot.is_ready() and d.bot.get_guild(d.guild.id) is not None
        reply = await d.slash(d.member("alice"), "help")
        assert "quizbot commands" in reply.text


async def test_a_failed_start_closes_what_it_opened(
    tmp_path: Path, failing_start: ThreadsBefore
) -> None:
    offline = OfflineDiscord(db_path=tmp_path / "q.db")
    with pytest.raises(RuntimeError, match="a cog failed"):
        async with offline:
            pass
    await failing_start.check()  # aiosqlite's thread is gone
    assert offline.bot is None
