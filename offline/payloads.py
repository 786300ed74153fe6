"""The gateway payloads a member's actions become: interactions and slash-command data, and
which installs Discord says authorized a command where it was used."""

from __future__ import annotations

from typing import Any

from discord import app_commands

from offline.reply import OfflineError, option_value
from offline.world import EVERYONE_PERMISSIONS, FakeChannel, FakeInteraction, FakeMember, World

GUILD, BOT_DM, PRIVATE_CHANNEL = 0, 1, 2  # interaction context types
GUILD_INSTALL, USER_INSTALL = 0, 1  # application integration types
PLACES = {GUILD: "a server", BOT_DM: "a DM with the bot", PRIVATE_CHANNEL: "a private channel"}


def context_of(world: World, channel: FakeChannel) -> int:
    if not channel.is_private:
        return GUILD
    return BOT_DM if channel.with_bot(world.bot_user) else PRIVATE_CHANNEL


def authorize(
    world: World, registered: dict[str, Any], member: FakeMember, channel: FakeChannel
) -> tuple[int, dict[str, str]]:
    """``(context, authorizing_integration_owners)`` for the top-level command ``registered``
    (its payload as registered) used by ``member`` in ``channel``; OfflineError where Discord
    would not offer it.

    As Discord decides: a command is offered in the contexts it lists (all three when it lists
    none, only servers with ``dm_permission`` false), through the installs it lists (those the
    app has enabled when it lists none) that apply there: the server's install where the bot
    is installed (in a DM with the bot, key "0" holds "0"), and the member's own install when
    they added the app to their account."""
    name = registered.get("name", "?")
    context = context_of(world, channel)
    contexts = registered.get("contexts")
    if contexts is None:
        contexts = [GUILD] if registered.get("dm_permission") is False else list(PLACES)
    if context not in contexts:
        raise OfflineError(f"Discord does not offer /{name} in {PLACES[context]} (its contexts: "
                           f"{contexts})")  # fmt: skip
    installs = registered.get("integration_types") or sorted(world.install_types)
    installs = [i for i in installs if i in world.install_types]
    owners: dict[str, str] = {}
    if GUILD_INSTALL in installs:
        if context == GUILD and channel.guild.has_bot:
            owners[str(GUILD_INSTALL)] = str(channel.guild.id)
        elif context == BOT_DM:
            owners[str(GUILD_INSTALL)] = "0"
    if USER_INSTALL in installs and member.id in world.user_installs:
        owners[str(USER_INSTALL)] = str(member.id)
    if not owners:
        raise OfflineError(
            f"Discord does not offer /{name} to {member.name} in {PLACES[context]}: no install "
            f"of the app applies there (its integration types: {installs}; "
            f"added to {member.name}'s account: {member.id in world.user_installs})"
        )
    return context, owners


def _server_install(channel: FakeChannel) -> dict[str, str]:
    # An interaction built without owners (a harness-made one): the server's install, where
    # the bot is installed in the channel's server.
    has_server = not channel.is_private and channel.guild.has_bot
    return {str(GUILD_INSTALL): str(channel.guild.id)} if has_server else {}


def interaction_payload(world: World, i: FakeInteraction, data: dict[str, Any]) -> dict[str, Any]:
    """INTERACTION_CREATE as Discord sends it for ``i``: in a server with the member and the
    server's permissions (a partial ``guild`` where the bot is not installed), elsewhere with
    the ``user`` only."""
    payload: dict[str, Any] = {
        "id": str(i.id),
        "application_id": str(world.application_id),
        "type": i.type,
        "data": data,
        "channel_id": str(i.channel.id),
        "channel": i.channel.payload(),
        "token": i.token,
        "version": 1,
        "locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": 10 * 1024 * 1024,
        "authorizing_integration_owners": i.owners or _server_install(i.channel),
        "context": i.context,
    }
    if i.channel.is_private:
        payload["user"] = i.member.user.payload()
        # What the app may do in a private channel: the basics of a message, no moderation.
        payload["app_permissions"] = str(EVERYONE_PERMISSIONS)
    else:
        guild = i.channel.guild
        perms = guild.permissions(i.member, i.channel)
        payload["guild_id"] = str(guild.id)
        payload["guild_locale"] = "en-US"
        payload["member"] = dict(i.member.payload(), permissions=str(perms))
        if guild.has_bot:
            bot_member = guild.members[world.bot_user.id]
            payload["app_permissions"] = str(guild.permissions(bot_member, i.channel))
        else:
            # A user install in a server without the bot: Discord sends a partial server and
            # lets the app do what @everyone may there.
            payload["guild"] = {"id": str(guild.id), "locale": "en-US", "features": []}
            payload["app_permissions"] = str(guild.permissions_of_everyone(i.channel))
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
    guild_id: int | None = None,
) -> dict[str, Any]:
    """The ``data`` of a slash command (or autocomplete) interaction: the options as Discord
    nests them for subcommands, snowflake options with their objects in ``resolved``.
    ``guild_id``: the server the command is used in, if any (None in DMs)."""
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
        "options": leaf,
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
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
