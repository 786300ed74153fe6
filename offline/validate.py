"""A compact JSON-schema checker for the subset of JSON Schema Discord's OpenAPI description uses.

It answers the way Discord's own form validation answers: a list of problems, each with the
dotted path of the offending value (``embeds.0.title``), Discord's error code and a message,
which :func:`offline.limits.error_body` turns into the 400 "Invalid Form Body" tree. It never
raises on a malformed body: a wrong type anywhere is a problem like any other.

Keywords checked: ``$ref``, ``allOf``, ``anyOf``/``oneOf`` (discriminated by a ``type`` field
where the branches have one), ``type`` (with ``null``), ``enum``, ``const``, ``minLength``,
``maxLength``, ``pattern``, ``minimum``, ``maximum``, ``minItems``, ``maxItems``,
``uniqueItems``, ``required``, ``additionalProperties``, ``minProperties``, ``maxProperties``.
``format`` is an annotation here (Discord's own checks of URLs and dates are not modelled).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

Schema = dict[str, Any]

# The keywords whose instances count as rules (see offline.rules), and that this module checks.
RULE_KEYWORDS = (
    "type",
    "enum",
    "const",
    "required",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "additionalProperties",
)


@dataclass(frozen=True)
class Problem:
    """One refusal: where (dotted path), Discord's error code, and its message."""

    path: str
    message: str
    code: str = "BASE_TYPE_INVALID"


def join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


