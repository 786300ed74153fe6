"""An in-process gateway socket, so the real ``Client.connect()`` loop can run:
HELLO -> IDENTIFY -> READY -> GUILD_CREATE, then events as Discord would push them."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import aiohttp

HEARTBEAT_INTERVAL_MS = 41_250


class _Message:
    def __init__(self, type: aiohttp.WSMsgType, data: Any = None) -> None:
        self.type = type
        self.data = data
        self.extra = None


class FakeGatewaySocket:
    """Duck-types the parts of ``aiohttp.ClientWebSocketResponse`` discord.py uses."""

    def __init__(
        self,
        ready: Callable[[], dict[str, Any]],
        guilds: Callable[[], list[dict[str, Any]]],
    ) -> None:
        self._ready = ready
        self._guilds = guilds
        self._outbox: asyncio.Queue[_Message] = asyncio.Queue()
        self._sequence = 0
        self.closed = False
        self.close_code: int | None = None
        self.received: list[dict[str, Any]] = []  # what the bot sent, for tests
        self._push({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})

    def pending(self) -> int:
        return self._outbox.qsize()

    def _push(self, payload: dict[str, Any]) -> None:
        self._outbox.put_nowait(_Message(aiohttp.WSMsgType.TEXT, json.dumps(payload)))

    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        self._sequence += 1
        self._push({"op": 0, "t": event, "s": self._sequence, "d": data})

    async def receive(self, timeout: float | None = None) -> _Message:  # noqa: ASYNC109
        return await self._outbox.get()

    async def send_str(self, data: str, compress: int | None = None) -> None:
        payload = json.loads(data)
        self.received.append(payload)
        op = payload.get("op")
        if op == 2:  # IDENTIFY
            self.dispatch("READY", self._ready())
            for guild in self._guilds():
                self.dispatch("GUILD_CREATE", guild)
        elif op == 1:  # heartbeat
            self._push({"op": 11})
        elif op == 6:  # RESUME
            self.dispatch("RESUMED", {})

    async def send_bytes(self, data: bytes) -> None:
        await self.send_str(data.decode())

    async def close(self, *, code: int = 1000, message: bytes = b"") -> bool:
        if not self.closed:
            self.closed = True
            self.close_code = code
            self._outbox.put_nowait(_Message(aiohttp.WSMsgType.CLOSED))
        return True

    def exception(self) -> BaseException | None:
        return None
