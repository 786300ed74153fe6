"""Fair play through the real bot: nothing shows an answer or a verdict while its question is
in play (an open daily post or a pending or running duel), in any server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bank.schema import TrueFalseItem
from offline import FakeMember, OfflineDiscord, Reply
from tests.helpers import START, TEST_BANK, board_lines, challenge, next_post, setup_daily


@pytest.fixture
async def d(tmp_path: Path) -> AsyncIterator[OfflineDiscord]:
    async with OfflineDiscord(db_path=tmp_path / "q.db", bank=str(TEST_BANK), start=START) as d:
        yield d


def shown_id(d: OfflineDiscord, reply: Reply) -> str | None:
    """The id of the question a practice screen asks, None on any other screen."""
    assert reply.message is not None and reply.message.embeds
    prompt = (reply.message.embeds[0].description or "").split("\n\n")[0]
    return next((item.id for item in d.bot.catalog if item.prompt == prompt), None)


async def step(d: OfflineDiscord, member: FakeMember, reply: Reply) -> Reply:
    """Answer the true/false question on screen (rightly) and press Next."""
    item = d.bot.catalog.get(shown_id(d, reply) or "")
    assert isinstance(item, TrueFalseItem)
    verdict = await d.click(member, reply.message, label=str(item.answer))
    assert verdict.embeds[0].title == "Correct"
    return await d.click(member, verdict.message, label="Next question")


async def post_until_nine(d: OfflineDiscord) -> None:
    """Post at once (08:00) a question that closes at 09:00, and skip the 09:00 post, so the
    reveal comes well inside a practice session's day."""
    mod = d.member("mod", admin=True)
    posted = await d.slash(mod, "daily now")
    assert "Posted question #1" in posted.text, posted.text
    assert "Skipped the post" in (await d.slash(mod, "daily skip")).text


async def open_daily_item(d: OfflineDiscord) -> str:
    return str(await d.db.fetchval("SELECT item_id FROM daily_posts WHERE revealed_at IS NULL"))


async def test_a_quiz_opened_before_the_post_skips_its_question_until_the_reveal(
    d: OfflineDiscord,
) -> None:
    await setup_daily(d, topics="t-rotation")
    alice = d.member("alice")
    quiz = await d.slash(alice, "quiz", topic="t-rotation", count=5)  # before the post
    await post_until_nine(d)
    daily = await open_daily_item(d)
    seen: list[str] = []
    while quiz.embeds[0].title != "Quiz · waiting":
        if shown_id(d, quiz) == daily:  # on screen before the post: its prompt, never a verdict
            quiz = await d.click(alice, quiz.message, label="True")
            assert quiz.embeds[0].title != "Correct" and "came into play" in quiz.text
            continue
        seen.append(str(shown_id(d, quiz)))
        quiz = await step(d, alice, quiz)
    assert len(seen) == 4
    assert quiz.embeds[0].title == "Quiz · waiting"
    assert "in play right now" in quiz.text and "Try again" in [
        b["label"]
        for b in quiz.message.buttons()  # type: ignore[union-attr]
    ]
    again = await d.click(alice, quiz.message, label="Try again")
    assert again.embeds[0].title == "Quiz · waiting"  # still open
    await d.advance(hours=1, minutes=1)  # revealed
    back = await d.click(alice, quiz.message, label="Try again")
    assert shown_id(d, back) == daily
    assert sorted([*seen, daily]) == [f"t-rot-{n}" for n in range(1, 6)]


async def test_a_question_that_comes_into_play_on_screen_gets_no_verdict(
    d: OfflineDiscord,
) -> None:
    await setup_daily(d, topics="t-long")  # one question: the post must use it
    alice = d.member("alice")
    quiz = await d.slash(alice, "quiz", topic="t-long", count=1)
    assert shown_id(d, quiz) == "t-long-diffusion"
    await post_until_nine(d)
    opened = await d.click(alice, quiz.message, label="Answer")
    answered = await d.submit_modal(alice, opened, answer="It adds noise and learns to denoise.")
    assert answered.embeds[0].title == "Quiz · waiting"
    assert "came into play" in answered.text and "adds noise" not in answered.text
    assert await d.db.fetchval("SELECT count(*) FROM answers WHERE context = 'practice'") == 0
    await d.advance(hours=1, minutes=1)
    back = await d.click(alice, answered.message, label="Try again")
    assert shown_id(d, back) == "t-long-diffusion"


