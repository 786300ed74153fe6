"""Slash commands as the sandbox sees them: find one in the bot's tree, and turn typed
``name:value`` text into the values the command's parameters expect (``rounds:3`` -> 3,
``member:@bob`` -> the member), refusing what Discord's own client would not let you send."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

from discord import AppCommandOptionType as Kind
from discord import app_commands

from offline.world import FakeAttachment, FakeChannel, FakeMember, FakeRole
from sandbox.errors import SandboxError

AnyCommand = app_commands.Command[Any, ..., Any]

TRUE_WORDS = {"true", "yes", "y", "on", "1"}
FALSE_WORDS = {"false", "no", "n", "off", "0"}


class Directory(Protocol):
    """Who and what a typed reference can name; the session answers from the fake world."""

    def member(self, name: str) -> FakeMember: ...
    def channel(self, name: str) -> FakeChannel: ...
    def role(self, name: str) -> FakeRole: ...
    def attachment(self, path: Path) -> FakeAttachment: ...


def leaf_commands(tree: app_commands.CommandTree[Any]) -> list[AnyCommand]:
    """Every command a member can run (groups are only containers), sorted by name."""
    found = [c for c in tree.walk_commands() if isinstance(c, app_commands.Command)]
    return sorted(found, key=lambda c: c.qualified_name)


def find_command(tree: app_commands.CommandTree[Any], words: Iterable[str]) -> AnyCommand:
    path = " ".join(words)
    commands = {c.qualified_name: c for c in leaf_commands(tree)}
    if path in commands:
        return commands[path]
    names = list(commands)
    subcommands = [f"/{name}" for name in names if name.startswith(path + " ")]
    if subcommands:
        raise SandboxError(f"/{path} needs a subcommand: {', '.join(subcommands)}")
    close = [n for n in names if n.startswith(path)] or difflib.get_close_matches(path, names)
    hint = f"did you mean {', '.join(f'/{n}' for n in close)}? " if close else ""
    raise SandboxError(f"no command /{path}: {hint}/help lists them, Tab completes them")


def usage(command: AnyCommand) -> str:
    """``/duel challenge member:@member [rounds:3-10] ...``, for error messages and help."""
    parts = [f"/{command.qualified_name}"]
    for parameter in command.parameters:
        shown = f"{parameter.display_name}:{_placeholder(parameter)}"
        parts.append(shown if parameter.required else f"[{shown}]")
    return " ".join(parts)


def convert_options(
    command: AnyCommand, typed: dict[str, str], directory: Directory
) -> dict[str, Any]:
    """Typed text -> values for :meth:`OfflineDiscord.slash`, keyed by option name."""
    parameters = {p.display_name: p for p in command.parameters}
    unknown = sorted(set(typed) - set(parameters))
    if unknown:
        known = ", ".join(parameters) or "none"
        raise SandboxError(
            f"/{command.qualified_name} has no option {', '.join(unknown)} (options: {known})"
        )
    missing = [name for name, p in parameters.items() if p.required and name not in typed]
    if missing:
        raise SandboxError(
            f"/{command.qualified_name} needs {', '.join(missing)}: {usage(command)}"
        )
    return {name: convert(parameters[name], text, directory) for name, text in typed.items()}


def convert(parameter: app_commands.Parameter, text: str, directory: Directory) -> Any:
    name = parameter.display_name
    if parameter.choices:
        return _choice(parameter, text)
    kind = parameter.type
    value: Any
    if kind is Kind.string:
        value = text
        _check_range(name, len(text), parameter, what="characters long")
    elif kind is Kind.integer:
        value = _number(name, text, int, "a whole number")
        _check_range(name, value, parameter)
    elif kind is Kind.number:
        value = _number(name, text, float, "a number")
        _check_range(name, value, parameter)
    elif kind is Kind.boolean:
        value = _boolean(name, text)
    elif kind is Kind.user:
        value = directory.member(_strip(text, "@", name, "a member, e.g. @bob"))
    elif kind is Kind.channel:
        value = directory.channel(_strip(text, "#", name, "a channel, e.g. #general"))
    elif kind is Kind.role:
        value = directory.role(_strip(text, "@&", name, "a role, e.g. @&learners"))
    elif kind is Kind.mentionable:
        if text.startswith("@&"):
            value = directory.role(text[2:])
        else:
            value = directory.member(_strip(text, "@", name, "@member or @&role"))
    elif kind is Kind.attachment:
        value = directory.attachment(Path(text).expanduser())
    else:
        raise SandboxError(f"option {name}: the sandbox cannot type {kind.name} options yet")
    return value


def _placeholder(parameter: app_commands.Parameter) -> str:
    if parameter.choices:
        return "|".join(str(c.value) for c in parameter.choices)
    kind = parameter.type
    if kind in (Kind.integer, Kind.number) and parameter.min_value is not None:
        return f"{parameter.min_value}-{parameter.max_value}"
    return {
        Kind.user: "@member",
        Kind.channel: "#channel",
        Kind.role: "@&role",
        Kind.mentionable: "@member",
        Kind.attachment: "FILE",
        Kind.boolean: "true|false",
    }.get(kind, parameter.display_name)


def _choice(parameter: app_commands.Parameter, text: str) -> Any:
    for choice in parameter.choices:
        if text == str(choice.value) or text.lower() == choice.name.lower():
            return choice.value
    for choice in parameter.choices:
        if text.lower() == str(choice.value).lower():
            return choice.value
    offered = ", ".join(str(c.value) for c in parameter.choices)
    raise SandboxError(f"option {parameter.display_name}: {text!r} is not one of {offered}")


def _number(name: str, text: str, kind: type[int] | type[float], what: str) -> Any:
    try:
        return kind(text)
    except ValueError:
        raise SandboxError(f"option {name}: expected {what}, got {text!r}") from None


def _boolean(name: str, text: str) -> bool:
    if text.lower() in TRUE_WORDS:
        return True
    if text.lower() in FALSE_WORDS:
        return False
    raise SandboxError(f"option {name}: expected true or false, got {text!r}")


def _check_range(
    name: str, value: float, parameter: app_commands.Parameter, what: str = ""
) -> None:
    # Discord's client refuses out-of-range values before the bot ever sees them.
    low, high = parameter.min_value, parameter.max_value
    suffix = f" {what}" if what else ""
    if low is not None and value < low:
        raise SandboxError(f"option {name}: must be at least {low}{suffix}")
    if high is not None and value > high:
        raise SandboxError(f"option {name}: must be at most {high}{suffix}")


def _strip(text: str, prefix: str, name: str, what: str) -> str:
    bare = text[len(prefix) :] if text.startswith(prefix) else text
    if not bare:
        raise SandboxError(f"option {name}: expected {what}")
    return bare
