"""An in-process gateway, so the real ``Client.connect()`` loop can run: HELLO -> IDENTIFY ->
READY -> GUILD_CREATE, then events as Discord would push them; and connections that drop, to be
resumed (missed events replayed) or refused (a fresh IDENTIFY and a new READY)."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from typing import Any

import aiohttp

HEARTBEAT_INTERVAL_MS = 41_250
ABNORMAL_CLOSURE = 1006  # the connection went away without a close frame: discord.py resumes


class _Message:
    def __init__(self, type: aiohttp.WSMsgType, data: Any = None, *, work: bool = True) -> None:
        self.type = type
        self.data = data
        self.extra = None
        self.work = work  # whether the bot has something to do with it (not a heartbeat ACK)


class FakeGatewaySocket:
    """Duck-types the parts of ``aiohttp.ClientWebSocketResponse`` discord.py uses."""

    def __init__(self, server: GatewayServer | ShardedGateway, *, hello: bool = True) -> None:
        self.server = server
        self._outbox: asyncio.Queue[_Message] = asyncio.Queue()
        self._unread = 0  # messages with work in them, not yet received
        self.closed = False
        self.close_code: int | None = None
        self.received: list[dict[str, Any]] = []  # what the bot sent, for tests
        if hello:
            self.hello()

    def hello(self) -> None:
        self.push({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})

    def pending(self) -> int:
        """Messages the bot has yet to read and act on. A heartbeat ACK does not count: while
        discord.py waits before an IDENTIFY (on the fake clock) nobody reads the socket, and the
        harness must still see the bot as idle."""
        return self._unread

    def push(self, payload: dict[str, Any]) -> None:
        work = payload.get("op") != 11
        self._unread += work
        self._outbox.put_nowait(_Message(aiohttp.WSMsgType.TEXT, json.dumps(payload), work=work))

    async def receive(self, timeout: float | None = None) -> _Message:  # noqa: ASYNC109
        message = await self._outbox.get()
        self._unread -= message.work and message.type is aiohttp.WSMsgType.TEXT
        return message

    async def send_str(self, data: str, compress: int | None = None) -> None:
        payload = json.loads(data)
        self.received.append(payload)
        self.server.received.append(payload)
        op = payload.get("op")
        if op == 2:  # IDENTIFY
            self.server.identify(self, payload.get("d") or {})
        elif op == 1:  # heartbeat
            self.push({"op": 11})
        elif op == 6:  # RESUME
            self.server.resume(self, payload.get("d") or {})

    async def send_bytes(self, data: bytes) -> None:
        await self.send_str(data.decode())

    def drop(self, code: int = ABNORMAL_CLOSURE) -> None:
        """The connection breaks from Discord's side."""
        if not self.closed:
            self.closed = True
            self.close_code = code
            self._outbox.put_nowait(_Message(aiohttp.WSMsgType.CLOSED))

    async def close(self, *, code: int = 1000, message: bytes = b"") -> bool:
        self.drop(code)
        return True

    def exception(self) -> BaseException | None:
        return None


