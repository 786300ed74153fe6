"""`quizbot health` tells the truth: healthy only while the gateway is connected and the bot is
ready; a dropped connection, a killed process or a stale heartbeat all fail; a clean exit
leaves no heartbeat. And `quizbot run` without a network retries in one line each time."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import discord
import pytest
from discord.ext import commands

from bot import health
from bot.__main__ import one_line_reconnects
from db.database import Database
from offline import OfflineDiscord
from tests.conftest import REPO

SUBPROCESS_LIMIT = 60.0  # seconds: a guard against a hang, never a measurement


def quizbot(database: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The real `quizbot` command line, in a clean environment pointed at ``database``."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=database.parent,
        env=clean_env(QUIZBOT_DATABASE=str(database), **env),
        timeout=SUBPROCESS_LIMIT,
    )


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QUIZBOT_", "DISCORD_"))}
    return {**env, "PYTHONPATH": str(REPO), **extra}


def record(path: Path, *, connected: bool = True, age: float = 0.0, host: str = "") -> None:
    health.write_record(
        path,
        health.Record(
            connected=connected,
            at=time.time() - age,
            pid=os.getpid(),
            host=host or socket.gethostname(),
            shards="1/1" if connected else "0/1",
        ),
    )


@pytest.fixture
async def database(tmp_path: Path) -> Path:
    path = tmp_path / "quizbot.db"
    async with Database(path) as db:
        await db.migrate()
    return path


# -- what `quizbot health` reads --------------------------------------------------------------


def test_no_heartbeat(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert health.check(database) == health.NO_HEARTBEAT
    assert "unhealthy: no heartbeat at" in capsys.readouterr().err


def test_a_fresh_heartbeat_of_a_live_process_is_healthy(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record(health.heartbeat_path(database))  # this test's own process: alive
    assert health.check(database) == health.HEALTHY
    assert capsys.readouterr().out.startswith("healthy: connected, heartbeat 0 s ago, schema")


def test_a_disconnected_bot_says_for_how_long(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record(health.heartbeat_path(database), connected=False, age=42)
    assert health.check(database) == health.NOT_CONNECTED
    assert "unhealthy: not connected for 42 s (shards connected: 0/1)" in capsys.readouterr().err


@pytest.mark.parametrize("host", ["", "another-machine"])
def test_a_heartbeat_older_than_the_staleness_fails(
    database: Path, capsys: pytest.CaptureFixture[str], host: str
) -> None:
    """Hung, or killed where its process cannot be looked up (another container)."""
    path = health.heartbeat_path(database)
    record(path, age=health.STALE_AFTER - 5, host=host)
    assert health.check(database) == health.HEALTHY
    record(path, age=health.STALE_AFTER + 10, host=host)
    assert health.check(database) == health.NOT_CONNECTED
    assert f"not connected for {health.STALE_AFTER + 10:.0f} s: the heartbeat stopped" in (
        capsys.readouterr().err
    )


def test_a_database_that_does_not_open_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "quizbot.db"
    database.write_text("not sqlite " * 100)
    record(health.heartbeat_path(database))
    assert health.check(database) == health.DATABASE_UNUSABLE
    assert "does not open" in capsys.readouterr().err


def test_each_shard_set_keeps_its_own_heartbeat_beside_the_shared_database(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two processes on one database file: neither overwrites the other's record, and each
    process's settings read that process's heartbeat."""
    whole = health.heartbeat_path(database)
    first = health.heartbeat_path(database, shard_count=4, shard_ids=[0, 1])
    second = health.heartbeat_path(database, shard_count=4, shard_ids=(3, 2))
    assert whole.name == "quizbot.heartbeat"  # one process, every shard: as before
    assert first.name == "quizbot.shards-0-1-of-4.heartbeat"
    assert second.name == "quizbot.shards-2-3-of-4.heartbeat"
    assert health.heartbeat_path(database, shard_count=8, shard_ids=[0, 2, 3]).name == (
        "quizbot.shards-0_2-3-of-8.heartbeat"
    )

    record(first)
    record(second, connected=False, age=7)
    assert health.check(database, shard_count=4, shard_ids=[0, 1]) == health.HEALTHY
    assert capsys.readouterr().out.startswith("healthy: connected, shards 0-1 of 4, heartbeat")
    assert health.check(database, shard_count=4, shard_ids=[2, 3]) == health.NOT_CONNECTED
    assert "not connected for 7 s" in capsys.readouterr().err
    assert health.check(database) == health.NO_HEARTBEAT  # no all-shards process runs here