async def test_a_quiz_opened_before_a_challenge_hides_the_duel_questions(
    d: OfflineDiscord,
) -> None:
    alice, bob, carol = d.member("alice"), d.member("bob"), d.member("carol")
    quiz = await d.slash(alice, "quiz", topic="t-rotation", count=5)
    await challenge(d, bob, carol, rounds=3)  # pending: its three questions are in play
    duel_items = set(json.loads(await d.db.fetchval("SELECT items FROM duels")))
    assert len(duel_items) == 3
    practised = 0
    while quiz.embeds[0].title != "Quiz · waiting":
        if shown_id(d, quiz) in duel_items:  # on screen before the challenge: no verdict
            quiz = await d.click(alice, quiz.message, label="True")
            assert quiz.embeds[0].title != "Correct" and "came into play" in quiz.text
            continue
        quiz = await step(d, alice, quiz)
        practised += 1
    assert practised == 2
    assert quiz.embeds[0].title == "Quiz · waiting"
    for item_id in duel_items:  # the waiting screen names none of them
        prompt = d.bot.catalog.get(item_id).prompt
        assert item_id not in quiz.text and prompt not in quiz.text


async def test_another_server_cannot_look_up_the_open_daily_question(d: OfflineDiscord) -> None:
    channel = await setup_daily(d, topics="t-quick")
    await next_post(d, channel)
    daily = await open_daily_item(d)
    other = d.guild_named("elsewhere")
    eve = d.member("eve", guild=other)
    refused = await d.slash(eve, "question search", text=daily)
    assert refused.ephemeral and "in play right now" in refused.content
    assert daily not in refused.content
    found = await d.autocomplete(eve, "question search", "text", text="t-quick")
    assert daily not in [choice["value"] for choice in found]
    quiz = await d.slash(eve, "quiz", topic="t-quick", count=5)
    assert "Only 2 questions match" in quiz.content


async def test_no_verdict_on_stats_or_boards_before_the_reveal(d: OfflineDiscord) -> None:
    channel = await setup_daily(d, topics="t-rotation")
    alice = d.member("alice")
    post = await next_post(d, channel)
    await d.click(alice, post, label="False")  # wrong: every t-rotation statement is true
    before = await d.slash(alice, "stats")
    assert "1 answered, verdict at the reveal" in before.text
    assert "0%" not in before.text and "0/1" not in before.text
    for board in ("points", "accuracy"):
        shown = await d.slash(alice, "leaderboard", board=board, period="all")
        assert board_lines(shown.text) == [], board

    bob = d.member("bob")
    await d.advance(days=1)  # revealed
    second = [m for m in d.messages(channel) if m.embeds][-1]
    await d.click(bob, second, label="True")
    after = await d.slash(alice, "stats")
    assert "verdict at the reveal" not in after.text and "1 (0% right)" in after.text
    totals = await d.db.fetchone(
        "SELECT count(*), sum(correct) FROM answers WHERE user_id = ?", (alice.id,)
    )
    assert tuple(totals) == (1, 0)
    shown = await d.slash(bob, "leaderboard", board="points", period="all")
    # alice's revealed answer ranks her (0 points); bob's answer waits for its own reveal.
    assert board_lines(shown.text) == ["`# 1` **alice** · 0 pts"]


async def test_two_challenges_at_once_by_one_member_make_one_duel(d: OfflineDiscord) -> None:
    alice, bob, carol = d.member("alice"), d.member("bob"), d.member("carol")
    first, second = await asyncio.gather(challenge(d, alice, bob), challenge(d, alice, carol))
    rows = await d.db.fetchall("SELECT challenger_id, state FROM duels")
    assert [tuple(row) for row in rows] == [(alice.id, "pending")]
    refused = [r for r in (first, second) if r.ephemeral]
    assert len(refused) == 1 and "already in a duel" in refused[0].content
    # A member challenged by two others at once is in one duel too.
    dave, erin, frank = d.member("dave"), d.member("erin"), d.member("frank")
    await asyncio.gather(challenge(d, dave, frank), challenge(d, erin, frank))
    count = "SELECT count(*) FROM duels WHERE state = 'pending' AND opponent_id = ?"
    assert await d.db.fetchval(count, (frank.id,)) == 1


