"""/config: every server setting, shown and changed in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import options
from bot.checks import admin_only
from bot.errors import UserError
from bot.guild_config import SETTINGS, SettingError, get_config, parse_setting
from bot.ui.embeds import brand_embed
from db import daily, guilds

if TYPE_CHECKING:
    from bot.client import QuizBot


def shown(value: Any) -> str:
    if value is None:
        return "next post"
    if isinstance(value, list | tuple):
        return ", ".join(value) or "all"
    return str(value)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class ConfigCog(commands.GroupCog, name="Config", group_name="config"):
    """Server settings."""

    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot
        super().__init__()

    async def _values(self, guild_id: int) -> dict[str, Any]:
        values = await get_config(self.bot.db, guild_id)
        schedule = await daily.get_schedule(self.bot.db, guild_id)
        for name, setting in SETTINGS.items():
            if setting.schedule_column is not None:
                values[name] = (
                    getattr(schedule, setting.schedule_column) if schedule else setting.default
                )
        return values

    @app_commands.command(name="show", description="Show every server setting")
    @admin_only
    async def show(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        values = await self._values(interaction.guild.id)
        lines = [
            f"`{name}` = **{shown(values[name])}**\n{setting.help}"
            for name, setting in SETTINGS.items()
        ]
        embed = brand_embed("Server settings", "\n".join(lines))
        embed.set_footer(text="Change one with /config set key:<setting> value:<new value>")
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="set", description="Change a server setting")
    @app_commands.describe(key="The setting", value="Its new value")
    @admin_only
    async def set(self, interaction: discord.Interaction, key: str, value: str) -> None:
        assert interaction.guild is not None
        guild_id = interaction.guild.id
        try:
            parsed = parse_setting(key, value)
        except SettingError as exc:
            raise UserError(str(exc)) from None
        setting = SETTINGS[key]
        if key == "daily_topics":
            options.check_topics(parsed, await self.bot.catalogs.pool_topics(guild_id))
        if setting.schedule_column is not None:
            stored = await daily.update_schedule(
                self.bot.db, guild_id, setting.schedule_column, parsed
            )
            if not stored:
                raise UserError("Set up the daily question first, with `/daily setup`.")
        else:
            await guilds.set_setting(self.bot.db, guild_id, key, parsed, self.bot.clock.time())
        await interaction.response.send_message(
            f"`{key}` is now **{shown(parsed)}**. It applies from now on.", ephemeral=True
        )

    @set.autocomplete("key")
    async def key_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if not options.is_admin(interaction):
            return []
        typed = current[: options.TYPED_LIMIT].strip().lower()
        return options.choices((name, name) for name in SETTINGS if typed in name)
