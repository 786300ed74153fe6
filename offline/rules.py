"""How many of the OpenAPI description's rules the fake enforces, measured rather than assumed.

:func:`spec_rules` lists every rule instance (a ``maxLength`` here, a ``required`` field there,
a ``type``, an ``enum``...) reachable from the request bodies of the routes the fake serves,
each once however many routes reach it, with the first path a body reaches it by. :func:`measure`
then builds, for each rule, a body that is valid except for breaking that one rule, and asks the
fake's validator: a rule counts as enforced when the validator refuses that body at that place
with the matching error code. A rule behind a union the body could also satisfy another way is
not enforced by anyone's validator, Discord's included, and is reported as such.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from offline import openapi
from offline.validate import TYPE_CODES, Problem, Schema, Validator, join, type_allows

Step = tuple[str, Any]  # ("ref", None) ("prop", name) ("item", None) ("addl", None) ("of", (kw, i))
LENGTH_CODES = {"BASE_TYPE_MAX_LENGTH", "BASE_TYPE_MIN_LENGTH", "BASE_TYPE_BAD_LENGTH"}
EXPECTED: dict[str, set[str]] = {
    "type": TYPE_CODES,
    "enum": {"BASE_TYPE_CHOICES", "UNION_TYPE_CHOICES"},
    "required": {"BASE_TYPE_REQUIRED"},
    "minLength": LENGTH_CODES,
    "maxLength": LENGTH_CODES,
    "minItems": LENGTH_CODES,
    "maxItems": LENGTH_CODES,
    "minProperties": LENGTH_CODES,
    "maxProperties": LENGTH_CODES,
    "minimum": {"NUMBER_TYPE_MIN"},
    "maximum": {"NUMBER_TYPE_MAX"},
    "pattern": {"STRING_TYPE_REGEX"},
    "uniqueItems": {"LIST_ITEM_VALUE_DUPLICATE"},
    "additionalProperties": {"BASE_TYPE_UNKNOWN_FIELD"},
}
KINDS = {  # how the README groups them
    "type": "types",
    "enum": "enums",
    "required": "required fields",
    "minLength": "lengths",
    "maxLength": "lengths",
    "pattern": "patterns",
    "minItems": "counts",
    "maxItems": "counts",
    "minProperties": "counts",
    "maxProperties": "counts",
    "uniqueItems": "counts",
    "minimum": "ranges",
    "maximum": "ranges",
    "additionalProperties": "unknown fields",
}
_SCALARS = ("minLength", "maxLength", "pattern", "minimum", "maximum", "minItems", "maxItems")


@dataclass(frozen=True)
class Rule:
    pointer: str  # where the keyword sits in the spec document
    keyword: str  # "maxLength", "required", "type", "enum" (const and const unions too) ...
    detail: str  # the field of a "required" rule, else ""
    route: str  # the first served route whose body reaches it
    steps: tuple[Step, ...]  # how that body reaches it


@dataclass
class Measure:
    rules: list[Rule]
    enforced: list[Rule]
    unenforced: list[tuple[Rule, str]]  # and why

    def by_kind(self) -> dict[str, tuple[int, int]]:
        total = Counter(KINDS[r.keyword] for r in self.rules)
        done = Counter(KINDS[r.keyword] for r in self.enforced)
        return {kind: (done[kind], total[kind]) for kind in sorted(total)}


def served_routes() -> list[str]:
    import offline.session  # noqa: F401  (registers the routes)
    from offline.transport import ROUTES

    return [f"{method} {template}" for method, template, _, _ in ROUTES]


def spec_rules(routes: list[str] | None = None) -> list[Rule]:
    validator = openapi.validator()
    rules: list[Rule] = []
    seen: set[str] = set()
    for route in routes if routes is not None else served_routes():
        schema, pointer = openapi.request_schema(route), openapi.schema_pointer(route)
        if schema is None or pointer is None:
            continue
        queue: list[tuple[Schema, str, tuple[Step, ...]]] = [(schema, pointer, ())]
        while queue:
            node, where, steps = queue.pop(0)
            if where in seen:
                continue
            seen.add(where)
            rules += _rules_at(node, where, route, steps)
            queue += _children(validator, node, where, steps)
    return rules


def _rules_at(node: Schema, where: str, route: str, steps: tuple[Step, ...]) -> list[Rule]:
    found: list[Rule] = []
    kinds = node.get("type")
    if kinds is not None and kinds != "null" and kinds != ["null"]:
        found.append(Rule(where, "type", "", route, steps))
    if "enum" in node or "const" in node or _const_union(node):
        found.append(Rule(where, "enum", "", route, steps))
    for name in node.get("required") or ():
        found.append(Rule(where, "required", name, route, steps))
    for keyword in (*_SCALARS, "minProperties", "maxProperties"):
        if keyword in node:
            found.append(Rule(where, keyword, "", route, steps))
    if node.get("uniqueItems"):
        found.append(Rule(where, "uniqueItems", "", route, steps))
    if node.get("additionalProperties") is False:
        found.append(Rule(where, "additionalProperties", "", route, steps))
    return found


def _const_union(node: Schema) -> bool:
    branches = node.get("oneOf") or node.get("anyOf") or []
    return bool(branches) and all(set(b) - {"title", "description"} == {"const"} for b in branches)


def _children(
    validator: Validator, node: Schema, where: str, steps: tuple[Step, ...]
) -> list[tuple[Schema, str, tuple[Step, ...]]]:
    found: list[tuple[Schema, str, tuple[Step, ...]]] = []
    if "$ref" in node:
        found.append((validator.target(node["$ref"]), node["$ref"], (*steps, ("ref", None))))
    for name, sub in (node.get("properties") or {}).items():
        escaped = name.replace("~", "~0").replace("/", "~1")
        found.append((sub, f"{where}/properties/{escaped}", (*steps, ("prop", name))))
    if isinstance(node.get("items"), dict):
        found.append((node["items"], f"{where}/items", (*steps, ("item", None))))
    if isinstance(node.get("additionalProperties"), dict):
        sub = node["additionalProperties"]
        found.append((sub, f"{where}/additionalProperties", (*steps, ("addl", None))))
    for keyword in ("allOf", "oneOf", "anyOf"):
        if keyword in node and not (keyword != "allOf" and _const_union(node)):
            for index, sub in enumerate(node[keyword]):
                step = ("of", (keyword, index))
                found.append((sub, f"{where}/{keyword}/{index}", (*steps, step)))
    return found


# -- measuring --------------------------------------------------------------------------------


def measure(routes: list[str] | None = None) -> Measure:
    validator = openapi.validator()
    rules = spec_rules(routes)
    enforced: list[Rule] = []
    unenforced: list[tuple[Rule, str]] = []
    for rule in rules:
        why = _check_rule(validator, rule)
        if why is None:
            enforced.append(rule)
        else:
            unenforced.append((rule, why))
    return Measure(rules, enforced, unenforced)


def count() -> tuple[int, int]:
    """(rules enforced, rules reachable) over the routes the fake serves."""
    result = measure()
    return len(result.enforced), len(result.rules)


def breaking_body(rule: Rule) -> tuple[Any, str] | None:
    """A body for ``rule.route`` that breaks ``rule`` and nothing else, and the dotted path of
    the value that breaks it (None when no such value exists, e.g. an enum of every integer)."""
    validator = openapi.validator()
    root = openapi.request_schema(rule.route)
    if root is None:
        return None
    breaker = _breaker(validator, rule)
    if breaker is None:
        return None
    try:
        body, path = _build(validator, root, rule.steps, breaker, "")
    except _NoSample:
        return None
    if rule.keyword == "required":
        path = join(path, rule.detail)
    return body, path


def _check_rule(validator: Validator, rule: Rule) -> str | None:
    root = openapi.request_schema(rule.route)
    assert root is not None
    try:
        base, _ = _build(validator, root, rule.steps, lambda n: _sample(validator, n), "")
    except _NoSample:
        return "no valid body reaches it"
    if validator.check(root, base):
        return "no valid body reaches it"
    broken = breaking_body(rule)
    if broken is None:
        return "no value breaks it"
    body, path = broken
    problems = validator.check(root, body)
    if not problems:
        return "a body breaking it is accepted (another branch of a union takes it)"
    if not any(_at(p, path) and p.code in EXPECTED[rule.keyword] for p in problems):
        return f"refused for something else: {problems[0]}"
    return None


def _at(problem: Problem, path: str) -> bool:
    return problem.path == path or problem.path.startswith(path + ".") if path else True


class _NoSample(Exception):
    pass


def _build(
    validator: Validator,
    node: Schema,
    steps: tuple[Step, ...],
    leaf: Callable[[Schema], Any],
    path: str,
) -> tuple[Any, str]:
    if not steps:
        return leaf(node), path
    (kind, arg), rest = steps[0], steps[1:]
    if kind == "ref":
        return _build(validator, validator.target(node["$ref"]), rest, leaf, path)
    if kind == "of":
        keyword, index = arg
        return _build(validator, node[keyword][index], rest, leaf, path)
    if kind == "prop":
        value, where = _build(validator, node["properties"][arg], rest, leaf, join(path, arg))
        base = _sample(validator, node)
        return dict(base if isinstance(base, dict) else {}, **{arg: value}), where
    if kind == "item":
        value, where = _build(validator, node["items"], rest, leaf, join(path, 0))
        extra = [_sample(validator, node["items"]) for _ in range((node.get("minItems") or 1) - 1)]
        return [value, *extra], where
    value, where = _build(validator, node["additionalProperties"], rest, leaf, join(path, "x"))
    base = _sample(validator, node)
    return dict(base if isinstance(base, dict) else {}, x=value), where


def _sample(validator: Validator, node: Schema, depth: int = 0) -> Any:
    """A small value ``node`` accepts."""
    if depth > 16:
        raise _NoSample()
    if "$ref" in node:
        return _sample(validator, validator.target(node["$ref"]), depth + 1)
    if "const" in node:
        return node["const"]
    if "enum" in node:
        return node["enum"][0]
    branches = node.get("oneOf") or node.get("anyOf")
    if branches:
        for branch in branches:
            resolved = validator.resolve(branch)
            if resolved.get("type") in ("null", ["null"]):
                continue
            value = _sample(validator, branch, depth + 1)
            if not validator.check(node, value):
                return value
        raise _NoSample()
    kinds = node.get("type")
    kinds = [kinds] if isinstance(kinds, str) else list(kinds or [])
    kind = next((k for k in kinds if k != "null"), None)
    if kind is None and "allOf" in node:
        return _sample(validator, node["allOf"][0], depth + 1)
    if kind is None:
        return {} if "properties" in node else None
    return _typed_sample(validator, node, kind, depth)


def _typed_sample(validator: Validator, node: Schema, kind: str, depth: int) -> Any:
    if kind == "string":
        if node.get("format") == "snowflake":
            return "1"
        if node.get("pattern", "").startswith("^#"):
            return "#ffffff"
        if node.get("format") == "date-time":
            return "2026-01-05T08:00:00+00:00"
        if node.get("format") == "uri":
            return "https://example.com/a"
        return "a" * max(1, node.get("minLength") or 0)
    if kind in ("integer", "number"):
        value = node.get("minimum", 0)
        return min(value, node["maximum"]) if "maximum" in node else value
    if kind == "boolean":
        return False
    if kind == "array":
        items = node.get("items") or {}
        return [_sample(validator, items, depth + 1) for _ in range(node.get("minItems") or 0)]
    if kind == "object":
        properties = node.get("properties") or {}
        return {
            name: _sample(validator, properties[name], depth + 1) if name in properties else "a"
            for name in node.get("required") or ()
        }
    return None


def _breaker(validator: Validator, rule: Rule) -> Callable[[Schema], Any] | None:
    keyword = rule.keyword

    def sample(node: Schema) -> Any:
        return _sample(validator, node)

    if keyword == "type":
        return lambda node: _wrong_type(node)
    if keyword == "enum":
        return lambda node: _not_in_enum(validator, node)
    if keyword == "required":
        return lambda node: {k: v for k, v in sample(node).items() if k != rule.detail}
    if keyword in ("minLength", "maxLength"):
        return lambda node: "a" * (node[keyword] + (1 if keyword == "maxLength" else -1))
    if keyword == "pattern":
        return lambda node: "!"
    if keyword in ("minimum", "maximum"):
        return lambda node: node[keyword] + (1 if keyword == "maximum" else -1)
    if keyword in ("minItems", "maxItems"):
        size = 1 if keyword == "maxItems" else -1
        return lambda node: _distinct_items(validator, node, node[keyword] + size)
    if keyword in ("minProperties", "maxProperties"):
        size = 1 if keyword == "maxProperties" else -1
        return lambda node: _properties(validator, node, node[keyword] + size)
    if keyword == "uniqueItems":
        return lambda node: [sample(node.get("items") or {})] * 2
    if keyword == "additionalProperties":
        return lambda node: dict(sample(node), zz_not_a_field=1)
    return None


def _wrong_type(node: Schema) -> Any:
    kinds = node["type"]
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    candidates: tuple[Any, ...] = (12345, "x", True, [], {})
    for candidate in candidates:
        snowflake_int = node.get("format") == "snowflake" and candidate == 12345
        if not type_allows(kinds, candidate) and not snowflake_int:
            return candidate
    raise _NoSample()


def _not_in_enum(validator: Validator, node: Schema) -> Any:
    if "enum" in node:
        choices = list(node["enum"])
    elif "const" in node:
        choices = [node["const"]]
    else:
        choices = [validator.resolve(b)["const"] for b in node.get("oneOf") or node["anyOf"]]
    if all(isinstance(c, int) and not isinstance(c, bool) for c in choices):
        return max(choices) + 1000
    if all(isinstance(c, str) for c in choices):
        return "not-one-of-" + "-".join(map(str, choices))[:40]
    raise _NoSample()


def _distinct_items(validator: Validator, node: Schema, size: int) -> list[Any]:
    items = node.get("items") or {}
    first = _sample(validator, items)
    values = [first] * max(0, size)
    if node.get("uniqueItems") and size > 1:
        # Distinct values, so only the count is wrong (strings and numbers vary easily).
        if isinstance(first, str):
            values = [f"{first}{i}" if i else first for i in range(size)]
        elif isinstance(first, int) and not isinstance(first, bool):
            values = [first + i for i in range(size)]
    return values


def _properties(validator: Validator, node: Schema, size: int) -> dict[str, Any]:
    extra = node.get("additionalProperties")
    value = _sample(validator, extra) if isinstance(extra, dict) else "a"
    return {f"k{i}": value for i in range(max(0, size))}
