"""Server admin through the real bot: settings, imported banks, reports, data requests."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from offline import FakeChannel, FakeMember, OfflineDiscord, Reply
from tests.helpers import (
    START,
    accept,
    challenge,
    import_file,
    mod,
    next_post,
    posts,
    reveals,
    rounds_in,
    setup_daily,
)

CUSTOM_BANK = """\
topic: our-club
title: Our club's own questions
items:
  - id: club-mascot
    kind: short
    level: beginner
    prompt: What animal is our study club's mascot?
    answers: [owl]
    explanation: The owl stands for late-night study sessions.
  - id: club-day
    kind: truefalse
    level: beginner
    prompt: The club meets on Thursdays.
    answer: true
    explanation: Thursday evenings, every week.
"""

RED_LIST = """\
AUTHOR: someone
What does LLM stand for?:
  - large language model
  - LLM
How many heads does the base Transformer use?:
  - 8
"""

FIVE_PROBLEMS = """\
topic: broken
title: Broken
items:
  - id: b1
    kind: short
    level: beginner
    prompt: Missing answers and a bad id.
    explanation: x
  - id: ok-two
    kind: quiz
    level: beginner
    prompt: Unknown kind.
    explanation: x
  - id: ok-three
    kind: mcq
    level: expert
    prompt: Bad level and letter.
    choices: [a, b]
    answer: E
    explanation: x
"""

BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
"""


# -- every admin command refuses non-admins -------------------------------------------------


async def test_every_admin_command_is_refused_for_a_member(server: OfflineDiscord) -> None:
    alice = server.member("alice")
    calls = [
        ("config show", {}),
        ("config set", {"key": "duel_rounds", "value": "3"}),
        ("bank list", {}),
        ("bank import", {"file": server.attachment("a.yaml", CUSTOM_BANK.encode())}),
        ("bank export", {"name": "a"}),
        ("bank remove", {"name": "a"}),
        ("bank use", {"topics": "all"}),
        ("reports", {}),
        ("data export", {}),
        ("data forget", {"member": server.member("bob")}),
    ]
    for command, options in calls:
        reply = await server.slash(alice, command, **options)
        assert reply.ephemeral and "Manage Server" in reply.content, command
    assert await server.db.fetchval("SELECT count(*) FROM custom_banks") == 0
    assert await server.db.fetchval("SELECT count(*) FROM guild_settings") == 0


# -- settings -------------------------------------------------------------------------------


async def test_config_show_and_bad_values(server: OfflineDiscord) -> None:
    shown = await server.slash(mod(server), "config show")
    for key in ("points_per_answer", "streak_bonus_cap", "duel_round_seconds", "daily_reveal"):
        assert key in shown.text
    bad = await server.slash(mod(server), "config set", key="duel_rounds", value="99")
    assert "from 3 to 10" in bad.content
    unknown = await server.slash(mod(server), "config set", key="colour", value="red")
    assert "unknown setting" in unknown.content and "duel_rounds" in unknown.content
    reveal = await server.slash(mod(server), "config set", key="daily_reveal", value="later")
    assert "at_close, immediate" in reveal.content
    no_daily = await server.slash(mod(server), "config set", key="daily_reveal", value="immediate")
    assert "/daily setup" in no_daily.content
    choices = await server.autocomplete(mod(server), "config set", "key", key="duel", value="")
    assert {c["value"] for c in choices} == {"duel_round_seconds", "duel_rounds"}


async def daily_points_after_one_right_answer(d: OfflineDiscord, channel: FakeChannel) -> int:
    post = await next_post(d, channel)
    await d.click(d.member("alice"), post, label="True")
    return int(await d.db.fetchval("SELECT sum(points) FROM answers"))


async def test_points_and_streak_settings_take_effect(server: OfflineDiscord) -> None:
    channel = await setup_daily(server, topics="t-rotation")
    await server.slash(mod(server), "config set", key="points_per_answer", value="20")
    await server.slash(mod(server), "config set", key="streak_bonus_cap", value="0")
    assert await daily_points_after_one_right_answer(server, channel) == 20


