"""The daily post's buttons. They are DynamicItems: the custom_id carries the post id, so a
button on a week-old message still works after any number of restarts."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bank.schema import Item
from bot.errors import guarded
from bot.ui.lookup import cog_of
from bot.ui.question import answer_choices, reply_for_choice
from bot.ui.report import ReportButton

if TYPE_CHECKING:
    from cogs.daily.cog import DailyCog


def _cog(interaction: discord.Interaction) -> DailyCog:
    from cogs.daily.cog import DailyCog  # the cog imports this module: look it up at call time

    return cog_of(interaction, DailyCog)


class ChoiceButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"daily:choice:(?P<post>\d+):(?P<choice>[a-z]+)",
):
    """An mcq letter or True/False; the choice is the member's whole answer."""

    def __init__(self, post_id: int, choice: str, label: str, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"daily:choice:{post_id}:{choice}",
                disabled=disabled,
            )
        )
        self.post_id = post_id
        self.choice = choice

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ChoiceButton:
        return cls(int(match["post"]), match["choice"], getattr(item, "label", "") or "")

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        await _cog(interaction).answer(interaction, self.post_id, reply_for_choice(self.choice))


class OpenAnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"daily:open:(?P<post>\d+)"
):
    """Opens the answer modal for free-text questions."""

    def __init__(self, post_id: int, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="Answer",
                style=discord.ButtonStyle.primary,
                custom_id=f"daily:open:{post_id}",
                disabled=disabled,
            )
        )
        self.post_id = post_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> OpenAnswerButton:
        return cls(int(match["post"]))

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        await _cog(interaction).open_answer_modal(interaction, self.post_id)


class ResultButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"daily:result:(?P<post>\d+)"
):
    """On the reveal: shows the member their own verdict, privately."""

    def __init__(self, post_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="My result",
                style=discord.ButtonStyle.secondary,
                custom_id=f"daily:result:{post_id}",
            )
        )
        self.post_id = post_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ResultButton:
        return cls(int(match["post"]))

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        await _cog(interaction).show_result(interaction, self.post_id)


def answer_view(post_id: int, item: Item, *, disabled: bool = False) -> discord.ui.View:
    """The answer controls for one post, by kind of question."""
    view = discord.ui.View(timeout=None)
    choices = answer_choices(item)
    for key, label in choices:
        view.add_item(ChoiceButton(post_id, key, label, disabled))
    if not choices:
        view.add_item(OpenAnswerButton(post_id, disabled))
    return view


def reveal_view(post_id: int, item_id: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ResultButton(post_id))
    view.add_item(ReportButton(item_id))
    return view


DYNAMIC_ITEMS = (ChoiceButton, OpenAnswerButton, ResultButton)
