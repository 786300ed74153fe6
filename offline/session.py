"""Discord's REST API over a :class:`~offline.world.World`, answered in-process.

Every request passes, in Discord's order: the global rate limit (when switched on), the faults a
test armed, then the request body against Discord's OpenAPI description and the documented
limits the description cannot express, then the route's own handler. URLs are matched against
the route templates below and in :mod:`offline.interactions`; an unknown route is answered 404
and recorded as a failure, so a cog that starts using a new endpoint makes the harness grow
instead of passing by accident.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from offline import limits, openapi
from offline.direct import DirectRoutes
from offline.faults import Answer, Faults, GlobalRateLimit
from offline.interactions import InteractionRoutes
from offline.transport import (
    ROUTES,
    Call,
    FakeResponse,
    FakeSession,
    HttpError,
    Incoming,
    Violation,
    read_body,
    route,
)
from offline.validate import Problem
from offline.world import LOADING, FakeChannel, FakeMessage, World

__all__ = ["Call", "FakeRest", "FakeSession", "HttpError", "Incoming", "Violation"]

log = logging.getLogger(__name__)

API_PREFIX = re.compile(r"^/api/v\d+")
SEND = 1 << 11
VIEW = 1 << 10
SEND_IN_THREADS = 1 << 38
CREATE_PUBLIC_THREADS = 1 << 35
MESSAGE_ROUTES = {
    openapi.shape(r)
    for r in (
        "POST /channels/{channel_id}/messages",
        "PATCH /channels/{channel_id}/messages/{message_id}",
        "POST /webhooks/{application_id}/{token}",
        "PATCH /webhooks/{application_id}/{token}/messages/@original",
        "PATCH /webhooks/{application_id}/{token}/messages/{message_id}",
    )
}
COMMAND_ROUTES = {
    openapi.shape("PUT /applications/{application_id}/commands"),
    openapi.shape("PUT /applications/{application_id}/guilds/{guild_id}/commands"),
}
CALLBACK_ROUTE = openapi.shape("POST /interactions/{interaction_id}/{token}/callback")


def body_problems(route_template: str, body: Any) -> list[Problem]:
    """Everything Discord would refuse in ``body`` sent to ``route_template``: the OpenAPI
    description's rules, then the documented limits it cannot express."""
    schema = openapi.request_schema(route_template)
    problems = openapi.validator().check(schema, body) if schema is not None else []
    route_shape = openapi.shape(route_template)
    if route_shape in MESSAGE_ROUTES:
        problems += limits.check_message(body)
    elif route_shape in COMMAND_ROUTES:
        problems += limits.check_commands(body)
    elif route_shape == CALLBACK_ROUTE and isinstance(body, dict):
        if body.get("type") in (4, 7):
            problems += limits.check_message(body.get("data"), path="data")
        elif body.get("type") == 9:
            problems += limits.check_modal(body.get("data"))
    return problems


