"""Discord's documented rules that its OpenAPI description cannot express, checked the way
Discord checks them.

The spec (see :mod:`offline.openapi`) says what each field may hold; these are the rules across
fields or stricter than the spec's letter: 2,000 characters of content for a bot, 6,000
characters over all embeds of a message, 5 action rows outside components v2, a select menu
alone in its row, no empty message, 5 rows in a modal, and what slash-command registration
refuses (names, descriptions, option order, sizes). Each function returns
:class:`~offline.validate.Problem` s; :func:`error_body` turns them into the 400 body Discord
sends (code 50035, "Invalid Form Body").
"""

from __future__ import annotations

from typing import Any

from offline.validate import Problem, join

MESSAGE_CONTENT = 2000
EMBED_TOTAL = 6000
ACTION_ROWS = 5
MODAL_ROWS = 5
COMMAND_NAME = 32
COMMAND_DESCRIPTION = 100
COMMAND_TOTAL = 4000  # name, description, options and choices of one command together
CHAT_INPUT_COMMANDS = 100
CONTEXT_MENU_COMMANDS = 5  # of each kind: user, message
IS_COMPONENTS_V2 = 1 << 15

ACTION_ROW, BUTTON, TEXT_INPUT, LABEL = 1, 2, 4, 18
SELECTS = {3, 5, 6, 7, 8}
LINK, PREMIUM = 5, 6
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
CHAT_INPUT, USER, MESSAGE = 1, 2, 3
NAME_PUNCTUATION = set("-_'")


def _too_long(path: str, value: Any, limit: int) -> list[Problem]:
    if isinstance(value, str) and len(value) > limit:
        return [Problem(path, f"Must be {limit} or fewer in length.", "BASE_TYPE_MAX_LENGTH")]
    return []


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


# -- messages ---------------------------------------------------------------------------------


def check_message(payload: Any, *, path: str = "") -> list[Problem]:
    """A message body (create or edit, channel or webhook). Values of the wrong type are the
    spec validator's to report; here they are skipped."""
    body = _dict(payload)
    problems = _too_long(join(path, "content"), body.get("content"), MESSAGE_CONTENT)
    total = sum(embed_size(embed) for embed in _list(body.get("embeds")))
    if total > EMBED_TOTAL:
        message = f"Embed size exceeds maximum size of {EMBED_TOTAL}"
        problems.append(Problem(join(path, "embeds"), message, "MAX_EMBED_SIZE_EXCEEDED"))
    flags = body.get("flags")
    v2 = isinstance(flags, int) and bool(flags & IS_COMPONENTS_V2)
    problems += check_components(_list(body.get("components")), join(path, "components"), v2=v2)
    return problems


def is_empty_message(payload: Any, *, has_files: bool) -> bool:
    body = _dict(payload)
    keys = ("content", "embeds", "components", "sticker_ids", "poll")
    return not has_files and not any(body.get(key) for key in keys)


def embed_size(embed: Any) -> int:
    """The characters Discord counts towards the 6,000 of a message."""
    embed = _dict(embed)
    size = len(_text(embed.get("title"))) + len(_text(embed.get("description")))
    size += len(_text(_dict(embed.get("footer")).get("text")))
    size += len(_text(_dict(embed.get("author")).get("name")))
    for field in _list(embed.get("fields")):
        size += len(_text(_dict(field).get("name"))) + len(_text(_dict(field).get("value")))
    return size


def check_components(rows: list[Any], path: str, *, v2: bool = False) -> list[Problem]:
    problems: list[Problem] = []
    if not v2 and len(rows) > ACTION_ROWS:
        message = f"Must be {ACTION_ROWS} or fewer in length."
        problems.append(Problem(path, message, "BASE_TYPE_MAX_LENGTH"))
    for r, row in enumerate(rows):
        children = _list(_dict(row).get("components"))
        kinds = [_dict(c).get("type") for c in children]
        if any(kind in SELECTS for kind in kinds) and len(children) > 1:
            message = "A select menu must be alone in its action row."
            problems.append(Problem(join(path, f"{r}.components"), message, "COMPONENT_LAYOUT"))
        for c, child in enumerate(children):
            problems += _check_button(_dict(child), join(path, f"{r}.components.{c}"))
    return problems


def _check_button(button: dict[str, Any], path: str) -> list[Problem]:
    if button.get("type") != BUTTON:
        return []
    style = button.get("style")
    if style == LINK:
        if not button.get("url"):
            return [Problem(join(path, "url"), "This field is required", "BASE_TYPE_REQUIRED")]
        if button.get("custom_id"):
            message = "A link button cannot have a custom_id."
            return [Problem(join(path, "custom_id"), message, "BUTTON_COMPONENT_INVALID")]
    elif style != PREMIUM and not button.get("custom_id"):
        return [Problem(join(path, "custom_id"), "This field is required", "BASE_TYPE_REQUIRED")]
    return []


def check_modal(payload: Any, *, path: str = "data") -> list[Problem]:
    body = _dict(payload)
    rows = _list(body.get("components"))
    if len(rows) > MODAL_ROWS:
        message = f"Must be {MODAL_ROWS} or fewer in length."
        return [Problem(join(path, "components"), message, "BASE_TYPE_MAX_LENGTH")]
    return []


def check_autocomplete(payload: Any, *, path: str = "data") -> list[Problem]:
    return []  # the spec already caps choices at 25 and their names at 100


# -- slash-command registration -----------------------------------------------------------


