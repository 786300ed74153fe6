"""QuizBot: the discord.py client. It knows the start-up order, not the quiz rules."""

from __future__ import annotations

import asyncio
import functools
import importlib
import importlib.util
import logging
import pkgutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bank import BUILTIN_BANK, load_bank
from bank.catalog import Catalog
from bot import checks
from bot.catalogs import GuildCatalogs
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.errors import handle_interaction_error
from bot.logs import in_shard, mark_shard
from bot.pacing import GlobalPacer
from bot.ratelimits import install as install_http_layer
from bot.scheduler import Scheduler
from db.database import Database

log = logging.getLogger(__name__)

# The bot never joins a voice channel, so discord.py's start-up warnings about missing voice
# libraries (PyNaCl, davey) would only worry whoever reads the log.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False
T = TypeVar("T")


@functools.lru_cache(maxsize=4)
def _load_catalog(path: Path, mtime_ns: int) -> Catalog:
    # Cached per file version: tests and the sandbox start many bots in one process.
    return Catalog(load_bank(path))


def load_catalog(path: Path) -> Catalog:
    files = [path, *path.glob("*.y*ml")] if path.is_dir() else [path]
    return _load_catalog(path.resolve(), max(f.stat().st_mtime_ns for f in files))


def discover_cogs(package: str = "cogs") -> list[str]:
    """Every package under ``cogs/`` that defines ``setup``: adding a folder adds a feature.

    The cogs are found on disk and imported by name, so ``bot`` never imports ``cogs`` (the
    arrow points from the cogs to the shell). Plain modules there (a pure helper that several
    features share) are not extensions and are skipped.
    """
    spec = importlib.util.find_spec(package)
    if spec is None or spec.submodule_search_locations is None:
        raise RuntimeError(f"the {package!r} package is not installed")
    names = []
    for module in pkgutil.iter_modules(spec.submodule_search_locations, prefix=f"{package}."):
        if module.ispkg and hasattr(importlib.import_module(module.name), "setup"):
            names.append(module.name)
    return sorted(names)


def default_intents() -> discord.Intents:
    # Only the guilds intent: slash commands and components need no privileged intent.
    intents = discord.Intents.none()
    intents.guilds = True
    return intents


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord sends a server's events to (its documented formula)."""
    return (guild_id >> 22) % shard_count


class QuizTree(app_commands.CommandTree["QuizBot"]):
    """The command tree; a command's log lines name its server's shard (the check runs in the
    task that then runs the command, its autocomplete and its error handler)."""

    async def interaction_check(self, interaction: discord.Interaction[QuizBot]) -> bool:
        if interaction.guild_id is not None:
            self.client.log_as_guild(interaction.guild_id)
        return True


