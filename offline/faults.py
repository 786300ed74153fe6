"""Faults on demand: the fake Discord answering 5xx, 429 or slowly, as the real one sometimes does.

A test names the fault through :attr:`OfflineDiscord.faults <offline.OfflineDiscord.faults>`;
nothing is patched. Routes are Discord's path templates, ``"POST /channels/{channel_id}/messages"``
(parameter names do not matter: ``{webhook_id}`` and ``{application_id}`` are the same slot), and
may be narrowed to one channel, message or token with ``params``. Every wait is on the fake clock.
"""

from __future__ import annotations

import hashlib
import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from offline.openapi import shape

REQUEST_TIMEOUT = 300.0  # aiohttp's default total timeout, which discord.py keeps
RATE_LIMIT_MESSAGE = "You are being rate limited."
# Discord: "Interaction endpoints are not bound to the bot's Global Rate Limit."
INTERACTION_ROUTES = {
    shape("POST /interactions/{interaction_id}/{token}/callback"),
    shape("GET /webhooks/{application_id}/{token}/messages/@original"),
    shape("PATCH /webhooks/{application_id}/{token}/messages/@original"),
    shape("DELETE /webhooks/{application_id}/{token}/messages/@original"),
    shape("POST /webhooks/{application_id}/{token}"),
    shape("PATCH /webhooks/{application_id}/{token}/messages/{message_id}"),
    shape("DELETE /webhooks/{application_id}/{token}/messages/{message_id}"),
}
_STATUS_TEXT = {
    500: "500: Internal Server Error",
    502: "502: Bad Gateway",
    503: "503: Service Unavailable",
    504: "504: Gateway Timeout",
    524: "524: A timeout occurred",
}


@dataclass
class Fault:
    """One armed fault; ``times`` is how many matching requests it still spoils (None: all)."""

    kind: str  # "fail", "rate_limit" or "slow"
    route: str | None  # a route shape, or None for every route
    params: dict[str, str]
    times: int | None
    status: int = 0
    body: Any = None
    retry_after: float = 0.0
    global_: bool = False
    seconds: float = 0.0
    hits: int = 0

    def matches(self, route_shape: str, params: dict[str, str]) -> bool:
        if self.times is not None and self.times <= 0:
            return False
        if self.route is not None and self.route != route_shape:
            return False
        return all(params.get(k) == v for k, v in self.params.items())


@dataclass
class Answer:
    """What the fake says instead of the real answer (or after waiting ``delay`` seconds)."""

    status: int = 0
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    timeout: bool = False


class Faults:
    """Faults armed by a test, consumed by matching requests in order of arming.

    ``fail`` and ``rate_limit`` answer in place of Discord; ``slow`` delays an answer on the
    fake clock. A spoiled request is recorded in ``OfflineDiscord.calls`` with the status the
    bot saw, and is not a violation (the bot did nothing wrong).
    """

    def __init__(self) -> None:
        self._armed: list[Fault] = []

    def fail(
        self,
        route: str | None = None,
        *,
        status: int = 503,
        times: int | None = 1,
        body: Any = None,
        **params: object,
    ) -> Fault:
        """Answer the next ``times`` requests on ``route`` (None: any route) with ``status``
        (a 5xx, or any status with a Discord error ``body``). discord.py retries 500, 502, 504
        and 524 on REST calls itself (waiting 1, 3, 5, 7 s, on the fake clock here) and every
        5xx on interaction responses; 503 on a REST call reaches the bot as
        ``discord.DiscordServerError`` at once."""
        if body is None:
            body = {"message": _STATUS_TEXT.get(status, f"{status}: Error"), "code": 0}
        return self._arm(Fault("fail", _shape(route), _params(params), times, status, body))

    def rate_limit(
        self,
        route: str | None = None,
        *,
        retry_after: float = 1.0,
        global_: bool = False,
        times: int | None = 1,
        **params: object,
    ) -> Fault:
        """Answer 429 as Discord does: ``{"message", "retry_after", "global"}`` with the
        ``Retry-After`` and ``X-RateLimit-*`` headers; ``global_=True`` is the bot-wide limit
        (discord.py then holds every request until ``retry_after`` has passed)."""
        fault = Fault(
            "rate_limit", _shape(route), _params(params), times, 429, None, retry_after, global_
        )
        return self._arm(fault)

    def slow(
        self,
        route: str | None = None,
        *,
        seconds: float,
        times: int | None = 1,
        **params: object,
    ) -> Fault:
        """Answer only after ``seconds`` on the fake clock (advance it to get the answer). From
        :data:`REQUEST_TIMEOUT` (300 s, aiohttp's default that discord.py keeps) on, the request
        fails with ``asyncio.TimeoutError`` after 300 s instead, as the real client would."""
        return self._arm(Fault("slow", _shape(route), _params(params), times, seconds=seconds))

    def clear(self) -> None:
        """Disarm every fault (global rate limiting is switched separately)."""
        self._armed.clear()

    @property
    def armed(self) -> list[Fault]:
        return [f for f in self._armed if f.times is None or f.times > 0]

    def _arm(self, fault: Fault) -> Fault:
        self._armed.append(fault)
        return fault

    def take(self, route_shape: str, params: dict[str, str], now: float) -> Answer | None:
        """The fault a request on ``route_shape`` meets, consuming one use of it."""
        for fault in self._armed:
            if fault.matches(route_shape, params):
                if fault.times is not None:
                    fault.times -= 1
                fault.hits += 1
                return _answer(fault, route_shape, now)
        return None