class GatewayServer:
    """Discord's side of the gateway: one session (id, sequence numbers, the events a dropped
    connection missed) across the sockets discord.py opens."""

    def __init__(
        self,
        ready: Callable[[str], dict[str, Any]],
        guilds: Callable[[], list[dict[str, Any]]],
        *,
        shard_id: int = 0,
    ) -> None:
        self._ready = ready
        self._guilds = guilds
        self.shard_id = shard_id
        self.awaiting_reconnect = False  # dropped: the next connection is this shard's
        self._session_numbers = itertools.count(1)
        self.session_id: str | None = None
        self.sequence = 0
        self.socket: FakeGatewaySocket | None = None
        self.sockets: list[FakeGatewaySocket] = []
        self.received: list[dict[str, Any]] = []  # every payload the bot sent, all sockets
        self.identifies = 0
        self.resumes = 0
        self._missed: list[tuple[int, str, dict[str, Any]]] = []
        self.resumable = True
        self._held: FakeGatewaySocket | None = None
        self._live = False  # a session is running on the current socket
        self.hold = False

    # -- what the harness does ----------------------------------------------------------------

    def connect(self) -> FakeGatewaySocket:
        """discord.py opens a connection (``ws_connect``)."""
        socket = FakeGatewaySocket(self, hello=not self.hold)
        if self.hold:
            self._held = socket
        self.attach(socket)
        return socket

    def attach(self, socket: FakeGatewaySocket) -> None:
        self.awaiting_reconnect = False
        socket.server = self
        self.socket = socket
        self.sockets.append(socket)

    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        self.sequence += 1
        if self.connected and self.socket is not None:
            self.socket.push({"op": 0, "t": event, "s": self.sequence, "d": data})
        elif self.resumable:
            self._missed.append((self.sequence, event, data))  # replayed on RESUME

    @property
    def connected(self) -> bool:
        """A socket is open and its session is live (HELLO sent, not awaiting RESUME)."""
        socket = self.socket
        return socket is not None and not socket.closed and self._held is None and self._live

    def drop(self, *, resume: bool, hold: bool = False) -> None:
        """Break the connection. ``resume``: the session survives and discord.py's RESUME
        gets the missed events; otherwise the RESUME is refused (INVALID_SESSION) and the bot
        must IDENTIFY afresh. ``hold``: the next connection gets no HELLO until
        :meth:`release`, so events pile up (or are lost) meanwhile."""
        self.resumable = resume
        if not resume:
            self._missed.clear()
        self.hold = hold
        self._live = False
        self.awaiting_reconnect = True
        if self.socket is not None:
            self.socket.drop()

    def release(self) -> None:
        self.hold = False
        held, self._held = self._held, None
        if held is not None and not held.closed:
            held.hello()

    def pending(self) -> int:
        """Payloads sent to the bot and not yet read, over every open socket."""
        return sum(s.pending() for s in self.sockets if not s.closed)

    # -- what the bot sends -------------------------------------------------------------------

    def identify(self, socket: FakeGatewaySocket, data: dict[str, Any] | None = None) -> None:
        self.identifies += 1
        prefix = "offline-session" if self.shard_id == 0 else f"offline-session-s{self.shard_id}"
        self.session_id = f"{prefix}-{next(self._session_numbers)}"
        self.sequence = 0
        self._missed.clear()
        self.resumable = True
        self._live = True
        self.dispatch("READY", self._ready(self.session_id))
        for guild in self._guilds():
            self.dispatch("GUILD_CREATE", guild)

    def resume(self, socket: FakeGatewaySocket, data: dict[str, Any]) -> None:
        if not self.resumable or data.get("session_id") != self.session_id:
            socket.push({"op": 9, "d": False})  # INVALID_SESSION, not resumable
            return
        self.resumes += 1
        after = int(data.get("seq") or 0)
        for sequence, event, payload in self._missed:
            if sequence > after:
                socket.push({"op": 0, "t": event, "s": sequence, "d": payload})
        self._missed.clear()
        self._live = True
        self.sequence += 1
        socket.push({"op": 0, "t": "RESUMED", "s": self.sequence, "d": {}})


class ShardedGateway:
    """Discord's gateway for a sharded bot: one :class:`GatewayServer` (session, sequence,
    missed events) per shard this process owns. A new connection belongs to no shard until its
    IDENTIFY names one (``"shard": [id, count]``) or its RESUME names a shard's session, as on
    Discord; a reconnection after :meth:`GatewayServer.drop` goes back to the dropped shard."""

    def __init__(self, servers: dict[int, GatewayServer]) -> None:
        self.servers = servers
        self.received: list[dict[str, Any]] = []  # payloads sent before a shard was known
        self._unbound: list[FakeGatewaySocket] = []

    def connect(self) -> FakeGatewaySocket:
        for server in self.servers.values():
            if server.awaiting_reconnect:
                return server.connect()
        socket = FakeGatewaySocket(self)
        self._unbound.append(socket)
        return socket

    def pending(self) -> int:
        unbound = sum(s.pending() for s in self._unbound if not s.closed)
        return unbound + sum(server.pending() for server in self.servers.values())

    def identify(self, socket: FakeGatewaySocket, data: dict[str, Any] | None = None) -> None:
        shard_id = int(((data or {}).get("shard") or [0, 1])[0])
        server = self.servers.get(shard_id)
        if server is None:  # a shard this fake does not serve: Discord closes with 4010
            socket.drop(4010)
            return
        self._bind(socket, server)
        server.identify(socket, data)

    def resume(self, socket: FakeGatewaySocket, data: dict[str, Any]) -> None:
        for server in self.servers.values():
            if server.session_id is not None and server.session_id == data.get("session_id"):
                self._bind(socket, server)
                server.resume(socket, data)
                return
        socket.push({"op": 9, "d": False})  # INVALID_SESSION: no such session

    def _bind(self, socket: FakeGatewaySocket, server: GatewayServer) -> None:
        if socket in self._unbound:
            self._unbound.remove(socket)
        if socket.server is not server:
            server.attach(socket)
            server.received.extend(socket.received)  # the IDENTIFY or RESUME that named it