class QuizBot(commands.AutoShardedBot):
    """The bot. ``commands_only=True`` builds one that logs in only to publish its commands
    (``quizbot sync``): its scheduler never starts and accepts no jobs, so nothing is posted
    or left pending, and its start-up syncs nothing by itself (the caller says where).

    Sharded always (one shard is the small case): ``settings.shard_count`` or Discord's
    recommendation, ``settings.shard_ids`` or all of them. Scheduled work follows the shard:
    a process only schedules for the servers :meth:`owns_guild` says are its own."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        *,
        clock: Clock | None = None,
        commands_only: bool = False,
        **options: object,
    ) -> None:
        options.setdefault("intents", default_intents())
        options.setdefault("shard_count", settings.shard_count)
        if settings.shard_ids is not None:
            options.setdefault("shard_ids", list(settings.shard_ids))
        options.setdefault("tree_cls", QuizTree)
        # Server commands unless a command says otherwise (bot.checks.anywhere).
        options.setdefault("allowed_installs", checks.SERVER_INSTALLS)
        options.setdefault("allowed_contexts", checks.SERVER_CONTEXTS)
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            **options,  # type: ignore[arg-type]
        )
        self.settings = settings
        self.db = db
        self.clock: Clock = clock or SystemClock()
        self.commands_only = commands_only
        self.scheduler = Scheduler(self.clock, enabled=not commands_only)
        self.catalog = Catalog(())
        self.catalogs = GuildCatalogs(self.catalog, db, self.run_blocking)
        self.threads_in_flight = 0
        self.pacer = GlobalPacer(self.clock)
        self.tree.on_error = handle_interaction_error  # type: ignore[method-assign]

    async def login(self, token: str) -> None:
        # Here rather than in __init__: the layer wraps whichever request method the client has
        # by now (the offline harness teaches it its fake session between the two). Only
        # background work (scheduled jobs) waits for the pacer; a member's request goes at once.
        install_http_layer(self.http, self.clock, self.pacer)
        await super().login(token)

    async def setup_hook(self) -> None:
        applied = await self.db.migrate()
        if applied:
            log.info("Database migrated: %s", ", ".join(applied))
        bank_path = self.settings.bank or BUILTIN_BANK
        self.catalog = load_catalog(Path(bank_path))
        self.catalogs = GuildCatalogs(self.catalog, self.db, self.run_blocking)
        log.info("Question bank: %d items from %s", len(self.catalog), bank_path)
        if self.shard_count is None and not self.commands_only:
            # Known before the cogs load, so that they schedule only this process's servers
            # (discord.py would otherwise ask only once it connects, after setup_hook).
            self.shard_count, _, _ = await self.http.get_bot_gateway()
            log.info("Discord recommends %d shard(s)", self.shard_count)
        log.info("Shards: %s of %s", self.owned_shards_text(), self.shard_count)
        self.scheduler.start()
        for name in discover_cogs():
            await self.load_extension(name)
        log.info("Cogs loaded: %s", ", ".join(sorted(self.cogs)))
        if self.settings.dev_guild_id and not self.commands_only:
            guild = discord.Object(id=self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("Synced %d commands to dev guild %s", len(synced), guild.id)

    def owns_guild(self, guild_id: int) -> bool:
        """Whether this process's shards carry the server (so its scheduled work is ours)."""
        if self.shard_ids is None or self.shard_count is None:
            return True
        return shard_of(guild_id, self.shard_count) in self.shard_ids

    def log_as_guild(self, guild_id: int) -> None:
        """The current task works for this server: its log lines name the server's shard."""
        if self.shard_count is not None:
            mark_shard(shard_of(guild_id, self.shard_count))

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        # The listener tasks started here copy the context, so they log the event's shard.
        shard = self._event_shard(event_name, args)
        if shard is None:
            super().dispatch(event_name, *args, **kwargs)
            return
        with in_shard(shard):
            super().dispatch(event_name, *args, **kwargs)

    def _event_shard(self, event_name: str, args: tuple[Any, ...]) -> int | None:
        if not args:
            return None
        first = args[0]
        if event_name.startswith("shard_"):  # shard_connect, shard_ready ...: the id first
            return first if isinstance(first, int) else None
        if isinstance(first, discord.Guild):
            return first.shard_id
        guild_id = getattr(first, "guild_id", None)  # interactions, raw events
        if guild_id is None:
            guild = getattr(first, "guild", None)  # messages, members, channels
            guild_id = guild.id if isinstance(guild, discord.Guild) else None
        if guild_id is None or self.shard_count is None:
            return None
        return shard_of(int(guild_id), self.shard_count)

    # Gateway connections in our own words, one line each and naming the shard (discord.py's
    # own lines are at DEBUG, or carry a traceback).
    async def on_shard_connect(self, shard_id: int) -> None:
        log.info("Shard %s connected to the gateway", shard_id)

    async def on_shard_ready(self, shard_id: int) -> None:
        log.info("Shard %s ready", shard_id)

    async def on_shard_resumed(self, shard_id: int) -> None:
        log.info("Shard %s resumed its session", shard_id)

    async def on_shard_disconnect(self, shard_id: int) -> None:
        log.warning("Shard %s disconnected from the gateway", shard_id)

    def owned_shards_text(self) -> str:
        ids = self.shard_ids
        return "all" if ids is None else ",".join(str(i) for i in ids)

    def guild_channel(
        self, guild_id: int, channel_id: int
    ) -> discord.abc.GuildChannel | discord.Thread | None:
        """A channel or thread of a known server. ``get_channel`` asks every server in turn,
        which makes 10,000 daily posts cost 10,000 x 10,000 lookups; this asks one."""
        guild = self.get_guild(guild_id)
        return guild.get_channel_or_thread(channel_id) if guild is not None else None

    async def run_blocking(self, func: Callable[..., T], *args: Any) -> T:
        """Run CPU or file work (chart rendering, big imports) off the event loop."""
        self.threads_in_flight += 1
        try:
            return await asyncio.to_thread(func, *args)
        finally:
            self.threads_in_flight -= 1

    async def close(self) -> None:
        """Stop scheduling new work, let writes under way finish, then disconnect."""
        self.scheduler.shutdown()
        await super().close()