def _answer(fault: Fault, route_shape: str, now: float) -> Answer:
    if fault.kind == "slow":
        if fault.seconds >= REQUEST_TIMEOUT:
            return Answer(delay=REQUEST_TIMEOUT, timeout=True)
        return Answer(delay=fault.seconds)
    if fault.kind == "rate_limit":
        return rate_limited(
            fault.retry_after, global_=fault.global_, route_shape=route_shape, now=now
        )
    return Answer(fault.status, fault.body)


def rate_limited(retry_after: float, *, global_: bool, route_shape: str, now: float) -> Answer:
    """Discord's 429: the body discord.py reads ``retry_after`` and ``global`` from, and the
    headers (``Via`` among them: without it discord.py takes a 429 for a Cloudflare ban)."""
    body = {"message": RATE_LIMIT_MESSAGE, "retry_after": retry_after, "global": global_}
    headers = {
        "Retry-After": str(math.ceil(retry_after)),
        "Via": "1.1 google",
        "X-RateLimit-Scope": "global" if global_ else "user",
    }
    if global_:
        headers["X-RateLimit-Global"] = "true"
    else:
        bucket = hashlib.sha1(route_shape.encode()).hexdigest()[:16]
        headers.update(
            {
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": f"{now + retry_after:.3f}",
                "X-RateLimit-Reset-After": f"{retry_after:.3f}",
                "X-RateLimit-Bucket": bucket,
            }
        )
    return Answer(429, body, headers)


class GlobalRateLimit:
    """Discord's bot-wide limit (50 requests a second), measured on the fake clock over a sliding
    second. Off until switched on; interaction responses are exempt, as on Discord."""

    def __init__(self) -> None:
        self.per_second: int | None = None
        self._accepted: deque[float] = deque()
        self.refused = 0

    def set(self, per_second: int | None) -> None:
        self.per_second = per_second
        self._accepted.clear()

    def check(self, route_shape: str, now: float) -> Answer | None:
        if self.per_second is None or route_shape in INTERACTION_ROUTES:
            return None
        while self._accepted and self._accepted[0] <= now - 1.0:
            self._accepted.popleft()
        if len(self._accepted) < self.per_second:
            self._accepted.append(now)
            return None
        self.refused += 1
        retry_after = round(max(0.001, self._accepted[0] + 1.0 - now), 3)
        return rate_limited(retry_after, global_=True, route_shape=route_shape, now=now)


def _shape(route: str | None) -> str | None:
    if route is None:
        return None
    if " " not in route.strip():
        raise ValueError(f"a route is 'METHOD /path/{{param}}', not {route!r}")
    return shape(route)


def _params(params: dict[str, object]) -> dict[str, str]:
    """``channel=<FakeChannel>`` or ``channel_id=123`` narrow a fault to one resource."""
    found: dict[str, str] = {}
    for name, value in params.items():
        key = name if name.endswith("_id") or name == "token" else f"{name}_id"
        found[key] = str(getattr(value, "id", value))
    return found