def kind_of(value: Any) -> str:
    """The JSON type of a decoded value (a bool is not an integer, as in JSON)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def type_allows(allowed: list[str], value: Any) -> bool:
    kind = kind_of(value)
    return kind in allowed or (kind == "integer" and "number" in allowed)


_TYPE_ERRORS = {
    "string": ("STRING_TYPE_CONVERT", "Could not interpret {value} as string."),
    "integer": ("NUMBER_TYPE_COERCE", "Value {value} is not int."),
    "number": ("NUMBER_TYPE_COERCE", "Value {value} is not a number."),
    "boolean": ("BOOLEAN_TYPE_CONVERT", "Value {value} is not boolean."),
    "array": ("LIST_TYPE_CONVERT", "Only iterables may be used in a ListType"),
    "object": ("MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType"),
    "null": ("BASE_TYPE_BAD_TYPE", "Value {value} must be null."),
}
TYPE_CODES = {code for code, _ in _TYPE_ERRORS.values()} | {"UNION_TYPE_CHOICES"}


def _shown(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


class Validator:
    """Checks values against the schemas of one OpenAPI document.

    ``snowflake_ints``: accept a non-negative JSON integer where the spec types a snowflake as a
    string (discord.py sends ``message_reference.message_id`` and mention ids as numbers and
    Discord accepts them; see offline/spec/SOURCE.md).
    """

    def __init__(self, document: Schema, *, snowflake_ints: bool = True) -> None:
        self.document = document
        self.schemas: dict[str, Schema] = document.get("components", {}).get("schemas", {})
        self.snowflake_ints = snowflake_ints

    # -- resolution -------------------------------------------------------------------------

    def target(self, ref: str) -> Schema:
        node: Any = self.document
        for part in ref.removeprefix("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def resolve(self, node: Schema) -> Schema:
        """Follow ``$ref`` chains to the schema that has the keywords."""
        seen = 0
        while "$ref" in node and seen < 32:
            node, seen = self.target(node["$ref"]), seen + 1
        return node

    # -- checking ---------------------------------------------------------------------------

    def check(self, node: Schema, value: Any, path: str = "") -> list[Problem]:
        problems: list[Problem] = []
        self._check(node, value, path, problems)
        return problems

    def _check(self, node: Schema, value: Any, path: str, out: list[Problem]) -> None:
        if "$ref" in node:
            self._check(self.target(node["$ref"]), value, path, out)
        if self._is_snowflake_int(node, value):
            return
        allowed = node.get("type")
        if isinstance(allowed, str):
            allowed = [allowed]
        if isinstance(allowed, list) and not type_allows(allowed, value):
            wanted = next(t for t in allowed if t != "null") if allowed != ["null"] else "null"
            code, message = _TYPE_ERRORS.get(wanted, ("BASE_TYPE_BAD_TYPE", "Bad type {value}."))
            out.append(Problem(path, message.format(value=_shown(value)), code))
            return
        if value is None and isinstance(allowed, list) and "null" in allowed:
            return
        for sub in node.get("allOf") or ():
            self._check(sub, value, path, out)
        for keyword in ("oneOf", "anyOf"):
            if keyword in node:
                self._union(node[keyword], value, path, out)
        self._check_enum(node, value, path, out)
        if isinstance(value, str):
            self._check_string(node, value, path, out)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            self._check_number(node, value, path, out)
        elif isinstance(value, list):
            self._check_array(node, value, path, out)
        elif isinstance(value, dict):
            self._check_object(node, value, path, out)

    def _is_snowflake_int(self, node: Schema, value: Any) -> bool:
        return (
            self.snowflake_ints
            and node.get("format") == "snowflake"
            and kind_of(value) == "integer"
            and value >= 0
        )

    def _check_enum(self, node: Schema, value: Any, path: str, out: list[Problem]) -> None:
        choices = node["enum"] if "enum" in node else [node["const"]] if "const" in node else None
        if choices is not None and not any(_same(value, c) for c in choices):
            shown = ", ".join(_shown(c) for c in choices)
            out.append(Problem(path, f"Value must be one of ({shown}).", "BASE_TYPE_CHOICES"))

    def _check_string(self, node: Schema, value: str, path: str, out: list[Problem]) -> None:
        out += _length(path, len(value), node.get("minLength"), node.get("maxLength"))
        pattern = node.get("pattern")
        if pattern is not None and not _regex(pattern).search(value):
            out.append(
                Problem(path, "String value did not match validation regex.", "STRING_TYPE_REGEX")
            )

    def _check_number(self, node: Schema, value: float, path: str, out: list[Problem]) -> None:
        low, high = node.get("minimum"), node.get("maximum")
        if low is not None and value < low:
            message = f"int value should be greater than or equal to {low}."
            out.append(Problem(path, message, "NUMBER_TYPE_MIN"))
        if high is not None and value > high:
            message = f"int value should be less than or equal to {high}."
            out.append(Problem(path, message, "NUMBER_TYPE_MAX"))

    def _check_array(self, node: Schema, value: list[Any], path: str, out: list[Problem]) -> None:
        out += _length(path, len(value), node.get("minItems"), node.get("maxItems"))
        if node.get("uniqueItems"):
            seen: set[str] = set()
            for index, item in enumerate(value):
                key = json.dumps(item, sort_keys=True, default=str)
                if key in seen:
                    message = "Values in this list must be unique."
                    out.append(Problem(join(path, index), message, "LIST_ITEM_VALUE_DUPLICATE"))
                seen.add(key)
        items = node.get("items")
        if isinstance(items, dict):
            for index, item in enumerate(value):
                self._check(items, item, join(path, index), out)

    def _check_object(
        self, node: Schema, value: dict[str, Any], path: str, out: list[Problem]
    ) -> None:
        for name in node.get("required") or ():
            if name not in value:
                out.append(
                    Problem(join(path, name), "This field is required", "BASE_TYPE_REQUIRED")
                )
        properties: Schema = node.get("properties") or {}
        extra = node.get("additionalProperties")
        for name, item in value.items():
            if name in properties:
                self._check(properties[name], item, join(path, name), out)
            elif extra is False:
                message = "This field is not allowed here."
                out.append(Problem(join(path, name), message, "BASE_TYPE_UNKNOWN_FIELD"))
            elif isinstance(extra, dict):
                self._check(extra, item, join(path, name), out)
        count = len(value)
        low, high = node.get("minProperties"), node.get("maxProperties")
        if (low is not None and count < low) or (high is not None and count > high):
            out += _length(path, count, low, high)

    # -- unions ----------------------------------------------------------------------------

    def _union(self, branches: list[Schema], value: Any, path: str, out: list[Problem]) -> None:
        """``oneOf``/``anyOf``: valid when a branch accepts the value (Discord's unions do not
        overlap, so "exactly one" and "at least one" agree). When none does, report the branch
        the value was evidently meant for: the one whose ``type`` discriminator it carries."""
        resolved = [self.resolve(b) for b in branches]
        if resolved and all(set(r) - {"title", "description"} == {"const"} for r in resolved):
            self._check_enum({"enum": [r["const"] for r in resolved]}, value, path, out)
            return
        candidates = [b for b, r in zip(branches, resolved, strict=True) if self._fits(r, value)]
        best: list[Problem] | None = None
        for branch in candidates:
            problems = self.check(branch, value, path)
            if not problems:
                return
            if best is None or _distance(problems) < _distance(best):
                best = problems
        if best is not None:
            out += best
            return
        tags = sorted({c for r in resolved for c in _discriminator(r) or ()}, key=_shown)
        if isinstance(value, dict) and tags and "type" not in value:
            out.append(Problem(join(path, "type"), "This field is required", "BASE_TYPE_REQUIRED"))
        elif isinstance(value, dict) and tags:
            message = f'Value of field "type" must be one of ({", ".join(map(_shown, tags))}).'
            out.append(Problem(join(path, "type"), message, "UNION_TYPE_CHOICES"))
        else:
            kinds = sorted({k for r in resolved for k in _types(r)})
            message = f"Value {_shown(value)} is not one of the allowed types ({', '.join(kinds)})."
            out.append(Problem(path, message, "UNION_TYPE_CHOICES"))

    def _fits(self, branch: Schema, value: Any) -> bool:
        """Cheap pre-check: does the value have the branch's JSON type and ``type`` tag?"""
        kinds = _types(branch)
        if kinds and not type_allows(kinds, value) and not self._is_snowflake_int(branch, value):
            return False
        tags = _discriminator(branch)
        if tags is not None and isinstance(value, dict):
            return any(_same(value.get("type"), tag) for tag in tags)
        return True


