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

import discord

from bank.schema import BankError
from bot import health
from bot.config import ConfigError, Settings, load_settings
from db.database import Database, DatabaseError

log = logging.getLogger("bot")

NO_TOKEN = """\
quizbot: DISCORD_TOKEN is not set, so the bot cannot log in to Discord.

To get a token: open https://discord.com/developers/applications, create an application,
open its "Bot" page, press "Reset Token" and copy it. Then put it in a file named .env next
to config.yaml (one line: DISCORD_TOKEN=your-token) or export it in your shell. The README's
"Deploy" section walks through the invite link and the permissions the bot needs.

No Discord account at hand? Try the whole bot offline in this terminal:
    python3 tasks.py sandbox      (or: quizbot sandbox)
"""

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
    parser = argparse.ArgumentParser(prog="quizbot", description=__doc__)
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

    commands.add_parser("health", help="exit 0 when the bot is alive and its database opens")

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
    logging.basicConfig(
        level=settings.log_level_number,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
    )
    try:
        return dispatch(args, settings)
    except (DatabaseError, BankError, ConfigError) as exc:
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
        return asyncio.run(run_bot(settings))
    if args.command == "sync":
        if not settings.token:
            print(NO_TOKEN, file=sys.stderr)
            return 2
        return asyncio.run(sync_commands(settings, args.guild))
    if args.command == "db":
        return asyncio.run(db_command(settings, args))
    if args.command == "health":
        return asyncio.run(health.check(settings))
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
    async with Database(settings.database) as db:
        if args.db_command == "migrate":
            applied = await db.migrate()
            version = await db.user_version()
            if applied:
                print(f"{settings.database}: applied {', '.join(applied)} (now at {version})")
            else:
                print(f"{settings.database}: already at schema version {version}, nothing to do")
            return 0
        await db.migrate()
        target = await db.backup(args.path)
        print(f"backed up {settings.database} to {target}")
        return 0


async def run_bot(settings: Settings) -> int:
    from bot.client import QuizBot

    async with Database(settings.database) as db, QuizBot(settings, db) as bot:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        heartbeat = asyncio.create_task(health.beat(settings, bot.clock))
        runner = asyncio.create_task(bot.start(settings.token or ""))
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
            heartbeat.cancel()
            stopper.cancel()
            await bot.close()
            runner.cancel()
    return 0


async def sync_commands(settings: Settings, guild_id: int | None) -> int:
    from bot.client import QuizBot

    async with Database(settings.database) as db, QuizBot(settings, db) as bot:
        await bot.login(settings.token or "")
        if guild_id:
            guild = discord.Object(id=guild_id)
            bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
            print(f"published {len(synced)} commands to server {guild_id}")
        else:
            synced = await bot.tree.sync()
            print(f"published {len(synced)} commands globally (may take up to an hour to show)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