async def test_a_dollar_in_a_display_name_is_text_on_the_stats_card(d: OfflineDiscord) -> None:
    rich = d.member("cash$money_$")  # an unbalanced mathtext expression
    quiz = await d.slash(rich, "quiz", topic="t-rotation", count=1)
    await step_last(d, rich, quiz)
    shown = await d.slash(rich, "stats")
    assert shown.ephemeral and shown.embeds[0].title == "cash$money_$: stats"
    assert shown.files and shown.files[0].data.startswith(b"\x89PNG")


async def step_last(d: OfflineDiscord, member: FakeMember, reply: Reply) -> None:
    item = d.bot.catalog.get(shown_id(d, reply) or "")
    assert isinstance(item, TrueFalseItem)
    verdict = await d.click(member, reply.message, label=str(item.answer))
    assert verdict.embeds[0].title == "Correct"


# -- autocomplete: bounded, never a giveaway ------------------------------------------------

LONG_PROMPTS = """\
topic: long-prompts
title: Questions with long prompts
items:
""" + "".join(
    f"""\
  - id: long-prompt-{n}
    kind: truefalse
    level: beginner
    prompt: "Statement {n} about {"a very long and winding subject " * 8}is true."
    answer: true
    explanation: Number {n}.
"""
    for n in range(1, 4)
)


async def test_autocomplete_names_fit_discord_and_huge_queries_are_cut(d: OfflineDiscord) -> None:
    mod = d.member("mod", admin=True)
    imported = await d.slash(
        mod, "bank import", file=d.attachment("long.yaml", LONG_PROMPTS.encode())
    )
    assert "Imported" in imported.content, imported.content
    alice = d.member("alice")
    for command, option in (("question search", "text"), ("report", "question")):
        found = await d.autocomplete(alice, command, option, **{option: "winding subject"})
        assert {c["value"] for c in found} == {f"long-prompt-{n}" for n in range(1, 4)}, command
        assert all(len(c["name"]) == 100 and c["name"].endswith("…") for c in found)
        # Discord sends up to 6,000 characters; the first words still find the question.
        huge = "diffusion model " + "generate " * 700
        assert len(huge) > 6000 - 100
        typed = await d.autocomplete(alice, command, option, **{option: huge[:6000]})
        assert typed[0]["value"] == "t-long-diffusion", command


async def test_report_autocomplete_finds_a_question_in_play_by_its_prompt_only(
    d: OfflineDiscord,
) -> None:
    channel = await setup_daily(d, topics="t-quick")
    await next_post(d, channel)
    daily = d.bot.catalog.get(await open_daily_item(d))
    assert daily is not None
    prompt_words = set(daily.prompt.lower().replace("?", " ").replace(",", " ").split())
    giveaway = " ".join(
        w for w in daily.explanation.lower().rstrip(".").split() if w not in prompt_words
    )
    alice = d.member("alice")

    async def offered(text: str) -> list[str]:
        return [
            c["value"] for c in await d.autocomplete(alice, "report", "question", question=text)
        ]

    assert daily.id in await offered(daily.prompt)  # it may be reported while it is open ...
    assert daily.id not in await offered(giveaway)  # ... but its explanation finds nothing
    await d.advance(days=1)  # revealed (the next post is another question)
    if await open_daily_item(d) != daily.id:
        assert daily.id in await offered(giveaway)


async def test_admin_only_autocomplete_offers_nothing_to_members(d: OfflineDiscord) -> None:
    mod = d.member("mod", admin=True)
    await d.slash(mod, "bank import", file=d.attachment("long.yaml", LONG_PROMPTS.encode()))
    alice = d.member("alice")
    assert await d.autocomplete(mod, "bank export", "name", name="long") == [
        {"name": "long", "value": "long"}
    ]
    assert await d.autocomplete(alice, "bank export", "name", name="long") == []
    assert await d.autocomplete(alice, "bank remove", "name", name="") == []
    assert await d.autocomplete(mod, "config set", "key", key="duel_r", value="")
    assert await d.autocomplete(alice, "config set", "key", key="duel_r", value="") == []


