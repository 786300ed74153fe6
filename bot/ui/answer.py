"""The one answer UI of daily posts, duel rounds and practice.

Choice buttons, the Answer button and its modal, each sending the member's reply to the
feature's :class:`AnswerTarget`.

The buttons are DynamicItems whose custom_id is ``{prefix}:choice:{key}:{choice}`` or
``{prefix}:open:{key}`` (the key is one or more numbers, such as ``post`` or ``duel:round``),
the very strings earlier versions wrote, so buttons on messages posted before an upgrade or a
restart keep answering.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import discord

from bank.limits import REPLY_BOX
from bank.schema import Item
from bot.errors import guarded, handle_interaction_error
from bot.ui import targets
from bot.ui.embeds import truncate
from bot.ui.question import answer_choices, reply_for_choice

SHORT_REPLY_LIMIT = REPLY_BOX  # every accepted short answer fits (bank.limits checks it)
LONG_REPLY_LIMIT = 4000  # Discord's own maximum for a text input

AnswerKey = tuple[int, ...]  # which question: (post,), (duel, round), (session, position)
OnAnswer = Callable[[discord.Interaction, str], Awaitable[None]]


@dataclass(frozen=True)
class AnswerForm:
    """How the answer modal of one question looks."""

    title: str
    question: str
    long: bool = False  # a paragraph box, for interview-style answers


@runtime_checkable
class AnswerTarget(Protocol):
    """What a feature implements (and registers under its prefix) to take answers."""

    async def answer_form(self, interaction: discord.Interaction, key: AnswerKey) -> AnswerForm:
        """Check that the member may answer now (raise ``UserError`` if not) and describe
        the modal they are about to fill."""
        ...

    async def answer(self, interaction: discord.Interaction, key: AnswerKey, reply: str) -> None:
        """Grade and record ``reply``, and tell the member."""
        ...


def register(client: discord.Client, prefix: str, target: AnswerTarget) -> None:
    """Send the answers of ``prefix`` buttons to ``target`` (and make the buttons persistent)."""
    targets.register(client, prefix, target)
    client.add_dynamic_items(ChoiceButton, OpenAnswerButton)


_SLOTS: dict[str, targets.Slot[AnswerTarget]] = {}  # one per prefix, made once, not per click


def _target(interaction: discord.Interaction, prefix: str) -> AnswerTarget:
    slot = _SLOTS.get(prefix)
    if slot is None:
        slot = _SLOTS[prefix] = targets.Slot[AnswerTarget](prefix, AnswerTarget)
    return slot.get(interaction)


def _key(text: str) -> AnswerKey:
    return tuple(int(part) for part in text.split(":"))


def _key_text(key: AnswerKey) -> str:
    return ":".join(str(part) for part in key)


class ChoiceButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"(?P<prefix>[a-z]+):choice:(?P<key>\d+(?::\d+)*):(?P<choice>[a-z]+)",
):
    """An mcq letter or True/False: the click is the member's whole answer."""

    def __init__(
        self, prefix: str, key: AnswerKey, choice: str, label: str, disabled: bool = False
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"{prefix}:choice:{_key_text(key)}:{choice}",
                disabled=disabled,
            )
        )
        self.prefix, self.key, self.choice = prefix, key, choice

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ChoiceButton:
        prefix, key, choice = match["prefix"], _key(match["key"]), match["choice"]
        if isinstance(item, discord.ui.Button):
            # discord.py has just rebuilt the clicked button from the message: wrap that one
            # instead of building its twin (about 5 us instead of under 1, on every click).
            button = cls.__new__(cls)
            discord.ui.DynamicItem.__init__(button, item)
            button.prefix, button.key, button.choice = prefix, key, choice
            return button
        return cls(prefix, key, choice, getattr(item, "label", "") or "")

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        target = _target(interaction, self.prefix)
        await target.answer(interaction, self.key, reply_for_choice(self.choice))


class OpenAnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"(?P<prefix>[a-z]+):open:(?P<key>\d+(?::\d+)*)",
):
    """Opens the answer modal of a free-text question."""

    def __init__(self, prefix: str, key: AnswerKey, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="Answer",
                style=discord.ButtonStyle.primary,
                custom_id=f"{prefix}:open:{_key_text(key)}",
                disabled=disabled,
            )
        )
        self.prefix, self.key = prefix, key

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> OpenAnswerButton:
        return cls(match["prefix"], _key(match["key"]))

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        target = _target(interaction, self.prefix)
        form = await target.answer_form(interaction, self.key)
        key = self.key

        async def submitted(modal_interaction: discord.Interaction, text: str) -> None:
            await target.answer(modal_interaction, key, text)

        await interaction.response.send_modal(AnswerModal(form, submitted))


class AnswerModal(discord.ui.Modal):
    """One text field; a long form gives a paragraph box for interview-style answers."""

    def __init__(self, form: AnswerForm, on_answer: OnAnswer) -> None:
        super().__init__(title=truncate(form.title, 45), timeout=15 * 60)
        self._on_answer = on_answer
        self.answer: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Your answer",
            custom_id="answer",
            style=discord.TextStyle.paragraph if form.long else discord.TextStyle.short,
            placeholder=truncate(form.question, 100),
            max_length=LONG_REPLY_LIMIT if form.long else SHORT_REPLY_LIMIT,
            required=True,
        )
        self.add_item(self.answer)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self._on_answer(interaction, self.answer.value)

    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction, error: Exception
    ) -> None:
        await handle_interaction_error(interaction, error)


def add_answer_buttons(
    view: discord.ui.View, prefix: str, key: AnswerKey, item: Item, *, disabled: bool = False
) -> None:
    """The controls a question of this kind is answered with: one button per choice for
    one-click kinds, else the Answer button."""
    choices = answer_choices(item)
    for choice, label in choices:
        view.add_item(ChoiceButton(prefix, key, choice, label, disabled))
    if not choices:
        view.add_item(OpenAnswerButton(prefix, key, disabled))


def answer_view(
    prefix: str, key: AnswerKey, item: Item, *, disabled: bool = False
) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    add_answer_buttons(view, prefix, key, item, disabled=disabled)
    return view
