"""Log lines that name their shard: the shard a piece of work belongs to, kept for the task doing
it, and the filter that writes it into every record (``... cogs.daily.posting shard=3: ...``).

The shard travels in a context variable, so it follows the work without being passed along:
set for an event as discord.py dispatches it, for a slash command as the tree checks it, and
for a scheduled job as soon as the job knows its server. Tasks started from there inherit it
(asyncio copies the context into each new task), and a record emitted anywhere below carries
it. Where no shard is known (start-up, work for no server) the record carries none.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

SHARD: ContextVar[int | None] = ContextVar("quizbot_shard", default=None)

FORMAT = "%(asctime)s %(levelname)-7s %(name)s%(shard)s: %(message)s"


def mark_shard(shard_id: int | None) -> None:
    """The rest of the current task (and the tasks it starts) works for ``shard_id``. Each
    event handler, command and job runs in a task of its own, so the mark ends with it."""
    SHARD.set(shard_id)


@contextmanager
def in_shard(shard_id: int | None) -> Iterator[None]:
    """Within the block only: for code that starts tasks for a shard and then goes on."""
    token = SHARD.set(shard_id)
    try:
        yield
    finally:
        SHARD.reset(token)


class ShardFilter(logging.Filter):
    """Gives every record a ``shard`` attribute: `` shard=N`` while working for shard N, else
    empty, so :data:`FORMAT` reads the same with or without one. A record that was given a
    shard explicitly (``extra={"shard_id": 2}``) keeps it."""

    def filter(self, record: logging.LogRecord) -> bool:
        shard = getattr(record, "shard_id", None)
        if shard is None:
            shard = SHARD.get()
        record.shard = "" if shard is None else f" shard={shard}"
        return True


def install(handlers: list[logging.Handler] | None = None) -> None:
    """Name shards in what ``handlers`` (default: the root logger's) write. On the handler,
    not a logger, so records of every logger, discord.py's included, pass through it."""
    for handler in logging.getLogger().handlers if handlers is None else handlers:
        if not any(isinstance(f, ShardFilter) for f in handler.filters):
            handler.addFilter(ShardFilter())
