"""discord.py's own HTTP client, opening the in-process fake session instead of a TCP socket."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
from discord.http import HTTPClient, Route

from offline.session import FakeSession


class OfflineHTTPClient(HTTPClient):
    """Everything but ``static_login`` is discord.py's: routes, rate limits, retries and error
    mapping run for real. Only where the library would build an ``aiohttp.ClientSession`` does
    this hand it the fake one, so nothing global is patched."""

    fake_session: FakeSession

    @classmethod
    def adopt(cls, http: HTTPClient, session: FakeSession) -> None:
        # The bot built its client (and handed it to its connection state) in __init__; it is
        # taught here rather than replaced so that every holder of the reference sees the fake.
        http.__class__ = cls
        assert isinstance(http, OfflineHTTPClient)
        http.fake_session = session

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
