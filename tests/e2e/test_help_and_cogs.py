from __future__ import annotations

from collections import Counter

from discord import app_commands

from bot.client import discover_cogs
from offline import OfflineDiscord

COMMANDS = "PUT /applications/{application_id}/commands"
MANAGE_GUILD = 1 << 5


def test_every_cog_package_is_discovered() -> None:
    names = discover_cogs()
    assert "cogs.help" in names
    assert names == sorted(set(names))


async def test_every_cog_loads_and_command_names_do_not_clash(offline: OfflineDiscord) -> None:
    assert set(discover_cogs()) <= set(offline.bot.extensions)
    names = [c.qualified_name for c in offline.bot.tree.walk_commands()]
    assert [n for n, count in Counter(names).items() if count > 1] == []


def leaf_commands(offline: OfflineDiscord) -> list[app_commands.Command]:
    return [c for c in offline.bot.tree.walk_commands() if isinstance(c, app_commands.Command)]


def runs_only_for_admins(command: app_commands.Command) -> bool:
    """The runtime check (bot.checks.admin_only): Manage Server, whatever Discord shows."""
    return any("has_permissions" in check.__qualname__ for check in command.checks)


async def test_help_shows_a_member_only_what_they_can_use(offline: OfflineDiscord) -> None:
    reply = await offline.slash(offline.member("alice"), "help")
    assert reply.ephemeral
    text = reply.text
    commands = leaf_commands(offline)
    assert any(runs_only_for_admins(c) for c in commands)
    assert any(not runs_only_for_admins(c) for c in commands)
    for command in commands:
        line = f"/{command.qualified_name}`: {command.description}"
        assert (line in text) != runs_only_for_admins(command), command.qualified_name
    assert "admin" not in text.lower()


async def test_help_shows_an_admin_the_rest_marked_as_admin_commands(
    offline: OfflineDiscord,
) -> None:
    reply = await offline.slash(offline.member("mod", admin=True), "help")
    assert reply.ephemeral
    (embed,) = reply.embeds
    assert "Manage Server" in (embed.description or "")
    for command in leaf_commands(offline):
        line = f"/{command.qualified_name}`: {command.description}"
        (field,) = [f for f in embed.fields if line in (f.value or "")]
        assert ("· admin" in (field.name or "")) == runs_only_for_admins(command), line
    # Every member section comes before the first admin section.
    marked = ["· admin" in (f.name or "") for f in embed.fields]
    assert marked == sorted(marked)


async def test_discord_hides_exactly_the_admin_commands_from_members(
    offline: OfflineDiscord,
) -> None:
    """The registered payload: Manage Server (0x20) on each top-level command whose commands
    check it at run time, and nothing on the commands every member may use."""
    await offline.bot.tree.sync()
    (put, *_) = [c for c in reversed(offline.calls) if c.route == COMMANDS]
    registered = {entry["name"]: entry for entry in put.json}
    admin_roots: dict[str, set[bool]] = {}
    for command in leaf_commands(offline):
        root = (command.root_parent or command).name
        admin_roots.setdefault(root, set()).add(runs_only_for_admins(command))
    assert admin_roots.keys() <= registered.keys()
    for name, admin in admin_roots.items():
        assert len(admin) == 1, f"/{name} mixes admin and member commands"
        value = registered[name].get("default_member_permissions")  # a bit set, int or str
        shown = None if value is None else int(value)
        assert shown == (MANAGE_GUILD if admin == {True} else None), name
