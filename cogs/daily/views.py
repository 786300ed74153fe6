"""The daily post's buttons: the shared answer controls, and "My result" on the reveal.

They are DynamicItems: the custom_id carries the post id, so a button on a week-old message
still works after any number of restarts."""

from __future__ import annotations

import re
from typing import Any, Protocol, runtime_checkable

import discord

from bank.schema import Item
from bot.errors import guarded
from bot.ui import answer, targets
from bot.ui.report import ReportButton

PREFIX = "daily"


@runtime_checkable
class ResultTarget(Protocol):
    async def show_result(self, interaction: discord.Interaction, post_id: int) -> None: ...


RESULTS = targets.Slot[ResultTarget](PREFIX, ResultTarget)


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
        await RESULTS.get(interaction).show_result(interaction, self.post_id)


def answer_view(post_id: int, item: Item, *, disabled: bool = False) -> discord.ui.View:
    """The answer controls for one post, by kind of question."""
    return answer.answer_view(PREFIX, (post_id,), item, disabled=disabled)


def reveal_view(post_id: int, item_id: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ResultButton(post_id))
    view.add_item(ReportButton(item_id))
    return view


DYNAMIC_ITEMS = (ResultButton,)
