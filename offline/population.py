"""Who and where: the servers, members, roles, channels, DMs and user installs a test sets up."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from offline.world import (
    ADMIN_PERMISSIONS,
    FakeAttachment,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
)

if TYPE_CHECKING:
    from offline.clock import FakeClock
    from offline.session import FakeRest
    from offline.world import World


class Population:
    """The setting-up half of OfflineDiscord: things made after the bot started are announced
    to it with the gateway event Discord would send (GUILD_CREATE, CHANNEL_CREATE, ...)."""

    world: World
    rest: FakeRest
    clock: FakeClock
    guild: FakeGuild
    bot: Any

    if TYPE_CHECKING:

        def _dispatch(self, event: str, data: dict[str, Any]) -> None: ...

    def guild_named(self, name: str) -> FakeGuild:
        for guild in self.world.guilds.values():
            if guild.name == name:
                return guild
        guild = self.world.add_guild(name)
        self.world.add_channel(guild, "general")
        if self.bot is not None:
            self._dispatch("GUILD_CREATE", guild.payload())
        return guild

    def member(
        self,
        name: str,
        admin: bool = False,
        roles: tuple[str, ...] | list[str] = (),
        guild: FakeGuild | None = None,
    ) -> FakeMember:
        guild = guild or self.guild
        user = self.world.users_by_name.get(name)
        if user is not None and user.id in guild.members:
            return guild.members[user.id]
        if user is None:
            user = FakeUser(self.world.snowflake(), name)
            self.world.users[user.id] = user
            self.world.users_by_name[name] = user
        role_ids = [self.role(r, guild=guild).id for r in roles]
        if admin:
            role_ids.append(self.world.add_role(guild, "moderator", ADMIN_PERMISSIONS).id)
        member = FakeMember(user, guild, role_ids, self.clock.time())
        guild.members[user.id] = member
        return member

    def server_without_bot(self, name: str) -> FakeGuild:
        """A server that never installed quizbot: the bot knows nothing of it, but a member
        who added quizbot to their account (:meth:`add_to_account`) can use its
        user-installable commands there."""
        guild = self.world.add_guild(name, with_bot=False)
        self.world.add_channel(guild, "general")
        return guild

    def add_to_account(self, member: FakeMember | FakeUser) -> None:
        """The member adds quizbot to their own account (a user install, "Add to My Apps")."""
        self.world.user_installs.add(member.id)

    def dm(self, member: FakeMember | FakeUser) -> FakeChannel:
        """The DM between the member and the bot (``in_channel=`` of :meth:`slash`): Discord
        has one, the same channel the bot's own DMs to them go to."""
        user = member.user if isinstance(member, FakeMember) else member
        dm = self.rest.open_dm_with(user)
        channel = self.world.channels.get(dm.id)
        if channel is None:
            channel = self.world.add_private_channel([user, self.world.bot_user], channel_id=dm.id)
        return channel

    def private_channel(
        self, member: FakeMember | FakeUser, *others: FakeMember | FakeUser, name: str = ""
    ) -> FakeChannel:
        """A DM between members (one other) or a group DM (more), where the bot is not: only
        a member's own install of quizbot works there."""
        people = [m.user if isinstance(m, FakeMember) else m for m in (member, *others)]
        return self.world.add_private_channel(people, name=name or "group")

    def role(self, name: str, guild: FakeGuild | None = None, permissions: int = 0) -> FakeRole:
        guild = guild or self.guild
        known = any(r.name == name for r in guild.roles.values())
        role = self.world.add_role(guild, name, permissions)
        if not known and self.bot is not None:
            self._dispatch("GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role.payload()})
        return role

    def channel(self, name: str, guild: FakeGuild | None = None) -> FakeChannel:
        guild = guild or self.guild
        name = name.lstrip("#")
        for channel in guild.channels.values():
            if channel.name == name and not channel.deleted:
                return channel
        channel = self.world.add_channel(guild, name)
        if self.bot is not None:
            self._dispatch("CHANNEL_CREATE", channel.payload())
        return channel

    def attachment(
        self, filename: str, data: bytes, content_type: str | None = None
    ) -> FakeAttachment:
        channel = next(iter(self.guild.channels.values()))
        return self.world.add_attachment(channel.id, filename, data, content_type)
