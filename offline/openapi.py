"""Discord's OpenAPI description (vendored in offline/spec/) and the request schema of a route."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from offline.validate import Schema, Validator

SPEC = Path(__file__).resolve().parent / "spec" / "openapi.json"
_PARAMETER = re.compile(r"\{[^}]+\}")


def shape(route: str) -> str:
    """``"POST /webhooks/{application_id}/{token}"`` and the spec's
    ``"POST /webhooks/{webhook_id}/{webhook_token}"`` are one route: parameters are compared by
    position, not by name."""
    method, _, path = route.strip().partition(" ")
    return f"{method.upper()} {_PARAMETER.sub('{}', path.strip())}"


@lru_cache(maxsize=1)
def document() -> Schema:
    with SPEC.open(encoding="utf-8") as handle:
        loaded: Schema = json.load(handle)
    return loaded


@lru_cache(maxsize=1)
def validator() -> Validator:
    return Validator(document())


@lru_cache(maxsize=1)
def _operations() -> dict[str, tuple[str, str]]:
    """Route shape -> (spec path, method) for every operation the description lists."""
    found: dict[str, tuple[str, str]] = {}
    for path, item in document()["paths"].items():
        for method in item:
            if method in ("get", "put", "post", "patch", "delete"):
                found[shape(f"{method} {path}")] = (path, method)
    return found


def spec_route(route: str) -> str | None:
    """The spec's own spelling of ``route`` (``"PUT /applications/{application_id}/commands"``),
    or None when Discord's description does not list it."""
    entry = _operations().get(shape(route))
    return f"{entry[1].upper()} {entry[0]}" if entry else None


def request_schema(route: str) -> Schema | None:
    """The JSON request body schema of ``route`` (``"METHOD /template"``), if it takes one."""
    entry = _operations().get(shape(route))
    if entry is None:
        return None
    path, method = entry
    body: Any = document()["paths"][path][method].get("requestBody") or {}
    schema = body.get("content", {}).get("application/json", {}).get("schema")
    return schema if isinstance(schema, dict) else None


def schema_pointer(route: str) -> str | None:
    """Where :func:`request_schema` lives in the document, as a JSON pointer."""
    entry = _operations().get(shape(route))
    if entry is None or request_schema(route) is None:
        return None
    path, method = entry
    escaped = path.replace("~", "~0").replace("/", "~1")
    return f"#/paths/{escaped}/{method}/requestBody/content/application~1json/schema"
