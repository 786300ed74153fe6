"""Tab completion: what may come next on a partly typed line. The suggestions are computed
from the live session (commands from the bot's tree, members, channels, buttons on screen);
:class:`SandboxCompleter` hands them to prompt_toolkit and, for options the bot completes
itself (a time zone, say), asks the bot the way Discord's client would."""

from __future__ import annotations

import shlex
from collections.abc import AsyncGenerator, Iterable
from dataclasses import dataclass
from typing import Protocol

from discord import AppCommandOptionType as Kind
from discord import app_commands
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from sandbox import parser, slash

WAITS = ("30s", "1m", "5m", "1h", "1d", "7d")
# A completed word that takes something after it ends in a space, as in a shell, so typing
# goes on with the next part; option names end in ":" instead, for their value.
TAKE_ARGUMENTS = {"click", "answer", "as", "in", "wait"}
SANDBOX_WORDS = {
    f"{word} " if word in TAKE_ARGUMENTS else word: text
    for word, text in parser.WORDS.items()
    if not word.startswith("/")
}


class Source(Protocol):
    """What completion reads from the session."""

    def commands(self) -> list[slash.AnyCommand]: ...
    def member_names(self) -> list[str]: ...
    def channel_names(self) -> list[str]: ...
    def role_names(self) -> list[str]: ...
    def button_labels(self) -> list[str]: ...


@dataclass(frozen=True)
class Suggestion:
    text: str  # what replaces the last ``replace`` characters before the cursor
    replace: int
    meta: str = ""


@dataclass(frozen=True)
class Offered:
    """One of the bot's autocomplete choices: ``name`` is what Discord's client lists,
    ``value`` what it sends (a question's id for a search, say)."""

    name: str
    value: str


@dataclass(frozen=True)
class OptionInProgress:
    """The cursor is inside ``name:value`` of ``command``; the bot may complete the value."""

    command: slash.AnyCommand
    parameter: app_commands.Parameter
    typed: dict[str, str]  # the other options, as typed
    value: str


def suggest(line: str, source: Source) -> list[Suggestion]:
    if line.startswith("/"):
        return _slash(line[1:], source)
    word, space, rest = line.partition(" ")
    if not space:
        commands = [f"/{c.qualified_name} " for c in source.commands()]
        return _matching(word, [*SANDBOX_WORDS, *commands], meta=SANDBOX_WORDS)
    word = word.lower()
    if word == "as":
        return _as(rest, source)
    if word == "in":
        return _matching(rest, [f"#{name}" for name in source.channel_names()])
    if word == "click":
        return _matching(rest, source.button_labels())
    if word == "wait":
        return _matching(rest, list(WAITS))
    return []


def _as(rest: str, source: Source) -> list[Suggestion]:
    """``as NAME [--admin]``: member names (quoted when they hold a space), then the flag."""
    try:
        words, closed = shlex.split(rest), True
    except ValueError:  # inside an open quote: a name is still being typed
        words, closed = [], False
    if rest.endswith(" ") and words and closed:
        return _matching("", ["--admin"]) if "--admin" not in words else []
    folded = rest.lstrip("@").lstrip("\"'").casefold()
    return [
        Suggestion(quoted(name), len(rest))  # replaces what was typed, an opening quote too
        for name in source.member_names()
        if name.casefold().startswith(folded) and quoted(name) != rest
    ]


def option_in_progress(line: str, source: Source) -> OptionInProgress | None:
    """The option being typed at the end of ``line``, if the line is a slash command."""
    if not line.startswith("/"):
        return None
    found = _split_command(line[1:], source)
    if found is None:
        return None
    command, rest = found
    *done, last = rest.split(" ")
    name, colon, value = last.partition(":")
    parameter = {p.display_name: p for p in command.parameters}.get(name)
    if not colon or parameter is None:
        return None
    typed = {}
    for token in done:
        other, sep, other_value = token.partition(":")
        if sep:
            typed[other] = other_value
    return OptionInProgress(command, parameter, typed, value)


def _slash(body: str, source: Source) -> list[Suggestion]:
    found = _split_command(body, source)
    if found is None:
        descriptions = {f"{c.qualified_name} ": c.description for c in source.commands()}
        return _matching(body, list(descriptions), meta=descriptions)
    command, rest = found
    last = rest.split(" ")[-1]
    name, colon, value = last.partition(":")
    parameters = {p.display_name: p for p in command.parameters}
    if colon:
        parameter = parameters.get(name)
        return _matching(value, [f"{v} " for v in _values(parameter, source)]) if parameter else []
    used = {token.partition(":")[0] for token in rest.split(" ")[:-1]}
    options = {
        f"{p.display_name}:": ("required: " if p.required else "") + p.description
        for p in command.parameters
        if p.display_name not in used
    }
    return _matching(last, list(options), meta=options)


def _split_command(body: str, source: Source) -> tuple[slash.AnyCommand, str] | None:
    """The command named at the start of ``body`` and what follows it, once a space shows
    the name is complete."""
    for command in sorted(source.commands(), key=lambda c: -len(c.qualified_name)):
        if body.startswith(command.qualified_name + " "):
            return command, body[len(command.qualified_name) + 1 :]
    return None


def _values(parameter: app_commands.Parameter, source: Source) -> list[str]:
    if parameter.choices:
        return [str(choice.value) for choice in parameter.choices]
    return {
        Kind.user: [quoted(f"@{name}") for name in source.member_names()],
        Kind.mentionable: [quoted(f"@{name}") for name in source.member_names()],
        Kind.channel: [f"#{name}" for name in source.channel_names() if " " not in name],
        Kind.role: [f"@&{name}" for name in source.role_names()],
        Kind.boolean: ["true", "false"],
    }.get(parameter.type, [])


def _matching(
    typed: str, candidates: Iterable[str], meta: dict[str, str] | None = None
) -> list[Suggestion]:
    folded = typed.casefold()
    return [
        Suggestion(c, len(typed), (meta or {}).get(c, ""))
        for c in candidates
        if c.casefold().startswith(folded) and c != typed
    ]


class AutocompleteSource(Source, Protocol):
    async def autocomplete(self, option: OptionInProgress) -> list[Offered]: ...


class SandboxCompleter(Completer):
    """prompt_toolkit's side: the suggestions above, plus the bot's own autocomplete."""

    def __init__(self, source: AutocompleteSource) -> None:
        self.source = source

    def get_completions(self, document: Document, event: CompleteEvent) -> Iterable[Completion]:
        for s in suggest(document.text_before_cursor, self.source):
            yield Completion(s.text, start_position=-s.replace, display_meta=s.meta)

    async def get_completions_async(
        self, document: Document, event: CompleteEvent
    ) -> AsyncGenerator[Completion, None]:
        for completion in self.get_completions(document, event):
            yield completion
        option = option_in_progress(document.text_before_cursor, self.source)
        if option is not None and option.parameter.autocomplete:
            for offered in await self.source.autocomplete(option):
                # The menu lists the choice's name, as Discord's does; the line gets the value.
                meta = offered.value if offered.name != offered.value else ""
                yield Completion(
                    f"{quoted(offered.value)} ",
                    start_position=-len(option.value),
                    display=offered.name,
                    display_meta=meta,
                )


def quoted(value: str) -> str:
    """``value`` as the parser reads it back: in double quotes when it holds a space."""
    if " " not in value and '"' not in value:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
