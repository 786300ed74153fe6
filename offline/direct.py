"""Direct messages in the fake Discord: opening a DM channel with a user and posting in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from offline.transport import HttpError, Incoming, route
from offline.world import FakeUser, iso

if TYPE_CHECKING:
    from offline.world import World


@dataclass
class FakeDM:
    """One DM channel: the bot and one user, and what the bot sent there (content only)."""

    id: int
    user: FakeUser
    sent: list[str] = field(default_factory=list)

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "type": 1,
            "recipients": [self.user.payload()],
            "last_message_id": None,
        }


class DirectRoutes:
    """The DM half of :class:`offline.session.FakeRest` (a mixin over its world)."""

    world: World

    def __init__(self) -> None:
        self.dms: dict[int, FakeDM] = {}  # by channel id
        super().__init__()

    def dm_with(self, user_id: int) -> FakeDM | None:
        return next((dm for dm in self.dms.values() if dm.user.id == user_id), None)

    @route("POST", "/users/@me/channels")
    def open_dm(self, incoming: Incoming) -> tuple[int, Any]:
        user = self.world.users.get(int((incoming.body or {}).get("recipient_id") or 0))
        if user is None:
            raise HttpError(404, 10013, "Unknown User")
        if user.bot:
            raise HttpError(400, 50007, "Cannot send messages to this user")
        return 200, self.open_dm_with(user).payload()

    def open_dm_with(self, user: FakeUser) -> FakeDM:
        """The one DM channel between the bot and ``user``, opened on first use."""
        dm = self.dm_with(user.id)
        if dm is None:
            dm = FakeDM(self.world.snowflake(), user)
            self.dms[dm.id] = dm
        return dm

    def dm_message(self, dm: FakeDM, incoming: Incoming) -> tuple[int, Any]:
        body = incoming.body or {}
        content = str(body.get("content") or "")
        if not content and not body.get("embeds"):
            raise HttpError(400, 50006, "Cannot send an empty message")
        dm.sent.append(content)
        return 200, {
            "id": str(self.world.snowflake()),
            "channel_id": str(dm.id),
            "type": 0,
            "author": self.world.bot_user.payload(),
            "content": content,
            "embeds": list(body.get("embeds") or []),
            "components": [],
            "attachments": [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "timestamp": iso(self.world.clock.time()),
            "edited_timestamp": None,
            "flags": 0,
        }
