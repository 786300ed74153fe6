"""Our layer over discord.py's HTTP client: global pacing, and a bounded rate-limit bucket sweep."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any

from discord.http import HTTPClient, Route

from bot.clock import Clock
from bot.pacing import GlobalPacer, in_background

log = logging.getLogger(__name__)

# discord.py sweeps every bucket for inactive ones each time it creates one, once it holds 256:
# with N channels that is O(N^2) over a burst of posts. A bucket is inactive after 300 s idle,
# so one sweep a second loses nothing and costs O(N) a second instead of O(N) a request.
SWEEP_INTERVAL = 1.0


def install(http: HTTPClient, clock: Clock, pacer: GlobalPacer | None = None) -> None:
    """Teach this bot's HTTP client to sweep its buckets at most once a second and, given a
    pacer, to keep its background requests to the pacer's rate. Only this instance changes:
    discord.py's class and module stay."""
    sweep = http._try_clear_expired_ratelimits
    last_sweep = [float("-inf")]

    def bounded_sweep() -> None:
        now = clock.time()
        if now - last_sweep[0] >= SWEEP_INTERVAL:
            last_sweep[0] = now
            sweep()

    http._try_clear_expired_ratelimits = bounded_sweep  # type: ignore[method-assign]
    if pacer is not None:
        http.request = paced(http.request, pacer)  # type: ignore[method-assign]
        static_login = http.static_login

        async def paced_login(token: str) -> Any:
            # The session exists only once static_login built it (a fresh one on every login).
            # The login's own requests go unpaced: nothing else is running yet.
            try:
                return await static_login(token)
            finally:
                session = http._HTTPClient__session  # type: ignore[attr-defined]
                if session and not isinstance(session, PacedSession):
                    http._HTTPClient__session = PacedSession(session, pacer)  # type: ignore[attr-defined]

        http.static_login = paced_login  # type: ignore[method-assign]


def server_key(route: Route) -> Hashable:
    """Who a request is for, for fairness: its server, else its channel, else the bot."""
    return route.guild_id or route.channel_id or route.webhook_id or 0


# The route of the request under way in this task, so that every attempt discord.py makes for
# it (a retry after a 429 or a 5xx too) takes its own slot: the wait is at the send, not once
# per call of ``request``.
_ROUTE: ContextVar[Route | None] = ContextVar("quizbot_route", default=None)


def paced(request: Callable[..., Any], pacer: GlobalPacer) -> Callable[..., Any]:
    @functools.wraps(request)
    async def paced_request(route: Route, **kwargs: Any) -> Any:
        token = _ROUTE.set(route)
        try:
            return await request(route, **kwargs)
        finally:
            _ROUTE.reset(token)

    return paced_request


class PacedSession:
    """The HTTP session discord.py sends through, with a pacer slot taken before each send.

    Background work (see :func:`bot.pacing.background`) waits for a slot, fairly per server;
    anything else (a member is waiting: a command, a click) goes at once and is only counted,
    so the background requests leave it room. Everything but ``request`` is the session's own.
    """

    def __init__(self, session: Any, pacer: GlobalPacer) -> None:
        self._session = session
        self._pacer = pacer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)

    def __bool__(self) -> bool:
        return bool(self._session)

    def request(self, method: str, url: str, **kwargs: Any) -> _PacedSend:
        return _PacedSend(self._session, self._pacer, _ROUTE.get(), (method, url), kwargs)


class _PacedSend:
    """``async with session.request(...)``, entered once the pacer lets the request go."""

    def __init__(
        self,
        session: Any,
        pacer: GlobalPacer,
        route: Route | None,
        args: tuple[str, str],
        kwargs: dict[str, Any],
    ) -> None:
        self._session = session
        self._pacer = pacer
        self._route = route
        self._args = args
        self._kwargs = kwargs
        self._inner: Any = None

    async def __aenter__(self) -> Any:
        if in_background():
            key = server_key(self._route) if self._route is not None else 0
            # A webhook token route answers a member even from background work: it goes first.
            urgent = self._route is not None and self._route.webhook_token is not None
            await self._pacer.acquire(key, urgent=urgent)
        else:
            self._pacer.record()
        self._inner = self._session.request(*self._args, **self._kwargs)
        return await self._inner.__aenter__()

    async def __aexit__(self, *exc: Any) -> Any:
        return await self._inner.__aexit__(*exc)