# -- one source of truth for the daily filters ----------------------------------------------


def status_topics(reply: Reply) -> str:
    embed = reply.embeds[0]
    return next(f.value for f in embed.fields if f.name == "Topics")


async def test_bank_use_cannot_silently_drop_the_daily_topics(d: OfflineDiscord) -> None:
    mod = d.member("mod", admin=True)
    await setup_daily(d, topics="t-quick")
    refused = await d.slash(mod, "bank use", topics="t-rotation")
    assert refused.ephemeral and "leave out t-quick" in refused.content
    assert "/config set daily_topics" in refused.content
    assert status_topics(await d.slash(mod, "daily status")) == "t-quick"

    both = await d.slash(mod, "bank use", topics="t-rotation, t-quick")
    assert "Daily posts and duels now use: t-quick, t-rotation" in both.content
    assert "Daily posts use: t-quick." in both.content
    # /config daily_topics and /daily setup only take topics of the pool.
    outside = await d.slash(mod, "config set", key="daily_topics", value="t-long")
    assert outside.ephemeral and "Unknown topic t-long" in outside.content
    again = await d.slash(mod, "daily setup", channel=d.channel("daily"), time="09:00",
                          timezone="UTC", topics="t-long")  # fmt: skip
    assert "Unknown topic t-long" in again.content
    await d.slash(mod, "config set", key="daily_topics", value="all")
    assert status_topics(await d.slash(mod, "daily status")) == (
        "all in the pool: t-quick, t-rotation"
    )
    for _ in range(4):  # every post comes from the pool
        await next_post(d, d.channel("daily"))
    posted = [row[0] for row in await d.db.fetchall("SELECT item_id FROM daily_posts")]
    topics = {item.topic for item in map(d.bot.catalog.get, posted) if item is not None}
    assert len(posted) == 4
    assert topics <= {"t-quick", "t-rotation"}


async def test_status_shows_daily_topics_that_lost_their_questions(d: OfflineDiscord) -> None:
    mod = d.member("mod", admin=True)
    club = "topic: our-club\ntitle: Club\nitems:\n" + "".join(
        f"  - {{id: club-{n}, kind: truefalse, level: beginner, prompt: Club fact {n}., "
        f"answer: true, explanation: Fact {n}.}}\n"
        for n in range(1, 3)
    )
    await d.slash(mod, "bank import", file=d.attachment("club.yaml", club.encode()))
    await setup_daily(d, topics="our-club, t-quick")
    removing = await d.slash(mod, "bank remove", name="club")
    await d.click(mod, removing.message, label="Remove")
    shown = status_topics(await d.slash(mod, "daily status"))
    assert shown.startswith("t-quick (our-club is set but not in the `/bank use` pool")


async def test_zones_come_only_from_the_shipped_tzdata(d: OfflineDiscord) -> None:
    mod = d.member("mod", admin=True)
    for zone in ("localtime", "posixrules", "Mars/Olympus"):
        refused = await d.slash(mod, "daily setup", channel=d.channel("daily"), time="09:00",
                                timezone=zone)  # fmt: skip
        assert refused.ephemeral and f"`{zone}` is not a time zone I know" in refused.content
    assert await d.autocomplete(mod, "daily setup", "timezone", timezone="localt") == []
    assert await d.autocomplete(d.member("alice"), "daily setup", "timezone", timezone="") == []
    ok = await d.slash(mod, "daily setup", channel=d.channel("daily"), time="09:00",
                       timezone="europe/berlin")  # fmt: skip
    assert "Daily question set" in ok.content and "Europe/Berlin" in ok.content


async def test_two_daily_now_at_once_leave_one_post_open(d: OfflineDiscord) -> None:
    await setup_daily(d, topics="t-rotation")
    mod = d.member("mod", admin=True)
    first, second = await asyncio.gather(d.slash(mod, "daily now"), d.slash(mod, "daily now"))
    assert "Posted question #1" in first.text and "Posted question #2" in second.text
    # The second closed the first before posting: one question is in play, never two.
    open_posts = await d.db.fetchval("SELECT count(*) FROM daily_posts WHERE revealed_at IS NULL")
    assert open_posts == 1
