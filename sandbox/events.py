"""What one sandbox step showed, as data: the session produces these, render.py draws them,
and tests read them without parsing terminal output."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from pathlib import Path

from offline.world import FakeChannel, FakeMember, FakeMessage


class Change(Enum):
    NEW = "new"
    EDITED = "edited"  # its text or embeds changed: shown again in full
    BUTTONS = "buttons"  # only its buttons changed (disabled at a reveal, say): one line
    DELETED = "deleted"


@dataclass(frozen=True)
class Shown:
    """A message that appeared, changed or went away; ``saved`` maps attachment ids to the
    files they were written to."""

    message: FakeMessage
    change: Change
    owner: FakeMember | None = None  # who can see it, when it is ephemeral
    saved: dict[int, Path] = field(default_factory=dict)


@dataclass(frozen=True)
class Notice:
    """A line from the sandbox itself (not the bot): who you are now, where you clicked."""

    text: str


@dataclass(frozen=True)
class ThreadOpened:
    thread: FakeChannel
    followed: bool  # the session moved you into it


@dataclass(frozen=True)
class FormOpened:
    title: str
    fields: tuple[str, ...]
    hint: str = ""  # the placeholder: the question, for answer forms


@dataclass(frozen=True)
class ClockMoved:
    delta: timedelta
    now: datetime


@dataclass(frozen=True)
class LogLine:
    """A warning the bot logged (errors are step problems instead)."""

    level: str
    logger: str
    text: str


@dataclass(frozen=True)
class HelpShown:
    rows: tuple[tuple[str, str], ...]


Event = Shown | Notice | ThreadOpened | FormOpened | ClockMoved | LogLine | HelpShown


@dataclass
class StepResult:
    """Everything a step showed, and what went wrong in the bot (a logged error, a call Discord
    would refuse, an unanswered interaction). Problems fail a script; typing mistakes raise
    :class:`~sandbox.errors.SandboxError` instead."""

    events: list[Event] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def title_of(message: FakeMessage | None) -> str:
    """A short name for a message in notices: its first embed title, else its first line."""
    if message is None:
        return "a message"
    for embed in message.embed_data:
        if embed.get("title"):
            return f'"{embed["title"]}"'
    first = message.content.strip().split("\n")[0]
    return f'"{first[:40]}"' if first else "a message"
