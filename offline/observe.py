"""What a test reads back (messages, DMs, REST calls, logged errors) and the end-of-test check."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

from offline.reply import OfflineError
from offline.session import Call, Violation

if TYPE_CHECKING:
    from offline.clock import FakeClock
    from offline.session import FakeRest
    from offline.world import FakeChannel, FakeMember, FakeMessage, World

WATCHED_LOGGERS = ("discord", "bot", "cogs", "db", "bank", "apscheduler")


class ErrorCollector(logging.Handler):
    """Keeps the ERROR records of the watched loggers, for :meth:`Observing.check`."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.split(".")[0] in WATCHED_LOGGERS:
            self.records.append(record)


class Observing:
    """The reading half of OfflineDiscord, over its world, fake REST and error collector."""

    world: World
    rest: FakeRest
    clock: FakeClock
    _errors: ErrorCollector

    def check(self) -> None:
        """Fail when the bot logged an error or Discord would have refused a call."""
        problems = [f"Discord refused: {v}" for v in self.rest.violations]
        problems += [f"Logged error: {self._errors.format(r)}" for r in self._errors.records]
        problems += [
            f"Interaction {i.id} was never answered (Discord shows 'The application did not "
            "respond')"
            for i in self.world.interactions.values()
            if i.response_type is None and i.type != 1
        ]
        if problems:
            raise OfflineError("\n".join(problems))

    @property
    def violations(self) -> list[Violation]:
        return self.rest.violations

    @property
    def errors(self) -> list[logging.LogRecord]:
        return self._errors.records

    @contextmanager
    def expect_errors(self) -> Iterator[list[logging.LogRecord]]:
        """For tests of failure paths: errors logged inside the block are handed over, not
        counted against the test."""
        before = len(self._errors.records)
        caught: list[logging.LogRecord] = []
        yield caught
        caught += self._errors.records[before:]
        del self._errors.records[before:]

    def messages(self, channel: FakeChannel, include_ephemeral: bool = False) -> list[FakeMessage]:
        return [
            m
            for m in self.world.messages.values()
            if m.channel.id == channel.id
            and not m.deleted
            and (include_ephemeral or not m.ephemeral)
        ]

    def direct_messages(self, member: FakeMember) -> list[str]:
        """What the bot sent to ``member`` in a DM (the content of each message)."""
        dm = self.rest.dm_with(member.id)
        return list(dm.sent) if dm is not None else []

    @property
    def calls(self) -> list[Call]:
        return self.rest.calls

    @property
    def ack_latencies(self) -> list[float]:
        return [
            i.ack_latency for i in self.world.interactions.values() if i.ack_latency is not None
        ]

    @property
    def now(self) -> datetime:
        return self.clock.now()