def check_commands(commands: Any, path: str = "") -> list[Problem]:
    """A bulk overwrite (PUT .../commands): each command as Discord's registration refuses."""
    problems: list[Problem] = []
    seen: dict[tuple[Any, str], int] = {}
    counts: dict[Any, int] = {}
    for index, command in enumerate(_list(commands)):
        command = _dict(command)
        kind = command.get("type") or CHAT_INPUT
        here = join(path, index)
        problems += _check_command(command, kind, here)
        name = _text(command.get("name"))
        if (kind, name) in seen:
            message = f"Application command names must be unique (same as {seen[(kind, name)]})."
            problems.append(Problem(join(here, "name"), message, "APPLICATION_COMMAND_DUPLICATE"))
        seen.setdefault((kind, name), index)
        counts[kind] = counts.get(kind, 0) + 1
    for kind, count in counts.items():
        limit = CHAT_INPUT_COMMANDS if kind == CHAT_INPUT else CONTEXT_MENU_COMMANDS
        if count > limit:
            message = f"Maximum number of application commands of type {kind} reached ({limit})."
            problems.append(Problem(path, message, "APPLICATION_COMMANDS_TOO_MANY"))
    return problems


def _check_command(command: dict[str, Any], kind: Any, path: str) -> list[Problem]:
    problems: list[Problem] = []
    name, description = _text(command.get("name")), command.get("description")
    if kind == CHAT_INPUT:
        problems += _check_name(name, join(path, "name"))
        problems += _check_description(description, join(path, "description"))
        problems += _check_options(_list(command.get("options")), join(path, "options"), 0)
    elif description:
        message = "Context menu commands cannot have a description."
        problems.append(Problem(join(path, "description"), message, "APPLICATION_COMMAND_INVALID"))
    if kind == CHAT_INPUT and command_size(command) > COMMAND_TOTAL:
        message = f"Command exceeds maximum size ({COMMAND_TOTAL})"
        problems.append(Problem(path, message, "APPLICATION_COMMAND_TOO_LARGE"))
    return problems


def _check_name(name: str, path: str) -> list[Problem]:
    """Discord's ``^[-_'\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$``, lowercase where a letter
    has a lowercase form."""
    valid = 1 <= len(name) <= COMMAND_NAME and all(
        ch.isalnum() or ch in NAME_PUNCTUATION or _indic(ch) for ch in name
    )
    if not valid:
        message = "Command name is invalid (1-32 letters, digits, - _ or ')."
        return [Problem(path, message, "APPLICATION_COMMAND_INVALID_NAME")]
    if name != name.lower():
        message = "Command name must be lowercase."
        return [Problem(path, message, "APPLICATION_COMMAND_INVALID_NAME")]
    return []


def _indic(ch: str) -> bool:
    # Devanagari and Thai combining marks count as name characters though not alphanumeric.
    return "\u0900" <= ch <= "\u097f" or "\u0e00" <= ch <= "\u0e7f"


def _check_description(description: Any, path: str) -> list[Problem]:
    if not isinstance(description, str) or not 1 <= len(description) <= COMMAND_DESCRIPTION:
        message = f"Must be between 1 and {COMMAND_DESCRIPTION} in length."
        return [Problem(path, message, "BASE_TYPE_BAD_LENGTH")]
    return []


def _check_options(options: list[Any], path: str, depth: int) -> list[Problem]:
    problems: list[Problem] = []
    kinds = [_dict(o).get("type") for o in options]
    nested = [k in (SUB_COMMAND, SUB_COMMAND_GROUP) for k in kinds]
    if any(nested) and not all(nested):
        message = "Subcommands and subcommand groups cannot be mixed with other options."
        problems.append(Problem(path, message, "APPLICATION_COMMAND_OPTIONS_MIXED"))
    names: set[str] = set()
    optional_seen = False
    for index, option in enumerate(options):
        option = _dict(option)
        here = join(path, index)
        name = _text(option.get("name"))
        problems += _check_name(name, join(here, "name"))
        problems += _check_description(option.get("description"), join(here, "description"))
        if name in names:
            message = "Option names must be unique within a command."
            problems.append(Problem(join(here, "name"), message, "APPLICATION_COMMAND_DUPLICATE"))
        names.add(name)
        if option.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP):
            problems += _check_options(_list(option.get("options")), join(here, "options"), depth)
            continue
        if option.get("required"):
            if optional_seen:
                message = "Required options must be placed before non-required options."
                problems.append(Problem(here, message, "APPLICATION_COMMAND_OPTIONS_ORDER"))
        else:
            optional_seen = True
        if option.get("autocomplete") and option.get("choices"):
            message = "Autocomplete cannot be set on an option with choices."
            problems.append(Problem(join(here, "autocomplete"), message, "AUTOCOMPLETE_CHOICES"))
    return problems


def command_size(command: dict[str, Any]) -> int:
    """Characters Discord counts towards a command's 4,000: names, descriptions and choices."""
    size = len(_text(command.get("name"))) + len(_text(command.get("description")))
    for option in _list(command.get("options")):
        size += command_size(_dict(option))
        for choice in _list(_dict(option).get("choices")):
            size += len(_text(_dict(choice).get("name"))) + len(str(_dict(choice).get("value", "")))
    return size


# -- the answer ----------------------------------------------------------------------------


def error_body(problems: list[Problem]) -> dict[str, Any]:
    """Discord's nested ``errors`` object for an Invalid Form Body."""
    errors: dict[str, Any] = {}
    for problem in problems:
        node = errors
        for part in problem.path.split(".") if problem.path else ():
            node = node.setdefault(part, {})
        node.setdefault("_errors", []).append({"code": problem.code, "message": problem.message})
    return {"code": 50035, "message": "Invalid Form Body", "errors": errors}
