"""What changed in the fake world since the last look: messages that appeared, changed or
went away (their attachments saved to files), threads that opened, the bot's warnings, and its
problems (an error it logged, a call Discord would refuse, an interaction left unanswered)."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from offline import OfflineDiscord
from offline.harness import WATCHED_LOGGERS
from offline.world import LOADING, FakeChannel, FakeMessage
from sandbox.events import Change, LogLine, Shown, StepResult, ThreadOpened
from sandbox.visibility import owner_of

SHOWN_LOGGERS = ("bot", "cogs", "db", "bank", "apscheduler")  # discord.py's own notes are noise


class LogCollector(logging.Handler):
    """Warnings from the bot's own packages (shown), and errors from loggers the harness does
    not watch (problems). Errors from watched loggers reach us through the harness."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        top = record.name.split(".")[0]
        is_error = record.levelno >= logging.ERROR
        if (is_error and top not in WATCHED_LOGGERS) or (not is_error and top in SHOWN_LOGGERS):
            self.records.append(record)

    def drain(self) -> list[logging.LogRecord]:
        records, self.records = self.records, []
        return records


@dataclass(frozen=True)
class Before:
    """The world just before a step, to tell what the step added."""

    interactions: frozenset[int]
    channels: frozenset[int]


@dataclass(frozen=True)
class _Snapshot:
    content: str
    embeds: str
    components: str
    attachments: tuple[int, ...]
    loading: bool
    deleted: bool


class ChangeLog:
    def __init__(self, discord: OfflineDiscord, files_dir: Path, logs: LogCollector) -> None:
        self.discord = discord
        self.files_dir = files_dir
        self.logs = logs
        self._snapshots = {m.id: _snapshot(m) for m in discord.world.messages.values()}
        self._saved: dict[int, Path] = {}  # attachment id -> file
        self._errors_seen = 0
        self._violations_seen = 0

    def before(self) -> Before:
        world = self.discord.world
        return Before(frozenset(world.interactions), frozenset(world.channels))

    def collect(self, result: StepResult, before: Before, follow: set[int]) -> FakeChannel | None:
        """Add what changed to ``result``; returns the new thread to follow, if any of the
        ``follow`` ids (threads opened on messages the member touched) appeared."""
        records = self.logs.drain()
        result.events[:0] = [_log_line(r) for r in records if r.levelno < logging.ERROR]
        result.problems += [_logged(r) for r in records if r.levelno >= logging.ERROR]

        world = self.discord.world
        new_threads = {
            c.id: c for c in world.channels.values() if c.is_thread and c.id not in before.channels
        }
        followed: FakeChannel | None = None
        for message in list(world.messages.values()):
            shown = self._change(message)
            if shown is not None:
                result.events.append(shown)
            # A thread is announced right after the message it hangs on.
            if message.thread is not None and message.thread.id in new_threads:
                thread = new_threads.pop(message.thread.id)
                result.events.append(ThreadOpened(thread, thread.id in follow))
                followed = thread if thread.id in follow else followed
        result.events += [ThreadOpened(t, followed=False) for t in new_threads.values()]

        result.problems += [
            f"Discord would have refused a call: {v}"
            for v in self.discord.violations[self._violations_seen :]
        ]
        self._violations_seen = len(self.discord.violations)
        result.problems += [_logged(r) for r in self.discord.errors[self._errors_seen :]]
        self._errors_seen = len(self.discord.errors)
        result.problems += [
            "the bot never answered an interaction (Discord shows 'The application did not "
            "respond')"
            for i in world.interactions.values()
            if i.id not in before.interactions and i.response_type is None and i.type != 1
        ]
        return followed

    def _change(self, message: FakeMessage) -> Shown | None:
        now, old = _snapshot(message), self._snapshots.get(message.id)
        self._snapshots[message.id] = now
        if now == old or (old is None and message.deleted):
            return None
        if message.deleted:
            change = Change.DELETED
        elif old is None:
            change = Change.NEW
        elif (old.content, old.embeds, old.attachments) == (
            now.content,
            now.embeds,
            now.attachments,
        ):
            change = Change.BUTTONS
        else:
            change = Change.EDITED
        owner = owner_of(self.discord.world, message)
        return Shown(message, change, owner, self._save(message))

    def _save(self, message: FakeMessage) -> dict[int, Path]:
        """Write the message's attachments to the files folder (once each)."""
        for attachment in message.attachments:
            if attachment.id not in self._saved:
                self.files_dir.mkdir(parents=True, exist_ok=True)
                name = re.sub(r"[^\w.-]", "_", attachment.filename)
                path = self.files_dir / f"{attachment.id}-{name}"
                path.write_bytes(attachment.data)
                self._saved[attachment.id] = path
        return {a.id: self._saved[a.id] for a in message.attachments}


def _snapshot(message: FakeMessage) -> _Snapshot:
    return _Snapshot(
        content=message.content,
        embeds=json.dumps(message.embed_data, sort_keys=True),
        components=json.dumps(message.components, sort_keys=True),
        attachments=tuple(a.id for a in message.attachments),
        loading=bool(message.flags & LOADING),
        deleted=message.deleted,
    )


def _log_line(record: logging.LogRecord) -> LogLine:
    return LogLine(record.levelname, record.name, record.getMessage())


def _logged(record: logging.LogRecord) -> str:
    return "the bot logged an error: " + logging.Formatter("%(name)s: %(message)s").format(record)
