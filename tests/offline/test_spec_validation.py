"""The fake refuses what Discord's OpenAPI description refuses, with Discord's 400, never a crash;
and the bot's own requests (commands included) pass."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import discord
import pytest
from discord import app_commands
from discord.http import Route

from offline import OfflineDiscord, openapi, rules
from offline.clock import FakeClock
from offline.session import FakeRest
from offline.world import World

API = "https://discord.com/api/v10"


def fake_rest() -> FakeRest:
    return FakeRest(World(FakeClock()), dispatch=lambda event, data: None)


async def send(rest: FakeRest, route: str, body: Any) -> tuple[int, Any]:
    """``body`` as discord.py would send it to ``route`` (parameters filled with ids)."""
    method, _, template = route.partition(" ")
    path = template
    for name in ("channel_id", "message_id", "guild_id", "user_id", "interaction_id"):
        path = path.replace("{" + name + "}", "1")
    path = path.replace("{application_id}", str(rest.world.application_id))
    path = path.replace("{token}", "token")
    response = await rest.handle(method, API + path, {"json": body})
    return response.status, await response.json()


def assert_invalid_form_body(status: int, body: Any, path: str) -> None:
    assert status == 400, body
    assert body["code"] == 50035 and body["message"] == "Invalid Form Body"
    node = body["errors"]
    for part in path.split(".") if path else ():
        assert part in node, f"{path} not in {body['errors']}"
        node = node[part]
    errors = list(_errors_under(node))  # a duplicate in a list is reported at its index
    assert errors and all({"code", "message"} <= set(e) for e in errors), body


def _errors_under(node: dict[str, Any]) -> Any:
    yield from node.get("_errors", [])
    for key, child in node.items():
        if key != "_errors":
            yield from _errors_under(child)


# -- the spec's rules, every one the fake enforces --------------------------------------------


def test_the_fake_enforces_nearly_all_of_the_specs_rules() -> None:
    measured = rules.measure()
    enforced, total = len(measured.enforced), len(measured.rules)
    # The few left are behind unions a body may satisfy another way (webhook execute versus
    # edit, forum versus text thread, number versus integer choices): the spec cannot tell.
    assert total > 1000 and enforced / total > 0.95, measured.by_kind()
    reasons = {why.split(":")[0] for _, why in measured.unenforced}
    assert reasons <= {
        "a body breaking it is accepted (another branch of a union takes it)",
        "no valid body reaches it",
        "refused for something else",
    }


def sample_by_kind(per_kind: int = 12) -> list[rules.Rule]:
    by_kind: dict[str, list[rules.Rule]] = defaultdict(list)
    for rule in rules.measure().enforced:
        if len(by_kind[rule.keyword]) < per_kind:
            by_kind[rule.keyword].append(rule)
    return [rule for found in by_kind.values() for rule in found]


@pytest.mark.parametrize("rule", sample_by_kind(), ids=lambda r: f"{r.keyword}:{r.pointer[-50:]}")
async def test_a_body_breaking_a_rule_gets_discords_400(rule: rules.Rule) -> None:
    broken = rules.breaking_body(rule)
    assert broken is not None
    body, path = broken
    rest = fake_rest()
    status, answer = await send(rest, rule.route, body)
    assert_invalid_form_body(status, answer, path)
    assert rest.violations and rest.violations[-1].status == 400


def test_every_rule_kind_is_sampled() -> None:
    kinds = {rule.keyword for rule in sample_by_kind()}
    assert kinds >= {"type", "enum", "required", "maxLength", "minLength", "maxItems", "minimum"}


# -- by hand: what the issue found accepted or crashing --------------------------------------

MESSAGES = "POST /channels/{channel_id}/messages"
CALLBACK = "POST /interactions/{interaction_id}/{token}/callback"
COMMANDS = "PUT /applications/{application_id}/commands"
THREAD = "POST /channels/{channel_id}/messages/{message_id}/threads"


def row(*components: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"type": 1, "components": list(components)}]


def command(**fields: Any) -> dict[str, Any]:
    return {"name": "quiz", "description": "Start a quiz", "type": 1, **fields}


def option(**fields: Any) -> dict[str, Any]:
    return {"name": "topic", "description": "Which topic", "type": 3, **fields}


CASES: list[tuple[str, str, Any, str]] = [
    ("content is a number", MESSAGES, {"content": 5}, "content"),
    ("body is a list", MESSAGES, ["hello"], ""),
    ("content over 2000", MESSAGES, {"content": "x" * 2001}, "content"),
    (
        "button style 9",
        MESSAGES,
        {"components": row({"type": 2, "style": 9, "label": "a", "custom_id": "a"})},
        "components.0.components.0.style",
    ),
    (
        "a link button without url",
        MESSAGES,
        {"components": row({"type": 2, "style": 5, "label": "a"})},
        "components.0.components.0.url",
    ),
    (
        "an empty action row",
        MESSAGES,
        {"content": "x", "components": row()},
        "components.0.components",
    ),
    ("unknown component type", MESSAGES, {"components": [{"type": 77}]}, "components.0.type"),
    ("embed colour over 0xFFFFFF", MESSAGES, {"embeds": [{"color": 1 << 24}]}, "embeds.0.color"),
    (
        "101 mentioned users",
        MESSAGES,
        {"content": "x", "allowed_mentions": {"users": [str(i) for i in range(1, 103)]}},
        "allowed_mentions.users",
    ),
    (
        "embeds over 6000 in all",
        MESSAGES,
        {"embeds": [{"description": "d" * 4000}] * 2},
        "embeds",
    ),
    (
        "auto_archive_duration 42",
        THREAD,
        {"name": "t", "auto_archive_duration": 42},
        "auto_archive_duration",
    ),
    ("thread name over 100", THREAD, {"name": "n" * 101}, "name"),
    (
        "modal title over 45",
        CALLBACK,
        {
            "type": 9,
            "data": {
                "title": "t" * 46,
                "custom_id": "m",
                "components": row({"type": 4, "custom_id": "a", "style": 1, "label": "A"}),
            },
        },
        "data.title",
    ),
    (
        "modal without components",
        CALLBACK,
        {"type": 9, "data": {"title": "t", "custom_id": "m"}},
        "data.components",
    ),
    (
        "six modal rows",
        CALLBACK,
        {
            "type": 9,
            "data": {
                "title": "t",
                "custom_id": "m",
                "components": row({"type": 4, "custom_id": "a", "style": 1, "label": "A"}) * 6,
            },
        },
        "data.components",
    ),
    ("response type 99", CALLBACK, {"type": 99}, "type"),
    (
        "26 autocomplete choices",
        CALLBACK,
        {"type": 8, "data": {"choices": [{"name": "a", "value": "a"}] * 26}},
        "data.choices",
    ),
    ("command without a name", COMMANDS, [{"description": "d"}], "0.name"),
    ("command name with capitals", COMMANDS, [command(name="Quiz")], "0.name"),
    ("command name with a space", COMMANDS, [command(name="my quiz")], "0.name"),
    ("command name over 32", COMMANDS, [command(name="q" * 33)], "0.name"),
    ("command description over 100", COMMANDS, [command(description="d" * 101)], "0.description"),
    ("slash command without description", COMMANDS, [command(description="")], "0.description"),
    (
        "26 options",
        COMMANDS,
        [command(options=[option(name=f"o{i}") for i in range(26)])],
        "0.options",
    ),
    ("option type 42", COMMANDS, [command(options=[option(type=42)])], "0.options.0.type"),
    (
        "option description empty",
        COMMANDS,
        [command(options=[option(description="")])],
        "0.options.0.description",
    ),
    (
        "26 choices",
        COMMANDS,
        [command(options=[option(choices=[{"name": str(i), "value": str(i)} for i in range(26)])])],
        "0.options.0.choices",
    ),
    (
        "choice name over 100",
        COMMANDS,
        [command(options=[option(choices=[{"name": "c" * 101, "value": "c"}])])],
        "0.options.0.choices.0.name",
    ),
    (
        "required option after an optional one",
        COMMANDS,
        [command(options=[option(name="a"), option(name="b", required=True)])],
        "0.options.1",
    ),
    ("two commands named alike", COMMANDS, [command(), command()], "1.name"),
    (
        "subcommands mixed with options",
        COMMANDS,
        [command(options=[option(), {"type": 1, "name": "sub", "description": "s"}])],
        "0.options",
    ),
    (
        "a command over 4000 characters",
        COMMANDS,
        [
            command(
                options=[
                    option(
                        name=f"o{i}",
                        description="d" * 100,
                        choices=[{"name": "c" * 100, "value": "v" * 100}] * 3,
                    )
                    for i in range(6)
                ]
            )
        ],
        "0",
    ),
]


@pytest.mark.parametrize(("case", "route", "body", "path"), CASES, ids=[c[0] for c in CASES])
async def test_what_discord_refuses_gets_400(case: str, route: str, body: Any, path: str) -> None:
    status, answer = await send(fake_rest(), route, body)
    assert_invalid_form_body(status, answer, path)


@pytest.mark.parametrize(
    "route", sorted(r for r in rules.served_routes() if openapi.request_schema(r))
)
@pytest.mark.parametrize("value", [None, 0, 1.5, True, "x", [], [1], {"a": 1}, {"content": {}}])
async def test_a_wrong_type_is_a_400_or_an_answer_never_a_crash(route: str, value: Any) -> None:
    status, _ = await send(fake_rest(), route, value)
    assert status in (200, 201, 204, 400, 401, 403, 404)


def test_a_valid_command_passes() -> None:
    body = [command(options=[option(required=True, choices=[{"name": "RAG", "value": "rag"}])])]
    assert openapi.validator().check(openapi.request_schema(COMMANDS) or {}, body) == []
    from offline.limits import check_commands

    assert check_commands(body) == []


def test_names_in_other_scripts_are_names() -> None:
    from offline.limits import check_commands

    assert check_commands([command(name="quiz-été_2")]) == []
    assert check_commands([command(name="क्विज़")]) == []  # Devanagari with its marks


# -- the bot's own requests -----------------------------------------------------------------


async def test_the_bots_command_sync_passes_validation(offline: OfflineDiscord) -> None:
    synced = await offline.bot.tree.sync()
    assert synced and offline.world.commands[None]
    put = [c for c in offline.calls if c.route == COMMANDS]
    assert put and put[-1].status == 200
    assert not offline.violations


async def test_the_dev_guild_sync_at_start_passes_validation(tmp_path: Path) -> None:
    async with OfflineDiscord(db_path=tmp_path / "q.db", dev_guild_id=123456789012345678) as d:
        route = "PUT /applications/{application_id}/guilds/{guild_id}/commands"
        put = [c for c in d.calls if c.route == route]
        assert put and put[-1].status == 200 and put[-1].params["guild_id"] == "123456789012345678"
        assert d.world.commands[123456789012345678]


async def test_a_command_discord_would_refuse_fails_the_sync(offline: OfflineDiscord) -> None:
    tree = offline.bot.tree
    payload = [c.to_dict(tree) for c in tree.get_commands()]
    # discord.py checks each name and description itself; only Discord checks the total size
    # of a command (4,000 characters), so a command of 25 long options passes discord.py.
    big = app_commands.Group(name="big", description="d" * 100)
    for i in range(25):
        big.add_command(
            app_commands.Command(name=f"s{i}", description="d" * 100, callback=_one_topic)
        )
    payload.append(big.to_dict(tree))
    with pytest.raises(discord.HTTPException) as caught:
        await offline.bot.http.bulk_upsert_global_commands(offline.world.application_id, payload)
    assert caught.value.status == 400 and caught.value.code == 50035
    assert "exceeds maximum size" in str(caught.value)
    offline.violations.clear()


@app_commands.describe(topic="t" * 100)
async def _one_topic(interaction: discord.Interaction, topic: str) -> None:
    return None


async def test_a_message_discord_would_refuse_is_a_400_for_the_bot(offline: OfflineDiscord) -> None:
    route = Route(
        "POST", "/channels/{channel_id}/messages", channel_id=offline.channel("general").id
    )
    with pytest.raises(discord.HTTPException) as caught:
        await offline.bot.http.request(route, json={"content": "x", "embeds": [{"color": -1}]})
    assert caught.value.status == 400 and caught.value.code == 50035
    assert "embeds.0.color" in str(caught.value)
    offline.violations.clear()
