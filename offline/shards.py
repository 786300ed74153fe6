"""Which shard a server is on, and getting each gateway event to the bot on that shard."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from offline.gateway import FakeGatewaySocket, GatewayServer, ShardedGateway
from offline.http import use_adapter

if TYPE_CHECKING:
    from offline.http import OfflineWebhookAdapter
    from offline.world import FakeGuild, World


class Sharding:
    """The shard half of OfflineDiscord: Discord's routing of servers to shards, READY per
    shard, and events sent through the gateway (gateway mode) or straight to the parsers."""

    world: World
    bot: Any
    adapter: OfflineWebhookAdapter
    shard_count: int
    shard_ids: list[int]
    gateways: dict[int, GatewayServer]
    _sharded_gateway: ShardedGateway | None

    @property
    def gateway(self) -> GatewayServer | None:
        """The first owned shard's gateway (the only one unless sharded); see
        :attr:`gateways`."""
        return self.gateways[self.shard_ids[0]] if self.gateways else None

    @property
    def socket(self) -> FakeGatewaySocket | None:
        """The gateway connection in use (gateway mode), for tests of what the bot sent."""
        return self.gateway.socket if self.gateway is not None else None

    def shard_of(self, guild: FakeGuild | int) -> int:
        """The shard Discord routes a server to: ``(guild_id >> 22) % shard_count``."""
        guild_id = guild if isinstance(guild, int) else guild.id
        return (guild_id >> 22) % self.shard_count

    def guilds_of_shard(self, shard_id: int) -> list[FakeGuild]:
        return [g for g in self.world.guilds.values() if g.has_bot and self.shard_of(g) == shard_id]

    def owns(self, guild: FakeGuild | int) -> bool:
        """Whether this bot (process) runs the shard of ``guild``."""
        return self.shard_of(guild) in self.shard_ids

    def _dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send an event on the shard of its server (DMs go to shard 0, as on Discord); an
        event of a shard another process runs never reaches this bot."""
        if self.bot is None:
            return
        guild_id = data.get("guild_id")
        if guild_id is None and event in ("GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"):
            guild_id = data.get("id")
        shard_id = self.shard_of(int(guild_id)) if guild_id is not None else 0
        if shard_id not in self.shard_ids:
            return
        if self.gateways:
            self.gateways[shard_id].dispatch(event, data)
        else:
            self._direct(event, data)

    def _direct(self, event: str, data: dict[str, Any]) -> None:
        use_adapter(self.adapter)
        self.bot._connection.parsers[event](data)

    def _shard_gateway(self, shard_id: int) -> GatewayServer:
        return GatewayServer(
            ready=lambda session: self._ready_payload(session, shard_id=shard_id),
            guilds=lambda: [g.payload() for g in self.guilds_of_shard(shard_id)],
            shard_id=shard_id,
        )

    def _ready_payload(
        self, session_id: str = "offline-session", *, shard_id: int = 0
    ) -> dict[str, Any]:
        guilds = self.guilds_of_shard(shard_id)
        return {
            "v": 10,
            "user": self.world.bot_user.payload(),
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session_id,
            "resume_gateway_url": "wss://gateway.offline",
            "application": {"id": str(self.world.application_id), "flags": 0},
            "shard": [shard_id, self.shard_count],
        }

    def _connect_gateway(self) -> FakeGatewaySocket:
        if self._sharded_gateway is None:
            raise RuntimeError("this offline Discord was started without gateway mode")
        return self._sharded_gateway.connect()
