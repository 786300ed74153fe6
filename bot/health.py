"""Liveness for container health checks: the heartbeat file the bot keeps fresh only while its
gateway is connected and ready, and ``quizbot health``, which reads it and opens the database.

The heartbeat is a one-line JSON record next to the database:
``{"connected": true, "at": 1767225600.0, "pid": 7, "host": "abc", "shards": "1/1"}``. While
every shard this process owns is connected and the bot is ready, ``at`` is renewed every
:data:`BEAT_EVERY` seconds. When a shard drops, the record says ``"connected": false`` with
``at`` the moment it dropped, and nothing renews it until the connection is back. A clean exit
removes the file; a start removes one left by a process that died without cleaning up.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import sqlite3
import sys
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import discord
from discord.ext import commands

log = logging.getLogger(__name__)

BEAT_EVERY = 30.0  # seconds between renewals while connected
STALE_AFTER = 90.0  # three missed renewals: the bot is hung, or died where we cannot see it

# Exit codes of `quizbot health` (2 stays argparse's and the configuration error's).
HEALTHY = 0
NOT_CONNECTED = 1  # disconnected, exited without cleaning up, or the heartbeat went stale
NO_HEARTBEAT = 3  # no file: not started, not connected yet, or exited cleanly
DATABASE_UNUSABLE = 4


def heartbeat_path(
    database: Path, *, shard_count: int | None = None, shard_ids: Sequence[int] | None = None
) -> Path:
    """The heartbeat of the process that owns ``shard_ids`` out of ``shard_count``.

    A process that owns every shard keeps ``quizbot.heartbeat`` beside ``quizbot.db``. Several
    processes sharing one database each keep their own, named after their shard set
    (``quizbot.shards-0-1-of-4.heartbeat``), so none overwrites another's and ``quizbot
    health`` run with a process's own settings reads that process's record.
    """
    if shard_ids is None:
        return database.with_suffix(".heartbeat")
    owned = f"shards-{shard_runs(shard_ids, '_')}-of-{shard_count or '?'}"
    return database.with_suffix(f".{owned}.heartbeat")


def shard_runs(shard_ids: Sequence[int], sep: str = ",") -> str:
    """``[0, 1, 2, 5]`` as ``0-2,5``: the spelling QUIZBOT_SHARD_IDS accepts."""
    runs: list[str] = []
    ids = sorted(set(shard_ids))
    start = 0
    for i in range(1, len(ids) + 1):
        if i == len(ids) or ids[i] != ids[i - 1] + 1:
            low, high = ids[start], ids[i - 1]
            runs.append(str(low) if low == high else f"{low}-{high}")
            start = i
    return sep.join(runs)


@dataclass(frozen=True)
class Record:
    connected: bool
    at: float  # connected: the last renewal; disconnected: when the connection dropped
    pid: int
    host: str
    shards: str  # "connected/owned"


def write_record(path: Path, record: Record) -> None:
    # Written beside and renamed over, so a reader never sees half a record.
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(asdict(record)) + "\n", encoding="utf-8")
    os.replace(partial, path)


def read_record(path: Path) -> Record:
    """Raises FileNotFoundError when there is none, ValueError when it is not a record."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Record(
            connected=bool(data["connected"]),
            at=float(data["at"]),
            pid=int(data["pid"]),
            host=str(data["host"]),
            shards=str(data["shards"]),
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"not a heartbeat record: {exc}") from None


BotLike = commands.Bot | commands.AutoShardedBot


