"""discord.py's own HTTP client, opening the in-process fake session instead of a TCP socket,
and waiting out its retries on the fake clock."""

from __future__ import annotations

import asyncio
import types
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import discord
from discord.http import HTTPClient, Route
from discord.webhook.async_ import AsyncWebhookAdapter, async_context

from offline.clock import FakeClock
from offline.transport import FakeSession


class OfflineHTTPClient(HTTPClient):
    """Everything but ``static_login`` is discord.py's: routes, rate limits, retries and error
    mapping run for real. Only where the library would build an ``aiohttp.ClientSession`` does
    this hand it the fake one, so nothing global is patched."""

    fake_session: FakeSession

    @classmethod
    def adopt(cls, http: HTTPClient, session: FakeSession, clock: FakeClock) -> None:
        # The bot built its client (and handed it to its connection state) in __init__; it is
        # taught here rather than replaced so that every holder of the reference sees the fake.
        http.__class__ = cls
        assert isinstance(http, OfflineHTTPClient)
        http.fake_session = session
        # Only this client's request method waits on the fake clock (see on_fake_clock).
        http.request = types.MethodType(on_fake_clock(HTTPClient.request, clock), http)  # type: ignore[method-assign]

    async def static_login(self, token: str) -> Any:
        self._HTTPClient__session = self.fake_session
        self._global_over = asyncio.Event()
        self._global_over.set()
        old_token, self.token = self.token, token
        try:
            return await self.request(Route("GET", "/users/@me"))
        except discord.HTTPException as exc:
            self.token = old_token
            if exc.status == 401:
                raise discord.LoginFailure("Improper token has been passed.") from exc
            raise


class OfflineWebhookAdapter(AsyncWebhookAdapter):
    """discord.py's adapter for interaction responses and follow-ups, its retries on the fake
    clock. discord.py looks its adapter up in a context variable, set by :func:`use_adapter`."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self.request = types.MethodType(on_fake_clock(AsyncWebhookAdapter.request, clock), self)  # type: ignore[method-assign]


def use_adapter(adapter: OfflineWebhookAdapter) -> None:
    """Make discord.py's interaction code in this context (and the tasks it starts) use
    ``adapter``; discord.py keeps the adapter in a ContextVar for exactly this kind of swap."""
    variable: ContextVar[AsyncWebhookAdapter] = async_context
    if variable.get() is not adapter:
        variable.set(adapter)


def on_fake_clock(function: Callable[..., Any], clock: FakeClock) -> Callable[..., Any]:
    """discord.py's retry loop ``function`` as it is, except that its waits (``asyncio.sleep``
    after a 5xx or 429) are on the fake clock: the same code object, run with a namespace in
    which ``asyncio`` is asyncio with the fake clock's ``sleep``. discord.py's module stays as
    it is; only the copy this harness calls is different.

    Real sleeps would make each retried 5xx cost a real second, and would leave a global
    rate limit measured on the fake clock unable to pass: time must move while the bot waits.
    """
    shim = types.ModuleType("asyncio")
    shim.__dict__.update(vars(asyncio))

    async def sleep(delay: float, result: Any = None) -> Any:
        if delay > 0:
            await clock.sleep(delay)
        else:
            await asyncio.sleep(0)  # a zero wait only yields, as asyncio's does
        return result

    shim.sleep = sleep  # type: ignore[attr-defined]
    namespace = dict(function.__globals__, asyncio=shim)
    copy = types.FunctionType(
        function.__code__, namespace, function.__name__, function.__defaults__, function.__closure__
    )
    copy.__kwdefaults__ = function.__kwdefaults__
    copy.__doc__ = function.__doc__
    return copy
