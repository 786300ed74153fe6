"""``quizbot sandbox``: the terminal in front of a sandbox session. Interactive with
prompt_toolkit (history, Tab completion, the fake time in the bottom bar), or a script of the
same lines with ``--script`` (or piped into stdin) that stops at the first error with exit 1."""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.history import InMemoryHistory
from rich.console import Console
from rich.text import Text

from bank import load_bank
from sandbox.completion import SandboxCompleter
from sandbox.errors import SandboxError
from sandbox.events import Change, Shown, StepResult
from sandbox.parser import Quit, parse_line
from sandbox.render import View, display_path, problem, render
from sandbox.session import Sandbox

DEFAULT_DB = Path("data/sandbox.db")
DEFAULT_FILES = Path("data/sandbox-files")
# Scripts start the fake clock here, a Monday morning, so a script prints the same every run
# (the daily question picked depends on the server's id, which the clock seeds).
SCRIPT_START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


@dataclass(frozen=True)
class Options:
    db: Path | None = None  # None: DEFAULT_DB, emptied at each start
    bank: Path | None = None
    script: Path | None = None  # "-" reads stdin
    files: Path = DEFAULT_FILES
    start: datetime | None = None  # None: now, or SCRIPT_START for a script


class Printer:
    """Renders step results on a rich console, as the session's current member sees them."""

    def __init__(self, console: Console, sandbox: Sandbox) -> None:
        self.console = console
        self.sandbox = sandbox
        self._after_comment = False  # consecutive comment lines stay together

    def show(self, result: StepResult) -> None:
        view = View(self.sandbox.discord.world, self.sandbox.me, self.sandbox.now)
        for event in result.events:
            if isinstance(event, Shown) and event.change in (Change.NEW, Change.EDITED):
                self.console.print()  # a blank line before each full message, as in a chat
            self.console.print(render(event, view))
        for text in result.problems:
            self.console.print(problem(text))

    def echo(self, line: str) -> None:
        self._after_comment = False
        self.console.print()
        # soft_wrap: a typed line stays one line in a transcript, whatever the width.
        self.console.print(
            Text.assemble((f"{self.sandbox.prompt}> ", "bold green"), (line, "bold")),
            soft_wrap=True,
        )

    def comment(self, line: str) -> None:
        if not self._after_comment:
            self.console.print()
        self._after_comment = True
        self.console.print(Text(line, "dim"), soft_wrap=True)

    def error(self, text: str) -> None:
        self.console.print(problem(text))


def main(options: Options, console: Console | None = None) -> int:
    """Entry point of ``quizbot sandbox``; the return value is the exit status."""
    console = console or Console(highlight=False)
    script: Script | None = None
    if options.script is not None and str(options.script) != "-":
        try:
            script = Script(options.script.read_text(encoding="utf-8").splitlines(),
                            options.script.name)  # fmt: skip
        except OSError as exc:  # before starting anything: a typo in the path is quick to fix
            console.print(problem(f"cannot read {options.script}: {exc.strerror}"))
            return 2
    elif options.script is not None or not sys.stdin.isatty():
        script = Script(sys.stdin, "stdin")  # piped lines run as a script
    if options.bank is not None:
        # A bank being written is the likeliest thing to be broken: check it first, so its
        # BankError (file:line: why) comes before the bot starts rather than from inside it.
        load_bank(options.bank)
    db_path = options.db or DEFAULT_DB
    if options.db is None:
        # The fake server is new at every start, so rows from an earlier run would only
        # belong to a server that no longer exists: start the default database empty.
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    log_file = _log_to_file(db_path)
    return asyncio.run(_run(options, db_path, log_file, console, script))


@dataclass(frozen=True)
class Script:
    lines: Iterable[str]
    source: str  # named in error messages: "example.txt, line 7: ..."


async def _run(
    options: Options, db_path: Path, log_file: Path, console: Console, script: Script | None
) -> int:
    start = options.start or (SCRIPT_START if script is not None else None)
    async with Sandbox.open(db_path, options.files, bank=options.bank, start=start) as sandbox:
        printer = Printer(console, sandbox)
        console.print(_banner(sandbox, db_path, options, log_file), style="dim")
        ready = sandbox.report()
        printer.show(ready)
        if not ready.ok:
            return 1
        if script is not None:
            return await run_script(sandbox, printer, script.lines, script.source)
        return await interact(sandbox, printer)