class FakeRest(InteractionRoutes, DirectRoutes):
    """Discord's REST API over a :class:`World`, with Discord's rules enforced."""

    def __init__(
        self,
        world: World,
        dispatch: Callable[[str, dict[str, Any]], None],
        ws_factory: Callable[[], Any] | None = None,
    ) -> None:
        super().__init__()
        self.world = world
        self.dispatch = dispatch  # gateway events the real Discord would send back
        self.ws_factory = ws_factory
        self.calls: list[Call] = []
        self.violations: list[Violation] = []
        self.in_flight = 0  # requests being answered (a request waiting on the fake clock is not)
        self.waiting = 0  # requests held by a "slow" fault until the fake clock moves
        self.faults = Faults()
        self.global_limit = GlobalRateLimit()
        self.recommended_shards = 1  # what GET /gateway/bot answers

    # -- plumbing ------------------------------------------------------------------------------

    async def handle(self, method: str, url: str, kwargs: dict[str, Any]) -> FakeResponse:
        self.in_flight += 1
        try:
            return await self._handle(method, url, kwargs)
        finally:
            self.in_flight -= 1

    async def _handle(self, method: str, url: str, kwargs: dict[str, Any]) -> FakeResponse:
        parts = urlsplit(url)
        if parts.netloc.startswith("cdn.") or parts.netloc.startswith("media."):
            return self._cdn(url)
        path = API_PREFIX.sub("", parts.path)
        incoming = read_body(kwargs)
        incoming.query = {k: str(v) for k, v in (kwargs.get("params") or {}).items()}
        for route_method, template, regex, handler_name in ROUTES:
            match = regex.match(path)
            if route_method == method and match:
                params = match.groupdict()
                call = Call(method, f"{method} {template}", params, incoming.body, incoming.files)
                call.fake_at = self.world.clock.time()
                self.calls.append(call)
                status, body, headers = await self._answer(call, incoming, handler_name)
                call.status, call.response = status, body
                return FakeResponse(status, body, headers)
        self.calls.append(Call(method, f"{method} {path}", {}, incoming.body, incoming.files, 404))
        body = {"code": 0, "message": "404: Not Found (route unknown to the offline Discord)"}
        self.violations.append(Violation(f"{method} {path}", 404, body))
        return FakeResponse(404, body)

    async def _answer(
        self, call: Call, incoming: Incoming, handler_name: str
    ) -> tuple[int, Any, dict[str, str]]:
        route_shape = openapi.shape(call.route)
        now = self.world.clock.time()
        limited = self.global_limit.check(route_shape, now)
        if limited is not None:
            call.fault = "global_rate_limit"
            return limited.status, limited.body, limited.headers
        fault = self.faults.take(route_shape, call.params, now)
        if fault is not None:
            call.fault = (
                "slow" if fault.delay else ("rate_limit" if fault.status == 429 else "fail")
            )
            if fault.delay:
                await self._wait(fault)
            elif fault.status:
                return fault.status, fault.body, fault.headers
        try:
            self._validate(call.route, incoming)
            status, body = getattr(self, handler_name)(incoming, **call.params)
        except HttpError as exc:
            if exc.violation:
                self.violations.append(Violation(call.route, exc.status, exc.body))
            return exc.status, exc.body, {}
        return status, body, {}

    async def _wait(self, fault: Answer) -> None:
        """A slow answer: the request waits on the fake clock, not counted as busy, so the
        harness settles and the test moves time on."""
        self.in_flight -= 1
        self.waiting += 1
        try:
            await self.world.clock.sleep(fault.delay)
        finally:
            self.waiting -= 1
            self.in_flight += 1
        if fault.timeout:
            raise TimeoutError()  # what aiohttp raises when its total timeout runs out

    def _validate(self, route_template: str, incoming: Incoming) -> None:
        if incoming.malformed is not None:
            raise HttpError(400, 50109, "The request body contains invalid JSON.")
        if incoming.body is None:
            return
        problems = body_problems(route_template, incoming.body)
        if problems:
            raise HttpError(400, 50035, "Invalid Form Body", limits.error_body(problems))

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
        bot_member = channel.guild.members.get(self.world.bot_user.id)
        if bot_member is None:
            raise HttpError(403, 50001, "Missing Access")
        perms = channel.guild.permissions(bot_member, channel)
        if not perms & VIEW:
            raise HttpError(403, 50001, "Missing Access")
        if any(not perms & flag for flag in needed):
            raise HttpError(403, 50013, "Missing Permissions")

    def _check_empty(self, incoming: Incoming) -> None:
        if limits.is_empty_message(incoming.body, has_files=bool(incoming.files)):
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
        return 200, {
            "url": "wss://gateway.offline",
            "shards": self.recommended_shards,
            "session_start_limit": limit,
        }

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
        channel = self._channel(channel_id)
        self._require(channel)
        return 200, channel.payload()

    @route("POST", "/channels/{channel_id}/messages")
    def create_message(self, incoming: Incoming, channel_id: str) -> tuple[int, Any]:
        if int(channel_id) in self.dms:
            return self.dm_message(self.dms[int(channel_id)], incoming)
        channel = self._channel(channel_id)
        self._require(channel, SEND_IN_THREADS if channel.is_thread else SEND)
        self._check_empty(incoming)
        return 200, self._new_message(channel, incoming).payload()

    @route("GET", "/channels/{channel_id}/messages/{message_id}")
    def get_message(self, incoming: Incoming, channel_id: str, message_id: str) -> Any:
        channel = self._channel(channel_id)
        self._require(channel)
        return 200, self._message(channel, message_id).payload()

    @route("GET", "/channels/{channel_id}/messages")
    def get_messages(self, incoming: Incoming, channel_id: str) -> tuple[int, Any]:
        channel = self._channel(channel_id)
        self._require(channel)
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
        self._require(channel, CREATE_PUBLIC_THREADS)
        if message.thread is not None:
            raise HttpError(400, 160004, "A thread has already been created for this message")
        thread = self._new_thread(channel, incoming, thread_id=message.id)
        message.thread = thread
        return 201, thread.payload()

    @route("POST", "/channels/{channel_id}/threads")
    def thread_without_message(self, incoming: Incoming, channel_id: str) -> tuple[int, Any]:
        channel = self._channel(channel_id)
        self._require(channel, CREATE_PUBLIC_THREADS)
        return 201, self._new_thread(channel, incoming).payload()

    def _new_thread(
        self, parent: FakeChannel, incoming: Incoming, thread_id: int | None = None
    ) -> FakeChannel:
        name = str((incoming.body or {}).get("name") or "")  # 1-100 characters: the spec's
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
