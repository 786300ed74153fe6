"""Practice through the real bot: /quiz, /review with FSRS on a fake clock, /question."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bank.schema import Item, TrueFalseItem
from offline import FakeMember, FakeMessage, OfflineDiscord, Reply
from tests.helpers import START, TEST_BANK, board_lines, next_post, setup_daily

FULL_DIFFUSION = "You add noise to images, the network learns to denoise, and sampling starts " \
                 "from pure noise."  # fmt: skip
RIGHT = {"t-quick-mcq": "B", "t-quick-short": "retreival", "t-long-diffusion": FULL_DIFFUSION}
WRONG = {
    "t-quick-mcq": "A",
    "t-quick-short": "reinforcement",
    "t-long-diffusion": "It is a kind of GAN with a discriminator.",
}


@pytest.fixture
async def d(tmp_path: Path) -> AsyncIterator[OfflineDiscord]:
    async with OfflineDiscord(db_path=tmp_path / "q.db", bank=str(TEST_BANK), start=START) as d:
        yield d


def on_screen(d: OfflineDiscord, message: FakeMessage | None) -> Item:
    """The question a practice message shows (its embed starts with the prompt)."""
    assert message is not None and message.embeds
    prompt = (message.embeds[0].description or "").split("\n\n")[0]
    return next(item for item in d.bot.catalog if item.prompt == prompt)


def labels(message: FakeMessage | None) -> list[str]:
    assert message is not None
    return [button["label"] for button in message.buttons()]


async def answer(d: OfflineDiscord, member: FakeMember, reply: Reply, *, right: bool) -> Reply:
    """Answer the question on screen the way a member would: a button or the answer box."""
    item = on_screen(d, reply.message)
    if isinstance(item, TrueFalseItem):
        return await d.click(member, reply.message, label=str(item.answer == right))
    text = (RIGHT if right else WRONG)[item.id]
    if item.kind == "mcq":
        return await d.click(member, reply.message, label=text)
    opened = await d.click(member, reply.message, label="Answer")
    assert opened.modal is not None
    return await d.submit_modal(member, opened, answer=text)


def text_input(opened: Reply) -> dict[str, Any]:
    assert opened.modal is not None
    rows = opened.modal["components"]
    return next(row.get("component") or row["components"][0] for row in rows)


def timestamps(text: str) -> list[int]:
    return [int(seconds) for seconds in re.findall(r"<t:(\d+):R>", text)]


# -- /quiz -------------------------------------------------------------------------------------


async def test_quiz_of_every_quick_kind_then_the_summary(d: OfflineDiscord) -> None:
    alice = d.member("alice")
    reply = await d.slash(alice, "quiz", topic="t-quick")
    assert reply.ephemeral
    assert "Only 3 questions match: here they are." in reply.content  # asked for the default 5
    seen_kinds = set()
    for number in range(1, 4):
        item = on_screen(d, reply.message)
        seen_kinds.add(item.kind)
        assert reply.embeds[0].title == f"Quiz · question {number} of 3"
        assert (
            labels(reply.message)
            == {
                "mcq": ["A", "B", "C", "D", "End"],
                "truefalse": ["True", "False", "End"],
                "short": ["Answer", "End"],
            }[item.kind]
        )
        verdict = await answer(d, alice, reply, right=True)
        assert verdict.ephemeral and verdict.embeds[0].title == "Correct"
        assert item.explanation in verdict.text and "Answered in 0.0 s" in verdict.text
        if item.kind == "short":
            assert "close spelling of 'retrieval'" in verdict.text  # what matched
        last = number == 3
        expected = ["See summary"] if last else ["Next question", "End"]
        assert labels(verdict.message) == [*expected, "Report question"]
        reply = await d.click(alice, verdict.message, label=expected[0])
    assert seen_kinds == {"mcq", "truefalse", "short"}
    summary = reply.text
    assert "Quiz done: 3 of 3 right" in summary and "Score: **100%**." in summary
    assert "`t-quick`: 3/3 right, 100%" in summary
    assert "None: everything right" in summary
    assert reply.message is not None and reply.message.buttons() == []


async def test_keypoints_quiz_shows_the_points_made_and_missed(d: OfflineDiscord) -> None:
    alice = d.member("alice")
    reply = await d.slash(alice, "quiz", topic="t-long", count=1)
    assert labels(reply.message) == ["Answer", "End"]
    opened = await d.click(alice, reply.message, label="Answer")
    assert opened.modal is not None
    assert text_input(opened)["style"] == 2  # a paragraph box
    long_reply = "The reverse process removes noise bit by bit. " + "More detail. " * 290
    verdict = await d.submit_modal(alice, opened, answer=long_reply)
    text = verdict.text
    assert verdict.embeds[0].title == "Partly right"
    assert "1 of 3 points" in text
    made = next(f for f in verdict.embeds[0].fields if f.name == "Points you made")
    assert "reverse process" in (made.value or "")
    model = next(f for f in verdict.embeds[0].fields if f.name == "Answer")
    assert (model.value or "").splitlines() == [
        "A strong answer covers 2 of these 3 points:",
        "• adds noise (missed)",
        "✓ learns to denoise",
        "• starts from noise (missed)",
    ]
    # Each missed point is named once in the whole verdict: not in the grading line too.
    assert text.count("adds noise") == 1 and text.count("(missed)") == 2
    grading = next(f for f in verdict.embeds[0].fields if f.name == "Grading")
    assert grading.value == "not accepted: 1 of 3 points"
    summary = await d.click(alice, verdict.message, label="See summary")
    assert "Quiz done: 0 of 1 right" in summary.text and "Score: **33%**" in summary.text
    assert "`t-long` (33%). Practise it with `/quiz topic:t-long`" in summary.text
    assert "The 1 question you missed will come back in `/review`" in summary.text

    again = await d.slash(alice, "quiz", topic="t-long", count=1)
    verdict = await answer(d, alice, again, right=True)
    assert verdict.embeds[0].title == "Correct"
    assert "(missed)" not in verdict.text and "✓" not in verdict.text


async def test_summary_per_topic_names_the_weakest(d: OfflineDiscord) -> None:
    alice = d.member("alice")
    reply = await d.slash(alice, "quiz", level="beginner", count=7)
    asked = []
    for number in range(7):
        item = on_screen(d, reply.message)
        asked.append(item.topic)
        verdict = await answer(d, alice, reply, right=item.topic == "t-rotation")
        reply = await d.click(alice, verdict.message, **index_label(number, 7))
    assert sorted(asked) == ["t-quick"] * 2 + ["t-rotation"] * 5
    text = reply.text
    assert "Quiz done: 5 of 7 right" in text
    assert "`t-quick`: 0/2 right, 0%\n`t-rotation`: 5/5 right, 100%" in text
    assert "`t-quick` (0%). Practise it with `/quiz topic:t-quick`" in text


def index_label(number: int, total: int) -> dict[str, str]:
    return {"label": "See summary" if number == total - 1 else "Next question"}


async def test_end_early_and_stale_or_foreign_clicks(d: OfflineDiscord) -> None:
    alice, bob = d.member("alice"), d.member("bob")
    reply = await d.slash(alice, "quiz", topic="t-quick", count=3)
    intruder = await d.click(bob, reply.message, label="End")
    assert intruder.ephemeral and "someone else's practice session" in intruder.content

    while on_screen(d, reply.message).kind != "short":  # reach the typed question
        verdict = await answer(d, alice, reply, right=True)
        reply = await d.click(alice, verdict.message, label="Next question")
    first = await d.click(alice, reply.message, label="Answer")
    second = await d.click(alice, reply.message, label="Answer")  # a double click
    await d.submit_modal(alice, first, answer="retrieval")
    late = await d.submit_modal(alice, second, answer="retrieval")
    assert late.ephemeral and "You already answered this question" in late.content

    ended = await d.click(alice, reply.message, label="See summary")
    assert "Quiz done: 3 of 3 right" in ended.text

    empty = await d.slash(alice, "quiz", topic="t-quick", count=2)
    stopped = await d.click(alice, empty.message, label="End")
    assert "Quiz ended" in stopped.text and "No answers this time" in stopped.text


async def test_a_session_survives_a_restart_and_expires_after_a_day(d: OfflineDiscord) -> None:
    alice = d.member("alice")
    reply = await d.slash(alice, "quiz", topic="t-rotation", count=2)
    await d.restart(down_for=timedelta(minutes=5))
    verdict = await d.click(alice, reply.message, label="True")
    assert verdict.embeds[0].title == "Correct"
    await d.advance(hours=25)
    expired = await d.click(alice, verdict.message, label="Next question")
    assert expired.ephemeral and "expired" in expired.content
    await d.slash(alice, "quiz", topic="t-rotation")  # a new one deletes the old session
    gone = await d.click(alice, verdict.message, label="Next question")
    assert gone.ephemeral and "This practice session has expired" in gone.content


async def test_quiz_refusals(d: OfflineDiscord) -> None:
    alice = d.member("alice")
    unknown = await d.slash(alice, "quiz", topic="astrology")
    assert unknown.ephemeral and "Unknown topic astrology" in unknown.content
    empty = await d.slash(alice, "quiz", topic="t-long", level="beginner")
    assert empty.ephemeral and "No questions match" in empty.content
    choices = await d.autocomplete(alice, "quiz", "topic", topic="rot")
    assert choices == [{"name": "t-rotation", "value": "t-rotation"}]


# -- cards and /review -----------------------------------------------------------------------


async def test_review_with_nothing_due(d: OfflineDiscord) -> None:
    alice = d.member("alice")
    first = await d.slash(alice, "review")
    assert first.ephemeral and "No review cards yet" in first.content
    quiz = await d.slash(alice, "quiz", topic="t-rotation", count=1)
    await d.click(alice, quiz.message, label="True")  # right at once: easy
    later = await d.slash(alice, "review")
    assert later.ephemeral and "Nothing to review right now" in later.content
    in_eight_days = int((START + timedelta(days=8)).timestamp())
    assert timestamps(later.content) == [in_eight_days]


async def test_a_wrong_daily_answer_becomes_a_due_review_card(d: OfflineDiscord) -> None:
    channel = await setup_daily(d, topics="t-rotation")
    post = await next_post(d, channel)
    alice = d.member("alice")
    await d.click(alice, post, label="False")  # every t-rotation statement is true
    daily_item = await d.db.fetchval("SELECT item_id FROM daily_posts")

    held = await d.slash(alice, "review")
    assert "Nothing to review right now" in held.content
    assert "1 card waits for the daily question or duel that uses it to close" in held.content
    assert "next card is due" not in held.content
    search = await d.autocomplete(alice, "question search", "text", text="statement")
    assert daily_item not in [choice["value"] for choice in search]  # no early answers
    await d.advance(days=1)  # the post is revealed, the next one opens

    review = await d.slash(alice, "review")
    assert review.ephemeral and "**1 card** due now" in review.content
    assert review.embeds[0].title == "Review · question 1 of 1"
    assert on_screen(d, review.message).id == daily_item
    verdict = await d.click(alice, review.message, label="True")
    assert verdict.embeds[0].title == "Correct"
    summary = await d.click(alice, verdict.message, label="See summary")
    assert "Review done: 1 of 1 right" in summary.text
    assert "All done for now. Your next card is due" in summary.text


async def test_intervals_grow_after_right_answers_and_collapse_after_a_wrong_one(
    d: OfflineDiscord,
) -> None:
    alice = d.member("alice")

    async def review_once(right: bool) -> float:
        """Wait until the card is due, review it; returns the interval until it is due again."""
        waiting = await d.slash(alice, "review")
        if "due now" not in waiting.content:
            await d.advance_to(datetime.fromtimestamp(timestamps(waiting.content)[0], UTC))
            waiting = await d.slash(alice, "review")
        assert "**1 card** due now" in waiting.content
        verdict = await answer(d, alice, waiting, right=right)
        summary = await d.click(alice, verdict.message, label="See summary")
        return timestamps(summary.text)[0] - d.clock.time()

    quiz = await d.slash(alice, "quiz", topic="t-long", count=1)
    await answer(d, alice, quiz, right=True)  # a new card, rated Good: two days
    intervals = [await review_once(right=True) for _ in range(4)]
    days = [interval / 86400 for interval in intervals]
    assert days == sorted(days) and len(set(days)) == 4, days
    assert days[-1] > 60  # months after four right answers in a row
    assert d.clock.now() - START > timedelta(weeks=8)

    assert await review_once(right=False) == 600  # forgotten: back in ten minutes
    relearned = await review_once(right=True)
    assert relearned < intervals[-1] / 5


async def test_duel_answers_feed_cards_after_the_duel(d: OfflineDiscord) -> None:
    alice, bob = d.member("alice"), d.member("bob")
    challenge = await d.slash(alice, "duel challenge", member=bob, topic="t-rotation", rounds=3)
    await d.click(bob, challenge.message, label="Accept")
    assert challenge.message is not None and challenge.message.thread is not None
    round_one = d.messages(challenge.message.thread)[-1]
    await d.advance(seconds=2)
    await d.click(alice, round_one, label="False")
    await d.click(bob, round_one, label="True")

    during = await d.slash(alice, "review")
    assert "1 card waits for the daily question or duel" in during.content
    await d.slash(alice, "duel forfeit")
    await d.advance(minutes=10)
    after = await d.slash(alice, "review")
    assert "**1 card** due now" in after.content
    quick = await d.slash(bob, "review")  # right in 2 s: easy, back in eight days
    assert timestamps(quick.content) == [int(d.clock.time() - 600 + 8 * 86400)]


async def test_practice_never_changes_the_points_board(d: OfflineDiscord) -> None:
    channel = await setup_daily(d, topics="t-rotation")
    alice = d.member("alice")
    post = await next_post(d, channel)
    await d.click(alice, post, label="True")
    await d.advance(days=1)  # the board counts the post once its answer is revealed
    daily_points = "SELECT sum(points) FROM answers WHERE context = 'daily'"
    before = await d.db.fetchval(daily_points)
    board = await d.slash(alice, "leaderboard", board="points", period="all")

    quiz = await d.slash(alice, "quiz", topic="t-quick", count=3)
    for number in range(3):
        verdict = await answer(d, alice, quiz, right=True)
        quiz = await d.click(alice, verdict.message, **index_label(number, 3))
    assert "3 of 3 right" in quiz.text

    assert await d.db.fetchval(daily_points) == before == 11
    practice = "SELECT count(*), sum(points) FROM answers WHERE context = 'practice'"
    assert tuple(await d.db.fetchone(practice)) == (3, 0)
    again = await d.slash(alice, "leaderboard", board="points", period="all")
    assert board_lines(again.text) == board_lines(board.text) == ["`# 1` **alice** · 11 pts"]


# -- /question ---------------------------------------------------------------------------------


async def test_question_search_finds_misspelt_prompts(d: OfflineDiscord) -> None:
    alice = d.member("alice")
    typed = await d.autocomplete(alice, "question search", "text", text="difusion modle")
    assert typed[0] == {
        "name": "How does a diffusion model generate an image?",
        "value": "t-long-diffusion",
    }
    # The prompt says only "RAG"; its explanation spells it out.
    rag = await d.autocomplete(alice, "question search", "text", text="retreival augmented")
    assert rag[0]["value"] == "t-quick-short"
    assert await d.autocomplete(alice, "question search", "text", text="zebra") == []


async def test_question_search_in_the_built_in_bank(tmp_path: Path) -> None:
    async with OfflineDiscord(db_path=tmp_path / "q.db", start=START) as d:
        alice = d.member("alice")
        choices = await d.autocomplete(alice, "question search", "text", text="retreival augmented")
        assert 3 <= len(choices) <= 25
        assert all(len(choice["name"]) <= 100 for choice in choices)
        for choice in choices[:3]:
            assert "retrieval-augmented" in choice["name"].lower(), choice


async def test_question_shows_the_answer_behind_a_spoiler(d: OfflineDiscord) -> None:
    alice = d.member("alice")
    shown = await d.slash(alice, "question search", text="t-quick-short")
    assert shown.ephemeral
    assert "In RAG, what does the R stand for?" in shown.text
    fields = {field.name: field.value for field in shown.embeds[0].fields}
    assert fields["Answer"] == "||retrieval||"
    assert fields["Why"] == "||Retrieval-augmented generation fetches documents and adds them " \
                            "to the prompt.||"  # fmt: skip
    assert labels(shown.message) == ["Report question"]

    unknown = await d.slash(alice, "question search", text="zebra stripes")
    assert unknown.ephemeral
    assert "I don't know a question matching `zebra stripes`" in unknown.content

    drawn = await d.slash(alice, "question random", topic="t-long")
    assert "How does a diffusion model generate an image?" in drawn.text
    assert "||A strong answer covers 2 of these 3 points:\n• adds noise" in drawn.text
    wrong_topic = await d.slash(alice, "question random", topic="astrology")
    assert "Unknown topic" in wrong_topic.content


async def test_question_search_of_unpicked_words_shows_the_best_match(d: OfflineDiscord) -> None:
    alice = d.member("alice")
    sent = await d.slash(alice, "question search", text="difusion modle")
    assert sent.ephemeral and "I don't know" not in sent.text
    assert sent.embeds[0].description is not None
    assert sent.embeds[0].description.startswith("How does a diffusion model generate an image?")
    assert labels(sent.message) == ["Report question"]
    rag = await d.slash(alice, "question search", text="retreival augmented")
    assert "In RAG, what does the R stand for?" in rag.text


async def test_unpicked_words_never_find_the_open_daily_question(d: OfflineDiscord) -> None:
    channel = await setup_daily(d, topics="t-long")
    await next_post(d, channel)
    alice = d.member("alice")
    sent = await d.slash(alice, "question search", text="diffusion model generate image")
    assert sent.ephemeral and "How does a diffusion model" not in sent.text
    assert "strong answer covers" not in sent.text and "||" not in sent.text


async def test_the_open_daily_question_cannot_be_looked_up(d: OfflineDiscord) -> None:
    channel = await setup_daily(d, topics="t-long")
    await next_post(d, channel)
    alice = d.member("alice")
    early = await d.slash(alice, "question search", text="t-long-diffusion")
    assert early.ephemeral and "in play right now" in early.content
    quiz = await d.slash(alice, "quiz", topic="t-long")
    assert "No questions match" in quiz.content


async def test_forgetting_a_member_removes_their_cards_and_sessions(d: OfflineDiscord) -> None:
    alice, bob, mod = d.member("alice"), d.member("bob"), d.member("mod", admin=True)
    for member in (alice, bob):
        quiz = await d.slash(member, "quiz", topic="t-rotation", count=1)
        await d.click(member, quiz.message, label="False")
    ask = await d.slash(mod, "data forget", member=alice)
    await d.click(mod, ask.message, label="Delete")
    assert "Deleted every record" in ask.text
    for table in ("practice_cards", "practice_sessions"):
        rows = await d.db.fetchall(f"SELECT user_id, count(*) FROM {table} GROUP BY user_id")
        assert [tuple(row) for row in rows] == [(bob.id, 1)], table
    assert "No review cards yet" in (await d.slash(alice, "review")).content
