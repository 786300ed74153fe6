"""/bank: a server's own question banks, imported from YAML files, next to the built-in one."""

from __future__ import annotations

import functools
import io
from pathlib import PurePath
from typing import TYPE_CHECKING, cast

import discord
from discord import app_commands
from discord.ext import commands

from bank import BankError, load_bank_text
from bank.loader import MAX_FILE_BYTES, slugify
from bank.schema import LEVELS, Item, Level
from bank.validation import BUILTIN_OWNER, id_clashes, owned_ids
from bank.words import plural, plural_noun
from bot import options
from bot.catalogs import POOL_SETTING
from bot.checks import admin_only
from bot.errors import UserError
from bot.ui.confirm import Confirm
from bot.ui.embeds import brand_embed, chunk_lines, truncate
from db import banks, daily, guilds

if TYPE_CHECKING:
    from bot.client import QuizBot

PROBLEM_LIST_CHARS = 3500  # what fits in one embed with room for the summary


def problem_report(problems: list[str], limit: int = PROBLEM_LIST_CHARS) -> str:
    """As many problems as fit, then how many more there are."""
    lines: list[str] = []
    used = 0
    for index, problem in enumerate(problems):
        line = f"• {problem}"
        more = len(problems) - index
        if used + len(line) + 40 > limit:
            lines.append(f"…and {more} more")
            break
        lines.append(line)
        used += len(line) + 1
    return "\n".join(lines)


