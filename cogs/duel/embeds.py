"""How duels look: the challenge and its fate, rounds and their results, the end, ratings."""

from __future__ import annotations

import discord

from bank.schema import Item
from bank.words import plural
from bot.ui.embeds import BRAND_COLOUR, brand_embed, timestamp
from bot.ui.question import answer_summary, question_embed
from cogs import rating as glicko
from cogs.duel import match as rules
from cogs.duel import rounds
from db import duels as queries
from db.privacy import FORMER_MEMBER


def challenge(
    challenger: str, opponent: str, rounds: int, filters: str, expires_at: float
) -> discord.Embed:
    return brand_embed(
        "Duel challenge",
        f"{challenger} challenges {opponent} to a {rounds}-round duel ({filters}). Right and "
        f"fast answers score most; ratings move.\n\n{opponent}, accept {timestamp(expires_at)}.",
    )


def accepted(duel: queries.DuelRow, where: str, windows: list[float]) -> discord.Embed:
    """``windows``: each round's answer time (a question's list may set its own)."""
    low, high = min(windows, default=duel.round_seconds), max(windows, default=duel.round_seconds)
    if low == high:
        timing = f"{rounds.seconds_text(low)} each"
    else:
        timing = (
            f"{rounds.seconds_text(low)} to {rounds.seconds_text(high)} each (some questions' "
            "lists set their own time)"
        )
    return brand_embed(
        "Duel accepted",
        f"<@{duel.challenger_id}> vs <@{duel.opponent_id}>: play {where}. "
        f"{plural(duel.rounds, 'round')}, {timing}.",
    )


def declined(duel: queries.DuelRow) -> discord.Embed:
    return brand_embed(
        "Duel declined", f"<@{duel.opponent_id}> declined <@{duel.challenger_id}>'s challenge."
    )


def expired(duel: queries.DuelRow) -> discord.Embed:
    return brand_embed(
        "Challenge expired",
        f"<@{duel.opponent_id}> did not answer <@{duel.challenger_id}>'s challenge in time.",
    )


def round_question(
    item: Item, duel: queries.DuelRow, number: int, now: float, seconds: float
) -> discord.Embed:
    embed = question_embed(item, f"Round {number}/{duel.rounds}")
    closes = timestamp(now + seconds)
    embed.add_field(name="Time", value=f"{rounds.seconds_text(seconds)}, closes {closes}")
    return embed


def round_result(item: Item, number: int, match: rules.Match) -> discord.Embed:
    lines = []
    for player in match.players:
        answer = match.answers.get((number, player))
        if answer is None:
            lines.append(f"<@{player}>: no answer, 0")
        else:
            mark = "right" if answer.correct else "wrong"
            lines.append(f"<@{player}>: {mark} in {answer.seconds:.1f} s, +{answer.points}")
    score = f"<@{match.challenger}> {match.score(match.challenger)} - " \
            f"{match.score(match.opponent)} <@{match.opponent}>"  # fmt: skip
    anyone_right = any(a.correct for (n, _), a in match.answers.items() if n == number)
    if not rounds.reveals(item, anyone_right):
        # The list keeps its answers to itself when nobody found them (Red's reveal_answer:
        # false); the explanation goes too, since a Red list's names the accepted answers.
        embed = discord.Embed(
            title=f"Round {number}: nobody got it", colour=BRAND_COLOUR,
            description="This question's list keeps its answer hidden.",
        )  # fmt: skip
        embed.add_field(name="Players", value="\n".join(lines), inline=False)
        embed.add_field(name="Score", value=score, inline=False)
        return embed
    if rounds.spoilers(item):
        # Embed titles show spoiler tags as typed, so the answer moves into a field.
        embed = discord.Embed(title=f"Round {number}: the answer", colour=BRAND_COLOUR)
        embed.add_field(name="Answer", value=rounds.hidden(answer_summary(item), 1024),
                        inline=False)  # fmt: skip
    else:
        embed = discord.Embed(
            title=f"Round {number}: {answer_summary(item)}"[:256], colour=BRAND_COLOUR
        )
    embed.add_field(name="Players", value="\n".join(lines), inline=False)
    embed.add_field(name="Score", value=score, inline=False)
    why = item.explanation
    embed.add_field(
        name="Why", value=rounds.hidden(why, 1024) if rounds.spoilers(item) else why[:1024],
        inline=False,
    )  # fmt: skip
    return embed


