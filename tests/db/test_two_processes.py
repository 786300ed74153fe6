"""Two bot processes on one SQLite file (issue 22's split of shards over processes): each
process has its own writer, and WAL plus the busy timeout let both commit everything."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from db.database import Database

ROOT = Path(__file__).resolve().parents[2]

# One process's work: 150 single writes and 50 two-statement blocks, all at once, started at a
# shared instant so that the two processes really contend for the write lock.
WRITER = textwrap.dedent(
    """
    import asyncio, sys, time
    from db.database import Database

    async def main(path, name, start_at):
        async with Database(path) as db:
            while time.time() < start_at:
                await asyncio.sleep(0.005)

            async def block(n):
                async with db.transaction() as tx:
                    await tx.execute("INSERT INTO work (who, n) VALUES (?, ?)", (name, n))
                    await tx.execute("INSERT INTO work (who, n) VALUES (?, ?)", (name, -n))

            singles = [db.write("INSERT INTO work (who, n) VALUES (?, ?)", (name, n))
                       for n in range(1000, 1150)]
            await asyncio.gather(*singles, *(block(n) for n in range(1, 51)))

    asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3])))
    """
)


def test_two_processes_writing_at_once_both_commit_everything(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"

    async def prepare() -> None:
        async with Database(path) as db:
            await db.migrate()
            await db.write("CREATE TABLE work (who TEXT NOT NULL, n INTEGER NOT NULL)")

    asyncio.run(prepare())
    start_at = time.time() + 1.5  # both interpreters are up by then
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), name, str(start_at)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("shards-0-9", "shards-10-19")
    ]
    for process in processes:
        _, errors = process.communicate(timeout=120)
        assert process.returncode == 0, errors
        assert "locked" not in errors
    with sqlite3.connect(path) as conn:
        counts = dict(conn.execute("SELECT who, count(*) FROM work GROUP BY who").fetchall())
        (checked,) = conn.execute("PRAGMA integrity_check").fetchone()
    assert counts == {"shards-0-9": 250, "shards-10-19": 250}
    assert checked == "ok"