class Heartbeat:
    """Keeps the heartbeat of one bot: ``async with Heartbeat(bot, path): await bot.start()``.

    Driven by discord.py's own events: ``on_ready``/``on_resumed``/``on_disconnect``, or their
    ``on_shard_*`` forms for an ``AutoShardedBot``, where the bot counts as connected only when
    every shard it owns is.
    """

    def __init__(
        self,
        bot: BotLike,
        path: Path,
        *,
        every: float = BEAT_EVERY,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.bot = bot
        self.path = path
        self.every = every
        self.now = now
        self.connected: set[int] = set()
        self._task: asyncio.Task[None] | None = None
        self._write_failed = False
        self._listeners: list[tuple[Callable[..., Coroutine[Any, Any, None]], str]]
        if isinstance(bot, discord.AutoShardedClient):
            self._listeners = [
                (self._shard_up, "on_shard_ready"),
                (self._shard_up, "on_shard_resumed"),
                (self._shard_down, "on_shard_disconnect"),
                (self._all_ready, "on_ready"),  # is_ready() turns true after the last shard's
            ]
        else:
            self._listeners = [
                (self._up, "on_ready"),
                (self._up, "on_resumed"),
                (self._down, "on_disconnect"),
            ]
        for listener, event in self._listeners:
            bot.add_listener(listener, event)

    def owned_shards(self) -> set[int]:
        bot = self.bot
        if isinstance(bot, discord.AutoShardedClient):
            return set(bot.shard_ids or range(bot.shard_count or 1))
        return {bot.shard_id or 0}

    @property
    def healthy(self) -> bool:
        return (
            self.bot.is_ready()
            and not self.bot.is_closed()
            and self.owned_shards() <= self.connected
        )

    async def __aenter__(self) -> Heartbeat:
        # A record left by a process that died would make this one, not connected yet, look
        # healthy until it went stale.
        self.path.unlink(missing_ok=True)
        if self.bot.is_ready() and not self.bot.is_closed():
            self.connected = self.owned_shards()  # attached to a bot that is already up
            self._write(connected=True)
        self._task = asyncio.create_task(self._renew())
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop for good and remove the file: call it before ``bot.close()``. (discord.py
        dispatches ``on_disconnect`` once more after a close has dropped its event loop, and a
        listener still registered then makes that dispatch raise.)"""
        for listener, event in self._listeners:
            self.bot.remove_listener(listener, event)
        self._listeners = []
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self.path.unlink(missing_ok=True)

    # -- events ---------------------------------------------------------------------------------

    async def _up(self) -> None:
        await self._shard_up(self.bot.shard_id or 0)

    async def _down(self) -> None:
        await self._shard_down(self.bot.shard_id or 0)

    async def _all_ready(self) -> None:
        if self.healthy:
            self._write(connected=True)

    async def _shard_up(self, shard_id: int) -> None:
        self.connected.add(shard_id)
        if self.healthy:
            self._write(connected=True)

    async def _shard_down(self, shard_id: int) -> None:
        was_healthy = self.healthy
        self.connected.discard(shard_id)
        if was_healthy:  # the first drop dates the outage; later ones do not move it
            log.warning("Gateway connection of shard %s dropped; heartbeat stopped", shard_id)
            self._write(connected=False)

    # -- the file -------------------------------------------------------------------------------

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            if self.healthy:
                self._write(connected=True)

    def _write(self, *, connected: bool) -> None:
        record = Record(
            connected=connected,
            at=self.now(),
            pid=os.getpid(),
            host=socket.gethostname(),
            shards=f"{len(self.connected & self.owned_shards())}/{len(self.owned_shards())}",
        )
        try:
            write_record(self.path, record)
        except OSError as exc:
            if not self._write_failed:  # once per outage, not every 30 s
                log.warning("Cannot write the heartbeat %s: %s", self.path, exc)
            self._write_failed = True
        else:
            self._write_failed = False


# -- quizbot health -----------------------------------------------------------------------------


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, owned by someone else
    try:  # a killed process nobody has reaped yet is gone too
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
    except (OSError, IndexError):
        return False


def check(
    database: Path,
    *,
    shard_count: int | None = None,
    shard_ids: Sequence[int] | None = None,
    now: float | None = None,
    stale_after: float = STALE_AFTER,
) -> int:
    """``quizbot health``: one line saying why, and an exit code from the table above. The
    shard settings pick the heartbeat of the process configured with them (one per shard set
    when several processes share the database)."""
    path = heartbeat_path(database, shard_count=shard_count, shard_ids=shard_ids)
    try:
        record = read_record(path)
    except FileNotFoundError:
        print(
            f"unhealthy: no heartbeat at {path}: the bot is not running, has not connected "
            "to Discord yet, or has stopped",
            file=sys.stderr,
        )
        return NO_HEARTBEAT
    except (OSError, ValueError) as exc:
        print(f"unhealthy: no heartbeat: cannot read {path}: {exc}", file=sys.stderr)
        return NO_HEARTBEAT
    age = max(0.0, (time.time() if now is None else now) - record.at)
    if not record.connected:
        print(
            f"unhealthy: not connected for {age:.0f} s (shards connected: {record.shards})",
            file=sys.stderr,
        )
        return NOT_CONNECTED
    if record.host == socket.gethostname() and _process_gone(record.pid):
        print(
            f"unhealthy: not connected for {age:.0f} s: the bot (process {record.pid}) exited "
            "without stopping cleanly",
            file=sys.stderr,
        )
        return NOT_CONNECTED
    if age > stale_after:
        print(
            f"unhealthy: not connected for {age:.0f} s: the heartbeat stopped (renewed every "
            f"{BEAT_EVERY:.0f} s; the bot is hung or was killed)",
            file=sys.stderr,
        )
        return NOT_CONNECTED
    try:
        version = _schema_version(database)
    except sqlite3.Error as exc:
        print(f"unhealthy: the database {database} does not open: {exc}", file=sys.stderr)
        return DATABASE_UNUSABLE
    owned = "" if shard_ids is None else f", shards {shard_runs(shard_ids)} of {shard_count}"
    print(f"healthy: connected{owned}, heartbeat {age:.0f} s ago, schema version {version}")
    return HEALTHY


def _schema_version(database: Path) -> int:
    # Read-only, so that checking health never creates or changes a file.
    if not database.is_file():
        raise sqlite3.OperationalError("no such file")
    conn = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()