async def test_daily_settings_take_effect(server: OfflineDiscord) -> None:
    channel = await setup_daily(server, topics="t-quick")
    await server.slash(mod(server), "config set", key="daily_topics", value="t-rotation")
    await server.slash(mod(server), "config set", key="daily_reveal", value="immediate")
    await server.slash(mod(server), "config set", key="daily_window_hours", value="2")
    post = await next_post(server, channel)
    item = await server.db.fetchval("SELECT item_id FROM daily_posts")
    assert item.startswith("t-rot")
    verdict = await server.click(server.member("alice"), post, label="True")
    assert "Correct" in verdict.text  # immediate reveal
    await server.advance(hours=2)
    assert len(reveals(server, channel)) == 1  # closed after the 2-hour window
    bad = await server.slash(mod(server), "config set", key="daily_topics", value="astrology")
    assert "Unknown topic astrology" in bad.content


async def test_duel_settings_take_effect(server: OfflineDiscord) -> None:
    await server.slash(mod(server), "config set", key="duel_rounds", value="3")
    await server.slash(mod(server), "config set", key="duel_round_seconds", value="30")
    alice, bob = server.member("alice"), server.member("bob")
    reply = await challenge(server, alice, bob)
    assert "3-round duel" in reply.text
    thread = await accept(server, reply, bob)
    await server.advance(seconds=29)
    assert len(rounds_in(server, thread)) == 1
    await server.advance(seconds=2)
    assert len(rounds_in(server, thread)) == 2


# -- imported banks -------------------------------------------------------------------------


async def test_import_good_file_feeds_this_server_only(server: OfflineDiscord) -> None:
    reply = await import_file(server, "our-club.yaml", CUSTOM_BANK)
    assert "Imported **our-club**: 2 questions (our-club (2))" in reply.content
    listing = await server.slash(mod(server), "bank list")
    assert "**our-club**: 2 questions" in listing.text
    channel = await setup_daily(server, topics="our-club")
    other = server.guild_named("Other")
    other_channel = server.channel("daily", guild=other)
    other_mod = server.member("other-mod", admin=True, guild=other)
    refused = await server.slash(
        other_mod, "daily setup", channel=other_channel, time="09:00", timezone="UTC",
        topics="our-club", in_channel=other_channel,
    )  # fmt: skip
    assert "Unknown topic our-club" in refused.content
    post = await next_post(server, channel)
    item = await server.db.fetchval("SELECT item_id FROM daily_posts")
    assert item in ("club-mascot", "club-day")
    if item == "club-mascot":
        opened = await server.click(server.member("alice"), post, label="Answer")
        await server.submit_modal(server.member("alice"), opened, answer="an owl")
    else:
        await server.click(server.member("alice"), post, label="True")
    assert await server.db.fetchval("SELECT correct FROM answers") == 1  # graded like built-in


async def test_import_red_trivia_list(server: OfflineDiscord) -> None:
    reply = await import_file(server, "llm-trivia.yml", RED_LIST)
    assert "Imported **llm-trivia**: 2 questions" in reply.content


async def test_import_with_five_problems_lists_all_and_stores_nothing(
    server: OfflineDiscord,
) -> None:
    reply = await import_file(server, "broken.yaml", FIVE_PROBLEMS)
    text = reply.text
    assert "5 problems, nothing imported" in text
    for fragment in ("answers", "b1", "quiz", "expert", "E"):
        assert fragment in text
    assert await server.db.fetchval("SELECT count(*) FROM custom_banks") == 0


async def test_many_problems_are_cut_with_a_count(server: OfflineDiscord) -> None:
    items = "".join(
        f"  - id: x{i}\n    kind: short\n    level: beginner\n    prompt: Q\n    explanation: E\n"
        for i in range(200)
    )
    reply = await import_file(server, "many.yaml", f"topic: many\ntitle: Many\nitems:\n{items}")
    assert "more" in reply.text and "nothing imported" in reply.text


async def test_import_refuses_a_3_mb_file(server: OfflineDiscord) -> None:
    reply = await import_file(server, "huge.yaml", "# " + "x" * (3 * 1024 * 1024))
    assert "at most 2 MB" in reply.content


