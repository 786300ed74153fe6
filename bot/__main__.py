"""The ``quizbot`` command: owns the bot's lifecycle (open the database, then the bot; close in
reverse order) and the maintenance sub-commands."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import signal
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import aiohttp
import discord

from bank import BUILTIN_BANK
from bank.schema import BankError
from bank.words import plural
from bot import gcpolicy, health, logs
from bot.config import ConfigError, Settings, load_settings
from db.database import Database, DatabaseError

log = logging.getLogger("bot")

# Login retries when Discord cannot be reached: 1 s, 2 s, 4 s ... then every 5 minutes.
RETRY_FIRST = 1.0
RETRY_LONGEST = 300.0

NO_TOKEN = """\
quizbot: DISCORD_TOKEN is not set, so the bot cannot log in to Discord.

To get a token: open https://discord.com/developers/applications, create an application,
open its "Bot" page, press "Reset Token" and copy it. Then put it in a file named .env in
the folder you run quizbot from (one line: DISCORD_TOKEN=your-token) or export it in your
shell. The README's "Deploy" section walks through the invite link and the permissions the
bot needs.

No Discord account at hand? Try the whole bot offline in this terminal:
    python3 tasks.py sandbox      (or: .venv/bin/quizbot sandbox)
"""

DESCRIPTION = (
    "quizbot runs a quiz bot for your Discord server: daily questions, practice quizzes, "
    "duels and leaderboards. With no sub-command it logs in and runs the bot; the "
    "sub-commands below check a question bank, migrate the database or try everything "
    "offline."
)

SANDBOX_MISSING = (
    "quizbot: the sandbox is not installed here ({missing} is missing): "
    "run `python3 tasks.py sandbox`, or `pip install 'quizbot[sandbox]'`"
)


def version() -> str:
    try:
        return metadata.version("quizbot")
    except metadata.PackageNotFoundError:
        return "unknown"


def _utc_minute(text: str) -> datetime:
    """``--start`` values: "2026-11-23 10:00" (or with a T), read as UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date and time; write it as '2026-11-23 10:00' (UTC)"
        ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=UTC, second=0, microsecond=0)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="quizbot", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"quizbot {version()}")
    parser.add_argument("--config", help="config.yaml to read (default: $QUIZBOT_CONFIG)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("run", help="connect to Discord and serve (needs DISCORD_TOKEN)")
    sync = commands.add_parser("sync", help="publish the slash commands to Discord")
    sync.add_argument("--guild", type=int, help="only this server (instant); default: global")

    db = commands.add_parser("db", help="database maintenance").add_subparsers(
        dest="db_command", required=True, metavar="ACTION"
    )
    db.add_parser("migrate", help="create or upgrade the database schema")
    backup = db.add_parser("backup", help="copy the live database to a file")
    backup.add_argument("path", type=Path)

    commands.add_parser(
        "health",
        help="exit 0 when the running bot is connected to Discord and its database opens "
        "(1: not connected, 3: no heartbeat, 4: database does not open)",
    )

    sandbox = commands.add_parser(
        "sandbox", help="try the whole bot in this terminal, no Discord account needed"
    )
    sandbox.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help="database file (default: data/sandbox.db, emptied at each start)",
    )
    sandbox.add_argument("--bank", type=Path, metavar="PATH", help="a bank file or folder to try")
    sandbox.add_argument(
        "--script",
        type=Path,
        metavar="FILE",
        help="run the lines of FILE (- for stdin) and exit; status 1 at the first error",
    )
    sandbox.add_argument(
        "--files",
        type=Path,
        metavar="DIR",
        default=Path("data/sandbox-files"),
        help="where attachments are saved (default: data/sandbox-files)",
    )
    sandbox.add_argument(
        "--start",
        type=_utc_minute,
        metavar="'YYYY-MM-DD HH:MM'",
        help="the fake clock's first reading, in UTC (default: now; for --script, "
        "Monday 2026-11-23 10:00 so that a script prints the same every run)",
    )

    bank = commands.add_parser("bank", help="question bank tools").add_subparsers(
        dest="bank_command", required=True, metavar="ACTION"
    )
    validate = bank.add_parser("validate", help="check bank files and list every problem")
    validate.add_argument("paths", nargs="*", help="files or folders (default: built-in bank)")
    stats = bank.add_parser("stats", help="items by topic, level and kind; seed coverage")
    stats.add_argument("path", nargs="?")
    bank.add_parser("schema", help="print the JSON Schema of the bank format")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(f"quizbot: configuration error: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level_number, format=logs.FORMAT)
    logs.install()  # each line names its shard where one is known
    for name in ("discord.client", "discord.shard"):
        logging.getLogger(name).addFilter(one_line_reconnects)
    try:
        return dispatch(args, settings)
    except ConfigError as exc:  # a setting found bad only once used (the bank)
        print(f"quizbot: configuration error: {exc}", file=sys.stderr)
        return 2
    except (DatabaseError, BankError) as exc:
        print(f"quizbot: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `quizbot bank stats | head`: the reader has gone, which is not an error. Point
        # stdout at nothing so the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "run":
        if not settings.token:
            print(NO_TOKEN, file=sys.stderr)
            return 2
        check_bank(settings)
        return asyncio.run(run_bot(settings))
    if args.command == "sync":
        if not settings.token:
            print(NO_TOKEN, file=sys.stderr)
            return 2
        check_bank(settings)
        return asyncio.run(sync_commands(settings, args.guild))
    if args.command == "db":
        return asyncio.run(db_command(settings, args))
    if args.command == "health":
        return health.check(
            settings.database, shard_count=settings.shard_count, shard_ids=settings.shard_ids
        )
    if args.command == "sandbox":
        try:
            # The sandbox is tooling beside the application, installed with the `sandbox` extra.
            sandbox_app = importlib.import_module("sandbox.app")
        except ImportError as exc:
            print(SANDBOX_MISSING.format(missing=exc.name or exc), file=sys.stderr)
            return 2
        return sandbox_app.main(
            sandbox_app.Options(
                db=args.db,
                bank=args.bank or settings.bank,
                script=args.script,
                files=args.files,
                start=args.start,
            )
        )
    if args.command == "bank":
        from bank import cli as bank_cli

        if args.bank_command == "validate":
            return bank_cli.validate(args.paths)
        if args.bank_command == "stats":
            return bank_cli.stats(args.path)
        return bank_cli.schema()
    raise AssertionError(args.command)


async def db_command(settings: Settings, args: argparse.Namespace) -> int:
    if args.db_command == "backup":
        # Never through Database(): opening that creates a missing file and sets WAL mode,
        # and a backup must leave its source exactly as it found it.
        target = await Database.backup_file(settings.database, args.path)
        print(f"backed up {settings.database} to {target}")
        return 0
    async with Database(settings.database) as db:
        if args.db_command == "migrate":
            applied = await db.migrate()
            version = await db.user_version()
            if applied:
                print(f"{settings.database}: applied {', '.join(applied)} (now at {version})")
            else:
                print(f"{settings.database}: already at schema version {version}, nothing to do")
            return 0
    raise AssertionError(args.db_command)


def check_bank(settings: Settings) -> None:
    """Load the bank before anything connects: a bad ``bank`` setting is one line at start,
    not an error found after login. The load is cached, so the bot's start-up reuses it."""
    from bot.client import load_catalog

    path = settings.bank or BUILTIN_BANK
    if not Path(path).exists():
        raise ConfigError(f"bank: {path} does not exist (QUIZBOT_BANK or config.yaml)")
    try:
        load_catalog(Path(path))
    except BankError as exc:
        raise ConfigError(f"bank: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"bank: cannot read {path}: {exc.strerror or exc}") from None


def one_line_reconnects(record: logging.LogRecord) -> bool:
    """discord.py logs each gateway reconnect with the whole traceback of why it dropped;
    the reason in one line says as much to the person reading the log. Its "logging in" line
    is dropped too: :func:`login` says so once, then one line per retry."""
    if record.msg == "logging in using static token":
        return False
    if record.exc_info and record.getMessage().startswith("Attempting a reconnect"):
        record.msg = f"{record.getMessage()} ({describe(record.exc_info[1])})"
        record.args = None
        record.exc_info = record.exc_text = None
    return True


def describe(exc: BaseException | None) -> str:
    return (str(exc) or type(exc).__name__) if exc is not None else "unknown reason"


# What a login meets when the network or Discord is down: worth a retry, not a traceback.
UNREACHABLE = (OSError, aiohttp.ClientError, asyncio.TimeoutError, discord.DiscordServerError)


async def login(bot: discord.Client, token: str) -> None:
    """``bot.login`` until Discord answers, one line per failed attempt, waiting longer each
    time. A refused token (LoginFailure) and failures after Discord answered still raise."""
    delay = RETRY_FIRST
    log.info("Logging in to Discord")
    while True:
        try:
            await bot.login(token)
            return
        except UNREACHABLE as exc:
            if bot.user is not None:
                raise  # Discord answered; something later failed: not a network problem
            log.warning("Cannot reach Discord (%s); retrying in %.0f s", describe(exc), delay)
            # Close the failed attempt's session; its connection pool closes with it, so the
            # next attempt must build a new one (discord.py does when none is set).
            await bot.http.close()
            bot.http.connector = discord.utils.MISSING
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_LONGEST)


def heartbeat_path(settings: Settings) -> Path:
    """One heartbeat per process: the same settings name the same file for ``quizbot run``
    and for the ``quizbot health`` that checks it."""
    return health.heartbeat_path(
        settings.database, shard_count=settings.shard_count, shard_ids=settings.shard_ids
    )


async def run_bot(settings: Settings) -> int:
    from bot.client import QuizBot

    gcpolicy.tune_for_serving()

    async with (
        Database(settings.database) as db,
        QuizBot(settings, db, proxy=settings.proxy) as bot,
        health.Heartbeat(bot, heartbeat_path(settings)) as heartbeat,
    ):
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)

        async def start() -> None:
            await login(bot, settings.token or "")
            await bot.connect(reconnect=True)

        runner = asyncio.create_task(start())
        stopper = asyncio.create_task(stop.wait())
        try:
            done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if runner in done:
                runner.result()  # re-raise a login failure or a crash
            log.info("Shutting down")
        except discord.LoginFailure:
            print("quizbot: Discord rejected DISCORD_TOKEN; copy a fresh one", file=sys.stderr)
            return 1
        finally:
            stopper.cancel()
            heartbeat.stop()  # a clean exit leaves no heartbeat
            await bot.close()
            runner.cancel()
    return 0


async def sync_commands(settings: Settings, guild_id: int | None) -> int:
    from bot.client import QuizBot

    # Commands only: log in and publish; no scheduler, so nothing is posted or revealed.
    async with (
        Database(settings.database) as db,
        QuizBot(settings, db, commands_only=True) as bot,
    ):
        await bot.login(settings.token or "")
        if guild_id:
            guild = discord.Object(id=guild_id)
            bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
            print(f"published {plural(len(synced), 'command')} to server {guild_id}")
        else:
            synced = await bot.tree.sync()
            shown = plural(len(synced), "command")
            print(f"published {shown} globally (may take up to an hour to show)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