# -- the heartbeat follows the gateway --------------------------------------------------------


async def test_the_heartbeat_follows_the_real_gateway_connection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "q.db"
    path = health.heartbeat_path(database)
    offline = OfflineDiscord(db_path=database, gateway=True)
    seen_while_down: list[int] = []
    with pytest.raises(discord.ConnectionClosed):
        async with offline as d, health.Heartbeat(d.bot, path):
            assert health.check(database) == health.HEALTHY

            async def probe(shard_id: int) -> None:  # runs after the heartbeat's own listener
                seen_while_down.append(health.check(database))

            d.bot.add_listener(probe, "on_shard_disconnect")
            assert d.socket is not None
            await d.socket.close(code=1006)  # dropped: discord.py reconnects and resumes
            await d.settle()
            assert seen_while_down == [health.NOT_CONNECTED]
            d.bot.remove_listener(probe, "on_shard_disconnect")
            assert 6 in [payload["op"] for payload in d.socket.received]  # a RESUME
            assert health.check(database) == health.HEALTHY  # renewed on on_resumed

            await d.socket.close(code=4004)  # refused: discord.py gives up, the bot closes
            await d.settle()
            assert health.check(database) == health.NOT_CONNECTED
            assert "not connected for 0 s (shards connected: 0/1)" in capsys.readouterr().err
    assert not path.exists()  # the clean exit of the Heartbeat block removed it
    await offline.db.close()  # the harness stops at the refused connection; close the rest


async def test_a_start_removes_the_heartbeat_a_dead_process_left(tmp_path: Path) -> None:
    database = tmp_path / "q.db"
    path = health.heartbeat_path(database)
    record(path, host="the-previous-container")
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.none())
    async with health.Heartbeat(bot, path):
        assert not path.exists()  # not connected yet, so not healthy
    assert health.check(database) == health.NO_HEARTBEAT


# -- real processes ---------------------------------------------------------------------------

BOT_WITH_HEARTBEAT = """
import asyncio, sys
from pathlib import Path
from bot import health
from offline import OfflineDiscord

async def main() -> None:
    database = Path(sys.argv[1])
    async with OfflineDiscord(db_path=database, gateway=True) as d:
        async with health.Heartbeat(d.bot, health.heartbeat_path(database), every=0.2):
            print("connected", flush=True)
            await asyncio.Event().wait()

asyncio.run(main())
"""


