"""Turn one typed line into a step. Pure: no bot, no world, no I/O, so it is unit-tested alone.

The language mirrors what a member does in Discord: ``/command sub name:value`` runs a slash
command, ``click LABEL`` presses a button, ``answer TEXT`` fills the form a button opened, and a
few sandbox-only words move you around (``as``, ``in``) or move time (``wait``).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from datetime import timedelta

from sandbox.errors import SandboxError


class ParseError(SandboxError):
    """The line is not in the sandbox language; the message says what was expected."""


@dataclass(frozen=True)
class Slash:
    """``/daily setup channel:#daily``: ``words`` are the command path, ``options`` raw text."""

    words: tuple[str, ...]
    options: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class Click:
    label: str


@dataclass(frozen=True)
class Answer:
    text: str


@dataclass(frozen=True)
class Become:
    """``as bob`` (``--admin`` grants Manage Server)."""

    name: str
    admin: bool = False


@dataclass(frozen=True)
class Enter:
    """``in #general``: the channel (or thread) you act in from now on."""

    channel: str


@dataclass(frozen=True)
class Wait:
    delta: timedelta


@dataclass(frozen=True)
class Help:
    pass


@dataclass(frozen=True)
class Quit:
    pass


Step = Slash | Click | Answer | Become | Enter | Wait | Help | Quit

# Sandbox words with one line of help each; the help table and tab completion both read this.
WORDS = {
    "/COMMAND": "run a slash command, options as name:value (quote values with spaces)",
    "click": "click LABEL: press the newest button with that label you can see",
    "answer": "answer TEXT: fill and send the form a button opened (its first text box)",
    "as": 'as NAME [--admin]: act as another member (created on first use; "Two Words" quoted)',
    "in": "in #CHANNEL: act in another channel or thread (created on first use)",
    "wait": "wait 30s | 5m | 2h | 1d: jump the fake clock ahead (at the prompt it also runs "
    "with real time); scheduled posts and timers run",
    "help": "this list (the bot's own commands: /help)",
    "quit": "leave (Ctrl-D and Ctrl-C too)",
}
ALIASES = {"exit": "quit", "?": "help"}

COMMAND_WORD = re.compile(r"^[-_\w]+$")  # Discord's rule for command names
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(w|d|h|m|s)", re.IGNORECASE)
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def parse_line(line: str) -> Step | None:
    """The step on ``line``; None for a blank line or a ``#`` comment."""
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    if text.startswith("/"):
        return parse_slash(text)
    word, _, rest = text.partition(" ")
    word = ALIASES.get(word.lower(), word.lower())
    rest = rest.strip()
    if word == "click":
        return Click(_required(_unquote(rest), "click LABEL, e.g. click Accept"))
    if word == "answer":
        return Answer(_required(_unquote(rest), "answer TEXT, e.g. answer nucleus sampling"))
    if word == "as":
        return _parse_as(rest)
    if word == "in":
        channel = _unquote(rest).lstrip("#").strip()
        return Enter(_required(channel, "in #CHANNEL, e.g. in #general"))
    if word == "wait":
        return Wait(parse_duration(_required(rest, "wait DURATION, e.g. wait 1d or wait 30s")))
    if word == "help":
        return Help()
    if word == "quit":
        return Quit()
    raise ParseError(f"unknown command {word!r}: type help for the list, or /help for the bot's")


def parse_slash(text: str) -> Slash:
    try:
        tokens = shlex.split(text[1:])
    except ValueError as exc:  # an unclosed quote
        raise ParseError(f"cannot read the options: {exc}") from None
    words: list[str] = []
    options: dict[str, str] = {}
    index = 0
    while index < len(tokens) and COMMAND_WORD.match(tokens[index]):
        words.append(tokens[index])
        index += 1
    if not words:
        raise ParseError("type a command name after /, e.g. /help")
    while index < len(tokens):
        token = tokens[index]
        name, colon, value = token.partition(":")
        if not colon or not name:
            raise ParseError(f"expected name:value after /{' '.join(words)}, got {token!r}")
        # Allow "channel: #daily" (a space after the colon), as Discord's client shows it.
        if not value and index + 1 < len(tokens) and ":" not in tokens[index + 1]:
            index += 1
            value = tokens[index]
        if name in options:
            raise ParseError(f"option {name} is given twice")
        options[name] = value
        index += 1
    return Slash(tuple(words), options)


def parse_duration(text: str) -> timedelta:
    """``30s``, ``5m``, ``2h``, ``1d``, ``1w`` and sums of them such as ``1h30m`` or ``1d 2h``."""
    compact = text.replace(" ", "")
    parts = _DURATION_PART.findall(compact)
    if not parts or "".join(n + u for n, u in parts) != compact:
        raise ParseError(f"cannot read {text!r} as a duration: use e.g. 30s, 5m, 2h, 1d or 1h30m")
    totals: dict[str, float] = {}
    for number, unit in parts:  # "1m 30s 2m": timedelta takes each unit once, so sum them
        key = _UNITS[unit.lower()]
        totals[key] = totals.get(key, 0.0) + float(number)
    delta = timedelta(**totals)
    if delta <= timedelta(0):
        raise ParseError("wait needs a duration above zero")
    return delta


def _parse_as(rest: str) -> Become:
    try:  # quotes group a name with spaces: as "Bob Smith"
        words = shlex.split(rest)
    except ValueError as exc:  # an unclosed quote
        raise ParseError(f"cannot read the name: {exc}") from None
    admin = "--admin" in words
    names = [w for w in words if w != "--admin"]
    if len(names) != 1:
        raise ParseError('as NAME [--admin], e.g. as bob, as mod --admin or as "Bob Smith"')
    name = names[0].lstrip("@").strip()
    if not name or name.startswith("&"):
        raise ParseError("as NAME needs a member name, e.g. as bob")
    return Become(name, admin)


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _required(value: str, usage: str) -> str:
    if not value:
        raise ParseError(f"usage: {usage}")
    return value
