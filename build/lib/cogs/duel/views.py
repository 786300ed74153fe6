"""Duel buttons. DynamicItems, so a challenge still answers after a restart."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bank.schema import Item
from bot.errors import guarded
from bot.ui.lookup import cog_of
from bot.ui.question import answer_choices, reply_for_choice

if TYPE_CHECKING:
    from cogs.duel.cog import DuelCog


def _cog(interaction: discord.Interaction) -> DuelCog:
    from cogs.duel.cog import DuelCog  # the cog imports this module: look it up at call time

    return cog_of(interaction, DuelCog)


def _button(label: str, custom_id: str, style: discord.ButtonStyle, disabled: bool) -> Any:
    return discord.ui.Button(label=label, custom_id=custom_id, style=style, disabled=disabled)


class ChallengeButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"duel:(?P<action>accept|decline):(?P<duel>\d+)",
):
    def __init__(self, duel_id: int, action: str, disabled: bool = False) -> None:
        style = discord.ButtonStyle.success if action == "accept" else discord.ButtonStyle.danger
        super().__init__(_button(action.title(), f"duel:{action}:{duel_id}", style, disabled))
        self.duel_id = duel_id
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ChallengeButton:
        return cls(int(match["duel"]), match["action"])

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        cog = _cog(interaction)
        if self.action == "accept":
            await cog.accept(interaction, self.duel_id)
        else:
            await cog.decline(interaction, self.duel_id)


class RoundChoiceButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"duel:choice:(?P<duel>\d+):(?P<round>\d+):(?P<choice>[a-z]+)",
):
    def __init__(self, duel_id: int, number: int, choice: str, label: str, disabled: bool) -> None:
        custom_id = f"duel:choice:{duel_id}:{number}:{choice}"
        super().__init__(_button(label, custom_id, discord.ButtonStyle.secondary, disabled))
        self.duel_id, self.number, self.choice = duel_id, number, choice

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> RoundChoiceButton:
        label = getattr(item, "label", "") or ""
        return cls(int(match["duel"]), int(match["round"]), match["choice"], label, False)

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        reply = reply_for_choice(self.choice)
        await _cog(interaction).answer(interaction, self.duel_id, self.number, reply)


class RoundOpenButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"duel:open:(?P<duel>\d+):(?P<round>\d+)",
):
    def __init__(self, duel_id: int, number: int, disabled: bool = False) -> None:
        custom_id = f"duel:open:{duel_id}:{number}"
        super().__init__(_button("Answer", custom_id, discord.ButtonStyle.primary, disabled))
        self.duel_id, self.number = duel_id, number

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> RoundOpenButton:
        return cls(int(match["duel"]), int(match["round"]))

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        await _cog(interaction).open_modal(interaction, self.duel_id, self.number)


def challenge_view(duel_id: int, *, disabled: bool = False) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ChallengeButton(duel_id, "accept", disabled))
    view.add_item(ChallengeButton(duel_id, "decline", disabled))
    return view


def round_view(duel_id: int, number: int, item: Item, *, disabled: bool = False) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    choices = answer_choices(item)
    for key, label in choices:
        view.add_item(RoundChoiceButton(duel_id, number, key, label, disabled))
    if not choices:
        view.add_item(RoundOpenButton(duel_id, number, disabled))
    return view


DYNAMIC_ITEMS = (ChallengeButton, RoundChoiceButton, RoundOpenButton)
