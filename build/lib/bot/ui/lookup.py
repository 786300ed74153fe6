"""Components find the cog that handles them through the client, so they need no reference
that a reload or restart would leave dangling."""

from __future__ import annotations

from typing import TypeVar

import discord
from discord.ext import commands

CogT = TypeVar("CogT", bound=commands.Cog)


def cog_of(interaction: discord.Interaction, cog_type: type[CogT]) -> CogT:
    name = cog_type.__cog_name__
    cog = getattr(interaction.client, "get_cog", lambda _: None)(name)
    if not isinstance(cog, cog_type):
        raise RuntimeError(f"the {name} cog is not loaded")
    return cog
