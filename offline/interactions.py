"""Interaction responses and their webhook follow-ups, as Discord answers them: one response
within 3 seconds, follow-ups for 15 minutes, and the "thinking..." message a deferral leaves."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from offline.transport import HttpError, Incoming, route
from offline.world import EPHEMERAL, LOADING, FakeInteraction, FakeMessage

if TYPE_CHECKING:
    from offline.world import World

ACK_BUDGET = 3.0  # seconds Discord waits for the first response to an interaction
TOKEN_LIFETIME = 15 * 60  # interaction tokens expire after 15 minutes


class InteractionRoutes:
    """The interaction half of :class:`offline.session.FakeRest` (a mixin: it needs the
    world and the message helpers defined there)."""

    world: World

    def __init__(self) -> None:
        self.ack_budget = ACK_BUDGET
        super().__init__()

    if TYPE_CHECKING:  # provided by FakeRest

        def _check_empty(self, incoming: Incoming) -> None: ...

        def _new_message(self, channel: Any, incoming: Incoming, **extra: Any) -> FakeMessage: ...

        def _edit(self, message: FakeMessage, incoming: Incoming) -> FakeMessage: ...

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
        # Real time the bot spent, plus fake time it waited (a retry after a 5xx or 429).
        latency = time.perf_counter() - interaction.dispatched_at
        latency += self.world.clock.time() - interaction.created_at
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
            self._check_empty(data)
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
        elif kind == 8:  # autocomplete choices (at most 25: the spec's rule)
            interaction.choices = (data.body or {}).get("choices") or []
            return None
        elif kind == 9:  # a modal (its rules: the spec's and offline.limits.check_modal)
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
        self._check_empty(incoming)
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