async def test_import_refuses_a_yaml_bomb(server: OfflineDiscord) -> None:
    reply = await import_file(server, "bomb.yaml", BOMB)
    assert "nothing imported" in reply.text and "alias" in reply.text.lower()


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("notes.txt", b"hello", "Send a `.yaml` or `.yml` file"),
        ("image.yaml", bytes(range(256)) * 4, "is not UTF-8 text"),
        ("prose.yaml", b"Just some words: and: more: colons", "nothing imported"),
    ],
)
async def test_import_refuses_what_is_not_a_bank(
    server: OfflineDiscord, filename: str, data: bytes, message: str
) -> None:
    reply = await import_file(server, filename, data)
    assert message in reply.text


async def test_import_clashing_ids_are_reported(server: OfflineDiscord) -> None:
    clash = CUSTOM_BANK.replace("club-mascot", "t-quick-mcq")
    reply = await import_file(server, "clash.yaml", clash)
    assert "`t-quick-mcq` is already used" in reply.text


async def test_replace_asks_for_confirmation(server: OfflineDiscord) -> None:
    await import_file(server, "our-club.yaml", CUSTOM_BANK)
    smaller = CUSTOM_BANK.split("  - id: club-day")[0]
    ask = await import_file(server, "our-club.yaml", smaller)
    assert "already exists" in ask.content
    cancel = await server.click(mod(server), ask.message, label="Cancel")
    assert "nothing changed" in cancel.content
    assert await server.db.fetchval("SELECT item_count FROM custom_banks") == 2
    ask = await import_file(server, "our-club.yaml", smaller)
    intruder = await server.click(server.member("alice"), ask.message, label="Replace")
    assert "Only the person who ran the command" in intruder.content
    await server.click(mod(server), ask.message, label="Replace")
    assert "Imported **our-club**: 1 question (" in ask.message.content
    assert await server.db.fetchval("SELECT item_count FROM custom_banks") == 1


async def test_confirmation_expires(server: OfflineDiscord) -> None:
    await import_file(server, "our-club.yaml", CUSTOM_BANK)
    ask = await server.slash(mod(server), "bank remove", name="our-club")
    await server.advance(minutes=3)
    assert all(b.get("disabled") for b in ask.message.buttons())
    assert await server.db.fetchval("SELECT count(*) FROM custom_banks") == 1


async def test_export_remove_import_round_trip(server: OfflineDiscord) -> None:
    await import_file(server, "our-club.yaml", CUSTOM_BANK)
    before = await server.bot.catalogs.usable(server.guild.id)
    exported = await server.slash(mod(server), "bank export", name="our-club")
    (file,) = exported.files
    assert file.filename == "our-club.yaml" and file.data.decode() == CUSTOM_BANK
    ask = await server.slash(mod(server), "bank remove", name="our-club")
    await server.click(mod(server), ask.message, label="Remove")
    assert "Removed **our-club**" in ask.message.content
    assert (await server.bot.catalogs.usable(server.guild.id)).get("club-mascot") is None
    await import_file(server, "our-club.yaml", file.data)
    after = await server.bot.catalogs.usable(server.guild.id)
    assert [after.get(i) for i in ("club-mascot", "club-day")] == [
        before.get(i) for i in ("club-mascot", "club-day")
    ]
    missing = await server.slash(mod(server), "bank export", name="nope")
    assert "No imported bank is named `nope`" in missing.content


async def test_bank_use_limits_duels_and_daily(server: OfflineDiscord) -> None:
    reply = await server.slash(mod(server), "bank use", topics="t-rotation")
    assert "now use: t-rotation" in reply.content
    refused = await challenge(server, server.member("alice"), server.member("bob"),
                              topic="t-quick")  # fmt: skip
    assert "Unknown topic" in refused.content
    bad = await server.slash(mod(server), "bank use", topics="astrology")
    assert "Unknown topic astrology" in bad.content
    channel = await setup_daily(server)
    for _ in range(3):
        await next_post(server, channel)
    items = [r[0] for r in await server.db.fetchall("SELECT item_id FROM daily_posts")]
    assert all(item.startswith("t-rot") for item in items)


# -- reports --------------------------------------------------------------------------------


