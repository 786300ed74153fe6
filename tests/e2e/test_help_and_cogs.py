from __future__ import annotations

from collections import Counter

from bot.client import discover_cogs
from offline import OfflineDiscord


def test_every_cog_package_is_discovered() -> None:
    names = discover_cogs()
    assert "cogs.help" in names
    assert names == sorted(set(names))


async def test_every_cog_loads_and_command_names_do_not_clash(offline: OfflineDiscord) -> None:
    assert set(discover_cogs()) <= set(offline.bot.extensions)
    names = [c.qualified_name for c in offline.bot.tree.walk_commands()]
    assert [n for n, count in Counter(names).items() if count > 1] == []


async def test_help_lists_every_command_privately(offline: OfflineDiscord) -> None:
    reply = await offline.slash(offline.member("alice"), "help")
    assert reply.ephemeral
    text = reply.text
    for command in offline.bot.tree.walk_commands():
        if not hasattr(command, "walk_commands"):  # leaf commands, not groups
            assert f"/{command.qualified_name}`: {command.description}" in text