def end_title(
    outcome: rules.Outcome, winner: str | None, timed_out: tuple[float, float] | None = None
) -> str:
    if outcome is rules.Outcome.ABANDONED and timed_out is not None:
        silent, limit = map(rounds.seconds_text, timed_out)
        return (
            f"Duel abandoned: nobody answered for {silent} (this question's list stops after "
            f"{limit}). Ratings unchanged."
        )
    if outcome is rules.Outcome.ABANDONED:
        return "Duel abandoned: nobody answered two rounds in a row. Ratings unchanged."
    if winner is None:
        return "Draw!"
    return f"{winner} wins" + (" by forfeit" if outcome is rules.Outcome.FORFEIT else "")


def end(title: str, fields: list[tuple[str, str]]) -> discord.Embed:
    embed = discord.Embed(title=title[:256], colour=BRAND_COLOUR)
    for name, value in fields:
        embed.add_field(name=name, value=value)
    return embed


def end_field(
    points: int, old: glicko.Rating, new: glicko.Rating | None, change: float | None
) -> str:
    value = plural(points, "point")
    if change is not None:
        shown = new.shown() if new else "?"
        value += f"\nRating {old.shown()} → {shown} ({change:+.0f})"
    return value


def interrupted(duel: queries.DuelRow) -> str:
    return (
        f"<@{duel.challenger_id}> <@{duel.opponent_id}>: this duel was interrupted when the bot "
        "restarted, so it has been cancelled. Ratings are unchanged; start a new one with "
        "`/duel challenge`."
    )


def rating_card(name: str, current: glicko.Rating, row: queries.RatingRow | None) -> discord.Embed:
    embed = brand_embed(f"{name}: duel rating {current.shown()}")
    embed.add_field(name="Deviation", value=f"±{current.rd:.0f}")
    if row is not None:
        embed.add_field(name="Record", value=f"{row.wins}W {row.losses}L {row.draws}D")
    else:
        embed.description = "No rated duels yet."
    if current.provisional:
        embed.set_footer(text="? = provisional: the rating settles after a few duels.")
    return embed


def history(name: str, duels: list[queries.DuelRow], user_id: int) -> discord.Embed:
    lines = [_history_line(duel, user_id) for duel in duels]
    return brand_embed(f"{name}: last duels", "\n".join(lines) or "No duels yet.")


def _history_line(duel: queries.DuelRow, user_id: int) -> str:
    mine_first = duel.challenger_id == user_id
    other = duel.opponent_id if mine_first else duel.challenger_id
    mine, theirs = (
        (duel.challenger_score, duel.opponent_score)
        if mine_first
        else (duel.opponent_score, duel.challenger_score)
    )
    change = duel.challenger_change if mine_first else duel.opponent_change
    if duel.state != "finished":
        verdict = duel.state
    elif duel.winner_id is None:
        verdict = "draw"
    else:
        verdict = "won" if duel.winner_id == user_id else "lost"
        if duel.outcome == "forfeit":
            verdict += " (forfeit)"
    moved = f", {change:+.0f}" if change is not None else ""
    when = timestamp(duel.finished_at or duel.created_at)
    rival = "a former member" if other == FORMER_MEMBER else f"<@{other}>"  # /data forget
    return f"{when} vs {rival}: {verdict} {mine}-{theirs}{moved}"


def cut_short(duel: queries.DuelRow, why: str) -> str:
    return (
        f"<@{duel.challenger_id}> <@{duel.opponent_id}>: this duel could not go on ({why}), so "
        "it ended as abandoned. Ratings are unchanged; you are both free to start a new one "
        "with `/duel challenge`."
    )
