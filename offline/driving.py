"""What members do (slash, autocomplete, click, select, modal, say) and the fake clock moving."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from offline.http import use_adapter
from offline.payloads import authorize, command_data, context_of, interaction_payload
from offline.reply import (
    OfflineError,
    Reply,
    default_channel,
    fill_modal,
    find_component,
    message_of,
)
from offline.world import FakeChannel, FakeInteraction, FakeMember, FakeMessage

if TYPE_CHECKING:
    from offline.clock import FakeClock
    from offline.http import OfflineWebhookAdapter
    from offline.world import FakeGuild, World


class Driving:
    """The acting half of OfflineDiscord: each action sends the event Discord would send, then
    waits for the bot to settle, and hands back what the member saw."""

    world: World
    clock: FakeClock
    adapter: OfflineWebhookAdapter
    shard_ids: list[int]
    bot: Any

    if TYPE_CHECKING:

        async def settle(self) -> None: ...

        def _dispatch(self, event: str, data: dict[str, Any]) -> None: ...

        def shard_of(self, guild: FakeGuild | int) -> int: ...

        def owns(self, guild: FakeGuild | int) -> bool: ...

    async def slash(
        self,
        member: FakeMember,
        command: str,
        /,
        *,
        in_channel: FakeChannel | None = None,
        **options: Any,
    ) -> Reply:
        """Run ``/command`` (``"group sub"`` for subcommands) with options as keywords.

        ``in_channel`` may be a server's channel (default: the member's server's first), a
        server without the bot's, :meth:`dm` or :meth:`private_channel`; Discord's rules for
        where a command is offered apply (:func:`offline.payloads.authorize`)."""
        channel = in_channel or default_channel(member.guild)
        context, owners = authorize(self.world, self._registered(command), member, channel)
        data = command_data(
            self.world, self.bot.tree, command, member, options, guild_id=self._data_guild(channel)
        )
        return await self._interact(member, 2, data, channel, context=context, owners=owners)

    async def autocomplete(
        self,
        member: FakeMember,
        command: str,
        focused: str,
        /,
        *,
        in_channel: FakeChannel | None = None,
        **options: Any,
    ) -> list[dict[str, Any]]:
        """The choices the member is offered while typing option ``focused``."""
        channel = in_channel or default_channel(member.guild)
        context, owners = authorize(self.world, self._registered(command), member, channel)
        data = command_data(
            self.world, self.bot.tree, command, member, options, focused=focused,
            guild_id=self._data_guild(channel),
        )  # fmt: skip
        reply = await self._interact(member, 4, data, channel, context=context, owners=owners)
        return reply.choices

    async def click(
        self,
        member: FakeMember,
        message: FakeMessage | Reply | None,
        *,
        label: str | None = None,
        custom_id: str | None = None,
    ) -> Reply:
        message = message_of(message)
        component = find_component(message, label=label, custom_id=custom_id, kinds=(2,))
        data = {"custom_id": component["custom_id"], "component_type": 2}
        return await self._interact(member, 3, data, message.channel, message)

    async def select(
        self,
        member: FakeMember,
        message: FakeMessage | Reply | None,
        values: list[str],
        *,
        custom_id: str | None = None,
    ) -> Reply:
        message = message_of(message)
        component = find_component(message, custom_id=custom_id, kinds=(3,))
        data = {"custom_id": component["custom_id"], "component_type": 3, "values": values}
        return await self._interact(member, 3, data, message.channel, message)

    async def submit_modal(self, member: FakeMember, response: Reply, **fields: str) -> Reply:
        """Fill the modal ``response`` opened (fields by custom_id or label) and submit it."""
        modal = response.modal
        if modal is None:
            raise OfflineError(f"no modal is open on {response!r}")
        rows, unused = fill_modal(modal, fields)
        if unused:
            raise OfflineError(f"the modal has no field(s) {sorted(unused)}")
        data = {"custom_id": modal["custom_id"], "components": rows}
        source = response.interaction
        return await self._interact(
            member, 5, data, source.channel, source.message,
            context=source.context, owners=source.owners,
        )  # fmt: skip

    async def say(self, member: FakeMember, channel: FakeChannel, text: str) -> FakeMessage:
        message = self.world.add_message(channel, member.user, content=text)
        payload = dict(message.payload(), member=member.payload(with_user=False))
        self._dispatch("MESSAGE_CREATE", payload)
        await self.settle()
        return message

    async def advance(
        self,
        delta: timedelta | None = None,
        *,
        days: float = 0,
        hours: float = 0,
        minutes: float = 0,
        seconds: float = 0,
    ) -> int:
        """Move the fake clock; scheduled posts, reveals and timers that fall due run."""
        delta = delta or timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        use_adapter(self.adapter)  # jobs started by the clock answer interactions too
        return await self.clock.advance(delta, self.settle)

    async def advance_to(self, when: datetime) -> int:
        return await self.advance(when - self.clock.now())

    # -- one interaction, as Discord would send it ----------------------------------------------

    async def _interact(
        self,
        member: FakeMember,
        kind: int,
        data: dict[str, Any],
        channel: FakeChannel | None,
        message: FakeMessage | None = None,
        *,
        context: int | None = None,
        owners: dict[str, str] | None = None,
    ) -> Reply:
        if self.bot is None:
            raise OfflineError("the bot is not running")
        channel = channel or default_channel(member.guild)
        if channel.is_private:
            if 0 not in self.shard_ids:
                raise OfflineError(
                    f"DMs go to shard 0, which this bot does not run ({self.shard_ids})"
                )
        elif not self.owns(channel.guild):
            raise OfflineError(
                f"{channel.guild.name} is on shard {self.shard_of(channel.guild)}, which this "
                f"bot does not run (its shards: {self.shard_ids})"
            )
        if context is None or owners is None:
            context, owners = self._origin(message, channel)
        interaction = FakeInteraction(
            id=self.world.snowflake(),
            token=self.world.token(),
            type=kind,
            member=member,
            channel=channel,
            created_at=self.clock.time(),
            dispatched_at=time.perf_counter(),
            message=message,
            context=context,
            owners=owners,
        )
        self.world.interactions[interaction.id] = interaction
        self._dispatch("INTERACTION_CREATE", interaction_payload(self.world, interaction, data))
        await self.settle()
        return Reply(interaction)

    def _registered(self, command: str) -> dict[str, Any]:
        """The top-level command as Discord knows it: as last registered globally, else as
        the bot's tree would register it."""
        name = command.strip().lstrip("/").split()[0]
        for entry in self.world.commands.get(None) or []:
            if entry.get("name") == name:
                return entry
        found = self.bot.tree.get_command(name)
        if found is None:
            raise OfflineError(f"no slash command /{name}")
        payload: dict[str, Any] = found.to_dict(self.bot.tree)
        return payload

    @staticmethod
    def _data_guild(channel: FakeChannel) -> int | None:
        # data.guild_id: the server of a command used there; a user install's command used
        # in a server without the bot is a global one, as in a DM.
        return None if channel.is_private or not channel.guild.has_bot else channel.guild.id

    def _origin(
        self, message: FakeMessage | None, channel: FakeChannel
    ) -> tuple[int, dict[str, str]]:
        """A component or modal interaction carries the context and installs of the command
        that made its message (by default: the server's install, where the channel is)."""
        source = self.world.interactions.get(message.interaction_id or 0) if message else None
        if source is not None:
            return source.context, dict(source.owners)
        if channel.is_private or not channel.guild.has_bot:
            return context_of(self.world, channel), {}
        return 0, {"0": str(channel.guild.id)}
