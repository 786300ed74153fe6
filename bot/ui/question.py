"""How a question, its answer and a member's verdict look, wherever they are shown."""

from __future__ import annotations

import discord

from bank.grading import Grade
from bank.schema import LETTERS, Item, KeypointsItem, McqItem
from bank.words import plural
from bot.ui.embeds import BRAND_COLOUR, FAILURE_COLOUR, SUCCESS_COLOUR, truncate

KIND_HINTS = {
    "mcq": "Pick one answer.",
    "truefalse": "True or false?",
    "short": "Answer in a few words.",
    "keypoints": "Answer as you would in an interview: the key ideas count.",
}


def question_text(item: Item) -> str:
    text = item.prompt
    if isinstance(item, McqItem):
        text += "\n\n" + "\n".join(
            f"**{LETTERS[i]})** {choice}" for i, choice in enumerate(item.choices)
        )
    return text


def question_embed(item: Item, title: str) -> discord.Embed:
    # The bank's rules keep a legal item inside these limits; cutting here keeps an item
    # from an older, laxer bank postable too.
    embed = discord.Embed(
        title=truncate(title, 256), description=truncate(question_text(item), 4096),
        colour=BRAND_COLOUR,
    )  # fmt: skip
    embed.add_field(name="Topic", value=truncate(item.topic, 1024))
    embed.add_field(name="Level", value=item.level)
    embed.set_footer(text=KIND_HINTS[item.kind])
    if item.image is not None:
        embed.set_image(url=item.image)
    return embed


def answer_summary(item: Item) -> str:
    if isinstance(item, KeypointsItem):
        points = "\n".join(f"• {point[0]}" for point in item.points)
        return f"{points_heading(item)}\n{points}"
    return item.answer_text()


def points_heading(item: KeypointsItem) -> str:
    """The line above the points: "A strong answer covers 2 of these 3 points:" and the like
    (bank/limits.py counts its longest form)."""
    total = len(item.points)
    if total == 1:
        return "A strong answer covers this point:"
    if item.need < total:
        return f"A strong answer covers {item.need} of these {total} points:"
    return f"A strong answer covers all {total} of these points:"


def marked_points(item: KeypointsItem, missing: tuple[str, ...]) -> str:
    """The strong answer's points, each marked as made or missed by one reply."""
    lines = [
        f"• {point[0]} (missed)" if point[0] in missing else f"✓ {point[0]}"
        for point in item.points
    ]
    return f"{points_heading(item)}\n" + "\n".join(lines)


def answer_embed(item: Item, title: str) -> discord.Embed:
    embed = discord.Embed(title=truncate(title, 256), colour=BRAND_COLOUR)
    embed.add_field(name="Answer", value=truncate(answer_summary(item), 1024), inline=False)
    embed.add_field(name="Why", value=truncate(item.explanation, 1024), inline=False)
    if item.author is not None:
        embed.set_footer(text=truncate(f"Question by {item.author}", 2048))
    return embed


def verdict_embed(
    item: Item, grade: Grade, reply: str, *, points: int | None = None
) -> discord.Embed:
    """A member's own result: what they said, whether it counts, and what they can learn."""
    if grade.correct:
        title, colour = "Correct", SUCCESS_COLOUR
    elif grade.score > 0:
        title, colour = "Partly right", FAILURE_COLOUR
    else:
        title, colour = "Not quite", FAILURE_COLOUR
    if points is not None:
        title += f" · {plural(points, 'point')}"
    embed = discord.Embed(title=title, colour=colour)
    embed.add_field(name="You answered", value=truncate(reply or "(empty)", 1024), inline=False)
    reason, summary = grade.reason, answer_summary(item)
    if isinstance(item, KeypointsItem) and grade.missing:
        # The missed points are named once, ticked off in the answer; the grading line
        # would otherwise list them again.
        reason = reason.split(", missing ", 1)[0]
        summary = marked_points(item, grade.missing)
    if reason:
        embed.add_field(name="Grading", value=truncate(reason, 1024), inline=False)
    embed.add_field(name="Answer", value=truncate(summary, 1024), inline=False)
    embed.add_field(name="Why", value=truncate(item.explanation, 1024), inline=False)
    return embed


def answer_choices(item: Item) -> list[tuple[str, str]]:
    """(choice key, button label) for one-click kinds; empty for kinds answered in a modal.

    The key goes into a custom_id and comes back as the member's reply: a letter for mcq,
    true/false for truefalse.
    """
    if isinstance(item, McqItem):
        return [(LETTERS[i].lower(), LETTERS[i]) for i in range(len(item.choices))]
    if item.kind == "truefalse":
        return [("true", "True"), ("false", "False")]
    return []


def reply_for_choice(choice: str) -> str:
    return choice.upper() if len(choice) == 1 else choice
