"""A duck-typed ``aiohttp.ClientSession`` that answers discord.py's REST calls in-process.

It is the one seam that sees both ordinary REST calls (``HTTPClient.request``) and interaction
responses (which discord.py sends through its webhook adapter). URLs are matched against the
route templates below; an unknown route is answered 404 and recorded as a failure, so a cog
that starts using a new endpoint makes the harness grow instead of passing by accident.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from offline import limits
from offline.world import EPHEMERAL, LOADING, FakeChannel, FakeInteraction, FakeMessage, World

log = logging.getLogger(__name__)

API_PREFIX = re.compile(r"^/api/v\d+")
ACK_BUDGET = 3.0  # seconds Discord waits for the first response to an interaction
TOKEN_LIFETIME = 15 * 60  # interaction tokens expire after 15 minutes
SEND = 1 << 11
VIEW = 1 << 10
SEND_IN_THREADS = 1 << 38
CREATE_PUBLIC_THREADS = 1 << 35


@dataclass
class Call:
    """One REST call as the bot made it."""

    method: str
    route: str  # the template, e.g. "POST /channels/{channel_id}/messages"
    params: dict[str, str]
    json: Any
    files: list[tuple[str, bytes]]
    status: int = 0
    response: Any = None
    at: float = field(default_factory=time.perf_counter)  # real time, for benchmarks


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
    def __init__(self, status: int, body: Any) -> None:
        self.status = status
        self.reason = {
            200: "OK",
            204: "No Content",
            400: "Bad Request",
            401: "Unauthorized",
            403: "Forbidden",
            404: "Not Found",
        }.get(status, "Error")
        self._body = body
        self.headers: dict[str, str] = {}
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

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make = make

    def __await__(self) -> Generator[Any, None, FakeResponse]:
        async def run() -> FakeResponse:
            return await self._make()

        return run().__await__()

    async def __aenter__(self) -> FakeResponse:
        response: FakeResponse = await self._make()
        return response

    async def __aexit__(self, *exc_info: object) -> None:
        return None


Handler = Callable[..., Any]
ROUTES: list[tuple[str, str, re.Pattern[str], str]] = []  # method, template, regex, handler name


def route(method: str, template: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
        ROUTES.append((method, template, re.compile(f"^{pattern}$"), handler.__name__))
        return handler

    return register


@dataclass
class Incoming:
    body: Any
    files: list[tuple[str, bytes]] = field(default_factory=list)
    query: dict[str, str] = field(default_factory=dict)


class FakeRest:
    """Discord's REST API over a :class:`World`, with Discord's rules enforced."""

    def __init__(
        self,
        world: World,
        dispatch: Callable[[str, dict[str, Any]], None],
        ws_factory: Callable[[], Any] | None = None,
    ) -> None:
        self.world = world
        self.dispatch = dispatch  # gateway events the real Discord would send back
        self.ws_factory = ws_factory
        self.calls: list[Call] = []
        self.violations: list[Violation] = []
        self.in_flight = 0
        self.ack_budget = ACK_BUDGET

    # -- plumbing ------------------------------------------------------------------------------

    async def handle(self, method: str, url: str, kwargs: dict[str, Any]) -> FakeResponse:
        self.in_flight += 1
        try:
            return self._handle(method, url, kwargs)
        finally:
            self.in_flight -= 1

    def _handle(self, method: str, url: str, kwargs: dict[str, Any]) -> FakeResponse:
        parts = urlsplit(url)
        if parts.netloc.startswith("cdn.") or parts.netloc.startswith("media."):
            return self._cdn(url)
        path = API_PREFIX.sub("", parts.path)
        incoming = _read_body(kwargs)
        incoming.query = {k: str(v) for k, v in (kwargs.get("params") or {}).items()}
        for route_method, template, regex, handler_name in ROUTES:
            match = regex.match(path)
            if route_method == method and match:
                call = Call(
                    method, f"{method} {template}", match.groupdict(), incoming.body, incoming.files
                )
                self.calls.append(call)
                try:
                    status, body = getattr(self, handler_name)(incoming, **match.groupdict())
                except HttpError as exc:
                    status, body = exc.status, exc.body
                    if exc.violation:
                        self.violations.append(Violation(call.route, status, body))
                call.status, call.response = status, body
                return FakeResponse(status, body)
        self.calls.append(Call(method, f"{method} {path}", {}, incoming.body, incoming.files, 404))
        body = {"code": 0, "message": "404: Not Found (route unknown to the offline Discord)"}
        self.violations.append(Violation(f"{method} {path}", 404, body))
        return FakeResponse(404, body)

    def _cdn(self, url: str) -> FakeResponse:
        attachment = self.world.attachments.get(url.split("?")[0])
        if attachment is None:
            return FakeResponse(404, b"")
        return FakeResponse(200, attachment.data)

    def _channel(self, channel_id: str) -> FakeChannel:
        channel = self.world.channels.get(int(channel_id))
        if channel is None or channel.deleted:
            raise HttpError(404, 10003, "Unknown Channel")
        return channel

    def _message(self, channel: FakeChannel, message_id: str) -> FakeMessage:
        message = self.world.messages.get(int(message_id))
        if message is None or message.deleted or message.channel.id != channel.id:
            raise HttpError(404, 10008, "Unknown Message")
        return message

    def _require(self, channel: FakeChannel, *needed: int) -> None:
        bot_member = channel.guild.members[self.world.bot_user.id]
        perms = channel.guild.permissions(bot_member, channel)
        if any(not perms & flag for flag in needed):
            raise HttpError(403, 50013, "Missing Permissions")

    def _check_message(self, incoming: Incoming, *, partial: bool = False) -> None:
        body = incoming.body or {}
        problems = limits.check_message(body)
        if problems:
            raise HttpError(400, 50035, "Invalid Form Body", limits.error_body(problems))
        if not partial and limits.is_empty_message(body, has_files=bool(incoming.files)):
            raise HttpError(400, 50006, "Cannot send an empty message")

    def _attachments(self, channel: FakeChannel, incoming: Incoming) -> list[Any]:
        return [self.world.add_attachment(channel.id, name, data) for name, data in incoming.files]

    def _new_message(self, channel: FakeChannel, incoming: Incoming, **extra: Any) -> FakeMessage:
        body = incoming.body or {}
        reference = (body.get("message_reference") or {}).get("message_id")
        return self.world.add_message(
            channel,
            self.world.bot_user,
            content=body.get("content") or "",
            embed_data=list(body.get("embeds") or []),
            components=list(body.get("components") or []),
            attachments=self._attachments(channel, incoming),
            flags=int(body.get("flags") or 0) | extra.pop("flags", 0),
            reference_id=int(reference) if reference else None,
            type=19 if reference else extra.pop("type", 0),
            allowed_mentions=body.get("allowed_mentions"),
            **extra,
        )

    def _edit(self, message: FakeMessage, incoming: Incoming) -> FakeMessage:
        body = incoming.body or {}
        self._check_message(incoming, partial=True)
        if "content" in body:
            message.content = body["content"] or ""
        if "embeds" in body:
            message.embed_data = list(body["embeds"] or [])
        if "components" in body:
            message.components = list(body["components"] or [])
        if "attachments" in body or incoming.files:
            keep = {str(a.get("id")) for a in body.get("attachments") or [] if "id" in a}
            message.attachments = [a for a in message.attachments if str(a.id) in keep]
            message.attachments += self._attachments(message.channel, incoming)
        message.flags &= ~LOADING
        message.edited_at = self.world.clock.time()
        return message

    # -- login, gateway, commands ----------------------------------------------------------

    @route("GET", "/users/@me")
    def get_me(self, incoming: Incoming) -> tuple[int, Any]:
        return 200, self.world.bot_user.payload()

    @route("GET", "/oauth2/applications/@me")
    def get_application(self, incoming: Incoming) -> tuple[int, Any]:
        return 200, {
            "id": str(self.world.application_id),
            "name": "quizbot",
            "icon": None,
            "description": "",
            "rpc_origins": [],
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.world.owner.payload(),
            "summary": "",
            "verify_key": "0" * 64,
            "flags": 0,
            "team": None,
            "interactions_endpoint_url": None,
            "bot": self.world.bot_user.payload(),
        }

    @route("GET", "/gateway/bot")
    def get_gateway_bot(self, incoming: Incoming) -> tuple[int, Any]:
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        return 200, {"url": "wss://gateway.offline", "shards": 1, "session_start_limit": limit}

    @route("GET", "/gateway")
    def get_gateway(self, incoming: Incoming) -> tuple[int, Any]:
        return 200, {"url": "wss://gateway.offline"}

    @route("PUT", "/applications/{application_id}/commands")
    def put_global_commands(self, incoming: Incoming, application_id: str) -> tuple[int, Any]:
        return 200, self._store_commands(None, incoming.body or [])

    @route("PUT", "/applications/{application_id}/guilds/{guild_id}/commands")
    def put_guild_commands(
        self, incoming: Incoming, application_id: str, guild_id: str
    ) -> tuple[int, Any]:
        return 200, self._store_commands(int(guild_id), incoming.body or [])

    def _store_commands(self, guild_id: int | None, commands: list[dict[str, Any]]) -> Any:
        stored = []
        for command in commands:
            entry = dict(
                command,
                id=str(self.world.snowflake()),
                version="1",
                application_id=str(self.world.application_id),
            )
            entry.setdefault("default_member_permissions", None)
            entry.setdefault("dm_permission", True)
            entry.setdefault("nsfw", False)
            if guild_id is not None:
                entry["guild_id"] = str(guild_id)
            stored.append(entry)
        self.world.commands[guild_id] = stored
        return stored

    # -- channels and messages -------------------------------------------------------------

    @route("GET", "/channels/{channel_id}")
    def get_channel(self, incoming: Incoming, channel_id: str) -> tuple[int, Any]:
        return 200, self._channel(channel_id).payload()

    @route("POST", "/channels/{channel_id}/messages")
    def create_message(self, incoming: Incoming, channel_id: str) -> tuple[int, Any]:
        channel = self._channel(channel_id)
        self._require(channel, VIEW, SEND_IN_THREADS if channel.is_thread else SEND)
        self._check_message(incoming)
        return 200, self._new_message(channel, incoming).payload()

    @route("GET", "/channels/{channel_id}/messages/{message_id}")
    def get_message(self, incoming: Incoming, channel_id: str, message_id: str) -> Any:
        return 200, self._message(self._channel(channel_id), message_id).payload()

    @route("GET", "/channels/{channel_id}/messages")
    def get_messages(self, incoming: Incoming, channel_id: str) -> tuple[int, Any]:
        channel = self._channel(channel_id)
        limit = int(incoming.query.get("limit", 50))
        found = [
            m
            for m in self.world.messages.values()
            if m.channel.id == channel.id and not m.deleted and not m.ephemeral
        ]
        return 200, [m.payload() for m in reversed(found[-limit:])]

    @route("PATCH", "/channels/{channel_id}/messages/{message_id}")
    def edit_message(self, incoming: Incoming, channel_id: str, message_id: str) -> Any:
        message = self._message(self._channel(channel_id), message_id)
        if message.author.id != self.world.bot_user.id:
            raise HttpError(403, 50005, "Cannot edit a message authored by another user")
        return 200, self._edit(message, incoming).payload()

    @route("DELETE", "/channels/{channel_id}/messages/{message_id}")
    def delete_message(self, incoming: Incoming, channel_id: str, message_id: str) -> Any:
        self._message(self._channel(channel_id), message_id).deleted = True
        return 204, None

    @route("POST", "/channels/{channel_id}/messages/{message_id}/threads")
    def thread_from_message(self, incoming: Incoming, channel_id: str, message_id: str) -> Any:
        channel = self._channel(channel_id)
        message = self._message(channel, message_id)
        self._require(channel, VIEW, CREATE_PUBLIC_THREADS)
        if message.thread is not None:
            raise HttpError(400, 160004, "A thread has already been created for this message")
        thread = self._new_thread(channel, incoming, thread_id=message.id)
        message.thread = thread
        return 201, thread.payload()

    @route("POST", "/channels/{channel_id}/threads")
    def thread_without_message(self, incoming: Incoming, channel_id: str) -> tuple[int, Any]:
        channel = self._channel(channel_id)
        self._require(channel, VIEW, CREATE_PUBLIC_THREADS)
        return 201, self._new_thread(channel, incoming).payload()

    def _new_thread(
        self, parent: FakeChannel, incoming: Incoming, thread_id: int | None = None
    ) -> FakeChannel:
        name = str((incoming.body or {}).get("name") or "")
        if not 1 <= len(name) <= 100:
            raise HttpError(
                400,
                50035,
                "Invalid Form Body",
                limits.error_body([("name", "Must be between 1 and 100 in length.")]),
            )
        thread = FakeChannel(
            thread_id or self.world.snowflake(), parent.guild, name, type=11, parent_id=parent.id
        )
        parent.guild.channels[thread.id] = thread
        self.world.channels[thread.id] = thread
        self.dispatch("THREAD_CREATE", dict(thread.payload(), newly_created=True))
        return thread

    @route("PUT", "/channels/{channel_id}/thread-members/@me")
    def join_thread(self, incoming: Incoming, channel_id: str) -> tuple[int, Any]:
        self._channel(channel_id)
        return 204, None

    @route("GET", "/guilds/{guild_id}/members/{user_id}")
    def get_member(self, incoming: Incoming, guild_id: str, user_id: str) -> tuple[int, Any]:
        guild = self.world.guilds.get(int(guild_id))
        member = guild.members.get(int(user_id)) if guild else None
        if member is None:
            raise HttpError(404, 10007, "Unknown Member")
        return 200, member.payload()

    # -- interactions ------------------------------------------------------------------------

    def _interaction(self, interaction_id: str, token: str) -> FakeInteraction:
        interaction = self.world.interactions.get(int(interaction_id))
        if interaction is None or interaction.token != token:
            raise HttpError(404, 10062, "Unknown interaction")
        return interaction

    def _followup_interaction(self, token: str) -> FakeInteraction:
        for interaction in self.world.interactions.values():
            if interaction.token == token:
                if self.world.clock.time() - interaction.created_at > TOKEN_LIFETIME:
                    raise HttpError(401, 50027, "Invalid Webhook Token")
                if interaction.response_type is None:
                    raise HttpError(404, 10015, "Unknown Webhook")
                return interaction
        raise HttpError(404, 10015, "Unknown Webhook")

    @route("POST", "/interactions/{interaction_id}/{token}/callback")
    def interaction_callback(self, incoming: Incoming, interaction_id: str, token: str) -> Any:
        interaction = self._interaction(interaction_id, token)
        if interaction.response_type is not None:
            raise HttpError(400, 40060, "Interaction has already been acknowledged.")
        latency = time.perf_counter() - interaction.dispatched_at
        interaction.ack_latency = latency
        if latency > self.ack_budget:
            raise HttpError(404, 10062, f"Unknown interaction (answered after {latency:.2f} s)")
        body = incoming.body or {}
        kind, data = int(body.get("type", 0)), body.get("data") or {}
        message = self._respond(interaction, kind, Incoming(data, incoming.files))
        interaction.response_type = kind
        result: dict[str, Any] = {
            "interaction": {
                "id": str(interaction.id),
                "type": interaction.type,
                "response_message_id": str(message.id) if message else None,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(message and message.ephemeral),
            },
            "resource": {"type": kind},
        }
        if message is not None:
            result["resource"]["message"] = message.payload()
        return 200, result

    def _respond(self, interaction: FakeInteraction, kind: int, data: Incoming) -> Any:
        channel = interaction.channel
        if kind == 4:  # a message
            self._check_message(data)
            command = 20 if interaction.type == 2 else 0
            interaction.original = self._new_message(
                channel, data, interaction_id=interaction.id, type=command
            )
        elif kind == 5:  # "thinking...", a message edited later
            flags = int((data.body or {}).get("flags") or 0) & EPHEMERAL
            interaction.original = self._new_message(
                channel,
                Incoming({}),
                interaction_id=interaction.id,
                flags=flags | LOADING,
                type=20 if interaction.type == 2 else 0,
            )
        elif kind == 6:  # acknowledged, the component's message unchanged for now
            interaction.original = interaction.message
        elif kind == 7:  # the component's message edited in place
            if interaction.message is None:
                raise HttpError(400, 40004, "Interaction has no message to update")
            interaction.original = self._edit(interaction.message, data)
        elif kind == 8:
            choices = (data.body or {}).get("choices") or []
            if len(choices) > 25:
                raise HttpError(
                    400,
                    50035,
                    "Invalid Form Body",
                    limits.error_body([("data.choices", "Must be 25 or fewer in length.")]),
                )
            interaction.choices = choices
            return None
        elif kind == 9:
            problems = limits.check_modal(data.body or {})
            if problems:
                raise HttpError(400, 50035, "Invalid Form Body", limits.error_body(problems))
            interaction.modal = data.body
            return None
        else:
            raise HttpError(400, 50035, f"Invalid interaction response type {kind}")
        return interaction.original

    @route("GET", "/webhooks/{application_id}/{token}/messages/@original")
    def get_original(self, incoming: Incoming, application_id: str, token: str) -> Any:
        interaction = self._followup_interaction(token)
        if interaction.original is None:
            raise HttpError(404, 10008, "Unknown Message")
        return 200, interaction.original.payload()

    @route("PATCH", "/webhooks/{application_id}/{token}/messages/@original")
    def edit_original(self, incoming: Incoming, application_id: str, token: str) -> Any:
        interaction = self._followup_interaction(token)
        if interaction.original is None:
            raise HttpError(404, 10008, "Unknown Message")
        return 200, self._edit(interaction.original, incoming).payload()

    @route("DELETE", "/webhooks/{application_id}/{token}/messages/@original")
    def delete_original(self, incoming: Incoming, application_id: str, token: str) -> Any:
        interaction = self._followup_interaction(token)
        if interaction.original is not None:
            interaction.original.deleted = True
        return 204, None

    @route("POST", "/webhooks/{application_id}/{token}")
    def followup(self, incoming: Incoming, application_id: str, token: str) -> Any:
        interaction = self._followup_interaction(token)
        self._check_message(incoming)
        original = interaction.original
        if original is not None and original.flags & LOADING:
            # Discord turns the "thinking..." message into the first followup.
            return 200, self._edit(original, incoming).payload()
        message = self._new_message(interaction.channel, incoming, interaction_id=interaction.id)
        interaction.followups.append(message)
        return 200, message.payload()

    @route("PATCH", "/webhooks/{application_id}/{token}/messages/{message_id}")
    def edit_followup(
        self, incoming: Incoming, application_id: str, token: str, message_id: str
    ) -> Any:
        interaction = self._followup_interaction(token)
        message = self.world.messages.get(int(message_id))
        if message is None or message.interaction_id != interaction.id:
            raise HttpError(404, 10008, "Unknown Message")
        return 200, self._edit(message, incoming).payload()

    @route("DELETE", "/webhooks/{application_id}/{token}/messages/{message_id}")
    def delete_followup(
        self, incoming: Incoming, application_id: str, token: str, message_id: str
    ) -> Any:
        self._followup_interaction(token)
        message = self.world.messages.get(int(message_id))
        if message is None:
            raise HttpError(404, 10008, "Unknown Message")
        message.deleted = True
        return 204, None


def _read_body(kwargs: dict[str, Any]) -> Incoming:
    """JSON and multipart bodies as discord.py builds them."""
    data = kwargs.get("data")
    if data is None:
        return Incoming(kwargs.get("json"))
    if isinstance(data, str | bytes):
        return Incoming(json.loads(data) if data else None)
    body: Any = None
    files: list[tuple[str, bytes]] = []
    for type_options, _headers, value in getattr(data, "_fields", []):
        name = type_options.get("name")
        if name == "payload_json":
            body = json.loads(value)
        elif type_options.get("filename"):
            content = value.read() if hasattr(value, "read") else bytes(value)
            files.append((type_options["filename"], content))
    return Incoming(body, files)


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
