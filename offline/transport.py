"""The duck-typed aiohttp pieces discord.py talks to: session, request context, response, and
the records of what the bot sent (:class:`Call`) and what Discord refused (:class:`Violation`)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from multidict import CIMultiDict

if TYPE_CHECKING:
    from offline.session import FakeRest

_REASONS = {
    200: "OK",
    201: "Created",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass
class Call:
    """One REST call as the bot made it (a retry by discord.py is a call of its own)."""

    method: str
    route: str  # the template, e.g. "POST /channels/{channel_id}/messages"
    params: dict[str, str]
    json: Any
    files: list[tuple[str, bytes]]
    status: int = 0
    response: Any = None
    at: float = field(default_factory=time.perf_counter)  # real time, for benchmarks
    fake_at: float = 0.0  # the fake clock when Discord received it
    fault: str | None = None  # "fail", "rate_limit", "global_rate_limit" or "slow"


@dataclass
class Violation:
    """Something Discord would have refused; the harness fails the test on any."""

    route: str
    status: int
    body: Any

    def __str__(self) -> str:
        return f"{self.route} -> {self.status} {json.dumps(self.body)[:500]}"


class HttpError(Exception):
    """Discord's refusal. Breaking a rule (400, a late or repeated interaction response) is a
    violation that fails the test; a 403 or 404 caused by the world (a deleted channel, a
    removed permission) is just Discord's answer, for the bot to handle."""

    def __init__(self, status: int, code: int, message: str, body: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = body if body is not None else {"code": code, "message": message}
        self.violation = status == 400 or code in (10062, 10015, 50027)


class FakeResponse:
    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.reason = _REASONS.get(status, "Error")
        self._body = body
        self.headers: CIMultiDict[str] = CIMultiDict(headers or {})
        if isinstance(body, dict | list):
            self.headers["content-type"] = "application/json"

    async def text(self, encoding: str = "utf-8") -> str:
        if self._body is None:
            return ""
        return json.dumps(self._body) if not isinstance(self._body, str) else self._body

    async def read(self) -> bytes:
        return self._body if isinstance(self._body, bytes) else (await self.text()).encode()

    async def json(self) -> Any:
        return self._body

    async def __aenter__(self) -> FakeResponse:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        return None

    def release(self) -> None:
        return None


class _Awaitable:
    """aiohttp's request context: usable with ``async with`` and with ``await``."""

    def __init__(self, make: Callable[[], Awaitable[FakeResponse]]) -> None:
        self._make = make

    def __await__(self) -> Generator[Any, None, FakeResponse]:
        return self._make().__await__()

    async def __aenter__(self) -> FakeResponse:
        return await self._make()

    async def __aexit__(self, *exc_info: object) -> None:
        return None


@dataclass
class Incoming:
    body: Any
    files: list[tuple[str, bytes]] = field(default_factory=list)
    query: dict[str, str] = field(default_factory=dict)
    malformed: str | None = None  # why the body could not be read as JSON


def read_body(kwargs: dict[str, Any]) -> Incoming:
    """JSON and multipart bodies as discord.py builds them."""
    data = kwargs.get("data")
    if data is None:
        return Incoming(kwargs.get("json"))
    if isinstance(data, str | bytes):
        return _parse(data)
    body: Any = None
    files: list[tuple[str, bytes]] = []
    malformed = None
    for type_options, _headers, value in getattr(data, "_fields", []):
        name = type_options.get("name")
        if name == "payload_json":
            parsed = _parse(value)
            body, malformed = parsed.body, parsed.malformed
        elif type_options.get("filename"):
            content = value.read() if hasattr(value, "read") else bytes(value)
            files.append((type_options["filename"], content))
    return Incoming(body, files, malformed=malformed)


def _parse(data: str | bytes) -> Incoming:
    if not data:
        return Incoming(None)
    try:
        return Incoming(json.loads(data))
    except ValueError as exc:
        return Incoming(None, malformed=str(exc))


class FakeSession:
    """What discord.py sees instead of ``aiohttp.ClientSession``."""

    def __init__(self, rest: FakeRest, *args: Any, **kwargs: Any) -> None:
        self.rest = rest
        self.closed = False

    def request(self, method: str, url: str, **kwargs: Any) -> _Awaitable:
        return _Awaitable(lambda: self.rest.handle(method, url, kwargs))

    def get(self, url: str, **kwargs: Any) -> _Awaitable:
        return self.request("GET", url, **kwargs)

    async def ws_connect(self, url: str, **kwargs: Any) -> Any:
        if self.rest.ws_factory is None:
            raise RuntimeError("this offline Discord was started without gateway mode")
        return self.rest.ws_factory()

    async def close(self) -> None:
        self.closed = True


Handler = Callable[..., Any]
# method, template, compiled pattern, handler name; filled by @route in offline.session and
# offline.interactions
ROUTES: list[tuple[str, str, re.Pattern[str], str]] = []


def route(method: str, template: str) -> Callable[[Handler], Handler]:
    """Register a FakeRest method as Discord's answer to ``method template``."""

    def register(handler: Handler) -> Handler:
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
        ROUTES.append((method, template, re.compile(f"^{pattern}$"), handler.__name__))
        return handler

    return register