def _distance(problems: list[Problem]) -> tuple[int, int]:
    """How far a value is from a branch: wrong types weigh more than broken limits, so a
    too-long string is reported as too long, not as "not an integer" by a sibling branch."""
    return sum(p.code in TYPE_CODES for p in problems), len(problems)


def _types(node: Schema) -> list[str]:
    kinds = node.get("type")
    return [kinds] if isinstance(kinds, str) else list(kinds) if isinstance(kinds, list) else []


def _discriminator(node: Schema) -> list[Any] | None:
    tag = (node.get("properties") or {}).get("type")
    if not isinstance(tag, dict):
        return None
    if "enum" in tag:
        return list(tag["enum"])
    if "const" in tag:
        return [tag["const"]]
    return None


def _same(value: Any, choice: Any) -> bool:
    return kind_of(value) == kind_of(choice) and value == choice


def _length(path: str, size: int, low: int | None, high: int | None) -> list[Problem]:
    too_short = low is not None and size < low
    too_long = high is not None and size > high
    if not (too_short or too_long):
        return []
    if low and high is not None:
        return [
            Problem(path, f"Must be between {low} and {high} in length.", "BASE_TYPE_BAD_LENGTH")
        ]
    if too_long:
        return [Problem(path, f"Must be {high} or fewer in length.", "BASE_TYPE_MAX_LENGTH")]
    return [Problem(path, f"Must be {low} or more in length.", "BASE_TYPE_MIN_LENGTH")]


@lru_cache(maxsize=64)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def walk(node: Any) -> Iterator[Schema]:
    """Every schema object inside ``node`` (without following ``$ref``)."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)
