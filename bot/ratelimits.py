"""Our layer over discord.py's HTTP client: global pacing, and a bounded rate-limit bucket sweep."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from discord.http import HTTPClient, Route

from bot.clock import Clock
from bot.pacing import GlobalPacer

log = logging.getLogger(__name__)

# discord.py sweeps every bucket for inactive ones each time it creates one, once it holds 256:
# with N channels that is O(N^2) over a burst of posts. A bucket is inactive after 300 s idle,
# so one sweep a second loses nothing and costs O(N) a second instead of O(N) a request.
SWEEP_INTERVAL = 1.0


def install(http: HTTPClient, clock: Clock, pacer: GlobalPacer | None = None) -> None:
    """Teach this bot's HTTP client to sweep its buckets at most once a second and, given a
    pacer, to wait for it. Only this instance changes: discord.py's class and module stay."""
    sweep = http._try_clear_expired_ratelimits
    last_sweep = [float("-inf")]

    def bounded_sweep() -> None:
        now = clock.time()
        if now - last_sweep[0] >= SWEEP_INTERVAL:
            last_sweep[0] = now
            sweep()

    http._try_clear_expired_ratelimits = bounded_sweep  # type: ignore[method-assign]
    if pacer is not None:
        http.request = paced(http.request, pacer)  # type: ignore[method-assign]


def server_key(route: Route) -> object:
    """Who a request is for, for fairness: its server, else its channel, else the bot."""
    return route.guild_id or route.channel_id or route.webhook_id or 0


def paced(request: Callable[..., Any], pacer: GlobalPacer) -> Callable[..., Any]:
    @functools.wraps(request)
    async def paced_request(route: Route, **kwargs: Any) -> Any:
        # A webhook token route answers a member's interaction: it goes before queued posts.
        await pacer.acquire(server_key(route), urgent=route.webhook_token is not None)
        return await request(route, **kwargs)

    return paced_request