async def test_report_flow_and_disable(server: OfflineDiscord) -> None:
    channel = await setup_daily(server, topics="t-rotation")
    await next_post(server, channel)
    await server.advance(days=1)
    reveal = reveals(server, channel)[0]
    item = await server.db.fetchval("SELECT item_id FROM daily_posts WHERE sequence = 1")
    alice = server.member("alice")
    form = await server.click(alice, reveal, label="Report question")
    thanks = await server.submit_modal(alice, form, reason="The statement is ambiguous.")
    assert thanks.ephemeral and "Report #1" in thanks.content
    typed = await server.autocomplete(alice, "report", "question", question="statement thre")
    assert typed[0]["value"] == "t-rot-3"
    second = await server.slash(alice, "report", question="t-rot-3", reason="Typo")
    assert "Report #2" in second.content
    unknown = await server.slash(alice, "report", question="no-such-item", reason="?")
    assert "no question `no-such-item`" in unknown.content

    listing = await server.slash(mod(server), "reports")
    assert "Open reports: 2" in listing.text and "ambiguous" in listing.text
    nope = await server.click(alice, listing.message, label="Resolve #2")
    assert "Manage Server" in nope.content
    await server.click(mod(server), listing.message, label="Resolve #2")
    assert "Report #2 resolved" in listing.message.text()
    asked = await server.click(mod(server), listing.message, label="Disable #1")
    assert asked.ephemeral and f"Switch `{item}` off in this server?" in asked.content
    await server.click(mod(server), asked.message, label="Disable")
    assert asked.message is not None and f"`{item}` is switched off" in asked.message.text()
    for _ in range(8):
        await server.advance(days=1)
    posted = [r[0] for r in await server.db.fetchall("SELECT item_id FROM daily_posts")]
    assert item not in posted[1:]


async def test_duel_round_results_can_be_reported(server: OfflineDiscord) -> None:
    alice, bob = server.member("alice"), server.member("bob")
    thread = await accept(server, await challenge(server, alice, bob, rounds=3), bob)
    await server.advance(seconds=21)
    result = next(m for m in server.messages(thread) if m.embeds[0].title.startswith("Round 1:"))
    form = await server.click(bob, result, label="Report question")
    assert form.modal is not None


# -- data requests --------------------------------------------------------------------------


async def test_data_export_and_forget(server: OfflineDiscord) -> None:
    channel = await setup_daily(server, topics="t-rotation")
    alice, bob = server.member("alice"), server.member("bob")
    post = await next_post(server, channel)
    await server.click(alice, post, label="True")
    await server.click(bob, post, label="False")
    await server.slash(alice, "report", question="t-rot-1", reason="Too easy")

    exported = await server.slash(mod(server), "data export")
    (file,) = exported.files
    records = [json.loads(line) for line in file.data.decode().splitlines()]
    answers = [r for r in records if r["record"] == "answer"]
    assert {r["user_id"] for r in answers} == {alice.id, bob.id}
    assert any(r["record"] == "member" and r["display_name"] == "alice" for r in records)

    ask = await server.slash(mod(server), "data forget", member=alice)
    await server.click(mod(server), ask.message, label="Delete")
    assert "Deleted every record" in ask.message.content
    # In the member's terms: what they did, not the tables it was stored in.
    assert ask.message.content.endswith(
        " in this server: 1 answer, 1 report, 1 review card, their points and stats, "
        "their daily streak, their name."
    ), ask.message.content
    assert "member_" not in ask.message.content and "daily_streaks" not in ask.message.content
    for table in ("answers", "member_totals", "member_periods", "member_days", "member_topics",
                  "daily_streaks", "members", "reports"):  # fmt: skip
        count = await server.db.fetchval(
            f"SELECT count(*) FROM {table} WHERE user_id = ?",
            (alice.id,),
        )
        assert count == 0, table
    assert await server.db.fetchval("SELECT count(*) FROM answers") == 1  # bob's stays
    board = await server.slash(bob, "leaderboard", period="all")
    assert "alice" not in board.text


async def test_restart_keeps_imported_banks(server: OfflineDiscord) -> None:
    await import_file(server, "our-club.yaml", CUSTOM_BANK)
    await server.restart(down_for=timedelta(minutes=1))
    assert (await server.bot.catalogs.usable(server.guild.id)).get("club-day") is not None
    assert posts(server, server.channel("daily")) == []


# -- Discord's limits: what imports can be posted, and validate agrees with import ------------

