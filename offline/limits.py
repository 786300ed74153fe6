"""Discord's payload limits, checked the way Discord checks them.

A lax fake lets a bot pass tests and then fail in production on the first long explanation or
the sixth button. Each function returns problems as ``(path, message)`` pairs; the fake session
turns them into the HTTP 400 body Discord sends (code 50035, "Invalid Form Body").
"""

from __future__ import annotations

from typing import Any

Problem = tuple[str, str]

MESSAGE_CONTENT = 2000
EMBEDS_PER_MESSAGE = 10
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER_TEXT = 2048
AUTHOR_NAME = 256
EMBED_TOTAL = 6000
ACTION_ROWS = 5
BUTTONS_PER_ROW = 5
CUSTOM_ID = 100
BUTTON_LABEL = 80
SELECT_OPTIONS = 25
MODAL_TITLE = 45
MODAL_ROWS = 5
TEXT_INPUT_LABEL = 45
TEXT_INPUT_MAX_LENGTH = 4000

BUTTON, SELECTS, TEXT_INPUT, LABEL = 2, {3, 5, 6, 7, 8}, 4, 18


def _too_long(path: str, value: Any, limit: int) -> list[Problem]:
    if isinstance(value, str) and len(value) > limit:
        return [(path, f"Must be {limit} or fewer in length.")]
    return []


def check_message(payload: dict[str, Any], *, has_files: bool = False) -> list[Problem]:
    problems = _too_long("content", payload.get("content"), MESSAGE_CONTENT)
    embeds = payload.get("embeds") or []
    if len(embeds) > EMBEDS_PER_MESSAGE:
        problems.append(("embeds", f"Must be {EMBEDS_PER_MESSAGE} or fewer in length."))
    total = 0
    for index, embed in enumerate(embeds):
        embed_problems, size = check_embed(embed, f"embeds.{index}")
        problems += embed_problems
        total += size
    if total > EMBED_TOTAL:
        problems.append(("embeds", f"Embed size exceeds maximum size of {EMBED_TOTAL}"))
    problems += check_components(payload.get("components") or [], "components")
    return problems


def is_empty_message(payload: dict[str, Any], *, has_files: bool) -> bool:
    keys = ("content", "embeds", "components", "sticker_ids", "poll")
    return not has_files and not any(payload.get(key) for key in keys)


def check_embed(embed: dict[str, Any], path: str) -> tuple[list[Problem], int]:
    problems: list[Problem] = []
    title, description = embed.get("title") or "", embed.get("description") or ""
    footer = (embed.get("footer") or {}).get("text") or ""
    author = (embed.get("author") or {}).get("name") or ""
    problems += _too_long(f"{path}.title", title, EMBED_TITLE)
    problems += _too_long(f"{path}.description", description, EMBED_DESCRIPTION)
    problems += _too_long(f"{path}.footer.text", footer, FOOTER_TEXT)
    problems += _too_long(f"{path}.author.name", author, AUTHOR_NAME)
    fields = embed.get("fields") or []
    if len(fields) > EMBED_FIELDS:
        problems.append((f"{path}.fields", f"Must be {EMBED_FIELDS} or fewer in length."))
    size = len(title) + len(description) + len(footer) + len(author)
    for index, field in enumerate(fields):
        name, value = field.get("name") or "", field.get("value") or ""
        problems += _too_long(f"{path}.fields.{index}.name", name, FIELD_NAME)
        problems += _too_long(f"{path}.fields.{index}.value", value, FIELD_VALUE)
        if not name or not value:
            problems.append((f"{path}.fields.{index}", "This field is required"))
        size += len(name) + len(value)
    return problems, size


def check_components(rows: list[dict[str, Any]], path: str) -> list[Problem]:
    problems: list[Problem] = []
    if len(rows) > ACTION_ROWS:
        problems.append((path, f"Must be {ACTION_ROWS} or fewer in length."))
    for r, row in enumerate(rows):
        children = row.get("components") or []
        buttons = [c for c in children if c.get("type") == BUTTON]
        if len(buttons) > BUTTONS_PER_ROW:
            problems.append((f"{path}.{r}.components", "Must be 5 or fewer in length."))
        if any(c.get("type") in SELECTS for c in children) and len(children) > 1:
            problems.append((f"{path}.{r}.components", "A select menu must be alone in its row"))
        for c, child in enumerate(children):
            problems += _check_component(child, f"{path}.{r}.components.{c}")
    return problems


def _check_component(component: dict[str, Any], path: str) -> list[Problem]:
    problems = _too_long(f"{path}.custom_id", component.get("custom_id"), CUSTOM_ID)
    kind = component.get("type")
    if kind == BUTTON:
        problems += _too_long(f"{path}.label", component.get("label"), BUTTON_LABEL)
        if component.get("style") != 5 and not component.get("custom_id"):  # 5 = link button
            problems.append((f"{path}.custom_id", "This field is required"))
    elif kind in SELECTS:
        options = component.get("options") or []
        if len(options) > SELECT_OPTIONS:
            problems.append((f"{path}.options", f"Must be {SELECT_OPTIONS} or fewer in length."))
    elif kind == TEXT_INPUT:
        problems += _too_long(f"{path}.label", component.get("label"), TEXT_INPUT_LABEL)
        if (component.get("max_length") or 0) > TEXT_INPUT_MAX_LENGTH:
            problems.append(
                (f"{path}.max_length", f"int value should be <= {TEXT_INPUT_MAX_LENGTH}.")
            )
    return problems


def check_modal(payload: dict[str, Any]) -> list[Problem]:
    problems = _too_long("data.title", payload.get("title"), MODAL_TITLE)
    problems += _too_long("data.custom_id", payload.get("custom_id"), CUSTOM_ID)
    rows = payload.get("components") or []
    if not rows:
        problems.append(("data.components", "This field is required"))
    if len(rows) > MODAL_ROWS:
        problems.append(("data.components", f"Must be {MODAL_ROWS} or fewer in length."))
    for r, row in enumerate(rows):
        path = f"data.components.{r}"
        if row.get("type") == LABEL:
            problems += _too_long(f"{path}.label", row.get("label"), TEXT_INPUT_LABEL)
            problems += _check_component(row.get("component") or {}, f"{path}.component")
        else:
            for c, child in enumerate(row.get("components") or []):
                problems += _check_component(child, f"{path}.components.{c}")
    return problems


def error_body(problems: list[Problem]) -> dict[str, Any]:
    """Discord's nested ``errors`` object for an Invalid Form Body."""
    errors: dict[str, Any] = {}
    for path, message in problems:
        node = errors
        for part in path.split("."):
            node = node.setdefault(part, {})
        node.setdefault("_errors", []).append({"code": "BASE_TYPE_INVALID", "message": message})
    return {"code": 50035, "message": "Invalid Form Body", "errors": errors}
