"""The practice session's buttons: Next and End, and the shared answer controls.

The answer controls are the shared ones under the ``practice`` prefix (key: session, position);
Next and End are DynamicItems of their own. Each custom_id carries the session and the
question's position, so a click is checked against the stored session (whose it is, whether that
question is still on screen) and even a button from before a restart answers clearly.
"""

from __future__ import annotations

import re
from typing import Any, Protocol, runtime_checkable

import discord

from bank.schema import Item
from bot.errors import guarded
from bot.ui import answer, targets
from bot.ui.report import ReportButton

PREFIX = "practice"


@runtime_checkable
class SessionTarget(Protocol):
    async def next_question(
        self, interaction: discord.Interaction, session_id: int, position: int
    ) -> None: ...
    async def end(self, interaction: discord.Interaction, session_id: int) -> None: ...
    async def resume(
        self, interaction: discord.Interaction, session_id: int, position: int
    ) -> None: ...


SESSIONS = targets.Slot[SessionTarget](PREFIX, SessionTarget)


def _button(label: str, custom_id: str, style: discord.ButtonStyle) -> Any:
    return discord.ui.Button(label=label, custom_id=custom_id, style=style)


class NextButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"practice:next:(?P<session>\d+):(?P<position>\d+)",
):
    """Under a verdict: the next question, or the summary after the last one."""

    def __init__(self, session_id: int, position: int, *, last: bool = False) -> None:
        custom_id = f"practice:next:{session_id}:{position}"
        label = "See summary" if last else "Next question"
        super().__init__(_button(label, custom_id, discord.ButtonStyle.primary))
        self.session_id, self.position = session_id, position

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> NextButton:
        return cls(int(match["session"]), int(match["position"]))

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        await SESSIONS.get(interaction).next_question(interaction, self.session_id, self.position)


class EndButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"practice:end:(?P<session>\d+)"
):
    """Stop early and see the summary of what was answered."""

    def __init__(self, session_id: int) -> None:
        custom_id = f"practice:end:{session_id}"
        super().__init__(_button("End", custom_id, discord.ButtonStyle.secondary))
        self.session_id = session_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> EndButton:
        return cls(int(match["session"]))

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        await SESSIONS.get(interaction).end(interaction, self.session_id)


class RetryButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"practice:retry:(?P<session>\d+):(?P<position>\d+)",
):
    """While the questions left are in play: show the current one if it is free by now."""

    def __init__(self, session_id: int, position: int) -> None:
        custom_id = f"practice:retry:{session_id}:{position}"
        super().__init__(_button("Try again", custom_id, discord.ButtonStyle.primary))
        self.session_id, self.position = session_id, position

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> RetryButton:
        return cls(int(match["session"]), int(match["position"]))

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        await SESSIONS.get(interaction).resume(interaction, self.session_id, self.position)


DYNAMIC_ITEMS = (NextButton, EndButton, RetryButton)


def question_view(session_id: int, position: int, item: Item) -> discord.ui.View:
    view = answer.answer_view(PREFIX, (session_id, position), item)
    # Up to ten choices fill two rows; "End" always starts a row of its own.
    end = EndButton(session_id)
    end.row = (len(view.children) - 1) // 5 + 1
    view.add_item(end)
    return view


def waiting_view(session_id: int, position: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(RetryButton(session_id, position))
    view.add_item(EndButton(session_id))
    return view


def verdict_view(
    session_id: int, position: int, *, last: bool, item_id: str, reportable: bool = True
) -> discord.ui.View:
    """``reportable``: a server's admins read reports; the personal record has none."""
    view = discord.ui.View(timeout=None)
    view.add_item(NextButton(session_id, position, last=last))
    if not last:
        view.add_item(EndButton(session_id))
    if reportable:
        view.add_item(ReportButton(item_id))
    return view


def lookup_view(item: Item, *, reportable: bool = True) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    if reportable:
        view.add_item(ReportButton(item.id))
    return view