async def run_script(sandbox: Sandbox, printer: Printer, lines: Iterable[str], source: str) -> int:
    """Echo and run each line; stop at the first error, naming its line. 0 when all ran."""
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            printer.comment(line)
            continue
        printer.echo(line)
        try:
            step = parse_line(line)
            if isinstance(step, Quit):
                return 0
            if step is None:
                continue
            result = await sandbox.run(step)
        except SandboxError as exc:
            printer.error(f"{source}, line {number}: {exc}")
            return 1
        printer.show(result)
        if not result.ok:
            printer.error(f"{source}, line {number}: stopped here because of the error above")
            return 1
    return 0


class RealTime:
    """At the prompt the fake clock keeps pace with the wall clock, so the seconds a member
    takes to answer count as they would on Discord (a script's clock moves only at ``wait``).
    Time is caught up just before each typed line runs: what fell due meanwhile (a post, a
    round that timed out) runs first and is shown first."""

    def __init__(self, sandbox: Sandbox, wall: Callable[[], float] = time.monotonic) -> None:
        self.sandbox = sandbox
        self.wall = wall  # a monotonic clock: a change of the system time must not jump it
        self._mark = wall()

    def behind(self) -> timedelta:
        """How far the fake clock lags behind the wall clock since it last caught up."""
        return timedelta(seconds=max(0.0, self.wall() - self._mark))

    def now(self) -> datetime:
        """The time a step run now would see (the toolbar's clock)."""
        return self.sandbox.now + self.behind()

    async def catch_up(self) -> StepResult:
        delta = self.behind()
        self._mark = self.wall()
        return await self.sandbox.elapse(delta)


async def interact(
    sandbox: Sandbox, printer: Printer, wall: Callable[[], float] = time.monotonic
) -> int:
    """The prompt loop; quit, Ctrl-D and Ctrl-C all leave cleanly with status 0."""
    clock = RealTime(sandbox, wall)
    session: PromptSession[str] = PromptSession(
        history=InMemoryHistory(),
        completer=SandboxCompleter(sandbox),
        complete_while_typing=True,
        bottom_toolbar=lambda: _toolbar(sandbox, clock.now()),
        refresh_interval=1.0,  # the toolbar's clock ticks while you type
    )
    printer.console.print(
        "Type help for the sandbox commands, /help for the bot's; Tab completes.\n"
        "A first try: as mod --admin, then /daily setup channel:#daily time:09:00 "
        "timezone:UTC, then wait 1d. The fake clock runs with real time; wait jumps ahead.",
        style="dim",
    )
    while True:
        try:
            line = await session.prompt_async(_prompt(sandbox))
        except (EOFError, KeyboardInterrupt):
            break
        try:
            step = parse_line(line)
            if isinstance(step, Quit):
                break
            printer.show(await clock.catch_up())
            if step is None:
                continue
            result = await sandbox.run(step)
        except SandboxError as exc:  # a typo: say so and carry on
            printer.error(str(exc))
            continue
        printer.show(result)
    printer.console.print("bye", style="dim")
    return 0


def _prompt(sandbox: Sandbox) -> FormattedText:
    return FormattedText(
        [
            ("ansimagenta bold", sandbox.me.name),
            ("", "@"),
            ("ansicyan bold", f"#{sandbox.here.name}"),
            ("", "> "),
        ]
    )


def _toolbar(sandbox: Sandbox, now: datetime) -> str:
    return (
        f" {sandbox.discord.guild.name} · {now:%a} {now.day} {now:%b %Y %H:%M:%S} UTC (fake clock)"
        " · Tab completes · help · quit "
    )


def _banner(sandbox: Sandbox, db_path: Path, options: Options, log_file: Path) -> str:
    fresh = " (emptied at start; --db keeps one)" if options.db is None else ""
    bank = f" · bank {display_path(options.bank)}" if options.bank else ""
    now = sandbox.now
    return (
        "quizbot sandbox: the real bot on a fake Discord, no account needed.\n"
        f"server {sandbox.discord.guild.name!r} · fake clock {now:%a} {now.day} "
        f"{now:%b %Y %H:%M} UTC{bank}\n"
        f"database {display_path(db_path)}{fresh}\n"
        f"files {display_path(options.files)} · bot log {display_path(log_file)}"
    )


def _log_to_file(db_path: Path) -> Path:
    """The bot's full log goes to a file next to the database, so it does not interleave
    with the conversation; the session shows warnings and errors itself."""
    root = logging.getLogger()
    level = root.level or logging.INFO
    for handler in list(root.handlers):
        root.removeHandler(handler)
    path = db_path.with_suffix(".log")
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.setLevel(level)
    root.addHandler(handler)
    return path
