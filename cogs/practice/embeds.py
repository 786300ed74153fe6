"""How practice looks: the question, verdict, summary and look-up screens, and their wording."""

from __future__ import annotations

import discord

from bank.grading import Grade
from bank.schema import QUICK_KINDS, Item, KeypointsItem
from bot.ui.embeds import BRAND_COLOUR, truncate
from bot.ui.question import answer_summary, question_embed
from bot.ui.question import verdict_embed as shared_verdict_embed
from cogs.practice.session import Summary

MODE_NAMES = {"quiz": "Quiz", "review": "Review"}


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


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
    the key points they covered (the answer marks those missed)."""
    embed = shared_verdict_embed(item, grade, reply)
    embed.set_author(name=progress_label(mode, position, total))
    # The question disappears when this replaces it; keep it in view, briefly.
    embed.description = truncate(item.prompt, 500)
    if isinstance(item, KeypointsItem):
        # What in the reply counted, before the model answer (which marks the points missed).
        at = next(i for i, field in enumerate(embed.fields) if field.name == "Answer")
        if grade.matched:
            listed = truncate("\n".join(f"• {label}" for label in grade.matched), 500)
            embed.insert_field_at(at, name="Points you made", value=listed, inline=False)
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
    embed.set_footer(
        text="Click or tap the black bars to reveal. Try questions like it with /quiz."
    )
    return embed


def spoiler(text: str, limit: int) -> str:
    """``text`` behind a spoiler. A "|" inside is escaped: "KL(P||Q)" would end it early."""
    escaped = text.replace("|", "\\|")
    return "||" + truncate(escaped, limit - 4) + "||"


def waiting_screen(mode: str) -> discord.Embed:
    """Every question left is in play somewhere: the member waits rather than see answers."""
    return discord.Embed(
        title=f"{mode.capitalize()} · waiting",
        description=(
            "The questions left in this session are in play right now (a daily question or a "
            "duel). They come back once that closes: press **Try again** later, or **End** to "
            "see your summary."
        ),
        colour=BRAND_COLOUR,
    )