@pytest.fixture
def watchdog() -> Iterator[list[subprocess.Popen[str]]]:
    """Kills the processes a test started if the test is stuck on them."""
    started: list[subprocess.Popen[str]] = []

    def kill_all() -> None:
        for process in started:
            process.kill()

    timer = threading.Timer(SUBPROCESS_LIMIT, kill_all)
    timer.start()
    yield started
    timer.cancel()
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_killed_bot_is_not_healthy(tmp_path: Path, watchdog: list[subprocess.Popen[str]]) -> None:
    database = tmp_path / "quizbot.db"
    bot = subprocess.Popen(
        [sys.executable, "-c", BOT_WITH_HEARTBEAT, str(database)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=clean_env(),
    )
    watchdog.append(bot)
    assert bot.stdout is not None and bot.stdout.readline() == "connected\n"
    alive = quizbot(database, "health")
    assert (alive.returncode, alive.stdout[:19]) == (0, "healthy: connected,"), alive.stderr

    bot.send_signal(signal.SIGKILL)  # no clean-up of any kind
    bot.wait()
    dead = quizbot(database, "health")
    assert dead.returncode == health.NOT_CONNECTED
    assert f"the bot (process {bot.pid}) exited without stopping cleanly" in dead.stderr
    assert health.heartbeat_path(database).exists()  # left behind, and still not believed


SHARD_WITH_HEARTBEAT = """
import asyncio, sys
from pathlib import Path
from bot import health
from offline import OfflineDiscord

async def main() -> None:
    database, shard = Path(sys.argv[1]), int(sys.argv[2])
    offline = OfflineDiscord(db_path=database, gateway=True, shard_count=2, shard_ids=[shard])
    async with offline as d:
        path = health.heartbeat_path(database, shard_count=2, shard_ids=[shard])
        async with health.Heartbeat(d.bot, path, every=0.2):
            print("connected", flush=True)
            await asyncio.Event().wait()

asyncio.run(main())
"""


def test_two_processes_on_one_database_are_checked_each_by_its_own_settings(
    database: Path, watchdog: list[subprocess.Popen[str]]
) -> None:
    """`quizbot health` with a process's QUIZBOT_SHARD_* answers for that process: killing the
    one that runs shard 1 leaves the one that runs shard 0 healthy. (The database is migrated
    first, as by the process that ran before the split.)"""
    tmp_path = database.parent
    bots = []
    for shard in (0, 1):
        bot = subprocess.Popen(
            [sys.executable, "-c", SHARD_WITH_HEARTBEAT, str(database), str(shard)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            env=clean_env(),
        )
        watchdog.append(bot)
        bots.append(bot)
    for bot in bots:
        assert bot.stdout is not None and bot.stdout.readline() == "connected\n"

    def check(shard: int) -> subprocess.CompletedProcess[str]:
        return quizbot(database, "health", QUIZBOT_SHARD_COUNT="2", QUIZBOT_SHARD_IDS=str(shard))

    for shard in (0, 1):
        alive = check(shard)
        assert alive.returncode == health.HEALTHY, alive.stderr
        assert alive.stdout.startswith(f"healthy: connected, shards {shard} of 2,")

    bots[1].send_signal(signal.SIGKILL)
    bots[1].wait()
    dead = check(1)
    assert dead.returncode == health.NOT_CONNECTED
    assert f"the bot (process {bots[1].pid}) exited without stopping cleanly" in dead.stderr
    assert check(0).returncode == health.HEALTHY  # the other process's record is untouched
    assert quizbot(database, "health").returncode == health.NO_HEARTBEAT  # no all-shards bot


def test_run_without_network_retries_one_line_at_a_time(
    tmp_path: Path, watchdog: list[subprocess.Popen[str]]
) -> None:
    """Every connection to Discord goes through a proxy port nobody listens on, so no packet
    leaves the machine: the same failure as no network, one line per attempt, no traceback;
    and while it retries it is not healthy."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    database = tmp_path / "quizbot.db"
    env = {
        "QUIZBOT_DATABASE": str(database),
        "QUIZBOT_PROXY": f"http://127.0.0.1:{port}",
        "DISCORD_TOKEN": "a-token-that-is-never-sent",
    }
    bot = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=clean_env(**env),
    )
    watchdog.append(bot)
    assert bot.stderr is not None
    lines: list[str] = []
    for line in bot.stderr:
        lines.append(line)
        assert "Traceback" not in line
        if sum("Cannot reach Discord" in seen for seen in lines) == 2:
            break
    retries = [line for line in lines if "Cannot reach Discord" in line]
    assert lines[-2:] == retries, lines  # nothing between two attempts but the attempt
    assert "retrying in 1 s" in retries[0] and "retrying in 2 s" in retries[1], retries
    assert f"127.0.0.1:{port}" in retries[0]
    assert quizbot(database, "health").returncode == health.NO_HEARTBEAT

    bot.send_signal(signal.SIGTERM)
    rest = bot.stderr.read()
    assert bot.wait() == 0, rest
    assert "Traceback" not in rest
    assert not health.heartbeat_path(database).exists()


def test_a_gateway_reconnect_is_logged_in_one_line() -> None:
    """discord.py logs its reconnect with a traceback; the CLI's filter keeps the reason."""
    try:
        raise OSError(101, "Network is unreachable")
    except OSError:
        record = logging.getLogger("discord.client").makeRecord(
            "discord.client", logging.ERROR, __file__, 1, "Attempting a reconnect in %.2fs",
            (4.0,), sys.exc_info(),
        )  # fmt: skip
    assert one_line_reconnects(record)
    line = logging.Formatter("%(levelname)s %(name)s: %(message)s").format(record)
    assert line == (
        "ERROR discord.client: Attempting a reconnect in 4.00s ([Errno 101] Network is unreachable)"
    )
