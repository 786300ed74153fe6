"""How practice looks: the session's buttons and its question, verdict and summary embeds.

The buttons are DynamicItems whose custom_id carries the session and the question's position,
so a click is checked against the stored session (whose it is, whether that question is still
on screen) and even a button from before a restart answers clearly.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bank.grading import Grade
from bank.schema import QUICK_KINDS, Item, KeypointsItem
from bot.errors import guarded
from bot.ui.embeds import BRAND_COLOUR, truncate
from bot.ui.lookup import cog_of
from bot.ui.question import answer_choices, answer_summary, question_embed, reply_for_choice
from bot.ui.question import verdict_embed as shared_verdict_embed
from bot.ui.report import ReportButton
from cogs.practice.session import Summary

if TYPE_CHECKING:
    from cogs.practice.cog import PracticeCog

MODE_NAMES = {"quiz": "Quiz", "review": "Review"}


def _cog(interaction: discord.Interaction) -> PracticeCog:
    from cogs.practice.cog import (
        PracticeCog,  # the cog imports this module: look it up at call time
    )

    return cog_of(interaction, PracticeCog)


def _button(label: str, custom_id: str, style: discord.ButtonStyle) -> Any:
    return discord.ui.Button(label=label, custom_id=custom_id, style=style)


class ChoiceButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"practice:choice:(?P<session>\d+):(?P<position>\d+):(?P<choice>[a-z]+)",
):
    """An mcq letter or True/False: the click is the whole answer."""

    def __init__(self, session_id: int, position: int, choice: str, label: str) -> None:
        custom_id = f"practice:choice:{session_id}:{position}:{choice}"
        super().__init__(_button(label, custom_id, discord.ButtonStyle.secondary))
        self.session_id, self.position, self.choice = session_id, position, choice

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ChoiceButton:
        label = getattr(item, "label", "") or ""
        return cls(int(match["session"]), int(match["position"]), match["choice"], label)

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        reply = reply_for_choice(self.choice)
        await _cog(interaction).answer(interaction, self.session_id, self.position, reply)


class OpenAnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"practice:open:(?P<session>\d+):(?P<position>\d+)",
):
    """Opens the answer box: one line for short answers, a paragraph for interview answers."""

    def __init__(self, session_id: int, position: int) -> None:
        custom_id = f"practice:open:{session_id}:{position}"
        super().__init__(_button("Answer", custom_id, discord.ButtonStyle.primary))
        self.session_id, self.position = session_id, position

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> OpenAnswerButton:
        return cls(int(match["session"]), int(match["position"]))

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        await _cog(interaction).open_answer_modal(interaction, self.session_id, self.position)


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
        await _cog(interaction).next_question(interaction, self.session_id, self.position)


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
        await _cog(interaction).end(interaction, self.session_id)


DYNAMIC_ITEMS = (ChoiceButton, OpenAnswerButton, NextButton, EndButton)


def question_view(session_id: int, position: int, item: Item) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    choices = answer_choices(item)
    for key, label in choices:
        view.add_item(ChoiceButton(session_id, position, key, label))
    if not choices:
        view.add_item(OpenAnswerButton(session_id, position))
    # Up to ten choices fill two rows; "End" always starts a row of its own.
    end = EndButton(session_id)
    end.row = (len(view.children) - 1) // 5 + 1
    view.add_item(end)
    return view


def verdict_view(session_id: int, position: int, *, last: bool, item_id: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(NextButton(session_id, position, last=last))
    if not last:
        view.add_item(EndButton(session_id))
    view.add_item(ReportButton(item_id))
    return view


def progress_label(mode: str, position: int, total: int) -> str:
    return f"{MODE_NAMES[mode]} · question {position + 1} of {total}"


def question_screen(item: Item, mode: str, position: int, total: int) -> discord.Embed:
    return question_embed(item, progress_label(mode, position, total))


def verdict_screen(
    item: Item,
    grade: Grade,
    reply: str,
    *,
    mode: str,
    position: int,
    total: int,
    seconds: float,
) -> discord.Embed:
    """The member's verdict with the explanation, what matched and, for interview answers,
    the key points they covered and missed."""
    embed = shared_verdict_embed(item, grade, reply)
    embed.set_author(name=progress_label(mode, position, total))
    # The question disappears when this replaces it; keep it in view, briefly.
    embed.description = truncate(item.prompt, 500)
    if isinstance(item, KeypointsItem):
        # Right after the grading line, before the model answer: what to work on comes first.
        at = next(i for i, field in enumerate(embed.fields) if field.name == "Answer")
        for name, labels in (
            ("Points you missed", grade.missing),
            ("Points you made", grade.matched),
        ):
            if labels:
                listed = truncate("\n".join(f"• {label}" for label in labels), 500)
                embed.insert_field_at(at, name=name, value=listed, inline=False)
    if item.kind in QUICK_KINDS:
        embed.set_footer(text=f"Answered in {seconds:.1f} s")
    return embed


def summary_screen(summary: Summary, mode: str, review_note: str) -> discord.Embed:
    name = MODE_NAMES[mode]
    if not summary.answered:
        embed = discord.Embed(title=f"{name} ended", colour=BRAND_COLOUR)
        embed.description = "No answers this time."
        embed.add_field(name="Review", value=review_note, inline=False)
        return embed
    embed = discord.Embed(
        title=f"{name} done: {summary.right} of {summary.answered} right", colour=BRAND_COLOUR
    )
    embed.description = f"Score: **{summary.score:.0%}**"
    if abs(summary.score - summary.right / summary.answered) > 1e-9:
        embed.description += " (an interview answer scores the share of its key points you made)"
    embed.description += "."
    lines = [f"`{t.topic}`: {t.right}/{t.answered} right, {t.score:.0%}" for t in summary.topics]
    embed.add_field(name="By topic", value=truncate("\n".join(lines), 1024), inline=False)
    if summary.weakest is None:
        weakest = "None: everything right. Nice!"
    else:
        topic = summary.weakest.topic
        weakest = (
            f"`{topic}` ({summary.weakest.score:.0%}). Practise it with `/quiz topic:{topic}`."
        )
    embed.add_field(name="Weakest topic", value=truncate(weakest, 1024), inline=False)
    embed.add_field(name="Review", value=review_note, inline=False)
    embed.set_footer(text="Practice counts for your stats, never for points.")
    return embed


def lookup_screen(item: Item) -> discord.Embed:
    """/question: the question, with its answer and explanation behind spoilers."""
    embed = question_embed(item, f"Question {item.id}")
    embed.add_field(name="Answer", value=spoiler(answer_summary(item), 1024), inline=False)
    embed.add_field(name="Why", value=spoiler(item.explanation, 1024), inline=False)
    embed.set_footer(text="Click the black bars to reveal. Try questions like it with /quiz.")
    return embed


def lookup_view(item: Item) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ReportButton(item.id))
    return view


def spoiler(text: str, limit: int) -> str:
    """``text`` behind a spoiler. A "|" inside is escaped: "KL(P||Q)" would end it early."""
    escaped = text.replace("|", "\\|")
    return "||" + truncate(escaped, limit - 4) + "||"