def topic_summary(items: list[Item]) -> str:
    topics: dict[str, int] = {}
    for item in items:
        topics[item.topic] = topics.get(item.topic, 0) + 1
    return ", ".join(f"{topic} ({count})" for topic, count in sorted(topics.items()))


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class BankCog(commands.GroupCog, name="Bank", group_name="bank"):
    """The server's question banks."""

    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="list", description="Built-in and imported question banks")
    @admin_only
    async def list_banks(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        guild_id = interaction.guild.id
        builtin = self.bot.catalog
        custom = await banks.custom_banks(self.bot.db, guild_id)
        pool = await self.bot.catalogs.pool_topics(guild_id)
        embed = brand_embed("Question banks")
        embed.add_field(
            name=f"Built-in: {plural(len(builtin), 'question')}",
            value=", ".join(builtin.topics()) or "none",
            inline=False,
        )
        authors = await self._authors(guild_id) if custom else {}
        lines = [
            f"**{b.name}**: {plural(b.item_count, 'question')}"
            + (f" by {authors[b.name]}" if b.name in authors else "")
            + f", imported <t:{int(b.imported_at)}:R> by <@{b.imported_by}>"
            for b in custom
        ]
        lines = lines or ["None yet: `/bank import` adds one."]
        for index, chunk in enumerate(chunk_lines(lines, 1024)):
            embed.add_field(name="Imported" if index == 0 else "Imported (more)", value=chunk,
                            inline=False)  # fmt: skip
        shadowed = await self.bot.catalogs.shadowed(guild_id)
        if shadowed:  # a newer built-in bank reuses ids this server imported first
            embed.add_field(
                name=f"Built-in questions replaced here by imports: {len(shadowed)}",
                value=", ".join(f"`{i}`" for i in shadowed)[:1024],
                inline=False,
            )
        embed.add_field(name="Used for daily posts and duels",
                        value=", ".join(pool)[:1024] or "none", inline=False)  # fmt: skip
        await interaction.response.send_message(embed=embed, ephemeral=True)

    async def _authors(self, guild_id: int) -> dict[str, str]:
        """Bank name -> the credit its questions carry (a Red list's AUTHOR), for the list."""
        owners = await banks.item_owners(self.bot.db, guild_id)
        authors: dict[str, str] = {}
        for item in await self.bot.catalogs.all_items(guild_id):
            bank_name = owners.get(item.id)
            if bank_name is not None and item.author and bank_name not in authors:
                authors[bank_name] = truncate(item.author, 100)  # a credit, not an essay
        return authors

    @app_commands.command(name="import", description="Add questions from a YAML file")
    @app_commands.describe(
        file="Our bank format or a Red-DiscordBot trivia list (.yaml)",
        level="Level for a trivia list's questions (default intermediate; our banks set their own)",
    )
    @app_commands.choices(level=[app_commands.Choice(name=lv, value=lv) for lv in LEVELS])
    @admin_only
    async def import_(
        self,
        interaction: discord.Interaction,
        file: discord.Attachment,
        level: str = "intermediate",
    ) -> None:
        assert interaction.guild is not None
        guild_id = interaction.guild.id
        suffix = PurePath(file.filename).suffix.lower()
        if suffix not in (".yaml", ".yml"):
            raise UserError("Send a `.yaml` or `.yml` file (a question bank or a trivia list).")
        if file.size > MAX_FILE_BYTES:
            raise UserError(
                f"`{file.filename}` is {file.size / 1e6:.1f} MB; a bank may be at most 2 MB."
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await file.read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise UserError(f"`{file.filename}` is not UTF-8 text.") from None
        name = slugify(PurePath(file.filename).stem) or "bank"
        if level not in LEVELS:  # the choices keep to LEVELS; a stale client might not
            raise UserError(f"`level` must be one of {', '.join(LEVELS)}.")
        chosen = cast(Level, level)
        items, problems = await self._validate(guild_id, text, file.filename, name, chosen)
        if problems:
            embed = brand_embed(
                f"{file.filename}: {plural(len(problems), 'problem')}, nothing imported",
                problem_report(problems),
            )
            await interaction.followup.send(embed=embed, ephemeral=True)
            return
        bank = banks.CustomBank(
            name, file.filename, text, len(items), interaction.user.id, self.bot.clock.time(),
            level,
        )  # fmt: skip
        if await banks.get_bank(self.bot.db, guild_id, name) is None:
            await self._store(guild_id, bank, items, replace=False)
            await interaction.followup.send(self._imported(bank, items), ephemeral=True)
            return

        async def replace(confirmed: discord.Interaction) -> None:
            await self._store(guild_id, bank, items, replace=True)
            await confirmed.edit_original_response(content=self._imported(bank, items), view=None)

        view = Confirm(interaction.user.id, self.bot.clock, replace, "Replace")
        view.interaction = interaction
        await interaction.followup.send(
            f"A bank named **{name}** already exists. Replace it with `{file.filename}` "
            f"({plural(len(items), 'question')})?",
            view=view,
            ephemeral=True,
        )
        view.restart_timer()

    async def _validate(
        self, guild_id: int, text: str, filename: str, name: str, level: Level
    ) -> tuple[list[Item], list[str]]:
        """Every problem of the file, plus ids that clash with the server's other questions."""
        try:
            items: list[Item] = await self.bot.run_blocking(
                functools.partial(load_bank_text, level=level), text, filename
            )
        except BankError as exc:
            return [], exc.problems
        taken = owned_ids(self.bot.catalog, BUILTIN_OWNER)
        for bank in await banks.custom_banks(self.bot.db, guild_id):
            if bank.name != name:  # the bank being replaced may keep its own ids
                others = await self.bot.run_blocking(load_bank_text, bank.source, bank.filename)
                taken |= owned_ids(others, f"the bank **{bank.name}**")
        return items, id_clashes(items, taken)

    async def _store(
        self, guild_id: int, bank: banks.CustomBank, items: list[Item], *, replace: bool
    ) -> None:
        # The database decides: an import racing this one past _validate loses here.
        try:
            await self.bot.catalogs.import_bank(guild_id, bank, items, replace=replace)
        except banks.BankClash as clash:
            taken = ", ".join(f"`{i}` (in **{b}**)" for i, b in sorted(clash.owners.items()))
            ids = f"the {plural_noun(len(clash.owners), 'id')} {taken}" if taken else "an id"
            raise UserError(
                f"Nothing imported: another bank of this server already uses {ids} of its "
                "questions. Rename them and import again."
            ) from None
        except banks.BankExists:
            raise UserError(
                f"Nothing imported: a bank named **{bank.name}** was imported meanwhile. "
                "Import again to replace it."
            ) from None

    def _imported(self, bank: banks.CustomBank, items: list[Item]) -> str:
        return (
            f"Imported **{bank.name}**: {plural(len(items), 'question')} ({topic_summary(items)}). "
            "They join daily posts and duels unless `/bank use` limits the topics."
        )

    @app_commands.command(name="export", description="Download an imported bank")
    @admin_only
    async def export(self, interaction: discord.Interaction, name: str) -> None:
        assert interaction.guild is not None
        bank = await banks.get_bank(self.bot.db, interaction.guild.id, name)
        if bank is None:
            raise UserError(f"No imported bank is named `{name}`. `/bank list` shows them.")
        await interaction.response.send_message(
            f"**{bank.name}**: {plural(bank.item_count, 'question')}.",
            file=discord.File(io.BytesIO(bank.source.encode()), filename=bank.filename),
            ephemeral=True,
        )

    @app_commands.command(name="remove", description="Delete an imported bank")
    @admin_only
    async def remove(self, interaction: discord.Interaction, name: str) -> None:
        assert interaction.guild is not None
        guild_id = interaction.guild.id
        bank = await banks.get_bank(self.bot.db, guild_id, name)
        if bank is None:
            raise UserError(f"No imported bank is named `{name}`. `/bank list` shows them.")

        async def delete(confirmed: discord.Interaction) -> None:
            await banks.delete_bank(self.bot.db, guild_id, name)
            self.bot.catalogs.invalidate(guild_id)
            await confirmed.edit_original_response(
                content=f"Removed **{name}** ({plural(bank.item_count, 'question')}).", view=None
            )

        await Confirm(interaction.user.id, self.bot.clock, delete, "Remove").ask(
            interaction, f"Remove **{name}** and its {plural(bank.item_count, 'question')}?"
        )

    @export.autocomplete("name")
    @remove.autocomplete("name")
    async def bank_name_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        assert interaction.guild is not None
        if not options.is_admin(interaction):
            return []
        typed = current[: options.TYPED_LIMIT].strip().lower()
        names = [b.name for b in await banks.custom_banks(self.bot.db, interaction.guild.id)]
        return options.choices((n, n) for n in names if typed in n)

    @app_commands.command(name="use", description="Choose the topics of daily posts and duels")
    @app_commands.describe(topics="Comma-separated topics, or `all`")
    @admin_only
    async def use(self, interaction: discord.Interaction, topics: str) -> None:
        assert interaction.guild is not None
        guild_id = interaction.guild.id
        known = (await self.bot.catalogs.usable(guild_id)).topics()
        chosen = sorted(options.split_list(topics))
        options.check_topics(chosen, known)
        # The daily topics narrow this pool; a pool that leaves some of them out would drop
        # them silently, so the admin chooses which of the two settings to change.
        schedule = await daily.get_schedule(self.bot.db, guild_id)
        daily_topics = list(schedule.topics) if schedule else []
        _, left_out = options.topics_in_use(daily_topics, chosen or known)
        if left_out:
            raise UserError(truncate(
                f"Daily posts are set to the {plural_noun(len(daily_topics), 'topic')} "
                f"{', '.join(daily_topics)} (`/daily setup` "
                f"or `/config daily_topics`); this pool would leave out "
                f"{', '.join(left_out)}. Include {'it' if len(left_out) == 1 else 'them'}, or "
                "change `daily_topics` first with `/config set daily_topics`.",
                options.MESSAGE_LIMIT,
            ))  # fmt: skip
        await guilds.set_setting(self.bot.db, guild_id, POOL_SETTING, chosen, self.bot.clock.time())
        shown = ", ".join(chosen) or "every topic"
        used, _ = options.topics_in_use(daily_topics, chosen or known)
        daily_note = f" Daily posts use: {', '.join(used)}." if schedule else ""
        await interaction.response.send_message(
            truncate(f"Daily posts and duels now use: {shown}.{daily_note}",
                             options.MESSAGE_LIMIT),
            ephemeral=True,
        )  # fmt: skip
