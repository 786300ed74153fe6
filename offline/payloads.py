"""The gateway payloads a member's actions become: interactions and slash-command data."""

from __future__ import annotations

from typing import Any

from discord import app_commands

from offline.reply import OfflineError, option_value
from offline.world import FakeInteraction, FakeMember, World


def interaction_payload(world: World, i: FakeInteraction, data: dict[str, Any]) -> dict[str, Any]:
    """INTERACTION_CREATE as Discord sends it for ``i``."""
    guild = i.member.guild
    bot_member = guild.members[world.bot_user.id]
    member = dict(i.member.payload(), permissions=str(guild.permissions(i.member, i.channel)))
    payload: dict[str, Any] = {
        "id": str(i.id),
        "application_id": str(world.application_id),
        "type": i.type,
        "data": data,
        "guild_id": str(guild.id),
        "channel_id": str(i.channel.id),
        "channel": i.channel.payload(),
        "member": member,
        "token": i.token,
        "version": 1,
        "locale": "en-US",
        "guild_locale": "en-US",
        "app_permissions": str(guild.permissions(bot_member, i.channel)),
        "entitlements": [],
        "attachment_size_limit": 10 * 1024 * 1024,
        "authorizing_integration_owners": {"0": str(guild.id)},
        "context": 0,
    }
    if i.message is not None:
        payload["message"] = i.message.payload()
    return payload


def command_data(
    world: World,
    tree: app_commands.CommandTree[Any],
    command: str,
    member: FakeMember,
    options: dict[str, Any],
    focused: str | None = None,
) -> dict[str, Any]:
    """The ``data`` of a slash command (or autocomplete) interaction: the options as Discord
    nests them for subcommands, snowflake options with their objects in ``resolved``."""
    names = command.strip().lstrip("/").split()
    found: Any = tree.get_command(names[0])
    for name in names[1:]:
        if not isinstance(found, app_commands.Group):
            found = None
            break
        found = found.get_command(name)
    if not isinstance(found, app_commands.Command):
        raise OfflineError(f"no slash command /{command}")
    resolved: dict[str, dict[str, Any]] = {}
    leaf = _options(found, member, dict(options), resolved, focused)
    for name in reversed(names[1:]):
        kind = 1 if name == names[-1] else 2
        leaf = [{"type": kind, "name": name, "options": leaf}]
    data: dict[str, Any] = {
        "id": str(world.snowflake()),
        "name": names[0],
        "type": 1,
        "guild_id": str(member.guild.id),
        "options": leaf,
    }
    if resolved:
        data["resolved"] = resolved
    return data


def _options(
    command: app_commands.Command[Any, ..., Any],
    member: FakeMember,
    options: dict[str, Any],
    resolved: dict[str, dict[str, Any]],
    focused: str | None,
) -> list[dict[str, Any]]:
    by_python_name = {p.name: p.display_name for p in command._params.values()}
    options = {by_python_name.get(k, k): v for k, v in options.items()}
    result = []
    for parameter in command.parameters:
        if parameter.name not in options:
            if parameter.required and focused is None:  # typing may be unfinished
                raise OfflineError(f"/{command.qualified_name} needs option {parameter.name}")
            continue
        value = options.pop(parameter.name)
        option = {
            "name": parameter.name,
            "type": parameter.type.value,
            "value": option_value(value, member, resolved),
        }
        if parameter.name == focused:
            option["focused"] = True
        result.append(option)
    if options:
        raise OfflineError(f"/{command.qualified_name} has no option(s) {sorted(options)}")
    return result
