"""Duel buttons: Accept and Decline, and the shared answer controls of each round.

DynamicItems, so a challenge still answers after a restart; round answers use the shared
answer controls under the ``duel`` prefix (key: duel, round)."""

from __future__ import annotations

import re
from typing import Any, Protocol, runtime_checkable

import discord

from bank.schema import Item
from bot.errors import guarded
from bot.ui import answer, targets

PREFIX = "duel"


@runtime_checkable
class ChallengeTarget(Protocol):
    async def accept(self, interaction: discord.Interaction, duel_id: int) -> None: ...
    async def decline(self, interaction: discord.Interaction, duel_id: int) -> None: ...


CHALLENGES = targets.Slot[ChallengeTarget](PREFIX, ChallengeTarget)


class ChallengeButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"duel:(?P<action>accept|decline):(?P<duel>\d+)",
):
    def __init__(self, duel_id: int, action: str, disabled: bool = False) -> None:
        style = discord.ButtonStyle.success if action == "accept" else discord.ButtonStyle.danger
        super().__init__(
            discord.ui.Button(
                label=action.title(),
                custom_id=f"duel:{action}:{duel_id}",
                style=style,
                disabled=disabled,
            )
        )
        self.duel_id = duel_id
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ChallengeButton:
        return cls(int(match["duel"]), match["action"])

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        target = CHALLENGES.get(interaction)
        if self.action == "accept":
            await target.accept(interaction, self.duel_id)
        else:
            await target.decline(interaction, self.duel_id)


def challenge_view(duel_id: int, *, disabled: bool = False) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ChallengeButton(duel_id, "accept", disabled))
    view.add_item(ChallengeButton(duel_id, "decline", disabled))
    return view


def round_view(duel_id: int, number: int, item: Item, *, disabled: bool = False) -> discord.ui.View:
    return answer.answer_view(PREFIX, (duel_id, number), item, disabled=disabled)


DYNAMIC_ITEMS = (ChallengeButton,)