LONGEST_TOPIC = "t" * 64
LONGEST_CHOICES = ", ".join(letter + "c" * 79 for letter in "abcdefghij")  # ten of 80
LONGEST_POINTS = ", ".join(f"[{n:02d}" + "p" * 75 + "]" for n in range(12))
LEGAL_MAXIMUM = f"""\
topic: {LONGEST_TOPIC}
title: {"T" * 256}
items:
  - id: {"m" * 64}
    kind: mcq
    level: beginner
    prompt: {"Which one? " * 90}
    choices: [{LONGEST_CHOICES}]
    answer: A
    explanation: {"Because. " * 111}
  - id: longest-keypoints
    kind: keypoints
    level: beginner
    prompt: {"Explain it. " * 80}
    points: [{LONGEST_POINTS}]
    need: 1
    explanation: {"Because. " * 111}
"""


async def test_the_longest_legal_questions_post_everywhere(server: OfflineDiscord) -> None:
    imported = await import_file(server, "longest.yaml", LEGAL_MAXIMUM)
    assert "Imported **longest**: 2 questions" in imported.content, imported.text
    alice = server.member("alice")
    # The fake Discord refuses any embed, field, title or label over Discord's limits.
    quiz = await server.slash(alice, "quiz", topic=LONGEST_TOPIC, count=2)
    for _ in range(2):
        verdict = await answer_either(server, alice, quiz.message)
        assert verdict.embeds[0].title in ("Not quite", "Partly right", "Correct")
        labels = [b["label"] for b in verdict.message.buttons()]  # type: ignore[union-attr]
        onward = next(label for label in labels if label in ("Next question", "See summary"))
        quiz = await server.click(alice, verdict.message, label=onward)
    assert "Quiz done: 0 of 2 right" in quiz.text
    for item_id in ("m" * 64, "longest-keypoints"):
        lookup = await server.slash(alice, "question search", text=item_id)
        assert lookup.embeds and lookup.embeds[0].title == f"Question {item_id}"
    channel = await setup_daily(server, topics=LONGEST_TOPIC)
    post = await next_post(server, channel)
    assert post.embeds[0].fields[0].value == LONGEST_TOPIC
    await answer_either(server, alice, post)
    await server.advance(days=1)
    assert reveals(server, channel)
    status = await server.slash(mod(server), "daily status")
    assert LONGEST_TOPIC in status.text


async def answer_either(d: OfflineDiscord, member: FakeMember, message: object) -> Reply:
    """Answer the longest mcq (button B) or the longest keypoints question (a long reply)."""
    labels = [b["label"] for b in message.buttons()]  # type: ignore[attr-defined]
    if "B" in labels:
        return await d.click(member, message, label="B")  # type: ignore[arg-type]
    form = await d.click(member, message, label="Answer")  # type: ignore[arg-type]
    return await d.submit_modal(member, form, answer="p" * 500)


async def test_bank_validate_gives_the_verdict_of_bank_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bank import cli

    wide = (
        CUSTOM_BANK.replace("[owl]", "[owl]")
        .replace("kind: truefalse", "kind: mcq\n    choices: [" + "x" * 900 + ", y]")
        .replace("answer: true", "answer: A")
    )
    builtin_id = CUSTOM_BANK.replace("club-mascot", "rag-acronym")  # a built-in bank id
    async with OfflineDiscord(db_path=tmp_path / "q.db", start=START) as d:  # built-in bank
        for name, text in (("wide", wide), ("builtin-id", builtin_id), ("fine", CUSTOM_BANK)):
            path = tmp_path / f"{name}.yaml"
            path.write_text(text, encoding="utf-8")
            code = cli.validate([str(path)])
            printed = capsys.readouterr().out.splitlines()
            reply = await import_file(d, f"{name}.yaml", text)
            if name == "fine":
                assert code == 0 and printed[0] == "ok: 2 items in 1 file"
                assert "other bank imported by the same server" in printed[1]
                assert "Imported **fine**" in reply.content
                continue
            assert code == 1
            listed = (reply.embeds[0].description or "").replace("• ", "").splitlines()
            assert "nothing imported" in reply.embeds[0].title
            assert [line.replace(str(path), f"{name}.yaml") for line in printed[:-1]] == listed
            assert len(listed) == 1, listed
